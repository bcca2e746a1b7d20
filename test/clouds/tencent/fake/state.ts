// The in-memory account behind the fake CVM server: key pairs and instances per region.

import * as crypto from 'node:crypto';

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

export interface FakeInstance {
  InstanceId: string;
  InstanceName: string;
  region: string;
  os: 'linux' | 'windows';
  OsName: string;
  InstanceState: FakeInstanceState;
  KeyIds: string[];
  Zone: string;
  CreatedTime: string;
}

/** Instances every fresh fake starts with (ap-guangzhou). */
export function defaultInstances(): FakeInstance[] {
  const base = { region: 'ap-guangzhou', Zone: 'ap-guangzhou-3', KeyIds: [] as string[], CreatedTime: '2024-01-02T03:04:05Z' };
  return [
    { ...base, InstanceId: 'ins-lnxrun01', InstanceName: 'web-running', os: 'linux', OsName: 'Ubuntu Server 22.04 LTS 64bit', InstanceState: 'RUNNING' },
    { ...base, InstanceId: 'ins-lnxstp01', InstanceName: 'db-stopped', os: 'linux', OsName: 'TencentOS Server 3.1 (TK4)', InstanceState: 'STOPPED' },
    { ...base, InstanceId: 'ins-lnxstp02', InstanceName: 'cache-stopped', os: 'linux', OsName: 'CentOS 7.9 64bit', InstanceState: 'STOPPED' },
    { ...base, InstanceId: 'ins-winstp01', InstanceName: 'win-stopped', os: 'windows', OsName: 'Windows Server 2022 DataCenter 64bit', InstanceState: 'STOPPED' },
  ].map((i) => ({ ...i, KeyIds: [] }) as FakeInstance);
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
  ) {
    for (const instance of instances) this.instances.set(instance.InstanceId, { ...instance, KeyIds: [...instance.KeyIds] });
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
