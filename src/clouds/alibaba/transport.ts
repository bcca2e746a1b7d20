// The HTTPS client of the Alibaba ECS provider: signs each RPC call with ACS3-HMAC-SHA256
// (signer.ts) and posts it through cloud/http-transport.ts (no redirects, a size cap, one
// deadline per request). No SDK: see the measurements at the top of alibaba.ts. Only transport
// failures become CloudErrors here; API answers go back raw.

import type * as https from 'node:https';
import { ALIBABA_MESSAGES, type AlibabaErrorContext, alibabaError } from './errors';
import { ECS_API_VERSION } from './descriptor';
import { type AlibabaSigningCredentials, signRpcRequest } from './signer';
import { type ParsedEndpoint, parseEndpoint } from '../../cloud/endpoint';
import type { CloudError } from '../../cloud/errors';
import { TransportFailure, sendHttpRequest } from '../../cloud/http-transport';
import { transportCloudError } from '../../cloud/transport-errors';

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
  /** The API version (x-acs-version). Default ECS's. */
  version?: string;
  params: ReadonlyArray<readonly [string, string]>;
  timeoutSeconds: number;
  signal?: AbortSignal;
  context: AlibabaErrorContext;
  /** An http proxy for https endpoints (a CONNECT tunnel); never used for plain http. */
  proxy?: string;
  /** Without a proxy, for https: default Node's global agent (which VS Code's proxy support patches). */
  httpsAgent?: https.Agent;
  /** Cap on the answer's size. Default 4 MiB. */
  maxAnswerBytes?: number;
  /** Called when the request starts going out. */
  onSent?: () => void;
}

/**
 * Sends one signed call and resolves with the HTTP status and body, whatever the status but a
 * redirect (never followed, never an API answer); rejects with a CloudError on transport failures.
 */
export async function postRpc(call: RpcCall): Promise<RawAnswer> {
  const { endpoint, action } = call;
  const signed = signRpcRequest(
    {
      host: endpoint.host,
      action,
      version: call.version ?? ECS_API_VERSION,
      params: call.params,
    },
    call.credentials,
  );
  try {
    const answer = await sendHttpRequest({
      url: `${endpoint.protocol}//${endpoint.host}/`,
      method: 'POST',
      headers: { ...signed.headers, accept: 'application/json' }, // with the Host header exactly as signed
      body: signed.body,
      timeoutMs: call.timeoutSeconds * 1000,
      maxAnswerBytes: call.maxAnswerBytes,
      signal: call.signal,
      proxy: endpoint.protocol === 'https:' ? call.proxy : undefined,
      httpsAgent: call.httpsAgent,
      onSent: call.onSent,
    });
    const date = answer.headers.date;
    const serverTimeMs = date ? Date.parse(date) : Number.NaN;
    return { status: answer.status, body: answer.body.toString('utf8'), serverTimeMs: Number.isNaN(serverTimeMs) ? undefined : serverTimeMs };
  } catch (error) {
    if (error instanceof TransportFailure) throw transportCloudError(error, 'alibaba', action, ALIBABA_MESSAGES);
    throw alibabaError('interrupted', 'UnexpectedFailure', 'connectionDropped', [action], { action });
  }
}
