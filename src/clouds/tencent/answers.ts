// Tencent Cloud CVM answers, read through the trust boundary (answer-fields.ts): the only place
// the provider turns what the server said into values. Patterns from the CVM API reference.

import {
  DESCRIPTION, IMAGE_ID, MalformedField, NAME, PRIVATE_KEY_TEXT, PUBLIC_KEY_TEXT, REGION_ID, TIME_TEXT, TOTAL_COUNT, type TextRule,
  readInteger, readIpAddressList, readList, readLoginPort, readLoginUser, readObject, readOrMalformed, readText,
} from '../../cloud/answer-fields';
import type { CloudInstance, CloudRegion, KeyPair } from '../../cloud/provider';
import { identifyPublicKey } from '../../cloud/publicKey';

export const TENCENT_KEY_ID: TextRule = { max: 13, pattern: /^skey-[a-z0-9]{8}$/, patternName: 'a key pair id (skey- and 8 lowercase letters or digits)' };
export const TENCENT_INSTANCE_ID: TextRule = { max: 12, pattern: /^ins-[a-z0-9]{8}$/, patternName: 'an instance id (ins- and 8 lowercase letters or digits)' };
/** More than any account can bind; a bound on what a hostile list can make us hold. */
const MAX_IDS = 10_000;
const MAX_PAGE_ITEMS = 100;

function instanceIds(value: unknown, field: string): string[] {
  return readList(value, field, MAX_IDS, (v, f) => readText(v, f, TENCENT_INSTANCE_ID));
}

/** A CVM key pair in the provider-neutral shape, with its fingerprint computed locally. Throws MalformedField. */
export function readTencentKeyPair(value: unknown, field: string, region: string): KeyPair {
  const raw = readObject(value, field);
  const publicKey = readText(raw.PublicKey, `${field}.PublicKey`, { ...PUBLIC_KEY_TEXT, optional: true }) ?? '';
  const identity = identifyPublicKey(publicKey);
  return {
    id: readText(raw.KeyId, `${field}.KeyId`, TENCENT_KEY_ID),
    name: readText(raw.KeyName, `${field}.KeyName`, { ...NAME, optional: true }) ?? '',
    region,
    publicKey,
    sha256: identity?.sha256,
    blobBase64: identity?.blobBase64,
    createdTime: readText(raw.CreatedTime, `${field}.CreatedTime`, { ...TIME_TEXT, optional: true }) ?? '',
    description: readText(raw.Description, `${field}.Description`, { ...DESCRIPTION, optional: true }) ?? '',
    associatedInstanceIds: instanceIds(raw.AssociatedInstanceIds, `${field}.AssociatedInstanceIds`),
    projectId: String(readInteger(raw.ProjectId, `${field}.ProjectId`, { min: 0, max: 2 ** 31, optional: true }) ?? 0),
  };
}

/** One page of DescribeKeyPairs. */
export function readKeyPairPage(response: unknown, region: string): { items: KeyPair[]; total: number } {
  const r = readObject(response, 'Response');
  return {
    items: readList(r.KeyPairSet, 'KeyPairSet', MAX_PAGE_ITEMS, (v, f) => readTencentKeyPair(v, f, region)),
    total: readInteger(r.TotalCount, 'TotalCount', TOTAL_COUNT) ?? 0,
  };
}

/** ImportKeyPair's KeyId. */
export function readImportedKeyId(response: unknown): string {
  return readText(readObject(response, 'Response').KeyId, 'KeyId', TENCENT_KEY_ID);
}

/**
 * CreateKeyPair's answer, read so that the private key survives whatever else is wrong: it is
 * returned whenever it is text of a sane size, with the key pair as far as it could be read
 * and the first malformed field, if any. `privateKey` undefined: the answer holds none.
 */
export function readCreatedKeyPair(
  response: unknown,
  region: string,
  requestedName: string,
): { privateKey?: string; keyPair: KeyPair; malformed?: MalformedField } {
  const raw = readObject(readObject(response, 'Response', true).KeyPair, 'KeyPair', true);
  const key = readOrMalformed(() => readText(raw.PrivateKey, 'KeyPair.PrivateKey', { ...PRIVATE_KEY_TEXT, optional: true }) || undefined);
  const pair = readOrMalformed(() => readTencentKeyPair(raw, 'KeyPair', region));
  // What could be read, and nothing that failed: the id only when it has the documented form
  // (else it stays empty: never shown, never part of a file name).
  const keyPair = pair.value ?? {
    id: readOrMalformed(() => readText(raw.KeyId, 'KeyPair.KeyId', TENCENT_KEY_ID)).value ?? '',
    name: requestedName, region, publicKey: '', createdTime: '', description: '', associatedInstanceIds: [], projectId: '0',
  };
  return { privateKey: key.value, keyPair, malformed: key.malformed ?? pair.malformed };
}

export function readRegions(response: unknown): CloudRegion[] {
  const r = readObject(response, 'Response');
  return readList(r.RegionSet, 'RegionSet', 1000, (v, f) => {
    const region = readObject(v, f);
    const id = readText(region.Region, `${f}.Region`, REGION_ID);
    return {
      id,
      name: readText(region.RegionName, `${f}.RegionName`, { ...NAME, optional: true }) || id,
      available: readText(region.RegionState, `${f}.RegionState`, { max: 32, optional: true }) === 'AVAILABLE',
    };
  });
}

/** Where an API 3.0 Instance of the Tencent Cloud family (CVM, Lighthouse) keeps what connecting needs. */
export interface TencentInstanceShape {
  instanceId: TextRule;
  keyId: TextRule;
  /** The primary interface's public and private addresses: `PublicIpAddresses` on CVM, `PublicAddresses` on Lighthouse. */
  publicIpsField: string;
  privateIpsField: string;
  /** `ImageId` on CVM, `BlueprintId` on Lighthouse. */
  imageIdField: string;
  /** Whether the Instance documents DefaultLoginUser and DefaultLoginPort (CVM does, Lighthouse does not). */
  reportsLogin: boolean;
}

const INSTANCE_STATE: TextRule = { max: 32, pattern: /^[A-Z_]+$/, patternName: 'a state such as RUNNING', optional: true };

export const CVM_INSTANCE_SHAPE: TencentInstanceShape = {
  instanceId: TENCENT_INSTANCE_ID,
  keyId: TENCENT_KEY_ID,
  publicIpsField: 'PublicIpAddresses',
  privateIpsField: 'PrivateIpAddresses',
  imageIdField: 'ImageId',
  reportsLogin: true,
};

/**
 * One Instance of DescribeInstances (CVM's or Lighthouse's, by `shape`), every field used read
 * through the trust boundary; the platform from the OS name (the caller may know better). Throws MalformedField.
 */
export function readTencentInstance(value: unknown, f: string, region: string, shape: TencentInstanceShape): CloudInstance {
  const i = readObject(value, f);
  const osName = readText(i.OsName, `${f}.OsName`, { ...NAME, optional: true }) ?? '';
  const login = readObject(i.LoginSettings, `${f}.LoginSettings`, true);
  return {
    id: readText(i.InstanceId, `${f}.InstanceId`, shape.instanceId),
    name: readText(i.InstanceName, `${f}.InstanceName`, { ...NAME, optional: true }) ?? '',
    region,
    state: readText(i.InstanceState, `${f}.InstanceState`, INSTANCE_STATE) ?? '',
    osName,
    platform: /windows/i.test(osName) ? 'windows' : 'linux',
    keyIds: readList(login.KeyIds, `${f}.LoginSettings.KeyIds`, MAX_IDS, (k, kf) => readText(k, kf, shape.keyId)),
    publicIps: readIpAddressList(i[shape.publicIpsField], `${f}.${shape.publicIpsField}`),
    privateIps: readIpAddressList(i[shape.privateIpsField], `${f}.${shape.privateIpsField}`),
    loginUser: shape.reportsLogin ? readLoginUser(i.DefaultLoginUser, `${f}.DefaultLoginUser`) : undefined,
    loginPort: shape.reportsLogin ? readLoginPort(i.DefaultLoginPort, `${f}.DefaultLoginPort`) : undefined,
    imageId: readText(i[shape.imageIdField], `${f}.${shape.imageIdField}`, { ...IMAGE_ID, optional: true }) || undefined,
  };
}

/** One page of DescribeInstances (CVM's or Lighthouse's, by `shape`); `readItem` may add what one of them documents alone. */
export function readTencentInstancePage(
  response: unknown,
  region: string,
  shape: TencentInstanceShape,
  readItem: (value: unknown, field: string) => CloudInstance = (v, f) => readTencentInstance(v, f, region, shape),
): { items: CloudInstance[]; total: number } {
  const r = readObject(response, 'Response');
  return {
    items: readList(r.InstanceSet, 'InstanceSet', MAX_PAGE_ITEMS, readItem),
    total: readInteger(r.TotalCount, 'TotalCount', TOTAL_COUNT) ?? 0,
  };
}

/** One page of CVM's DescribeInstances. */
export function readInstancePage(response: unknown, region: string): { items: CloudInstance[]; total: number } {
  return readTencentInstancePage(response, region, CVM_INSTANCE_SHAPE);
}
