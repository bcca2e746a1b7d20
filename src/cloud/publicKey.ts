// The identity of a public key a cloud holds: its key blob and SHA256 fingerprint, read
// with the project's key parser (src/keys). Clouds store the line with another comment
// (or none), so keys are compared by blob, never by string.

import { parseKeyText } from '../keys/parse';

export interface PublicKeyIdentity {
  /** OpenSSH key type (`ssh-ed25519`; for a certificate, the certified key's type). */
  type: string;
  /** Base64 of the key blob: compare keys by this. */
  blobBase64: string;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -l` prints it. */
  sha256: string;
}

/** Reads one OpenSSH public key line; undefined when it holds no readable public key (e.g. cut short). */
export function identifyPublicKey(line: string): PublicKeyIdentity | undefined {
  const [key] = parseKeyText(line.trim(), 'public').keys;
  if (!key || key.kind === 'private' || !key.blobBase64 || !key.sha256) return undefined;
  return { type: key.keyType, blobBase64: key.blobBase64, sha256: key.sha256 };
}

/** Whether two public key lines hold the same key (same blob), whatever their comments. */
export function samePublicKey(a: string, b: string): boolean {
  const left = identifyPublicKey(a);
  return left !== undefined && left.blobBase64 === identifyPublicKey(b)?.blobBase64;
}
