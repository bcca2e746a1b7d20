// Private key containers. The public half of an OpenSSH private key is stored unencrypted
// (PROTOCOL.key), so type, size and fingerprints are known without the passphrase; only
// the comment sits in the encrypted section. PEM / PKCS#8 keys are read with Node's crypto.

import { createPrivateKey } from 'node:crypto';
import { keyTypeInfo } from './keytypes';
import { sshBlobFromKeyObject } from './keyobject';
import { WireReader } from './sshwire';

const OPENSSH_MAGIC = 'openssh-key-v1\0';

export interface OpenSshPrivateContainer {
  cipher: string;
  kdf: string;
  /** Public key blob of the (first) key. */
  publicBlob: Buffer;
  /** The private section, encrypted unless `cipher` is `none`. */
  privateSection: Buffer;
  encrypted: boolean;
}

/** Reads the outer structure of `-----BEGIN OPENSSH PRIVATE KEY-----` data, or undefined if it is not one. */
export function readOpenSshPrivateContainer(bytes: Buffer): OpenSshPrivateContainer | undefined {
  if (bytes.toString('latin1', 0, OPENSSH_MAGIC.length) !== OPENSSH_MAGIC) return undefined;
  try {
    const reader = new WireReader(bytes);
    reader.offset = OPENSSH_MAGIC.length;
    const cipher = reader.text();
    const kdf = reader.text();
    reader.string(); // kdf options (salt, rounds)
    const count = reader.uint32();
    if (count < 1) return undefined;
    const publicBlob = reader.string();
    for (let i = 1; i < count; i++) reader.string();
    const privateSection = reader.string();
    return { cipher, kdf, publicBlob, privateSection, encrypted: cipher !== 'none' };
  } catch {
    return undefined;
  }
}

/** Private fields after the type name, per PROTOCOL.key / sshkey_private_serialize: s = string/mpint, b = byte. */
const PRIVATE_FIELDS: Record<string, { plain: string; certificate: string }> = {
  rsa: { plain: 'ssssss', certificate: 'ssss' }, // n e d iqmp p q | d iqmp p q
  dsa: { plain: 'sssss', certificate: 's' }, // p q g y x | x
  ecdsa: { plain: 'sss', certificate: 's' }, // curve Q d | d
  ed25519: { plain: 'ss', certificate: 'ss' }, // pk sk
  'sk-ecdsa': { plain: 'sssbss', certificate: 'bss' }, // curve Q application flags handle reserved
  'sk-ed25519': { plain: 'ssbss', certificate: 'bss' }, // pk application flags handle reserved
};

export type PrivateSectionResult = { ok: true; comment: string } | { ok: false; reason: 'checkint-mismatch' | 'corrupt' };

/**
 * Reads a decrypted private section: two equal check integers (they differ when the
 * passphrase was wrong), the key, then its comment.
 */
export function readPrivateSection(section: Buffer): PrivateSectionResult {
  try {
    const reader = new WireReader(section);
    if (reader.uint32() !== reader.uint32()) return { ok: false, reason: 'checkint-mismatch' };
    const type = reader.text();
    const info = keyTypeInfo(type);
    if (!info) return { ok: false, reason: 'corrupt' };
    const fields = info.certifiedType ? 's' + PRIVATE_FIELDS[info.family].certificate : PRIVATE_FIELDS[info.family].plain;
    for (const field of fields) {
      if (field === 'b') reader.byte();
      else reader.string();
    }
    return { ok: true, comment: reader.text() };
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
}

export type PemPrivateResult =
  | { ok: true; blob: Buffer }
  | { ok: false; reason: 'needs-passphrase' | 'wrong-passphrase' | 'corrupt' }
  | { ok: false; reason: 'unsupported-algorithm'; algorithm: string };

/**
 * The public key blob of a PEM / PKCS#8 private key (`-----BEGIN RSA|EC|DSA PRIVATE KEY-----`,
 * `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`), decrypting with `passphrase` when given.
 */
export function publicBlobFromPemPrivateKey(pem: string, encrypted: boolean, passphrase?: string): PemPrivateResult {
  if (encrypted && passphrase === undefined) return { ok: false, reason: 'needs-passphrase' };
  let key;
  try {
    key = createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch {
    // With a passphrase, OpenSSL fails on bad padding or, rarely, on garbage that decrypted with valid padding.
    return { ok: false, reason: encrypted ? 'wrong-passphrase' : 'corrupt' };
  }
  const converted = sshBlobFromKeyObject(key);
  return converted.ok ? converted : { ok: false, reason: 'unsupported-algorithm', algorithm: converted.algorithm };
}
