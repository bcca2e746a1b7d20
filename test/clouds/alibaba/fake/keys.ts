// What the fake ECS accepts as PublicKeyBody: the documented rsa, dsa, ecdsa keys and OpenSSH
// certificates (ImportKeyPair's list of "encryption methods"); ed25519, which the list leaves out,
// only when told to accept undocumented types (the console may accept it today; unverified). Its fingerprint is MD5 of the key blob in colon-separated hex.

import * as crypto from 'node:crypto';
import { checkOpenSshPublicKey } from '../../../fakes/ssh-public-key';

const PLAIN_TYPES = ['ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];
const CERT_SUFFIX = '-cert-v01@openssh.com';

/** The wire fields of each certified key type, after type and nonce. */
const CERT_KEY_FIELDS: Record<string, number> = {
  'ssh-rsa': 2,
  'ssh-dss': 4,
  'ssh-ed25519': 1,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
};

export type EcsKeyCheck = { ok: true; type: string; blobBase64: string } | { ok: false; reason: string };

/** Reads a certificate blob field by field; why it is malformed, or undefined. */
function certificateProblem(type: string, blob: Buffer): string | undefined {
  const keyType = type.slice(0, -CERT_SUFFIX.length);
  const keyFields = CERT_KEY_FIELDS[keyType];
  if (keyFields === undefined) return `unknown certified key type ${keyType}`;
  let offset = 0;
  const string = (): Buffer | undefined => {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    if (offset + 4 + length > blob.length) return undefined;
    const value = blob.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  const fixed = (bytes: number): boolean => {
    offset += bytes;
    return offset <= blob.length;
  };
  if (string()?.toString('latin1') !== type) return 'the certificate data is of another type';
  if (!string()) return 'truncated nonce';
  for (let i = 0; i < keyFields; i++) if (!string()) return 'truncated certified key';
  if (!fixed(8) || !fixed(4)) return 'truncated serial or type';
  if (!string() || !string()) return 'truncated key id or principals';
  if (!fixed(8) || !fixed(8)) return 'truncated validity';
  for (const field of ['critical options', 'extensions', 'reserved', 'signature key', 'signature']) if (!string()) return `truncated ${field}`;
  return offset === blob.length ? undefined : 'trailing data after the signature';
}

/** Checks one PublicKeyBody. */
export function checkEcsPublicKey(text: string, acceptUndocumented: boolean): EcsKeyCheck {
  const line = text.trim();
  const type = /^(\S+)/.exec(line)?.[1] ?? '';
  if (type.endsWith(CERT_SUFFIX)) {
    if (!acceptUndocumented && type.startsWith('ssh-ed25519')) return { ok: false, reason: 'ed25519 keys are not accepted' };
    const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/.exec(line);
    if (!match) return { ok: false, reason: 'not "type base64 [comment]"' };
    const blob = Buffer.from(match[2], 'base64');
    if (blob.toString('base64') !== match[2]) return { ok: false, reason: 'bad base64' };
    const problem = certificateProblem(type, blob);
    return problem ? { ok: false, reason: problem } : { ok: true, type, blobBase64: match[2] };
  }
  const check = checkOpenSshPublicKey(line, acceptUndocumented ? [...PLAIN_TYPES, 'ssh-ed25519'] : PLAIN_TYPES);
  return check.ok ? { ok: true, type: check.type, blobBase64: check.blobBase64 } : { ok: false, reason: check.reason };
}

/** MD5 of the key blob as colon-separated lower-case hex (`ssh-keygen -E md5` without the prefix). */
export function ecsFingerprint(blobBase64: string): string {
  return crypto.createHash('md5').update(Buffer.from(blobBase64, 'base64')).digest('hex').replace(/(..)(?!$)/g, '$1:');
}
