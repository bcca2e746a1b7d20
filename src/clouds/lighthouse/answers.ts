// Tencent Cloud Lighthouse answers, read through the trust boundary (answer-fields.ts): the only
// place the provider turns what the server said into values. Fields and patterns from the
// Lighthouse API reference (KeyPair, Instance, LoginSettings data types).

import {
  type MalformedField, NAME, PRIVATE_KEY_TEXT, PUBLIC_KEY_TEXT, TIME_TEXT, TOTAL_COUNT, type TextRule,
  readInteger, readList, readObject, readOrMalformed, readText,
} from '../../cloud/answer-fields';
import { type TencentInstanceShape, readTencentInstance, readTencentInstancePage } from '../tencent/answers';
import type { CloudInstance, KeyPair } from '../../cloud/provider';
import { identifyPublicKey } from '../../cloud/publicKey';
import { LIGHTHOUSE_PAGE_SIZE } from './descriptor';

export { readRegions } from '../tencent/answers'; // DescribeRegions answers as CVM's does: RegionSet of Region, RegionName, RegionState

export const LIGHTHOUSE_KEY_ID: TextRule = { max: 13, pattern: /^lhkp-[a-z0-9]{8}$/, patternName: 'a key pair id (lhkp- and 8 lowercase letters or digits)' };
export const LIGHTHOUSE_INSTANCE_ID: TextRule = { max: 14, pattern: /^lhins-[a-z0-9]{8}$/, patternName: 'an instance id (lhins- and 8 lowercase letters or digits)' };
/** More than any account can bind; a bound on what a hostile list can make us hold. */
const MAX_IDS = 10_000;

/** Whether `id` has the documented form of a Lighthouse KeyId, for input checked before sending. */
export function isLighthouseKeyId(id: string): boolean {
  return id.length <= LIGHTHOUSE_KEY_ID.max && LIGHTHOUSE_KEY_ID.pattern!.test(id);
}

function instanceIds(value: unknown, field: string): string[] {
  return readList(value, field, MAX_IDS, (v, f) => readText(v, f, LIGHTHOUSE_INSTANCE_ID));
}

/**
 * A Lighthouse key pair in the provider-neutral shape, its fingerprint computed locally. Key pairs
 * are account-wide: `region` is the one asked about, so later calls (binding) go there too. No
 * project and no description: Lighthouse key pairs have neither. Throws MalformedField.
 */
export function readLighthouseKeyPair(value: unknown, field: string, region: string): KeyPair {
  const raw = readObject(value, field);
  const publicKey = readText(raw.PublicKey, `${field}.PublicKey`, { ...PUBLIC_KEY_TEXT, optional: true }) ?? '';
  const identity = identifyPublicKey(publicKey);
  return {
    id: readText(raw.KeyId, `${field}.KeyId`, LIGHTHOUSE_KEY_ID),
    name: readText(raw.KeyName, `${field}.KeyName`, { ...NAME, optional: true }) ?? '',
    region,
    publicKey,
    sha256: identity?.sha256,
    blobBase64: identity?.blobBase64,
    createdTime: readText(raw.CreatedTime, `${field}.CreatedTime`, { ...TIME_TEXT, optional: true }) ?? '',
    description: '',
    associatedInstanceIds: instanceIds(raw.AssociatedInstanceIds, `${field}.AssociatedInstanceIds`),
    projectId: '',
  };
}

/** One page of DescribeKeyPairs. */
export function readKeyPairPage(response: unknown, region: string): { items: KeyPair[]; total: number } {
  const r = readObject(response, 'Response');
  return {
    items: readList(r.KeyPairSet, 'KeyPairSet', LIGHTHOUSE_PAGE_SIZE, (v, f) => readLighthouseKeyPair(v, f, region)),
    total: readInteger(r.TotalCount, 'TotalCount', TOTAL_COUNT) ?? 0,
  };
}

/** ImportKeyPair's KeyId. */
export function readImportedKeyId(response: unknown): string {
  return readText(readObject(response, 'Response').KeyId, 'KeyId', LIGHTHOUSE_KEY_ID);
}

/**
 * CreateKeyPair's answer, read so that the private key survives whatever else is wrong: it is
 * returned whenever it is text of a sane size, with the key pair as far as it could be read and
 * the first malformed field, if any. `privateKey` undefined: the answer holds none. The id is kept
 * only in its documented form (else ''): never shown raw, never part of a file name.
 */
export function readCreatedKeyPair(response: unknown, region: string, requestedName: string): { privateKey?: string; keyPair: KeyPair; malformed?: MalformedField } {
  const raw = readObject(readObject(response, 'Response', true).KeyPair, 'KeyPair', true);
  const key = readOrMalformed(() => readText(raw.PrivateKey, 'KeyPair.PrivateKey', { ...PRIVATE_KEY_TEXT, optional: true }) || undefined);
  const pair = readOrMalformed(() => readLighthouseKeyPair(raw, 'KeyPair', region));
  const keyPair = pair.value ?? {
    id: readOrMalformed(() => readText(raw.KeyId, 'KeyPair.KeyId', LIGHTHOUSE_KEY_ID)).value ?? '',
    name: requestedName, region, publicKey: '', createdTime: '', description: '', associatedInstanceIds: [], projectId: '',
  };
  return { privateKey: key.value, keyPair, malformed: key.malformed ?? pair.malformed };
}

/** Where Lighthouse's Instance data type keeps what connecting needs; it documents no login user or port. */
export const LIGHTHOUSE_INSTANCE_SHAPE: TencentInstanceShape = {
  instanceId: LIGHTHOUSE_INSTANCE_ID,
  keyId: LIGHTHOUSE_KEY_ID,
  publicIpsField: 'PublicAddresses',
  privateIpsField: 'PrivateAddresses',
  imageIdField: 'BlueprintId',
  reportsLogin: false,
};

const OS_WORD: TextRule = { max: 32, pattern: /^[A-Z0-9_]+$/, patternName: 'an upper-case word such as LINUX_UNIX' };

/** One page of DescribeInstances: the platform from PlatformType (LINUX_UNIX or WINDOWS), the OS family from Platform (UBUNTU, CENTOS, …). */
export function readInstancePage(response: unknown, region: string): { items: CloudInstance[]; total: number } {
  return readTencentInstancePage(response, region, LIGHTHOUSE_INSTANCE_SHAPE, (v, f) => {
    const instance = readTencentInstance(v, f, region, LIGHTHOUSE_INSTANCE_SHAPE);
    const i = readObject(v, f);
    const platformType = readText(i.PlatformType, `${f}.PlatformType`, { ...OS_WORD, optional: true });
    const osFamily = readText(i.Platform, `${f}.Platform`, { ...OS_WORD, optional: true }) || undefined;
    const windows = platformType === 'WINDOWS' || (!platformType && instance.platform === 'windows');
    return { ...instance, platform: windows ? 'windows' : 'linux', osFamily };
  });
}
