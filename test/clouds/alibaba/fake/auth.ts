// Checks a request's ACS3-HMAC-SHA256 authentication the way ECS does: a known AccessKey ID,
// a body whose SHA-256 is the signed x-acs-content-sha256, every x-acs-* header and host
// signed, x-acs-date within 15 minutes, a nonce not seen before, the STS token if any.

import * as crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { acs3Signature, parseAcs3Authorization, sameSignature } from './acs3';

/** An AccessKey pair the fake accepts; with `securityToken` it is a temporary (STS) one. */
export interface FakeAccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** The account the AccessKey belongs to (16 digits), as STS GetCallerIdentity names it. Default FAKE_ECS_ACCOUNT_ID. */
  accountId?: string;
}

/** The account of an AccessKey that names none. */
export const FAKE_ECS_ACCOUNT_ID = '1234567890123456';

export interface EcsAuthRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface EcsAuthOptions {
  accessKeys: readonly FakeAccessKey[];
  /** The server clock (ms), skewed when a test says so. */
  nowMs: number;
  /** Nonces already used, with when (ms); the caller keeps it between requests. */
  usedNonces: Map<string, number>;
  /** Default 15 minutes, as documented for x-acs-date. */
  maxSkewMs?: number;
}

export type EcsAuthResult =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; code: string; message: string; accessKeyId?: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

const MUST_SIGN = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

/** Verifies the authentication of one request. Never throws. */
export function verifyEcsRequest(request: EcsAuthRequest, options: EcsAuthOptions): EcsAuthResult {
  const authorization = parseAcs3Authorization(header(request.headers, 'authorization'));
  if (!authorization) {
    return { ok: false, status: 400, code: 'IncompleteSignature', message: 'The request signature does not conform to Aliyun standards (no ACS3-HMAC-SHA256 Authorization header).' };
  }
  const { accessKeyId } = authorization;
  const key = options.accessKeys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) return { ok: false, status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.', accessKeyId };

  const mismatch = (why: string): EcsAuthResult => ({
    ok: false,
    status: 400,
    code: 'SignatureDoesNotMatch',
    message: `Specified signature is not matched with our calculation (${why}).`,
    accessKeyId,
  });
  const signed = authorization.signedHeaders;
  const missing = [...MUST_SIGN, ...(header(request.headers, 'x-acs-security-token') !== undefined ? ['x-acs-security-token'] : [])].filter((n) => !signed.includes(n));
  if (missing.length > 0) return { ok: false, status: 400, code: 'IncompleteSignature', message: `The headers ${missing.join(', ')} must be signed.`, accessKeyId };

  const date = header(request.headers, 'x-acs-date') ?? '';
  const dateMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(dateMs)) return { ok: false, status: 400, code: 'InvalidTimeStamp.Format', message: 'Specified time stamp or date value is not well formatted.', accessKeyId };
  if (Math.abs(options.nowMs - dateMs) > (options.maxSkewMs ?? 15 * 60 * 1000)) {
    return { ok: false, status: 400, code: 'InvalidTimeStamp.Expired', message: `Specified time stamp or date value is expired. Server time: ${new Date(options.nowMs).toISOString()}.`, accessKeyId };
  }

  const bodyHash = crypto.createHash('sha256').update(request.body).digest('hex');
  if (header(request.headers, 'x-acs-content-sha256') !== bodyHash) return mismatch('the body does not match x-acs-content-sha256');

  const headers = new Map<string, string>();
  for (const name of signed) {
    const value = header(request.headers, name);
    if (value === undefined) return mismatch(`the signed header ${name} is missing`);
    headers.set(name, value);
  }
  const expected = acs3Signature({
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    headers,
    hashedPayload: bodyHash,
    secret: key.accessKeySecret,
  });
  if (!sameSignature(expected, authorization.signature)) return mismatch('signature mismatch');

  // Only a correctly signed request uses up its nonce (as ECS: replay protection, not a lockout).
  const nonce = header(request.headers, 'x-acs-signature-nonce') ?? '';
  for (const [used, at] of options.usedNonces) if (options.nowMs - at > 30 * 60 * 1000) options.usedNonces.delete(used);
  if (options.usedNonces.has(`${accessKeyId}|${nonce}`)) {
    return { ok: false, status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.', accessKeyId };
  }
  options.usedNonces.set(`${accessKeyId}|${nonce}`, options.nowMs);

  if (key.securityToken !== undefined && header(request.headers, 'x-acs-security-token') !== key.securityToken) {
    return { ok: false, status: 400, code: 'InvalidSecurityToken.Expired', message: 'Specified SecurityToken is expired.', accessKeyId };
  }
  return { ok: true, accessKeyId };
}
