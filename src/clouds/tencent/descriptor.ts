// Tencent Cloud CVM as the shared code sees it: names, the key name rules CVM enforces
// (ImportKeyPair / CreateKeyPair: at most 25 letters, digits and underscores), credentials, regions.
import { type CloudProviderDescriptor, KEY_NAME_MESSAGES } from '../../cloud/descriptors';
import type { DefaultLoginUserRule } from '../../cloud/provider';
import { defaultLoginUser } from './login-user';
import { TENCENT_PROFILE_SOURCE } from './profiles';

const TENCENT_NAME_LIMIT = 25;

/** Tencent Cloud CVM (API 3.0, 2017-03-12). */
export const TENCENT_DESCRIPTOR: CloudProviderDescriptor & { defaultLoginUser: DefaultLoginUserRule } = {
  id: 'tencent',
  // The user an SSH login uses (src/clouds/tencent/login-user.ts); for the coming Connect command.
  defaultLoginUser,
  // AssociateInstancesKeyPairs / DisassociateInstancesKeyPairs: Linux instances, RUNNING (with
  // ForceStop: shut down, changed, started again) or STOPPED.
  bindableInstanceStates: ['RUNNING', 'STOPPED'],
  bindNote: 'Binding a key pair turns off password login on these instances (Tencent CVM documents it): keep the private key.',
  capabilities: { rename: true, editDescription: true, bind: true, bindStopsRunningInstances: true, keyPairScope: 'region', bindSetsKeyList: true },
  displayName: 'Tencent Cloud',
  serviceName: 'Tencent CVM',
  keyIdLabel: 'KeyId',
  keyNameMaxLength: TENCENT_NAME_LIMIT,
  keyNameProblem(name) {
    if (name.length === 0) return { template: KEY_NAME_MESSAGES.empty, args: [] };
    const illegal = [...name].find((c) => !/[A-Za-z0-9_]/.test(c));
    if (illegal !== undefined) return { template: KEY_NAME_MESSAGES.illegalChar, args: [illegal] };
    if (name.length > TENCENT_NAME_LIMIT) return { template: KEY_NAME_MESSAGES.tooLong, args: [TENCENT_NAME_LIMIT, name.length] };
    return undefined;
  },
  sanitizeKeyName(text) {
    const cleaned = text
      .replace(/\.pub$/i, '')
      .replace(/[^A-Za-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, TENCENT_NAME_LIMIT)
      .replace(/_+$/, '');
    return cleaned || 'ssh_key';
  },
  descriptionMaxLength: 60,
  profiles: TENCENT_PROFILE_SOURCE,
  credentialFields: [
    { id: 'secretId', label: 'SecretId', envVar: 'TENCENTCLOUD_SECRET_ID', secret: false, optional: false },
    { id: 'secretKey', label: 'SecretKey', envVar: 'TENCENTCLOUD_SECRET_KEY', secret: true, optional: false },
    { id: 'token', label: 'Token', envVar: 'TENCENTCLOUD_SESSION_TOKEN', secret: true, optional: true },
  ],
  knownRegions: [
    'ap-guangzhou', 'ap-shanghai', 'ap-nanjing', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-hongkong', 'ap-singapore',
    'ap-jakarta', 'ap-seoul', 'ap-tokyo', 'ap-bangkok', 'na-siliconvalley', 'na-ashburn', 'eu-frankfurt', 'sa-saopaulo',
  ],
  defaultRegion: 'ap-guangzhou',
  settingsSection: 'tencent',
  secretKey: 'cloudSshKeys.tencent.credentials',
  projectSetting: { key: 'projectId', numeric: true },
  nameTakenCode: 'InvalidKeyPairName.Duplicate',
  // ImportKeyPair: PublicKey "OpenSSH RSA 格式" (API 3.0, 2017-03-12): the only type the docs name.
  documentedKeyTypes: ['ssh-rsa'],
};
