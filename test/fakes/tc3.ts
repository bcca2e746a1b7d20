// TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0, as the public docs
// describe it. Pure functions: the fake server verifies with them and tests sign with them.

import * as crypto from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What goes into one signature. `headers` are the signed headers only (any case). */
export interface Tc3Input {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  payload: Buffer | string;
  timestamp: number;
  service: string;
  secretKey: string;
}

/** The intermediate values, exposed so a test can compare them with the published vector. */
export interface Tc3Signature {
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  payloadHash: string;
  stringToSign: string;
  credentialScope: string;
  signedHeaders: string;
  signature: string;
}

/** Hex SHA-256. */
export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

/** The UTC date (YYYY-MM-DD) of a Unix timestamp, as the credential scope uses it. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** Computes the TC3 signature of a request. */
export function tc3Sign(input: Tc3Input): Tc3Signature {
  // Canonical headers: names lowercased and sorted, values trimmed and lowercased.
  const entries = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), String(value).trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = entries.map(([name]) => name).join(';');
  const payloadHash = sha256Hex(input.payload);
  const canonicalRequest = [input.method.toUpperCase(), input.path, input.query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), credentialScope, hashedCanonicalRequest].join('\n');
  const kDate = hmac('TC3' + input.secretKey, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = crypto.createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return { canonicalRequest, hashedCanonicalRequest, payloadHash, stringToSign, credentialScope, signedHeaders, signature };
}

/** The `Authorization` header value for a signature. */
export function tc3Authorization(secretId: string, signature: Tc3Signature): string {
  return `${TC3_ALGORITHM} Credential=${secretId}/${signature.credentialScope}, SignedHeaders=${signature.signedHeaders}, Signature=${signature.signature}`;
}

/** The parts of an `Authorization` header. */
export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `TC3-HMAC-SHA256 Credential=id/date/service/tc3_request, SignedHeaders=a;b, Signature=hex`; undefined if malformed. */
export function parseTc3Authorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const match = /^TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;_-]+),\s*Signature=([0-9a-f]{64})$/i.exec(
    header.trim(),
  );
  if (!match) return undefined;
  return {
    secretId: match[1],
    date: match[2],
    service: match[3],
    signedHeaders: match[4].toLowerCase().split(';'),
    signature: match[5].toLowerCase(),
  };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
