// STS GetCallerIdentity through the REAL SDK (the common client, our transport) against the fake
// CVM, which answers it at the same URL: which account an API key is, and the trust boundary.

import * as assert from 'node:assert/strict';
import { failsWith } from '../../../fakes/fails-with';
import { TencentCvmProvider, type TencentCvmOptions } from '../../../../src/clouds/tencent/provider';
import { createProvider } from '../../../../src/clouds/tencent/chunk';
import { parseTencentEndpoint } from '../../../../src/clouds/tencent/endpoint';
import { STS_API_VERSION, readTencentCallerIdentity, tencentStsEndpoint } from '../../../../src/clouds/tencent/identity';
import { MalformedField } from '../../../../src/cloud/answer-fields';
import { RateLimiter } from '../../../../src/cloud/retry';
import { FAKE_OTHER_ACCOUNT_CREDENTIAL, FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { sendRawTc3Request } from '../../../fakes/raw-tc3-client';

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 };
const TEMPORARY = { secretId: 'AKIDtemporaryCredential0001', secretKey: 'temporarySecretKey', token: 'session-token-1' };


describe('Tencent STS GetCallerIdentity (real SDK, fake CVM)', function () {
  this.timeout(30_000);
  let fake: FakeTencentCvm;
  const savedProxy = process.env.http_proxy;
  const limiter = new RateLimiter();
  const provider = (options: Partial<TencentCvmOptions> = {}) =>
    new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });
  const stsRequests = () => fake.requests.filter((r) => r.action === 'GetCallerIdentity');

  before(async () => {
    delete process.env.http_proxy;
    fake = new FakeTencentCvm({ credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }, { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }, TEMPORARY] });
    await fake.start();
  });
  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('derives the STS host from the endpoint setting: sts.<rest> of a Tencent Cloud host, a loopback URL itself, else the default', () => {
    const sts = (setting: string | undefined) => tencentStsEndpoint(parseTencentEndpoint(setting));
    assert.deepEqual(sts(undefined), { protocol: 'https://', host: 'sts.tencentcloudapi.com' });
    assert.deepEqual(sts('cvm.tencentcloudapi.com'), { protocol: 'https://', host: 'sts.tencentcloudapi.com' });
    assert.deepEqual(sts('cvm.intl.tencentcloudapi.com'), { protocol: 'https://', host: 'sts.intl.tencentcloudapi.com' });
    assert.deepEqual(sts('https://lighthouse.ap-shanghai-fsi.tencentcloudapi.com'), { protocol: 'https://', host: 'sts.ap-shanghai-fsi.tencentcloudapi.com' });
    assert.deepEqual(sts('http://127.0.0.1:9000'), { protocol: 'http://', host: '127.0.0.1:9000' });
    assert.deepEqual(sts('https://gateway.example.com'), { protocol: 'https://', host: 'gateway.example.com' });
  });

  it("names each API key's own root account UIN, signed and versioned as STS", async () => {
    assert.deepEqual(await provider().getCallerIdentity(), {
      accountId: '100000000001',
      accountIdName: 'uin',
      principalId: '100000000001',
      arn: 'qcs::cam::uin/100000000001:uin/100000000001',
      type: 'CAMUser',
    });
    assert.equal((await provider({ credentials: { ...FAKE_SECOND_CREDENTIAL } }).getCallerIdentity()).accountId, '100000000001');
    assert.equal((await provider({ credentials: { ...FAKE_OTHER_ACCOUNT_CREDENTIAL } }).getCallerIdentity()).accountId, '100000000002');
    const requests = stsRequests();
    assert.equal(requests.length, 3);
    for (const r of requests) {
      assert.equal(r.signatureVerified, true);
      assert.equal(r.errorCode, undefined);
      assert.equal(r.region, 'ap-guangzhou');
    }
  });

  it('works with temporary credentials (the token is sent and checked)', async () => {
    const identity = await provider({ credentials: { ...TEMPORARY } }).getCallerIdentity();
    assert.equal(identity.accountId, '100000000001');
    assert.equal(identity.type, 'CAMRole');
    await failsWith(provider({ credentials: { ...TEMPORARY, token: 'wrong-token' } }).getCallerIdentity(), 'AuthFailure.TokenFailure');
  });

  it('the fake checks the STS signature service and Version (a request signed for cvm is refused)', async () => {
    const base = { url: fake.url, action: 'GetCallerIdentity', region: 'ap-guangzhou', version: STS_API_VERSION, ...FAKE_TEST_CREDENTIAL };
    assert.equal((await sendRawTc3Request({ ...base, service: 'sts' })).response?.AccountId, '100000000001');
    assert.equal((await sendRawTc3Request({ ...base, service: 'cvm' })).response?.Error?.Code, 'AuthFailure.SignatureFailure');
    assert.equal((await sendRawTc3Request({ ...base, service: 'sts', action: 'AssumeRole' })).response?.Error?.Code, 'InvalidAction');
    assert.equal((await sendRawTc3Request({ ...base, service: 'sts', region: undefined })).response?.Error?.Code, 'MissingParameter');
    // CVM's own version does not know the action.
    assert.equal((await sendRawTc3Request({ ...base, service: 'cvm', version: '2017-03-12' })).response?.Error?.Code, 'InvalidAction');
  });

  it('a wrong SecretKey is the cloud\'s AuthFailure, not retried', async () => {
    await failsWith(provider({ credentials: { ...FAKE_TEST_CREDENTIAL, secretKey: 'not-the-key' } }).getCallerIdentity(), 'AuthFailure.SignatureFailure');
    assert.equal(stsRequests().length, 1);
  });

  it('a refusal (no permission) comes back as the cloud\'s code', async () => {
    fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'AuthFailure.UnauthorizedOperation', Message: 'not allowed' } } }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'AuthFailure.UnauthorizedOperation');
  });

  it('a hostile or malformed answer is a MalformedResponse: AccountId must be digits of a sane length', async () => {
    const hostile: unknown[] = ['12ab3456789', '', '1'.repeat(40), 100000000001, null, ['100000000001'], '100000000001\n', '../../etc'];
    for (const value of hostile) {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.AccountId': value } }, action: 'GetCallerIdentity', times: 1 });
      const error = await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
      assert.match(error.message, /AccountId/);
    }
    fake.faults.add({ fault: { kind: 'rewrite', remove: ['Response.AccountId'] }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
    fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.Arn': 'qcs::cam::uin/1 <script>' } }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
    fake.faults.add({ fault: { kind: 'malformed-json', afterProcessing: true }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider({ retry: { maxAttempts: 1 } }).getCallerIdentity(), 'MalformedResponse');
  });

  it('reads only the documented fields, each checked', () => {
    assert.deepEqual(readTencentCallerIdentity({ AccountId: '1000262000', RequestId: 'x', Extra: { a: 1 } }), { accountId: '1000262000', accountIdName: 'uin' });
    assert.throws(() => readTencentCallerIdentity({ AccountId: '1000262000', Type: 'CAM User' }), MalformedField);
    assert.throws(() => readTencentCallerIdentity('100'), MalformedField);
  });

  it('has a deadline like every call', async () => {
    fake.faults.add({ fault: { kind: 'hang' }, action: 'GetCallerIdentity' });
    try {
      const started = Date.now();
      const error = await failsWith(provider({ requestTimeoutSeconds: 5, operationTimeoutSeconds: 1 }).getCallerIdentity(), 'OperationTimeout');
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.equal(error.kind, 'timeout');
    } finally {
      fake.faults.clear();
      fake.reset();
    }
  });

  it("the extension's provider (the chunk's createProvider) offers it", async () => {
    const p = createProvider({ credentials: { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }, endpoint: fake.url, language: 'en-US' });
    assert.equal(typeof p.getCallerIdentity, 'function');
    assert.equal((await p.getCallerIdentity!()).accountId, '100000000002');
  });
});
