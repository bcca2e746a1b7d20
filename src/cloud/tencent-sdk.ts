// The official Tencent Cloud CVM SDK, loaded only when a cloud call is made (never at
// activation), and its failures turned into CloudErrors.

import type * as CvmSdk from 'tencentcloud-sdk-nodejs-cvm';
import { CloudError, type TencentErrorContext, cancelledError, tencentApiError } from './errors';

export type CvmClient = InstanceType<typeof CvmSdk.cvm.v20170312.Client>;

/** Loads the SDK (about 60–100 ms the first time). A `require` inside a function keeps it out of activation. */
export function loadTencentCvmSdk(): typeof CvmSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('tencentcloud-sdk-nodejs-cvm') as typeof CvmSdk;
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
 * Turns whatever the SDK threw into a CloudError. The SDK reports API errors as
 * TencentCloudSDKHttpException with `code` and `requestId`, non-200 answers with `httpCode`,
 * and network failures (and, from outside its try block, unreadable bodies) by message only.
 */
export function tencentFailure(error: unknown, context: TencentErrorContext, connection: TencentConnection, signal?: AbortSignal): CloudError {
  if (error instanceof CloudError) return error;
  if (signal?.aborted) return cancelledError('tencent', context.action);
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
    return local(
      'timeout',
      'Timeout',
      'Tencent Cloud did not answer {0} within {1} seconds. Check the network connection and proxy, then try again.',
      [action, connection.timeoutSeconds],
      action,
    );
  }
  if (/certificate|CERT_|self[- ]signed|SSL|TLS/i.test(detail)) {
    return local(
      'config',
      'TlsFailure',
      'The secure connection to {0} failed: {1}. A proxy or antivirus may be intercepting HTTPS; check the proxy settings.',
      [connection.host, detail],
      action,
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(detail)) {
    return local(
      'connection',
      'ConnectionFailed',
      'Could not connect to {0}: {1}. Check the network connection, the proxy and the endpoint setting.',
      [connection.host, detail],
      action,
    );
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
    return local(
      'interrupted',
      'ConnectionDropped',
      'The connection to Tencent Cloud dropped during {0}, so whether it took effect is unknown. Refresh and check before trying again.',
      [action],
      action,
    );
  }
  return local('interrupted', 'UnexpectedFailure', '{0} failed unexpectedly: {1}', [action, detail], action);
}
