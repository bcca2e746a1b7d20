// Converting Node crypto key objects (from PEM / PKCS#8 / SPKI) to SSH public key blobs.

import { KeyObject, createPublicKey } from 'node:crypto';
import { CURVES, CurveName } from './keytypes';
import { wireMpint, wireString } from './sshwire';

export type BlobFromKeyObject = { ok: true; blob: Buffer } | { ok: false; algorithm: string };

function fromBase64Url(value: string | undefined): Buffer {
  return Buffer.from(value ?? '', 'base64url');
}

/** The SSH public key blob for a Node public or private key object. */
export function sshBlobFromKeyObject(key: KeyObject): BlobFromKeyObject {
  const algorithm = key.asymmetricKeyType ?? 'unknown';
  switch (algorithm) {
    case 'rsa': {
      const jwk = key.export({ format: 'jwk' });
      return {
        ok: true,
        blob: Buffer.concat([wireString('ssh-rsa'), wireMpint(fromBase64Url(jwk.e)), wireMpint(fromBase64Url(jwk.n))]),
      };
    }
    case 'ec': {
      const jwk = key.export({ format: 'jwk' });
      const curve = (Object.keys(CURVES) as CurveName[]).find((name) => CURVES[name].jwkCurve === jwk.crv);
      if (!curve) return { ok: false, algorithm: `EC ${jwk.crv ?? 'unknown curve'}` };
      const size = CURVES[curve].coordinateBytes;
      const point = Buffer.concat([Buffer.from([4]), leftPad(fromBase64Url(jwk.x), size), leftPad(fromBase64Url(jwk.y), size)]);
      const type = `ecdsa-sha2-${curve}`;
      return { ok: true, blob: Buffer.concat([wireString(type), wireString(curve), wireString(point)]) };
    }
    case 'ed25519': {
      const jwk = key.export({ format: 'jwk' });
      return { ok: true, blob: Buffer.concat([wireString('ssh-ed25519'), wireString(fromBase64Url(jwk.x))]) };
    }
    case 'dsa': {
      // Node cannot export DSA as JWK: read p, q, g, y from the SubjectPublicKeyInfo DER.
      const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
      const parts = dsaPartsFromSpki(spki);
      if (!parts) return { ok: false, algorithm: 'DSA' };
      return { ok: true, blob: Buffer.concat([wireString('ssh-dss'), ...parts.map(wireMpint)]) };
    }
    default:
      return { ok: false, algorithm };
  }
}

function leftPad(bytes: Buffer, size: number): Buffer {
  return bytes.length >= size ? bytes : Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
}

/**
 * SubjectPublicKeyInfo for DSA:
 *   SEQUENCE { SEQUENCE { OID, SEQUENCE { p, q, g } }, BIT STRING { INTEGER y } }
 */
function dsaPartsFromSpki(der: Buffer): Buffer[] | undefined {
  try {
    const outer = readDer(der, 0, 0x30);
    const algorithm = readDer(der, outer.contentStart, 0x30);
    const oid = readDer(der, algorithm.contentStart, 0x06);
    const params = readDer(der, oid.end, 0x30);
    const p = readDer(der, params.contentStart, 0x02);
    const q = readDer(der, p.end, 0x02);
    const g = readDer(der, q.end, 0x02);
    const bits = readDer(der, algorithm.end, 0x03);
    const y = readDer(der, bits.contentStart + 1, 0x02); // skip the unused-bits byte
    return [p, q, g, y].map((item) => der.subarray(item.contentStart, item.end));
  } catch {
    return undefined;
  }
}

/** Reads one DER tag-length header at `offset`, checking the tag. */
function readDer(der: Buffer, offset: number, tag: number): { contentStart: number; end: number } {
  if (der[offset] !== tag) throw new Error('unexpected DER tag');
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('DER data too short');
  return { contentStart, end };
}

/**
 * The SSH blob of a DER public key (SubjectPublicKeyInfo or PKCS#1 RSAPublicKey).
 * On failure `algorithm` is set when the key is readable but not usable for SSH.
 */
export function publicBlobFromPublicDer(
  der: Buffer,
  type: 'spki' | 'pkcs1',
): { ok: true; blob: Buffer } | { ok: false; algorithm?: string } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type });
  } catch {
    return { ok: false };
  }
  return sshBlobFromKeyObject(key);
}
