// Tencent Cloud credentials from the profile files of Tencent's own tools (CVM and Lighthouse use the
// same API keys, so the same profiles). No vscode here; nothing is sent. Where each rule comes from:
//
// - tccli (TencentCloud/tencentcloud-cli, tccli/configure.py, tccli/credentials.py,
//   tccli/services/*/..._client.py parse_global_arg): `tccli configure --profile NAME` writes
//   ~/.tccli/NAME.credential (JSON: "secretId", "secretKey", optional "token"; "type" is "cvm-role"
//   for the instance role, "oauth" / "sso" for a login whose temporary keys tccli refreshes, with
//   "expiresAt" in epoch seconds; "role-arn" / "role-session-name" for AssumeRole) and
//   ~/.tccli/NAME.configure (JSON: "_sys_param": { "region", "output", "language" }). The profile is
//   --profile, else TCCLI_PROFILE, else "default".
// - The SDKs' INI file (tencentcloud-sdk-nodejs-common ProfileCredential; tencentcloud-sdk-go
//   common/profile_provider.go): TENCENTCLOUD_CREDENTIALS_FILE (Go SDK) else ~/.tencentcloud/credentials,
//   else /etc/tencentcloud/credentials (Node SDK); keys "secret_id", "secret_key", "token". The SDKs
//   read only [default]; other sections are offered here as profiles of the same names.
// When a name is in both, tccli's file is used: this is a command-line tool, as tccli is.

import * as path from 'node:path';
import {
  type CredentialProfileSource, MAX_PROFILE_FILE_BYTES, type ProfileContext, ProfileError, nodeProfileFileReader, optionalString, parseIniSections, parseJsonObject, profileNotFound,
} from '../../cloud/profile-files';

/** The profile variable tccli reads (tccli/configure.py `_get_profile_name`). */
export const TCCLI_PROFILE_ENV = 'TCCLI_PROFILE';
/** The credentials file variable of the Go SDK (common/profile_provider.go `EnvCredentialFile`). */
export const TENCENT_CREDENTIALS_FILE_ENV = 'TENCENTCLOUD_CREDENTIALS_FILE';
/** The Node SDK's fallback when there is no file in the home folder. */
export const TENCENT_SYSTEM_CREDENTIALS_FILE = '/etc/tencentcloud/credentials';

/** The fields the CLI and the providers take (TENCENT_DESCRIPTOR's credential field ids). */
export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

export interface TencentProfileInfo {
  name: string;
  /** The file the credentials are read from. */
  file: string;
  source: 'tccli' | 'sdk';
  /** tccli's region for the profile (NAME.configure `_sys_param.region`), when it has one. */
  region?: string;
  hasToken: boolean;
}

/**
 * The profile files there are, unparsed: only the one a profile is read from is parsed, so a broken
 * file of another profile does not stop this one (listing parses them all and reports the first).
 */
interface TencentFiles {
  tccli: Array<{ name: string; file: string }>;
  sdk?: { file: string; text: string };
  looked: string[];
}

function readFiles(ctx: ProfileContext): TencentFiles {
  const reader = ctx.reader ?? nodeProfileFileReader;
  const dir = path.join(ctx.home, '.tccli');
  const tccli = reader.list(dir).filter((e) => e.endsWith('.credential') && e !== '.credential').sort()
    .map((entry) => ({ name: entry.slice(0, -'.credential'.length), file: path.join(dir, entry) }));
  const looked = [path.join(dir, '<profile>.credential')];
  const custom = ctx.env[TENCENT_CREDENTIALS_FILE_ENV]?.trim();
  const candidates = custom ? [custom] : [path.join(ctx.home, '.tencentcloud', 'credentials'), ...(process.platform === 'win32' ? [] : [TENCENT_SYSTEM_CREDENTIALS_FILE])];
  let sdk: TencentFiles['sdk'];
  for (const file of candidates) {
    const text = reader.read(file, MAX_PROFILE_FILE_BYTES);
    if (text !== undefined) {
      sdk = { file, text };
      break;
    }
  }
  looked.push(sdk?.file ?? candidates[0]);
  return { tccli, sdk, looked };
}

function tccliJson(ctx: ProfileContext, entry: { name: string; file: string }): Record<string, unknown> {
  const text = (ctx.reader ?? nodeProfileFileReader).read(entry.file, MAX_PROFILE_FILE_BYTES);
  if (text === undefined) throw new ProfileError('ProfileFileUnreadable', `${entry.file} could not be read (it went away while being read).`);
  return parseJsonObject(text, entry.file);
}

function sdkSections(files: TencentFiles): Map<string, Map<string, string>> {
  return files.sdk ? parseIniSections(files.sdk.text, files.sdk.file) : new Map();
}

function tccliRegion(ctx: ProfileContext, name: string): string | undefined {
  const file = path.join(ctx.home, '.tccli', `${name}.configure`);
  const text = (ctx.reader ?? nodeProfileFileReader).read(file, MAX_PROFILE_FILE_BYTES);
  if (text === undefined) return undefined;
  const sys = parseJsonObject(text, file)._sys_param;
  if (sys === undefined || sys === null) return undefined;
  if (typeof sys !== 'object' || Array.isArray(sys)) throw new ProfileError('ProfileFileInvalid', `${file}: "_sys_param" should be an object.`);
  return optionalString(sys as Record<string, unknown>, 'region', file, 'in "_sys_param"') || undefined;
}

/** Every Tencent profile on this machine: tccli's first, then the SDK file's sections not already named. */
export function listTencentProfiles(ctx: ProfileContext): TencentProfileInfo[] {
  const files = readFiles(ctx);
  const profiles: TencentProfileInfo[] = files.tccli.map((entry) => ({
    name: entry.name, file: entry.file, source: 'tccli', region: tccliRegion(ctx, entry.name), hasToken: !!optionalString(tccliJson(ctx, entry), 'token', entry.file),
  }));
  for (const [name, keys] of sdkSections(files)) {
    if (!profiles.some((p) => p.name === name)) profiles.push({ name, file: files.sdk!.file, source: 'sdk', hasToken: !!keys.get('token') });
  }
  return profiles;
}

/** Whether any Tencent profile file exists (when none does, an unnamed profile is simply not there). */
export function tencentProfileFilesExist(ctx: ProfileContext): boolean {
  const files = readFiles(ctx);
  return files.tccli.length > 0 || files.sdk !== undefined;
}

/**
 * The credentials of profile `name`, as the CLI uses them. Refuses (ProfileError, never quoting a
 * value) a profile that is not there (listing those that are), lacks a key, or needs a call this
 * tool does not make (the instance role, AssumeRole), or whose login keys have expired.
 */
export function tencentCredentialsFromProfile(name: string, ctx: ProfileContext): TencentCredentials & { profile: TencentProfileInfo } {
  const files = readFiles(ctx);
  const tccli = files.tccli.find((p) => p.name === name);
  if (tccli) {
    const { file } = tccli;
    const json = tccliJson(ctx, tccli);
    const type = optionalString(json, 'type', file);
    if (type === 'cvm-role') throw unsupported(name, file, 'type "cvm-role" needs the CVM instance metadata service');
    if (optionalString(json, 'role-arn', file)) throw unsupported(name, file, 'a "role-arn" needs an AssumeRole call through STS');
    const secretId = optionalString(json, 'secretId', file);
    const secretKey = optionalString(json, 'secretKey', file);
    const token = optionalString(json, 'token', file) || undefined;
    const missing = [!secretId && 'secretId', !secretKey && 'secretKey'].filter(Boolean);
    if (missing.length) throw new ProfileError('ProfileIncomplete', `${file} has no ${missing.join(' and ')}. Set ${missing.length > 1 ? 'them' : 'it'} with tccli configure --profile ${name}.`);
    if (type === 'oauth' || type === 'sso') {
      // tccli refreshes these keys itself before each call (tccli/credentials.py maybe_refresh_credential).
      const expiresAt = json.expiresAt;
      const now = ctx.now ?? Date.now() / 1000;
      if (typeof expiresAt === 'number' && expiresAt <= now) {
        throw new ProfileError(
          'ProfileExpired',
          `The temporary keys of profile "${name}" (${file}, tccli ${type} login) expired at ${new Date(expiresAt * 1000).toISOString()}. Run a tccli command with --profile ${name} to refresh them, or log in again (tccli ${type === 'sso' ? 'sso' : 'auth'} login).`,
        );
      }
    }
    // The region is only shown: a broken NAME.configure does not stop the credentials from being used.
    let region: string | undefined;
    try {
      region = tccliRegion(ctx, name);
    } catch {
      region = undefined;
    }
    return { secretId: secretId!, secretKey: secretKey!, token, profile: { name, file, source: 'tccli', region, hasToken: !!token } };
  }
  const sections = sdkSections(files);
  const section = sections.get(name);
  if (files.sdk && section) {
    const { file } = files.sdk;
    const secretId = section.get('secret_id');
    const secretKey = section.get('secret_key');
    const token = section.get('token') || undefined;
    const missing = [!secretId && 'secret_id', !secretKey && 'secret_key'].filter(Boolean);
    if (missing.length) throw new ProfileError('ProfileIncomplete', `${file}: section [${name}] has no ${missing.join(' and ')}.`);
    return { secretId: secretId!, secretKey: secretKey!, token, profile: { name, file, source: 'sdk', hasToken: !!token } };
  }
  if (!files.tccli.length && !files.sdk) {
    throw new ProfileError('ProfileNotFound', `No profile "${name}": neither ${files.looked.join(' nor ')} exists (tccli configure --profile ${name} writes the first).`);
  }
  throw profileNotFound(name, [...new Set([...files.tccli.map((p) => p.name), ...sections.keys()])], files.looked);
}

function unsupported(name: string, file: string, why: string): ProfileError {
  return new ProfileError(
    'ProfileNotSupported',
    `Profile "${name}" (${file}) is not supported (yet): ${why}. Use a profile with secretId and secretKey, or the environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY.`,
  );
}

/** Tencent's profiles, for CVM and Lighthouse alike (the same API keys): the CLI's --profile and the extension's profile accounts. */
export const TENCENT_PROFILE_SOURCE: CredentialProfileSource = {
  filesText: 'tccli configure --profile NAME (~/.tccli/NAME.credential) or ~/.tencentcloud/credentials, chosen with --profile NAME or TCCLI_PROFILE (else "default")',
  profileFromEnv(env) {
    const name = env[TCCLI_PROFILE_ENV]?.trim();
    return name ? { name, variable: TCCLI_PROFILE_ENV } : undefined;
  },
  filesExist: tencentProfileFilesExist,
  read(name, ctx) {
    const c = tencentCredentialsFromProfile(name ?? 'default', ctx);
    return { secretId: c.secretId, secretKey: c.secretKey, token: c.token };
  },
  list: (ctx) => listTencentProfiles(ctx).map((p) => ({ name: p.name, file: p.file, region: p.region, isDefault: p.name === 'default' })),
  folders: (ctx) => [path.join(ctx.home, '.tccli'), path.dirname(ctx.env[TENCENT_CREDENTIALS_FILE_ENV]?.trim() || path.join(ctx.home, '.tencentcloud', 'credentials'))],
};
