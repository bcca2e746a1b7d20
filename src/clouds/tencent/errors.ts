import { CloudError, type CloudErrorKind } from '../../cloud/errors';

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
  keyIdMalformed: 'The key pair ID {0} is malformed (expected "skey-" and 8 characters).',
  keyIdNotFound: 'The key pair {0} does not exist in {1}: it was deleted, or it is in another region. Refresh the list.',
  descriptionTooLong: 'The description is longer than 60 characters. Shorten it.',
  specifyNameOrDescription: 'Give a new name, a new description, or both.',
  instanceRunning: 'The instance {0} is running. Stop it first, or allow a forced shutdown (it is started again afterwards).',
  instanceWindows: 'The instance {0} runs Windows, which cannot use SSH key pairs. Pick a Linux instance.',
  instanceIdMalformed: 'The instance ID {0} is malformed (expected "ins-" and 8 characters).',
  instanceNotFound: 'The instance {0} does not exist in {1}. Refresh the instance list.',
  instanceBusy: 'Another operation on the instance is in progress. Wait until it finishes and try again.',
  instanceState: 'The instance is in a state that does not allow this ({0}). Wait until it is stopped or running, and try again.',
  tooManyItems: 'Too many items in one request (at most 100). Select fewer.',
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
type ArgsOf = (context: TencentErrorContext, serverMessage: string) => Array<string | number>;

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '?');
const noArgs: ArgsOf = () => [];
const actionArg: ArgsOf = (c) => [c.action];
const actionAndMessage: ArgsOf = (c, m) => [c.action, m];
const serverMessageArg: ArgsOf = (_c, m) => [m];

/** Code → message and its arguments. A code missing here falls back to its prefix (`AuthFailure`), then to `unknownCode`. */
const TENCENT_CODES: Record<string, [MessageId, ArgsOf]> = {
  'AuthFailure.SignatureFailure': ['signatureFailure', noArgs],
  'AuthFailure.SecretIdNotFound': ['secretIdNotFound', noArgs],
  'AuthFailure.InvalidSecretId': ['invalidSecretId', noArgs],
  'AuthFailure.TokenFailure': ['tokenFailure', noArgs],
  'AuthFailure.InvalidAuthorization': ['invalidAuthorization', noArgs],
  'AuthFailure.UnauthorizedOperation': ['unauthorized', actionArg],
  AuthFailure: ['authFailure', noArgs],
  UnauthorizedOperation: ['unauthorized', actionArg],
  RequestLimitExceeded: ['throttled', actionArg],
  InvalidParameter: ['invalidParameter', actionAndMessage],
  InvalidParameterValue: ['invalidParameterValue', actionAndMessage],
  MissingParameter: ['missingParameter', actionAndMessage],
  InvalidAction: ['invalidAction', actionArg],
  NoSuchVersion: ['noSuchVersion', noArgs],
  UnsupportedRegion: ['unsupportedRegion', (c) => [c.region ?? '?']],
  LimitExceeded: ['quotaReached', serverMessageArg],
  InternalError: ['internalError', noArgs],
  InternalServerError: ['internalError', noArgs],
  ResourceNotFound: ['resourceNotFound', serverMessageArg],
  InvalidKeyPairNameEmpty: ['keyNameEmpty', noArgs],
  InvalidKeyPairNameTooLong: ['keyNameTooLong', (c) => [c.keyName ?? '']],
  InvalidKeyPairNameIncludeIllegalChar: ['keyNameIllegalChar', (c) => [c.keyName ?? '']],
  'InvalidKeyPairName.Duplicate': ['keyNameDuplicate', (c) => [c.keyName ?? '', c.region ?? '?']],
  'InvalidKeyPair.LimitExceeded': ['keyPairLimit', noArgs],
  'InvalidPublicKey.Malformed': ['publicKeyMalformed', noArgs],
  'InvalidPublicKey.Duplicate': ['publicKeyDuplicate', (c) => [c.region ?? '?']],
  'InvalidProjectId.NotFound': ['projectNotFound', (c) => [c.projectId ?? '?']],
  'LimitExceeded.TagResourceQuota': ['tagQuota', noArgs],
  'InvalidParameterValue.KeyPairNotSupported': ['keyPairInUse', (c) => [list(c.keyIds)]],
  'InvalidKeyPairId.Malformed': ['keyIdMalformed', (c) => [list(c.keyIds)]],
  'InvalidKeyPairId.NotFound': ['keyIdNotFound', (c) => [list(c.keyIds), c.region ?? '?']],
  InvalidKeyPairDescriptionTooLong: ['descriptionTooLong', noArgs],
  'InvalidParameterValue.TooLong': ['descriptionTooLong', noArgs],
  'InvalidParameter.SpecifyOneParameter': ['specifyNameOrDescription', noArgs],
  'InvalidParameterValue.LimitExceeded': ['tooManyItems', noArgs],
  InvalidParameterValueLimit: ['tooManyItems', noArgs],
  'UnsupportedOperation.InstanceStateRunning': ['instanceRunning', (c) => [list(c.instanceIds)]],
  'UnsupportedOperation.InstanceOsWindows': ['instanceWindows', (c) => [list(c.instanceIds)]],
  'UnsupportedOperation.KeyPairUnsupportedWindows': ['instanceWindows', (c) => [list(c.instanceIds)]],
  'InvalidInstanceId.Malformed': ['instanceIdMalformed', (c) => [list(c.instanceIds)]],
  'InvalidInstanceId.NotFound': ['instanceNotFound', (c) => [list(c.instanceIds), c.region ?? '?']],
  'OperationDenied.InstanceOperationInProgress': ['instanceBusy', noArgs],
  'MutexOperation.TaskRunning': ['instanceBusy', noArgs],
  InvalidInstanceState: ['instanceState', serverMessageArg],
  UnsupportedOperation: ['instanceState', serverMessageArg],
  InvalidFilter: ['invalidFilter', serverMessageArg],
  'InvalidFilterValue.LimitExceeded': ['invalidFilter', serverMessageArg],
};

/** Every Tencent error code this module turns into a specific sentence. */
export const KNOWN_TENCENT_ERROR_CODES: readonly string[] = Object.keys(TENCENT_CODES);

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
    const entry = TENCENT_CODES[code] ?? TENCENT_CODES[code.split('.')[0]];
    [id, args] = entry ? [entry[0], entry[1](context, serverMessage)] : ['unknownCode', [code, serverMessage]];
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
