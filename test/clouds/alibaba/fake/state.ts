// The in-memory account behind the fake ECS server: key pairs per region, resource groups and
// seeded instances.

import * as crypto from 'node:crypto';
import { loopbackAddresses, nextLoopbackAddresses } from '../../../fakes/instance-hosts';

/** The fake ECS's loopback block (test/fakes/instance-hosts.ts): public 127.0.3.n, private 127.1.3.n. */
export const ECS_ADDRESS_BLOCK = 3;

export interface FakeEcsTag {
  TagKey: string;
  TagValue: string;
}

export interface FakeEcsKeyPair {
  KeyPairName: string;
  KeyPairId: string;
  KeyPairFingerPrint: string;
  /** The stored line, `type base64` (the comment is dropped, so clients must compare blobs). */
  PublicKey: string;
  blobBase64: string;
  /** `2023-09-04T08:33Z`: ECS prints minutes only. */
  CreationTime: string;
  ResourceGroupId: string;
  Tags: FakeEcsTag[];
  region: string;
}

export type FakeEcsInstanceStatus = 'Running' | 'Stopped' | 'Starting' | 'Stopping';
export const FAKE_ECS_INSTANCE_STATES: readonly FakeEcsInstanceStatus[] = ['Running', 'Stopped', 'Starting', 'Stopping'];

export interface FakeEcsInstance {
  InstanceId: string;
  InstanceName: string;
  RegionId: string;
  Status: FakeEcsInstanceStatus;
  OSType: 'linux' | 'windows';
  OSName: string;
  OSNameEn: string;
  ImageId: string;
  /** ImageOptions.LoginAsNonRoot: created to log in as ecs-user instead of root. */
  LoginAsNonRoot: boolean;
  /** The one key pair bound, or '' (what DescribeInstances reports at once). */
  KeyPairName: string;
  /** PublicIpAddress.IpAddress: the public address assigned with the instance. */
  PublicIpAddress: string[];
  /** EipAddress.IpAddress: an elastic IP bound, or ''. */
  EipAddress: string;
  /** VpcAttributes.PrivateIpAddress.IpAddress. */
  PrivateIpAddress: string[];
  /** The public key lines the instance's OS accepts now. */
  authorizedKeys: string[];
  /**
   * What it accepts after its next start or restart: AttachKeyPair and DetachKeyPair take effect
   * only then ("you must call the RebootInstance operation … StartInstance operation … for the key pair to take effect").
   */
  pendingAuthorizedKeys?: string[];
}

/** The resource group every account has. */
export const DEFAULT_RESOURCE_GROUP = 'rg-acfmdefault0001';

/** What ecsInstance needs; the rest gets defaults. */
export type EcsInstanceSeed = Pick<FakeEcsInstance, 'InstanceId'> & Partial<FakeEcsInstance>;

/** Public images of the fake, by OS. */
const IMAGES = {
  alinux: { ImageId: 'aliyun_3_x64_20G_alibase_20240819.vhd', OSName: 'Alibaba Cloud Linux 3.2104 LTS 64位', OSNameEn: 'Alibaba Cloud Linux 3.2104 LTS 64 bit' },
  ubuntu: { ImageId: 'ubuntu_22_04_x64_20G_alibase_20240710.vhd', OSName: 'Ubuntu 22.04 64位', OSNameEn: 'Ubuntu 22.04 64 bit' },
  centos: { ImageId: 'centos_7_9_x64_20G_alibase_20240628.vhd', OSName: 'CentOS 7.9 64位', OSNameEn: 'CentOS 7.9 64 bit' },
  windows: { ImageId: 'win2022_21H2_x64_dtc_zh-cn_40G_alibase_20240716.vhd', OSName: 'Windows Server 2022 数据中心版 64位中文版', OSNameEn: 'Windows Server 2022 Datacenter 64-bit (Simplified Chinese)' },
} as const;

function imageFor(os: 'linux' | 'windows', osName: string | undefined): (typeof IMAGES)[keyof typeof IMAGES] {
  if (os === 'windows') return IMAGES.windows;
  if (/ubuntu/i.test(osName ?? '')) return IMAGES.ubuntu;
  if (/centos/i.test(osName ?? '')) return IMAGES.centos;
  return IMAGES.alinux;
}

/** A full instance from a seed: a running Alibaba Cloud Linux instance in cn-hangzhou at `addresses` unless told otherwise. */
export function ecsInstance(seed: EcsInstanceSeed, addresses: { publicIp: string; privateIp: string }): FakeEcsInstance {
  const os = seed.OSType ?? 'linux';
  const image = imageFor(os, seed.OSName);
  return {
    InstanceName: seed.InstanceId,
    RegionId: 'cn-hangzhou',
    Status: 'Running',
    OSType: os,
    ...image,
    LoginAsNonRoot: false,
    KeyPairName: '',
    PublicIpAddress: [addresses.publicIp],
    EipAddress: '',
    PrivateIpAddress: [addresses.privateIp],
    ...seed,
    OSNameEn: seed.OSNameEn ?? (seed.OSName ? seed.OSName.replace(/64位/, '64 bit') : image.OSNameEn),
    authorizedKeys: [...(seed.authorizedKeys ?? [])],
  };
}

/** Instances every fresh fake starts with (cn-hangzhou), at 127.0.3.2–5 (127.0.<block>.2–5 for another address block); the running one logs in as ecs-user. */
export function defaultEcsInstances(block: number = ECS_ADDRESS_BLOCK): FakeEcsInstance[] {
  const seeds: EcsInstanceSeed[] = [
    { InstanceId: 'i-bp1runlinux000001', InstanceName: 'web-running', Status: 'Running', OSName: 'Alibaba Cloud Linux 3.2104 LTS 64位', LoginAsNonRoot: true },
    { InstanceId: 'i-bp1stoplinux00001', InstanceName: 'db-stopped', Status: 'Stopped', OSName: 'Ubuntu 22.04 64位' },
    { InstanceId: 'i-bp1stoplinux00002', InstanceName: 'cache-stopped', Status: 'Stopped', OSName: 'CentOS 7.9 64位' },
    { InstanceId: 'i-bp1stopwindows001', InstanceName: 'win-stopped', Status: 'Stopped', OSType: 'windows', OSName: 'Windows Server 2022 数据中心版 64位中文版' },
  ];
  return seeds.map((seed, i) => ecsInstance(seed, loopbackAddresses(block, i + 2)));
}

/** `2023-09-04T08:33Z`. */
export function ecsMinutes(date: Date): string {
  return date.toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
}

export class FakeEcsAccount {
  /** region → name → key pair, in creation order. */
  readonly keyPairs = new Map<string, Map<string, FakeEcsKeyPair>>();
  readonly instances = new Map<string, FakeEcsInstance>();

  constructor(
    instances: readonly FakeEcsInstance[],
    readonly resourceGroups: ReadonlySet<string>,
    readonly keyPairsPerRegion: number,
    /** The loopback block new instances get addresses from (test/fakes/instance-hosts.ts). */
    readonly addressBlock: number = ECS_ADDRESS_BLOCK,
  ) {
    for (const instance of instances) this.addInstance(instance);
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

  keyPairsIn(region: string): FakeEcsKeyPair[] {
    return [...(this.keyPairs.get(region)?.values() ?? [])];
  }

  keyPair(region: string, name: string): FakeEcsKeyPair | undefined {
    return this.keyPairs.get(region)?.get(name);
  }

  addKeyPair(keyPair: FakeEcsKeyPair): void {
    let region = this.keyPairs.get(keyPair.region);
    if (!region) this.keyPairs.set(keyPair.region, (region = new Map()));
    region.set(keyPair.KeyPairName, keyPair);
    this.addedAtMs.set(keyPair, Date.now());
  }

  deleteKeyPair(region: string, name: string): boolean {
    return this.keyPairs.get(region)?.delete(name) ?? false;
  }

  addInstance(instance: FakeEcsInstance): FakeEcsInstance {
    const copy: FakeEcsInstance = {
      ...instance,
      PublicIpAddress: [...instance.PublicIpAddress],
      PrivateIpAddress: [...instance.PrivateIpAddress],
      authorizedKeys: [...instance.authorizedKeys],
      ...(instance.pendingAuthorizedKeys ? { pendingAuthorizedKeys: [...instance.pendingAuthorizedKeys] } : {}),
    };
    this.instances.set(copy.InstanceId, copy);
    return copy;
  }

  /** A fresh id in the style of cn-hangzhou's: `i-bp1` and 17 lowercase letters or digits. */
  newInstanceId(): string {
    for (;;) {
      const id = `i-bp1${Array.from(crypto.randomBytes(17), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('')}`;
      if (!this.instances.has(id)) return id;
    }
  }

  /** The next free loopback addresses of the fake's block. */
  freeAddresses(): { publicIp: string; privateIp: string } {
    return nextLoopbackAddresses(
      this.addressBlock,
      [...this.instances.values()].flatMap((i) => [...i.PublicIpAddress, i.EipAddress, ...i.PrivateIpAddress]),
    );
  }

  /** DescribeInstances' NextToken values issued, with the offset each continues at. */
  readonly pageTokens = new Map<string, number>();

  newPageToken(offset: number): string {
    const token = crypto.randomBytes(16).toString('hex');
    this.pageTokens.set(token, offset);
    return token;
  }

  /** The instance (re)starts: a pending key binding takes effect now. */
  applyPendingKeys(instance: FakeEcsInstance): void {
    if (instance.pendingAuthorizedKeys === undefined) return;
    instance.authorizedKeys = instance.pendingAuthorizedKeys;
    instance.pendingAuthorizedKeys = undefined;
  }

  newKeyPairId(): string {
    return `kp-${crypto.randomBytes(10).toString('hex')}`;
  }
}
