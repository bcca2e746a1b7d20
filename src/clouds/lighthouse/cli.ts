// `cloud-ssh-keys lighthouse …`: Tencent Cloud Lighthouse key pairs from a shell, through the same
// provider the extension uses. Credentials come from the environment or a Tencent profile (--profile),
// the same variables and profiles as for CVM (one Tencent Cloud account). Everything that can be checked locally is checked before any
// request is sent. Key pairs are account-wide, so --region is optional for the key pair commands;
// instances are regional, so `instances` and `ssh-config` need it.
//
// The provider and its SDK live in dist/lighthouse.js and are required only when a lighthouse
// command runs, so `inspect` and `scan` never load them.

import * as path from 'node:path';
import { renderTemplate } from '../../cloud/errors';
import { loadCloudChunk } from '../../cloud/chunk-loader';
import type { KeyPair } from '../../cloud/provider';
import { expandHome } from '../../keys/scan-fs';
import { visibleJson, visibleText } from '../../keys/visibleText';
import { type CloudCli, fieldsLine, reportDeleted, runCloudCommand, saveCreatedKeyPair, warnUndocumentedKeyType } from '../../cli/cloud-command';
import { type CliIo, UsageError } from '../../cli/common';
import { instanceCommandsUsage } from '../../cli/instances';
import { CONNECTION_OPTIONS_USAGE, type ConnectionOptionValues, LocalRefusal, checkOutputPath, cliLanguage, connectionOptions, credentialsFromEnvOrProfile, guardInterrupts, localFilesByBlob, parse, publicKeyToImport, requireOption } from '../../cli/shared';
import { TENCENT_PROFILE_SOURCE, TENCENT_PROFILE_USAGE, keyNameRefusal as cvmKeyNameRefusal } from '../tencent/cli';
import { isLighthouseKeyId } from './answers';
import { LIGHTHOUSE_DESCRIPTOR } from './descriptor';
import { LIGHTHOUSE_MESSAGES } from './errors';

type LighthouseChunk = typeof import('./chunk');

export const LIGHTHOUSE_USAGE = `Tencent Cloud Lighthouse key pairs and instances (the same credentials as tencent:
TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and, for temporary credentials,
TENCENTCLOUD_SESSION_TOKEN; or the same tccli profiles: --profile NAME).
Lighthouse key pairs belong to the whole account, not to a region: --region is optional (default
ap-guangzhou) for the key pair commands and only names the region reported with a created key
pair. Instances are regional: instances and ssh-config need --region.
  lighthouse import FILE --name NAME [--region REGION] [--endpoint URL] [--json]
                            Imports the public key in FILE (OpenSSH, RFC 4716, PEM, or an
                            authorized_keys line; sent as one OpenSSH line). Lighthouse documents RSA
                            keys only: another type gets a warning on stderr and is sent all the
                            same (Lighthouse decides). Prints the KeyId (lhkp-…).
  lighthouse create --name NAME --out PATH [--region REGION] [--endpoint URL] [--json]
                            Has Lighthouse generate a key pair; writes the private key to PATH (mode
                            0600, never over a file) and its public key to PATH.pub; if PATH cannot
                            be written, to a fallback file, and if no file can take it (disk full),
                            prints it on stdout rather than lose it.
  lighthouse list [--ssh-dir DIR]... [--endpoint URL] [--json]
                            The account's key pairs: KeyId, KeyName, SHA256 fingerprint, the matching
                            local file (by key, in ~/.ssh or the --ssh-dir folders), key.
  lighthouse delete KEYID... [--endpoint URL] [--json]
${instanceCommandsUsage('lighthouse')}
  ${CONNECTION_OPTIONS_USAGE}
  ${TENCENT_PROFILE_USAGE}
  Exit 0 on success, 1 when Tencent Cloud or a local check refused (stderr names the error code;
  nothing is sent when a local check refuses), 2 on usage errors.`;

/** CVM's name rules (Lighthouse documents the same), reported with Lighthouse's codes for them. */
export function keyNameRefusal(name: string): LocalRefusal | undefined {
  const refusal = cvmKeyNameRefusal(name);
  return refusal && new LocalRefusal(`InvalidParameterValue.${refusal.code}`, refusal.message);
}

/** The region a command reports; key pair calls send none. */
function regionOf(values: { region?: string }): string {
  return values.region ?? LIGHTHOUSE_DESCRIPTOR.defaultRegion;
}

function providerFor(io: CliIo, values: ConnectionOptionValues) {
  const credentials = credentialsFromEnvOrProfile(LIGHTHOUSE_DESCRIPTOR, io, values.profile, 'from the API Keys page of the Tencent Cloud console; add TENCENTCLOUD_SESSION_TOKEN for temporary credentials', TENCENT_PROFILE_SOURCE);
  const chunk = loadCloudChunk<LighthouseChunk>('lighthouse');
  // Throws a CloudError (kind config) for a bad or plain-http non-loopback endpoint: nothing is sent.
  return new chunk.LighthouseProvider({
    credentials: { secretId: credentials.secretId, secretKey: credentials.secretKey, token: credentials.token },
    ...connectionOptions(values, io.env),
    language: cliLanguage(io.env),
  });
}

// ---------------------------------------------------------------------------------------

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'import takes one FILE' : 'import needs a FILE');
  const name = requireOption(values.name, 'name');
  const refusal = keyNameRefusal(name);
  if (refusal) throw refusal;
  const key = publicKeyToImport(positionals[0]);
  const provider = providerFor(io, values);
  warnUndocumentedKeyType(LIGHTHOUSE_DESCRIPTOR, key.line, io);
  const result = await provider.importKeyPair({ region: regionOf(values), name, publicKey: key.line });
  for (const note of key.notes) io.err(visibleText(`note: ${note}`));
  const k = result.keyPair;
  if (result.alreadyExisted) io.err(visibleText(`note: this key was already in the account as ${k.id} ("${k.name}"); nothing was imported.`));
  if (result.recoveredAfterLostAnswer) io.err(visibleText(`note: the answer to the import was lost, but the key was found in the account as ${k.id}.`));
  if (values.json) {
    io.out(visibleJson({ KeyId: k.id, KeyName: k.name, ...(result.alreadyExisted ? { AlreadyExisted: true } : {}) }));
  } else {
    io.out(visibleText(k.id));
  }
  return 0;
}

async function createCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, out: { type: 'string' } });
  if (positionals.length) throw new UsageError(`create takes no FILE (unexpected ${positionals[0]}); the private key goes to --out`);
  const name = requireOption(values.name, 'name');
  const target = path.resolve(expandHome(requireOption(values.out, 'out')));
  const region = regionOf(values);
  const refusal = keyNameRefusal(name);
  if (refusal) throw refusal;
  checkOutputPath(target);
  const provider = providerFor(io, values);
  const release = guardInterrupts(io, 'Tencent Cloud Lighthouse');
  let created;
  try {
    created = await provider.createKeyPair({ region, name });
  } finally {
    release();
  }
  const k = created.keyPair;
  // k.id is '' when the answer's KeyId was malformed (created.malformed says which): never shown raw, never in a file name.
  const id = k.id || `(the KeyId of "${name}": see lighthouse list)`;
  return saveCreatedKeyPair(LIGHTHOUSE_CLI, created, { name, region, target, json: !!values.json }, { label: `${id} ("${name}")`, deleteId: id, fileTag: k.id, json: { KeyId: k.id || null, KeyName: k.name || name }, printed: k.id || name }, io);
}

async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { 'ssh-dir': { type: 'string', multiple: true } });
  if (positionals.length) throw new UsageError(`list takes no arguments (unexpected ${positionals[0]})`);
  const provider = providerFor(io, values);
  const [keyPairs, local] = await Promise.all([
    provider.listKeyPairs({ region: regionOf(values) }),
    localFilesByBlob(values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']),
  ]);
  const localFile = (k: KeyPair) => (k.blobBase64 ? local.get(k.blobBase64) : undefined) ?? null;
  if (values.json) {
    io.out(visibleJson(keyPairs.map((k) => ({
      KeyId: k.id, KeyName: k.name, PublicKey: k.publicKey, sha256: k.sha256 ?? null,
      CreatedTime: k.createdTime, AssociatedInstanceIds: k.associatedInstanceIds, LocalFile: localFile(k),
    })), 2));
  } else {
    for (const k of keyPairs) io.out(fieldsLine([k.id, k.name, k.sha256 ?? '(unreadable key)', localFile(k) ?? '-', k.publicKey]));
    if (keyPairs.length === 0) io.err('no Lighthouse key pairs in this account');
  }
  return 0;
}

async function deleteCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('delete needs a KEYID (lhkp-…)');
  const malformed = positionals.filter((id) => !isLighthouseKeyId(id));
  if (malformed.length) throw new LocalRefusal('InvalidParameterValue.KeyPairIdMalformed', renderTemplate(LIGHTHOUSE_MESSAGES.lighthouseKeyIdMalformed, [malformed.join(', ')]));
  const provider = providerFor(io, values);
  const result = await provider.deleteKeyPairs({ region: regionOf(values), ids: positionals });
  return reportDeleted(result, io, {
    json: !!values.json,
    inUse: (id) => `ResourceInUse.KeyPairInUse: ${renderTemplate(LIGHTHOUSE_MESSAGES.lighthouseKeyPairInUse, [id])}`,
    missing: (id) => `ResourceNotFound.KeyIdNotFound: ${renderTemplate(LIGHTHOUSE_MESSAGES.lighthouseKeyIdNotFound, [id])}`,
  });
}

/** `lighthouse SUBCOMMAND …`; returns the exit code. Throws UsageError for exit 2. */
export function lighthouseCommand(args: string[], io: CliIo): Promise<number> {
  return runCloudCommand(LIGHTHOUSE_CLI, args, io);
}

export const LIGHTHOUSE_CLI: CloudCli = {
  word: 'lighthouse',
  displayName: 'Tencent Cloud Lighthouse',
  usage: LIGHTHOUSE_USAGE,
  commands: { import: importCommand, create: createCommand, list: listCommand, delete: deleteCommand },
  // The account's key pairs are listed as `list` lists them (the default region); the instances in --region.
  instances: { descriptor: LIGHTHOUSE_DESCRIPTOR, provider: providerFor, keyPairRegion: LIGHTHOUSE_DESCRIPTOR.defaultRegion, keyPairsJson: (keyIds) => ({ KeyIds: keyIds }) },
};
