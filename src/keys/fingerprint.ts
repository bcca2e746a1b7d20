// Key fingerprints exactly as `ssh-keygen -l -E sha256|md5` prints them.

import * as crypto from 'node:crypto';

type Digest = (algorithm: string, data: Buffer, encoding: 'base64' | 'hex') => string;

// `crypto.hash` (Node ≥ 20.12) is a one-shot digest about twice as fast as createHash;
// VS Code's Electron may ship an older Node 20, so fall back.
const oneShot = (crypto as unknown as { hash?: Digest }).hash;
const digest: Digest =
  typeof oneShot === 'function'
    ? oneShot
    : (algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding);

// Fingerprints are assembled in scratch buffers and read out as one flat string: this keeps
// each to a single small object, which matters when a 10,000-line file keeps 10,000 of them.
const SHA256_PREFIX = 'SHA256:';
const sha256Text = Buffer.alloc(SHA256_PREFIX.length + 43, SHA256_PREFIX, 'latin1');
const MD5_PREFIX = 'MD5:';
const md5Text = Buffer.alloc(MD5_PREFIX.length + 16 * 3 - 1, ':', 'latin1');
md5Text.write(MD5_PREFIX, 0, 'latin1');

/** `SHA256:` + unpadded base64 of the SHA-256 of the public key blob. */
export function sha256Fingerprint(blob: Buffer): string {
  const base64 = digest('sha256', blob, 'base64'); // 43 characters and one `=`
  sha256Text.write(base64, SHA256_PREFIX.length, 43, 'latin1');
  return sha256Text.toString('latin1');
}

/** `MD5:` + colon-separated lower-case hex of the MD5 of the public key blob. */
export function md5Fingerprint(blob: Buffer): string {
  const hex = digest('md5', blob, 'hex');
  for (let i = 0, at = MD5_PREFIX.length; i < 16; i++, at += 3) {
    md5Text[at] = hex.charCodeAt(i * 2);
    md5Text[at + 1] = hex.charCodeAt(i * 2 + 1);
  }
  return md5Text.toString('latin1');
}
