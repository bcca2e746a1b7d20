// Backoff, the client-side rate limiter and the retry loop.

import * as assert from 'node:assert/strict';
import { CloudError, isCancellation } from '../../src/cloud/errors';
import { RateLimiter, backoffDelayMs, sleep, withRetry } from '../../src/cloud/retry';

describe('cloud retry helpers', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('backs off exponentially with jitter, within bounds', () => {
    assert.equal(backoffDelayMs(0, policy, () => 0), 50);
    assert.equal(backoffDelayMs(0, policy, () => 1), 100);
    assert.equal(backoffDelayMs(3, policy, () => 1), 800);
    assert.equal(backoffDelayMs(10, policy, () => 1), 1000);
    assert.equal(backoffDelayMs(10, policy, () => 0), 500);
  });

  it('rate-limits per key over a sliding window, shared by concurrent callers', async () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 150 });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => limiter.acquire('id|DescribeKeyPairs').then(() => times.push(Date.now() - started))));
    times.sort((a, b) => a - b);
    assert.ok(times[2] < 100, `the first 3 should pass at once: ${times}`);
    assert.ok(times[3] >= 140, `the 4th should wait for the window: ${times}`);
    assert.ok(times[6] >= 290, `the 7th should wait two windows: ${times}`);
    // Another key is not slowed down.
    const other = Date.now();
    await limiter.acquire('id|ImportKeyPair');
    assert.ok(Date.now() - other < 50);
  });

  it('stops waiting for the rate limiter when cancelled', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 });
    await limiter.acquire('k');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(limiter.acquire('k', controller.signal), isCancellation);
    await assert.rejects(sleep(10, AbortSignal.abort()), isCancellation);
  });

  it('retries only what may be retried, a bounded number of times', async () => {
    const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls < 3) throw new Error('flaky');
      return Promise.resolve('done');
    };
    assert.equal(await withRetry(async () => flaky(), { policy: fast, shouldRetry: () => true }), 'done');
    assert.equal(calls, 3);

    calls = 0;
    await assert.rejects(withRetry(async () => flaky(), { policy: { ...fast, maxAttempts: 2 }, shouldRetry: () => true }), /flaky/);
    assert.equal(calls, 2);

    calls = 0;
    const fatal = new CloudError({ kind: 'api', code: 'AuthFailure.SignatureFailure', template: 'no' });
    await assert.rejects(withRetry(async () => { calls++; throw fatal; }, { policy: fast, shouldRetry: (e) => (e as CloudError).retry !== 'never' }), fatal);
    assert.equal(calls, 1);
  });
});
