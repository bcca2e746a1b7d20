// Checks a request's TC3-HMAC-SHA256 signature the way Tencent Cloud does, plus the two
// quirks of the Node SDK (see docs/cloud-apis.md): it signs `host` without the port while
// sending `Host: name:port`, and it takes the signing service from the endpoint's first
// label (`127` for 127.0.0.1:9000, `localhost:9000` for localhost:9000).

import type { IncomingHttpHeaders } from 'node:http';
import { parseTc3Authorization, signaturesEqual, tc3Date, tc3Sign } from '../../../fakes/tc3';

/** The account (root account UIN) of a credential that names none. */
export const FAKE_DEFAULT_OWNER_UIN = '100000000001';

/** A SecretId/SecretKey the fake accepts; with `token` it is a temporary credential. */
export interface FakeCredential {
  secretId: string;
  secretKey: string;
  token?: string;
  /**
   * The account the API key belongs to (its root account's UIN, 12 digits): each account has its
   * own key pairs and instances. Default FAKE_DEFAULT_OWNER_UIN.
   */
  ownerUin?: string;
}

/** The account a credential belongs to. */
export function ownerUinOf(credential: FakeCredential): string {
  return credential.ownerUin ?? FAKE_DEFAULT_OWNER_UIN;
}

export interface VerifyOptions {
  credentials: readonly FakeCredential[];
  /** Services accepted in the credential scope; default `cvm` and the first label of the Host header. */
  acceptedServices?: readonly string[];
  /** The server's clock (Unix seconds), skewed when a test says so. */
  nowSeconds: number;
  /** Largest accepted distance between X-TC-Timestamp and the server clock: 5 minutes. */
  maxSkewSeconds?: number;
}

export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  /** Node's lower-cased headers. */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type VerifyResult =
  | { ok: true; secretId: string }
  | { ok: false; code: string; message: string; secretId?: string };

// Real SecretIds start with AKID; anything else is "not an API key" (AuthFailure.InvalidSecretId).
const SECRET_ID_SHAPE = /^AKID[0-9A-Za-z]{8,64}$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The Host header without its port (`[::1]:9000` → `[::1]`). */
export function hostWithoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}

/** The services the SDK may have signed for, given the Host header it sent. */
export function defaultAcceptedServices(host: string): string[] {
  return ['cvm', host.split('.')[0]];
}

/** Verifies authentication of one request. Never throws. */
export function verifyTc3Request(request: SignedRequest, options: VerifyOptions): VerifyResult {
  const authorization = parseTc3Authorization(header(request.headers, 'authorization'));
  if (!authorization) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'The Authorization header is missing or not a TC3-HMAC-SHA256 authorization.' };
  }
  const { secretId } = authorization;
  if (!SECRET_ID_SHAPE.test(secretId)) {
    return { ok: false, code: 'AuthFailure.InvalidSecretId', message: 'The SecretId is not a valid cloud API key.', secretId };
  }
  const credential = options.credentials.find((c) => c.secretId === secretId);
  if (!credential) {
    return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found, please ensure that your SecretId is correct.', secretId };
  }

  const timestampText = header(request.headers, 'x-tc-timestamp') ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) {
    return { ok: false, code: 'MissingParameter', message: 'The request is missing a valid `X-TC-Timestamp` header.', secretId };
  }
  const timestamp = Number(timestampText);
  const maxSkew = options.maxSkewSeconds ?? 300;
  if (Math.abs(options.nowSeconds - timestamp) > maxSkew) {
    // Same wording as the real service, which puts its own clock at the end.
    return {
      ok: false,
      code: 'AuthFailure.SignatureExpire',
      message: `Signature expired. Please use local time and enable NTP service for time synchronization to avoid a deviation between \`Timestamp\` and the server time ${Math.floor(options.nowSeconds)}.`,
      secretId,
    };
  }

  if (credential.token !== undefined && header(request.headers, 'x-tc-token') !== credential.token) {
    return { ok: false, code: 'AuthFailure.TokenFailure', message: 'The token is invalid or expired.', secretId };
  }

  const host = header(request.headers, 'host') ?? '';
  const services = options.acceptedServices ?? defaultAcceptedServices(host);
  const failure = (why: string): VerifyResult => ({
    ok: false,
    code: 'AuthFailure.SignatureFailure',
    message: `The provided credentials could not be validated. Please check your signature is correct (${why}).`,
    secretId,
  });
  if (authorization.date !== tc3Date(timestamp)) return failure('the credential date is not the date of X-TC-Timestamp');
  if (!services.includes(authorization.service)) return failure('unexpected service in the credential scope');
  const signed = authorization.signedHeaders;
  if (!signed.includes('content-type') || !signed.includes('host')) return failure('content-type and host must be signed');

  // Try the Host header as sent, then without its port (the SDK's quirk).
  for (const hostValue of new Set([host, hostWithoutPort(host)])) {
    const headers: Record<string, string> = {};
    let missing = false;
    for (const name of signed) {
      const value = name === 'host' ? hostValue : header(request.headers, name);
      if (value === undefined) missing = true;
      else headers[name] = value;
    }
    if (missing) return failure('a signed header is missing');
    const expected = tc3Sign({
      method: request.method,
      path: request.path,
      query: request.query,
      headers,
      payload: request.body,
      timestamp,
      service: authorization.service,
      secretKey: credential.secretKey,
    });
    if (signaturesEqual(expected.signature, authorization.signature)) return { ok: true, secretId };
  }
  return failure('signature mismatch');
}
