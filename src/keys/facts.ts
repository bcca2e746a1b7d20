// Turning a decoded blob into the KeyFacts the rest of the extension works with.

import type { CertificateInfo, ValidBlob } from './blob';
import { md5Fingerprint, sha256Fingerprint } from './fingerprint';
import type { CertificateFacts, KeyFacts, KeyFormat, KeyKind } from './types';

export interface FactsContext {
  kind: KeyKind;
  format: KeyFormat;
  comment: string;
  line: number;
  endLine: number;
  options?: string;
  encrypted?: boolean;
  /** The base64 of the whole blob when the caller already has it in canonical form (saves re-encoding). */
  blobText?: string;
  /** The whole blob (certificate or key). */
  blob: Buffer;
  /** An earlier key with the very same blob: its fingerprints are reused instead of recomputed. */
  sameBlobAs?: KeyFacts;
}

/** KeyFacts for a valid blob. Certificates get the certified key's fingerprints and bits. */
export function factsFromBlob(analysis: ValidBlob, context: FactsContext): KeyFacts {
  const blobText = context.blobText ?? context.blob.toString('base64');
  const same = context.sameBlobAs;
  const keyBlobText = !analysis.certificate ? blobText : (same?.blobBase64 ?? analysis.keyBlob.toString('base64'));
  const comment = context.comment;
  const facts: KeyFacts = {
    kind: context.kind === 'public' && analysis.certificate ? 'certificate' : context.kind,
    format: context.format,
    type: analysis.type,
    keyType: analysis.keyType,
    bits: analysis.bits,
    comment,
    sha256: same?.sha256 ?? sha256Fingerprint(analysis.keyBlob),
    md5: same?.md5 ?? md5Fingerprint(analysis.keyBlob),
    openssh: comment ? `${analysis.type} ${blobText} ${comment}` : `${analysis.type} ${blobText}`,
    blobBase64: keyBlobText,
    line: context.line,
    endLine: context.endLine,
  };
  if (context.encrypted !== undefined) facts.encrypted = context.encrypted;
  if (context.options !== undefined) facts.options = context.options;
  if (analysis.certificate) facts.certificate = same?.certificate ?? certificateFacts(analysis.certificate);
  return facts;
}

/** Facts for a private key whose public half cannot be read without the passphrase. */
export function opaquePrivateFacts(format: KeyFormat, type: string, line: number, endLine: number): KeyFacts {
  return { kind: 'private', format, type, keyType: type, comment: '', encrypted: true, line, endLine };
}

function certificateFacts(info: CertificateInfo): CertificateFacts {
  const facts: CertificateFacts = {
    certType: info.certType,
    serial: info.serial,
    keyId: info.keyId,
    principals: info.principals,
    caType: info.caKeyType,
    caSha256: sha256Fingerprint(info.caKeyBlob),
  };
  const after = isoTime(info.validAfter);
  const before = isoTime(info.validBefore);
  if (info.validAfter > 0 && after) facts.validAfter = after;
  if (before) facts.validBefore = before;
  return facts;
}

const LATEST_DATE_SECONDS = 8.64e12; // the largest time a JavaScript Date can hold

/** ISO time of a certificate timestamp, or undefined for "forever" / out of range. */
export function isoTime(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds > LATEST_DATE_SECONDS) return undefined;
  return new Date(seconds * 1000).toISOString();
}
