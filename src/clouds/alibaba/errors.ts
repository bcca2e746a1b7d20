// Alibaba Cloud ECS failures as CloudErrors: every documented error code of the key pair,
// region and instance actions and the common (signature, throttling, RAM) codes, each as an
// English sentence template. Every sentence lives in ALIBABA_MESSAGES (for the translation
// bundle); nothing here builds a sentence inline.

import { CloudError, type CloudErrorKind, aboutItems, idsNamedIn, itemsRefused } from '../../cloud/errors';
import { ECS_KEY_PAIRS_PER_REGION } from './descriptor';

/** What the failed call was about, to fill the sentences. */
export interface AlibabaErrorContext {
  action: string;
  region?: string;
  keyPairName?: string;
  keyPairNames?: readonly string[];
  instanceIds?: readonly string[];
  resourceGroupId?: string;
  /** OpenSSH type of the public key sent (`ssh-ed25519`). */
  publicKeyType?: string;
  /** The endpoint host, for connection failures. */
  host?: string;
  timeoutSeconds?: number;
  /** When the request was sent (ms since the epoch): with the server's clock it gives the skew. */
  sentAtMs?: number;
  /** The server's clock from the answer's Date header (ms since the epoch). */
  serverTimeMs?: number;
}

/** Every English template for Alibaba failures, by message id (for translation bundles). */
export const ALIBABA_MESSAGES = {
  // Credentials and signature.
  missingCredentials: 'No Alibaba Cloud AccessKey is set. Enter an AccessKey ID and AccessKey secret (from the AccessKey page of the Alibaba Cloud console).',
  signatureDoesNotMatch:
    'Alibaba Cloud rejected the request signature: the AccessKey secret does not belong to this AccessKey ID. Copy both again from the AccessKey page of the Alibaba Cloud console (without spaces) and try again.',
  accessKeyNotFound: 'Alibaba Cloud does not know this AccessKey ID: it was deleted or mistyped. Check it on the AccessKey page of the Alibaba Cloud console.',
  accessKeyDisabled: 'This AccessKey is disabled. Enable it, or use another one, on the AccessKey page of the Alibaba Cloud console.',
  securityTokenInvalid: 'The security token of the temporary (STS) credentials is invalid or has expired. Get new temporary credentials and try again.',
  timestampExpired:
    "The computer's clock is more than 15 minutes off Alibaba Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  clockBehind:
    "The computer's clock is {0} minutes behind Alibaba Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  clockAhead:
    "The computer's clock is {0} minutes ahead of Alibaba Cloud's, so the request counts as expired. Set the system clock right (turn on automatic time/NTP) and try again.",
  nonceUsed: 'Alibaba Cloud saw this request before (its nonce was already used), so it refused it. Try again.',
  incompleteSignature: 'Alibaba Cloud could not read the request signature. Check the endpoint setting; a proxy in between may be altering requests.',
  forbiddenRam:
    'This AccessKey may not call {0}. Ask the account administrator to allow it in RAM (for example with the AliyunECSFullAccess policy, or a policy allowing ecs:{0}).',
  forbidden: 'Alibaba Cloud refused {0}: {1}',
  accountProblem: 'The Alibaba Cloud account cannot use ECS now ({0}). Check the account status (overdue payment, real-name verification) in the console.',
  // Rate and service.
  throttled: 'Alibaba Cloud is limiting the request rate of {0}. Wait a moment and try again.',
  internalError: 'Alibaba Cloud had an internal error. Try again later; if it persists, give the RequestId to Alibaba Cloud support.',
  serviceUnavailable: 'ECS is unavailable right now. Try again later.',
  // Request shape.
  missingParameter: 'The {0} request lacks a required parameter: {1}',
  invalidParameter: 'Alibaba Cloud rejected a parameter of {0}: {1}',
  invalidRegion: 'ECS does not know the region {0}. Pick another region.',
  invalidAction: 'The endpoint does not offer the ECS action {0}. Check the endpoint setting.',
  unsupportedVersion: 'The endpoint does not serve ECS API version 2014-05-26. Check the endpoint setting.',
  // Key pairs.
  keyNameInvalid:
    'The key pair name "{0}" is not valid on Alibaba Cloud ECS: use 2 to 128 characters, start with an upper- or lower-case letter or a Chinese character, do not start with http:// or https://, and use only letters, Chinese characters, digits, ":", "_", "." and "-".',
  keyNameMalformed:
    'Alibaba Cloud ECS refused the key pair name "{0}" as malformed. Its rule: 2 to 128 characters, starting with an upper- or lower-case letter or a Chinese character, not starting with http:// or https://, and only letters, Chinese characters, digits, ":", "_", "." and "-".',
  publicKeyMalformed:
    'Alibaba Cloud rejected the public key as malformed. It expects one OpenSSH public key line (RSA, DSA, ECDSA, or an OpenSSH certificate) such as "ssh-rsa AAAA… comment".',
  publicKeyMalformedType:
    'Alibaba Cloud rejected the {0} public key as malformed. Its docs name RSA, DSA and ECDSA keys and OpenSSH certificates; if it refuses this key type, import one of those instead.',
  keyPairExists: 'A key pair named "{0}" already exists in {1}. Choose another name.',
  keyPairQuota: `The region {0} has reached its key pair quota (${ECS_KEY_PAIRS_PER_REGION} per region). Delete key pairs you no longer use, or ask Alibaba Cloud for a higher quota.`,
  keyPairNotFound: 'The key pair {0} does not exist in {1}: it was deleted, or it is in another region. Refresh the list.',
  keyPairNamesMalformed: 'Alibaba Cloud rejected the list of key pair names: {0}',
  keyPairInUse: 'The key pair {0} is attached to instances, so it cannot be deleted. Detach it from its instances first.',
  keyPairInUseUnnamed: 'One of the key pairs is attached to instances, so it cannot be deleted. Detach it from its instances first.',
  keyPairNotFoundUnnamed: 'One of the key pairs does not exist in {0}: it was deleted, or it is in another region. Refresh the list.',
  tooManyKeyPairs: 'Too many key pairs in one request (at most 100). Select fewer.',
  resourceGroupNotFound: 'The resource group {0} does not exist in this account. Pick an existing resource group, or leave it empty for the default one.',
  tagsInvalid: 'Alibaba Cloud rejected the tags: {0}',
  // Instances.
  instanceNotFound: 'The instance {0} does not exist in {1}. Refresh the instance list.',
  instanceIdsMalformed: 'Alibaba Cloud rejected the list of instances: {0}',
  tooManyInstances: 'Too many instances in one request (at most 50). Select fewer.',
  instanceWindows: 'The instance {0} runs Windows, which cannot use SSH key pairs. Pick a Linux instance.',
  instanceState: 'The instance {0} is in a state that does not allow this ({1}). Wait until it is stopped or running, and try again.',
  instanceNotFoundUnnamed: 'One of the instances does not exist in {0}. Refresh the instance list.',
  instanceWindowsUnnamed: 'One of the instances runs Windows, which cannot use SSH key pairs. Pick Linux instances only.',
  instanceStateUnnamed: 'One of the instances is in a state that does not allow this ({0}). Wait until it is stopped or running, and try again.',
  oneKeyPerInstance: 'An ECS instance has one SSH key pair: attach or detach exactly one key pair at a time.',
  bindPartlyFailed: '{0} succeeded for {1} of {2} instances. Failed: {3}',
  // Local refusals and transport.
  unsupportedOperation: 'Alibaba Cloud ECS cannot {0} a key pair: it has no such operation.',
  invalidEndpoint: 'The Alibaba Cloud endpoint "{0}" is not usable: {1}. Use a host name such as ecs.cn-hangzhou.aliyuncs.com, or an https:// URL.',
  insecureEndpoint:
    'Refusing to send Alibaba Cloud credentials over plain http to {0}: plain http is allowed only to this computer (127.0.0.1, ::1, localhost). Use https://.',
  httpError: 'Alibaba Cloud answered HTTP {0} ({1}) instead of an API response to {2}. Try again later; if it persists, check the endpoint and proxy settings.',
  timeout: 'Alibaba Cloud did not answer {0} within {1} seconds. Check the network connection and proxy, then try again.',
  tlsFailure: 'The secure connection to {0} failed: {1}. A proxy or antivirus may be intercepting HTTPS; check the proxy settings.',
  connectionFailed: 'Could not connect to {0}: {1}. Check the network connection, the proxy and the endpoint setting.',
  malformedResponse: 'Alibaba Cloud sent an unreadable answer to {0}, so whether it took effect is unknown. Refresh and check before trying again.',
  connectionDropped: 'The connection to Alibaba Cloud dropped during {0}, so whether it took effect is unknown. Refresh and check before trying again.',
  connectTimeout: 'Could not connect to {0} within {1} seconds, so nothing was sent. Check the network connection, the proxy and the endpoint setting.',
  proxyFailed: 'The proxy {0} did not open a connection to {1} ({2}), so nothing was sent to Alibaba Cloud. Check the proxy setting (https_proxy) and that the proxy allows {1}.',
  redirectRefused: 'Alibaba Cloud answered {0} with a redirect to {1}; redirects are never followed (the request carries a signature). Check the endpoint setting and proxy.',
  answerTooLarge:
    'The answer to {0} is larger than {1} MB, the most that is read, so it was not used and whether the call took effect is unknown. Check the endpoint setting and proxy: they may not lead to Alibaba Cloud.',
  operationTimeout:
    'Alibaba Cloud did not finish {0} within {1} seconds (retries included). Check the network connection and proxy, then try again; on a slow network, allow more time (the operation timeout setting, or --timeout).',
  operationOutcomeUnknown:
    '{0} was sent to Alibaba Cloud, but no answer arrived within {1} seconds (retries included), so whether it took effect is unknown. Refresh the list and check before trying again.',
  createOutcomeLost:
    'Alibaba Cloud created the key pair "{0}", but its answer, the only copy of the private key, was lost. Delete that key pair and create it again.',
  unknownCode: 'Alibaba Cloud answered {0}: {1}',
} as const;

export type AlibabaMessageId = keyof typeof ALIBABA_MESSAGES;
type ArgsOf = (context: AlibabaErrorContext, serverMessage: string) => Array<string | number>;

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '?');
const noArgs: ArgsOf = () => [];
const actionArg: ArgsOf = (c) => [c.action];
const actionAndMessage: ArgsOf = (c, m) => [c.action, m];
const messageArg: ArgsOf = (_c, m) => [m];
type Rule = [AlibabaMessageId, ArgsOf] | ((context: AlibabaErrorContext, serverMessage: string) => [AlibabaMessageId, Array<string | number>]);

/** ECS instance IDs as a Message writes them (`i-` and lowercase letters and digits). */
const ECS_INSTANCE_ID = /(?<![\w-])i-[0-9a-z]{8,}(?![\w-])/g;

/** The instances a refusal is about: those its Message names, else the only one sent, else none ("one of the instances"). */
export function namedEcsInstanceIds(context: AlibabaErrorContext, serverMessage: string): string[] {
  return itemsRefused(idsNamedIn(serverMessage, ECS_INSTANCE_ID), context.instanceIds);
}

/** The key pair a refusal is about: the one sent (ECS messages name the parameter, not the name), else none of several. */
function namedKeyPairs(context: AlibabaErrorContext): string[] {
  return context.keyPairName ? [context.keyPairName] : itemsRefused([], context.keyPairNames);
}

const aboutInstances = (named: AlibabaMessageId, unnamed: AlibabaMessageId, more: ArgsOf = noArgs): Rule =>
  aboutItems<AlibabaErrorContext, AlibabaMessageId>(namedEcsInstanceIds, named, unnamed, more);
const aboutKeyPairs = (named: AlibabaMessageId, unnamed: AlibabaMessageId, more: ArgsOf = noArgs): Rule =>
  aboutItems<AlibabaErrorContext, AlibabaMessageId>(namedKeyPairs, named, unnamed, more);
const regionArg: ArgsOf = (c) => [c.region ?? '?'];
const keyNameArg: ArgsOf = (c) => [c.keyPairName ?? list(c.keyPairNames)];
const keyNameAndRegion: ArgsOf = (c) => [c.keyPairName ?? list(c.keyPairNames), c.region ?? '?'];

/** Documented code → message and its arguments. A code missing here falls back to its prefix (`Throttling`), then to `unknownCode`. */
const ALIBABA_CODES: Record<string, Rule> = {
  SignatureDoesNotMatch: ['signatureDoesNotMatch', noArgs],
  IncompleteSignature: ['incompleteSignature', noArgs],
  'InvalidAccessKeyId.NotFound': ['accessKeyNotFound', noArgs],
  InvalidAccessKeyId: ['accessKeyNotFound', noArgs],
  'InvalidAccessKeyId.Inactive': ['accessKeyDisabled', noArgs],
  'InvalidSecurityToken.Expired': ['securityTokenInvalid', noArgs],
  'InvalidSecurityToken.Malformed': ['securityTokenInvalid', noArgs],
  'InvalidSecurityToken.MismatchWithAccessKey': ['securityTokenInvalid', noArgs],
  InvalidSecurityToken: ['securityTokenInvalid', noArgs],
  'InvalidTimeStamp.Expired': ['timestampExpired', noArgs],
  'InvalidTimeStamp.Format': ['timestampExpired', noArgs],
  SignatureNonceUsed: ['nonceUsed', noArgs],
  'Forbidden.RAM': ['forbiddenRam', actionArg],
  'Forbidden.AccessKeyDisabled': ['accessKeyDisabled', noArgs],
  'Forbidden.SubUser': ['forbiddenRam', actionArg],
  NoPermission: ['forbiddenRam', actionArg],
  Forbidden: ['forbidden', actionAndMessage],
  'Forbidden.Unauthorized': ['forbidden', actionAndMessage],
  'InvalidAccountStatus.NotEnoughBalance': ['accountProblem', messageArg],
  'Account.Arrearage': ['accountProblem', messageArg],
  'Throttling.User': ['throttled', actionArg],
  'Throttling.Api': ['throttled', actionArg],
  'Throttling.Resource': ['throttled', actionArg],
  Throttling: ['throttled', actionArg],
  ServiceUnavailable: ['serviceUnavailable', noArgs],
  InternalError: ['internalError', noArgs],
  UnknownError: ['internalError', noArgs],
  MissingParameter: ['missingParameter', actionAndMessage],
  'MissingParameter.RegionId': ['missingParameter', actionAndMessage],
  InvalidParameter: ['invalidParameter', actionAndMessage],
  'InvalidRegionId.NotFound': ['invalidRegion', (c) => [c.region ?? '?']],
  'InvalidRegionId.MalFormed': ['invalidRegion', (c) => [c.region ?? '?']],
  InvalidAction: ['invalidAction', actionArg],
  'InvalidAction.NotFound': ['invalidAction', actionArg],
  InvalidVersion: ['unsupportedVersion', noArgs],
  'InvalidKeyPairName.Malformed': ['keyNameMalformed', keyNameArg],
  'InvalidPublicKeyBody.Malformed': ['publicKeyMalformed', noArgs],
  'KeyPair.AlreadyExist': ['keyPairExists', keyNameAndRegion],
  'QuotaExceed.KeyPair': ['keyPairQuota', (c) => [c.region ?? '?']],
  'InvalidKeyPairName.NotFound': aboutKeyPairs('keyPairNotFound', 'keyPairNotFoundUnnamed', regionArg),
  'InvalidKeyPairNames.ValueNotSupported': ['keyPairNamesMalformed', messageArg],
  'InvalidKeyPairNames.Malformed': ['keyPairNamesMalformed', messageArg],
  'DependencyViolation.KeyPair': aboutKeyPairs('keyPairInUse', 'keyPairInUseUnnamed'),
  'InvalidParameter.KeypairAlreadyAttachedInstance': aboutKeyPairs('keyPairInUse', 'keyPairInUseUnnamed'),
  InstanceKeyPairLimitExceeded: ['tooManyKeyPairs', noArgs],
  'InvalidKeyPair.NotFound': aboutKeyPairs('keyPairNotFound', 'keyPairNotFoundUnnamed', regionArg),
  'InvalidResourceGroup.NotFound': ['resourceGroupNotFound', (c) => [c.resourceGroupId ?? '?']],
  'InvalidTagKey.Malformed': ['tagsInvalid', messageArg],
  'InvalidTagValue.Malformed': ['tagsInvalid', messageArg],
  'InvalidTagKey.TooMany': ['tagsInvalid', messageArg],
  'InvalidInstanceId.NotFound': aboutInstances('instanceNotFound', 'instanceNotFoundUnnamed', regionArg),
  'InvalidInstanceIds.Malformed': ['instanceIdsMalformed', messageArg],
  'InvalidInstanceIds.ValueNotSupported': ['tooManyInstances', noArgs],
  'DependencyViolation.WindowsInstance': aboutInstances('instanceWindows', 'instanceWindowsUnnamed'),
  IncorrectInstanceStatus: aboutInstances('instanceState', 'instanceStateUnnamed', messageArg),
  'IncorrectInstanceStatus.Initializing': aboutInstances('instanceState', 'instanceStateUnnamed', messageArg),
  'InvalidInstanceId.MalFormed': ['instanceIdsMalformed', messageArg],
  'InvalidKeyPairName.Duplicate': ['keyPairExists', keyNameAndRegion],
  'OperationDenied': ['forbidden', actionAndMessage],
  'InvalidRegionId.Malformed': ['invalidRegion', (c) => [c.region ?? '?']],
};

/** Every Alibaba error code this module turns into a specific sentence. */
export const KNOWN_ALIBABA_ERROR_CODES: readonly string[] = Object.keys(ALIBABA_CODES);

/** Which codes say nothing happened and a later retry may pass. */
function kindOf(code: string, httpStatus: number | undefined): CloudErrorKind {
  if (code.startsWith('Throttling') || httpStatus === 429) return 'throttled';
  // A 5xx may have been carried out before failing: the outcome is unknown.
  if (code === 'InternalError' || code === 'UnknownError' || code === 'ServiceUnavailable' || (httpStatus !== undefined && httpStatus >= 500)) return 'interrupted';
  return 'api';
}

/** A CloudError from one of ALIBABA_MESSAGES. */
export function alibabaError(
  kind: CloudErrorKind,
  code: string,
  id: AlibabaMessageId,
  args: Array<string | number>,
  extra: { action?: string; requestId?: string; serverMessage?: string; httpStatus?: number } = {},
): CloudError {
  return new CloudError({ provider: 'alibaba', kind, code, template: ALIBABA_MESSAGES[id], args, ...extra });
}

/** Turns an ECS error answer (HTTP status and `{Code, Message, RequestId}`) into a CloudError with a sentence and the RequestId. */
export function alibabaApiError(code: string, serverMessage: string, requestId: string, httpStatus: number | undefined, context: AlibabaErrorContext): CloudError {
  let id: AlibabaMessageId;
  let args: Array<string | number>;
  const skewMinutes =
    context.serverTimeMs !== undefined && context.sentAtMs !== undefined ? Math.round((context.serverTimeMs - context.sentAtMs) / 60_000) : 0;
  if (code === 'InvalidTimeStamp.Expired' && skewMinutes !== 0) {
    [id, args] = skewMinutes > 0 ? ['clockBehind', [skewMinutes]] : ['clockAhead', [-skewMinutes]];
  } else if (code === 'InvalidPublicKeyBody.Malformed' && context.publicKeyType) {
    id = 'publicKeyMalformedType';
    args = [context.publicKeyType];
  } else {
    const rule = ALIBABA_CODES[`${context.action}:${code}`] ?? ALIBABA_CODES[code] ?? ALIBABA_CODES[code.split('.')[0]];
    [id, args] = !rule ? ['unknownCode', [code, serverMessage]] : typeof rule === 'function' ? rule(context, serverMessage) : [rule[0], rule[1](context, serverMessage)];
  }
  return alibabaError(kindOf(code, httpStatus), code, id, args, { action: context.action, requestId, serverMessage, httpStatus });
}
