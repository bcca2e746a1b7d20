// The in-memory accounts behind the fake CVM server: each one's key pairs and instances per region.

import * as crypto from 'node:crypto';
import { FAKE_DEFAULT_OWNER_UIN } from './auth';
import { loopbackAddresses, nextLoopbackAddresses } from '../../../fakes/instance-hosts';

/** The fake CVM's loopback block (test/fakes/instance-hosts.ts): public 127.0.1.n, private 127.1.1.n. */
export const CVM_ADDRESS_BLOCK = 1;

export interface FakeTag {
  Key: string;
  Value: string;
}

export interface FakeKeyPair {
  KeyId: string;
  KeyName: string;
  ProjectId: number;
  Description: string;
  /** The stored line, `type base64` (the fake drops the comment, so clients must compare blobs). */
  PublicKey: string;
  /** For duplicate detection. */
  blobBase64: string;
  /** ISO 8601 UTC without milliseconds, as CVM prints it. */
  CreatedTime: string;
  Tags: FakeTag[];
  region: string;
}

export type FakeInstanceState = 'RUNNING' | 'STOPPED';
/** The instance states the fake has (InstanceStatus: RUNNING, STOPPED; it skips the ones in between). */
export const CVM_INSTANCE_STATES: readonly FakeInstanceState[] = ['RUNNING', 'STOPPED'];

export interface FakeInstance {
  InstanceId: string;
  InstanceName: string;
  region: string;
  os: 'linux' | 'windows';
  OsName: string;
  ImageId: string;
  InstanceState: FakeInstanceState;
  KeyIds: string[];
  Zone: string;
  CreatedTime: string;
  /** The primary interface's addresses (Instance.PrivateIpAddresses / PublicIpAddresses). */
  PrivateIpAddresses: string[];
  PublicIpAddresses: string[];
  /** Instance.DefaultLoginUser / DefaultLoginPort ("默认登录用户", "默认登录端口"), as the image sets them up. */
  DefaultLoginUser: string;
  DefaultLoginPort: number;
}

/** What cvmInstance needs; the rest gets defaults. */
export type CvmInstanceSeed = Pick<FakeInstance, 'InstanceId'> & Partial<FakeInstance>;

/** Public images of the fake, by OS: their ImageId and how they log in. */
const IMAGES = {
  ubuntu: { ImageId: 'img-487zeit5', OsName: 'Ubuntu Server 22.04 LTS 64bit', DefaultLoginUser: 'ubuntu', DefaultLoginPort: 22 },
  tencentos: { ImageId: 'img-eb30mz89', OsName: 'TencentOS Server 3.1 (TK4)', DefaultLoginUser: 'root', DefaultLoginPort: 22 },
  centos: { ImageId: 'img-l8og963d', OsName: 'CentOS 7.9 64bit', DefaultLoginUser: 'root', DefaultLoginPort: 22 },
  // Assumed: a Windows image reports its RDP login (DescribeInstances documents the fields, not their Windows values).
  windows: { ImageId: 'img-9id7emv7', OsName: 'Windows Server 2022 DataCenter 64bit', DefaultLoginUser: 'Administrator', DefaultLoginPort: 3389 },
} as const;

/** The image a seed's OS name points to: Windows, Ubuntu, CentOS, else TencentOS. */
function imageFor(os: 'linux' | 'windows', osName: string | undefined): (typeof IMAGES)[keyof typeof IMAGES] {
  if (os === 'windows') return IMAGES.windows;
  if (/ubuntu/i.test(osName ?? '')) return IMAGES.ubuntu;
  if (/centos/i.test(osName ?? '')) return IMAGES.centos;
  return osName === undefined ? IMAGES.ubuntu : IMAGES.tencentos;
}

/** A full instance from a seed: a running Ubuntu instance in ap-guangzhou at `addresses` unless told otherwise. */
export function cvmInstance(seed: CvmInstanceSeed, addresses: { publicIp: string; privateIp: string }): FakeInstance {
  const os = seed.os ?? 'linux';
  const image = imageFor(os, seed.OsName);
  const region = seed.region ?? 'ap-guangzhou';
  return {
    InstanceName: seed.InstanceId,
    region,
    os,
    ...image,
    OsName: seed.OsName ?? image.OsName,
    InstanceState: 'RUNNING',
    Zone: `${region}-3`,
    CreatedTime: '2024-01-02T03:04:05Z',
    PublicIpAddresses: [addresses.publicIp],
    PrivateIpAddresses: [addresses.privateIp],
    ...seed,
    KeyIds: [...(seed.KeyIds ?? [])],
  };
}

/** Instances every fresh fake starts with (ap-guangzhou), at 127.0.1.2–5 (127.0.<block>.2–5 for another address block). */
export function defaultInstances(block: number = CVM_ADDRESS_BLOCK): FakeInstance[] {
  const seeds: CvmInstanceSeed[] = [
    { InstanceId: 'ins-lnxrun01', InstanceName: 'web-running', OsName: 'Ubuntu Server 22.04 LTS 64bit', InstanceState: 'RUNNING' },
    { InstanceId: 'ins-lnxstp01', InstanceName: 'db-stopped', OsName: 'TencentOS Server 3.1 (TK4)', InstanceState: 'STOPPED' },
    { InstanceId: 'ins-lnxstp02', InstanceName: 'cache-stopped', OsName: 'CentOS 7.9 64bit', InstanceState: 'STOPPED' },
    { InstanceId: 'ins-winstp01', InstanceName: 'win-stopped', os: 'windows', OsName: 'Windows Server 2022 DataCenter 64bit', InstanceState: 'STOPPED' },
  ];
  return seeds.map((seed, i) => cvmInstance(seed, loopbackAddresses(block, i + 2)));
}

/** `YYYY-MM-DDThh:mm:ssZ`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomSuffix(): string {
  let out = '';
  for (const byte of crypto.randomBytes(8)) out += ID_ALPHABET[byte % ID_ALPHABET.length];
  return out;
}

export class FakeCvmAccount {
  /** All key pairs in creation order (Map keeps insertion order). */
  readonly keyPairs = new Map<string, FakeKeyPair>();
  readonly instances = new Map<string, FakeInstance>();

  constructor(
    instances: FakeInstance[],
    /** Project ids that exist besides 0 (the default project). */
    readonly projectIds: Set<number>,
    /** Key pairs allowed per account (all regions together). */
    public keyPairLimit: number,
    /** The loopback block new instances get addresses from (test/fakes/instance-hosts.ts). */
    readonly addressBlock: number = CVM_ADDRESS_BLOCK,
    /** Whose account this is (a root account's UIN); its key pairs and KeyIds are its own. */
    readonly ownerUin: string = FAKE_DEFAULT_OWNER_UIN,
  ) {
    for (const instance of instances) this.addInstance(instance);
  }

  addInstance(instance: FakeInstance): FakeInstance {
    const copy = { ...instance, KeyIds: [...instance.KeyIds], PublicIpAddresses: [...instance.PublicIpAddresses], PrivateIpAddresses: [...instance.PrivateIpAddresses] };
    this.instances.set(copy.InstanceId, copy);
    return copy;
  }

  /**
   * Eventual consistency, as the clouds have it: for this many ms after a key pair is added,
   * DescribeKeyPairs does not list it yet (writes and duplicate checks see it at once).
   */
  listingLagMs = 0;
  private readonly addedAtMs = new Map<object, number>();

  /** Whether DescribeKeyPairs lists it yet (see listingLagMs). */
  listed(keyPair: object): boolean {
    return Date.now() - (this.addedAtMs.get(keyPair) ?? 0) >= this.listingLagMs;
  }

  keyPairsIn(region: string): FakeKeyPair[] {
    return [...this.keyPairs.values()].filter((k) => k.region === region);
  }

  instancesIn(region: string): FakeInstance[] {
    return [...this.instances.values()].filter((i) => i.region === region);
  }

  projectExists(projectId: number): boolean {
    return projectId === 0 || this.projectIds.has(projectId);
  }

  /** A fresh `ins-xxxxxxxx` (instance ids are unique across accounts: `takenElsewhere` says which other accounts hold). */
  newInstanceId(takenElsewhere: (id: string) => boolean = () => false): string {
    for (;;) {
      const id = `ins-${randomSuffix()}`;
      if (!this.instances.has(id) && !takenElsewhere(id)) return id;
    }
  }

  /** Every address this account's instances hold. */
  addresses(): string[] {
    return [...this.instances.values()].flatMap((i) => [...i.PublicIpAddresses, ...i.PrivateIpAddresses]);
  }

  /** The next free loopback addresses of the fake's block (one sshd harness serves every account: `usedElsewhere` are the others'). */
  freeAddresses(usedElsewhere: readonly string[] = []): { publicIp: string; privateIp: string } {
    return nextLoopbackAddresses(this.addressBlock, [...this.addresses(), ...usedElsewhere]);
  }

  /** The public key lines `instance` accepts: its bound key pairs' (CVM writes them into the instance's SSH configuration when binding). */
  authorizedKeys(instance: FakeInstance): string[] {
    return instance.KeyIds.flatMap((id) => {
      const keyPair = this.keyPairs.get(id);
      return keyPair ? [keyPair.PublicKey] : [];
    });
  }

  /** A fresh `skey-xxxxxxxx`. */
  newKeyId(): string {
    for (;;) {
      const id = `skey-${randomSuffix()}`;
      if (!this.keyPairs.has(id)) return id;
    }
  }

  /** Instance ids (in the key's region) the key is bound to. */
  associatedInstanceIds(keyPair: FakeKeyPair): string[] {
    return this.instancesIn(keyPair.region)
      .filter((i) => i.KeyIds.includes(keyPair.KeyId))
      .map((i) => i.InstanceId);
  }

  addKeyPair(keyPair: FakeKeyPair): void {
    this.keyPairs.set(keyPair.KeyId, keyPair);
    this.addedAtMs.set(keyPair, Date.now());
  }
}
