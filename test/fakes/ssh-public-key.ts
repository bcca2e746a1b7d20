// The fake's own reading of OpenSSH public key lines: what Tencent would call a
// well-formed public key, and the conversion of a generated RSA key to an OpenSSH line.
// Independent of src/keys on purpose, so the fake does not share the client's bugs.

import * as crypto from 'node:crypto';

/**
 * Every key type the fakes can read: what a fake takes when told to accept key types its cloud does
 * not document (`acceptUndocumentedKeyTypes`). By default each fake takes only its documented list.
 */
export const DEFAULT_ACCEPTED_KEY_TYPES: readonly string[] = [
  'ssh-rsa',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
];

/** The environment variable that makes every fake accept undocumented key types (`1`), e.g. for `npm start` with ED25519 keys. */
export const ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE = 'CLOUD_SSH_KEYS_FAKE_ACCEPT_UNDOCUMENTED_KEY_TYPES';

/** The fake's switch: its option when given, else the environment variable (default: documented types only). */
export function acceptUndocumentedKeyTypes(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return option ?? env[ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE] === '1';
}

export type PublicKeyCheck =
  | { ok: true; type: string; blob: Buffer; blobBase64: string; comment: string }
  | { ok: false; reason: string };

/** Reads SSH wire strings (uint32 length + bytes); undefined when the data ends early. */
function readStrings(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return undefined;
    fields.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]));
}

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** Why the fields of a key blob are wrong for its type, or undefined when they are right. */
function blobProblem(type: string, fields: Buffer[]): string | undefined {
  if (type === 'ssh-rsa') {
    if (fields.length !== 3) return 'an RSA key has exactly an exponent and a modulus';
    if (bitLength(fields[1]) === 0) return 'zero exponent';
    if (bitLength(fields[2]) < 1024) return 'RSA modulus shorter than 1024 bits';
    return undefined;
  }
  if (type === 'ssh-ed25519') {
    return fields.length === 2 && fields[1].length === 32 ? undefined : 'an Ed25519 key is 32 bytes';
  }
  const ecdsa = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (ecdsa) {
    const curve = ecdsa[1];
    if (fields.length !== 3 || fields[1].toString('latin1') !== curve) return 'wrong curve';
    return fields[2].length === ECDSA_POINT_BYTES[curve] && fields[2][0] === 4 ? undefined : 'bad curve point';
  }
  if (type === 'ssh-dss') return fields.length === 5 ? undefined : 'a DSA key has four numbers';
  return 'unknown key type';
}

/** Checks one OpenSSH public key line (`type base64 [comment]`). */
export function checkOpenSshPublicKey(text: string, acceptedTypes: readonly string[] = DEFAULT_ACCEPTED_KEY_TYPES): PublicKeyCheck {
  const line = text.trim();
  if (line.includes('\n')) return { ok: false, reason: 'more than one line' };
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: (.*))?$/.exec(line);
  if (!match) return { ok: false, reason: 'not "type base64 [comment]"' };
  const [, type, base64, comment = ''] = match;
  if (!acceptedTypes.includes(type)) return { ok: false, reason: `key type ${type} is not accepted` };
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64') !== base64) return { ok: false, reason: 'bad base64' };
  const fields = readStrings(blob);
  if (!fields || fields.length === 0) return { ok: false, reason: 'truncated key data' };
  if (fields[0].toString('latin1') !== type) return { ok: false, reason: 'the key data is of another type' };
  const problem = blobProblem(type, fields);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, type, blob, blobBase64: base64, comment };
}

function wireString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function wireMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return wireString(trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/**
 * Key generation here always asks the generator for encoded keys. Exporting a freshly generated
 * KeyObject (as JWK) can deadlock Node 20: a garbage collection during the export destroys the
 * finished generation job, which waits for the lock the export holds (seen as a hung test run).
 */

/** The OpenSSH line of an RSA public key given as SubjectPublicKeyInfo DER. */
export function rsaPublicKeyToOpenSsh(spkiDer: Buffer, comment: string): string {
  const jwk = crypto.createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const e = Buffer.from(String(jwk.e), 'base64url');
  const n = Buffer.from(String(jwk.n), 'base64url');
  const blob = Buffer.concat([wireString('ssh-rsa'), wireMpint(e), wireMpint(n)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`.trimEnd();
}

/** A new RSA key pair as a cloud makes it: the private key as PKCS#1 PEM, the public key as an OpenSSH line. */
export function newRsaKeyPair(comment: string, modulusLength = 2048): { privateKeyPem: string; publicLine: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  return { privateKeyPem: privateKey, publicLine: rsaPublicKeyToOpenSsh(publicKey, comment) };
}

/** newRsaKeyPair off the main thread (the fake keeps answering other requests meanwhile). */
export function newRsaKeyPairAsync(comment: string, modulusLength = 2048): Promise<{ privateKeyPem: string; publicLine: string }> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKeyPem: privateKey, publicLine: rsaPublicKeyToOpenSsh(publicKey, comment) });
    });
  });
}

/** A fresh random Ed25519 public key line (no private key kept): for seeding many keys fast. */
export function randomEd25519PublicKeyLine(comment = ''): string {
  const { publicKey } = crypto.generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
  const raw = publicKey.subarray(publicKey.length - 32); // the DER ends with the 32-byte key
  const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`.trimEnd();
}
