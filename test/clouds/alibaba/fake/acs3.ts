// The fake ECS's own reading of ACS3-HMAC-SHA256 (Alibaba's V3 signature), written apart from
// src/clouds/alibaba/signer.ts so the fake does not share the client's bugs. Both are checked
// against the worked example of Alibaba's "V3 request structure and signature" page.

import * as crypto from 'node:crypto';

export const ACS3 = 'ACS3-HMAC-SHA256';

/** Alibaba's percent-encoding: RFC 3986 unreserved characters stay, everything else is %XX (upper hex), space is %20. */
export function rfc3986(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The raw query string (`a=1&b=x%20y`) as the canonical query: decoded, re-encoded, sorted. */
export function canonicalQueryString(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const [k, v] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      return `${rfc3986(decodeURIComponent(k))}=${rfc3986(decodeURIComponent(v))}`;
    });
  return pairs.sort().join('&');
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=a;b,Signature=<hex>`; undefined when not that shape. */
export function parseAcs3Authorization(value: string | undefined): Acs3Authorization | undefined {
  const match = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec((value ?? '').trim());
  if (!match) return undefined;
  return { accessKeyId: match[1], signedHeaders: match[2].split(';'), signature: match[3] };
}

export interface Acs3Input {
  method: string;
  path: string;
  rawQuery: string;
  /** Signed header name (lower case) → value as received. */
  headers: ReadonlyMap<string, string>;
  /** The x-acs-content-sha256 value. */
  hashedPayload: string;
  secret: string;
}

/** The hex signature of a request as the server computes it. */
export function acs3Signature(input: Acs3Input): string {
  const names = [...input.headers.keys()].sort();
  const canonicalRequest = [
    input.method,
    input.path,
    canonicalQueryString(input.rawQuery),
    names.map((n) => `${n}:${(input.headers.get(n) ?? '').trim()}\n`).join(''),
    names.join(';'),
    input.hashedPayload,
  ].join('\n');
  const hashed = crypto.createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return crypto.createHmac('sha256', input.secret).update(`${ACS3}\n${hashed}`, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
