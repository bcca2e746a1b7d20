// STS GetCallerIdentity of a Lighthouse account (the Tencent Cloud account it shares with CVM)
// through the REAL common client against the fake Lighthouse, which answers it at the same URL.

import * as assert from 'node:assert/strict';
import { failsWith as failsWithCode } from '../../../fakes/fails-with';
import { LighthouseProvider, type LighthouseOptions } from '../../../../src/clouds/lighthouse/provider';
import { createProvider } from '../../../../src/clouds/lighthouse/chunk';
import { RateLimiter } from '../../../../src/cloud/retry';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';
import { FAKE_OTHER_ACCOUNT_CREDENTIAL } from '../../tencent/fake/server';
import { STS_API_VERSION } from '../../tencent/fake/sts';
import { sendRawTc3Request } from '../../../fakes/raw-tc3-client';

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 };


const failsWith = (promise: Promise<unknown>, code: string) => failsWithCode(promise, code, 'lighthouse');

describe('Lighthouse: STS GetCallerIdentity (real SDK, fake Lighthouse)', function () {
  this.timeout(30_000);
  let fake: FakeLighthouse;
  const savedProxy = process.env.http_proxy;
  const limiter = new RateLimiter();
  const provider = (options: Partial<LighthouseOptions> = {}) =>
    new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });

  before(async () => {
    delete process.env.http_proxy;
    fake = new FakeLighthouse({ credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }] });
    await fake.start();
  });
  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it("names the API key's root account UIN, signed for sts with Version 2018-08-13", async () => {
    const identity = await provider().getCallerIdentity();
    assert.equal(identity.accountId, '100000000001');
    assert.equal(identity.type, 'CAMUser');
    assert.equal((await provider({ credentials: { ...FAKE_OTHER_ACCOUNT_CREDENTIAL } }).getCallerIdentity()).accountId, '100000000002');
    const requests = fake.requests.filter((r) => r.action === 'GetCallerIdentity');
    assert.equal(requests.length, 2);
    assert.ok(requests.every((r) => r.signatureVerified && !r.errorCode));
    const base = { url: fake.url, action: 'GetCallerIdentity', region: 'ap-guangzhou', version: STS_API_VERSION, ...FAKE_TEST_CREDENTIAL };
    assert.equal((await sendRawTc3Request({ ...base, service: 'sts' })).response?.AccountId, '100000000001');
    assert.equal((await sendRawTc3Request({ ...base, service: 'lighthouse' })).response?.Error?.Code, 'AuthFailure.SignatureFailure');
  });

  it('a hostile AccountId is a MalformedResponse; a refusal is the cloud\'s code', async () => {
    for (const value of ['1000000000a1', 1e11, '9'.repeat(21)]) {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.AccountId': value } }, action: 'GetCallerIdentity', times: 1 });
      await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
    }
    fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'UnauthorizedOperation', Message: 'no' } } }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'UnauthorizedOperation');
    await failsWith(provider({ credentials: { ...FAKE_TEST_CREDENTIAL, secretKey: 'wrong' } }).getCallerIdentity(), 'AuthFailure.SignatureFailure');
  });

  it('has a deadline', async () => {
    fake.faults.add({ fault: { kind: 'hang' }, action: 'GetCallerIdentity' });
    await failsWith(provider({ requestTimeoutSeconds: 5, operationTimeoutSeconds: 1 }).getCallerIdentity(), 'OperationTimeout');
    fake.reset();
  });

  it("the extension's provider offers it", async () => {
    const p = createProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, language: 'en-US' });
    assert.equal((await p.getCallerIdentity!()).accountId, '100000000001');
  });
});
