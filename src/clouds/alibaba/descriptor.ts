// Alibaba Cloud ECS key pair rules and its descriptor, free of any cloud code so the VS Code
// layer can validate names as the user types (the activation bundle may import this file).

import type { CloudProviderDescriptor } from '../../cloud/descriptors';
import type { DefaultLoginUserRule } from '../../cloud/provider';
import { defaultLoginUser } from './login-user';
import { ALIBABA_PROFILE_SOURCE } from './profiles';

/** ECS API version the provider and the fake speak. */
export const ECS_API_VERSION = '2014-05-26';
/** Largest page DescribeKeyPairs serves (PageSize ≤ 50). */
export const ECS_PAGE_SIZE = 50;
/** DescribeInstances: MaxResults ≤ 100 (more is read as 100), and at most 100 InstanceIds. */
export const ECS_INSTANCE_PAGE_SIZE = 100;
/** DeleteKeyPairs takes at most 100 names. */
export const ECS_DELETE_BATCH = 100;
/** AttachKeyPair / DetachKeyPair take at most 50 instances. */
export const ECS_BIND_BATCH = 50;
/** Documented key pair quota per region. */
export const ECS_KEY_PAIRS_PER_REGION = 500;
/** Tag.N: at most 20 tags. */
export const ECS_MAX_TAGS = 20;
/**
 * ImportKeyPair's list of "encryption methods": rsa, dsa, ssh-rsa, ssh-dss, ecdsa and the OpenSSH
 * certificates of those (v00 and v01); ed25519 is not in it.
 */
export const ECS_KEY_TYPES: readonly string[] = [
  'ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'ssh-rsa-cert-v00@openssh.com', 'ssh-dss-cert-v00@openssh.com', 'ssh-rsa-cert-v01@openssh.com', 'ssh-dss-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
];
export const ECS_NAME_MIN = 2;
export const ECS_NAME_MAX = 128;

/** English templates of the key pair name problems (translated by the VS Code layer). */
export const ALIBABA_NAME_MESSAGES = {
  tooShort: 'At least {0} characters ({1} now).',
  tooLong: 'At most {0} characters ({1} now).',
  firstLetter: 'The name must start with an upper- or lower-case letter or a Chinese character (not "{0}").',
  urlPrefix: 'The name must not start with "{0}".',
  illegalChar: 'Only letters, Chinese characters, digits and the characters : _ - . are allowed (not "{0}").',
  /** The rules in one sentence, under the name box. */
  hint: '2 to 128 characters: a letter or Chinese character first, then letters, Chinese characters, digits and : _ - .',
  /** Where the AccessKey comes from, under the credential boxes ({0}: Alibaba Cloud). */
  credentialsHint: 'From the AccessKey page of the {0} console (or a RAM user\'s AccessKey). Stored in the system keychain only.',
} as const;

export interface AlibabaNameProblem {
  template: string;
  args: Array<string | number>;
}

/** ECS's "letters": upper- and lower-case ASCII letters and Chinese characters. */
const ECS_NAME_LETTER = /^[A-Za-z\p{Script=Han}]$/u;
/** Everything a KeyPairName may hold besides its first letter. */
const ECS_NAME_CHAR = /^[A-Za-z\p{Script=Han}0-9:_.-]$/u;

/**
 * Why ECS would refuse `name` as a KeyPairName, or undefined when it is valid. The current
 * ImportKeyPair/CreateKeyPair reference: 2–128 characters, starting with an upper- or lower-case
 * letter or a Chinese character, not with `http://` or `https://`, and holding letters (or Chinese),
 * digits, colons, underscores, periods and hyphens only.
 */
export function alibabaKeyPairNameProblem(name: string): AlibabaNameProblem | undefined {
  const chars = [...name];
  if (chars.length < ECS_NAME_MIN) return { template: ALIBABA_NAME_MESSAGES.tooShort, args: [ECS_NAME_MIN, chars.length] };
  if (!ECS_NAME_LETTER.test(chars[0])) return { template: ALIBABA_NAME_MESSAGES.firstLetter, args: [chars[0]] };
  const url = /^https?:\/\//i.exec(name);
  if (url) return { template: ALIBABA_NAME_MESSAGES.urlPrefix, args: [url[0]] };
  const illegal = chars.find((c) => !ECS_NAME_CHAR.test(c));
  if (illegal !== undefined) return { template: ALIBABA_NAME_MESSAGES.illegalChar, args: [illegal] };
  if (chars.length > ECS_NAME_MAX) return { template: ALIBABA_NAME_MESSAGES.tooLong, args: [ECS_NAME_MAX, chars.length] };
  return undefined;
}

/** A valid KeyPairName made from a file name or comment (never empty). */
export function sanitizeAlibabaKeyPairName(text: string): string {
  let name = text
    .replace(/\.pub$/i, '')
    .replace(/[^A-Za-z\p{Script=Han}0-9:_.-]+/gu, '_')
    .replace(/^[^A-Za-z\p{Script=Han}]+/u, '');
  if (/^https?:/i.test(name)) name = `key_${name}`;
  name = [...name].slice(0, ECS_NAME_MAX).join('');
  return [...name].length >= ECS_NAME_MIN ? name : `ssh_key${name ? `_${name}` : ''}`;
}

/** Alibaba Cloud ECS (2014-05-26) for the provider-neutral flows of the VS Code layer. */
export const ALIBABA_DESCRIPTOR: CloudProviderDescriptor & { defaultLoginUser: DefaultLoginUserRule } = {
  id: 'alibaba',
  // The user an SSH login uses (src/clouds/alibaba/login-user.ts); for the coming Connect command.
  defaultLoginUser,
  // ECS has no call that renames a key pair, and key pairs have no description.
  // AttachKeyPair / DetachKeyPair: Running or Stopped instances (the change applies at the next start).
  bindableInstanceStates: ['Running', 'Stopped'],
  capabilities: { rename: false, editDescription: false, bind: true, bindStopsRunningInstances: false, keyPairScope: 'region', bindSetsKeyList: false },
  displayName: 'Alibaba Cloud',
  serviceName: 'Alibaba Cloud ECS',
  // ECS identifies a key pair by its name within a region.
  keyIdLabel: 'KeyPairName',
  keyNameMaxLength: ECS_NAME_MAX,
  keyNameProblem: alibabaKeyPairNameProblem,
  sanitizeKeyName: sanitizeAlibabaKeyPairName,
  // ECS key pairs have no description (and no rename): modifyKeyPair refuses.
  descriptionMaxLength: 0,
  profiles: ALIBABA_PROFILE_SOURCE,
  credentialFields: [
    { id: 'accessKeyId', label: 'AccessKey ID', envVar: 'ALIBABA_CLOUD_ACCESS_KEY_ID', secret: false, optional: false },
    { id: 'accessKeySecret', label: 'AccessKey Secret', envVar: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', secret: true, optional: false },
    { id: 'securityToken', label: 'Security Token', envVar: 'ALIBABA_CLOUD_SECURITY_TOKEN', secret: true, optional: true },
  ],
  knownRegions: [
    'cn-hangzhou', 'cn-shanghai', 'cn-qingdao', 'cn-beijing', 'cn-zhangjiakou', 'cn-huhehaote', 'cn-wulanchabu', 'cn-shenzhen',
    'cn-heyuan', 'cn-guangzhou', 'cn-chengdu', 'cn-hongkong', 'ap-southeast-1', 'ap-southeast-3', 'ap-southeast-5',
    'ap-southeast-6', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'us-west-1', 'us-east-1', 'eu-central-1',
    'eu-west-1', 'me-east-1', 'me-central-1',
  ],
  defaultRegion: 'cn-hangzhou',
  settingsSection: 'alibaba',
  secretKey: 'cloudSshKeys.alibaba.credentials',
  projectSetting: { key: 'resourceGroupId', numeric: false },
  nameTakenCode: 'KeyPair.AlreadyExist',
  documentedKeyTypes: ECS_KEY_TYPES,
  keyNameHint: ALIBABA_NAME_MESSAGES.hint,
  credentialsHint: ALIBABA_NAME_MESSAGES.credentialsHint,
};
