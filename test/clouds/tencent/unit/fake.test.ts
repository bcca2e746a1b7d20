// The fake Tencent CVM server itself: its signature verifier (against the published test
// vector, and rejecting what it must), common parameters, rate limit, faults, admin API.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { verifyTc3Request } from '../fake/auth';
import { type RawTc3Request, sendRawTc3Request } from '../../../fakes/raw-tc3-client';
import { ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE, checkOpenSshPublicKey, newRsaKeyPair, randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { tc3Sign } from '../../../fakes/tc3';

// docs/cloud-apis.md: the published TC3-HMAC-SHA256 example.
const VECTOR = {
  timestamp: 1551113065,
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  payloadHash: '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
  hashedCanonicalRequest: '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
  signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
};

describe('fake Tencent CVM: TC3 verifier', () => {
  const vectorHeaders = { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' };

  it('reproduces the published test vector', () => {
    const signed = tc3Sign({
      method: 'POST',
      path: '/',
      query: '',
      headers: vectorHeaders,
      payload: VECTOR.payload,
      timestamp: VECTOR.timestamp,
      service: 'cvm',
      secretKey: VECTOR.secretKey,
    });
    assert.equal(signed.payloadHash, VECTOR.payloadHash);
    assert.equal(signed.hashedCanonicalRequest, VECTOR.hashedCanonicalRequest);
    assert.equal(signed.signature, VECTOR.signature);
    assert.equal(signed.credentialScope, '2019-02-25/cvm/tc3_request');
  });

  const vectorRequest = (payload: string, signature = VECTOR.signature) => ({
    method: 'POST',
    path: '/',
    query: '',
    headers: {
      ...vectorHeaders,
      'x-tc-timestamp': String(VECTOR.timestamp),
      authorization: `TC3-HMAC-SHA256 Credential=${VECTOR.secretId}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    },
    body: Buffer.from(payload),
  });
  const vectorOptions = { credentials: [{ secretId: VECTOR.secretId, secretKey: VECTOR.secretKey }], nowSeconds: VECTOR.timestamp };

  it('accepts the published request and rejects it once altered', () => {
    assert.deepEqual(verifyTc3Request(vectorRequest(VECTOR.payload), vectorOptions), { ok: true, secretId: VECTOR.secretId });
    const tamperedBody = verifyTc3Request(vectorRequest(VECTOR.payload.replace('1', '2')), vectorOptions);
    assert.equal(tamperedBody.ok ? 'ok' : tamperedBody.code, 'AuthFailure.SignatureFailure');
    const wrongSignature = verifyTc3Request(vectorRequest(VECTOR.payload, '0'.repeat(64)), vectorOptions);
    assert.equal(wrongSignature.ok ? 'ok' : wrongSignature.code, 'AuthFailure.SignatureFailure');
    const otherKey = verifyTc3Request(vectorRequest(VECTOR.payload), { ...vectorOptions, credentials: [{ secretId: VECTOR.secretId, secretKey: 'x' }] });
    assert.equal(otherKey.ok ? 'ok' : otherKey.code, 'AuthFailure.SignatureFailure');
  });

  it('rejects the published request 5 minutes and 1 second later', () => {
    const result = verifyTc3Request(vectorRequest(VECTOR.payload), { ...vectorOptions, nowSeconds: VECTOR.timestamp + 301 });
    assert.equal(result.ok ? 'ok' : result.code, 'AuthFailure.SignatureExpire');
    assert.equal(verifyTc3Request(vectorRequest(VECTOR.payload), { ...vectorOptions, nowSeconds: VECTOR.timestamp + 300 }).ok, true);
  });
});

describe('fake Tencent CVM: server', function () {
  this.timeout(20_000);
  let fake: FakeTencentCvm;
  const request = (overrides: Partial<RawTc3Request> = {}) =>
    sendRawTc3Request({ url: fake.url, action: 'DescribeRegions', service: 'cvm', region: 'ap-guangzhou', ...FAKE_TEST_CREDENTIAL, ...overrides });
  const errorCode = async (overrides: Partial<RawTc3Request>) => (await request(overrides)).response?.Error?.Code;

  before(async () => {
    fake = new FakeTencentCvm({
      credentials: [{ ...FAKE_TEST_CREDENTIAL }, { secretId: 'AKIDtemporaryCredential0001', secretKey: 'tempKey', token: 'session-token-1' }],
    });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  it('answers a correctly signed request with HTTP 200, the data and a RequestId', async () => {
    const result = await request();
    assert.equal(result.status, 200);
    assert.equal((result.response?.RegionSet as unknown[]).length, 18);
    assert.match(String(result.response?.RequestId), /^[0-9a-f-]{36}$/);
    assert.equal(fake.requests[0].signatureVerified, true);
  });

  it('rejects a hand-made request with a bad signature, and logs it as unverified', async () => {
    const result = await request({ signatureOverride: crypto.randomBytes(32).toString('hex') });
    assert.equal(result.status, 200);
    assert.equal(result.response?.Error?.Code, 'AuthFailure.SignatureFailure');
    assert.ok(result.response?.RequestId);
    assert.equal(fake.requests[0].signatureVerified, false);
    assert.equal(fake.requests[0].errorCode, 'AuthFailure.SignatureFailure');
  });

  it('rejects a body changed after signing', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signedForOtherBody = tc3Sign({
      method: 'POST',
      path: '/',
      query: '',
      headers: { 'content-type': 'application/json', host: new URL(fake.url).host },
      payload: '{}',
      timestamp,
      service: 'cvm',
      secretKey: FAKE_TEST_CREDENTIAL.secretKey,
    });
    assert.equal(await errorCode({ body: '{}', timestamp, signatureOverride: signedForOtherBody.signature }), undefined);
    assert.equal(await errorCode({ body: '{"Offset":1}', timestamp, signatureOverride: signedForOtherBody.signature }), 'AuthFailure.SignatureFailure');
  });

  it("accepts the SDK's quirks: host signed without the port, service from the endpoint's first label", async () => {
    const hostOnly = new URL(fake.url).hostname;
    assert.equal(await errorCode({ signedHost: hostOnly }), undefined);
    assert.equal(await errorCode({ service: '127' }), undefined);
    assert.equal(await errorCode({ service: 'cbs' }), 'AuthFailure.SignatureFailure');
    assert.equal(await errorCode({ signedHost: 'other.example.com' }), 'AuthFailure.SignatureFailure');
  });

  it('checks the SecretId, the timestamp and the token of temporary credentials', async () => {
    assert.equal(await errorCode({ secretId: 'AKIDnobodyHasThisSecretId01' }), 'AuthFailure.SecretIdNotFound');
    assert.equal(await errorCode({ secretId: 'not-an-api-key' }), 'AuthFailure.InvalidSecretId');
    const old = await request({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(old.response?.Error?.Code, 'AuthFailure.SignatureExpire');
    assert.match(String(old.response?.Error?.Message), /server time \d{10}/);
    const temporary = { secretId: 'AKIDtemporaryCredential0001', secretKey: 'tempKey' };
    assert.equal(await errorCode(temporary), 'AuthFailure.TokenFailure');
    assert.equal(await errorCode({ ...temporary, token: 'wrong' }), 'AuthFailure.TokenFailure');
    assert.equal(await errorCode({ ...temporary, token: 'session-token-1' }), undefined);
  });

  it('checks version, action and region', async () => {
    assert.equal(await errorCode({ version: '2020-01-01' }), 'NoSuchVersion');
    assert.equal(await errorCode({ action: 'LaunchRockets' }), 'InvalidAction');
    assert.equal(await errorCode({ action: 'DescribeKeyPairs', region: 'mars-north-1' }), 'UnsupportedRegion');
    assert.equal(await errorCode({ action: 'DescribeKeyPairs', region: undefined }), 'MissingParameter');
    assert.equal(await errorCode({ action: 'DescribeRegions', region: undefined }), undefined);
  });

  it('applies the documented parameter rules', async () => {
    const describe = (params: unknown) => errorCode({ action: 'DescribeKeyPairs', params });
    assert.equal(await describe({ KeyIds: ['skey-abcdefgh'], Filters: [{ Name: 'key-name', Values: ['a'] }] }), 'InvalidParameter');
    assert.equal(await describe({ Limit: 101 }), 'InvalidParameterValue');
    assert.equal(await describe({ KeyIds: ['skey-1'] }), 'InvalidKeyPairId.Malformed');
    assert.equal(await describe({ Filters: [{ Name: 'colour', Values: ['red'] }] }), 'InvalidFilter');
    assert.equal(await errorCode({ action: 'ImportKeyPair', params: { KeyName: 'a', ProjectId: 0 } }), 'MissingParameter');
    assert.equal(await errorCode({ action: 'DeleteKeyPairs', params: { KeyIds: Array(101).fill('skey-abcdefgh') } }), 'InvalidParameterValue.LimitExceeded');
  });

  it('refuses a whole DeleteKeyPairs batch for one unknown KeyId, naming it, and deletes nothing', async () => {
    const key = fake.seedKeyPair({ region: 'ap-guangzhou', name: 'kept', publicKey: randomEd25519PublicKeyLine() });
    const result = await request({ action: 'DeleteKeyPairs', params: { KeyIds: [key.KeyId, 'skey-zzzzzzzz'] } });
    assert.equal(result.response?.Error?.Code, 'InvalidKeyPairId.NotFound');
    assert.match(String(result.response?.Error?.Message), /skey-zzzzzzzz/);
    assert.doesNotMatch(String(result.response?.Error?.Message), new RegExp(key.KeyId));
    assert.ok(fake.keyPairsIn('ap-guangzhou').some((k) => k.KeyId === key.KeyId), 'the known key pair was deleted');
  });

  it('refuses more than 100 InstanceIds per Associate/DisassociateInstancesKeyPairs with InvalidParameterValue.LimitExceeded', async () => {
    const key = fake.seedKeyPair({ region: 'ap-guangzhou', name: 'ops', publicKey: randomEd25519PublicKeyLine() });
    const ids = Array.from({ length: 101 }, (_, i) => `ins-${String(i).padStart(8, '0')}`);
    for (const action of ['AssociateInstancesKeyPairs', 'DisassociateInstancesKeyPairs']) {
      assert.equal(await errorCode({ action, params: { KeyIds: [key.KeyId], InstanceIds: ids } }), 'InvalidParameterValue.LimitExceeded', action);
    }
  });

  it('refuses a bind batch holding one Windows instance, naming only that one, and changes none', async () => {
    const key = fake.seedKeyPair({ region: 'ap-guangzhou', name: 'ops', publicKey: randomEd25519PublicKeyLine() });
    const result = await request({ action: 'AssociateInstancesKeyPairs', params: { KeyIds: [key.KeyId], InstanceIds: ['ins-lnxstp01', 'ins-winstp01'] } });
    assert.equal(result.response?.Error?.Code, 'UnsupportedOperation.InstanceOsWindows');
    assert.match(String(result.response?.Error?.Message), /ins-winstp01/);
    assert.doesNotMatch(String(result.response?.Error?.Message), /ins-lnxstp01/);
    assert.deepEqual(fake.instance('ins-lnxstp01')?.KeyIds, []);
  });

  it('limits each action to 10 requests per second per client', async () => {
    const codes = [];
    for (let i = 0; i < 11; i++) codes.push(await errorCode({}));
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(undefined));
    assert.equal(codes[10], 'RequestLimitExceeded');
    // Another action has its own budget.
    assert.equal(await errorCode({ action: 'DescribeKeyPairs' }), undefined);
  });

  it('reads OpenSSH public keys strictly', () => {
    const line = randomEd25519PublicKeyLine('me@host');
    const [type, data] = line.split(' ');
    assert.equal(checkOpenSshPublicKey(line).ok, true);
    assert.equal(checkOpenSshPublicKey(`ssh-rsa ${data}`).ok, false);
    assert.equal(checkOpenSshPublicKey(`${type} ${Buffer.from(data, 'base64').subarray(0, 40).toString('base64')}`).ok, false);
    assert.equal(checkOpenSshPublicKey(`${line}\n${line}`).ok, false);
    assert.equal(checkOpenSshPublicKey(line, ['ssh-rsa']).ok, false);
  });

  describe('faults and admin endpoints', () => {
    const admin = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${fake.url}/__admin/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as unknown };
    };

    it('takes only the documented OpenSSH RSA keys (InvalidPublicKey.Malformed for ED25519) unless switched to accept undocumented types, over HTTP or by environment', async () => {
      const importKey = (name: string, key: string) => errorCode({ action: 'ImportKeyPair', params: { KeyName: name, ProjectId: 0, PublicKey: key } });
      const ed = randomEd25519PublicKeyLine('ed@test');
      assert.equal(await importKey('ed', ed), 'InvalidPublicKey.Malformed');
      assert.equal(await importKey('rsa', newRsaKeyPair('rsa@test').publicLine), undefined);
      assert.equal((await admin('POST', 'options', { acceptUndocumentedKeyTypes: 'yes' })).status, 400);
      assert.equal((await admin('POST', 'options', { acceptUndocumentedKeyTypes: true })).status, 200);
      assert.equal(await importKey('ed', ed), undefined);
      fake.reset();
      assert.equal(await importKey('ed', ed), 'InvalidPublicKey.Malformed', 'reset goes back to the documented types');
      const before = process.env[ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE];
      process.env[ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE] = '1';
      const permissive = new FakeTencentCvm();
      if (before === undefined) delete process.env[ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE];
      else process.env[ACCEPT_UNDOCUMENTED_KEY_TYPES_VARIABLE] = before;
      await permissive.start();
      try {
        const answer = await sendRawTc3Request({ url: permissive.url, action: 'ImportKeyPair', service: 'cvm', region: 'ap-guangzhou', ...FAKE_TEST_CREDENTIAL, params: { KeyName: 'ed', ProjectId: 0, PublicKey: ed } });
        assert.match(String(answer.response?.KeyId), /^skey-/);
      } finally {
        await permissive.stop();
      }
    });

    it('throttles the next N requests when told over HTTP, then serves again', async () => {
      assert.equal((await admin('POST', 'faults', { fault: { kind: 'throttle' }, times: 2 })).status, 200);
      assert.equal(await errorCode({}), 'RequestLimitExceeded');
      assert.equal(await errorCode({}), 'RequestLimitExceeded');
      assert.equal(await errorCode({}), undefined);
      assert.deepEqual((await admin('GET', 'faults')).json, []);
      assert.equal((await admin('POST', 'faults', { fault: { kind: 'explode' } })).status, 400);
    });

    it('limits a fault to one action', async () => {
      fake.faults.add({ fault: { kind: 'throttle' }, action: 'DescribeKeyPairs', times: 1 });
      assert.equal(await errorCode({}), undefined);
      assert.equal(await errorCode({ action: 'DescribeKeyPairs' }), 'RequestLimitExceeded');
    });

    it('adds latency, answers 5xx, truncates JSON, drops the connection, hangs', async () => {
      fake.faults.add({ fault: { kind: 'latency', ms: 150 }, times: 1 });
      const started = Date.now();
      await request();
      assert.ok(Date.now() - started >= 140);

      fake.faults.add({ fault: { kind: 'http-error', status: 503 }, times: 1 });
      assert.equal((await request()).status, 503);

      fake.faults.add({ fault: { kind: 'malformed-json' }, times: 1 });
      const truncated = await request();
      assert.equal(truncated.status, 200);
      assert.throws(() => JSON.parse(truncated.body));

      fake.faults.add({ fault: { kind: 'reset' }, times: 1 });
      await assert.rejects(request());

      fake.faults.add({ fault: { kind: 'hang' }, times: 1 });
      await assert.rejects(request({ timeoutMs: 200 }), /timed out/);
      assert.equal(await errorCode({ action: 'DescribeKeyPairs' }), undefined);
    });

    it('skews the server clock', async () => {
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 600 }, times: 1 });
      assert.equal(await errorCode({}), 'AuthFailure.SignatureExpire');
      assert.equal(await errorCode({}), undefined);
    });

    it('logs requests without secrets, over HTTP too, and resets', async () => {
      await request({ action: 'DescribeKeyPairs', params: { Limit: 5 } });
      await request({ secretId: 'AKIDtemporaryCredential0001', secretKey: 'tempKey', token: 'session-token-1' });
      const { json } = await admin('GET', 'requests');
      const log = json as Array<Record<string, unknown>>;
      assert.equal(log.length, 2);
      assert.deepEqual(
        { action: log[0].action, region: log[0].region, params: log[0].params, secretId: log[0].secretId, signatureVerified: log[0].signatureVerified },
        { action: 'DescribeKeyPairs', region: 'ap-guangzhou', params: { Limit: 5 }, secretId: FAKE_TEST_CREDENTIAL.secretId, signatureVerified: true },
      );
      const text = JSON.stringify(json);
      for (const secret of [FAKE_TEST_CREDENTIAL.secretKey, 'tempKey', 'session-token-1']) assert.ok(!text.includes(secret), 'a secret reached the log');
      await admin('DELETE', 'requests');
      assert.equal(fake.requests.length, 0);
      assert.equal((await admin('POST', 'instances/ins-lnxrun01/state', { state: 'STOPPED' })).status, 200);
      assert.equal(fake.instance('ins-lnxrun01')?.InstanceState, 'STOPPED');
      await admin('POST', 'reset');
      assert.equal(fake.instance('ins-lnxrun01')?.InstanceState, 'RUNNING');
    });
  });
});
