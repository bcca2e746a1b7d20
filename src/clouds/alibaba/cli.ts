// `cloud-ssh-keys alibaba …`: Alibaba Cloud ECS key pairs from a shell, through the same provider
// the extension uses (src/clouds/alibaba/provider.ts). Credentials come from the environment
// (ALIBABA_CLOUD_ACCESS_KEY_ID / _ACCESS_KEY_SECRET / _SECURITY_TOKEN, as Alibaba's own CLI and SDKs
// read them) or from an aliyun CLI profile in ~/.aliyun/config.json (--profile; ./profiles.ts). The file checks, output checks, interrupt guard and local-key matching are the
// Tencent commands' (src/clouds/tencent/cli.ts); what is ECS's own is the name rules, credentials and texts.
//
// The provider lives in dist/alibaba.js and is required only when an alibaba command runs.

import * as path from 'node:path';
import { ALIBABA_MESSAGES } from './errors';
import { ALIBABA_DESCRIPTOR } from './descriptor';
import { renderTemplate } from '../../cloud/errors';
import type { KeyPair } from '../../cloud/provider';
import { expandHome } from '../../keys/scan-fs';
import { visibleJson, visibleText } from '../../keys/visibleText';
import { type CloudCli, fieldsLine, reportDeleted, runCloudCommand, saveCreatedKeyPair, warnUndocumentedKeyType } from '../../cli/cloud-command';
import { loadCloudChunk } from '../../cloud/chunk-loader';
import { type CliIo, UsageError } from '../../cli/common';
import { instanceCommandsUsage } from '../../cli/instances';
import { ALIBABA_PROFILE_SOURCE } from './profiles';
import { CONNECTION_OPTIONS_USAGE, type ConnectionOptionValues, LocalRefusal, checkOutputPath, cliLanguage, connectionOptions, credentialsFromEnvOrProfile, guardInterrupts, isCloudError, localFilesByBlob, parse, publicKeyToImport, requireOption } from '../../cli/shared';

type AlibabaChunk = typeof import('./chunk');

const CLOUD = 'Alibaba Cloud';

/** aliyun CLI profiles: src/clouds/alibaba/profiles.ts. */

export const ALIBABA_USAGE = `Alibaba Cloud ECS key pairs and instances (credentials from the environment:
ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and, for STS credentials,
ALIBABA_CLOUD_SECURITY_TOKEN; or from an aliyun CLI profile: --profile NAME):
  alibaba import FILE --name NAME --region REGION [--resource-group ID] [--endpoint URL] [--json]
                            Imports the public key in FILE (sent as one OpenSSH line). Prints the
                            key pair name; warns when the fingerprint ECS reports is not FILE's.
                            ECS documents RSA, DSA and ECDSA keys: another type (ED25519) gets a
                            warning on stderr and is sent all the same (Alibaba Cloud decides).
  alibaba create --name NAME --region REGION --out PATH [--resource-group ID] [--endpoint URL] [--json]
                            Has ECS generate a key pair; writes the private key to PATH (mode 0600,
                            never over a file) and its public key to PATH.pub; if PATH cannot be
                            written, to a fallback file, and if no file can take it (disk full),
                            prints it on stdout rather than lose it.
  alibaba list --region REGION [--ssh-dir DIR]... [--endpoint URL] [--json]
                            Key pairs of the region: name, SHA256 fingerprint, the matching local
                            file (by key, in ~/.ssh or the --ssh-dir folders), resource group.
  alibaba delete NAME... --region REGION [--endpoint URL] [--json]
${instanceCommandsUsage('alibaba')}
  ${CONNECTION_OPTIONS_USAGE}
  Every command also takes --profile NAME: the credentials of the aliyun CLI's profile NAME in
  ~/.aliyun/config.json (written by aliyun configure --profile NAME; ALIBABA_CLOUD_CONFIG_FILE names
  another file). AK and StsToken profiles are supported; RamRoleArn, EcsRamRole and the other modes
  are not (yet). A given --profile wins over the variables above; without it the variables are used
  when set, else the profile ALIBABACLOUD_PROFILE / ALIBABA_CLOUD_PROFILE / ALICLOUD_PROFILE names,
  else the file's current profile. ALIBABA_CLOUD_IGNORE_PROFILE=TRUE turns profiles off.
  Exit 0 on success, 1 when Alibaba Cloud or a local check refused (stderr names the error code;
  nothing is sent when a local check refuses), 2 on usage errors.`;

/** ECS's name rules (ALIBABA_DESCRIPTOR, as the extension checks them while typing), refused with ECS's own code and sentence. */
export function alibabaKeyNameRefusal(name: string): LocalRefusal | undefined {
  const problem = ALIBABA_DESCRIPTOR.keyNameProblem(name);
  if (!problem) return undefined;
  return new LocalRefusal('InvalidKeyPairName.Malformed', `${renderTemplate(ALIBABA_MESSAGES.keyNameInvalid, [name])} (${renderTemplate(problem.template, problem.args)})`);
}

function resourceGroupOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^rg-[A-Za-z0-9]+$/.test(value)) throw new UsageError(`--resource-group needs a resource group ID (rg-…), not "${value}"`);
  return value;
}

function providerFor(io: CliIo, values: ConnectionOptionValues) {
  const credentials = credentialsFromEnvOrProfile(ALIBABA_DESCRIPTOR, io, values.profile, 'from the AccessKey page of the Alibaba Cloud console; add ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials', ALIBABA_PROFILE_SOURCE);
  const chunk = loadCloudChunk<AlibabaChunk>('alibaba');
  // Throws a CloudError (kind config) for a bad or plain-http non-loopback endpoint: nothing is sent.
  return new chunk.AlibabaEcsProvider({
    credentials: { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret, securityToken: credentials.securityToken },
    ...connectionOptions(values, io.env),
    language: cliLanguage(io.env),
  });
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, 'resource-group': { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'import takes one FILE' : 'import needs a FILE');
  const name = requireOption(values.name, 'name');
  const region = requireOption(values.region, 'region');
  const resourceGroupId = resourceGroupOption(values['resource-group']);
  const refusal = alibabaKeyNameRefusal(name);
  if (refusal) throw refusal;
  const key = publicKeyToImport(positionals[0]);
  const provider = providerFor(io, values);
  warnUndocumentedKeyType(ALIBABA_DESCRIPTOR, key.line, io);
  const result = await provider.importKeyPair({ region, name, publicKey: key.line, projectId: resourceGroupId });
  for (const note of key.notes) io.err(visibleText(`note: ${note}`));
  const k = result.keyPair;
  if (result.alreadyExisted) io.err(visibleText(`note: this key was already in ${region} as "${k.name}"; nothing was imported.`));
  if (result.recoveredAfterLostAnswer) io.err(visibleText(`note: the answer to the import was lost, but the key was found in ${region} as "${k.name}".`));
  if (result.fingerprintMatches === false) {
    io.err(visibleText(`warning: the fingerprint ECS reports for "${k.name}" (${k.cloudFingerprint ?? 'none'}) is not that of ${positionals[0]}: the cloud may hold another key under this name. Check it before relying on it.`));
  }
  if (values.json) {
    io.out(visibleJson({
      KeyPairName: k.name, KeyPairId: k.cloudKeyPairId ?? null, KeyPairFingerPrint: k.cloudFingerprint ?? null, Region: region,
      FingerprintMatches: result.fingerprintMatches ?? null, ...(result.alreadyExisted ? { AlreadyExisted: true } : {}),
    }));
  } else {
    io.out(visibleText(k.name));
  }
  return result.fingerprintMatches === false ? 1 : 0;
}

async function createCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, out: { type: 'string' }, 'resource-group': { type: 'string' } });
  if (positionals.length) throw new UsageError(`create takes no FILE (unexpected ${positionals[0]}); the private key goes to --out`);
  const name = requireOption(values.name, 'name');
  const region = requireOption(values.region, 'region');
  const target = path.resolve(expandHome(requireOption(values.out, 'out')));
  const resourceGroupId = resourceGroupOption(values['resource-group']);
  const refusal = alibabaKeyNameRefusal(name);
  if (refusal) throw refusal;
  checkOutputPath(target);
  const provider = providerFor(io, values);
  const release = guardInterrupts(io, CLOUD);
  let created;
  try {
    created = await provider.createKeyPair({ region, name, projectId: resourceGroupId });
  } finally {
    release();
  }
  const k = created.keyPair;
  return saveCreatedKeyPair(ALIBABA_CLI, created, { name, region, target, json: !!values.json }, {
    label: `"${name}"`, deleteId: name, fileTag: k.cloudKeyPairId ?? k.name,
    json: { KeyPairName: k.name || name, KeyPairId: k.cloudKeyPairId ?? null }, printed: k.name || name,
  }, io);
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
      KeyPairName: k.name, KeyPairId: k.cloudKeyPairId ?? null, Region: k.region, ResourceGroupId: k.projectId, PublicKey: k.publicKey,
      KeyPairFingerPrint: k.cloudFingerprint ?? null, sha256: k.sha256 ?? null, CreationTime: k.createdTime,
      InstanceIds: k.associatedInstanceIds, LocalFile: localFile(k),
    })), 2));
  } else {
    for (const k of keyPairs) io.out(fieldsLine([k.name, k.sha256 ?? '(unreadable key)', localFile(k) ?? '-', k.projectId || '-', k.publicKey]));
    if (keyPairs.length === 0) io.err(visibleText(`no key pairs in ${region}`));
  }
  return 0;
}

async function deleteCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('delete needs a key pair NAME');
  const region = requireOption(values.region, 'region');
  const provider = providerFor(io, values);
  const result = await provider.deleteKeyPairs({ region, ids: positionals });
  return reportDeleted(result, io, {
    json: !!values.json,
    jsonFields: { Region: region },
    inUse: (id) => `DependencyViolation.KeyPair: ${renderTemplate(ALIBABA_MESSAGES.keyPairInUse, [id])}`,
    missing: (id) => `InvalidKeyPairName.NotFound: ${renderTemplate(ALIBABA_MESSAGES.keyPairNotFound, [id, region])}`,
  });
}

/** `alibaba SUBCOMMAND …`; returns the exit code. Throws UsageError for exit 2. */
export function alibabaCommand(args: string[], io: CliIo): Promise<number> {
  return runCloudCommand(ALIBABA_CLI, args, io);
}

export const ALIBABA_CLI: CloudCli = {
  word: 'alibaba',
  displayName: 'Alibaba Cloud',
  usage: ALIBABA_USAGE,
  commands: { import: importCommand, create: createCommand, list: listCommand, delete: deleteCommand },
  // An ECS instance has at most one key pair, named (DescribeInstances' KeyPairName).
  instances: { descriptor: ALIBABA_DESCRIPTOR, provider: providerFor, keyPairsJson: (keyIds) => ({ KeyPairName: keyIds[0] ?? null }) },
};
