// The part every cloud's CLI shares: dispatching `<cloud> SUBCOMMAND …` and turning refusals and
// cloud errors into one stderr line and exit code 1.
import type { CreatedKeyPair } from '../cloud/provider';
import { parseKeyText } from '../keys/parse';
import { saveGeneratedKeyPair } from '../keys/save-key-files';
import { type CliIo, UsageError } from './common';
import { LocalRefusal, isCloudError } from './shared';

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

/** How one cloud names a key pair it just created, in messages and in the output. */
export interface CreatedKeyPairNaming {
  /** `skey-ab12cd34 ("deploy")` for Tencent, `"deploy"` for Alibaba. */
  label: string;
  /** What `<cloud> delete` takes. */
  deleteId: string;
  /** Tells a fallback file apart: `PATH.<tag>`. */
  fileTag: string;
  /** The fields naming the key pair in `--json` output, in the cloud's own words. */
  json: Record<string, unknown>;
  /** The line printed without `--json`. */
  printed: string;
}

/** errno codes meaning the disk is full, in the words a user knows them by. */
const DISK_FULL_MEANINGS: Record<string, string> = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded' };

/** `… ENOSPC …` → `… ENOSPC: no space left on device …`: a full disk said so in plain words. */
function withDiskFullMeaning(text: string): string {
  return text.replace(/\b(ENOSPC|EDQUOT)\b/g, (code) => `${code}: ${DISK_FULL_MEANINGS[code]}`);
}

/**
 * Writes the private key a cloud's CreateKeyPair returned (the only copy there will ever be) and its
 * `.pub`, and reports where, for every cloud alike. Never loses the key: a fallback file when `target`
 * cannot be written, exit 1 then so a script does not go on as if it were where asked; and when no
 * file at all can be written (every disk tried is full), the key itself on stdout, exit 1.
 */
export function saveCreatedKeyPair(
  cloud: CloudCli,
  created: CreatedKeyPair,
  request: { name: string; region: string; target: string; json: boolean },
  naming: CreatedKeyPairNaming,
  io: CliIo,
): number {
  const { name, region, target } = request;
  const k = created.keyPair;
  // The public key line from the private key itself (the file pair must match), else the cloud's.
  const derived = parseKeyText(created.privateKey, 'auto').keys.find((f) => f.kind === 'private' && f.blobBase64);
  if (derived && k.blobBase64 && derived.blobBase64 !== k.blobBase64) {
    io.err(`warning: the public key ${cloud.displayName} returned does not match the private key it returned; ${target}.pub holds the private key's.`);
  }
  const blobLine = derived?.openssh ? derived.openssh.split(' ').slice(0, 2).join(' ') : k.publicKey.trim().split(/\s+/).slice(0, 2).join(' ');
  const publicLine = blobLine ? `${blobLine} ${name}` : undefined;
  const sha256 = derived?.sha256 ?? k.sha256 ?? null;
  let saved;
  try {
    saved = saveGeneratedKeyPair(target, created.privateKey, publicLine, naming.fileTag);
  } catch (error) {
    // No file could take it: stdout is the last place its only copy can go (a terminal to copy it
    // from, or a redirect to a disk with room). Losing it would leave a key pair nobody can use.
    io.err(
      `cloud-ssh-keys: PrivateKeyNotSaved: ${cloud.displayName} created the key pair ${naming.label} in ${region}, but its private key could be written to no file (${withDiskFullMeaning((error as Error).message)}). It is printed on stdout instead${request.json ? ' (PrivateKey in the JSON)' : ''}, its only copy: save it to a file with mode 0600 on a disk with room. Or delete the key pair (cloud-ssh-keys ${cloud.word} delete ${naming.deleteId} --region ${region}) and create it again.`,
    );
    if (request.json) {
      io.out(JSON.stringify({ ...naming.json, Region: region, sha256, PrivateKeyFile: null, PublicKeyFile: null, PrivateKey: created.privateKey }));
    } else {
      io.out(created.privateKey.trimEnd());
    }
    return 1;
  }
  if (saved.fallback) {
    io.err(
      `cloud-ssh-keys: PrivateKeyFallback: the private key could not be written to ${target} (${withDiskFullMeaning(saved.failure ?? 'unknown error')}); it was saved to ${saved.privateKeyPath} (mode 0600) instead. Move it where you want it; ${cloud.displayName} keeps no copy.`,
    );
  } else {
    io.err(`Created ${naming.label} in ${region}. Private key: ${saved.privateKeyPath} (mode 0600); ${cloud.displayName} keeps no copy of it.`);
  }
  if (saved.publicKeyPath) io.err(`Public key: ${saved.publicKeyPath}`);
  else if (saved.publicKeyFailure) io.err(`warning: the public key could not be written (${saved.publicKeyFailure}); derive it with ssh-keygen -y -f ${saved.privateKeyPath}.`);
  if (request.json) {
    io.out(JSON.stringify({
      ...naming.json, Region: region, sha256,
      PrivateKeyFile: saved.privateKeyPath, PublicKeyFile: saved.publicKeyPath ?? null,
      ...(saved.fallback ? { PrivateKeyFallback: true } : {}),
    }));
  } else {
    io.out(naming.printed);
  }
  return saved.fallback ? 1 : 0;
}
