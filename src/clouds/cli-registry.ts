// Each cloud's CLI subcommand (`node dist/cli.js <cloud> import|create|list|delete|instances|ssh-config …`), in the
// order `help` lists them. Apart from registry.ts so that dist/extension.js holds no CLI code.
import type { CliIo } from '../cli/common';
import type { InstanceCommands } from '../cli/instances';
import { ALIBABA_CLI, ALIBABA_USAGE, alibabaCommand } from './alibaba/cli';
import { LIGHTHOUSE_CLI, LIGHTHOUSE_USAGE, lighthouseCommand } from './lighthouse/cli';
import { TENCENT_CLI, TENCENT_USAGE, tencentCommand } from './tencent/cli';

export interface CloudCli {
  /** The subcommand: the cloud's id (`tencent`). */
  command: string;
  usage: string;
  /** Exit code: 0 done, 1 the cloud or a local check refused, 2 a usage error (thrown as UsageError). */
  run(args: string[], io: CliIo): Promise<number>;
  /** Its provider and descriptor, for commands across clouds (`audit`). */
  cloud: InstanceCommands;
}

export const CLOUD_CLIS: readonly CloudCli[] = [
  { command: 'tencent', usage: TENCENT_USAGE, run: tencentCommand, cloud: TENCENT_CLI.instances },
  { command: 'alibaba', usage: ALIBABA_USAGE, run: alibabaCommand, cloud: ALIBABA_CLI.instances },
  { command: 'lighthouse', usage: LIGHTHOUSE_USAGE, run: lighthouseCommand, cloud: LIGHTHOUSE_CLI.instances },
];
