// The in-memory account behind the fake ECS server: key pairs per region, resource groups and
// seeded instances.

import * as crypto from 'node:crypto';

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
  /** The one key pair bound, or ''. */
  KeyPairName: string;
}

/** The resource group every account has. */
export const DEFAULT_RESOURCE_GROUP = 'rg-acfmdefault0001';

/** Instances every fresh fake starts with (cn-hangzhou). */
export function defaultEcsInstances(): FakeEcsInstance[] {
  const base = { RegionId: 'cn-hangzhou', KeyPairName: '', OSType: 'linux' as const };
  return [
    { ...base, InstanceId: 'i-bp1runlinux000001', InstanceName: 'web-running', Status: 'Running', OSName: 'Alibaba Cloud Linux 3.2104 LTS 64位' },
    { ...base, InstanceId: 'i-bp1stoplinux00001', InstanceName: 'db-stopped', Status: 'Stopped', OSName: 'Ubuntu 22.04 64位' },
    { ...base, InstanceId: 'i-bp1stoplinux00002', InstanceName: 'cache-stopped', Status: 'Stopped', OSName: 'CentOS 7.9 64位' },
    { ...base, InstanceId: 'i-bp1stopwindows001', InstanceName: 'win-stopped', Status: 'Stopped', OSType: 'windows', OSName: 'Windows Server 2022 数据中心版 64位中文版' },
  ];
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
  ) {
    for (const instance of instances) this.instances.set(instance.InstanceId, { ...instance });
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

  newKeyPairId(): string {
    return `kp-${crypto.randomBytes(10).toString('hex')}`;
  }
}
