// Decodes an SSH public key blob (the bytes behind the base64 in a key line) or an
// OpenSSH certificate blob, checking it the way OpenSSH's sshkey_from_blob does.

import { CURVES, KeyTypeInfo, keyTypeInfo } from './keytypes';
import { WireReader, WireTruncatedError, bytesEqualText, mpintBitLength, wireString } from './sshwire';

/** What an OpenSSH certificate says about itself (`ssh-keygen -L`). */
export interface CertificateInfo {
  certType: 'user' | 'host' | 'unknown';
  serial: string;
  keyId: string;
  principals: string[];
  /** Seconds since the epoch; 0 = from the beginning of time. */
  validAfter: number;
  /** Seconds since the epoch; `Infinity` = forever. */
  validBefore: number;
  /** The type of the CA key that signed it. */
  caKeyType: string;
  /** The CA key blob (compare CAs by it). */
  caKeyBlob: Buffer;
}

export interface ValidBlob {
  ok: true;
  /** The type inside the blob (a certificate type for certificates). */
  type: string;
  /** The certified key type for certificates, else `type`. */
  keyType: string;
  info: KeyTypeInfo;
  /** Key size as `ssh-keygen -l` prints it. */
  bits: number;
  /** The plain public key blob: the blob itself, or the certified key rebuilt from a certificate. */
  keyBlob: Buffer;
  certificate?: CertificateInfo;
}

/**
 * Why a blob is unusable:
 * - `not-ssh-key`: the bytes do not start with a type name (not an SSH key at all);
 * - `unknown-type`: a type name OpenSSH does not know;
 * - `truncated`: the data ends in the middle of a field;
 * - `bad-key-data`: a field has an impossible value (wrong curve, point or key length);
 * - `trailing-data`: extra bytes after the last field.
 */
export type BlobFailure = 'not-ssh-key' | 'unknown-type' | 'truncated' | 'bad-key-data' | 'trailing-data';

export interface InvalidBlob {
  ok: false;
  failure: BlobFailure;
  /** The type name found at the start of the blob, when there is one. */
  declaredType?: string;
  /** `bad-key-data`: English detail (no key material); `trailing-data`: the number of extra bytes. */
  detail?: string;
}

export type BlobAnalysis = ValidBlob | InvalidBlob;

const MAX_TYPE_NAME = 64;
const UINT64_MAX = (1n << 64n) - 1n;

/** Reads only the type name at the start of a blob, if it looks like one. */
export function declaredBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > MAX_TYPE_NAME || blob.length < 4 + length) return undefined;
  for (let i = 4; i < 4 + length; i++) {
    if (blob[i] < 0x21 || blob[i] > 0x7e) return undefined;
  }
  return blob.toString('latin1', 4, 4 + length);
}

/**
 * Decodes and checks a public key or certificate blob. Never throws.
 * `expectedType` (the type word of the key line) saves decoding the name when it matches.
 */
export function analyzeBlob(blob: Buffer, expectedType?: string): BlobAnalysis {
  if (blob.length < 4) return { ok: false, failure: blob.length === 0 ? 'not-ssh-key' : 'truncated' };
  const nameLength = blob.readUInt32BE(0);
  if (nameLength === 0 || nameLength > MAX_TYPE_NAME) return { ok: false, failure: 'not-ssh-key' };
  if (blob.length < 4 + nameLength) return { ok: false, failure: 'truncated' };
  const type =
    expectedType !== undefined && bytesEqualText(blob, 4, 4 + nameLength, expectedType) ? expectedType : declaredBlobType(blob);
  if (type === undefined) return { ok: false, failure: 'not-ssh-key' };
  const info = keyTypeInfo(type);
  if (!info) return { ok: false, failure: 'unknown-type', declaredType: type };

  const reader = new WireReader(blob);
  reader.offset = 4 + nameLength;
  try {
    if (info.certifiedType) reader.skip(); // nonce
    const fieldsStart = reader.offset;
    const fields = readPublicFields(reader, info);
    if (typeof fields === 'string') return { ok: false, failure: 'bad-key-data', declaredType: type, detail: fields };
    let keyBlob = blob;
    let certificate: CertificateInfo | undefined;
    if (info.certifiedType) {
      // The certified key is the same fields under the plain type name.
      keyBlob = Buffer.concat([wireString(info.certifiedType), blob.subarray(fieldsStart, reader.offset)]);
      certificate = readCertificateFields(reader);
    }
    if (reader.remaining > 0) {
      return {
        ok: false,
        failure: 'trailing-data',
        declaredType: type,
        detail: String(reader.remaining),
      };
    }
    return { ok: true, type, keyType: info.certifiedType ?? type, info, bits: fields.bits, keyBlob, certificate };
  } catch (error) {
    if (error instanceof WireTruncatedError) return { ok: false, failure: 'truncated', declaredType: type };
    throw error;
  }
}

/** Reads the public key fields of a family; returns the bits, or an English reason the data is impossible. */
// Fields are stepped over with `skip` (no buffer views): this runs for every line of large files.
function readPublicFields(reader: WireReader, info: KeyTypeInfo): { bits: number } | string {
  const bytes = reader.buf;
  switch (info.family) {
    case 'rsa': {
      const exponentLength = reader.skip();
      const exponentBits = mpintBitLength(bytes, reader.offset - exponentLength, reader.offset);
      const modulusLength = reader.skip();
      const modulusBits = mpintBitLength(bytes, reader.offset - modulusLength, reader.offset);
      if (exponentBits === 0 || modulusBits === 0) return 'the RSA exponent or modulus is zero';
      return { bits: modulusBits };
    }
    case 'dsa': {
      const pLength = reader.skip();
      const bits = mpintBitLength(bytes, reader.offset - pLength, reader.offset);
      reader.skip(); // q
      reader.skip(); // g
      reader.skip(); // y
      return { bits };
    }
    case 'ecdsa':
    case 'sk-ecdsa': {
      const nameLength = reader.skip();
      const nameEnd = reader.offset;
      const pointLength = reader.skip();
      const pointForm = bytes[reader.offset - pointLength];
      if (info.family === 'sk-ecdsa') reader.skip(); // application, e.g. "ssh:"
      const curve = CURVES[info.curve!];
      if (!bytesEqualText(bytes, nameEnd - nameLength, nameEnd, info.curve!)) {
        const name = bytes.toString('utf8', nameEnd - nameLength, nameEnd);
        return `the curve inside the key is '${printable(name)}', not '${info.curve}'`;
      }
      if (pointLength !== 1 + 2 * curve.coordinateBytes || pointForm !== 0x04) {
        return `the elliptic-curve point has the wrong length (${pointLength} bytes) or form`;
      }
      return { bits: curve.bits };
    }
    case 'ed25519':
    case 'sk-ed25519': {
      const keyLength = reader.skip();
      if (info.family === 'sk-ed25519') reader.skip(); // application
      if (keyLength !== 32) return `the Ed25519 key is ${keyLength} bytes long instead of 32`;
      return { bits: 256 };
    }
  }
}

function readCertificateFields(reader: WireReader): CertificateInfo {
  const serial = reader.uint64();
  const certTypeNumber = reader.uint32();
  const keyId = reader.text();
  const principalsBlob = new WireReader(reader.string());
  const validAfter = reader.uint64();
  const validBefore = reader.uint64();
  reader.string(); // critical options
  reader.string(); // extensions
  reader.string(); // reserved
  const caKeyBlob = reader.string();
  reader.string(); // signature
  const principals: string[] = [];
  while (principalsBlob.remaining > 0) principals.push(principalsBlob.text());
  return {
    certType: certTypeNumber === 1 ? 'user' : certTypeNumber === 2 ? 'host' : 'unknown',
    serial: serial.toString(),
    keyId,
    principals,
    validAfter: Number(validAfter),
    validBefore: validBefore === UINT64_MAX ? Infinity : Number(validBefore),
    caKeyType: declaredBlobType(caKeyBlob) ?? '',
    caKeyBlob,
  };
}

/** Makes a name safe to quote in a message (no control characters). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}
