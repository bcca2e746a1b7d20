// The provider contract: what every cloud's provider does against its own fake when the network and
// the cloud misbehave — throttling, 5xx, garbled and dropped answers, lost answers of writes,
// cancellation, deadlines, malformed fields. Written once; each cloud's
// test/clouds/<cloud>/unit/contract.test.ts runs it with a harness for its provider and fake.
import * as assert from 'node:assert/strict';
import { failsWith } from '../fakes/fails-with';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CloudKeyProvider } from '../../src/cloud/provider';
import { CloudError, isCancellation } from '../../src/cloud/errors';
import type { RetryPolicy } from '../../src/cloud/retry';
import type { FakeCloudServer } from '../fakes/fake-http';
import type { FaultRule } from '../fakes/fault-injection';

/** Retries fast enough for tests, with the attempts the products use. */
export const CONTRACT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 };

export interface ContractProviderOptions {
  timeoutSeconds?: number;
  retry?: Partial<RetryPolicy>;
}

/** What the contract needs to know about one cloud. */
export interface ProviderContractHarness {
  /** For the test titles (`Tencent Cloud CVM`). */
  cloud: string;
  /** The region its calls use (an account-wide cloud still names one for instances). */
  region: string;
  /** Starts a fresh fake; the contract stops it. */
  startFake(): Promise<ContractFake>;
  /** A provider for the fake at `url`, with the given deadlines and retries (an own rate limiter). */
  provider(url: string, options: ContractProviderOptions): CloudKeyProvider;
  /** A new public key line of a type the cloud imports (made by ssh-keygen). */
  newPublicKey(label: string): string;
  /** A key pair name the cloud accepts, made from `base` (letters and digits). */
  keyName(base: string): string;
  /** A rewrite of the DescribeKeyPairs answer that puts `value` in the first key pair's id, and the field name the MalformedResponse must name. */
  malformedKeyPairId(value: string): { set: Record<string, unknown>; field: string };
}

export interface ContractFake {
  url: string;
  /** Every request the fake answered (or dropped), oldest first. */
  requests(): ReadonlyArray<{ action?: string; errorCode?: string }>;
  clearRequests(): void;
  addFault(rule: FaultRule): void;
  /** Key pairs the fake holds in `region` (every one, for an account-wide cloud). */
  keyPairCount(region: string): number;
  reset(): void;
  stop(): Promise<void>;
}

/** Starts `fake` (any FakeCloudServer) and gives the contract its view of it. */
export async function startContractFake(
  fake: FakeCloudServer<{ action?: string; errorCode?: string }> & { reset(): void },
  keyPairCount: (region: string) => number,
): Promise<ContractFake> {
  const url = await fake.start();
  return {
    url,
    requests: () => fake.requests,
    clearRequests: () => fake.clearRequests(),
    addFault: (rule) => fake.faults.add(rule),
    keyPairCount,
    reset: () => fake.reset(),
    stop: () => fake.stop(),
  };
}


export function describeProviderContract(harness: ProviderContractHarness): void {
  describe(`provider contract: ${harness.cloud} against its fake`, function () {
    this.timeout(30_000);
    let fake: ContractFake;
    const { region } = harness;
    const provider = (options: ContractProviderOptions = {}) => harness.provider(fake.url, { timeoutSeconds: 2, retry: CONTRACT_RETRY, ...options });
    const count = (action: string) => fake.requests().filter((r) => r.action === action).length;

    before(async () => {
      fake = await harness.startFake();
    });
    after(() => fake.stop());
    beforeEach(() => fake.reset());

    it('retries a throttled call with backoff until it succeeds @throttle', async () => {
      fake.addFault({ fault: { kind: 'throttle' }, action: 'DescribeRegions', times: 2 });
      assert.ok((await provider().listRegions()).length > 0);
      const sent = fake.requests().filter((r) => r.action === 'DescribeRegions');
      assert.equal(sent.length, 3);
      assert.ok(sent[0].errorCode && sent[1].errorCode && !sent[2].errorCode, JSON.stringify(sent));
    });

    it('gives up on throttling after the bounded number of attempts, as kind "throttled" @throttle', async () => {
      fake.addFault({ fault: { kind: 'throttle' }, action: 'DescribeRegions' });
      await assert.rejects(provider().listRegions(), (e: unknown) => e instanceof CloudError && e.kind === 'throttled');
      assert.equal(count('DescribeRegions'), CONTRACT_RETRY.maxAttempts);
    });

    it('retries reads after a 5xx, a truncated answer or a dropped connection @http-5xx @malformed-json @reset', async () => {
      fake.addFault({ fault: { kind: 'http-error', status: 502 }, action: 'DescribeKeyPairs', times: 1 });
      fake.addFault({ fault: { kind: 'malformed-json' }, action: 'DescribeRegions', times: 1 });
      const cloud = provider();
      assert.deepEqual(await cloud.listKeyPairs({ region }), []);
      assert.ok((await cloud.listRegions()).length > 0);
      fake.addFault({ fault: { kind: 'reset' }, action: 'DescribeKeyPairs', times: 1 });
      assert.deepEqual(await cloud.listKeyPairs({ region }), []);
      assert.deepEqual([count('DescribeKeyPairs'), count('DescribeRegions')], [4, 2]);
    });

    it('recovers an import that landed although its answer timed out: no duplicate, not sent again @timeout', async () => {
      fake.addFault({ fault: { kind: 'latency', ms: 1500, afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
      const result = await provider({ timeoutSeconds: 0.5 }).importKeyPair({ region, name: harness.keyName('slow'), publicKey: harness.newPublicKey('slow') });
      assert.deepEqual([result.alreadyExisted, result.recoveredAfterLostAnswer], [false, true]);
      assert.equal(fake.keyPairCount(region), 1);
      assert.equal(count('ImportKeyPair'), 1, 'the import must not be sent again');
    });

    it('recovers an import whose connection dropped mid-answer @reset', async () => {
      fake.addFault({ fault: { kind: 'reset', afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
      const result = await provider().importKeyPair({ region, name: harness.keyName('dropped'), publicKey: harness.newPublicKey('dropped') });
      assert.equal(result.recoveredAfterLostAnswer, true);
      assert.equal(fake.keyPairCount(region), 1);
      assert.equal(count('ImportKeyPair'), 1);
    });

    it('re-sends an import that never landed, once it has looked @http-5xx', async () => {
      fake.addFault({ fault: { kind: 'http-error', status: 503 }, action: 'ImportKeyPair', times: 1 });
      const result = await provider().importKeyPair({ region, name: harness.keyName('retried'), publicKey: harness.newPublicKey('retried') });
      assert.deepEqual([result.alreadyExisted, result.recoveredAfterLostAnswer], [false, false]);
      assert.equal(fake.keyPairCount(region), 1);
      assert.deepEqual(fake.requests().map((r) => r.action), ['ImportKeyPair', 'DescribeKeyPairs', 'ImportKeyPair']);
    });

    it('reports a created key pair whose private key was lost, instead of creating another @timeout', async () => {
      fake.addFault({ fault: { kind: 'reset', afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      const name = harness.keyName('lost');
      const lost = await failsWith(provider().createKeyPair({ region, name }), 'CreateOutcomeLost');
      assert.equal(lost.kind, 'outcome-lost');
      assert.ok(lost.message.includes(name), lost.message);
      assert.equal(count('CreateKeyPair'), 1);
      assert.equal(fake.keyPairCount(region), 1);
    });

    it('cancels a call in flight, a backoff wait, and a call cancelled beforehand (sending nothing) @cancel', async () => {
      fake.addFault({ fault: { kind: 'latency', ms: 3000 }, action: 'DescribeRegions', times: 1 });
      const inFlight = new AbortController();
      let started = Date.now();
      setTimeout(() => inFlight.abort(), 100);
      await assert.rejects(provider().listRegions({ signal: inFlight.signal }), isCancellation);
      assert.ok(Date.now() - started < 1500);

      fake.addFault({ fault: { kind: 'throttle' }, action: 'DescribeKeyPairs' });
      const duringBackoff = new AbortController();
      started = Date.now();
      setTimeout(() => duringBackoff.abort(), 200);
      await assert.rejects(provider({ retry: { maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 5000 } }).listKeyPairs({ region }, { signal: duringBackoff.signal }), isCancellation);
      assert.ok(Date.now() - started < 1500);

      fake.clearRequests();
      await assert.rejects(provider().importKeyPair({ region, name: harness.keyName('never'), publicKey: harness.newPublicKey('never') }, { signal: AbortSignal.abort() }), isCancellation);
      assert.equal(fake.requests().length, 0);
    });

    it('explains a read that never answers as a timeout, after its retries @timeout', async () => {
      fake.addFault({ fault: { kind: 'hang' }, action: 'DescribeRegions' });
      const error = await failsWith(provider({ timeoutSeconds: 0.2, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }).listRegions(), 'Timeout');
      assert.match(error.message, /did not answer DescribeRegions within 0\.2 seconds/);
      assert.equal(count('DescribeRegions'), 2);
    });

    it('refuses a redirect, naming where it pointed, and follows none @redirect', async () => {
      fake.addFault({ fault: { kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/elsewhere' }, action: 'DescribeKeyPairs' });
      const error = await failsWith(provider().listKeyPairs({ region }), 'RedirectRefused');
      assert.ok(error.message.includes('127.0.0.1:9'), error.message);
      assert.equal(count('DescribeKeyPairs'), 1, 'a redirect is not retried');
    });

    it('a key pair id in the listing that breaks the documented pattern is MalformedResponse naming the field', async () => {
      await provider().importKeyPair({ region, name: harness.keyName('listed'), publicKey: harness.newPublicKey('listed') });
      const { set, field } = harness.malformedKeyPairId('../../escape');
      fake.addFault({ fault: { kind: 'rewrite', set }, action: 'DescribeKeyPairs' });
      const error = await failsWith(provider().listKeyPairs({ region }), 'MalformedResponse');
      assert.ok(error.message.includes(field), `${error.message} does not name ${field}`);
    });
  });
}

/** Public keys made by the real ssh-keygen, one per label, in a temporary folder. */
export function keygenPublicKeys(type: 'ed25519' | 'rsa'): (label: string) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-contract-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return (label) => {
    const file = path.join(dir, `${label}-${++n}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', `${label}@contract`, '-f', file], { stdio: 'pipe' });
    return fs.readFileSync(`${file}.pub`, 'utf8').trim();
  };
}
