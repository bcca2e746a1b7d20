// How to log in to a cloud instance, decided from what the cloud listed and the local keys: the
// bound key pair's local private key (matched by key blob, never by name), the login user (an
// override the user gave, else what the cloud reports, else the image's documented default), the
// port, and the address. The extension's Connect and the CLI's `instances` / `ssh-config` share it.
import type { InstanceHost } from '../keys/ssh-config';
import type { CloudInstance, KeyPair } from './provider';

/** A local private key, with the blob of its public half (base64, as KeyFacts.blobBase64). */
export interface LocalPrivateKey {
  path: string;
  blobBase64: string;
}

export interface ConnectionInputs {
  instance: CloudInstance;
  /** The key pairs the instance's keyIds refer to (others are ignored). */
  keyPairs: readonly KeyPair[];
  localKeys: readonly LocalPrivateKey[];
  /** The cloud's rule: the user it reports, else the image's documented one (src/clouds/<cloud>/login-user.ts). */
  loginUser: (instance: CloudInstance) => string | undefined;
  /** What the user chose for this instance before (remembered), over everything the cloud says. */
  userOverride?: string;
  /** Connect to the private address even when there is a public one. */
  preferPrivateIp?: boolean;
}

/** Why an instance cannot be logged into from here. */
export type NoConnection =
  | { reason: 'windows' }
  | { reason: 'no-key-pair' }
  /** Its key pairs are bound, but no local private key has their public half. */
  | { reason: 'no-local-key'; keyPairs: KeyPair[] }
  | { reason: 'no-address' }
  | { reason: 'no-login-user' };

export interface Connection {
  /** The key pair whose private key logs in. */
  keyPair: KeyPair;
  identityFile: string;
  user: string;
  /** Where the user came from: shown, so a guess is never mistaken for a fact. */
  userSource: 'override' | 'cloud' | 'image-default';
  hostName: string;
  addressKind: 'public' | 'private';
  port: number;
  /** The Host entry for the managed SSH config block. */
  host: InstanceHost;
}

export type ConnectionPlan = ({ ok: true } & Connection) | ({ ok: false } & NoConnection);

/** Decides how to log in to `inputs.instance` (see the file comment). */
export function planConnection(inputs: ConnectionInputs): ConnectionPlan {
  const { instance } = inputs;
  if (instance.platform === 'windows') return { ok: false, reason: 'windows' };
  const bound = inputs.keyPairs.filter((k) => instance.keyIds.includes(k.id));
  if (instance.keyIds.length === 0) return { ok: false, reason: 'no-key-pair' };
  let match: { keyPair: KeyPair; key: LocalPrivateKey } | undefined;
  for (const keyPair of bound) {
    const key = keyPair.blobBase64 ? inputs.localKeys.find((k) => k.blobBase64 === keyPair.blobBase64) : undefined;
    if (key) {
      match = { keyPair, key };
      break;
    }
  }
  if (!match) return { ok: false, reason: 'no-local-key', keyPairs: bound };
  const publicIp = instance.publicIps?.[0];
  const privateIp = instance.privateIps?.[0];
  const usePrivate = !publicIp || (inputs.preferPrivateIp === true && !!privateIp);
  const hostName = usePrivate ? privateIp : publicIp;
  if (!hostName) return { ok: false, reason: 'no-address' };
  const reported = inputs.loginUser(instance);
  const user = inputs.userOverride ?? reported;
  if (!user) return { ok: false, reason: 'no-login-user' };
  const userSource = inputs.userOverride ? 'override' : instance.loginUser ? 'cloud' : 'image-default';
  const port = instance.loginPort ?? 22;
  return {
    ok: true,
    keyPair: match.keyPair,
    identityFile: match.key.path,
    user,
    userSource,
    hostName,
    addressKind: usePrivate ? 'private' : 'public',
    port,
    host: { instanceId: instance.id, instanceName: instance.name, hostName, user, port, identityFile: match.key.path },
  };
}

/** The local private keys of a scan whose public half is known (an encrypted key without its .pub is not). */
export function localPrivateKeys(pairs: ReadonlyArray<{ privateKey?: { path: string }; facts: { blobBase64?: string } }>): LocalPrivateKey[] {
  return pairs.flatMap((p) => (p.privateKey && p.facts.blobBase64 ? [{ path: p.privateKey.path, blobBase64: p.facts.blobBase64 }] : []));
}
