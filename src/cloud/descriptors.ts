// What the VS Code layer needs to know about each cloud to run the provider-neutral flows
// (import, create, list, rename, bind, delete): names, key name rules, credentials, regions.
// Adding a cloud means adding a descriptor here and a factory for its provider, not new flows.

import { ALIBABA_DESCRIPTOR } from '../clouds/alibaba/descriptor';
import type { CloudProviderId } from './errors';

/** English templates of the key-name problems (translated by the VS Code layer). */
export const KEY_NAME_MESSAGES = {
  empty: 'Enter a name.',
  tooLong: 'At most {0} characters ({1} now).',
  illegalChar: 'Only letters, digits and underscores are allowed (not "{0}").',
} as const;

export interface KeyNameProblem {
  template: string;
  args: Array<string | number>;
}

/** One credential a cloud needs (`SecretId`), where it comes from in the environment, and whether it is secret. */
export interface CredentialField {
  id: string;
  /** As the cloud's console names it; not translated. */
  label: string;
  envVar: string;
  /** Typed into a password box and never shown again. */
  secret: boolean;
  optional: boolean;
}

/** What a cloud's API can do to a key pair; menus and commands decide by these, never by cloud name. */
export interface CloudCapabilities {
  /** Change a key pair's name. */
  rename: boolean;
  /** Change a key pair's description. */
  editDescription: boolean;
  /** Bind the key pair to instances and unbind it. */
  bind: boolean;
  /** `region`: each region holds its own key pairs (CVM, ECS); `account`: one set for the whole account. */
  keyPairScope: 'region' | 'account';
}

/**
 * A cloud key pair's tree item context value: its kind, cloud, state and capabilities as words
 * (`cloudKeyPair tencent bound hasLocal canRename canEditDescription canBind`), which package.json's
 * menus match (`viewItem =~ /\bcanRename\b/`), so that no menu names a cloud.
 */
export function keyPairContextValue(capabilities: CloudCapabilities, cloudId: string, bound: boolean, hasLocal: boolean): string {
  return [
    'cloudKeyPair',
    cloudId,
    bound ? 'bound' : 'unbound',
    hasLocal ? 'hasLocal' : 'noLocal',
    ...(capabilities.rename ? ['canRename'] : []),
    ...(capabilities.editDescription ? ['canEditDescription'] : []),
    ...(capabilities.bind ? ['canBind'] : []),
  ].join(' ');
}

export interface CloudProviderDescriptor {
  id: CloudProviderId;
  capabilities: CloudCapabilities;
  /** The cloud's brand name (`Tencent Cloud`); not translated. */
  displayName: string;
  /** The compute service (`Tencent CVM`), as in "Import to Tencent CVM". */
  serviceName: string;
  /** What the cloud calls a key pair's id (`KeyId`). */
  keyIdLabel: string;
  keyNameMaxLength: number;
  /** Why `name` would be refused by the cloud, or undefined: the same rules the API enforces. */
  keyNameProblem(name: string): KeyNameProblem | undefined;
  /** A valid name made from a file name or comment (never empty). */
  sanitizeKeyName(text: string): string;
  /** How long a description may be. */
  descriptionMaxLength: number;
  credentialFields: CredentialField[];
  /** Where the cloud's console hands out these credentials, as an English template with the cloud's name as {0} (translated). */
  credentialsHint?: string;
  /** Used when DescribeRegions cannot be asked and no regions are configured. */
  knownRegions: string[];
  defaultRegion: string;
  /** The settings section under `cloudSshKeys.` (`tencent`). */
  settingsSection: string;
  /** Where the credentials are kept in SecretStorage. */
  secretKey: string;
  /**
   * The setting (under the section) naming where new key pairs go: Tencent's numeric `projectId`,
   * Alibaba's `resourceGroupId` (a string; empty = the default resource group).
   */
  projectSetting?: { key: string; numeric: boolean };
  /** The error code the cloud answers when a name is taken by another key (import offers another name). */
  nameTakenCode: string;
  /** The name rules in one sentence, shown under the name box (an English template, translated). */
  keyNameHint?: string;
}

/**
 * A cloud's credentials from environment variables (its CredentialFields' `envVar`s, trimmed), by
 * field id, and the required variables that are not set. The extension and the CLI both read them so.
 */
export function credentialsFromEnvironment(descriptor: Pick<CloudProviderDescriptor, 'credentialFields'>, env: NodeJS.ProcessEnv): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const field of descriptor.credentialFields) {
    const value = env[field.envVar]?.trim();
    if (value) values[field.id] = value;
    else if (!field.optional) missing.push(field.envVar);
  }
  return { values, missing };
}

const TENCENT_NAME_LIMIT = 25;

/** Tencent Cloud CVM (API 3.0, 2017-03-12). */
export const TENCENT_DESCRIPTOR: CloudProviderDescriptor = {
  id: 'tencent',
  capabilities: { rename: true, editDescription: true, bind: true, keyPairScope: 'region' },
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
};

export { ALIBABA_DESCRIPTOR };

export const CLOUD_DESCRIPTORS: readonly CloudProviderDescriptor[] = [TENCENT_DESCRIPTOR, ALIBABA_DESCRIPTOR];

/** Each cloud's name as users know it, for sentences built outside a provider. */
export const CLOUD_DISPLAY_NAMES: Readonly<Record<CloudProviderId, string>> = {
  tencent: TENCENT_DESCRIPTOR.displayName,
  alibaba: ALIBABA_DESCRIPTOR.displayName,
};
