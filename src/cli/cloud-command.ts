// The part every cloud's CLI shares: dispatching `<cloud> SUBCOMMAND …` (`instances` and
// `ssh-config` are shared outright: src/cli/instances.ts) and turning refusals and cloud errors into
// one stderr line and exit code 1.
import type { CreatedKeyPair, DeleteKeyPairsResult } from '../cloud/provider';
import { checkCreatedPrivateKey } from '../cloud/created-key';
import { type CloudProviderDescriptor, documentedKeyTypesText, isDocumentedKeyType } from '../cloud/descriptors';
import { renderTemplate } from '../cloud/errors';
import { savePrivateKey, savePublicKeyBeside } from '../keys/save-key-files';
import { visibleJson, visibleText } from '../keys/visibleText';
import { type CliIo, UsageError } from './common';
import { type InstanceCommands, instancesCommand, sshConfigCommand } from './instances';
import { LocalRefusal, isCloudError } from './shared';
import { rotateCommand } from './rotate';

type Subcommand = (args: string[], io: CliIo) => Promise<number>;

export interface CloudCli {
  /** The word on the command line: `tencent`, `alibaba`. */
  word: string;
  /** As users know it: `Tencent Cloud`, `Alibaba Cloud`. */
  displayName: string;
  usage: string;
  commands: { import: Subcommand; create: Subcommand; list: Subcommand; delete: Subcommand };
  /** What `instances` and `ssh-config` need of the cloud. */
  instances: InstanceCommands;
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
      case 'instances':
        return await instancesCommand(cloud.instances, rest, io);
      case 'ssh-config':
        return await sshConfigCommand(cloud.instances, rest, io);
      case 'rotate':
        return await rotateCommand(cloud.instances, rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(cloud.usage);
        return 0;
      default:
        throw new UsageError(sub ? `unknown ${cloud.word} command ${sub}` : `${cloud.word} needs a command: import, create, list, delete, instances, ssh-config or rotate`);
    }
  } catch (error) {
    // One line whatever the cloud's code, sentence or RequestId hold (our own words have no
    // character visibleText changes, so escaping the whole line escapes just those).
    if (error instanceof LocalRefusal) {
      io.err(visibleText(`cloud-ssh-keys: ${error.code}: ${error.message}${nothingSent}`));
      return 1;
    }
    if (isCloudError(error)) {
      const local = error.kind === 'config';
      io.err(visibleText(`cloud-ssh-keys: ${error.code}: ${error.sentence}${error.requestId ? ` (RequestId: ${error.requestId})` : ''}${local ? nothingSent : ''}`));
      return 1;
    }
    throw error;
  }
}

/**
 * `import` of a key type the cloud does not document: a warning on stderr, and the key is sent all the
 * same (exit 0 if the cloud takes it, 1 with its error code if it refuses). A script keeps working where
 * the cloud accepts more than it documents, and is never stopped by our guess of what it refuses.
 */
export function warnUndocumentedKeyType(descriptor: Pick<CloudProviderDescriptor, 'displayName' | 'documentedKeyTypes'>, publicKeyLine: string, io: CliIo): void {
  const keyType = publicKeyLine.trim().split(/\s+/)[0] ?? '';
  if (isDocumentedKeyType(descriptor, keyType)) return;
  io.err(
    visibleText(
      `warning: ${keyType} is not in ${descriptor.displayName}'s documented key types for ImportKeyPair (${documentedKeyTypesText(descriptor)}); it may refuse it. Sending it anyway.`,
    ),
  );
}

/**
 * What `delete` did: the deleted IDs on stdout (or one JSON object with `Deleted`, `InUse`, `NotFound`),
 * each kept or unknown ID as a `cloud-ssh-keys: CODE: sentence` line on stderr. Exit 1 unless every ID went.
 */
export function reportDeleted(
  result: DeleteKeyPairsResult,
  io: CliIo,
  report: { json: boolean; jsonFields?: Record<string, unknown>; inUse: (id: string) => string; missing: (id: string) => string },
): number {
  if (report.json) io.out(visibleJson({ ...report.jsonFields, Deleted: result.deleted, InUse: result.inUse, NotFound: result.missing }));
  else for (const id of result.deleted) io.out(visibleText(`deleted ${id}`));
  for (const id of result.inUse) io.err(visibleText(`cloud-ssh-keys: ${report.inUse(id)}`));
  for (const id of result.missing) io.err(visibleText(`cloud-ssh-keys: ${report.missing(id)}`));
  return result.inUse.length || result.missing.length ? 1 : 0;
}

/** One line of tab-separated fields, each shown with visibleText (a tab or newline in a cloud's field cannot shift or forge columns). */
export function fieldsLine(fields: ReadonlyArray<string>): string {
  return fields.map(visibleText).join('\t');
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
 * Writes the private key a cloud's CreateKeyPair returned (the only copy there will ever be) and
 * reports where, for every cloud alike. The key is written first, before anything about the answer
 * is checked; then its `.pub` is derived from it. Never loses the key: a fallback file when `target`
 * cannot be written, and when no file at all can be written (every disk tried is full), the key
 * itself on stdout. Exit 1 whenever something is not as asked (a fallback, an answer with malformed
 * fields, a key that does not read as a key or does not match), so a script does not go on.
 */
export function saveCreatedKeyPair(
  cloud: CloudCli,
  created: CreatedKeyPair,
  request: { name: string; region: string; target: string; json: boolean },
  naming: CreatedKeyPairNaming,
  io: CliIo,
): number {
  const { name, region, target } = request;
  let saved;
  try {
    saved = savePrivateKey(target, created.privateKey, naming.fileTag);
  } catch (error) {
    // No file could take it: stdout is the last place its only copy can go (a terminal to copy it
    // from, or a redirect to a disk with room). Losing it would leave a key pair nobody can use.
    io.err(
      `cloud-ssh-keys: PrivateKeyNotSaved: ${cloud.displayName} created the key pair ${visibleText(naming.label)} in ${region}, but its private key could be written to no file (${withDiskFullMeaning((error as Error).message)}). It is printed on stdout instead${request.json ? ' (PrivateKey in the JSON)' : ''}, its only copy: save it to a file with mode 0600 on a disk with room. Or delete the key pair (cloud-ssh-keys ${cloud.word} delete ${visibleText(naming.deleteId)} --region ${region}) and create it again.`,
    );
    if (request.json) {
      io.out(visibleJson({ ...naming.json, Region: region, sha256: null, PrivateKeyFile: null, PublicKeyFile: null, PrivateKey: created.privateKey }));
    } else {
      io.out(created.privateKey.trimEnd());
    }
    return 1;
  }
  // Saved: now everything else may be checked, and may fail without losing anything.
  const check = checkCreatedPrivateKey(created, cloud.displayName, saved.privateKeyPath);
  if (check.publicBlobLine) savePublicKeyBeside(saved, `${check.publicBlobLine} ${name}`);
  let failed = saved.fallback;
  if (saved.fallback) {
    io.err(
      `cloud-ssh-keys: PrivateKeyFallback: the private key could not be written to ${target} (${withDiskFullMeaning(saved.failure ?? 'unknown error')}); it was saved to ${saved.privateKeyPath} (mode 0600) instead. Move it where you want it; ${cloud.displayName} keeps no copy.`,
    );
  } else {
    io.err(`Created ${visibleText(naming.label)} in ${region}. Private key: ${saved.privateKeyPath} (mode 0600); ${cloud.displayName} keeps no copy of it.`);
  }
  if (saved.publicKeyPath) io.err(`Public key: ${saved.publicKeyPath}`);
  else if (saved.publicKeyFailure) io.err(`warning: the public key could not be written (${saved.publicKeyFailure}); derive it with ssh-keygen -y -f ${saved.privateKeyPath}.`);
  if (check.problem) {
    io.err(visibleText(`cloud-ssh-keys: ${check.problem.code}: ${renderTemplate(check.problem.template, check.problem.args)}`));
    failed = true;
  }
  if (created.malformed) {
    io.err(visibleText(`cloud-ssh-keys: ${created.malformed.code}: ${created.malformed.sentence} The key pair was created and its private key saved first (${saved.privateKeyPath}); list the key pairs of ${region} to see what ${cloud.displayName} holds.`));
    failed = true;
  }
  if (request.json) {
    io.out(visibleJson({
      ...naming.json, Region: region, sha256: check.sha256 ?? null,
      PrivateKeyFile: saved.privateKeyPath, PublicKeyFile: saved.publicKeyPath ?? null,
      ...(saved.fallback ? { PrivateKeyFallback: true } : {}),
      ...(check.problem ? { Problem: check.problem.code } : {}),
      ...(created.malformed ? { MalformedResponse: created.malformed.sentence } : {}),
    }));
  } else {
    io.out(visibleText(naming.printed));
  }
  return failed ? 1 : 0;
}
