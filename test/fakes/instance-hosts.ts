// What a harness that runs a real sshd per fake instance needs from a fake cloud, the same for
// every cloud: where each instance listens, as whom a login goes in, and which public keys it
// accepts now (as its cloud documents binding), with a listener told whenever that changes.
//
//   fake.setAuthorizedKeysListener((instanceId, publicKeyLines) => writeAuthorizedKeys(instanceId, publicKeyLines));
//   fake.instanceHosts()   // [{ instanceId, listenAddress: '127.0.1.2', loginUser: 'ubuntu', port: 22, authorizedKeys: [...] }, …]
//   GET /__admin/hosts     // the same, for a harness in another process
//
// Addresses: every instance of a fake gets loopback addresses of that fake's own block, so that a
// real sshd can listen there and the three clouds never collide: public 127.0.<block>.<n>,
// private 127.1.<block>.<n>, n from 2. Blocks: 1 the fake CVM, 2 the fake Lighthouse, 3 the fake
// ECS (each declares its own in its state.ts). Nothing is ever assigned outside 127.0.0.0/8, and a
// listen address is only ever a loopback one (an address set by hand to anything else listens nowhere).

import { isIP } from 'node:net';

/** Told the public key lines an instance accepts now: after a bind, rebind or unbind takes effect, and when the instance is created or deleted (then []). May return a promise: the fake answers the request that caused it only once that settles. */
export type AuthorizedKeysListener = (instanceId: string, publicKeyLines: string[]) => void | Promise<void>;

/** One fake instance as a harness running an sshd for it sees it. */
export interface FakeInstanceHost {
  instanceId: string;
  region: string;
  /** The instance's state in the cloud's own words (`RUNNING`, `Stopped`, …). */
  state: string;
  platform: 'linux' | 'windows';
  /** Its first loopback public address, else its first loopback private one; undefined when it has neither. */
  listenAddress: string | undefined;
  /** The user a login goes in as, as the cloud sets the instance up (undefined on Windows). */
  loginUser: string | undefined;
  port: number;
  /** The public key lines the instance accepts now. */
  authorizedKeys: string[];
}

/** What every fake offers such a harness. */
export interface InstanceHostsView {
  instanceHosts(): FakeInstanceHost[];
  /** Sets (or, with undefined, removes) the listener; a new listener is told every instance's keys at once. */
  setAuthorizedKeysListener(listener: AuthorizedKeysListener | undefined): Promise<void>;
}

/** The loopback addresses of instance `n` (2, 3, …) of a fake's block. */
export function loopbackAddresses(block: number, n: number): { publicIp: string; privateIp: string } {
  if (!Number.isInteger(block) || block < 1 || block > 255 || !Number.isInteger(n) || n < 2 || n > 254) {
    throw new Error(`no loopback address for instance ${n} of block ${block}`);
  }
  return { publicIp: `127.0.${block}.${n}`, privateIp: `127.1.${block}.${n}` };
}

/** The next loopback addresses of `block` that none of `used` holds. */
export function nextLoopbackAddresses(block: number, used: Iterable<string>): { publicIp: string; privateIp: string } {
  const taken = new Set(used);
  for (let n = 2; n <= 254; n++) {
    const addresses = loopbackAddresses(block, n);
    if (!taken.has(addresses.publicIp) && !taken.has(addresses.privateIp)) return addresses;
  }
  throw new Error(`every loopback address of block ${block} is taken`);
}

export function isLoopbackAddress(address: string): boolean {
  return isIP(address) === 4 && address.startsWith('127.');
}

/** Where an sshd for an instance listens: its first loopback public address, else its first loopback private one. */
export function listenAddressOf(publicIps: readonly string[], privateIps: readonly string[]): string | undefined {
  return publicIps.find(isLoopbackAddress) ?? privateIps.find(isLoopbackAddress);
}

/**
 * Remembers which keys each instance was last reported to accept and tells the listener each
 * difference, in order: a fake calls `sync` with every instance's keys after anything that may
 * have changed them, and awaits it before answering.
 */
export class AuthorizedKeysWatch {
  private listener: AuthorizedKeysListener | undefined;
  private reported = new Map<string, string[]>();
  private delivered: Promise<void> = Promise.resolve();

  /** Sets (or removes) the listener; a new one is told every instance in `now` at once. */
  setListener(listener: AuthorizedKeysListener | undefined, now: ReadonlyMap<string, readonly string[]>): Promise<void> {
    this.listener = listener;
    this.reported = new Map();
    return this.sync(now);
  }

  /** Tells the listener every instance whose keys differ from the last report (an instance gone from `now`: []); resolves once it has heard them all. */
  sync(now: ReadonlyMap<string, readonly string[]>): Promise<void> {
    const changes: Array<[string, string[]]> = [];
    for (const [instanceId, keys] of now) {
      const before = this.reported.get(instanceId);
      if (!before || before.length !== keys.length || before.some((k, i) => k !== keys[i])) changes.push([instanceId, [...keys]]);
    }
    for (const instanceId of this.reported.keys()) if (!now.has(instanceId)) changes.push([instanceId, []]);
    if (!this.listener) return this.delivered;
    for (const [instanceId, keys] of changes) {
      if (now.has(instanceId)) this.reported.set(instanceId, keys);
      else this.reported.delete(instanceId);
    }
    if (changes.length === 0) return this.delivered;
    const listener = this.listener;
    this.delivered = this.delivered.then(async () => {
      for (const [instanceId, keys] of changes) {
        try {
          await listener(instanceId, keys);
        } catch (error) {
          // The listener is the harness's; its failure must not become the fake's answer.
          process.emitWarning(`authorized keys listener failed for ${instanceId}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    return this.delivered;
  }
}

/** An instance an admin call asks for, in words every fake understands (POST /__admin/instances). */
export interface InstanceRequest {
  instanceId?: string;
  name?: string;
  region?: string;
  state?: string;
  windows?: boolean;
  osName?: string;
  publicIps?: string[];
  privateIps?: string[];
}

/** Addresses an admin call sets (POST /__admin/instances/<id>/addresses). */
export interface AddressRequest {
  publicIps?: string[];
  privateIps?: string[];
}

function ipListProblem(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 64) return `${name} must be a list of at most 64 IP addresses`;
  const bad = value.find((v) => typeof v !== 'string' || isIP(v) === 0);
  return bad === undefined ? undefined : `${name} holds ${JSON.stringify(bad)}, not an IP address`;
}

/** Why `value` is no AddressRequest, or undefined. */
export function addressRequestProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected {"publicIps": [...], "privateIps": [...]}';
  const body = value as Record<string, unknown>;
  const unknown = Object.keys(body).find((k) => k !== 'publicIps' && k !== 'privateIps');
  if (unknown) return `unknown field ${unknown}`;
  return ipListProblem(body.publicIps, 'publicIps') ?? ipListProblem(body.privateIps, 'privateIps');
}

/** Why `value` is no InstanceRequest, or undefined (the fake checks ids, regions and states against its own rules). */
export function instanceRequestProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected an object {instanceId?, name?, region?, state?, windows?, osName?, publicIps?, privateIps?}';
  const body = value as Record<string, unknown>;
  const known = ['instanceId', 'name', 'region', 'state', 'windows', 'osName', 'publicIps', 'privateIps'];
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown) return `unknown field ${unknown}; known: ${known.join(', ')}`;
  for (const name of ['instanceId', 'name', 'region', 'state', 'osName']) {
    if (body[name] !== undefined && typeof body[name] !== 'string') return `${name} must be text`;
  }
  if (body.windows !== undefined && typeof body.windows !== 'boolean') return 'windows must be true or false';
  return ipListProblem(body.publicIps, 'publicIps') ?? ipListProblem(body.privateIps, 'privateIps');
}

/** The fake's own rules an InstanceRequest must keep: its id form, its regions and states, the ids taken. */
export interface InstanceRules {
  idPattern: RegExp;
  /** The id form in words, for the message: `ins- and 8 lowercase letters or digits`. */
  idForm: string;
  regions: { has(region: string): boolean };
  states: readonly string[];
  exists(instanceId: string): boolean;
}

/** Why `request` does not fit the fake's `rules`, or undefined. */
export function instanceRuleProblem(request: InstanceRequest, rules: InstanceRules): string | undefined {
  if (request.instanceId !== undefined && !rules.idPattern.test(request.instanceId)) return `instanceId must be ${rules.idForm}`;
  if (request.instanceId !== undefined && rules.exists(request.instanceId)) return `instance ${request.instanceId} exists`;
  if (request.region !== undefined && !rules.regions.has(request.region)) return `no region ${request.region} in this fake`;
  if (request.state !== undefined && !rules.states.includes(request.state)) return `state must be one of ${rules.states.join(', ')}`;
  return undefined;
}

/** `fields` without the ones that are undefined, so that a seed's defaults stay where a request names nothing. */
export function definedFields<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
