// Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256) for RPC-style APIs such as ECS,
// written over node:crypto so the ECS client needs no SDK. Checked against the worked example
// of Alibaba's "V3 request structure and signature" page (test/clouds/alibaba/unit/signer.test.ts).
//
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
//   StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA256(CanonicalRequest))
//   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>

import * as crypto from 'node:crypto';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 percent-encoding as Alibaba requires: only A-Z a-z 0-9 - _ . ~ stay; space is %20, `*` is %2A. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Parameters as `key=value&…`, sorted by key (then value), both percent-encoded: the canonical query string and the form body. */
export function canonicalForm(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface Acs3SigningInput {
  method: string;
  /** Always `/` for RPC-style APIs. */
  path: string;
  query: ReadonlyArray<readonly [string, string]>;
  /** The headers to sign, by name (any case). */
  headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body (the `x-acs-content-sha256` header). */
  hashedPayload: string;
  accessKeySecret: string;
}

export interface Acs3Signature {
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
}

/** Computes the signature of a request from the headers chosen for signing. */
export function acs3Sign(input: Acs3SigningInput): Acs3Signature {
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalRequest = [input.method.toUpperCase(), input.path || '/', canonicalForm(input.query), canonicalHeaders, signedHeaders, input.hashedPayload].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = crypto.createHmac('sha256', input.accessKeySecret).update(stringToSign).digest('hex');
  return { canonicalRequest, stringToSign, signedHeaders, signature };
}

export interface AlibabaSigningCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token of temporary credentials. */
  securityToken?: string;
}

export interface RpcRequestToSign {
  /** `ecs.cn-hangzhou.aliyuncs.com` or `127.0.0.1:9000`: the Host header exactly as sent. */
  host: string;
  action: string;
  version: string;
  /** The action's parameters, sent as an `application/x-www-form-urlencoded` body. */
  params: ReadonlyArray<readonly [string, string]>;
  /** `yyyy-MM-ddTHH:mm:ssZ`; default now. */
  date?: string;
  /** Unique per request; default a random UUID. */
  nonce?: string;
}

/** A signed POST / request: the headers to send and the body. */
export interface SignedRpcRequest {
  headers: Record<string, string>;
  body: string;
}

/** `2023-10-26T10:22:32Z`. */
export function acsDate(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Signs one RPC-style call (POST /, parameters in a form body) with ACS3-HMAC-SHA256. */
export function signRpcRequest(request: RpcRequestToSign, credentials: AlibabaSigningCredentials): SignedRpcRequest {
  const body = canonicalForm(request.params);
  const signed: Record<string, string> = {
    host: request.host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': request.action,
    'x-acs-version': request.version,
    'x-acs-date': request.date ?? acsDate(),
    'x-acs-signature-nonce': request.nonce ?? crypto.randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
  };
  if (credentials.securityToken) signed['x-acs-security-token'] = credentials.securityToken;
  const { signature, signedHeaders } = acs3Sign({
    method: 'POST',
    path: '/',
    query: [],
    headers: signed,
    hashedPayload: signed['x-acs-content-sha256'],
    accessKeySecret: credentials.accessKeySecret,
  });
  return {
    headers: { ...signed, authorization: `${ACS3_ALGORITHM} Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}` },
    body,
  };
}
