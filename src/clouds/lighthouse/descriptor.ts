// Tencent Cloud Lighthouse key pair rules and its descriptor, free of any cloud code so the VS Code
// layer can validate names as the user types (the activation bundle may import this file).
//
// Lighthouse is the same Tencent Cloud account as CVM: the same API keys, the same key name rule
// (the ImportKeyPair and CreateKeyPair pages: "up to 25 digits, letters, and underscores"). Its key
// pairs are account-wide: one set for every region.

import { type CloudCapabilities, type CloudProviderDescriptor } from '../../cloud/descriptors';
import { TENCENT_DESCRIPTOR } from '../tencent/descriptor';
import type { DefaultLoginUserRule } from '../../cloud/provider';
import { defaultLoginUser } from './login-user';
import { TENCENT_PROFILE_SOURCE } from '../tencent/profiles';

/** Lighthouse API version the provider and the fake speak. */
export const LIGHTHOUSE_API_VERSION = '2020-03-24';
export const DEFAULT_LIGHTHOUSE_HOST = 'lighthouse.tencentcloudapi.com';
/** DescribeKeyPairs / DescribeInstances: "Maximum value: 100". */
export const LIGHTHOUSE_PAGE_SIZE = 100;
/** DeleteKeyPairs: "Each request can contain up to 10 key pairs". */
export const LIGHTHOUSE_DELETE_BATCH = 10;
/** Associate/DisassociateInstancesKeyPairs: up to 100 key pairs and 100 instances each. */
export const LIGHTHOUSE_BIND_BATCH = 100;
/** ImportKeyPair: PublicKey "in the OpenSSH RSA format": the only key type the docs name. */
export const LIGHTHOUSE_KEY_TYPES: readonly string[] = ['ssh-rsa'];

/**
 * Lighthouse has no ModifyKeyPairAttribute (the Key APIs are Create, Import, Describe, Delete,
 * Associate and Disassociate) and its KeyPair has no Description; binding is documented.
 */
export const LIGHTHOUSE_CAPABILITIES: CloudCapabilities = { rename: false, editDescription: false, bind: true, bindStopsRunningInstances: true, keyPairScope: 'account', bindSetsKeyList: false };

/** Tencent Cloud Lighthouse (API 3.0, 2020-03-24) for the provider-neutral flows of the VS Code layer. */
export const LIGHTHOUSE_DESCRIPTOR: CloudProviderDescriptor & { defaultLoginUser: DefaultLoginUserRule } = {
  id: 'lighthouse',
  // The user an SSH login uses (src/clouds/lighthouse/login-user.ts); for the coming Connect command.
  defaultLoginUser,
  capabilities: LIGHTHOUSE_CAPABILITIES,
  // AssociateInstancesKeyPairs: RUNNING or STOPPED Linux instances (a running one is shut down first).
  bindableInstanceStates: ['RUNNING', 'STOPPED'],
  displayName: 'Tencent Cloud Lighthouse',
  serviceName: 'Tencent Lighthouse',
  keyIdLabel: 'KeyId',
  // CVM's key name rule, word for word on the Lighthouse pages.
  keyNameMaxLength: TENCENT_DESCRIPTOR.keyNameMaxLength,
  keyNameProblem: TENCENT_DESCRIPTOR.keyNameProblem,
  sanitizeKeyName: TENCENT_DESCRIPTOR.sanitizeKeyName,
  descriptionMaxLength: 0,
  // The same account as CVM: the same API keys, environment variables and stored credentials.
  profiles: TENCENT_PROFILE_SOURCE,
  credentialFields: TENCENT_DESCRIPTOR.credentialFields,
  knownRegions: [
    'ap-guangzhou', 'ap-shanghai', 'ap-nanjing', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-hongkong', 'ap-singapore',
    'ap-jakarta', 'ap-seoul', 'ap-tokyo', 'ap-mumbai', 'ap-bangkok', 'na-siliconvalley', 'na-ashburn', 'eu-frankfurt',
  ],
  defaultRegion: 'ap-guangzhou',
  settingsSection: 'lighthouse',
  secretKey: TENCENT_DESCRIPTOR.secretKey,
  nameTakenCode: 'InvalidParameterValue.DuplicateParameterValue',
  documentedKeyTypes: LIGHTHOUSE_KEY_TYPES,
};
