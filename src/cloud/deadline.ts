// The limits of every provider operation: each request has its deadline (http-transport.ts), and
// each public operation as a whole (its retries, backoff waits, pages and recovery listings
// included) has one too. When that fires, the operation rejects with OperationTimeout at once,
// saying whether a call that changes something was sent without an answer (then its outcome is
// unknown). Its timer keeps Node alive, so a CLI waits for it rather than exiting silently.

import { CloudError, type CloudProviderId } from './errors';
import type { CallOptions, CloudKeyProvider } from './provider';

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;
export const DEFAULT_OPERATION_TIMEOUT_SECONDS = 45;

/** The provider options both clouds take for their limits. */
export interface NetworkLimitOptions {
  /** Each request, from before DNS to the last byte of the answer. Default 15. */
  requestTimeoutSeconds?: number;
  /** The former name of `requestTimeoutSeconds` (used when that is not set). */
  timeoutSeconds?: number;
  /** Each public operation as a whole: retries, backoff waits and every page. Default 45. */
  operationTimeoutSeconds?: number;
  /** Cap on one answer's size. Default 4 MiB. */
  maxAnswerBytes?: number;
}

export interface NetworkLimits {
  requestTimeoutSeconds: number;
  operationTimeoutSeconds: number;
  maxAnswerBytes?: number;
}

const positive = (value: number | undefined): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/** The options with their defaults (an unusable value counts as unset). */
export function networkLimits(options: NetworkLimitOptions): NetworkLimits {
  return {
    requestTimeoutSeconds: positive(options.requestTimeoutSeconds) ?? positive(options.timeoutSeconds) ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
    operationTimeoutSeconds: positive(options.operationTimeoutSeconds) ?? DEFAULT_OPERATION_TIMEOUT_SECONDS,
    maxAnswerBytes: positive(options.maxAnswerBytes),
  };
}

/** A cloud's sentences for the deadline: {0} the action, {1} the seconds. */
export interface OperationTimeoutMessages {
  operationTimeout: string;
  /** When a call that changes something was sent and its answer never came. */
  operationOutcomeUnknown: string;
}

/** What the deadline knew when it fired. */
interface OperationTimeoutFacts {
  seconds: number;
  /** The action attempted last. */
  action: string;
  /** A call that changes something, sent, whose answer never came: its outcome is unknown. */
  unansweredAction?: string;
}

/** OperationTimeout (kind `timeout`): the operation did not finish in time, naming the action whose outcome is unknown if there is one. */
export function operationTimeoutError(provider: CloudProviderId, facts: OperationTimeoutFacts, messages: OperationTimeoutMessages): CloudError {
  const action = facts.unansweredAction ?? facts.action;
  const template = facts.unansweredAction ? messages.operationOutcomeUnknown : messages.operationTimeout;
  return new CloudError({ provider, kind: 'timeout', code: 'OperationTimeout', template, args: [action, facts.seconds], action });
}

const SCOPE = Symbol('operation scope');

/** The operation a call belongs to: what the deadline's sentence needs. */
interface OperationScope {
  action?: string;
  unansweredAction?: string;
}

type ScopedOptions = CallOptions & { [SCOPE]?: OperationScope };

/** Where each operation takes its CallOptions. Typed over the interface: a new operation must be listed. */
const OPTIONS_ARGUMENT: { [K in Exclude<keyof CloudKeyProvider, 'id'>]: number } = {
  importKeyPair: 1,
  createKeyPair: 1,
  listKeyPairs: 1,
  deleteKeyPairs: 1,
  modifyKeyPair: 1,
  associateKeyPairs: 1,
  disassociateKeyPairs: 1,
  listRegions: 0,
  listInstances: 1,
  getCallerIdentity: 0,
};

/**
 * Gives every operation of `provider` the whole-operation deadline (called from its constructor).
 * An operation called from inside another (a recovery listing) runs under the outer one's deadline.
 */
export function applyOperationDeadline(provider: CloudKeyProvider, seconds: number, messages: OperationTimeoutMessages): void {
  const timeoutError = (facts: OperationTimeoutFacts) => operationTimeoutError(provider.id, facts, messages);
  for (const [name, index] of Object.entries(OPTIONS_ARGUMENT)) {
    // An optional operation the provider does not have stays absent.
    if (typeof (provider as unknown as Record<string, unknown>)[name] !== 'function') continue;
    const operation = (provider as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name].bind(provider);
    const withDeadline = (...args: unknown[]) =>
      withinDeadline(args[index] as ScopedOptions | undefined, name, seconds, timeoutError, (options) => {
        const scopedArgs = [...args];
        scopedArgs[index] = options;
        return operation(...scopedArgs);
      });
    Object.defineProperty(provider, name, { value: withDeadline, configurable: true, writable: true });
  }
}

function withinDeadline<T>(
  options: ScopedOptions | undefined,
  name: string,
  seconds: number,
  timeoutError: (facts: OperationTimeoutFacts) => CloudError,
  run: (options: ScopedOptions) => Promise<T>,
): Promise<T> {
  if (options?.[SCOPE]) return run(options);
  const scope: OperationScope = {};
  const controller = new AbortController();
  const parent = options?.signal;
  const forwardAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) forwardAbort();
  else parent?.addEventListener('abort', forwardAbort, { once: true });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = timeoutError({ seconds, action: scope.action ?? name, unansweredAction: scope.unansweredAction });
      reject(error);
      controller.abort(error); // stops whatever is still running; its own rejection is ignored
    }, seconds * 1000);
    run({ ...options, signal: controller.signal, [SCOPE]: scope })
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        parent?.removeEventListener('abort', forwardAbort);
      });
  });
}

/**
 * One attempt of `action` as the operation's deadline tracks it: `attempt` gets an `onSent` to call
 * when the request starts going out. A call that changes something (not idempotent), sent, stays
 * "unanswered" until an attempt of it gets an answer that settles its outcome.
 */
export function trackedAttempt<R>(options: CallOptions, action: string, idempotent: boolean, attempt: (onSent: () => void) => Promise<R>): () => Promise<R> {
  return async () => {
    const scope = (options as ScopedOptions)[SCOPE];
    if (scope) scope.action = action;
    let sent = false;
    const onSent = () => {
      sent = true;
      if (scope && !idempotent) scope.unansweredAction = action;
    };
    const settled = () => {
      if (sent && scope?.unansweredAction === action) scope.unansweredAction = undefined;
    };
    try {
      const result = await attempt(onSent);
      settled();
      return result;
    } catch (error) {
      const outcomeKnown = error instanceof CloudError && !error.outcomeUnknown && error.kind !== 'cancelled';
      if (outcomeKnown) settled();
      throw error;
    }
  };
}
