// What every cloud's CLI commands share: option parsing, refusals decided on this machine (nothing
// is sent), reading the public key to import, checking where a created key pair will be written,
// guarding Ctrl-C while a private key is on its way, and finding local files by key.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type CloudProviderDescriptor, credentialsFromEnvironment } from '../cloud/descriptors';
import { type CredentialProfileSource, type ProfileContext, ProfileError, presentValues } from '../cloud/profile-files';

export type { CredentialProfileSource };
import { proxyFromEnvironment } from '../cloud/proxy-env';
import { parseKeyText } from '../keys/parse';
import { MAX_KEY_FILE_BYTES, scanKeyDirectories } from '../keys/scan';
import { expandHome, nodeScanFileSystem, readKeyFileSync } from '../keys/scan-fs';
import type { KeyFacts } from '../keys/types';
import { type CliIo, UsageError } from './common';

/** A refusal decided on this machine: nothing was sent. */
export class LocalRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export { isCloudError } from '../cloud/errors';

const COMMON_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  timeout: { type: 'string' },
  'request-timeout': { type: 'string' },
  // Every cloud command takes it (credentialsFromEnvOrProfile); `scan` and `inspect` do not parse with these options.
  profile: { type: 'string' },
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

/** The options of every cloud command that say where requests go and how long to wait. */
export interface ConnectionOptionValues {
  /** The profile of the cloud's own CLI to take credentials from (credentialsFromEnvOrProfile). */
  profile?: string;
  endpoint?: string;
  timeout?: string;
  'request-timeout'?: string;
}

/** Help text for them, the same in every cloud's usage. */
export const CONNECTION_OPTIONS_USAGE = `Every command also takes --timeout SECONDS (the whole operation, retries included; default 45)
  and --request-timeout SECONDS (each request; default 15); https_proxy/HTTPS_PROXY and
  no_proxy/NO_PROXY are honoured as curl reads them (plain http goes only to this computer, never
  through a proxy).`;

/** The provider options from the command line and the environment: endpoint, limits, and the proxy per endpoint. */
export function connectionOptions(values: ConnectionOptionValues, env: NodeJS.ProcessEnv) {
  return {
    endpoint: values.endpoint,
    operationTimeoutSeconds: secondsOption(values.timeout, 'timeout'),
    requestTimeoutSeconds: secondsOption(values['request-timeout'], 'request-timeout'),
    proxy: (url: string) => proxyFromEnvironment(url, env),
  };
}

function secondsOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds > 0 && seconds <= 86_400)) throw new UsageError(`--${name} needs a number of seconds greater than 0 (at most 86400), not "${value}"`);
  return seconds;
}


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

/** Exit codes of a process ended by a signal (128 + its number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * While the one answer that holds the private key is awaited, Ctrl-C, SIGTERM (a service manager,
 * `kill`) and SIGHUP (the terminal closed) do not end the process: the first says why it waits, the
 * answer is still awaited and saved; the same signal again abandons it. Output may have nowhere to
 * go after SIGHUP: write errors on stdout/stderr are ignored so they cannot end the process either.
 */
export function guardInterrupts(io: CliIo, cloud: string): () => void {
  const warned = new Set<string>();
  const ignoreWriteError = () => undefined;
  process.stdout.on('error', ignoreWriteError);
  process.stderr.on('error', ignoreWriteError);
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>).map((signal) => {
    const handler = () => {
      if (warned.has(signal)) process.exit(SIGNAL_EXIT_CODES[signal]);
      warned.add(signal);
      const again = signal === 'SIGINT' ? 'Press Ctrl-C again' : `Send ${signal} again`;
      try {
        io.err(`${signal}: waiting for ${cloud}'s answer all the same: it holds the only copy of the private key, which will be saved when it arrives. ${again} to abandon it.`);
      } catch {
        // no terminal any more (SIGHUP): keep waiting, the key is still saved
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
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

/**
 * The cloud's credentials from the environment (the variables its own CLI and SDK read), by field
 * id; refuses (nothing is sent) naming the variables that are not set. `where`: where to get them.
 */
export function credentialsFromEnv(descriptor: CloudProviderDescriptor, env: NodeJS.ProcessEnv, where: string, orElse?: string): Record<string, string> {
  const { values, missing } = credentialsFromEnvironment(descriptor, env);
  if (missing.length) {
    const required = descriptor.credentialFields.filter((f) => !f.optional).map((f) => f.envVar);
    throw new LocalRefusal(
      'MissingCredentials',
      `No ${descriptor.displayName} credentials: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. Export ${required.join(' and ')} (${where})${orElse ? `, or ${orElse}` : ''}.`,
    );
  }
  return values;
}


/** The home folder the clouds' tools use: HOME (USERPROFILE on Windows), as aliyun-cli and the Go SDKs read it. */
function homeOf(env: NodeJS.ProcessEnv): string {
  return (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
}

/**
 * The cloud's credentials, in the order of the clouds' own CLIs: an explicit `--profile NAME` is used
 * as named (tccli then ignores the credential variables, parse_global_arg; aliyun-cli's profile fields
 * win over them, Profile.OverwriteWithFlags); otherwise the credential variables when they are set
 * (tccli: they win over TCCLI_PROFILE and the default profile; the SDKs' default chains try them first);
 * otherwise the profile the environment names, else the default / current one when a profile file
 * exists; otherwise the refusal of credentialsFromEnv, which also names the profile files.
 * Refuses (LocalRefusal, nothing sent) a profile that cannot be used; never prints a secret.
 */
export function credentialsFromEnvOrProfile(
  descriptor: CloudProviderDescriptor,
  io: CliIo,
  profile: string | undefined,
  where: string,
  source: CredentialProfileSource,
): Record<string, string> {
  const env = io.env;
  const ctx: ProfileContext = { home: homeOf(env), env };
  const fromProfile = (name: string | undefined): Record<string, string> => {
    try {
      return presentValues(source.read(name, ctx));
    } catch (error) {
      if (error instanceof ProfileError) throw new LocalRefusal(error.code, error.message);
      throw error;
    }
  };
  const setVars = descriptor.credentialFields.filter((f) => env[f.envVar]?.trim()).map((f) => f.envVar);
  const required = descriptor.credentialFields.filter((f) => !f.optional);
  const disabledBy = source.disabledBy?.(env);
  if (profile !== undefined) {
    if (!profile.trim()) throw new UsageError('--profile needs a NAME');
    if (disabledBy) throw new LocalRefusal('ProfilesDisabled', `--profile ${profile} cannot be used: ${disabledBy} turns profiles off. Unset it, or use the environment variables.`);
    const credentials = fromProfile(profile);
    if (setVars.length) io.err(`note: the credentials of --profile ${profile} are used; ${setVars.join(', ')} in the environment ${setVars.length > 1 ? 'are' : 'is'} not.`);
    return credentials;
  }
  if (required.every((f) => setVars.includes(f.envVar))) return credentialsFromEnv(descriptor, env, where);
  // Some of the variables set but not all: they were meant to be used, so the refusal names the missing ones.
  if (!required.some((f) => setVars.includes(f.envVar)) && !disabledBy) {
    const named = source.profileFromEnv(env);
    if (named) return fromProfile(named.name);
    let exists: boolean;
    try {
      exists = source.filesExist(ctx);
    } catch (error) {
      if (error instanceof ProfileError) throw new LocalRefusal(error.code, error.message);
      throw error;
    }
    if (exists) return fromProfile(undefined);
  }
  return credentialsFromEnv(descriptor, env, where, `use a profile: ${source.filesText}`);
}

/** The cloud's message language for this terminal: Chinese when the locale says so. */
export function cliLanguage(env: NodeJS.ProcessEnv): 'zh-CN' | 'en-US' {
  return /^zh/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh-CN' : 'en-US';
}
