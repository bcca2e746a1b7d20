// The in-memory account behind the fake Lighthouse server. Key pairs are account-wide (the key
// pair pages document Region as "not required"); instances live in a region.

import * as crypto from 'node:crypto';
import { type FakeTag, isoSeconds } from '../../tencent/fake/state';
import { loopbackAddresses, nextLoopbackAddresses } from '../../../fakes/instance-hosts';

/** The fake Lighthouse's loopback block (test/fakes/instance-hosts.ts): public 127.0.2.n, private 127.1.2.n. */
export const LIGHTHOUSE_ADDRESS_BLOCK = 2;

export { isoSeconds, type FakeTag };

export interface FakeLighthouseKeyPair {
  KeyId: string;
  KeyName: string;
  /** The stored line, `type base64` (the comment is dropped, so clients must compare blobs). */
  PublicKey: string;
  /** For duplicate detection. */
  blobBase64: string;
  /** ISO 8601 UTC without milliseconds: "YYYY-MM-DDThh:mm:ssZ" (the KeyPair data type). */
  CreatedTime: string;
  Tags: FakeTag[];
}

/** Every InstanceState the Instance data type documents. */
export const LIGHTHOUSE_INSTANCE_STATES = [
  'PENDING',
  'LAUNCH_FAILED',
  'RUNNING',
  'STOPPED',
  'STARTING',
  'STOPPING',
  'REBOOTING',
  'SHUTDOWN',
  'TERMINATING',
  'DELETING',
  'FREEZING',
  'ENTER_RESCUE_MODE',
  'RESCUE_MODE',
  'EXIT_RESCUE_MODE',
] as const;

export type FakeLighthouseInstanceState = (typeof LIGHTHOUSE_INSTANCE_STATES)[number];

/** An operation under way (binding takes time: the bind actions are documented as asynchronous). */
export interface PendingOperation {
  endsAtMs: number;
  /** The InstanceState once it ends. */
  finalState: FakeLighthouseInstanceState;
  /** The key binding once it ends. */
  finalKeyIds: string[];
}

export interface FakeLighthouseInstance {
  InstanceId: string;
  InstanceName: string;
  region: string;
  Zone: string;
  /** LINUX_UNIX or WINDOWS (the Instance data type). */
  PlatformType: 'LINUX_UNIX' | 'WINDOWS';
  Platform: string;
  OsName: string;
  BlueprintId: string;
  BundleId: string;
  InstanceState: FakeLighthouseInstanceState;
  KeyIds: string[];
  /** The login user per bound key (KeyPair.AssociatedInstanceSet[].Username). */
  usernames: Record<string, string>;
  PrivateAddresses: string[];
  PublicAddresses: string[];
  CreatedTime: string;
  ExpiredTime: string;
  LatestOperation: string | null;
  LatestOperationState: 'SUCCESS' | 'OPERATING' | 'FAILED' | null;
  LatestOperationRequestId: string | null;
  LatestOperationStartedTime: string | null;
  pending?: PendingOperation;
}

/** What seedInstance needs; the rest gets defaults. */
export type InstanceSeed = Pick<FakeLighthouseInstance, 'InstanceId'> & Partial<Omit<FakeLighthouseInstance, 'InstanceId' | 'pending'>>;

/**
 * The user a login goes in as: Tencent Cloud's Ubuntu images log in as `ubuntu`, its other Linux
 * images as `root` (Lighthouse documents no login user of its own in DescribeInstances).
 */
export function imageLoginUser(instance: Pick<FakeLighthouseInstance, 'PlatformType' | 'Platform'>): string | undefined {
  if (instance.PlatformType === 'WINDOWS') return undefined;
  return instance.Platform === 'UBUNTU' ? 'ubuntu' : 'root';
}

/**
 * The instance set up on an image that logs in as `user` (Lighthouse reports no login user: the
 * image decides, see imageLoginUser): unchanged when its image already does or it runs Windows,
 * else moved to Ubuntu (`ubuntu`) or TencentOS Server (`root`).
 */
export function withImageLoginUser(instance: FakeLighthouseInstance, user: 'root' | 'ubuntu'): FakeLighthouseInstance {
  const current = imageLoginUser(instance);
  if (current === undefined || current === user) return instance;
  return user === 'ubuntu'
    ? { ...instance, Platform: 'UBUNTU', OsName: 'Ubuntu Server 22.04 LTS 64bit', BlueprintId: 'lhbp-ubuntu22' }
    : { ...instance, Platform: 'TENCENTOS', OsName: 'TencentOS Server 3.1 (TK4)', BlueprintId: 'lhbp-tencentos31' };
}

/** A full instance from a seed: a running Ubuntu instance in ap-guangzhou at `addresses` unless told otherwise. */
export function instanceFromSeed(seed: InstanceSeed, addresses: { publicIp: string; privateIp: string }): FakeLighthouseInstance {
  const region = seed.region ?? 'ap-guangzhou';
  const windows = seed.PlatformType === 'WINDOWS';
  return {
    InstanceName: seed.InstanceId,
    region,
    Zone: `${region}-3`,
    PlatformType: 'LINUX_UNIX',
    Platform: windows ? 'WINDOWS_SERVER_2022' : 'UBUNTU',
    OsName: windows ? 'Windows Server 2022 数据中心版 64位中文版' : 'Ubuntu Server 22.04 LTS 64bit',
    BlueprintId: windows ? 'lhbp-win2022' : 'lhbp-ubuntu22',
    BundleId: 'bundle_starter_mc_promo_med2_02',
    InstanceState: 'RUNNING',
    PrivateAddresses: [addresses.privateIp],
    PublicAddresses: [addresses.publicIp],
    CreatedTime: '2024-01-02T03:04:05Z',
    ExpiredTime: '2030-01-02T03:04:05Z',
    LatestOperation: null,
    LatestOperationState: null,
    LatestOperationRequestId: null,
    LatestOperationStartedTime: null,
    ...seed,
    KeyIds: [...(seed.KeyIds ?? [])],
    usernames: { ...(seed.usernames ?? {}) },
  };
}

/** Instances every fresh fake starts with: four in ap-guangzhou, one in ap-shanghai, at 127.0.2.2–6 (127.0.<block>.2–6 for another address block). */
export function defaultInstances(block: number = LIGHTHOUSE_ADDRESS_BLOCK): FakeLighthouseInstance[] {
  const seeds: InstanceSeed[] = [
    { InstanceId: 'lhins-lnxrun01', InstanceName: 'web-running', InstanceState: 'RUNNING', CreatedTime: '2024-01-05T03:04:05Z' },
    { InstanceId: 'lhins-lnxstp01', InstanceName: 'db-stopped', InstanceState: 'STOPPED', CreatedTime: '2024-01-04T03:04:05Z', OsName: 'Debian 12', Platform: 'DEBIAN', BlueprintId: 'lhbp-debian12' },
    { InstanceId: 'lhins-lnxstp02', InstanceName: 'cache-stopped', InstanceState: 'STOPPED', CreatedTime: '2024-01-03T03:04:05Z', OsName: 'CentOS 7.9 64bit', Platform: 'CENTOS', BlueprintId: 'lhbp-centos79' },
    { InstanceId: 'lhins-winstp01', InstanceName: 'win-stopped', InstanceState: 'STOPPED', PlatformType: 'WINDOWS', CreatedTime: '2024-01-02T03:04:05Z' },
    { InstanceId: 'lhins-shrun001', InstanceName: 'shanghai-running', InstanceState: 'RUNNING', region: 'ap-shanghai', CreatedTime: '2024-01-01T03:04:05Z' },
  ];
  return seeds.map((seed, i) => instanceFromSeed(seed, loopbackAddresses(block, i + 2)));
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + 8 random lower-case letters or digits. */
function randomId(prefix: string): string {
  return prefix + Array.from(crypto.randomBytes(8), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

export class FakeLighthouseAccount {
  /** All key pairs in creation order (Map keeps insertion order). */
  readonly keyPairs = new Map<string, FakeLighthouseKeyPair>();
  readonly instances = new Map<string, FakeLighthouseInstance>();

  /**
   * Eventual consistency, as the clouds have it: for this many ms after a key pair is added,
   * DescribeKeyPairs does not list it yet (writes and duplicate checks see it at once).
   */
  listingLagMs = 0;
  private readonly addedAtMs = new Map<object, number>();

  constructor(
    instances: FakeLighthouseInstance[],
    /** Key pairs allowed per account. */
    public keyPairLimit: number,
    /** How long a bind or unbind stays OPERATING; 0 finishes at once. */
    public operationMs: number,
    /** The loopback block new instances get addresses from (test/fakes/instance-hosts.ts). */
    readonly addressBlock: number = LIGHTHOUSE_ADDRESS_BLOCK,
  ) {
    for (const instance of instances) this.addInstance(instance);
  }

  addInstance(instance: FakeLighthouseInstance): void {
    this.instances.set(instance.InstanceId, {
      ...instance,
      KeyIds: [...instance.KeyIds],
      usernames: { ...instance.usernames },
      PublicAddresses: [...instance.PublicAddresses],
      PrivateAddresses: [...instance.PrivateAddresses],
    });
  }

  /** Whether DescribeKeyPairs lists it yet (see listingLagMs). */
  listed(keyPair: object): boolean {
    return Date.now() - (this.addedAtMs.get(keyPair) ?? 0) >= this.listingLagMs;
  }

  instancesIn(region: string): FakeLighthouseInstance[] {
    return [...this.instances.values()].filter((i) => i.region === region);
  }

  /** Finishes the operations whose time is up; called before anything reads the instances. */
  settle(nowMs = Date.now()): void {
    for (const instance of this.instances.values()) {
      const pending = instance.pending;
      if (!pending || pending.endsAtMs > nowMs) continue;
      instance.InstanceState = pending.finalState;
      instance.KeyIds = pending.finalKeyIds;
      instance.LatestOperationState = 'SUCCESS';
      instance.pending = undefined;
    }
  }

  newKeyId(): string {
    for (;;) {
      const id = randomId('lhkp-');
      if (!this.keyPairs.has(id)) return id;
    }
  }

  newInstanceId(): string {
    for (;;) {
      const id = randomId('lhins-');
      if (!this.instances.has(id)) return id;
    }
  }

  /** The next free loopback addresses of the fake's block. */
  freeAddresses(): { publicIp: string; privateIp: string } {
    return nextLoopbackAddresses(this.addressBlock, [...this.instances.values()].flatMap((i) => [...i.PublicAddresses, ...i.PrivateAddresses]));
  }

  /** The public key lines `instance` accepts: its bound key pairs' once a bind has finished ("将密钥的公钥写入到实例的 SSH 配置当中"). */
  authorizedKeys(instance: FakeLighthouseInstance): string[] {
    return instance.KeyIds.flatMap((id) => {
      const keyPair = this.keyPairs.get(id);
      return keyPair ? [keyPair.PublicKey] : [];
    });
  }

  /** The earliest time an operation under way ends, if any. */
  nextOperationEndMs(): number | undefined {
    const ends = [...this.instances.values()].flatMap((i) => (i.pending ? [i.pending.endsAtMs] : []));
    return ends.length > 0 ? Math.min(...ends) : undefined;
  }

  /** Instances (any region) the key is bound to, counting binds still under way. */
  associatedInstances(keyPair: FakeLighthouseKeyPair): FakeLighthouseInstance[] {
    return [...this.instances.values()].filter((i) => (i.pending?.finalKeyIds ?? i.KeyIds).includes(keyPair.KeyId));
  }

  addKeyPair(keyPair: FakeLighthouseKeyPair): void {
    this.keyPairs.set(keyPair.KeyId, keyPair);
    this.addedAtMs.set(keyPair, Date.now());
  }
}
