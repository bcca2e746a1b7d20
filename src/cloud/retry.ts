// Client-side pacing and retrying of cloud calls: a per-action rate limiter shared by
// concurrent calls, exponential backoff with jitter, and AbortSignal-aware waiting.

import { cancelledError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the first retry (before jitter); doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000 });

/**
 * The delay before retry number `retry` (0 for the first retry): exponential with "equal
 * jitter" (half fixed, half random), so throttled clients spread out but still pause.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Throws the cancellation error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Waits `ms`, or rejects with a cancellation error as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or a cancellation error as soon as `signal` fires (the promise itself runs on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export interface RateLimiterOptions {
  /** Requests allowed per key in one window. Default 10. */
  limit?: number;
  /**
   * The sliding window. Default 1100 ms: a little over the server's 1 s so that network
   * jitter between our sending and its receiving does not push an 11th request into its window.
   */
  windowMs?: number;
  now?: () => number;
}

/**
 * At most `limit` requests per key (e.g. `SecretId|ImportKeyPair`) in any sliding window.
 * Share one instance between every client of an account so concurrent calls pace together.
 */
export class RateLimiter {
  private readonly sent = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.limit = options.limit ?? 10;
    this.windowMs = options.windowMs ?? 1100;
    this.now = options.now ?? Date.now;
  }

  /** Resolves when a request for `key` may be sent (and counts it); rejects if `signal` fires first. */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      throwIfAborted(signal);
      const now = this.now();
      const times = (this.sent.get(key) ?? []).filter((t) => now - t < this.windowMs);
      if (times.length < this.limit) {
        times.push(now);
        this.sent.set(key, times);
        return;
      }
      this.sent.set(key, times);
      // Wake when the oldest request leaves the window; others may take the slot first, then loop.
      await sleep(times[0] + this.windowMs - now + 1, signal);
    }
  }
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Whether the failure of attempt number `attempt` (1-based) may be retried. */
  shouldRetry: (error: unknown, attempt: number) => boolean;
  random?: () => number;
}

/**
 * Runs `operation` until it succeeds, a failure may not be retried, or the attempts are used up;
 * waits with backoff between attempts. Rethrows the last failure.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= options.policy.maxAttempts || !options.shouldRetry(error, attempt)) throw error;
      await sleep(backoffDelayMs(attempt - 1, options.policy, options.random), options.signal);
    }
  }
}
