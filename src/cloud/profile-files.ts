// Small readers for the credential files the clouds' own CLIs and SDKs write (tccli's JSON files,
// the Tencent SDKs' INI file, aliyun's config.json). No vscode here. Every error names the file and
// what is wrong with it (a line number, a field name, a type), never a value: these files hold secrets.

import * as fs from 'node:fs';

/** A credential file is a few hundred bytes; anything far larger is not the file we mean. */
export const MAX_PROFILE_FILE_BYTES = 64 * 1024;

/** A profile problem found on this machine (nothing was sent). `code` is what the CLI prints. */
export class ProfileError extends Error {
  constructor(
    readonly code: 'ProfileFileUnreadable' | 'ProfileFileInvalid' | 'ProfileNotFound' | 'ProfileIncomplete' | 'ProfileNotSupported' | 'ProfileExpired' | 'ProfilesDisabled',
    message: string,
  ) {
    super(message);
  }
}

/** How profile files are read: node's fs by default, a map in tests. `undefined`: the file does not exist. */
export interface ProfileFileReader {
  read(file: string, maxBytes: number): string | undefined;
  /** The names in a folder (empty when it does not exist). */
  list(dir: string): string[];
}

export const nodeProfileFileReader: ProfileFileReader = {
  read(file, maxBytes) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new ProfileError('ProfileFileUnreadable', `Cannot read ${file}: ${code ?? 'unknown error'}.`);
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new ProfileError('ProfileFileUnreadable', `${file} is not a regular file; nothing was read from it.`);
      // Checked before reading: a huge or endless file is never read into memory.
      if (stat.size > maxBytes) throw new ProfileError('ProfileFileInvalid', tooLarge(file, stat.size, maxBytes));
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      for (let n; length <= maxBytes && (n = fs.readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
      if (length > maxBytes) throw new ProfileError('ProfileFileInvalid', tooLarge(file, length, maxBytes));
      return buffer.subarray(0, length).toString('utf8');
    } catch (error) {
      if (error instanceof ProfileError) throw error;
      throw new ProfileError('ProfileFileUnreadable', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    } finally {
      fs.closeSync(fd);
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
};

function tooLarge(file: string, size: number, maxBytes: number): string {
  return `${file} has ${size} bytes, more than the ${maxBytes} a credential file can have; it was not read. Check that this is the file you meant.`;
}

/** Text as written on Windows or with a byte order mark reads the same. */
function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

/**
 * INI sections (`[name]`, then `key = value` lines) as the Tencent SDKs read ~/.tencentcloud/credentials.
 * Lines starting with `#` or `;` are comments; keys are case-sensitive; a key given twice keeps the last
 * value; a section given twice adds to the first. A line that is none of these is an error (its number
 * is given, never its text: it may be a secret pasted in the wrong place).
 */
export function parseIniSections(text: string, file: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  lines(text).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (section) {
      if (!section[1]) throw new ProfileError('ProfileFileInvalid', `${file}:${index + 1}: a section needs a name ([default]).`);
      current = sections.get(section[1]) ?? new Map();
      sections.set(section[1], current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ProfileError('ProfileFileInvalid', `${file}:${index + 1}: expected "[profile]" or "key = value".`);
    if (!current) throw new ProfileError('ProfileFileInvalid', `${file}:${index + 1}: "${line.slice(0, eq).trim()}" comes before any [profile] section.`);
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return sections;
}

/** What a JSON value is, in a message: `a number`, `an array`. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/**
 * A JSON file that must hold one object. JSON.parse's own message quotes the text around the mistake,
 * which may be a secret: only the line and column are kept.
 */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  const source = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    let where = '';
    if (position) {
      const before = source.slice(0, Number(position[1])).split(/\r\n|\r|\n/);
      where = `:${before.length}:${before[before.length - 1].length + 1}`;
    } else if (source.trim() === '') {
      return failJson(file, 'is empty');
    }
    return failJson(`${file}${where}`, 'is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return failJson(file, `should hold a JSON object, not ${jsonTypeName(value)}`);
  return value as Record<string, unknown>;
}

function failJson(where: string, what: string): never {
  throw new ProfileError('ProfileFileInvalid', `${where} ${what}.`);
}

/**
 * An optional string field of a JSON object: undefined when absent or null, the trimmed text when a
 * string, an error naming the field and its type otherwise. `where`: e.g. `in profile "dev"`.
 */
export function optionalString(object: Record<string, unknown>, key: string, file: string, where = ''): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ProfileError('ProfileFileInvalid', `${file}: "${key}"${where ? ` ${where}` : ''} should be a string, not ${jsonTypeName(value)}.`);
  return value.trim();
}

/** Names for a message: `"a", "b"`, or `none` when there are none. */
export function namesList(names: readonly string[]): string {
  return names.length ? names.map((n) => `"${n}"`).join(', ') : 'none';
}

/** A profile that is not there: the error lists those that are, and where they were looked for. */
export function profileNotFound(name: string, available: readonly string[], looked: readonly string[]): ProfileError {
  return new ProfileError('ProfileNotFound', `No profile "${name}" in ${looked.join(' or ')}. Profiles there: ${namesList(available)}.`);
}

/** Where a profile's files are looked for: the home folder and the environment (both given, so tests need no real home). */
export interface ProfileContext {
  home: string;
  env: NodeJS.ProcessEnv;
  reader?: ProfileFileReader;
  /** Seconds since the epoch, for expiry checks (default: now). */
  now?: number;
}

/** A profile's credential values that are there: empty and missing fields left out. */
export function presentValues(read: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(read).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** A profile as the Set Credentials picker and the Cloud Key Pairs view name it (no secret). */
export interface ProfileSummary {
  name: string;
  /** The file its credentials are read from. */
  file: string;
  /** The region the profile's tool uses, when the file has one. */
  region?: string;
  /** The one the cloud's own tools use when none is named (tccli "default", aliyun "current"). */
  isDefault: boolean;
}

/**
 * Where a cloud's credentials are in the profile files of the cloud's own tools
 * (src/clouds/<cloud>/profiles.ts): shared by the CLI (--profile) and the extension (profile accounts).
 */
export interface CredentialProfileSource {
  /** The files and how a profile is chosen, for messages: `tccli configure (~/.tccli/…) …`. */
  filesText: string;
  /** The profile the environment names (TCCLI_PROFILE, ALIBABA_CLOUD_PROFILE), and the variable. */
  profileFromEnv(env: NodeJS.ProcessEnv): { name: string; variable: string } | undefined;
  /** Whether any profile file exists: without one, an unnamed profile is simply not there. */
  filesExist(ctx: ProfileContext): boolean;
  /** The variable that turns profiles off, when one does. */
  disabledBy?(env: NodeJS.ProcessEnv): string | undefined;
  /** The credentials of `name` (undefined: the default or current one), by field id; throws ProfileError. */
  read(name: string | undefined, ctx: ProfileContext): Record<string, string | undefined>;
  /** Every profile there is; throws ProfileError for a file that cannot be read. */
  list(ctx: ProfileContext): ProfileSummary[];
  /** The folders whose files hold the profiles (watched for changes). */
  folders(ctx: ProfileContext): string[];
}
