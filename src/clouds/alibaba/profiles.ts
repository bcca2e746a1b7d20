// Alibaba Cloud credentials from the profiles `aliyun configure` writes. No vscode here; nothing is
// sent. Where each rule comes from:
//
// - aliyun-cli config/configuration.go: the file is ~/.aliyun/config.json, JSON
//   { "current": NAME, "profiles": [ { "name", "mode", ... } ] }; "current" defaults to "default";
//   the profile is --profile, else ALIBABACLOUD_PROFILE, ALIBABA_CLOUD_PROFILE or ALICLOUD_PROFILE
//   (in that order), else "current"; ALIBABA_CLOUD_IGNORE_PROFILE=TRUE turns profiles off; the first
//   profile of a name is used.
// - aliyun-cli config/profile.go: the profile fields ("access_key_id", "access_key_secret",
//   "sts_token", "region_id", "ram_role_arn", ...), the modes (AK, StsToken, RamRoleArn, EcsRamRole,
//   RsaKeyPair, RamRoleArnWithRoleName, ChainableRamRoleArn, External, CredentialsURI, OIDC, CloudSSO,
//   OAuth, BearerToken, Anonymous), matched without regard to case, and the mode guessed when none is
//   written (AutoModeRecognition: AK, StsToken with a token, RamRoleArn with a role).
// - aliyun/credentials-go providers/cli_profile.go (the SDKs' reader of the same file):
//   ALIBABA_CLOUD_CONFIG_FILE names another file; ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true turns it off.

import * as path from 'node:path';
import {
  type CredentialProfileSource, MAX_PROFILE_FILE_BYTES, type ProfileContext, ProfileError, jsonTypeName, nodeProfileFileReader, optionalString, parseJsonObject, profileNotFound,
} from '../../cloud/profile-files';

/** The profile variables aliyun-cli reads, in its order (config/configuration.go getProfileName). */
export const ALIBABA_PROFILE_ENVS = ['ALIBABACLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'] as const;
/** credentials-go's variable for another config file. */
export const ALIBABA_CONFIG_FILE_ENV = 'ALIBABA_CLOUD_CONFIG_FILE';

/** The fields the CLI and the provider take (ALIBABA_DESCRIPTOR's credential field ids). */
export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface AlibabaProfileInfo {
  name: string;
  file: string;
  /** As aliyun-cli reads it (written, or guessed from the fields). */
  mode: string;
  region?: string;
  hasToken: boolean;
  /** The file's "current" profile. */
  current: boolean;
}

/** What each mode this tool does not handle would need, for the message. */
const UNSUPPORTED_MODES: Record<string, string> = {
  RamRoleArn: 'an AssumeRole call through STS',
  ChainableRamRoleArn: 'an AssumeRole call through STS',
  RamRoleArnWithRoleName: 'the ECS instance metadata service and an AssumeRole call through STS',
  OIDC: 'an AssumeRoleWithOIDC call through STS',
  EcsRamRole: 'the ECS instance metadata service',
  RsaKeyPair: 'a session key from STS (and Alibaba Cloud has deprecated it)',
  External: 'running the profile\'s process_command',
  CredentialsURI: 'fetching the profile\'s credentials_uri',
  CloudSSO: 'a CloudSSO sign-in',
  OAuth: 'an OAuth sign-in',
  BearerToken: 'bearer-token requests, which ECS key pair calls do not take',
  Anonymous: 'anonymous requests, which ECS key pair calls do not take',
};
const KNOWN_MODES = ['AK', 'StsToken', ...Object.keys(UNSUPPORTED_MODES)];

/** Whether profiles are turned off by the environment, and by which variable. */
export function alibabaProfilesDisabledBy(env: NodeJS.ProcessEnv): string | undefined {
  if ((env.ALIBABA_CLOUD_IGNORE_PROFILE ?? env.ALIBABACLOUD_IGNORE_PROFILE) === 'TRUE') return env.ALIBABA_CLOUD_IGNORE_PROFILE !== undefined ? 'ALIBABA_CLOUD_IGNORE_PROFILE' : 'ALIBABACLOUD_IGNORE_PROFILE';
  if (env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED?.toLowerCase() === 'true') return 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED';
  return undefined;
}

/** The profile named by the environment, and which variable named it. */
export function alibabaProfileFromEnv(env: NodeJS.ProcessEnv): { name: string; variable: string } | undefined {
  for (const variable of ALIBABA_PROFILE_ENVS) {
    const name = env[variable]?.trim();
    if (name) return { name, variable };
  }
  return undefined;
}

export function alibabaConfigFile(ctx: ProfileContext): string {
  return ctx.env[ALIBABA_CONFIG_FILE_ENV]?.trim() || path.join(ctx.home, '.aliyun', 'config.json');
}

interface RawProfile {
  name: string;
  fields: Record<string, unknown>;
  index: number;
}

/** The parsed file, or undefined when there is none. */
function readConfig(ctx: ProfileContext): { file: string; current: string; profiles: RawProfile[] } | undefined {
  const file = alibabaConfigFile(ctx);
  const text = (ctx.reader ?? nodeProfileFileReader).read(file, MAX_PROFILE_FILE_BYTES);
  if (text === undefined) return undefined;
  const json = parseJsonObject(text, file);
  const current = optionalString(json, 'current', file) || 'default';
  const list = json.profiles ?? [];
  if (!Array.isArray(list)) throw new ProfileError('ProfileFileInvalid', `${file}: "profiles" should be an array, not ${jsonTypeName(list)}.`);
  const profiles: RawProfile[] = [];
  list.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ProfileError('ProfileFileInvalid', `${file}: profiles[${index}] should be an object, not ${jsonTypeName(entry)}.`);
    }
    const fields = entry as Record<string, unknown>;
    const name = optionalString(fields, 'name', file, `in profiles[${index}]`);
    // The first of a name is the one aliyun-cli uses (Configuration.GetProfile).
    if (name && !profiles.some((p) => p.name === name)) profiles.push({ name, fields, index });
  });
  return { file, current, profiles };
}

/** The mode aliyun-cli would use: the one written (its known spelling), else guessed from the fields. */
function modeOf(p: RawProfile, file: string): string {
  const where = `in profile "${p.name}"`;
  const written = optionalString(p.fields, 'mode', file, where);
  if (written) return KNOWN_MODES.find((m) => m.toLowerCase() === written.toLowerCase()) ?? written;
  const has = (key: string) => !!optionalString(p.fields, key, file, where);
  if (has('access_key_id') && has('access_key_secret')) return has('sts_token') ? 'StsToken' : has('ram_role_arn') ? 'RamRoleArn' : 'AK';
  if (has('ram_role_name')) return 'EcsRamRole';
  return '';
}

function info(p: RawProfile, file: string, current: string): AlibabaProfileInfo {
  const where = `in profile "${p.name}"`;
  return {
    name: p.name, file, mode: modeOf(p, file), region: optionalString(p.fields, 'region_id', file, where) || undefined,
    hasToken: !!optionalString(p.fields, 'sts_token', file, where), current: p.name === current,
  };
}

/** Every profile in the config file (none when there is no file). */
export function listAlibabaProfiles(ctx: ProfileContext): AlibabaProfileInfo[] {
  const config = readConfig(ctx);
  return config ? config.profiles.map((p) => info(p, config.file, config.current)) : [];
}

export function alibabaProfileFileExists(ctx: ProfileContext): boolean {
  return readConfig(ctx) !== undefined;
}

/**
 * The credentials of profile `name` (undefined: the file's "current"). AK and StsToken profiles only;
 * every other mode is refused naming it and what it would need. Never quotes a value.
 */
export function alibabaCredentialsFromProfile(name: string | undefined, ctx: ProfileContext): AlibabaCredentials & { profile: AlibabaProfileInfo } {
  const file = alibabaConfigFile(ctx);
  const config = readConfig(ctx);
  const wanted = name ?? config?.current ?? 'default';
  const raw = config?.profiles.find((p) => p.name === wanted);
  if (!config) throw new ProfileError('ProfileNotFound', `No profile "${wanted}": ${file} does not exist (aliyun configure --profile ${wanted} writes it).`);
  if (!raw) throw profileNotFound(wanted, config.profiles.map((p) => p.name), [file]);
  const profile = info(raw, config.file, config.current);
  const { mode } = profile;
  if (mode !== 'AK' && mode !== 'StsToken') {
    const needs = UNSUPPORTED_MODES[mode];
    const why = mode ? `mode ${mode} ${needs ? `needs ${needs}` : 'is not one this tool knows'}` : 'it has no mode and no AccessKey';
    throw new ProfileError('ProfileNotSupported', `Profile "${wanted}" (${config.file}) is not supported (yet): ${why}; use an AK or StsToken profile, or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.`);
  }
  const where = `in profile "${wanted}"`;
  const accessKeyId = optionalString(raw.fields, 'access_key_id', config.file, where);
  const accessKeySecret = optionalString(raw.fields, 'access_key_secret', config.file, where);
  const securityToken = optionalString(raw.fields, 'sts_token', config.file, where) || undefined;
  const missing = [!accessKeyId && 'access_key_id', !accessKeySecret && 'access_key_secret', mode === 'StsToken' && !securityToken && 'sts_token'].filter(Boolean);
  if (missing.length) {
    throw new ProfileError('ProfileIncomplete', `Profile "${wanted}" (${config.file}, mode ${mode}) has no ${missing.join(' and ')}. Set ${missing.length > 1 ? 'them' : 'it'} with aliyun configure --profile ${wanted} --mode ${mode}.`);
  }
  // An AK profile's stray sts_token is not sent (credentials-go cli_profile.go: AK mode is a static AccessKey).
  return { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, securityToken: mode === 'StsToken' ? securityToken : undefined, profile };
}

/** aliyun's profiles: the CLI's --profile and the extension's profile accounts. */
export const ALIBABA_PROFILE_SOURCE: CredentialProfileSource = {
  filesText: 'aliyun configure --profile NAME (~/.aliyun/config.json; AK or StsToken mode), chosen with --profile NAME or ALIBABA_CLOUD_PROFILE (else its "current")',
  profileFromEnv: alibabaProfileFromEnv,
  filesExist: alibabaProfileFileExists,
  disabledBy: alibabaProfilesDisabledBy,
  read(name, ctx) {
    const c = alibabaCredentialsFromProfile(name, ctx);
    return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken };
  },
  list: (ctx) => listAlibabaProfiles(ctx).map((p) => ({ name: p.name, file: p.file, region: p.region, isDefault: p.current })),
  folders: (ctx) => [path.dirname(alibabaConfigFile(ctx))],
};
