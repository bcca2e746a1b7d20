// What the VS Code layer needs to know about each cloud to run the provider-neutral flows
// (import, create, list, rename, bind, delete): names, key name rules, credentials, regions.
// Each cloud's descriptor is in its folder (src/clouds/<cloud>/descriptor.ts); src/clouds/registry.ts lists them.

import type { CloudProviderId } from './errors';
import type { CredentialProfileSource } from './profile-files';
import type { DefaultLoginUserRule } from './provider';

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
  /**
   * Binding to a running instance needs it shut down (CVM's ForceStop; Lighthouse always shuts it
   * down), so the user is asked first; `false`: the cloud changes it on a running instance (ECS).
   */
  bindStopsRunningInstances: boolean;
  /** `region`: each region holds its own key pairs (CVM, ECS); `account`: one set for the whole account. */
  keyPairScope: 'region' | 'account';
  /**
   * A bind may name key pairs already bound and sets the instance's list to exactly those named
   * (CVM: LoginSettings.KeyIds holds several), so a new key can join the old one; false: a bind
   * refuses a key already bound (Lighthouse) or the instance holds one key (ECS), and replaces it.
   */
  bindSetsKeyList: boolean;
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
  /** The user an SSH login to an instance uses: the one the cloud reports, else the image's documented default. */
  defaultLoginUser: DefaultLoginUserRule;
  /** The instance states its bind and unbind calls accept, as its API documents them (others are not offered). */
  bindableInstanceStates: readonly string[];
  /** What binding does beyond the key, said before it happens (Tencent CVM: password login stops working). */
  bindNote?: string;
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
  /** The profile files of the cloud's own tools (tccli, aliyun) its credentials can come from. */
  profiles?: CredentialProfileSource;
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
  /**
   * The OpenSSH key types its ImportKeyPair documents (`['ssh-rsa']`); undefined: it documents no list.
   * Another type may still work, or be refused: Import warns before sending one, Create offers the
   * documented ones first (RSA where documented) and says of the others that the cloud may refuse them.
   */
  documentedKeyTypes?: readonly string[];
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

/** Whether `keyType` (an OpenSSH type such as `ssh-ed25519`) is one the cloud documents for import (true when it documents no list). */
export function isDocumentedKeyType(descriptor: Pick<CloudProviderDescriptor, 'documentedKeyTypes'>, keyType: string): boolean {
  return !descriptor.documentedKeyTypes || descriptor.documentedKeyTypes.includes(keyType);
}

/** The documented key types in short (`RSA, DSA, ECDSA, OpenSSH certificates`), for messages. */
export function documentedKeyTypesText(descriptor: Pick<CloudProviderDescriptor, 'documentedKeyTypes'>): string {
  const types = descriptor.documentedKeyTypes ?? [];
  const short = types
    .filter((t) => !t.includes('-cert-'))
    .map((t) => (t === 'ssh-rsa' ? 'RSA' : t === 'ssh-dss' ? 'DSA' : t.startsWith('ecdsa-') ? 'ECDSA' : t === 'ssh-ed25519' ? 'ED25519' : t));
  if (types.some((t) => t.includes('-cert-'))) short.push('OpenSSH certificates');
  return [...new Set(short)].join(', ');
}
