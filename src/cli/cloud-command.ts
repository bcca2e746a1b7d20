// The part every cloud's CLI shares: dispatching `<cloud> SUBCOMMAND …` and turning refusals and
// cloud errors into one stderr line and exit code 1.
import { type CliIo, UsageError } from './common';
import { LocalRefusal, isCloudError } from './tencent';

type Subcommand = (args: string[], io: CliIo) => Promise<number>;

export interface CloudCli {
  /** The word on the command line: `tencent`, `alibaba`. */
  word: string;
  /** As users know it: `Tencent Cloud`, `Alibaba Cloud`. */
  displayName: string;
  usage: string;
  commands: { import: Subcommand; create: Subcommand; list: Subcommand; delete: Subcommand };
}

/** Runs one cloud's subcommand; returns the exit code. Throws UsageError for exit 2. */
export async function runCloudCommand(cloud: CloudCli, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const nothingSent = ` Nothing was sent to ${cloud.displayName}.`;
  try {
    switch (sub) {
      case 'import':
      case 'create':
      case 'list':
      case 'delete':
        return await cloud.commands[sub](rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(cloud.usage);
        return 0;
      default:
        throw new UsageError(sub ? `unknown ${cloud.word} command ${sub}` : `${cloud.word} needs a command: import, create, list or delete`);
    }
  } catch (error) {
    if (error instanceof LocalRefusal) {
      io.err(`cloud-ssh-keys: ${error.code}: ${error.message}${nothingSent}`);
      return 1;
    }
    if (isCloudError(error)) {
      const local = error.kind === 'config';
      io.err(`cloud-ssh-keys: ${error.code}: ${error.sentence}${error.requestId ? ` (RequestId: ${error.requestId})` : ''}${local ? nothingSent : ''}`);
      return 1;
    }
    throw error;
  }
}
