// A TransportFailure (http-transport.ts) as a CloudError, the same way for every cloud: each cloud
// gives its own sentences under the same message ids. Whether a retry is safe follows from the
// failure's `sent` flag: nothing sent → `connection` (always safe); sent → the outcome is unknown.

import { CloudError, type CloudErrorKind, type CloudProviderId, cancelledError } from './errors';
import type { TransportFailure } from './http-transport';

/** The sentences a cloud supplies, with their arguments: */
export interface TransportMessages {
  /** {0} action, {1} seconds. */
  timeout: string;
  /** {0} host, {1} seconds. */
  connectTimeout: string;
  /** {0} host, {1} the system's words. */
  connectionFailed: string;
  /** {0} proxy, {1} host, {2} what the proxy did. */
  proxyFailed: string;
  /** {0} host, {1} the system's words. */
  tlsFailure: string;
  /** {0} action. */
  connectionDropped: string;
  /** {0} action, {1} the host the redirect pointed to. */
  redirectRefused: string;
  /** {0} action, {1} the cap in MB. */
  answerTooLarge: string;
}

const MB = 1024 * 1024;

/** The CloudError for a request that got no usable answer. */
export function transportCloudError(failure: TransportFailure, provider: CloudProviderId, action: string, messages: TransportMessages): CloudError {
  const { facts } = failure;
  const make = (kind: CloudErrorKind, code: string, template: string, args: Array<string | number>, httpStatus?: number) =>
    new CloudError({ provider, kind, code, template, args, action, httpStatus });
  switch (failure.kind) {
    case 'cancelled':
      return cancelledError(provider, action);
    case 'timeout':
      return failure.sent
        ? make('timeout', 'Timeout', messages.timeout, [action, facts.timeoutSeconds ?? '?'])
        : make('connection', 'ConnectTimeout', messages.connectTimeout, [facts.host, facts.timeoutSeconds ?? '?']);
    case 'proxy':
      return make('connection', 'ProxyFailed', messages.proxyFailed, [facts.proxy ?? '?', facts.host, facts.detail ?? '?']);
    case 'tls':
      return make('config', 'TlsFailure', messages.tlsFailure, [facts.host, facts.detail ?? '?']);
    case 'connect-failed':
      return make('connection', 'ConnectionFailed', messages.connectionFailed, [facts.host, facts.detail ?? '?']);
    case 'dropped':
      return make('interrupted', 'ConnectionDropped', messages.connectionDropped, [action]);
    case 'redirect':
      // The server answered, with something that is no API answer: nothing to retry or recover.
      return make('api', 'RedirectRefused', messages.redirectRefused, [action, facts.redirectHost ?? '?'], facts.status);
    case 'too-large':
      // Like an unreadable answer: the call may have been carried out.
      return make('interrupted', 'AnswerTooLarge', messages.answerTooLarge, [action, Math.round(((facts.limitBytes ?? 0) / MB) * 10) / 10]);
  }
}
