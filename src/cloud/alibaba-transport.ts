// The HTTPS client of the Alibaba ECS provider: signs each RPC call with ACS3-HMAC-SHA256
// (alibaba-signer.ts) and posts it with node:http(s). No SDK: see the measurements at the top
// of alibaba.ts. Only transport failures become CloudErrors here; API answers go back raw.

import * as http from 'node:http';
import * as https from 'node:https';
import { type AlibabaErrorContext, alibabaError } from './alibaba-errors';
import { ECS_API_VERSION } from './alibaba-rules';
import { type AlibabaSigningCredentials, signRpcRequest } from './alibaba-signer';
import { type ParsedEndpoint, parseEndpoint } from './endpoint';
import { CloudError, cancelledError } from './errors';

export const DEFAULT_ECS_HOST = 'ecs.aliyuncs.com';

/**
 * Reads the endpoint setting (`ecs.cn-hangzhou.aliyuncs.com`, `https://…`, `http://127.0.0.1:9000`;
 * plain http only to loopback). Undefined when empty. Throws a CloudError (kind `config`) before anything is sent.
 */
export function parseAlibabaEndpoint(endpoint: string | undefined): ParsedEndpoint | undefined {
  const parsed = parseEndpoint(endpoint);
  if (parsed === undefined || !('problem' in parsed)) return parsed;
  const text = endpoint?.trim() ?? '';
  switch (parsed.problem) {
    case 'insecure':
      return fail(alibabaError('config', 'InsecureEndpoint', 'insecureEndpoint', [parsed.host]));
    case 'scheme':
      return fail(alibabaError('config', 'InvalidEndpoint', 'invalidEndpoint', [text, `the scheme ${parsed.scheme} is not http(s)`]));
    case 'credentials':
      return fail(alibabaError('config', 'InvalidEndpoint', 'invalidEndpoint', [text, 'it contains a user name or password']));
    case 'path':
      return fail(alibabaError('config', 'InvalidEndpoint', 'invalidEndpoint', [text, 'it has a path or query']));
    default:
      return fail(alibabaError('config', 'InvalidEndpoint', 'invalidEndpoint', [text, 'it is not a host name or URL']));
  }
}

function fail(error: CloudError): never {
  throw error;
}

/** `ecs.<region>.aliyuncs.com`, or `ecs.aliyuncs.com` for region-less calls. */
export function defaultAlibabaEndpoint(region: string | undefined): ParsedEndpoint {
  const hostname = region ? `ecs.${region}.aliyuncs.com` : DEFAULT_ECS_HOST;
  return { protocol: 'https:', host: hostname, hostname };
}

export interface RawAnswer {
  status: number;
  body: string;
  /** The answer's Date header (the server's clock), when readable. */
  serverTimeMs?: number;
}

export interface RpcCall {
  endpoint: ParsedEndpoint;
  credentials: AlibabaSigningCredentials;
  action: string;
  params: ReadonlyArray<readonly [string, string]>;
  timeoutSeconds: number;
  signal?: AbortSignal;
  context: AlibabaErrorContext;
  /** For https endpoints, e.g. a proxy tunnel; default Node's global agent (which VS Code's proxy support patches). */
  httpsAgent?: https.Agent;
}

/** Sends one signed call and resolves with the HTTP status and body, whatever the status; rejects with a CloudError on transport failures. */
export function postRpc(call: RpcCall): Promise<RawAnswer> {
  const { endpoint, action } = call;
  if (call.signal?.aborted) return Promise.reject(cancelledError('alibaba', action));
  const signed = signRpcRequest(
    {
      host: endpoint.host,
      action,
      version: ECS_API_VERSION,
      params: call.params,
    },
    call.credentials,
  );
  const body = Buffer.from(signed.body, 'utf8');
  const headers = signed.headers; // with the Host header exactly as signed
  const transport = endpoint.protocol === 'http:' ? http : https;
  return new Promise<RawAnswer>((resolve, reject) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    const finish = (error: CloudError | undefined, answer?: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request?.destroy();
        reject(error);
      } else resolve(answer as RawAnswer);
    };
    const onAbort = () => finish(cancelledError('alibaba', action));
    const timer = setTimeout(
      () => finish(alibabaError('timeout', 'Timeout', 'timeout', [action, call.timeoutSeconds], { action })),
      call.timeoutSeconds * 1000,
    );
    call.signal?.addEventListener('abort', onAbort, { once: true });
    request = transport.request(
      {
        method: 'POST',
        hostname: endpoint.hostname,
        port: endpoint.port,
        path: '/',
        // Never through an environment proxy: an explicit agent per protocol.
        agent: endpoint.protocol === 'http:' ? new http.Agent() : call.httpsAgent,
        headers: { ...headers, accept: 'application/json', 'content-length': String(body.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (!response.complete) finish(transportFailure(new Error('premature close'), call));
          else {
            const serverTimeMs = response.headers.date ? Date.parse(response.headers.date) : Number.NaN;
            finish(undefined, {
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              serverTimeMs: Number.isNaN(serverTimeMs) ? undefined : serverTimeMs,
            });
          }
        });
        response.on('error', (error) => finish(transportFailure(error, call)));
        response.on('aborted', () => finish(transportFailure(new Error('aborted'), call)));
      },
    );
    request.on('error', (error) => finish(transportFailure(error, call)));
    request.end(body);
  });
}

/** A network failure as a CloudError: refused before sending (`connection`), or cut off with the outcome unknown (`interrupted`). */
function transportFailure(error: Error, call: RpcCall): CloudError {
  const detail = `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim();
  const action = call.action;
  if (/certificate|CERT_|self[- ]signed|SSL|TLS/i.test(detail)) return alibabaError('config', 'TlsFailure', 'tlsFailure', [call.endpoint.host, detail], { action });
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(detail)) {
    return alibabaError('connection', 'ConnectionFailed', 'connectionFailed', [call.endpoint.host, detail], { action });
  }
  return alibabaError('interrupted', 'ConnectionDropped', 'connectionDropped', [action], { action });
}
