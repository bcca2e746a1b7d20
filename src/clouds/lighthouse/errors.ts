// Tencent Cloud Lighthouse failures as CloudErrors. Lighthouse is API 3.0 like CVM: the same account,
// signature, throttling and transport failures, so those keep CVM's sentences (TENCENT_MESSAGES);
// the key pair and instance codes of Lighthouse's own error list (Go SDK lighthouse/v20200324/
// errors.go, and each action's page) get sentences of their own, saying what happened and what to do.

import { CloudError, aboutItems } from '../../cloud/errors';
import {
  KNOWN_TENCENT_ERROR_CODES,
  TENCENT_MESSAGES,
  type TencentErrorContext,
  type TencentRule,
  applyRule,
  namedInstanceIds,
  namedKeyIds,
  tencentApiError,
} from '../tencent/errors';

/** Every English template for Lighthouse failures, by message id (for translation bundles). */
export const LIGHTHOUSE_MESSAGES = {
  ...TENCENT_MESSAGES,
  missingCredentials: 'No Tencent Cloud API key is set. Enter a SecretId and SecretKey (from the API Keys page of the Tencent Cloud console); Lighthouse uses the same keys as CVM.',
  unauthorized:
    'This API key may not call {0}. Ask the account administrator to allow it in CAM (for example with the QcloudLighthouseFullAccess policy, or a policy allowing lighthouse:{0}).',
  invalidAction: 'The endpoint does not offer the Lighthouse action {0}. Check the endpoint setting (lighthouse.tencentcloudapi.com).',
  noSuchVersion: 'The endpoint does not serve Lighthouse API version 2020-03-24. Check the endpoint setting (lighthouse.tencentcloudapi.com).',
  unsupportedRegion: 'Lighthouse is not available in the region {0}. Pick another region (the region list shows where Lighthouse runs).',
  // Key pairs: one set for the whole account, so no sentence names a region.
  keyNameTaken: 'A key pair named "{0}" already exists in this account (Lighthouse key pairs are shared by every region). Choose another name.',
  publicKeyTaken: 'This public key is already in the account, under another Lighthouse key pair. Use that key pair, or import another key.',
  publicKeyMalformed: 'Lighthouse rejected the public key as malformed. It expects one OpenSSH RSA public key line such as "ssh-rsa AAAA… comment".',
  keyPairLimit: 'The account has reached its Lighthouse key pair quota. Delete key pairs you no longer use, or ask Tencent Cloud for a higher quota.',
  lighthouseKeyIdMalformed: 'The key pair ID {0} is malformed (expected "lhkp-" and 8 lowercase letters or digits).',
  lighthouseKeyIdNotFound: 'The key pair {0} does not exist in this account: it was deleted, or the ID is mistyped. Refresh the list.',
  lighthouseKeyPairInUse: 'The key pair {0} is bound to an instance or a custom image, so it cannot be deleted. Unbind it from its instances (and delete custom images made with it) first.',
  keyPairBoundToImage: 'The key pair {0} is bound to a custom image, so it cannot be deleted. Delete the custom images made with it first.',
  renameUnsupported:
    'Tencent Cloud Lighthouse cannot rename a key pair or change its description: its API has no call for it. To use another name, create or import the key under that name, bind it where the old key pair is bound, then delete the old one.',
  createOutcomeLost:
    'Tencent Cloud Lighthouse created the key pair "{0}" ({1}), but its answer, the only copy of the private key, was lost. Delete that key pair and create it again.',
  // Instances.
  lighthouseInstanceIdMalformed: 'The instance ID {0} is malformed (expected "lhins-" and 8 lowercase letters or digits).',
  instanceRunningNoForce:
    'The instance {0} is running, and Lighthouse shuts running instances down to change their key pairs. Stop it first, or allow the forced shutdown.',
  lighthouseInstanceState: 'The instance {0} is in a state that does not allow this: Lighthouse changes key pairs only on running or stopped Linux instances. Wait until it is running or stopped, and try again.',
  instanceCreating: 'The instance {0} is still being created. Wait until it is running, and try again.',
  keyPairAlreadyBound: 'The key pair {0} is already bound to the instance {1}.',
  keyPairNotBound: 'The key pair {0} is not bound to the instance {1}, so there is nothing to unbind. Refresh the list.',
  // The same refusals when the server named none of several items.
  lighthouseKeyIdMalformedUnnamed: 'One of the key pair IDs is malformed (expected "lhkp-" and 8 lowercase letters or digits).',
  lighthouseKeyIdNotFoundUnnamed: 'One of the key pairs does not exist in this account: it was deleted, or the ID is mistyped. Refresh the list.',
  lighthouseKeyPairInUseUnnamed:
    'One of the key pairs is bound to an instance or a custom image, so it cannot be deleted. Unbind it from its instances (and delete custom images made with it) first.',
  keyPairBoundToImageUnnamed: 'One of the key pairs is bound to a custom image, so it cannot be deleted. Delete the custom images made with it first.',
  lighthouseInstanceIdMalformedUnnamed: 'One of the instance IDs is malformed (expected "lhins-" and 8 lowercase letters or digits).',
  lighthouseInstanceStateUnnamed:
    'One of the instances is in a state that does not allow this: Lighthouse changes key pairs only on running or stopped Linux instances. Wait until they are running or stopped, and try again.',
  instanceCreatingUnnamed: 'One of the instances is still being created. Wait until it is running, and try again.',
  keyPairAlreadyBoundUnnamed: 'The key pair {0} is already bound to one of the instances.',
  keyPairNotBoundUnnamed: 'The key pair {0} is not bound to one of the instances, so there is nothing to unbind there. Refresh the list.',
  duplicatedIds: 'The {0} request names the same ID more than once ({1}).',
  unbindUserMismatch: 'Lighthouse refused to unbind the key pair: the instance logs in with another user name than the one the key pair was bound for ({0}).',
} as const;

type MessageId = keyof typeof LIGHTHOUSE_MESSAGES;
type ArgsOf = (context: TencentErrorContext, serverMessage: string) => Array<string | number>;

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '?');
const actionArg: ArgsOf = (c) => [c.action];
const actionAndMessage: ArgsOf = (c, m) => [c.action, m];
const regionArg: ArgsOf = (c) => [c.region ?? '?'];
const instancesAbout = (named: MessageId, unnamed: MessageId, more?: ArgsOf) => aboutItems<TencentErrorContext, MessageId>(namedInstanceIds, named, unnamed, more);
const keysAbout = (named: MessageId, unnamed: MessageId, more?: ArgsOf) => aboutItems<TencentErrorContext, MessageId>(namedKeyIds, named, unnamed, more);
/** A key pair (named, or the request's) and the instances the server named. */
const keyAndInstances = (named: MessageId, unnamed: MessageId): TencentRule<MessageId> => (c, m) => {
  const key = namedKeyIds(c, m).join(', ') || list(c.keyIds);
  const instances = namedInstanceIds(c, m);
  return instances.length ? [named, [key, instances.join(', ')]] : [unnamed, [key]];
};

/** Lighthouse's codes (exact, or a prefix no CVM code claims) → how each reads; the rest keep CVM's sentences. */
const LIGHTHOUSE_CODES: Record<string, TencentRule<MessageId>> = {
  'AuthFailure.UnauthorizedOperation': ['unauthorized', actionArg],
  'AuthFailure.InvalidRegion': ['unsupportedRegion', regionArg],
  UnauthorizedOperation: ['unauthorized', actionArg],
  'UnauthorizedOperation.NoPermission': ['unauthorized', actionArg],
  'UnauthorizedOperation.MFAExpired': ['mfaExpired', actionArg],
  'UnauthorizedOperation.MFANotFound': ['mfaNotFound', actionArg],
  InvalidAction: ['invalidAction', actionArg],
  NoSuchVersion: ['noSuchVersion', () => []],
  UnsupportedRegion: ['unsupportedRegion', regionArg],
  'InvalidParameterValue.RegionNotFound': ['unsupportedRegion', regionArg],
  'InvalidParameterValue.RegionNotSupported': ['unsupportedRegion', regionArg],
  'InvalidParameterValue.RegionUnavailable': ['unsupportedRegion', regionArg],
  'InvalidParameterValue.UnavailableRegion': ['unsupportedRegion', regionArg],
  FailedOperation: ['failedOperation', actionAndMessage],
  'InvalidParameterValue.DuplicateParameterValue': ['keyNameTaken', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.KeyPairPublicKeyDuplicated': ['publicKeyTaken', () => []],
  'InvalidParameterValue.KeyPairPublicKeyMalformed': ['publicKeyMalformed', () => []],
  'InvalidParameterValue.InvalidKeyPairNameEmpty': ['keyNameEmpty', () => []],
  'InvalidParameterValue.InvalidKeyPairNameTooLong': ['keyNameTooLong', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar': ['keyNameIllegalChar', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.KeyPairIdMalformed': keysAbout('lighthouseKeyIdMalformed', 'lighthouseKeyIdMalformedUnnamed'),
  'LimitExceeded.KeyPairLimitExceeded': ['keyPairLimit', () => []],
  'ResourceNotFound.KeyIdNotFound': keysAbout('lighthouseKeyIdNotFound', 'lighthouseKeyIdNotFoundUnnamed'),
  'ResourceNotFound.KeyPairNotFound': keysAbout('lighthouseKeyIdNotFound', 'lighthouseKeyIdNotFoundUnnamed'),
  'ResourceInUse.KeyPairInUse': keysAbout('lighthouseKeyPairInUse', 'lighthouseKeyPairInUseUnnamed'),
  'UnsupportedOperation.KeyPairBindToBlueprints': keysAbout('keyPairBoundToImage', 'keyPairBoundToImageUnnamed'),
  'InvalidParameterValue.InstanceIdMalformed': instancesAbout('lighthouseInstanceIdMalformed', 'lighthouseInstanceIdMalformedUnnamed'),
  'ResourceNotFound.InstanceIdNotFound': instancesAbout('instanceNotFound', 'instanceNotFoundUnnamed', regionArg),
  'ResourceNotFound.InstanceNotFound': instancesAbout('instanceNotFound', 'instanceNotFoundUnnamed', regionArg),
  'UnsupportedOperation.WindowsNotAllowToAssociateKeyPair': instancesAbout('instanceWindows', 'instanceWindowsUnnamed'),
  'UnsupportedOperation.WindowsNotSupportKeyPair': instancesAbout('instanceWindows', 'instanceWindowsUnnamed'),
  'UnsupportedOperation.InvalidInstanceState': instancesAbout('lighthouseInstanceState', 'lighthouseInstanceStateUnnamed'),
  'OperationDenied.InstanceCreating': instancesAbout('instanceCreating', 'instanceCreatingUnnamed'),
  'OperationDenied.InstanceOperationInProgress': ['instanceBusy', () => []],
  'UnsupportedOperation.LatestOperationUnfinished': ['instanceBusy', () => []],
  'UnsupportedOperation.KeyPairBindDuplicate': keyAndInstances('keyPairAlreadyBound', 'keyPairAlreadyBoundUnnamed'),
  'UnauthorizedOperation.TokenInvalid': ['invalidToken', actionArg],
  'InvalidParameterValue.Duplicated': ['duplicatedIds', actionAndMessage],
  'UnsupportedOperation.KeyPairUnbindUsernameMismatch': ['unbindUserMismatch', (_c, m) => [m]],
  'UnsupportedOperation.InstanceDisplayAreaNotSupportOperation': ['unsupportedOperation', actionAndMessage],
  'UnsupportedOperation.KeyPairNotBoundToInstance': keyAndInstances('keyPairNotBound', 'keyPairNotBoundUnnamed'),
};

/** Every Lighthouse error code this module turns into a sentence of its own. */
export const KNOWN_LIGHTHOUSE_ERROR_CODES: readonly string[] = Object.keys(LIGHTHOUSE_CODES);

/** `error` as Lighthouse's: the same failure, told by provider `lighthouse`. */
export function asLighthouseError(error: CloudError, template = error.template, args = error.args): CloudError {
  const { kind, code, requestId, serverMessage, action, httpStatus } = error;
  return new CloudError({ provider: 'lighthouse', kind, code, template, args, requestId, serverMessage, action, httpStatus });
}

/**
 * Turns a Lighthouse API error answer into a CloudError. CVM's reading decides the kind
 * (throttled, interrupted) and the shared codes (signature, clock skew, credentials); a
 * Lighthouse code, or a prefix no CVM code claims, gets Lighthouse's sentence.
 */
export function lighthouseApiError(code: string, serverMessage: string, requestId: string, context: TencentErrorContext): CloudError {
  const shared = tencentApiError(code, serverMessage, requestId, context);
  const prefix = code.split('.')[0];
  const rule = LIGHTHOUSE_CODES[code] ?? (KNOWN_TENCENT_ERROR_CODES.includes(code) ? undefined : LIGHTHOUSE_CODES[prefix]);
  if (!rule) return asLighthouseError(shared);
  const [id, args] = applyRule(rule, context, serverMessage);
  return asLighthouseError(shared, LIGHTHOUSE_MESSAGES[id], args);
}

/** A refusal decided here, before anything is sent (kind `config`). */
export function lighthouseRefusal(code: string, id: MessageId, args: Array<string | number> = [], action?: string): CloudError {
  return new CloudError({ provider: 'lighthouse', kind: 'config', code, template: LIGHTHOUSE_MESSAGES[id], args, action });
}
