// The CVM actions the fake serves, with the parameter rules and error codes of the public
// API docs. Where the docs are silent the choice is marked "Assumed:".

import {
  ApiError,
  type Params,
  checkInstanceIdShape,
  checkKeyIdShape,
  optionalBoolean,
  optionalFilters,
  optionalInteger,
  optionalString,
  optionalStringArray,
  pagination,
  required,
  requiredIdList,
} from './params';
import { FakeCvmAccount, type FakeInstance, type FakeKeyPair, type FakeTag, isoSeconds } from './state';
import { FAKE_TENCENT_REGIONS } from './regions';
import { checkOpenSshPublicKey, newRsaKeyPairAsync } from '../../../fakes/ssh-public-key';

export interface ActionContext {
  account: FakeCvmAccount;
  /** The X-TC-Region of the request; empty for DescribeRegions without one. */
  region: string;
  acceptedKeyTypes: readonly string[];
}

export type ActionHandler = (params: Params, context: ActionContext) => Promise<Record<string, unknown>>;


/** Key pair names: letters, digits and `_`, 1..25 characters. */
function checkKeyName(name: string): void {
  if (name.length === 0) throw new ApiError('InvalidKeyPairNameEmpty', 'The key pair name cannot be empty.');
  if (name.length > 25) throw new ApiError('InvalidKeyPairNameTooLong', 'The key pair name cannot exceed 25 characters.');
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new ApiError('InvalidKeyPairNameIncludeIllegalChar', 'The key pair name can contain only letters, digits and underscores.');
  }
}

// Assumed: names are unique per region (the brief's model; the docs just say "unique").
function checkNameFree(context: ActionContext, name: string, exceptKeyId?: string): void {
  if (context.account.keyPairsIn(context.region).some((k) => k.KeyName === name && k.KeyId !== exceptKeyId)) {
    throw new ApiError('InvalidKeyPairName.Duplicate', `The key pair name \`${name}\` already exists.`);
  }
}

function checkProject(context: ActionContext, projectId: number): void {
  if (!context.account.projectExists(projectId)) {
    throw new ApiError('InvalidProjectId.NotFound', `The project ID \`${projectId}\` does not exist.`);
  }
}

// Assumed: the documented limit of 100 counts every region of the account.
function checkKeyPairLimit(context: ActionContext): void {
  if (context.account.keyPairs.size >= context.account.keyPairLimit) {
    throw new ApiError('InvalidKeyPair.LimitExceeded', `The number of key pairs exceeds the limit (${context.account.keyPairLimit}).`);
  }
}

/** `TagSpecification: [{ResourceType: 'keypair', Tags: [{Key, Value}]}]`. */
function readTags(params: Params): FakeTag[] {
  const specification = params.TagSpecification;
  if (specification === undefined || specification === null) return [];
  if (!Array.isArray(specification)) throw new ApiError('InvalidParameter', 'The parameter `TagSpecification` must be an array.');
  const tags: FakeTag[] = [];
  for (const spec of specification as Array<{ ResourceType?: unknown; Tags?: unknown }>) {
    if (spec?.ResourceType !== 'keypair') throw new ApiError('InvalidParameterValue', 'TagSpecification.ResourceType must be `keypair`.');
    for (const tag of (Array.isArray(spec.Tags) ? spec.Tags : []) as Array<Partial<FakeTag>>) {
      if (typeof tag?.Key !== 'string' || typeof tag?.Value !== 'string') throw new ApiError('InvalidParameter', 'A tag needs a Key and a Value.');
      tags.push({ Key: tag.Key, Value: tag.Value });
    }
  }
  // Assumed: 50 tags per resource, Tencent's tag quota.
  if (tags.length > 50) throw new ApiError('LimitExceeded.TagResourceQuota', 'A resource can carry at most 50 tags.');
  return tags;
}

function keyPairOf(context: ActionContext, keyId: string): FakeKeyPair {
  checkKeyIdShape(keyId);
  const keyPair = context.account.keyPairs.get(keyId);
  if (!keyPair || keyPair.region !== context.region) {
    throw new ApiError('InvalidKeyPairId.NotFound', `The key pair \`${keyId}\` does not exist.`);
  }
  return keyPair;
}

function instanceOf(context: ActionContext, instanceId: string): FakeInstance {
  checkInstanceIdShape(instanceId);
  const instance = context.account.instances.get(instanceId);
  if (!instance || instance.region !== context.region) {
    throw new ApiError('InvalidInstanceId.NotFound', `The instance \`${instanceId}\` does not exist.`);
  }
  return instance;
}

function describeKeyPair(context: ActionContext, keyPair: FakeKeyPair): Record<string, unknown> {
  return {
    KeyId: keyPair.KeyId,
    KeyName: keyPair.KeyName,
    ProjectId: keyPair.ProjectId,
    Description: keyPair.Description,
    PublicKey: keyPair.PublicKey,
    AssociatedInstanceIds: context.account.associatedInstanceIds(keyPair),
    CreatedTime: keyPair.CreatedTime,
    Tags: keyPair.Tags,
  };
}

function newKeyPair(context: ActionContext, fields: Pick<FakeKeyPair, 'KeyName' | 'ProjectId' | 'PublicKey' | 'blobBase64' | 'Tags'>, keyId = context.account.newKeyId()): FakeKeyPair {
  const keyPair: FakeKeyPair = { ...fields, KeyId: keyId, Description: '', CreatedTime: isoSeconds(new Date()), region: context.region };
  context.account.addKeyPair(keyPair);
  return keyPair;
}

const importKeyPair: ActionHandler = async (params, context) => {
  const name = required(params, 'KeyName', optionalString);
  checkKeyName(name);
  const projectId = required(params, 'ProjectId', optionalInteger);
  checkProject(context, projectId);
  const publicKey = required(params, 'PublicKey', optionalString);
  const key = checkOpenSshPublicKey(publicKey, context.acceptedKeyTypes);
  if (!key.ok) throw new ApiError('InvalidPublicKey.Malformed', `The public key does not meet the OpenSSH format requirements: ${key.reason}.`);
  const tags = readTags(params);
  checkNameFree(context, name);
  if (context.account.keyPairsIn(context.region).some((k) => k.blobBase64 === key.blobBase64)) {
    throw new ApiError('InvalidPublicKey.Duplicate', 'The public key already exists.');
  }
  checkKeyPairLimit(context);
  const keyPair = newKeyPair(context, {
    KeyName: name,
    ProjectId: projectId,
    // Assumed: the stored line keeps type and data only, so clients must compare blobs.
    PublicKey: `${key.type} ${key.blobBase64}`,
    blobBase64: key.blobBase64,
    Tags: tags,
  });
  return { KeyId: keyPair.KeyId };
};

const createKeyPair: ActionHandler = async (params, context) => {
  const name = required(params, 'KeyName', optionalString);
  checkKeyName(name);
  const projectId = required(params, 'ProjectId', optionalInteger);
  checkProject(context, projectId);
  const tags = readTags(params);
  checkNameFree(context, name);
  checkKeyPairLimit(context);
  // Tencent creates 2048-bit RSA keys and returns the private key as PKCS#1 PEM.
  const keyId = context.account.newKeyId();
  // Assumed: the comment of a created key's public line is its KeyId.
  const { privateKeyPem, publicLine: line } = await newRsaKeyPairAsync(keyId);
  const keyPair = newKeyPair(context, { KeyName: name, ProjectId: projectId, PublicKey: line, blobBase64: line.split(' ')[1], Tags: tags }, keyId);
  return {
    KeyPair: { ...describeKeyPair(context, keyPair), PrivateKey: privateKeyPem },
  };
};

const describeKeyPairs: ActionHandler = async (params, context) => {
  const keyIds = optionalStringArray(params, 'KeyIds');
  const filters = optionalFilters(params, (name) => ['key-name', 'project-id', 'tag-key', 'tag-value'].includes(name) || name.startsWith('tag:'));
  if (keyIds && filters) throw new ApiError('InvalidParameter', 'KeyIds and Filters cannot be specified at the same time.');
  if (keyIds && keyIds.length > 100) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 100 KeyIds are allowed.');
  keyIds?.forEach(checkKeyIdShape);
  const { offset, limit } = pagination(params);
  // Assumed: unknown KeyIds are left out rather than failing (KeyIds work "as filters").
  let matches = context.account.keyPairsIn(context.region).filter((k) => context.account.listed(k));
  if (keyIds) matches = matches.filter((k) => keyIds.includes(k.KeyId));
  for (const filter of filters ?? []) {
    matches = matches.filter((k) => {
      // Assumed: key-name matches the whole name (the CVM docs do not say fuzzy).
      if (filter.Name === 'key-name') return filter.Values.includes(k.KeyName);
      if (filter.Name === 'project-id') return filter.Values.includes(String(k.ProjectId));
      if (filter.Name === 'tag-key') return k.Tags.some((t) => filter.Values.includes(t.Key));
      if (filter.Name === 'tag-value') return k.Tags.some((t) => filter.Values.includes(t.Value));
      const tagKey = filter.Name.slice('tag:'.length);
      return k.Tags.some((t) => t.Key === tagKey && filter.Values.includes(t.Value));
    });
  }
  return {
    TotalCount: matches.length,
    KeyPairSet: matches.slice(offset, offset + limit).map((k) => describeKeyPair(context, k)),
  };
};

const deleteKeyPairs: ActionHandler = async (params, context) => {
  // KeyIds: at most 100 (InvalidParameterValue.LimitExceeded). One unknown KeyId refuses the whole
  // batch before anything is deleted (InvalidKeyPairId.NotFound, its message naming that KeyId).
  const keyPairs = requiredIdList(params, 'KeyIds').map((id) => keyPairOf(context, id));
  // The docs tell callers to check which keys were deleted: keys in use stay, the rest go.
  // Assumed: the call then fails with KeyPairNotSupported naming the keys that stayed.
  const inUse = keyPairs.filter((k) => context.account.associatedInstanceIds(k).length > 0);
  for (const keyPair of keyPairs) if (!inUse.includes(keyPair)) context.account.keyPairs.delete(keyPair.KeyId);
  if (inUse.length > 0) {
    throw new ApiError(
      'InvalidParameterValue.KeyPairNotSupported',
      `The key pair(s) ${inUse.map((k) => k.KeyId).join(', ')} are bound to instances and cannot be deleted.`,
    );
  }
  return {};
};

const modifyKeyPairAttribute: ActionHandler = async (params, context) => {
  const keyPair = keyPairOf(context, required(params, 'KeyId', optionalString));
  const name = optionalString(params, 'KeyName');
  const description = optionalString(params, 'Description');
  if (name === undefined && description === undefined) {
    throw new ApiError('InvalidParameter.SpecifyOneParameter', 'Specify KeyName, Description or both.');
  }
  if (name !== undefined) {
    checkKeyName(name);
    checkNameFree(context, name, keyPair.KeyId);
  }
  if (description !== undefined && description.length > 60) {
    throw new ApiError('InvalidParameterValue.TooLong', 'The key pair description cannot exceed 60 characters.');
  }
  if (name !== undefined) keyPair.KeyName = name;
  if (description !== undefined) keyPair.Description = description;
  return {};
};

/** Common checks of Associate/Disassociate; nothing changes unless every instance qualifies. */
function bindingTargets(params: Params, context: ActionContext): { instances: FakeInstance[]; keyIds: string[] } {
  // "每次请求批量实例的上限为100": more InstanceIds are refused with InvalidParameterValue.LimitExceeded.
  // "如果批量实例存在不允许操作的实例，操作会以特定错误码返回": one instance refuses the batch, its code naming it.
  const instances = requiredIdList(params, 'InstanceIds').map((id) => instanceOf(context, id));
  const keyIds = requiredIdList(params, 'KeyIds').map((id) => keyPairOf(context, id).KeyId);
  const forceStop = optionalBoolean(params, 'ForceStop') ?? false;
  for (const instance of instances) {
    if (instance.os === 'windows') {
      throw new ApiError('UnsupportedOperation.InstanceOsWindows', `The instance \`${instance.InstanceId}\` runs Windows, which does not support key pairs.`);
    }
    if (instance.InstanceState === 'RUNNING' && !forceStop) {
      throw new ApiError('UnsupportedOperation.InstanceStateRunning', `The instance \`${instance.InstanceId}\` is running; stop it or set ForceStop.`);
    }
  }
  // With ForceStop a running instance is stopped, changed and started again: it ends RUNNING.
  // Assumed: the fake does it at once instead of going through STOPPING/STARTING.
  return { instances, keyIds };
}

const associateInstancesKeyPairs: ActionHandler = async (params, context) => {
  const { instances, keyIds } = bindingTargets(params, context);
  // The docs: "if the instance is already associated with a key, the old key will become invalid".
  for (const instance of instances) instance.KeyIds = [...keyIds];
  return {};
};

const disassociateInstancesKeyPairs: ActionHandler = async (params, context) => {
  const { instances, keyIds } = bindingTargets(params, context);
  // Assumed: unbinding a key that is not bound is a no-op.
  for (const instance of instances) instance.KeyIds = instance.KeyIds.filter((id) => !keyIds.includes(id));
  return {};
};

const describeRegions: ActionHandler = async () => {
  const regions = [...FAKE_TENCENT_REGIONS].map(([Region, RegionName]) => ({ Region, RegionName, RegionState: 'AVAILABLE' }));
  return { TotalCount: regions.length, RegionSet: regions };
};

// [DescribeInstances] (cloud.tencent.com/document/api/213/15728): the filters the fake serves of
// the documented ones; Offset (default 0) and Limit (default 20, "最大值为100"); at most 100 InstanceIds.
const INSTANCE_FILTERS: Record<string, (i: FakeInstance) => string[]> = {
  'instance-id': (i) => [i.InstanceId],
  'instance-name': (i) => [i.InstanceName],
  'instance-state': (i) => [i.InstanceState],
  zone: (i) => [i.Zone],
  'private-ip-address': (i) => i.PrivateIpAddresses,
  'public-ip-address': (i) => i.PublicIpAddresses,
};

/** An instance as the Instance data type (213/15753#Instance) describes it: the fields a client reads, and some around them. */
function describeInstance(i: FakeInstance): Record<string, unknown> {
  return {
    InstanceId: i.InstanceId,
    InstanceName: i.InstanceName,
    InstanceState: i.InstanceState,
    InstanceType: 'S5.MEDIUM2',
    CPU: 2,
    Memory: 2,
    OsName: i.OsName,
    ImageId: i.ImageId,
    Placement: { Zone: i.Zone, ProjectId: 0 },
    PrivateIpAddresses: [...i.PrivateIpAddresses],
    // "注意：此字段可能返回 null，表示取不到有效值": an instance without a public address answers null.
    PublicIpAddresses: i.PublicIpAddresses.length > 0 ? [...i.PublicIpAddresses] : null,
    LoginSettings: { KeyIds: [...i.KeyIds] },
    DefaultLoginUser: i.DefaultLoginUser,
    DefaultLoginPort: i.DefaultLoginPort,
    CreatedTime: i.CreatedTime,
    LatestOperation: null,
    LatestOperationState: null,
  };
}

const describeInstances: ActionHandler = async (params, context) => {
  const instanceIds = optionalStringArray(params, 'InstanceIds');
  const filters = optionalFilters(params, (name) => Object.hasOwn(INSTANCE_FILTERS, name));
  if (instanceIds && filters) throw new ApiError('InvalidParameter', 'InstanceIds and Filters cannot be specified at the same time.');
  if (instanceIds && instanceIds.length > 100) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 100 InstanceIds are allowed.');
  instanceIds?.forEach(checkInstanceIdShape);
  const { offset, limit } = pagination(params);
  let matches = context.account.instancesIn(context.region);
  if (instanceIds) matches = matches.filter((i) => instanceIds.includes(i.InstanceId));
  for (const filter of filters ?? []) matches = matches.filter((i) => INSTANCE_FILTERS[filter.Name](i).some((v) => filter.Values.includes(v)));
  return {
    TotalCount: matches.length,
    InstanceSet: matches.slice(offset, offset + limit).map(describeInstance),
  };
};

/** Every action the fake knows, by name. */
export const CVM_ACTIONS: ReadonlyMap<string, ActionHandler> = new Map([
  ['ImportKeyPair', importKeyPair],
  ['CreateKeyPair', createKeyPair],
  ['DescribeKeyPairs', describeKeyPairs],
  ['DeleteKeyPairs', deleteKeyPairs],
  ['ModifyKeyPairAttribute', modifyKeyPairAttribute],
  ['AssociateInstancesKeyPairs', associateInstancesKeyPairs],
  ['DisassociateInstancesKeyPairs', disassociateInstancesKeyPairs],
  ['DescribeRegions', describeRegions],
  ['DescribeInstances', describeInstances],
]);

// Assumed: every action but DescribeRegions needs X-TC-Region (key pairs and instances are regional).
export const REGIONLESS_ACTIONS: ReadonlySet<string> = new Set(['DescribeRegions']);
