// `cloud-ssh-keys tencent …`: Tencent Cloud CVM key pairs from a shell, through the same
// provider the extension uses (src/cloud). Credentials come from the environment
// (TENCENTCLOUD_SECRET_ID / _SECRET_KEY / _SESSION_TOKEN, as Tencent's SDKs read them) or from a
// profile of tccli or the SDKs' credentials file (--profile; ./profiles.ts).
// Everything that can be checked locally is checked before any request is sent.
//
// The provider and its SDK live in dist/tencent.js and are required only when a tencent command
// runs, so `inspect` and `scan` never load them.

import * as path from 'node:path';
import { KEY_NAME_MESSAGES } from '../../cloud/descriptors';
import { TENCENT_DESCRIPTOR } from './descriptor';
import { renderTemplate } from '../../cloud/errors';
import { TENCENT_MESSAGES } from './errors';
import type { KeyPair } from '../../cloud/provider';
import { expandHome } from '../../keys/scan-fs';
import { visibleJson, visibleText } from '../../keys/visibleText';
import { type CloudCli, fieldsLine, reportDeleted, runCloudCommand, saveCreatedKeyPair, warnUndocumentedKeyType } from '../../cli/cloud-command';
import { loadCloudChunk } from '../../cloud/chunk-loader';
import { type CliIo, UsageError } from '../../cli/common';
import { instanceCommandsUsage } from '../../cli/instances';
import { TENCENT_PROFILE_SOURCE } from './profiles';

export { TENCENT_PROFILE_SOURCE };
import { CONNECTION_OPTIONS_USAGE, type ConnectionOptionValues, LocalRefusal, checkOutputPath, cliLanguage, connectionOptions, credentialsFromEnvOrProfile, guardInterrupts, localFilesByBlob, parse, publicKeyToImport, requireOption } from '../../cli/shared';

type TencentChunk = typeof import('./chunk');


/** Help for --profile, the same for CVM and Lighthouse. */
export const TENCENT_PROFILE_USAGE = `Every command also takes --profile NAME: the credentials of tccli's profile NAME
  (~/.tccli/NAME.credential, written by tccli configure --profile NAME) or of [NAME] in
  ~/.tencentcloud/credentials (TENCENTCLOUD_CREDENTIALS_FILE names another file). A given --profile
  wins over the variables above, as in tccli; without it the variables are used when set, else the
  profile TCCLI_PROFILE names, else "default" when one of these files exists.`;

export const TENCENT_USAGE = `Tencent Cloud CVM key pairs and instances (credentials from the environment:
TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and, for temporary credentials,
TENCENTCLOUD_SESSION_TOKEN; or from a tccli profile: --profile NAME):
  tencent import FILE --name NAME --region REGION [--project ID] [--endpoint URL] [--json]
                            Imports the public key in FILE (OpenSSH, RFC 4716, PEM, or an
                            authorized_keys line; sent as one OpenSSH line). Prints the KeyId.
                            CVM documents RSA keys only: another type gets a warning on stderr and
                            is sent all the same (Tencent Cloud decides).
  tencent create --name NAME --region REGION --out PATH [--project ID] [--endpoint URL] [--json]
                            Has Tencent Cloud generate a key pair; writes the private key to PATH
                            (mode 0600, never over a file) and its public key to PATH.pub; if PATH
                            cannot be written, to a fallback file, and if no file can take it
                            (disk full), prints it on stdout rather than lose it.
  tencent list --region REGION [--ssh-dir DIR]... [--endpoint URL] [--json]
                            Key pairs of the region: KeyId, KeyName, SHA256 fingerprint, the
                            matching local file (by key, in ~/.ssh or the --ssh-dir folders), key.
  tencent delete KEYID... --region REGION [--endpoint URL] [--json]
${instanceCommandsUsage('tencent')}
  ${CONNECTION_OPTIONS_USAGE}
  ${TENCENT_PROFILE_USAGE}
  Exit 0 on success, 1 when Tencent Cloud or a local check refused (stderr names the error code;
  nothing is sent when a local check refuses), 2 on usage errors.`;

function projectOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new UsageError(`--project needs a project ID (a number; 0 is the default project), not "${value}"`);
  return String(Number(value));
}

/**
 * The API's name rules (the ones the extension checks as the user types: TENCENT_DESCRIPTOR),
 * checked before sending, reported with the codes and sentences of the API's own answers.
 */
export function keyNameRefusal(name: string): LocalRefusal | undefined {
  const problem = TENCENT_DESCRIPTOR.keyNameProblem(name);
  if (!problem) return undefined;
  if (problem.template === KEY_NAME_MESSAGES.empty) return new LocalRefusal('InvalidKeyPairNameEmpty', TENCENT_MESSAGES.keyNameEmpty);
  if (problem.template === KEY_NAME_MESSAGES.tooLong) {
    return new LocalRefusal('InvalidKeyPairNameTooLong', renderTemplate(TENCENT_MESSAGES.keyNameTooLong, [name]));
  }
  return new LocalRefusal('InvalidKeyPairNameIncludeIllegalChar', renderTemplate(TENCENT_MESSAGES.keyNameIllegalChar, [name]));
}

function providerFor(io: CliIo, values: ConnectionOptionValues) {
  const credentials = credentialsFromEnvOrProfile(TENCENT_DESCRIPTOR, io, values.profile, 'from the API Keys page of the Tencent Cloud console; add TENCENTCLOUD_SESSION_TOKEN for temporary credentials', TENCENT_PROFILE_SOURCE);
  const chunk = loadCloudChunk<TencentChunk>('tencent');
  // Throws a CloudError (kind config) for a bad or plain-http non-loopback endpoint: nothing is sent.
  return new chunk.TencentCvmProvider({
    credentials: { secretId: credentials.secretId, secretKey: credentials.secretKey, token: credentials.token },
    ...connectionOptions(values, io.env),
    language: cliLanguage(io.env),
  });
}

// ---------------------------------------------------------------------------------------

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, project: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'import takes one FILE' : 'import needs a FILE');
  const name = requireOption(values.name, 'name');
  const region = requireOption(values.region, 'region');
  const projectId = projectOption(values.project);
  const refusal = keyNameRefusal(name);
  if (refusal) throw refusal;
  const key = publicKeyToImport(positionals[0]);
  const provider = providerFor(io, values);
  warnUndocumentedKeyType(TENCENT_DESCRIPTOR, key.line, io);
  const result = await provider.importKeyPair({ region, name, publicKey: key.line, projectId });
  for (const note of key.notes) io.err(visibleText(`note: ${note}`));
  const k = result.keyPair;
  if (result.alreadyExisted) io.err(visibleText(`note: this key was already in ${region} as ${k.id} ("${k.name}"); nothing was imported.`));
  if (result.recoveredAfterLostAnswer) io.err(visibleText(`note: the answer to the import was lost, but the key was found in ${region} as ${k.id}.`));
  if (values.json) {
    io.out(visibleJson({ KeyId: k.id, KeyName: k.name, Region: region, ...(result.alreadyExisted ? { AlreadyExisted: true } : {}) }));
  } else {
    io.out(visibleText(k.id));
  }
  return 0;
}

async function createCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, out: { type: 'string' }, project: { type: 'string' } });
  if (positionals.length) throw new UsageError(`create takes no FILE (unexpected ${positionals[0]}); the private key goes to --out`);
  const name = requireOption(values.name, 'name');
  const region = requireOption(values.region, 'region');
  const target = path.resolve(expandHome(requireOption(values.out, 'out')));
  const projectId = projectOption(values.project);
  const refusal = keyNameRefusal(name);
  if (refusal) throw refusal;
  checkOutputPath(target);
  const provider = providerFor(io, values);
  const release = guardInterrupts(io, 'Tencent Cloud');
  let created;
  try {
    created = await provider.createKeyPair({ region, name, projectId });
  } finally {
    release();
  }
  const k = created.keyPair;
  // k.id is '' when the answer's KeyId was malformed (created.malformed says which): never shown raw, never in a file name.
  const id = k.id || `(the KeyId of "${name}": see tencent list)`;
  return saveCreatedKeyPair(TENCENT_CLI, created, { name, region, target, json: !!values.json }, { label: `${id} ("${name}")`, deleteId: id, fileTag: k.id, json: { KeyId: k.id || null, KeyName: k.name || name }, printed: k.id || name }, io);
}

async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { 'ssh-dir': { type: 'string', multiple: true } });
  if (positionals.length) throw new UsageError(`list takes no arguments (unexpected ${positionals[0]})`);
  const region = requireOption(values.region, 'region');
  const provider = providerFor(io, values);
  const [keyPairs, local] = await Promise.all([
    provider.listKeyPairs({ region }),
    localFilesByBlob(values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']),
  ]);
  const localFile = (k: KeyPair) => (k.blobBase64 ? local.get(k.blobBase64) : undefined) ?? null;
  if (values.json) {
    io.out(visibleJson(keyPairs.map((k) => ({
      KeyId: k.id, KeyName: k.name, Region: k.region, ProjectId: k.projectId, PublicKey: k.publicKey, sha256: k.sha256 ?? null,
      CreatedTime: k.createdTime, Description: k.description, AssociatedInstanceIds: k.associatedInstanceIds, LocalFile: localFile(k),
    })), 2));
  } else {
    for (const k of keyPairs) io.out(fieldsLine([k.id, k.name, k.sha256 ?? '(unreadable key)', localFile(k) ?? '-', k.publicKey]));
    if (keyPairs.length === 0) io.err(visibleText(`no key pairs in ${region}`));
  }
  return 0;
}

async function deleteCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('delete needs a KEYID (skey-…)');
  const region = requireOption(values.region, 'region');
  const provider = providerFor(io, values);
  const result = await provider.deleteKeyPairs({ region, ids: positionals });
  return reportDeleted(result, io, {
    json: !!values.json,
    jsonFields: { Region: region },
    inUse: (id) => `InvalidParameterValue.KeyPairNotSupported: ${renderTemplate(TENCENT_MESSAGES.keyPairInUse, [id])}`,
    missing: (id) => `InvalidKeyPairId.NotFound: ${renderTemplate(TENCENT_MESSAGES.keyIdNotFound, [id, region])}`,
  });
}

/** `tencent SUBCOMMAND …`; returns the exit code. Throws UsageError for exit 2. */
export function tencentCommand(args: string[], io: CliIo): Promise<number> {
  return runCloudCommand(TENCENT_CLI, args, io);
}

export const TENCENT_CLI: CloudCli = {
  word: 'tencent',
  displayName: 'Tencent Cloud',
  usage: TENCENT_USAGE,
  commands: { import: importCommand, create: createCommand, list: listCommand, delete: deleteCommand },
  instances: { descriptor: TENCENT_DESCRIPTOR, provider: providerFor, keyPairsJson: (keyIds) => ({ KeyIds: keyIds }) },
};
