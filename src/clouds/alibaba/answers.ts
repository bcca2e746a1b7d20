// Alibaba Cloud ECS answers, read through the trust boundary (answer-fields.ts): the only place
// the provider turns what the server said into values. Patterns from the ECS API reference.
// ECS identifies a key pair by its name, so a name is checked as text (type, 128 characters) and
// never used as a file name unchecked (src/keys/save-key-files.ts safeFileTag).

import {
  IMAGE_ID, MalformedField, NAME, PRIVATE_KEY_TEXT, PUBLIC_KEY_TEXT, REGION_ID, TIME_TEXT, TOTAL_COUNT, type TextRule,
  readFlag, readInteger, readIpAddress, readIpAddressList, readList, readObject, readOrMalformed, readText,
} from '../../cloud/answer-fields';

export const ECS_KEY_PAIR_NAME: TextRule = { max: 128 };
export const ECS_KEY_PAIR_ID: TextRule = { max: 64, pattern: /^kp-[a-z0-9]{1,61}$/, patternName: 'a key pair id (kp- and lowercase letters or digits)' };
export const ECS_INSTANCE_ID: TextRule = { max: 64, pattern: /^i-[a-z0-9]{1,62}$/, patternName: 'an instance id (i- and lowercase letters or digits)' };
export const ECS_RESOURCE_GROUP_ID: TextRule = { max: 64, pattern: /^rg-[A-Za-z0-9]{1,61}$/, patternName: 'a resource group id (rg-…)' };
/** MD5 or SHA-1 hex, with or without colons (ECS documents MD5; its example has 20 octets). */
export const ECS_FINGERPRINT: TextRule = { max: 128, pattern: /^[0-9A-Fa-f:]{16,128}$/, patternName: 'a hexadecimal fingerprint' };
const MAX_PAGE_ITEMS = 100;

/** An ECS key pair as the answer gives it, every field checked. */
export interface EcsKeyPairFields {
  KeyPairName: string;
  KeyPairId?: string;
  KeyPairFingerPrint?: string;
  PublicKey?: string;
  CreationTime?: string;
  ResourceGroupId?: string;
}

export function readEcsKeyPair(value: unknown, field: string): EcsKeyPairFields {
  const raw = readObject(value, field);
  return {
    KeyPairName: readText(raw.KeyPairName, `${field}.KeyPairName`, ECS_KEY_PAIR_NAME),
    KeyPairId: readText(raw.KeyPairId, `${field}.KeyPairId`, { ...ECS_KEY_PAIR_ID, optional: true }) || undefined,
    KeyPairFingerPrint: readText(raw.KeyPairFingerPrint, `${field}.KeyPairFingerPrint`, { ...ECS_FINGERPRINT, optional: true }) || undefined,
    PublicKey: readText(raw.PublicKey, `${field}.PublicKey`, { ...PUBLIC_KEY_TEXT, optional: true }),
    CreationTime: readText(raw.CreationTime, `${field}.CreationTime`, { ...TIME_TEXT, optional: true }),
    ResourceGroupId: readText(raw.ResourceGroupId, `${field}.ResourceGroupId`, { ...ECS_RESOURCE_GROUP_ID, optional: true }) || undefined,
  };
}

/** One page of DescribeKeyPairs. */
export function readEcsKeyPairPage(response: unknown): { items: EcsKeyPairFields[]; total: number } {
  const r = readObject(response, 'answer');
  const pairs = readObject(r.KeyPairs, 'KeyPairs', true);
  return {
    items: readList(pairs.KeyPair, 'KeyPairs.KeyPair', MAX_PAGE_ITEMS, readEcsKeyPair),
    total: readInteger(r.TotalCount, 'TotalCount', TOTAL_COUNT) ?? 0,
  };
}

/** ImportKeyPair's answer: the name, id and fingerprint ECS gave the key. */
export function readEcsImported(response: unknown, requestedName: string): EcsKeyPairFields {
  const r = readObject(response, 'answer');
  return readEcsKeyPair({ ...r, KeyPairName: r.KeyPairName ?? requestedName, PublicKey: undefined, CreationTime: undefined, ResourceGroupId: undefined }, 'answer');
}

/**
 * CreateKeyPair's answer, read so that the private key survives whatever else is wrong: it is
 * returned whenever it is text of a sane size, with the first malformed field, if any.
 */
export function readEcsCreated(
  response: unknown,
  requestedName: string,
): { privateKey?: string; fields: EcsKeyPairFields; malformed?: MalformedField } {
  const r = readObject(response, 'answer', true);
  const key = readOrMalformed(() => readText(r.PrivateKeyBody, 'PrivateKeyBody', { ...PRIVATE_KEY_TEXT, optional: true }) || undefined);
  const fields = readOrMalformed(() => {
    const read = readEcsImported(r, requestedName);
    // ECS names the key pair what was asked; another name in the answer is not to be believed.
    if (read.KeyPairName !== requestedName) throw new MalformedField('KeyPairName', `is not the name asked for ("${requestedName}")`);
    return read;
  });
  return { privateKey: key.value, fields: fields.value ?? { KeyPairName: requestedName }, malformed: key.malformed ?? fields.malformed };
}

export function readEcsRegions(response: unknown): Array<{ id: string; name: string; available: boolean }> {
  const regions = readObject(readObject(response, 'answer').Regions, 'Regions', true);
  return readList(regions.Region, 'Regions.Region', 1000, (v, f) => {
    const r = readObject(v, f);
    const id = readText(r.RegionId, `${f}.RegionId`, REGION_ID);
    return {
      id,
      name: readText(r.LocalName, `${f}.LocalName`, { ...NAME, optional: true }) || id,
      available: (readText(r.Status, `${f}.Status`, { max: 32, optional: true }) ?? 'available') === 'available',
    };
  });
}

export interface EcsInstanceFields {
  InstanceId: string;
  InstanceName: string;
  Status: string;
  OSName: string;
  OSType?: string;
  KeyPairName?: string;
  ImageId?: string;
  /** ImageOptions.LoginAsNonRoot: the instance logs in as ecs-user. */
  LoginAsNonRoot?: boolean;
  /** PublicIpAddress.IpAddress, then EipAddress.IpAddress. */
  publicIps: string[];
  /** VpcAttributes.PrivateIpAddress.IpAddress, then InnerIpAddress.IpAddress (classic network). */
  privateIps: string[];
}

/** DescribeInstances' NextToken: opaque, only ever sent back (in a signed form body). */
export const ECS_NEXT_TOKEN: TextRule = { max: 256, pattern: /^[A-Za-z0-9+/=_.:-]{1,256}$/, patternName: 'a paging token' };

/** `{ IpAddress: [...] }`, ECS's wrapper of an address list. */
function ipAddressSet(value: unknown, field: string): string[] {
  return readIpAddressList(readObject(value, field, true).IpAddress, `${field}.IpAddress`);
}

export function readEcsInstance(value: unknown, f: string): EcsInstanceFields {
  const i = readObject(value, f);
  const eip = readObject(i.EipAddress, `${f}.EipAddress`, true);
  const eipAddress = eip.IpAddress === '' || eip.IpAddress === undefined || eip.IpAddress === null ? [] : [readIpAddress(eip.IpAddress, `${f}.EipAddress.IpAddress`)];
  const vpc = readObject(i.VpcAttributes, `${f}.VpcAttributes`, true);
  const imageOptions = readObject(i.ImageOptions, `${f}.ImageOptions`, true);
  return {
    InstanceId: readText(i.InstanceId, `${f}.InstanceId`, ECS_INSTANCE_ID),
    InstanceName: readText(i.InstanceName, `${f}.InstanceName`, { ...NAME, optional: true }) ?? '',
    Status: readText(i.Status, `${f}.Status`, { max: 32, pattern: /^[A-Za-z]+$/, patternName: 'a status such as Running', optional: true }) ?? '',
    OSName: readText(i.OSName, `${f}.OSName`, { ...NAME, optional: true }) ?? '',
    OSType: readText(i.OSType, `${f}.OSType`, { max: 32, optional: true }),
    KeyPairName: readText(i.KeyPairName, `${f}.KeyPairName`, { ...ECS_KEY_PAIR_NAME, optional: true }) || undefined,
    ImageId: readText(i.ImageId, `${f}.ImageId`, { ...IMAGE_ID, optional: true }) || undefined,
    LoginAsNonRoot: readFlag(imageOptions.LoginAsNonRoot, `${f}.ImageOptions.LoginAsNonRoot`),
    publicIps: [...new Set([...ipAddressSet(i.PublicIpAddress, `${f}.PublicIpAddress`), ...eipAddress])],
    privateIps: [...new Set([...ipAddressSet(vpc.PrivateIpAddress, `${f}.VpcAttributes.PrivateIpAddress`), ...ipAddressSet(i.InnerIpAddress, `${f}.InnerIpAddress`)])],
  };
}

/** One page of DescribeInstances, paged by NextToken (absent or empty on the last page). */
export function readEcsInstancePage(response: unknown): { items: EcsInstanceFields[]; nextToken?: string } {
  const r = readObject(response, 'answer');
  const instances = readObject(r.Instances, 'Instances', true);
  return {
    items: readList(instances.Instance, 'Instances.Instance', MAX_PAGE_ITEMS, readEcsInstance),
    nextToken: readText(r.NextToken === '' ? undefined : r.NextToken, 'NextToken', { ...ECS_NEXT_TOKEN, optional: true }),
  };
}

/** AttachKeyPair / DetachKeyPair's per-instance results. */
export function readEcsBindResults(response: unknown): Array<{ InstanceId?: string; Success: boolean; Code?: string; Message?: string }> {
  const results = readObject(readObject(response, 'answer').Results, 'Results', true);
  return readList(results.Result, 'Results.Result', 1000, (v, f) => {
    const r = readObject(v, f);
    const success = r.Success;
    if (success !== undefined && typeof success !== 'boolean' && success !== 'true' && success !== 'false') {
      throw new MalformedField(`${f}.Success`, 'is neither true nor false');
    }
    return {
      InstanceId: readText(r.InstanceId, `${f}.InstanceId`, { ...ECS_INSTANCE_ID, optional: true }),
      Success: success === true || success === 'true',
      Code: readText(r.Code, `${f}.Code`, { max: 128, optional: true }),
      Message: readText(r.Message, `${f}.Message`, { max: 2048, optional: true }),
    };
  });
}
