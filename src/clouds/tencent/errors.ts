import { CloudError, type CloudErrorKind, aboutItems, idsNamedIn, itemsRefused } from '../../cloud/errors';

// Tencent Cloud CVM error codes (API 3.0): the common codes and those of the key pair,
// region and instance actions, each as a sentence saying what happened and what to do.

/** What the failed call was about, to fill the sentences. */
export interface TencentErrorContext {
  action: string;
  region?: string;
  keyName?: string;
  keyIds?: readonly string[];
  instanceIds?: readonly string[];
  projectId?: string;
  /** OpenSSH type of the public key sent, when known (`ssh-ed25519`). */
  publicKeyType?: string;
  /** When the request was sent (ms since the epoch): with the server's clock in the answer it gives the clock skew. */
  sentAtMs?: number;
}

/** Every English template for Tencent failures, by message id (for translation bundles). */
export const TENCENT_MESSAGES = {
  signatureFailure:
    'Tencent Cloud rejected the request signature: the SecretKey does not belong to this SecretId. Copy both again from the API Keys page of the Tencent Cloud console (without spaces) and try again.',
  clockBehind:
    "The computer's clock is {0} minutes behind Tencent Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  clockAhead:
    "The computer's clock is {0} minutes ahead of Tencent Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  clockOff:
    "The computer's clock is more than 5 minutes off Tencent Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  secretIdNotFound:
    'Tencent Cloud does not know this SecretId: the API key was deleted, disabled or mistyped. Check it on the API Keys page of the Tencent Cloud console.',
  invalidSecretId:
    'This SecretId is not a Tencent Cloud API key (those start with "AKID"). Copy the SecretId from the API Keys page of the Tencent Cloud console.',
  tokenFailure:
    'The token of the temporary credentials is invalid or has expired. Get new temporary credentials (SecretId, SecretKey and token) and try again.',
  invalidAuthorization:
    'Tencent Cloud could not read the request signature. Check the endpoint setting; a proxy in between may be altering requests.',
  unauthorized:
    'This API key may not call {0}. Ask the account administrator to allow it in CAM (for example with the QcloudCVMFullAccess policy, or a policy allowing cvm:{0}).',
  authFailure: 'Tencent Cloud refused the credentials ({0}). Check the SecretId and SecretKey.',
  throttled: 'Tencent Cloud is limiting the request rate of {0} (10 requests per second). Wait a moment and try again.',
  invalidParameter: 'Tencent Cloud rejected a parameter of {0}: {1}',
  invalidParameterValue: 'Tencent Cloud rejected a parameter value of {0}: {1}',
  missingParameter: 'The {0} request lacks a required parameter: {1}',
  invalidAction: 'The endpoint does not offer the CVM action {0}. Check the endpoint setting.',
  noSuchVersion: 'The endpoint does not serve CVM API version 2017-03-12. Check the endpoint setting.',
  unsupportedRegion:
    'CVM does not support the region {0} at this endpoint. Pick another region; finance regions need their own endpoint (cvm.<region>.tencentcloudapi.com).',
  quotaReached: 'A Tencent Cloud quota was reached: {0}',
  internalError: 'Tencent Cloud had an internal error. Try again later; if it persists, give the RequestId to Tencent Cloud support.',
  resourceNotFound: 'Tencent Cloud did not find the resource: {0}',
  keyNameEmpty: 'The key pair name is empty. Enter a name of letters, digits and underscores (at most 25 characters).',
  keyNameTooLong: 'The key pair name "{0}" is longer than 25 characters. Shorten it.',
  keyNameIllegalChar:
    'The key pair name "{0}" contains characters Tencent Cloud does not allow. Use only letters, digits and underscores (no spaces, dashes or dots).',
  keyNameDuplicate: 'A key pair named "{0}" already exists in {1}. Choose another name.',
  keyPairLimit:
    'The account has reached its key pair limit (100 by default). Delete key pairs you no longer use, or ask Tencent Cloud for a higher quota.',
  publicKeyMalformedType:
    'Tencent Cloud rejected the {0} public key as malformed. It expects one OpenSSH public key line; its docs name RSA keys, so if it refuses this key type, import an RSA key instead.',
  publicKeyMalformed:
    'Tencent Cloud rejected the public key as malformed. It expects one OpenSSH public key line such as "ssh-rsa AAAA… comment".',
  publicKeyDuplicate: 'This public key is already in {0}, under another key pair.',
  projectNotFound: 'The project {0} does not exist in this account. Pick an existing project, or 0 for the default project.',
  tagQuota: 'Too many tags for one key pair. Remove some tags and try again.',
  keyPairInUse: 'The key pair {0} is bound to an instance or image, so it cannot be deleted. Unbind it from its instances first.',
  keyPairInUseUnnamed: 'One of the key pairs is bound to an instance or image, so it cannot be deleted. Unbind it from its instances first.',
  keyPairNotSupported:
    'Tencent Cloud refused {1} because the key pair {0} does not support it. Check the key pair in the Tencent Cloud console, or use another key pair.',
  keyPairNotSupportedUnnamed: 'Tencent Cloud refused {0} because one of the key pairs does not support it. Check the key pairs in the Tencent Cloud console, or use another key pair.',
  keyIdMalformed: 'The key pair ID {0} is malformed (expected "skey-" and 8 characters).',
  keyIdMalformedUnnamed: 'One of the key pair IDs is malformed (expected "skey-" and 8 characters).',
  keyIdNotFound: 'The key pair {0} does not exist in {1}: it was deleted, or it is in another region. Refresh the list.',
  keyIdNotFoundUnnamed: 'One of the key pairs does not exist in {0}: it was deleted, or it is in another region. Refresh the list.',
  descriptionTooLong: 'The description is longer than 60 characters. Shorten it.',
  specifyNameOrDescription: 'Give a new name, a new description, or both.',
  instanceRunning: 'The instance {0} is running. Stop it first, or allow a forced shutdown (it is started again afterwards).',
  instanceRunningUnnamed: 'One of the instances is running. Stop it first, or allow a forced shutdown (it is started again afterwards).',
  instanceWindows: 'The instance {0} runs Windows, which cannot use SSH key pairs. Pick a Linux instance.',
  instanceWindowsUnnamed: 'One of the instances runs Windows, which cannot use SSH key pairs. Pick Linux instances only.',
  instanceIdMalformed: 'The instance ID {0} is malformed (expected "ins-" and 8 characters).',
  instanceIdMalformedUnnamed: 'One of the instance IDs is malformed (expected "ins-" and 8 characters).',
  instanceNotFound: 'The instance {0} does not exist in {1}. Refresh the instance list.',
  instanceNotFoundUnnamed: 'One of the instances does not exist in {0}. Refresh the instance list.',
  instanceNotSupported:
    'Tencent Cloud does not support {1} on the instance {0} (some instance types and images cannot take key pairs). Check the instance in the Tencent Cloud console.',
  instanceNotSupportedUnnamed:
    'Tencent Cloud does not support {0} on one of the instances (some instance types and images cannot take key pairs). Check the instances in the Tencent Cloud console.',
  instanceInState: 'The instance {0} is in the state {1}, in which Tencent Cloud does not change key pairs. Wait until it is stopped or running, and try again.',
  instanceInStateUnnamed: 'One of the instances is in the state {0}, in which Tencent Cloud does not change key pairs. Wait until it is stopped or running, and try again.',
  instanceIsolated:
    'The instance {0} is {1} (isolated, frozen or banned), so Tencent Cloud does not change its key pairs. Renew it or settle the account in the Tencent Cloud console, or ask Tencent Cloud support.',
  instanceIsolatedUnnamed:
    'One of the instances is {0} (isolated, frozen or banned), so Tencent Cloud does not change its key pairs. Renew it or settle the account in the Tencent Cloud console, or ask Tencent Cloud support.',
  stoppedNoCharge:
    'The instance {0} was shut down in no-charge mode (stop charging), and Tencent Cloud does not change the key pairs of such an instance. Start it and bind with a forced shutdown, or shut it down normally (keep charging) first.',
  stoppedNoChargeUnnamed:
    'One of the instances was shut down in no-charge mode (stop charging), and Tencent Cloud does not change the key pairs of such an instance. Start it and bind with a forced shutdown, or shut it down normally (keep charging) first.',
  unbindFailed: 'Tencent Cloud could not unbind the key pair from the instance {0}. Try again later; if it persists, give the RequestId to Tencent Cloud support.',
  unbindFailedUnnamed: 'Tencent Cloud could not unbind the key pair from one of the instances. Try again later; if it persists, give the RequestId to Tencent Cloud support.',
  instanceBusy: 'Another operation on the instance is in progress. Wait until it finishes and try again.',
  instanceState: 'The instance is in a state that does not allow this ({0}). Wait until it is stopped or running, and try again.',
  unsupportedOperation: 'Tencent Cloud does not support {0} here: {1}',
  tooManyItems: 'Too many items in one request (at most 100). Select fewer.',
  mfaExpired: 'The MFA verification of these credentials has expired, so Tencent Cloud refused {0}. Verify with MFA again (or get new temporary credentials) and try again.',
  mfaNotFound: 'Tencent Cloud asks for MFA verification before {0}, and these credentials have none. Bind an MFA device to the account (or use credentials that passed MFA) and try again.',
  invalidToken:
    'Tencent Cloud refused the token of these credentials for {0}: it is invalid or has expired. Get new temporary credentials (SecretId, SecretKey and token) and try again.',
  failedOperation: 'Tencent Cloud could not carry out {0} ({1}). Try again later; if it persists, give the RequestId to Tencent Cloud support.',
  tagKeyReserved: 'Tencent Cloud reserves one of the tag keys for itself, so {0} was refused. Use other tag keys.',
  invalidFilter: 'Tencent Cloud rejected the query filter: {0}',
  unknownCode: 'Tencent Cloud answered {0}: {1}',
  // Transport (transport-errors.ts gives their arguments) and the whole-operation deadline (deadline.ts).
  timeout: 'Tencent Cloud did not answer {0} within {1} seconds. Check the network connection and proxy, then try again.',
  connectTimeout: 'Could not connect to {0} within {1} seconds, so nothing was sent. Check the network connection, the proxy and the endpoint setting.',
  connectionFailed: 'Could not connect to {0}: {1}. Check the network connection, the proxy and the endpoint setting.',
  proxyFailed: 'The proxy {0} did not open a connection to {1} ({2}), so nothing was sent to Tencent Cloud. Check the proxy setting (https_proxy) and that the proxy allows {1}.',
  tlsFailure: 'The secure connection to {0} failed: {1}. A proxy or antivirus may be intercepting HTTPS; check the proxy settings.',
  connectionDropped: 'The connection to Tencent Cloud dropped during {0}, so whether it took effect is unknown. Refresh and check before trying again.',
  redirectRefused: 'Tencent Cloud answered {0} with a redirect to {1}; redirects are never followed (the request carries a signature). Check the endpoint setting and proxy.',
  answerTooLarge:
    'The answer to {0} is larger than {1} MB, the most that is read, so it was not used and whether the call took effect is unknown. Check the endpoint setting and proxy: they may not lead to Tencent Cloud.',
  operationTimeout:
    'Tencent Cloud did not finish {0} within {1} seconds (retries included). Check the network connection and proxy, then try again; on a slow network, allow more time (the operation timeout setting, or --timeout).',
  operationOutcomeUnknown:
    '{0} was sent to Tencent Cloud, but no answer arrived within {1} seconds (retries included), so whether it took effect is unknown. Refresh the list and check before trying again.',
} as const;

type MessageId = keyof typeof TENCENT_MESSAGES;
type Args = Array<string | number>;
type ArgsOf = (context: TencentErrorContext, serverMessage: string) => Args;
/** How one code reads: a fixed message with its arguments, or a choice between messages (named or not). */
export type TencentRule<Id extends string = MessageId> = [Id, ArgsOf] | ((context: TencentErrorContext, serverMessage: string) => [Id, Args]);

const noArgs: ArgsOf = () => [];
const actionArg: ArgsOf = (c) => [c.action];
const actionAndMessage: ArgsOf = (c, m) => [c.action, m];
const serverMessageArg: ArgsOf = (_c, m) => [m];
const regionArg: ArgsOf = (c) => [c.region ?? '?'];

// IDs as the server's Message writes them (CVM `ins-`/`skey-`, Lighthouse `lhins-`/`lhkp-`, 8 characters).
const INSTANCE_ID = /(?<![\w-])(?:lh)?ins-[0-9a-z]{8}(?![\w-])/g;
const KEY_ID = /(?<![\w-])(?:skey|lhkp)-[0-9a-z]{8}(?![\w-])/g;

/** The IDs of `pattern`'s shape the server's Message names, in order, each once. */
/** Instance IDs a refusal is about (itemsRefused: named in the message, else the only one sent). */
export const namedInstanceIds = (c: TencentErrorContext, m: string): string[] => itemsRefused(idsNamedIn(m, INSTANCE_ID), c.instanceIds);
/** Key pair IDs a refusal is about (see itemsRefused). */
export const namedKeyIds = (c: TencentErrorContext, m: string): string[] => itemsRefused(idsNamedIn(m, KEY_ID), c.keyIds);

const aboutInstances = (named: MessageId, unnamed: MessageId, more?: ArgsOf) => aboutItems<TencentErrorContext, MessageId>(namedInstanceIds, named, unnamed, more);
const aboutKeys = (named: MessageId, unnamed: MessageId, more?: ArgsOf) => aboutItems<TencentErrorContext, MessageId>(namedKeyIds, named, unnamed, more);

/** Reads a rule. */
export function applyRule<Id extends string>(rule: TencentRule<Id>, context: TencentErrorContext, serverMessage: string): [Id, Args] {
  return typeof rule === 'function' ? rule(context, serverMessage) : [rule[0], rule[1](context, serverMessage)];
}

/** The API's InstanceState for each UnsupportedOperation.InstanceState<…> code (as DescribeInstances writes it). */
const INSTANCE_STATE_CODES: Record<string, string> = {
  Pending: 'PENDING',
  LaunchFailed: 'LAUNCH_FAILED',
  Running: 'RUNNING',
  Stopped: 'STOPPED',
  Starting: 'STARTING',
  Stopping: 'STOPPING',
  Rebooting: 'REBOOTING',
  Terminating: 'TERMINATING',
  Terminated: 'TERMINATED',
  Shutdown: 'SHUTDOWN',
  Isolating: 'ISOLATING',
  Freezing: 'FREEZING',
  Banning: 'BANNING',
  Corrupted: 'CORRUPTED',
  NotRunning: 'not RUNNING',
  RescueMode: 'RESCUE_MODE',
  EnterRescueMode: 'ENTER_RESCUE_MODE',
  ExitRescueMode: 'EXIT_RESCUE_MODE',
  ServiceLiveMigrate: 'SERVICE_LIVE_MIGRATE',
  EnterServiceLiveMigrate: 'ENTER_SERVICE_LIVE_MIGRATE',
  ExitServiceLiveMigrate: 'EXIT_SERVICE_LIVE_MIGRATE',
};
/** States an instance stays in until someone acts (renewal, support): waiting does not help. */
const HELD_STATES = new Set(['Shutdown', 'Isolating', 'Freezing', 'Banning', 'Corrupted']);
const instanceStateRules: Record<string, TencentRule> = Object.fromEntries(
  Object.entries(INSTANCE_STATE_CODES)
    .filter(([name]) => name !== 'Running')
    .map(([name, state]) => [
      `UnsupportedOperation.InstanceState${name}`,
      HELD_STATES.has(name) ? aboutInstances('instanceIsolated', 'instanceIsolatedUnnamed', () => [state]) : aboutInstances('instanceInState', 'instanceInStateUnnamed', () => [state]),
    ]),
);

/**
 * Code → how it reads. A key `Action:Code` is that code's reading for one action only, where the
 * same code means something else there. A code missing here falls back to its prefix
 * (`AuthFailure`), then to `unknownCode`. Codes of the actions used, from the per-action lists of
 * the API reference (as in tencentcloud-sdk-go cvm/v20170312/client.go, "可能返回的错误码").
 */
const TENCENT_CODES: Record<string, TencentRule> = {
  'AuthFailure.SignatureFailure': ['signatureFailure', noArgs],
  'AuthFailure.SecretIdNotFound': ['secretIdNotFound', noArgs],
  'AuthFailure.InvalidSecretId': ['invalidSecretId', noArgs],
  'AuthFailure.TokenFailure': ['tokenFailure', noArgs],
  'AuthFailure.InvalidAuthorization': ['invalidAuthorization', noArgs],
  'AuthFailure.UnauthorizedOperation': ['unauthorized', actionArg],
  AuthFailure: ['authFailure', serverMessageArg],
  UnauthorizedOperation: ['unauthorized', actionArg],
  // Not a missing permission: the MFA check or the token failed.
  'UnauthorizedOperation.MFAExpired': ['mfaExpired', actionArg],
  'UnauthorizedOperation.MFANotFound': ['mfaNotFound', actionArg],
  'UnauthorizedOperation.InvalidToken': ['invalidToken', actionArg],
  RequestLimitExceeded: ['throttled', actionArg],
  InvalidParameter: ['invalidParameter', actionAndMessage],
  InvalidParameterValue: ['invalidParameterValue', actionAndMessage],
  MissingParameter: ['missingParameter', actionAndMessage],
  InvalidAction: ['invalidAction', actionArg],
  NoSuchVersion: ['noSuchVersion', noArgs],
  UnsupportedRegion: ['unsupportedRegion', regionArg],
  'InvalidRegion.NotFound': ['unsupportedRegion', regionArg],
  LimitExceeded: ['quotaReached', serverMessageArg],
  InternalError: ['internalError', noArgs],
  InternalServerError: ['internalError', noArgs],
  ResourceNotFound: ['resourceNotFound', serverMessageArg],
  FailedOperation: ['failedOperation', actionAndMessage],
  'FailedOperation.TagKeyReserved': ['tagKeyReserved', actionArg],
  InvalidKeyPairNameEmpty: ['keyNameEmpty', noArgs],
  InvalidKeyPairNameTooLong: ['keyNameTooLong', (c) => [c.keyName ?? '']],
  InvalidKeyPairNameIncludeIllegalChar: ['keyNameIllegalChar', (c) => [c.keyName ?? '']],
  'InvalidKeyPairName.Duplicate': ['keyNameDuplicate', (c) => [c.keyName ?? '', c.region ?? '?']],
  'InvalidKeyPair.LimitExceeded': ['keyPairLimit', noArgs],
  // Listed for DescribeKeyPairs and DeleteKeyPairs too, where nothing is created: too many KeyIds.
  'DescribeKeyPairs:InvalidKeyPair.LimitExceeded': ['tooManyItems', noArgs],
  'DeleteKeyPairs:InvalidKeyPair.LimitExceeded': ['tooManyItems', noArgs],
  'InvalidPublicKey.Malformed': ['publicKeyMalformed', noArgs],
  'InvalidPublicKey.Duplicate': ['publicKeyDuplicate', regionArg],
  'InvalidProjectId.NotFound': ['projectNotFound', (c) => [c.projectId ?? '?']],
  'LimitExceeded.TagResourceQuota': ['tagQuota', noArgs],
  // "The key pair does not support the operation": for a delete, because it is bound.
  'InvalidParameterValue.KeyPairNotSupported': aboutKeys('keyPairInUse', 'keyPairInUseUnnamed'),
  'AssociateInstancesKeyPairs:InvalidParameterValue.KeyPairNotSupported': aboutKeys('keyPairNotSupported', 'keyPairNotSupportedUnnamed', actionArg),
  'DisassociateInstancesKeyPairs:InvalidParameterValue.KeyPairNotSupported': aboutKeys('keyPairNotSupported', 'keyPairNotSupportedUnnamed', actionArg),
  'InvalidKeyPairId.Malformed': aboutKeys('keyIdMalformed', 'keyIdMalformedUnnamed'),
  'InvalidKeyPairId.NotFound': aboutKeys('keyIdNotFound', 'keyIdNotFoundUnnamed', regionArg),
  InvalidKeyPairDescriptionTooLong: ['descriptionTooLong', noArgs],
  'InvalidParameterValue.TooLong': ['descriptionTooLong', noArgs],
  'InvalidParameter.SpecifyOneParameter': ['specifyNameOrDescription', noArgs],
  'InvalidParameterValue.LimitExceeded': ['tooManyItems', noArgs],
  InvalidParameterValueLimit: ['invalidParameterValue', actionAndMessage],
  InvalidParameterValueOffset: ['invalidParameterValue', actionAndMessage],
  'UnsupportedOperation.InstanceStateRunning': aboutInstances('instanceRunning', 'instanceRunningUnnamed'),
  ...instanceStateRules,
  'UnsupportedOperation.InstanceOsWindows': aboutInstances('instanceWindows', 'instanceWindowsUnnamed'),
  'UnsupportedOperation.KeyPairUnsupportedWindows': aboutInstances('instanceWindows', 'instanceWindowsUnnamed'),
  'UnsupportedOperation.StoppedModeStopCharging': aboutInstances('stoppedNoCharge', 'stoppedNoChargeUnnamed'),
  'InvalidInstance.NotSupported': aboutInstances('instanceNotSupported', 'instanceNotSupportedUnnamed', actionArg),
  'InvalidInstanceId.Malformed': aboutInstances('instanceIdMalformed', 'instanceIdMalformedUnnamed'),
  'InvalidParameterValue.InstanceIdMalformed': aboutInstances('instanceIdMalformed', 'instanceIdMalformedUnnamed'),
  'InvalidInstanceId.NotFound': aboutInstances('instanceNotFound', 'instanceNotFoundUnnamed', regionArg),
  'FailedOperation.DisassociateKeyPairFailed': aboutInstances('unbindFailed', 'unbindFailedUnnamed'),
  'OperationDenied.InstanceOperationInProgress': ['instanceBusy', noArgs],
  'MutexOperation.TaskRunning': ['instanceBusy', noArgs],
  InvalidInstanceState: ['instanceState', serverMessageArg],
  UnsupportedOperation: ['unsupportedOperation', actionAndMessage],
  InvalidFilter: ['invalidFilter', serverMessageArg],
  'InvalidFilterValue.LimitExceeded': ['invalidFilter', serverMessageArg],
  // DescribeInstances' codes for filters this product never sends (host, security group, zone).
  'InvalidHostId.Malformed': ['invalidFilter', serverMessageArg],
  'InvalidSecurityGroupId.NotFound': ['invalidFilter', serverMessageArg],
  'InvalidSgId.Malformed': ['invalidFilter', serverMessageArg],
  'InvalidZone.MismatchRegion': ['invalidFilter', serverMessageArg],
};

/** Every Tencent error code this module turns into a specific sentence (for some action at least). */
export const KNOWN_TENCENT_ERROR_CODES: readonly string[] = [...new Set(Object.keys(TENCENT_CODES).map((key) => key.slice(key.indexOf(':') + 1)))];

/** The rule for `code` in `action`: the action's own, the code's, then its prefix's. */
function ruleFor(action: string, code: string): TencentRule | undefined {
  return TENCENT_CODES[`${action}:${code}`] ?? TENCENT_CODES[code] ?? TENCENT_CODES[code.split('.')[0]];
}

/** The server clock in an AuthFailure.SignatureExpire message ("… the server time 1706406788."). */
function serverTimeOf(message: string): number | undefined {
  const match = /server time\D{0,5}(\d{9,11})/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

function signatureExpired(context: TencentErrorContext, serverMessage: string): { id: MessageId; args: Array<string | number> } {
  const serverTime = serverTimeOf(serverMessage);
  if (serverTime === undefined || context.sentAtMs === undefined) return { id: 'clockOff', args: [] };
  const minutes = Math.round((serverTime - context.sentAtMs / 1000) / 60);
  if (minutes === 0) return { id: 'clockOff', args: [] };
  return minutes > 0 ? { id: 'clockBehind', args: [minutes] } : { id: 'clockAhead', args: [-minutes] };
}

/** Turns a Tencent API error answer into a CloudError with a sentence and the RequestId. */
export function tencentApiError(code: string, serverMessage: string, requestId: string, context: TencentErrorContext): CloudError {
  let id: MessageId;
  let args: Array<string | number>;
  if (code === 'AuthFailure.SignatureExpire') {
    ({ id, args } = signatureExpired(context, serverMessage));
  } else if (code === 'InvalidPublicKey.Malformed' && context.publicKeyType) {
    id = 'publicKeyMalformedType';
    args = [context.publicKeyType];
  } else {
    const rule = ruleFor(context.action, code);
    [id, args] = rule ? applyRule(rule, context, serverMessage) : ['unknownCode', [code, serverMessage]];
  }
  const prefix = code.split('.')[0];
  const kind: CloudErrorKind =
    prefix === 'RequestLimitExceeded' ? 'throttled' : prefix === 'InternalError' || prefix === 'InternalServerError' ? 'interrupted' : 'api';
  return new CloudError({
    provider: 'tencent',
    kind,
    code,
    template: TENCENT_MESSAGES[id],
    args,
    requestId,
    serverMessage,
    action: context.action,
  });
}
