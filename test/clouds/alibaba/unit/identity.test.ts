// STS GetCallerIdentity of an Alibaba Cloud AccessKey, signed with our ACS3 signer and sent through
// our transport against the fake ECS, which answers STS at the same URL (by its Version).

import * as assert from 'node:assert/strict';
import { failsWith as failsWithCode } from '../../../fakes/fails-with';
import { AlibabaEcsProvider, type AlibabaEcsOptions } from '../../../../src/clouds/alibaba/provider';
// The chunk and the transport are imported inside the tests: provider.test.ts checks that importing
// the provider alone does not load the HTTPS client, and mocha loads every file first.
import { alibabaStsEndpoint } from '../../../../src/clouds/alibaba/identity';
import { RateLimiter } from '../../../../src/cloud/retry';
import { FAKE_ECS_ACCESS_KEY, FAKE_ECS_ACCOUNT_ID, FakeAlibabaEcs } from '../fake/server';

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 };
const STS = { accessKeyId: 'STS.NTemporaryKey0001', accessKeySecret: 'temporarySecret0001', securityToken: 'sts-token-0001' };
const OTHER = { accessKeyId: 'LTAI5tFakeEcsOtherKey00002', accessKeySecret: 'fakeEcsOtherAccessKeySecret0002', accountId: '6543210987654321' };


const failsWith = (promise: Promise<unknown>, code: string) => failsWithCode(promise, code, 'alibaba');

describe('Alibaba: STS GetCallerIdentity (own signer, fake ECS)', function () {
  this.timeout(30_000);
  let fake: FakeAlibabaEcs;
  const savedProxy = process.env.http_proxy;
  const limiter = new RateLimiter();
  const provider = (options: Partial<AlibabaEcsOptions> = {}) =>
    new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });
  const stsRequests = () => fake.requests.filter((r) => r.action === 'GetCallerIdentity');

  before(async () => {
    delete process.env.http_proxy;
    fake = new FakeAlibabaEcs({ accessKeys: [{ ...FAKE_ECS_ACCESS_KEY }, STS, OTHER] });
    await fake.start();
  });
  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('derives the STS host from the endpoint setting', async () => {
    const { parseAlibabaEndpoint } = await import('../../../../src/clouds/alibaba/transport');
    const sts = (setting: string | undefined) => alibabaStsEndpoint(parseAlibabaEndpoint(setting)).host;
    assert.equal(sts(undefined), 'sts.aliyuncs.com');
    assert.equal(sts('ecs.aliyuncs.com'), 'sts.aliyuncs.com');
    assert.equal(sts('ecs.cn-hangzhou.aliyuncs.com'), 'sts.cn-hangzhou.aliyuncs.com');
    assert.equal(sts('https://ecs.ap-southeast-1.aliyuncs.com'), 'sts.ap-southeast-1.aliyuncs.com');
    assert.equal(sts('http://127.0.0.1:9000'), '127.0.0.1:9000');
    assert.equal(sts('https://gateway.example.com'), 'gateway.example.com');
  });

  it("names each AccessKey's account ID, signed (ACS3) with Version 2015-04-01", async () => {
    assert.deepEqual(await provider().getCallerIdentity(), { accountId: FAKE_ECS_ACCOUNT_ID, accountIdName: 'account-id', principalId: '200000000000000001', arn: `acs:ram::${FAKE_ECS_ACCOUNT_ID}:user/fake-user`, type: 'RAMUser' });
    assert.equal((await provider({ credentials: { ...OTHER } }).getCallerIdentity()).accountId, '6543210987654321');
    const temporary = await provider({ credentials: { ...STS } }).getCallerIdentity();
    assert.equal(temporary.accountId, FAKE_ECS_ACCOUNT_ID);
    assert.equal(temporary.type, 'AssumedRoleUser');
    const requests = stsRequests();
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => r.signatureVerified && r.httpStatus === 200));
  });

  it('a wrong secret is SignatureDoesNotMatch; a refusal is the cloud\'s code', async () => {
    await failsWith(provider({ credentials: { ...FAKE_ECS_ACCESS_KEY, accessKeySecret: 'wrong' } }).getCallerIdentity(), 'SignatureDoesNotMatch');
    fake.faults.add({ fault: { kind: 'rewrite', set: { Code: 'NoPermission', Message: 'You are not authorized to do this action.' } }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'NoPermission');
  });

  it('a hostile or malformed answer is a MalformedResponse', async () => {
    for (const value of ['1234abcd90123456', '', '1'.repeat(25), 1234567890123456, { a: 1 }, '1234567890123456 ']) {
      fake.faults.add({ fault: { kind: 'rewrite', set: { AccountId: value } }, action: 'GetCallerIdentity', times: 1 });
      const error = await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
      assert.match(error.message, /AccountId/);
    }
    fake.faults.add({ fault: { kind: 'rewrite', remove: ['AccountId'] }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
    fake.faults.add({ fault: { kind: 'rewrite', set: { IdentityType: 'RAM User\u202e' } }, action: 'GetCallerIdentity', times: 1 });
    await failsWith(provider().getCallerIdentity(), 'MalformedResponse');
  });

  it('has a deadline', async () => {
    fake.faults.add({ fault: { kind: 'hang' }, action: 'GetCallerIdentity' });
    await failsWith(provider({ requestTimeoutSeconds: 5, operationTimeoutSeconds: 1 }).getCallerIdentity(), 'OperationTimeout');
    fake.reset();
  });

  it("the extension's provider offers it", async () => {
    const { createProvider } = await import('../../../../src/clouds/alibaba/chunk');
    const p = createProvider({ credentials: { ...OTHER }, endpoint: fake.url, language: 'en-US' });
    assert.equal((await p.getCallerIdentity!()).accountId, '6543210987654321');
  });
});
