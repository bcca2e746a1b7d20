// `cloud-ssh-keys tencent …`: Tencent Cloud CVM key pairs from a shell, through the same
// provider the extension uses (src/cloud). Credentials come from the environment only
// (TENCENTCLOUD_SECRET_ID / _SECRET_KEY / _SESSION_TOKEN, as Tencent's own CLI and SDK read them).
// Everything that can be checked locally is checked before any request is sent.
//
// The provider and its SDK live in dist/tencent.js and are required only when a tencent command
// runs, so `inspect` and `scan` never load them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { KEY_NAME_MESSAGES, TENCENT_DESCRIPTOR } from '../cloud/descriptors';
import { TENCENT_MESSAGES, renderTemplate } from '../cloud/errors';
import type { KeyPair } from '../cloud/provider';
import { parseKeyText } from '../keys/parse';
import { MAX_KEY_FILE_BYTES, scanKeyDirectories } from '../keys/scan';
import { expandHome, nodeScanFileSystem, readKeyFileSync } from '../keys/scan-fs';
import type { KeyFacts } from '../keys/types';
import { type CloudCli, runCloudCommand, saveCreatedKeyPair } from './cloud-command';
import { type CliIo, UsageError } from './common';

type TencentChunk = typeof import('../cloud/tencent-chunk');

/**
 * The provider and its SDK: dist/tencent.js beside dist/cli.js (the extension's own chunk), loaded
 * at first use. Computed paths keep esbuild from bundling it into dist/cli.js. Run from tsc's
 * out/ folder (never shipped), it is the compiled src/cloud/tencent-chunk.js.
 */
function loadTencentChunk(): TencentChunk {
  const bundled = path.join(__dirname, 'tencent.js');
  const compiled = path.join(__dirname, '..', 'cloud', 'tencent-chunk.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(fs.existsSync(bundled) ? bundled : compiled) as TencentChunk;
}

export const TENCENT_USAGE = `Tencent Cloud CVM key pairs (credentials from the environment: TENCENTCLOUD_SECRET_ID,
TENCENTCLOUD_SECRET_KEY and, for temporary credentials, TENCENTCLOUD_SESSION_TOKEN):
  tencent import FILE --name NAME --region REGION [--project ID] [--endpoint URL] [--json]
                            Imports the public key in FILE (OpenSSH, RFC 4716, PEM, or an
                            authorized_keys line; sent as one OpenSSH line). Prints the KeyId.
  tencent create --name NAME --region REGION --out PATH [--project ID] [--endpoint URL] [--json]
                            Has Tencent Cloud generate a key pair; writes the private key to PATH
                            (mode 0600, never over a file) and its public key to PATH.pub; if PATH
                            cannot be written, to a fallback file, and if no file can take it
                            (disk full), prints it on stdout rather than lose it.
  tencent list --region REGION [--ssh-dir DIR]... [--endpoint URL] [--json]
                            Key pairs of the region: KeyId, KeyName, SHA256 fingerprint, the
                            matching local file (by key, in ~/.ssh or the --ssh-dir folders), key.
  tencent delete KEYID... --region REGION [--endpoint URL] [--json]
  Exit 0 on success, 1 when Tencent Cloud or a local check refused (stderr names the error code;
  nothing is sent when a local check refuses), 2 on usage errors.`;

/** A refusal decided on this machine: nothing was sent. */
export class LocalRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A CloudError from the provider bundle (a class of its own copy of errors.ts, so not `instanceof`). */
export interface CloudErrorLike {
  code: string;
  sentence: string;
  requestId: string;
  kind: string;
}

export function isCloudError(error: unknown): error is CloudErrorLike {
  const e = error as Partial<CloudErrorLike> | null;
  return !!e && typeof e === 'object' && (e as Error).name === 'CloudError' && typeof e.code === 'string' && typeof e.kind === 'string';
}

const COMMON_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parse<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

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

interface EnvCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

function credentialsFromEnv(env: NodeJS.ProcessEnv): EnvCredentials {
  const secretId = env.TENCENTCLOUD_SECRET_ID?.trim() ?? '';
  const secretKey = env.TENCENTCLOUD_SECRET_KEY?.trim() ?? '';
  if (!secretId || !secretKey) {
    const missing = [!secretId && 'TENCENTCLOUD_SECRET_ID', !secretKey && 'TENCENTCLOUD_SECRET_KEY'].filter(Boolean).join(' and ');
    throw new LocalRefusal(
      'MissingCredentials',
      `No Tencent Cloud credentials: ${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set. Export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (from the API Keys page of the Tencent Cloud console; add TENCENTCLOUD_SESSION_TOKEN for temporary credentials).`,
    );
  }
  const token = env.TENCENTCLOUD_SESSION_TOKEN?.trim();
  return { secretId, secretKey, token: token || undefined };
}

function providerFor(io: CliIo, endpoint: string | undefined) {
  const credentials = credentialsFromEnv(io.env);
  const chunk = loadTencentChunk();
  const lang = io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG || '';
  // Throws a CloudError (kind config) for a bad or plain-http non-loopback endpoint: nothing is sent.
  return new chunk.TencentCvmProvider({ credentials, endpoint, language: /^zh/i.test(lang) ? 'zh-CN' : 'en-US' });
}

// ---------------------------------------------------------------------------------------

/** What `import` sends: the one public key of FILE, as a plain OpenSSH line. */
export interface PublicKeyToImport {
  line: string;
  facts: KeyFacts;
  /** Notes for stderr (conversions, warnings). */
  notes: string[];
}

const FORMAT_NAMES: Partial<Record<KeyFacts['format'], string>> = {
  rfc4716: 'RFC 4716 (SSH2)',
  'spki-pem': 'PEM (PKCS#8)',
  'pkcs1-pem': 'PEM (PKCS#1)',
};

/** Reads FILE and finds the one public key to import, or refuses (LocalRefusal) without sending anything. */
export function publicKeyToImport(file: string): PublicKeyToImport {
  const read = readKeyFileSync(file, MAX_KEY_FILE_BYTES);
  if (read.kind === 'error') throw new LocalRefusal('FileUnreadable', `Cannot read ${file}: ${read.code}.`);
  if (read.kind !== 'file') throw new LocalRefusal('FileUnreadable', `${file} is not a regular file (${read.kind}); nothing was read.`);
  if (!read.bytes) throw new LocalRefusal('FileTooLarge', `${file} has ${read.size} bytes; a public key file has far fewer. Check that this is the file you meant.`);
  const parsed = parseKeyText(read.bytes.toString('utf8'), 'auto');
  if (parsed.keys.some((k) => k.kind === 'private')) {
    const pub = `${file}.pub`;
    const hint = fs.existsSync(pub) ? `Import its public key instead: ${pub}.` : `Import its public key instead (ssh-keygen -y -f ${file} > ${pub} writes it).`;
    throw new LocalRefusal('PrivateKeyFile', `${file} holds a PRIVATE key, which must never be uploaded. ${hint}`);
  }
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || parsed.keys.length === 0) {
    const first = errors[0];
    const where = first ? `${file}:${first.line + 1}:${first.column + 1}: ` : `${file}: `;
    throw new LocalRefusal('InvalidPublicKey', `${where}${first?.message ?? 'no SSH public key was found in this file.'}`);
  }
  if (parsed.keys.length > 1) {
    throw new LocalRefusal('SeveralKeys', `${file} holds ${parsed.keys.length} keys; a key pair has one. Put the key to import in a file of its own.`);
  }
  const [facts] = parsed.keys;
  if (facts.kind === 'certificate') {
    throw new LocalRefusal(
      'CertificateFile',
      `${file} is an OpenSSH certificate, not a public key. Import the key it certifies (usually the .pub file without "-cert").`,
    );
  }
  if (!facts.openssh || !facts.blobBase64) throw new LocalRefusal('InvalidPublicKey', `${file}: the public key could not be read.`);
  const notes: string[] = [];
  const formatName = FORMAT_NAMES[facts.format];
  if (formatName) notes.push(`converted the ${formatName} public key to the one-line OpenSSH format`);
  if (facts.options) notes.push(`left out the authorized_keys options (${facts.options})`);
  for (const p of parsed.problems) {
    if (p.severity === 'warning' && p.code !== 'options-prefix') notes.push(`warning: ${file}:${p.line + 1}:${p.column + 1}: ${p.message}`);
  }
  return { line: facts.openssh, facts, notes };
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, project: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'import takes one FILE' : 'import needs a FILE');
  const name = requireOption(values.name, 'name');
  const region = requireOption(values.region, 'region');
  const projectId = projectOption(values.project);
  const refusal = keyNameRefusal(name);
  if (refusal) throw refusal;
  const key = publicKeyToImport(positionals[0]);
  const provider = providerFor(io, values.endpoint);
  const result = await provider.importKeyPair({ region, name, publicKey: key.line, projectId });
  for (const note of key.notes) io.err(`note: ${note}`);
  const k = result.keyPair;
  if (result.alreadyExisted) io.err(`note: this key was already in ${region} as ${k.id} ("${k.name}"); nothing was imported.`);
  if (result.recoveredAfterLostAnswer) io.err(`note: the answer to the import was lost, but the key was found in ${region} as ${k.id}.`);
  if (values.json) {
    io.out(JSON.stringify({ KeyId: k.id, KeyName: k.name, Region: region, ...(result.alreadyExisted ? { AlreadyExisted: true } : {}) }));
  } else {
    io.out(k.id);
  }
  return 0;
}

/** Refuses before CreateKeyPair when the files could not be written where asked. */
export function checkOutputPath(target: string): void {
  for (const file of [target, `${target}.pub`]) {
    let exists = false;
    try {
      fs.lstatSync(file);
      exists = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new LocalRefusal('OutputUnusable', `Cannot check ${file}: ${(error as NodeJS.ErrnoException).code}.`);
    }
    if (exists) throw new LocalRefusal('OutputExists', `${file} already exists, and a key file is never overwritten. Choose another --out path.`);
  }
  const dir = path.dirname(target);
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('ENOTDIR');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new LocalRefusal('OutputUnusable', `The folder ${dir} does not exist or is not writable (${code}). Create it (mode 0700 for an SSH folder) or choose another --out path.`);
  }
}

/** While the one answer that holds the private key is awaited, Ctrl-C asks for confirmation. */
export function guardInterrupts(io: CliIo, cloud = 'Tencent Cloud'): () => void {
  let warned = false;
  const onSigint = () => {
    if (warned) process.exit(130);
    warned = true;
    io.err(`Waiting for ${cloud}'s answer: it holds the only copy of the private key. Press Ctrl-C again to abandon it.`);
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
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
  const provider = providerFor(io, values.endpoint);
  const release = guardInterrupts(io);
  let created;
  try {
    created = await provider.createKeyPair({ region, name, projectId });
  } finally {
    release();
  }
  const k = created.keyPair;
  return saveCreatedKeyPair(TENCENT_CLI, created, { name, region, target, json: !!values.json }, { label: `${k.id} ("${name}")`, deleteId: k.id, fileTag: k.id, json: { KeyId: k.id, KeyName: k.name || name }, printed: k.id }, io);
}

/** Local key files by key blob: the `.pub` when there is one, else the private key. */
export async function localFilesByBlob(dirs: string[]): Promise<Map<string, string>> {
  const directories = dirs.map((d) => path.resolve(expandHome(d)));
  const result = await scanKeyDirectories(directories, nodeScanFileSystem);
  const byBlob = new Map<string, string>();
  for (const pair of result.pairs) {
    const blob = pair.facts.blobBase64 ?? pair.publicKey?.facts.blobBase64 ?? pair.privateKey?.facts.blobBase64;
    const file = pair.publicKey?.path ?? pair.privateKey?.path;
    if (blob && file && !byBlob.has(blob)) byBlob.set(blob, file);
  }
  return byBlob;
}

async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { 'ssh-dir': { type: 'string', multiple: true } });
  if (positionals.length) throw new UsageError(`list takes no arguments (unexpected ${positionals[0]})`);
  const region = requireOption(values.region, 'region');
  const provider = providerFor(io, values.endpoint);
  const [keyPairs, local] = await Promise.all([
    provider.listKeyPairs({ region }),
    localFilesByBlob(values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']),
  ]);
  const localFile = (k: KeyPair) => (k.blobBase64 ? local.get(k.blobBase64) : undefined) ?? null;
  if (values.json) {
    io.out(JSON.stringify(keyPairs.map((k) => ({
      KeyId: k.id, KeyName: k.name, Region: k.region, ProjectId: k.projectId, PublicKey: k.publicKey, sha256: k.sha256 ?? null,
      CreatedTime: k.createdTime, Description: k.description, AssociatedInstanceIds: k.associatedInstanceIds, LocalFile: localFile(k),
    })), null, 2));
  } else {
    for (const k of keyPairs) io.out([k.id, k.name, k.sha256 ?? '(unreadable key)', localFile(k) ?? '-', k.publicKey].join('\t'));
    if (keyPairs.length === 0) io.err(`no key pairs in ${region}`);
  }
  return 0;
}

async function deleteCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('delete needs a KEYID (skey-…)');
  const region = requireOption(values.region, 'region');
  const provider = providerFor(io, values.endpoint);
  const result = await provider.deleteKeyPairs({ region, ids: positionals });
  if (values.json) io.out(JSON.stringify({ Region: region, Deleted: result.deleted, InUse: result.inUse }));
  else for (const id of result.deleted) io.out(`deleted ${id}`);
  for (const id of result.inUse) {
    io.err(`cloud-ssh-keys: InvalidParameterValue.KeyPairNotSupported: ${renderTemplate(TENCENT_MESSAGES.keyPairInUse, [id])}`);
  }
  return result.inUse.length ? 1 : 0;
}

/** `tencent SUBCOMMAND …`; returns the exit code. Throws UsageError for exit 2. */
export function tencentCommand(args: string[], io: CliIo): Promise<number> {
  return runCloudCommand(TENCENT_CLI, args, io);
}

const TENCENT_CLI: CloudCli = {
  word: 'tencent',
  displayName: 'Tencent Cloud',
  usage: TENCENT_USAGE,
  commands: { import: importCommand, create: createCommand, list: listCommand, delete: deleteCommand },
};
