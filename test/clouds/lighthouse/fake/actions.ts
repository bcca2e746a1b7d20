// The Lighthouse actions the fake serves (API 2020-03-24), with the parameter rules and error
// codes of the public docs. Sources, cited below by short name (cn: cloud.tencent.com, intl:
// tencentcloud.com, whose English pages of 2023-12 and 2025-10 differ from the Chinese ones on Region):
//   [import]       cn document/api/1207/55538, intl document/product/1103/42478 (ImportKeyPair)
//   [create]       intl document/product/1103/42483 (CreateKeyPair)
//   [describe]     cn document/api/1207/55540, intl document/api/1103/42480 (DescribeKeyPairs)
//   [delete]       intl document/product/1103/42482 (DeleteKeyPairs)
//   [associate]    intl document/product/1103/42484 (AssociateInstancesKeyPairs)
//   [disassociate] intl document/product/1103/42479 (DisassociateInstancesKeyPairs)
//   [instances]    cn document/api/1207/47573, intl document/product/1103/42498 (DescribeInstances)
//   [regions]      cn document/api/1207/55555 (DescribeRegions)
//   [sdk]          tencentcloud-sdk-go lighthouse/v20200324: client.go ("可能返回的错误码" per action),
//                  models.go (parameter limits, data types), errors.go (what each code means)
// Where they are silent the choice is marked "Assumed:".

import * as crypto from 'node:crypto';
import {
  ApiError,
  type Filter,
  type FilterRules,
  type Params,
  checkInstanceIdShape,
  checkKeyIdShape,
  idList,
  optionalFilters,
  optionalString,
  optionalStringArray,
  pagination,
  rejectUnknownParameters,
  required,
} from './params';
import { type FakeLighthouseInstance, type FakeLighthouseKeyPair, type FakeTag, FakeLighthouseAccount, isoSeconds } from './state';
import { FAKE_LIGHTHOUSE_REGIONS } from './regions';
import { checkOpenSshPublicKey, newRsaKeyPairAsync } from '../../../fakes/ssh-public-key';

export interface ActionContext {
  account: FakeLighthouseAccount;
  /** The X-TC-Region of the request, when it had one. */
  region: string | undefined;
  requestId: string;
  acceptedKeyTypes: readonly string[];
}

export type ActionHandler = (params: Params, context: ActionContext) => Promise<Record<string, unknown>>;

/** [import] [create]: "可由数字，字母和下划线组成，长度不超过 25 个字符". */
function checkKeyName(name: string): void {
  if (name.length === 0) throw new ApiError('InvalidParameterValue.InvalidKeyPairNameEmpty', 'The key pair name cannot be empty.');
  if (name.length > 25) throw new ApiError('InvalidParameterValue.InvalidKeyPairNameTooLong', 'The key pair name cannot exceed 25 characters.');
  // [sdk] lists IncludeIllegalChar for CreateKeyPair only. Assumed: ImportKeyPair, which documents
  // the same character rule, refuses with the same code.
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new ApiError('InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar', 'The key pair name can contain only letters, digits and underscores.');
  }
}

// [sdk] errors.go: DuplicateParameterValue is "参数 `KeyName` 已经存在且重复". Key pairs being
// account-wide, so is the name. Assumed: names compare case-sensitively.
function checkNameFree(context: ActionContext, name: string): void {
  if ([...context.account.keyPairs.values()].some((k) => k.KeyName === name)) {
    throw new ApiError('InvalidParameterValue.DuplicateParameterValue', `The key pair name \`${name}\` already exists.`);
  }
}

function checkKeyPairLimit(context: ActionContext): void {
  if (context.account.keyPairs.size >= context.account.keyPairLimit) {
    throw new ApiError('LimitExceeded.KeyPairLimitExceeded', `The number of key pairs exceeds the quota (${context.account.keyPairLimit}).`);
  }
}

/** [import] [create] `Tags: [{Key, Value}]`, "数组最多支持10个元素". */
function readTags(params: Params): FakeTag[] {
  const tags = params.Tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw new ApiError('InvalidParameter', 'The parameter `Tags` must be a list of {Key, Value}.');
  // Assumed: more than 10 is InvalidParameterValue.LimitExceeded, as for other lists.
  if (tags.length > 10) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 10 tags are allowed.');
  return tags.map((tag: Partial<Record<'Key' | 'Value', unknown>> | null) => {
    if (typeof tag?.Key !== 'string' || typeof tag?.Value !== 'string') throw new ApiError('InvalidParameter', 'A tag needs a Key and a Value.');
    return { Key: tag.Key, Value: tag.Value };
  });
}

function keyPairOf(context: ActionContext, keyId: string): FakeLighthouseKeyPair {
  const keyPair = context.account.keyPairs.get(keyId);
  if (!keyPair) throw new ApiError('ResourceNotFound.KeyIdNotFound', `The key pair \`${keyId}\` does not exist.`);
  return keyPair;
}

/**
 * [associate] [disassociate] document Region as "not required": instance ids are the account's.
 * Assumed: with a Region, only that region's instances are found.
 */
function instanceOf(context: ActionContext, instanceId: string): FakeLighthouseInstance {
  const instance = context.account.instances.get(instanceId);
  if (!instance || (context.region !== undefined && instance.region !== context.region)) {
    throw new ApiError('ResourceNotFound.InstanceIdNotFound', `The instance \`${instanceId}\` does not exist.`);
  }
  return instance;
}

/** A key pair as the KeyPair data type describes it; PrivateKey is null except right after CreateKeyPair. */
function describeKeyPair(context: ActionContext, keyPair: FakeLighthouseKeyPair): Record<string, unknown> {
  const bound = [...context.account.instances.values()].filter((i) => i.KeyIds.includes(keyPair.KeyId));
  return {
    KeyId: keyPair.KeyId,
    KeyName: keyPair.KeyName,
    PublicKey: keyPair.PublicKey,
    AssociatedInstanceIds: bound.map((i) => i.InstanceId),
    // Assumed: an OFFLINE bind (no Username) is for root.
    AssociatedInstanceSet: bound.map((i) => ({ InstanceId: i.InstanceId, Username: i.usernames[keyPair.KeyId] ?? 'root' })),
    CreatedTime: keyPair.CreatedTime,
    PrivateKey: null,
    Tags: keyPair.Tags,
  };
}

const importKeyPair: ActionHandler = async (params, context) => {
  rejectUnknownParameters(params, ['KeyName', 'PublicKey', 'Tags']);
  const name = required(params, 'KeyName', optionalString);
  checkKeyName(name);
  const publicKey = required(params, 'PublicKey', optionalString);
  // [import]: "OpenSSH RSA 格式"; the fake accepts the types it is told (default ssh-rsa only).
  const key = checkOpenSshPublicKey(publicKey, context.acceptedKeyTypes);
  if (!key.ok) throw new ApiError('InvalidParameterValue.KeyPairPublicKeyMalformed', `The public key is malformed: ${key.reason}.`);
  const tags = readTags(params);
  checkNameFree(context, name);
  // [sdk] errors.go: "该密钥对中的公钥在系统中已存在，无法重复使用".
  if ([...context.account.keyPairs.values()].some((k) => k.blobBase64 === key.blobBase64)) {
    throw new ApiError('InvalidParameterValue.KeyPairPublicKeyDuplicated', 'The public key of this key pair already exists.');
  }
  checkKeyPairLimit(context);
  const keyPair: FakeLighthouseKeyPair = {
    KeyId: context.account.newKeyId(),
    KeyName: name,
    // Assumed: the stored line keeps type and data only, so clients must compare blobs.
    PublicKey: `${key.type} ${key.blobBase64}`,
    blobBase64: key.blobBase64,
    CreatedTime: isoSeconds(new Date()),
    Tags: tags,
  };
  context.account.addKeyPair(keyPair);
  return { KeyId: keyPair.KeyId };
};

const createKeyPair: ActionHandler = async (params, context) => {
  rejectUnknownParameters(params, ['KeyName', 'Tags']);
  const name = required(params, 'KeyName', optionalString);
  checkKeyName(name);
  const tags = readTags(params);
  checkNameFree(context, name);
  checkKeyPairLimit(context);
  // Assumed: Lighthouse makes 2048-bit RSA keys like CVM and returns the private key as PKCS#1 PEM.
  const { privateKeyPem, publicLine } = await newRsaKeyPairAsync('');
  // The generation ran off the main thread: check again that nothing took the name or the quota meanwhile.
  checkNameFree(context, name);
  checkKeyPairLimit(context);
  const keyPair: FakeLighthouseKeyPair = {
    KeyId: context.account.newKeyId(),
    KeyName: name,
    PublicKey: publicLine,
    blobBase64: publicLine.split(' ')[1],
    CreatedTime: isoSeconds(new Date()),
    Tags: tags,
  };
  context.account.addKeyPair(keyPair);
  // [create]: the example answer has "CreatedTime": null (the KeyPair type: "此字段可能返回 null");
  // DescribeKeyPairs shows the time.
  return { KeyPair: { ...describeKeyPair(context, keyPair), CreatedTime: null, PrivateKey: privateKeyPem } };
};

// [describe]: key-id, key-name (fuzzy), tag-key, tag-value, tag:<key>; "每次请求的 Filters 的上限为 10，
// Filter.Values 的上限为 5"; [sdk] lists only InvalidParameter.InvalidFilter for a bad filter.
const KEY_PAIR_FILTERS: FilterRules = { names: ['key-id', 'key-name', 'tag-key', 'tag-value'], tagKeys: true, maxValues: 5, unknownNameCode: 'InvalidParameter.InvalidFilter' };

function tagMatches(filter: Filter, tags: readonly FakeTag[]): boolean | undefined {
  if (filter.Name === 'tag-key') return tags.some((t) => filter.Values.includes(t.Key));
  if (filter.Name === 'tag-value') return tags.some((t) => filter.Values.includes(t.Value));
  if (filter.Name.startsWith('tag:')) {
    const key = filter.Name.slice('tag:'.length);
    return tags.some((t) => t.Key === key && filter.Values.includes(t.Value));
  }
  return undefined;
}

const describeKeyPairs: ActionHandler = async (params, context) => {
  rejectUnknownParameters(params, ['KeyIds', 'Offset', 'Limit', 'Filters']);
  // [describe]: "列表长度最大值为100".
  const keyIds = idList(params, 'KeyIds', 100);
  keyIds?.forEach(checkKeyIdShape);
  const filters = optionalFilters(params, KEY_PAIR_FILTERS);
  // [describe]: "参数不支持同时指定 KeyIds 和 Filters"; [sdk] lists InvalidParameter.ParameterConflict.
  if (keyIds && filters) throw new ApiError('InvalidParameter.ParameterConflict', 'KeyIds and Filters cannot be specified at the same time.');
  const { offset, limit } = pagination(params);
  // Assumed: unknown KeyIds are left out (no not-found code is listed for DescribeKeyPairs), and
  // key pairs come oldest first.
  let matches = [...context.account.keyPairs.values()].filter((k) => context.account.listed(k));
  if (keyIds) matches = matches.filter((k) => keyIds.includes(k.KeyId));
  for (const filter of filters ?? []) {
    matches = matches.filter((k) => {
      if (filter.Name === 'key-id') return filter.Values.includes(k.KeyId);
      // [describe]: key-name "支持模糊匹配". Assumed: a substring match, case-sensitive.
      if (filter.Name === 'key-name') return filter.Values.some((v) => k.KeyName.includes(v));
      return tagMatches(filter, k.Tags) ?? false;
    });
  }
  return {
    TotalCount: matches.length,
    KeyPairSet: matches.slice(offset, offset + limit).map((k) => describeKeyPair(context, k)),
  };
};

const deleteKeyPairs: ActionHandler = async (params, context) => {
  rejectUnknownParameters(params, ['KeyIds']);
  // [delete] (models.go): "每次请求批量密钥对的上限为 10".
  const keyIds = idList(params, 'KeyIds', 10, true);
  keyIds.forEach(checkKeyIdShape);
  const keyPairs = keyIds.map((id) => keyPairOf(context, id));
  // [delete]: "不能删除已被实例或镜像引用的密钥对" → ResourceInUse.KeyPairInUse. Binds still
  // under way count. Assumed: nothing is deleted when one of the keys is in use.
  for (const keyPair of keyPairs) {
    const users = context.account.associatedInstances(keyPair);
    if (users.length > 0) {
      throw new ApiError('ResourceInUse.KeyPairInUse', `The key pair \`${keyPair.KeyId}\` is bound to ${users.map((i) => i.InstanceId).join(', ')}.`);
    }
  }
  for (const keyPair of keyPairs) context.account.keyPairs.delete(keyPair.KeyId);
  return {};
};

type BindKind = 'associate' | 'disassociate';

interface Binding {
  instances: FakeLighthouseInstance[];
  keyIds: string[];
  /** OFFLINE shuts a running instance down first; ONLINE does not. */
  offline: boolean;
  username: string | undefined;
}

/**
 * The checks shared by the bind actions; nothing changes unless every instance qualifies
 * ([associate]: "如果批量实例存在不允许操作的实例，操作会以特定错误码返回").
 */
function bindingTargets(params: Params, context: ActionContext, kind: BindKind): Binding {
  const typeName = kind === 'associate' ? 'AssociateType' : 'DisassociateType';
  rejectUnknownParameters(params, ['KeyIds', 'InstanceIds', typeName, 'Username']);
  // [associate] [disassociate]: at most 100 key pairs and 100 instances per request.
  const keyIds = idList(params, 'KeyIds', 100, true);
  const instanceIds = idList(params, 'InstanceIds', 100, true);
  keyIds.forEach(checkKeyIdShape);
  instanceIds.forEach(checkInstanceIdShape);
  // [sdk] models.go: AssociateType / DisassociateType ONLINE (no shutdown) or OFFLINE (shuts down);
  // Username "当 ... 为 OFFLINE 时，不支持该参数". Assumed: the default is OFFLINE, the behaviour
  // the pages describe ("处于 RUNNING 状态的实例会强制关机"); a Username with OFFLINE is
  // InvalidParameter.ParameterConflict.
  const type = optionalString(params, typeName) ?? 'OFFLINE';
  if (type !== 'ONLINE' && type !== 'OFFLINE') throw new ApiError('InvalidParameterValue', `${typeName} must be ONLINE or OFFLINE.`);
  const username = optionalString(params, 'Username');
  if (username !== undefined && type === 'OFFLINE') throw new ApiError('InvalidParameter.ParameterConflict', `Username is not supported when ${typeName} is OFFLINE.`);
  keyIds.forEach((id) => keyPairOf(context, id));
  const instances = instanceIds.map((id) => instanceOf(context, id));
  for (const instance of instances) checkInstanceCanBind(instance, keyIds, kind, username);
  return { instances, keyIds, offline: type === 'OFFLINE', username };
}

function checkInstanceCanBind(instance: FakeLighthouseInstance, keyIds: string[], kind: BindKind, username: string | undefined): void {
  const id = instance.InstanceId;
  if (instance.pending) throw new ApiError('UnsupportedOperation.LatestOperationUnfinished', `The latest operation of instance \`${id}\` is not finished.`);
  if (instance.InstanceState === 'PENDING') throw new ApiError('OperationDenied.InstanceCreating', `The instance \`${id}\` is being created.`);
  if (kind === 'associate' && instance.PlatformType === 'WINDOWS') {
    throw new ApiError('UnsupportedOperation.WindowsNotAllowToAssociateKeyPair', `The instance \`${id}\` runs Windows, which does not support key pairs.`);
  }
  // [associate] [disassociate]: "只支持 [RUNNING, STOPPED] 状态的 LINUX_UNIX 操作系统的实例".
  if (instance.InstanceState !== 'RUNNING' && instance.InstanceState !== 'STOPPED') {
    throw new ApiError('UnsupportedOperation.InvalidInstanceState', `The instance \`${id}\` is ${instance.InstanceState}; only RUNNING or STOPPED instances are supported.`);
  }
  for (const keyId of keyIds) {
    const bound = instance.KeyIds.includes(keyId);
    // [sdk] errors.go: KeyPairBindDuplicate "不支持将同一个密钥对重复绑定到同一个实例上";
    // KeyPairNotBoundToInstance "不支持将未绑定到实例的密钥对从实例解绑".
    if (kind === 'associate' && bound) throw new ApiError('UnsupportedOperation.KeyPairBindDuplicate', `The key pair \`${keyId}\` is already bound to \`${id}\`.`);
    if (kind === 'disassociate' && !bound) throw new ApiError('UnsupportedOperation.KeyPairNotBoundToInstance', `The key pair \`${keyId}\` is not bound to \`${id}\`.`);
    // [sdk] errors.go: KeyPairUnbindUsernameMismatch "解绑定密钥对使用的用户名和绑定时的不一致".
    if (kind === 'disassociate' && username !== undefined && (instance.usernames[keyId] ?? 'root') !== username) {
      throw new ApiError('UnsupportedOperation.KeyPairUnbindUsernameMismatch', `The key pair \`${keyId}\` was bound to \`${id}\` for another user.`);
    }
  }
}

/**
 * Starts the documented asynchronous operation: LatestOperationState OPERATING until it ends,
 * then SUCCESS ([associate]: "如果实例的最新操作状态（LatestOperationState）为“SUCCESS”，则代表操作成功").
 * Assumed: an OFFLINE bind leaves a running instance STOPPED (the pages say it is shut down,
 * not that it is started again); meanwhile it is STOPPING.
 */
function startOperation(context: ActionContext, instance: FakeLighthouseInstance, action: string, offline: boolean, finalKeyIds: string[]): void {
  const shutDown = offline && instance.InstanceState === 'RUNNING';
  const finalState = shutDown ? 'STOPPED' : instance.InstanceState;
  instance.LatestOperation = action;
  instance.LatestOperationRequestId = context.requestId;
  instance.LatestOperationStartedTime = isoSeconds(new Date());
  if (context.account.operationMs <= 0) {
    instance.InstanceState = finalState;
    instance.KeyIds = finalKeyIds;
    instance.LatestOperationState = 'SUCCESS';
    return;
  }
  instance.LatestOperationState = 'OPERATING';
  if (shutDown) instance.InstanceState = 'STOPPING';
  instance.pending = { endsAtMs: Date.now() + context.account.operationMs, finalState, finalKeyIds };
}

const associateInstancesKeyPairs: ActionHandler = async (params, context) => {
  const { instances, keyIds, offline, username } = bindingTargets(params, context, 'associate');
  for (const instance of instances) {
    // [associate]: "如果实例原来绑定过密钥，那么原来的密钥将失效".
    instance.usernames = Object.fromEntries(keyIds.map((id) => [id, username ?? 'root']));
    startOperation(context, instance, 'AssociateInstancesKeyPairs', offline, [...keyIds]);
  }
  return {};
};

const disassociateInstancesKeyPairs: ActionHandler = async (params, context) => {
  const { instances, keyIds, offline } = bindingTargets(params, context, 'disassociate');
  for (const instance of instances) {
    for (const id of keyIds) delete instance.usernames[id];
    startOperation(context, instance, 'DisassociateInstancesKeyPairs', offline, instance.KeyIds.filter((id) => !keyIds.includes(id)));
  }
  return {};
};

const describeRegions: ActionHandler = async (params) => {
  rejectUnknownParameters(params, []);
  const regions = [...FAKE_LIGHTHOUSE_REGIONS].map(([Region, r]) => ({ Region, RegionName: r.RegionName, RegionState: 'AVAILABLE', IsChinaMainland: r.IsChinaMainland }));
  return { TotalCount: regions.length, RegionSet: regions };
};

// [instances]: the documented filters; "Filter.Values 的上限为 100"; [sdk] lists
// InvalidParameter.InvalidFilterNotSupportedName for an unsupported name.
const INSTANCE_FILTERS: FilterRules = {
  names: ['instance-name', 'private-ip-address', 'public-ip-address', 'zone', 'instance-state', 'tag-key', 'tag-value', 'bundle-id'],
  tagKeys: true,
  maxValues: 100,
  unknownNameCode: 'InvalidParameter.InvalidFilterNotSupportedName',
};

function instanceMatches(filter: Filter, instance: FakeLighthouseInstance): boolean {
  const values = filter.Values;
  switch (filter.Name) {
    case 'instance-name':
      return values.includes(instance.InstanceName);
    case 'private-ip-address':
      return instance.PrivateAddresses.some((a) => values.includes(a));
    case 'public-ip-address':
      return instance.PublicAddresses.some((a) => values.includes(a));
    case 'zone':
      return values.includes(instance.Zone);
    case 'instance-state':
      return values.includes(instance.InstanceState);
    case 'bundle-id':
      return values.includes(instance.BundleId);
    default:
      return tagMatches(filter, []) ?? false;
  }
}

/** A stable UUID-shaped id per instance. */
function instanceUuid(instanceId: string): string {
  const hex = crypto.createHash('sha256').update(instanceId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** An instance as the Instance data type describes it. */
function describeInstance(instance: FakeLighthouseInstance): Record<string, unknown> {
  return {
    InstanceId: instance.InstanceId,
    BundleId: instance.BundleId,
    BlueprintId: instance.BlueprintId,
    CPU: 2,
    Memory: 2,
    InstanceName: instance.InstanceName,
    InstanceChargeType: 'PREPAID',
    SystemDisk: { DiskType: 'CLOUD_SSD', DiskSize: 50, DiskId: `lhdisk-${instance.InstanceId.slice('lhins-'.length)}` },
    PrivateAddresses: [...instance.PrivateAddresses],
    PublicAddresses: [...instance.PublicAddresses],
    InternetAccessible: { InternetChargeType: 'TRAFFIC_POSTPAID_BY_HOUR', InternetMaxBandwidthOut: 4, PublicIpAssigned: instance.PublicAddresses.length > 0 },
    RenewFlag: 'NOTIFY_AND_MANUAL_RENEW',
    LoginSettings: { KeyIds: [...instance.KeyIds] },
    InstanceState: instance.InstanceState,
    Uuid: instanceUuid(instance.InstanceId),
    LatestOperation: instance.LatestOperation,
    LatestOperationState: instance.LatestOperationState,
    LatestOperationRequestId: instance.LatestOperationRequestId,
    LatestOperationStartedTime: instance.LatestOperationStartedTime,
    IsolatedTime: null,
    CreatedTime: instance.CreatedTime,
    ExpiredTime: instance.ExpiredTime,
    PlatformType: instance.PlatformType,
    Platform: instance.Platform,
    OsName: instance.OsName,
    Zone: instance.Zone,
    Tags: [],
    InstanceRestrictState: 'NORMAL',
  };
}

const describeInstances: ActionHandler = async (params, context) => {
  rejectUnknownParameters(params, ['InstanceIds', 'Filters', 'Offset', 'Limit', 'OrderField', 'Order']);
  // [instances]: "每次请求批量实例的上限为 100".
  const instanceIds = idList(params, 'InstanceIds', 100);
  instanceIds?.forEach(checkInstanceIdShape);
  const filters = optionalFilters(params, INSTANCE_FILTERS);
  // [instances]: "参数不支持同时指定 InstanceIds 和 Filters".
  if (instanceIds && filters) throw new ApiError('InvalidParameter.ParameterConflict', 'InstanceIds and Filters cannot be specified at the same time.');
  const { offset, limit } = pagination(params);
  // [instances]: OrderField "EXPIRED_TIME"; Order ASC (default) or DESC; "当传入该字段时，必须指定OrderField"
  // ([sdk]: MissingParameter.OrderFieldRequired).
  const orderField = optionalString(params, 'OrderField');
  const order = optionalString(params, 'Order');
  if (orderField !== undefined && orderField !== 'EXPIRED_TIME') throw new ApiError('InvalidParameterValue', 'OrderField must be EXPIRED_TIME.');
  if (order !== undefined && order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue', 'Order must be ASC or DESC.');
  if (order !== undefined && orderField === undefined) throw new ApiError('MissingParameter.OrderFieldRequired', 'Order needs OrderField.');

  // The server made sure a Region came with this action.
  let matches = context.account.instancesIn(context.region ?? '');
  // Assumed: unknown InstanceIds are left out, as CVM does ([sdk] lists
  // ResourceNotFound.InstanceIdNotFound for DescribeInstances without saying when).
  if (instanceIds) matches = matches.filter((i) => instanceIds.includes(i.InstanceId));
  for (const filter of filters ?? []) matches = matches.filter((i) => instanceMatches(filter, i));
  // [instances]: without OrderField, instances are returned newest first ("以“创建时间”倒序返回").
  const sorted = orderField
    ? [...matches].sort((a, b) => a.ExpiredTime.localeCompare(b.ExpiredTime) * (order === 'DESC' ? -1 : 1))
    : [...matches].sort((a, b) => b.CreatedTime.localeCompare(a.CreatedTime));
  return {
    TotalCount: sorted.length,
    InstanceSet: sorted.slice(offset, offset + limit).map(describeInstance),
  };
};

/** Every action the fake knows, by name. */
export const LIGHTHOUSE_ACTIONS: ReadonlyMap<string, ActionHandler> = new Map([
  ['ImportKeyPair', importKeyPair],
  ['CreateKeyPair', createKeyPair],
  ['DescribeKeyPairs', describeKeyPairs],
  ['DeleteKeyPairs', deleteKeyPairs],
  ['AssociateInstancesKeyPairs', associateInstancesKeyPairs],
  ['DisassociateInstancesKeyPairs', disassociateInstancesKeyPairs],
  ['DescribeRegions', describeRegions],
  ['DescribeInstances', describeInstances],
]);

/**
 * Region, by action. DescribeInstances: required ([instances] cn: "公共参数，详见产品支持的地域列表",
 * the wording of a required Region). The key pair actions: the intl pages of 2023-12 and 2025-10
 * say "This parameter is not required for this API", the cn pages ([import], [describe], the cn
 * DeleteKeyPairs page) and the intl pages of 2026-05 list it as required. The fake accepts both
 * unless told `keyPairRegion: 'required'`; key pairs stay account-wide either way. The bind actions
 * and DescribeRegions: not required ([associate], [disassociate], [regions]).
 */
export const REGION_REQUIRED_ACTIONS: ReadonlySet<string> = new Set(['DescribeInstances']);

/** The actions `keyPairRegion: 'required'` makes need a Region. */
export const KEY_PAIR_ACTIONS: ReadonlySet<string> = new Set(['ImportKeyPair', 'CreateKeyPair', 'DescribeKeyPairs', 'DeleteKeyPairs']);

/** Requests per second per action, from each page ("默认接口请求频率限制" / "A maximum of N requests can be initiated per second"). */
export const DOCUMENTED_RATE_LIMITS: ReadonlyMap<string, number> = new Map([
  ['ImportKeyPair', 10],
  ['CreateKeyPair', 20],
  ['DescribeKeyPairs', 100],
  ['DeleteKeyPairs', 10],
  ['AssociateInstancesKeyPairs', 10],
  ['DisassociateInstancesKeyPairs', 20],
  ['DescribeRegions', 10],
  ['DescribeInstances', 100],
]);
