// Tencent Cloud Lighthouse failures as CloudErrors. Lighthouse is API 3.0 like CVM: the same account,
// signature, throttling and transport failures, so those keep CVM's sentences (TENCENT_MESSAGES);
// the key pair and instance codes of Lighthouse's own error list (Go SDK lighthouse/v20200324/
// errors.go, and each action's page) get sentences of their own, saying what happened and what to do.

import { CloudError } from '../../cloud/errors';
import { KNOWN_TENCENT_ERROR_CODES, TENCENT_MESSAGES, type TencentErrorContext, tencentApiError } from '../tencent/errors';

/** Every English template for Lighthouse failures, by message id (for translation bundles). */
export const LIGHTHOUSE_MESSAGES = {
  ...TENCENT_MESSAGES,
  missingCredentials: 'No Tencent Cloud API key is set. Enter a SecretId and SecretKey (from the API Keys page of the Tencent Cloud console); Lighthouse uses the same keys as CVM.',
  unauthorized:
    'This API key may not call {0}. Ask the account administrator to allow it in CAM (for example with the QcloudLighthouseFullAccess policy, or a policy allowing lighthouse:{0}).',
  mfaExpired: 'The MFA verification of these credentials has expired, so Tencent Cloud refused {0}. Verify with MFA again (or get new temporary credentials) and try again.',
  mfaNotFound: 'Tencent Cloud asks for MFA verification before {0}, and these credentials have none. Bind an MFA device to the account (or use credentials that passed MFA) and try again.',
  invalidAction: 'The endpoint does not offer the Lighthouse action {0}. Check the endpoint setting (lighthouse.tencentcloudapi.com).',
  noSuchVersion: 'The endpoint does not serve Lighthouse API version 2020-03-24. Check the endpoint setting (lighthouse.tencentcloudapi.com).',
  unsupportedRegion: 'Lighthouse is not available in the region {0}. Pick another region (the region list shows where Lighthouse runs).',
  failedOperation: 'Lighthouse could not carry out {0} ({1}). Try again later; if it persists, give the RequestId to Tencent Cloud support.',
  // Key pairs: one set for the whole account, so no sentence names a region.
  keyNameTaken: 'A key pair named "{0}" already exists in this account (Lighthouse key pairs are shared by every region). Choose another name.',
  publicKeyTaken: 'This public key is already in the account, under another Lighthouse key pair. Use that key pair, or import another key.',
  publicKeyMalformed: 'Lighthouse rejected the public key as malformed. It expects one OpenSSH RSA public key line such as "ssh-rsa AAAA… comment".',
  unsupportedKeyType:
    'Lighthouse takes only RSA public keys (its ImportKeyPair documentation asks for "the OpenSSH RSA format"), so this {0} key was not sent. Import an RSA key instead (ssh-keygen -t rsa -b 4096 makes one).',
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
} as const;

type MessageId = keyof typeof LIGHTHOUSE_MESSAGES;
type ArgsOf = (context: TencentErrorContext, serverMessage: string) => Array<string | number>;

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '?');
const actionArg: ArgsOf = (c) => [c.action];
const keyIdsArg: ArgsOf = (c) => [list(c.keyIds)];
const instanceIdsArg: ArgsOf = (c) => [list(c.instanceIds)];
const keyAndInstances: ArgsOf = (c) => [list(c.keyIds), list(c.instanceIds)];
const regionArg: ArgsOf = (c) => [c.region ?? '?'];

/** Lighthouse's codes (exact, or a prefix no CVM code claims) → message and its arguments; the rest keep CVM's sentences. */
const LIGHTHOUSE_CODES: Record<string, [MessageId, ArgsOf]> = {
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
  FailedOperation: ['failedOperation', (c, m) => [c.action, m]],
  'InvalidParameterValue.DuplicateParameterValue': ['keyNameTaken', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.KeyPairPublicKeyDuplicated': ['publicKeyTaken', () => []],
  'InvalidParameterValue.KeyPairPublicKeyMalformed': ['publicKeyMalformed', () => []],
  'InvalidParameterValue.InvalidKeyPairNameEmpty': ['keyNameEmpty', () => []],
  'InvalidParameterValue.InvalidKeyPairNameTooLong': ['keyNameTooLong', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar': ['keyNameIllegalChar', (c) => [c.keyName ?? '']],
  'InvalidParameterValue.KeyPairIdMalformed': ['lighthouseKeyIdMalformed', keyIdsArg],
  'LimitExceeded.KeyPairLimitExceeded': ['keyPairLimit', () => []],
  'ResourceNotFound.KeyIdNotFound': ['lighthouseKeyIdNotFound', keyIdsArg],
  'ResourceNotFound.KeyPairNotFound': ['lighthouseKeyIdNotFound', keyIdsArg],
  'ResourceInUse.KeyPairInUse': ['lighthouseKeyPairInUse', keyIdsArg],
  'UnsupportedOperation.KeyPairBindToBlueprints': ['keyPairBoundToImage', keyIdsArg],
  'InvalidParameterValue.InstanceIdMalformed': ['lighthouseInstanceIdMalformed', instanceIdsArg],
  'ResourceNotFound.InstanceIdNotFound': ['instanceNotFound', (c) => [list(c.instanceIds), c.region ?? '?']],
  'ResourceNotFound.InstanceNotFound': ['instanceNotFound', (c) => [list(c.instanceIds), c.region ?? '?']],
  'UnsupportedOperation.WindowsNotAllowToAssociateKeyPair': ['instanceWindows', instanceIdsArg],
  'UnsupportedOperation.WindowsNotSupportKeyPair': ['instanceWindows', instanceIdsArg],
  'UnsupportedOperation.InvalidInstanceState': ['lighthouseInstanceState', instanceIdsArg],
  'OperationDenied.InstanceCreating': ['instanceCreating', instanceIdsArg],
  'OperationDenied.InstanceOperationInProgress': ['instanceBusy', () => []],
  'UnsupportedOperation.LatestOperationUnfinished': ['instanceBusy', () => []],
  'UnsupportedOperation.KeyPairBindDuplicate': ['keyPairAlreadyBound', keyAndInstances],
  'UnsupportedOperation.KeyPairNotBoundToInstance': ['keyPairNotBound', keyAndInstances],
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
  const entry = LIGHTHOUSE_CODES[code] ?? (KNOWN_TENCENT_ERROR_CODES.includes(code) ? undefined : LIGHTHOUSE_CODES[prefix]);
  return entry ? asLighthouseError(shared, LIGHTHOUSE_MESSAGES[entry[0]], entry[1](context, serverMessage)) : asLighthouseError(shared);
}

/** A refusal decided here, before anything is sent (kind `config`). */
export function lighthouseRefusal(code: string, id: MessageId, args: Array<string | number> = [], action?: string): CloudError {
  return new CloudError({ provider: 'lighthouse', kind: 'config', code, template: LIGHTHOUSE_MESSAGES[id], args, action });
}
