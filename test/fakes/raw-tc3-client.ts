// A minimal hand-made TC3 client for tests that must control every byte the SDK would
// decide itself: bad signatures, old timestamps, odd hosts and services.

import * as http from 'node:http';
import { tc3Authorization, tc3Sign } from './tc3';

export interface RawTc3Request {
  /** `http://127.0.0.1:<port>` */
  url: string;
  action: string;
  region?: string;
  params?: unknown;
  /** Exact body bytes; default JSON.stringify(params ?? {}). */
  body?: string;
  secretId: string;
  secretKey: string;
  token?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  version?: string;
  /** Service in the credential scope (`cvm`, `lighthouse`): the product the host serves. */
  service: string;
  /** The host value signed; default the Host header (host:port). */
  signedHost?: string;
  /** Replaces the computed signature (64 hex digits). */
  signatureOverride?: string;
  timeoutMs?: number;
}

export interface RawTc3Response {
  status: number;
  body: string;
  /** The parsed `Response` object, when the body was JSON. */
  response?: { Error?: { Code: string; Message: string }; RequestId?: string; [key: string]: unknown };
}

/** Signs and sends one request with node:http; rejects on socket errors and on `timeoutMs`. */
export function sendRawTc3Request(request: RawTc3Request): Promise<RawTc3Response> {
  const url = new URL(request.url);
  const body = request.body ?? JSON.stringify(request.params ?? {});
  const timestamp = request.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = 'application/json';
  const signature = tc3Sign({
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': contentType, host: request.signedHost ?? url.host },
    payload: body,
    timestamp,
    service: request.service,
    secretKey: request.secretKey,
  });
  if (request.signatureOverride) signature.signature = request.signatureOverride;
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    Host: url.host,
    'X-TC-Action': request.action,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': request.version ?? '2017-03-12',
    Authorization: tc3Authorization(request.secretId, signature),
  };
  if (request.region !== undefined) headers['X-TC-Region'] = request.region;
  if (request.token !== undefined) headers['X-TC-Token'] = request.token;

  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let response: RawTc3Response['response'];
        try {
          response = (JSON.parse(text) as { Response?: RawTc3Response['response'] }).Response;
        } catch {
          response = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, response });
      });
    });
    if (request.timeoutMs) {
      req.setTimeout(request.timeoutMs, () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)));
    }
    req.on('error', reject);
    req.end(body);
  });
}
