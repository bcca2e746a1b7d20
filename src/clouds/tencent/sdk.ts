// The official Tencent Cloud CVM SDK, loaded only when a cloud call is made (never at
// activation), and its failures turned into CloudErrors. The SDK signs and parses; its bytes go
// through our transport (http-transport.ts: no redirects, a size cap, one deadline per request).

import type * as http from 'node:http';
import type * as https from 'node:https';
import type * as CvmSdk from 'tencentcloud-sdk-nodejs-cvm';
import { CloudError, cancelledError } from '../../cloud/errors';
import { TENCENT_MESSAGES, type TencentErrorContext, tencentApiError } from './errors';
import { type HttpAnswer, TransportFailure, sendHttpRequest } from '../../cloud/http-transport';
import { transportCloudError } from '../../cloud/transport-errors';
import { trackedAttempt } from '../../cloud/deadline';
import type { CallOptions, ResponseInfo } from '../../cloud/provider';
import { type RateLimiter, type RetryPolicy, withRetry } from '../../cloud/retry';

import type * as CommonSdk from 'tencentcloud-sdk-nodejs-common';

export type CvmClient = InstanceType<typeof CvmSdk.cvm.v20170312.Client>;

/** Loads the SDK (about 60–100 ms the first time) with its fetch pointed at our transport. A `require` inside a function keeps it out of activation. */
export function loadTencentCvmSdk(): typeof CvmSdk {
  const sdk = require('tencentcloud-sdk-nodejs-cvm') as typeof CvmSdk;
  routeSdkThroughTransport();
  return sdk;
}

/**
 * The generic API 3.0 client of tencentcloud-sdk-nodejs-common (the package the CVM SDK is built
 * on), for Tencent Cloud products without an SDK of their own here, with the same fetch routing.
 */
export function loadTencentCommonClient(): typeof CommonSdk.AbstractClient {
  const common = require('tencentcloud-sdk-nodejs-common') as typeof CommonSdk;
  routeSdkThroughTransport();
  return common.AbstractClient;
}

/** How our fetch sends a client's requests: given to the SDK as `httpProfile.agent`, which it passes to fetch untouched. */
export interface SdkTransportSettings {
  requestTimeoutSeconds: number;
  maxAnswerBytes?: number;
  /** An http proxy for https endpoints (a CONNECT tunnel). */
  proxy?: string;
  /** Without a proxy, for https: default Node's global agent (which VS Code's proxy support patches). */
  httpsAgent?: https.Agent;
}

const transportSettings = new WeakSet<object>();

/** The `httpProfile.agent` value that makes a client send through our transport (typed as the SDK's Agent, which it is not). */
export function sdkTransportAgent(settings: SdkTransportSettings): http.Agent {
  const agent = { ...settings };
  transportSettings.add(agent);
  return agent as unknown as http.Agent;
}

/** One attempt of one call: its own AbortSignal, under which our fetch records the typed failure the SDK's exception would hide. */
interface AttemptRecord {
  failure?: TransportFailure;
  onSent?: () => void;
}

const attempts = new WeakMap<AbortSignal, AttemptRecord>();

export interface SdkAttempt {
  /** Give it to client.request: it ends the attempt's request when `parent` fires. */
  signal: AbortSignal;
  /** Stops listening to `parent`. */
  end(): void;
}

/** Starts an attempt: `onSent` is told when its request starts going out. */
export function beginSdkAttempt(parent: AbortSignal | undefined, onSent?: () => void): SdkAttempt {
  const controller = new AbortController();
  const forward = () => controller.abort(parent?.reason);
  if (parent?.aborted) forward();
  else parent?.addEventListener('abort', forward, { once: true });
  attempts.set(controller.signal, { onSent });
  return { signal: controller.signal, end: () => parent?.removeEventListener('abort', forward) };
}

type SdkFetch = (url: string, init: SdkFetchInit) => Promise<unknown>;

interface SdkFetchInit {
  method?: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  agent?: unknown;
  signal?: AbortSignal;
}

let routed = false;

/**
 * Replaces, once, the SDK's fetch (node-fetch 2, which follows redirects, has no size cap and starts
 * its timeout only once a socket is attached) with one that sends through our transport for
 * clients whose `agent` is ours; any other client keeps the SDK's own fetch.
 */
function routeSdkThroughTransport(): void {
  if (routed) return;
  // The module whose `default` the SDK's http_connection.js reads at call time, for every request. A
  // literal path, so that esbuild resolves it to the one copy the SDK itself uses in dist/tencent.js.
  const fetchModule = require('tencentcloud-sdk-nodejs-common/tencentcloud/common/http/fetch') as { default: SdkFetch };
  const sdkFetch = fetchModule.default;
  fetchModule.default = (url, init) =>
    init?.agent && typeof init.agent === 'object' && transportSettings.has(init.agent) ? transportFetch(url, init, init.agent as SdkTransportSettings) : sdkFetch(url, init);
  routed = true;
}

async function transportFetch(url: string, init: SdkFetchInit, settings: SdkTransportSettings) {
  const attempt = init.signal ? attempts.get(init.signal) : undefined;
  if (init.body !== undefined && typeof init.body !== 'string' && !Buffer.isBuffer(init.body)) throw new TypeError('only string and Buffer bodies are sent');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) if (value !== undefined && value !== null) headers[name] = String(value);
  try {
    const answer = await sendHttpRequest({
      url,
      method: init.method,
      headers,
      body: init.body as string | Buffer | undefined,
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      maxAnswerBytes: settings.maxAnswerBytes,
      signal: init.signal,
      proxy: settings.proxy,
      httpsAgent: settings.httpsAgent,
      onSent: attempt?.onSent,
    });
    return responseLike(answer);
  } catch (error) {
    if (attempt && error instanceof TransportFailure) attempt.failure = error;
    throw error;
  }
}

/** What the SDK reads of a fetch Response: status, statusText, headers.get and json(). */
function responseLike(answer: HttpAnswer) {
  return {
    status: answer.status,
    statusText: answer.statusText,
    ok: answer.status >= 200 && answer.status < 300,
    headers: {
      get: (name: string): string | null => {
        const value = answer.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => answer.body.toString('utf8'),
    json: async (): Promise<unknown> => JSON.parse(answer.body.toString('utf8')),
  };
}

/** Where and how the request was sent, for the sentences. */
export interface TencentConnection {
  host: string;
  timeoutSeconds: number;
}

function local(kind: CloudError['kind'], code: string, template: string, args: Array<string | number>, action: string, httpStatus?: number): CloudError {
  return new CloudError({ provider: 'tencent', kind, code, template, args, action, httpStatus });
}

/**
 * Turns whatever the SDK threw into a CloudError. A transport failure recorded under the attempt's
 * `signal` comes first (the SDK wraps it into a TencentCloudSDKHttpException with its message
 * only): whether a retry is safe follows from its `sent` flag. Then the SDK's own shapes: API
 * errors with `code` and `requestId`, non-200 answers with `httpCode`, and, by message only,
 * anything else (unreadable bodies, from outside its try block).
 */
export function tencentFailure(error: unknown, context: TencentErrorContext, connection: TencentConnection, signal?: AbortSignal): CloudError {
  if (error instanceof CloudError) return error;
  if (signal?.aborted) return cancelledError('tencent', context.action);
  const typed = (signal && attempts.get(signal)?.failure) ?? (error instanceof TransportFailure ? error : undefined);
  if (typed) return transportCloudError(typed, 'tencent', context.action, TENCENT_MESSAGES);
  const e = (error ?? {}) as { code?: unknown; requestId?: unknown; httpCode?: unknown; message?: unknown };
  const detail = typeof e.message === 'string' ? e.message : String(error);
  const action = context.action;

  if ('requestId' in e && typeof e.code === 'string' && e.code !== '') {
    return tencentApiError(e.code, detail, typeof e.requestId === 'string' ? e.requestId : '', context);
  }
  if (typeof e.httpCode === 'number') {
    const kind = e.httpCode === 429 ? 'throttled' : e.httpCode >= 500 ? 'interrupted' : 'api';
    return local(
      kind,
      'HttpError',
      'Tencent Cloud answered HTTP {0} ({1}) instead of an API response to {2}. Try again later; if it persists, check the endpoint and proxy settings.',
      [e.httpCode, detail, action],
      action,
      e.httpCode,
    );
  }
  if (/network timeout|ETIMEDOUT|timed? ?out/i.test(detail)) {
    return local('timeout', 'Timeout', TENCENT_MESSAGES.timeout, [action, connection.timeoutSeconds], action);
  }
  if (/certificate|CERT_|self[- ]signed|SSL|TLS/i.test(detail)) {
    return local('config', 'TlsFailure', TENCENT_MESSAGES.tlsFailure, [connection.host, detail], action);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(detail)) {
    return local('connection', 'ConnectionFailed', TENCENT_MESSAGES.connectionFailed, [connection.host, detail], action);
  }
  if (/invalid json|JSON|Unexpected (end|token)/i.test(detail) || error instanceof TypeError) {
    return local(
      'interrupted',
      'MalformedResponse',
      'Tencent Cloud sent an unreadable answer to {0}, so whether it took effect is unknown. Refresh and check before trying again.',
      [action],
      action,
    );
  }
  if (/socket hang up|ECONNRESET|premature close|aborted|EPIPE|closed/i.test(detail)) {
    return local('interrupted', 'ConnectionDropped', TENCENT_MESSAGES.connectionDropped, [action], action);
  }
  return local('interrupted', 'UnexpectedFailure', '{0} failed unexpectedly: {1}', [action, detail], action);
}

/** What one API 3.0 call through an SDK client needs besides the action and its parameters. */
export interface SdkCallSetup {
  limiter: RateLimiter;
  /** Calls with the same key are paced together (the cloud's limit is per SecretId and action). */
  limiterKey: string;
  policy: RetryPolicy;
  connection: TencentConnection;
  onResponse?: (info: ResponseInfo) => void;
  /** Gives a failure the product's own sentence (Lighthouse's for its codes); default: as read. */
  translate?: (failure: CloudError, context: TencentErrorContext) => CloudError;
}

/**
 * One API call through an SDK client: paced by the rate limiter, retried with backoff when nothing
 * happened (throttled, no connection) and, for idempotent calls, when the outcome is unknown.
 */
export function callThroughSdk<R>(
  client: { request(action: string, params: object, options: { signal: AbortSignal }): Promise<unknown> },
  action: string,
  region: string | undefined,
  params: object,
  options: CallOptions & { idempotent: boolean; context?: Partial<TencentErrorContext> },
  setup: SdkCallSetup,
): Promise<R> {
  return withRetry(
    trackedAttempt(options, action, options.idempotent, async (onSent) => {
      await setup.limiter.acquire(setup.limiterKey, options.signal);
      const sentAtMs = Date.now();
      // Its own signal per attempt: our fetch records the typed transport failure under it.
      const attempt = beginSdkAttempt(options.signal, onSent);
      try {
        const response = (await client.request(action, params, { signal: attempt.signal })) as R & { RequestId?: string };
        setup.onResponse?.({ action, region, requestId: response?.RequestId ?? '', durationMs: Date.now() - sentAtMs });
        return response;
      } catch (error) {
        const context = { ...options.context, action, region, sentAtMs };
        const read = tencentFailure(error, context, setup.connection, attempt.signal);
        const failure = setup.translate ? setup.translate(read, context) : read;
        setup.onResponse?.({ action, region, requestId: failure.requestId, durationMs: Date.now() - sentAtMs, errorCode: failure.code });
        throw failure;
      } finally {
        attempt.end();
      }
    }),
    {
      policy: setup.policy,
      signal: options.signal,
      shouldRetry: (error) => error instanceof CloudError && (error.retry === 'always' || (options.idempotent && error.retry === 'if-idempotent')),
    },
  );
}
