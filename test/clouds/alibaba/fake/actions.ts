// The ECS actions the fake serves, with the documented rules, codes and HTTP statuses.
// Parameters arrive as strings (RPC style: query or form body); lists as JSON array strings.

import { checkEcsPublicKey, ecsFingerprint } from './keys';
import { DEFAULT_RESOURCE_GROUP, type FakeEcsAccount, type FakeEcsInstance, type FakeEcsKeyPair, type FakeEcsTag, ecsMinutes } from './state';
import { newRsaKeyPair } from '../../../fakes/ssh-public-key';

/** An error the fake answers as `{RequestId, HostId, Code, Message, Recommend}` with an HTTP status. */
export class EcsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type EcsParams = ReadonlyMap<string, string>;

export interface EcsActionContext {
  account: FakeEcsAccount;
  /** Accept key types ECS does not document (ssh-ed25519); default false. */
  acceptUndocumentedKeyTypes: boolean;
  /** What a taken name is answered with: today's code, or the older docs' InvalidKeyPairName.Malformed ("invalid or already exists"). */
  duplicateNameCode: 'KeyPair.AlreadyExist' | 'InvalidKeyPairName.Malformed';
}

type Handler = (params: EcsParams, context: EcsActionContext) => Record<string, unknown>;

/** Regions the fake knows, with their Chinese names for AcceptLanguage=zh-CN. */
export const FAKE_ECS_REGIONS: ReadonlyMap<string, { en: string; zh: string }> = new Map([
  ['cn-hangzhou', { en: 'China (Hangzhou)', zh: '华东1（杭州）' }],
  ['cn-shanghai', { en: 'China (Shanghai)', zh: '华东2（上海）' }],
  ['cn-beijing', { en: 'China (Beijing)', zh: '华北2（北京）' }],
  ['cn-shenzhen', { en: 'China (Shenzhen)', zh: '华南1（深圳）' }],
  ['cn-hongkong', { en: 'China (Hong Kong)', zh: '中国香港' }],
  ['ap-southeast-1', { en: 'Singapore', zh: '新加坡' }],
  ['us-west-1', { en: 'US (Silicon Valley)', zh: '美国（硅谷）' }],
  ['eu-central-1', { en: 'Germany (Frankfurt)', zh: '德国（法兰克福）' }],
]);

function missing(name: string): EcsApiError {
  return new EcsApiError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
}

function requiredParam(params: EcsParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') throw missing(name);
  return value;
}

/** RegionId, required and known. */
function region(params: EcsParams): string {
  const id = requiredParam(params, 'RegionId');
  if (!FAKE_ECS_REGIONS.has(id)) throw new EcsApiError(404, 'InvalidRegionId.NotFound', `The specified RegionId "${id}" does not exist.`);
  return id;
}

/** A JSON array of strings with 1..max items. */
function jsonList(params: EcsParams, name: string, max: number, malformedCode: string, tooManyCode: string): string[] {
  const text = requiredParam(params, name);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EcsApiError(400, malformedCode, `The specified parameter "${name}" is not a valid JSON array.`);
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    throw new EcsApiError(400, malformedCode, `The specified parameter "${name}" must be a non-empty JSON array of strings.`);
  }
  if (value.length > max) throw new EcsApiError(400, tooManyCode, `The specified parameter "${name}" holds ${value.length} items; at most ${max} are allowed.`);
  return value as string[];
}

function page(params: EcsParams, maxSize: number): { pageNumber: number; pageSize: number } {
  const pageNumber = Number(params.get('PageNumber') ?? '1');
  const pageSize = Number(params.get('PageSize') ?? '10');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw new EcsApiError(400, 'InvalidParameter.PageNumber', 'The specified PageNumber is invalid.');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxSize) {
    throw new EcsApiError(400, 'InvalidParameter.PageSize', `The specified PageSize is out of range [1, ${maxSize}].`);
  }
  return { pageNumber, pageSize };
}

/** The documented name rule: 2–128 characters, a letter first, not http(s)://, letters, digits, `:`, `_`, `-`, `.`. */
export function ecsNameValid(name: string): boolean {
  // ImportKeyPair/CreateKeyPair KeyPairName: 2–128 English or Chinese characters, starting with an
  // upper- or lower-case letter or a Chinese character, not http:// or https://, and digits, ":", "_", "." or "-" besides.
  const chars = [...name];
  return (
    chars.length >= 2 &&
    chars.length <= 128 &&
    /^[A-Za-z\p{Script=Han}]/u.test(name) &&
    !/^https?:\/\//i.test(name) &&
    chars.every((c) => /^[A-Za-z\p{Script=Han}0-9:_.-]$/u.test(c))
  );
}

function keyPairName(params: EcsParams): string {
  const name = requiredParam(params, 'KeyPairName');
  if (!ecsNameValid(name)) throw new EcsApiError(400, 'InvalidKeyPairName.Malformed', 'Specified Key Pair name is not valid.');
  return name;
}

function resourceGroup(params: EcsParams, context: EcsActionContext): string {
  const id = params.get('ResourceGroupId');
  if (id === undefined || id === '') return DEFAULT_RESOURCE_GROUP;
  if (!context.account.resourceGroups.has(id)) throw new EcsApiError(404, 'InvalidResourceGroup.NotFound', 'The ResourceGroup provided does not exist in our records.');
  return id;
}

function tags(params: EcsParams): FakeEcsTag[] {
  const out: FakeEcsTag[] = [];
  for (let n = 1; n <= 21; n++) {
    const key = params.get(`Tag.${n}.Key`);
    if (key === undefined) continue;
    if (n > 20) throw new EcsApiError(400, 'InvalidTagKey.TooMany', 'At most 20 tags are allowed.');
    if (key === '' || key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key)) {
      throw new EcsApiError(400, 'InvalidTagKey.Malformed', `The tag key "${key}" is not valid.`);
    }
    out.push({ TagKey: key, TagValue: params.get(`Tag.${n}.Value`) ?? '' });
  }
  return out;
}

/** Name free and quota left in the region, or the documented error. */
function checkRoom(context: EcsActionContext, regionId: string, name: string): void {
  if (context.account.keyPair(regionId, name)) throw new EcsApiError(400, context.duplicateNameCode, context.duplicateNameCode === 'KeyPair.AlreadyExist' ? 'The key pair already exist.' : 'Specified Key Pair name is not valid.');
  if (context.account.keyPairsIn(regionId).length >= context.account.keyPairsPerRegion) {
    throw new EcsApiError(403, 'QuotaExceed.KeyPair', 'The key pair quota exceeds.');
  }
}

function publicView(k: FakeEcsKeyPair, includePublicKey: boolean): Record<string, unknown> {
  return {
    KeyPairName: k.KeyPairName,
    KeyPairId: k.KeyPairId,
    KeyPairFingerPrint: k.KeyPairFingerPrint,
    CreationTime: k.CreationTime,
    ResourceGroupId: k.ResourceGroupId,
    Tags: { Tag: k.Tags },
    ...(includePublicKey ? { PublicKey: k.PublicKey } : {}),
  };
}

/** `*` matches any run of characters, as in DescribeKeyPairs' KeyPairName. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function bind(attach: boolean): Handler {
  return (params, context) => {
    const regionId = region(params);
    const name = requiredParam(params, 'KeyPairName');
    if (!context.account.keyPair(regionId, name)) throw new EcsApiError(404, 'InvalidKeyPairName.NotFound', 'The specified KeyPairName does not exist.');
    const ids = jsonList(params, 'InstanceIds', 50, 'InvalidInstanceIds.Malformed', 'InvalidInstanceIds.ValueNotSupported');
    const results = ids.map((id) => {
      const instance = context.account.instances.get(id);
      if (!instance || instance.RegionId !== regionId) return { InstanceId: id, Success: 'false', Code: 'InvalidInstanceId.NotFound', Message: 'The specified instance does not exist.' };
      if (instance.OSType === 'windows') {
        return { InstanceId: id, Success: 'false', Code: 'DependencyViolation.WindowsInstance', Message: 'The instance runs Windows and cannot use an SSH key pair.' };
      }
      if (instance.Status !== 'Running' && instance.Status !== 'Stopped') {
        return { InstanceId: id, Success: 'false', Code: 'IncorrectInstanceStatus', Message: `The current status of the instance (${instance.Status}) does not support this operation.` };
      }
      // [AttachKeyPair] (doc-detail/51775): "If an instance is already bound to an SSH key pair, the new
      // SSH key pair will replace the original one", and the change reaches the OS at its next start
      // or restart; DescribeInstances names the new key pair at once.
      const keyPair = context.account.keyPair(regionId, name);
      if (attach) {
        instance.KeyPairName = name;
        instance.pendingAuthorizedKeys = keyPair ? [keyPair.PublicKey] : [];
      } else if (instance.KeyPairName === name) {
        instance.KeyPairName = '';
        instance.pendingAuthorizedKeys = [];
      }
      // Attached to a running instance, the key takes effect only after a restart.
      const message = instance.Status === 'Running' ? 'successful; restart the instance for the change to take effect' : 'successful';
      return { InstanceId: id, Success: 'true', Code: '200', Message: message };
    });
    return {
      TotalCount: String(results.length),
      FailCount: String(results.filter((r) => r.Success !== 'true').length),
      KeyPairName: name,
      Results: { Result: results },
    };
  };
}

/** An instance as DescribeInstances' Instance describes it: the documented wrappers ({IpAddress: [...]}) around each address list. */
function describeInstance(i: FakeEcsInstance): Record<string, unknown> {
  return {
    InstanceId: i.InstanceId,
    InstanceName: i.InstanceName,
    RegionId: i.RegionId,
    ZoneId: `${i.RegionId}-h`,
    Status: i.Status,
    InstanceType: 'ecs.g7.large',
    InstanceNetworkType: 'vpc',
    OSType: i.OSType,
    OSName: i.OSName,
    OSNameEn: i.OSNameEn,
    ImageId: i.ImageId,
    ImageOptions: { LoginAsNonRoot: i.LoginAsNonRoot },
    KeyPairName: i.KeyPairName,
    PublicIpAddress: { IpAddress: [...i.PublicIpAddress] },
    EipAddress: { IpAddress: i.EipAddress, AllocationId: i.EipAddress ? `eip-${i.InstanceId.slice(2, 22)}` : '', InternetChargeType: '' },
    InnerIpAddress: { IpAddress: [] },
    VpcAttributes: { VpcId: 'vpc-bp1fakevpc000000001', VSwitchId: 'vsw-bp1fakevsw000000001', PrivateIpAddress: { IpAddress: [...i.PrivateIpAddress] }, NatIpAddress: '' },
  };
}

/**
 * [DescribeInstances]: two ways to page, "only one of" which a call uses. NextToken with MaxResults
 * (the recommended one: "Maximum value: 100", less than 10 reads as 10, more than 100 as 100; TotalCount
 * "is invalid" then), or PageNumber with PageSize ("about to be deprecated"; PageSize at most 100).
 * Assumed: TotalCount is 0 in the NextToken way, so a client relying on it fails here; a NextToken
 * the fake never issued is InvalidParameter.NextToken.
 */
const describeInstances: Handler = (params, context) => {
  const regionId = region(params);
  const ids = params.has('InstanceIds') ? jsonList(params, 'InstanceIds', 100, 'InvalidInstanceIds.Malformed', 'InvalidInstanceIds.ValueNotSupported') : undefined;
  const matching = [...context.account.instances.values()].filter((i) => i.RegionId === regionId && (!ids || ids.includes(i.InstanceId)));
  if (params.has('NextToken') || params.has('MaxResults')) {
    const maxResults = Number(params.get('MaxResults') ?? '10');
    if (!Number.isInteger(maxResults)) throw new EcsApiError(400, 'InvalidParameter', 'The specified MaxResults is not an integer.');
    const size = Math.min(100, Math.max(10, maxResults));
    const token = params.get('NextToken');
    const offset = token ? context.account.pageTokens.get(token) : 0;
    if (offset === undefined) throw new EcsApiError(400, 'InvalidParameter.NextToken', 'The specified NextToken is invalid.');
    const slice = matching.slice(offset, offset + size);
    const nextToken = offset + size < matching.length ? context.account.newPageToken(offset + size) : '';
    return { TotalCount: 0, NextToken: nextToken, MaxResults: size, Instances: { Instance: slice.map(describeInstance) } };
  }
  const { pageNumber, pageSize } = page(params, 100);
  const slice = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return { TotalCount: matching.length, PageNumber: pageNumber, PageSize: pageSize, NextToken: '', Instances: { Instance: slice.map(describeInstance) } };
};

/** Every action the fake serves. */
export const ECS_ACTIONS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  [
    'ImportKeyPair',
    (params, context) => {
      const regionId = region(params);
      const name = keyPairName(params);
      const body = requiredParam(params, 'PublicKeyBody');
      const groupId = resourceGroup(params, context);
      const tagList = tags(params);
      const key = checkEcsPublicKey(body, context.acceptUndocumentedKeyTypes);
      if (!key.ok) throw new EcsApiError(400, 'InvalidPublicKeyBody.Malformed', `The PublicKeyBody format is not supported (${key.reason}).`);
      checkRoom(context, regionId, name);
      const keyPair: FakeEcsKeyPair = {
        KeyPairName: name,
        KeyPairId: context.account.newKeyPairId(),
        KeyPairFingerPrint: ecsFingerprint(key.blobBase64),
        PublicKey: `${key.type} ${key.blobBase64}`,
        blobBase64: key.blobBase64,
        CreationTime: ecsMinutes(new Date()),
        ResourceGroupId: groupId,
        Tags: tagList,
        region: regionId,
      };
      context.account.addKeyPair(keyPair);
      return { KeyPairName: name, KeyPairId: keyPair.KeyPairId, KeyPairFingerPrint: keyPair.KeyPairFingerPrint };
    },
  ],
  [
    'CreateKeyPair',
    (params, context) => {
      const regionId = region(params);
      const name = keyPairName(params);
      const groupId = resourceGroup(params, context);
      const tagList = tags(params);
      checkRoom(context, regionId, name);
      const { privateKeyPem, publicLine: line } = newRsaKeyPair('');
      const blobBase64 = line.split(' ')[1];
      const keyPair: FakeEcsKeyPair = {
        KeyPairName: name,
        KeyPairId: context.account.newKeyPairId(),
        KeyPairFingerPrint: ecsFingerprint(blobBase64),
        PublicKey: line,
        blobBase64,
        CreationTime: ecsMinutes(new Date()),
        ResourceGroupId: groupId,
        Tags: tagList,
        region: regionId,
      };
      context.account.addKeyPair(keyPair);
      // ECS keeps no copy of the private key: unencrypted PKCS#1 PEM, only in this answer.
      return { KeyPairId: keyPair.KeyPairId, KeyPairName: name, KeyPairFingerPrint: keyPair.KeyPairFingerPrint, PrivateKeyBody: privateKeyPem };
    },
  ],
  [
    'DescribeKeyPairs',
    (params, context) => {
      const regionId = region(params);
      const { pageNumber, pageSize } = page(params, 50);
      const name = params.get('KeyPairName');
      const fingerprint = params.get('KeyPairFingerPrint');
      const groupId = params.get('ResourceGroupId');
      const includePublicKey = params.get('IncludePublicKey') === 'true';
      const matching = context.account
        .keyPairsIn(regionId)
        .filter((k) => context.account.listed(k))
        .filter((k) => (name ? wildcard(name).test(k.KeyPairName) : true))
        .filter((k) => (fingerprint ? k.KeyPairFingerPrint === fingerprint : true))
        .filter((k) => (groupId ? k.ResourceGroupId === groupId : true));
      const slice = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return { TotalCount: matching.length, PageNumber: pageNumber, PageSize: pageSize, KeyPairs: { KeyPair: slice.map((k) => publicView(k, includePublicKey)) } };
    },
  ],
  [
    'DeleteKeyPairs',
    (params, context) => {
      const regionId = region(params);
      const names = jsonList(params, 'KeyPairNames', 100, 'InvalidKeyPairNames.Malformed', 'InvalidKeyPairNames.ValueNotSupported');
      // A key pair attached to an instance cannot be deleted: the whole request is refused (our
      // reading; the docs do not say whether the others go). Names that do not exist are skipped.
      const attached = new Set([...context.account.instances.values()].filter((i) => i.RegionId === regionId).map((i) => i.KeyPairName));
      if (names.some((name) => attached.has(name) && context.account.keyPair(regionId, name))) {
        throw new EcsApiError(400, 'InvalidParameter.KeypairAlreadyAttachedInstance', 'The specified parameter "KeyPairNames" attached to instances can not be deleted.');
      }
      for (const name of names) context.account.deleteKeyPair(regionId, name);
      return {};
    },
  ],
  ['AttachKeyPair', bind(true)],
  ['DetachKeyPair', bind(false)],
  [
    'DescribeRegions',
    (params) => {
      const zh = params.get('AcceptLanguage') === 'zh-CN';
      return {
        Regions: {
          Region: [...FAKE_ECS_REGIONS].map(([id, names]) => ({ RegionId: id, LocalName: zh ? names.zh : names.en, RegionEndpoint: `ecs.${id}.aliyuncs.com`, Status: 'available' })),
        },
      };
    },
  ],
  ['DescribeInstances', describeInstances],
]);

/** Actions that take no RegionId. */
export const REGIONLESS_ECS_ACTIONS: ReadonlySet<string> = new Set(['DescribeRegions']);
