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

/** Scratch space for one MD5 fingerprint: 16 hex pairs joined by colons. */
const md5Text = Buffer.alloc(16 * 3 - 1, ':');

/** `SHA256:` + unpadded base64 of the SHA-256 of the public key blob. */
export function sha256Fingerprint(blob: Buffer): string {
  const base64 = digest('sha256', blob, 'base64');
  return 'SHA256:' + base64.slice(0, base64.indexOf('=') < 0 ? base64.length : base64.indexOf('='));
}

/** `MD5:` + colon-separated lower-case hex of the MD5 of the public key blob. */
export function md5Fingerprint(blob: Buffer): string {
  // Assembled in a byte buffer: joining 16 string pieces per key shows on 10,000-line files.
  const hex = digest('md5', blob, 'hex');
  for (let i = 0; i < 16; i++) {
    md5Text[i * 3] = hex.charCodeAt(i * 2);
    md5Text[i * 3 + 1] = hex.charCodeAt(i * 2 + 1);
  }
  return 'MD5:' + md5Text.toString('latin1');
}
