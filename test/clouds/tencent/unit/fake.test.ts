// The fake Tencent CVM server itself: its signature verifier (against the published test
// vector, and rejecting what it must), common parameters, rate limit, faults, admin API, and
// its accounts (driven by the real generic SDK client): each API key sees its own account only.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import type { AbstractClient } from 'tencentcloud-sdk-nodejs-common';
import {
  CVM_API_VERSION,
  FAKE_DEFAULT_OWNER_UIN,
  FAKE_OTHER_ACCOUNT_CREDENTIAL,
  FAKE_OTHER_OWNER_UIN,
  FAKE_SECOND_CREDENTIAL,
  FAKE_TEST_CREDENTIAL,
  FakeTencentCvm,
} from '../fake/server';
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

describe('fake Tencent CVM: accounts', function () {
  this.timeout(20_000);
  const REGION = 'ap-guangzhou';
  let fake: FakeTencentCvm;
  // Loaded in before(), not at import: the provider tests check that importing modules loads no SDK.
  let Client: typeof AbstractClient;

  /** The SDK's generic client aimed at the fake, signing with `credential`. */
  const sdk = (credential: { secretId: string; secretKey: string }) => {
    const host = new URL(fake.url).host;
    return new Client(host, CVM_API_VERSION, {
      credential: { secretId: credential.secretId, secretKey: credential.secretKey },
      region: REGION,
      profile: { httpProfile: { endpoint: host, protocol: 'http://', reqTimeout: 10 } },
    });
  };
  const call = (credential: { secretId: string; secretKey: string }, action: string, params: Record<string, unknown> = {}) =>
    sdk(credential).request(action, params) as Promise<Record<string, unknown>>;
  const codeOf = async (call: Promise<unknown>) => {
    try {
      await call;
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  };
  const importKey = async (credential: { secretId: string; secretKey: string }, name: string, publicKey = randomEd25519PublicKeyLine()) =>
    (await call(credential, 'ImportKeyPair', { KeyName: name, ProjectId: 0, PublicKey: publicKey })).KeyId as string;
  const keyNames = async (credential: { secretId: string; secretKey: string }) =>
    ((await call(credential, 'DescribeKeyPairs', { Limit: 100 })).KeyPairSet as Array<{ KeyName: string }>).map((k) => k.KeyName).sort();
  const instanceIds = async (credential: { secretId: string; secretKey: string }) =>
    ((await call(credential, 'DescribeInstances', { Limit: 100 })).InstanceSet as Array<{ InstanceId: string }>).map((i) => i.InstanceId).sort();
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fake.url}/__admin/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    ({ AbstractClient: Client } = await import('tencentcloud-sdk-nodejs-common'));
    fake = new FakeTencentCvm({
      acceptUndocumentedKeyTypes: true,
      credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }, { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }],
    });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  it('the default fake accepts the other account credential too, and serves it from its own account', async () => {
    const plain = new FakeTencentCvm();
    await plain.start();
    try {
      const host = new URL(plain.url).host;
      const client = new Client(host, CVM_API_VERSION, {
        credential: { secretId: FAKE_OTHER_ACCOUNT_CREDENTIAL.secretId, secretKey: FAKE_OTHER_ACCOUNT_CREDENTIAL.secretKey },
        region: REGION,
        profile: { httpProfile: { endpoint: host, protocol: 'http://', reqTimeout: 10 } },
      });
      const answer = (await client.request('DescribeKeyPairs', {})) as { TotalCount: number };
      assert.equal(answer.TotalCount, 0);
      assert.deepEqual([...plain.accounts.keys()], [FAKE_DEFAULT_OWNER_UIN, FAKE_OTHER_OWNER_UIN]);
      assert.equal(plain.requests[0].ownerUin, FAKE_OTHER_OWNER_UIN);
    } finally {
      await plain.stop();
    }
  });

  it('keeps each account its own key pairs: an import is listed for its account only, the second API key sees the default account', async () => {
    const keyId = await importKey(FAKE_TEST_CREDENTIAL, 'laptop');
    assert.deepEqual(await keyNames(FAKE_TEST_CREDENTIAL), ['laptop']);
    assert.deepEqual(await keyNames(FAKE_SECOND_CREDENTIAL), ['laptop'], 'the second API key of the default account');
    assert.deepEqual(await keyNames(FAKE_OTHER_ACCOUNT_CREDENTIAL), [], 'the other account listed the default account key pair');
    assert.equal((await call(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'DescribeKeyPairs', { KeyIds: [keyId] })).TotalCount, 0);
    const otherId = await importKey(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'desktop');
    assert.deepEqual(await keyNames(FAKE_OTHER_ACCOUNT_CREDENTIAL), ['desktop']);
    assert.deepEqual(await keyNames(FAKE_SECOND_CREDENTIAL), ['laptop']);
    assert.deepEqual(fake.keyPairsIn(REGION).map((k) => k.KeyId), [keyId]);
    assert.deepEqual(fake.keyPairsIn(REGION, FAKE_OTHER_OWNER_UIN).map((k) => k.KeyId), [otherId]);
    // The log names each verified request's account.
    const imports = fake.requests.filter((r) => r.action === 'ImportKeyPair');
    assert.deepEqual(imports.map((r) => [r.secretId, r.ownerUin]), [
      [FAKE_TEST_CREDENTIAL.secretId, FAKE_DEFAULT_OWNER_UIN],
      [FAKE_OTHER_ACCOUNT_CREDENTIAL.secretId, FAKE_OTHER_OWNER_UIN],
    ]);
    assert.ok(fake.requests.filter((r) => r.action === 'DescribeKeyPairs' && r.secretId === FAKE_SECOND_CREDENTIAL.secretId).every((r) => r.ownerUin === FAKE_DEFAULT_OWNER_UIN));
  });

  it('lets the same name and the same public key exist in both accounts, and counts each quota apart', async () => {
    const line = randomEd25519PublicKeyLine();
    const mine = await importKey(FAKE_TEST_CREDENTIAL, 'shared', line);
    assert.equal(await codeOf(importKey(FAKE_SECOND_CREDENTIAL, 'shared')), 'InvalidKeyPairName.Duplicate', 'the same account');
    const theirs = await importKey(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'shared', line);
    assert.notEqual(mine, theirs);
    assert.deepEqual(await keyNames(FAKE_TEST_CREDENTIAL), ['shared']);
    assert.deepEqual(await keyNames(FAKE_OTHER_ACCOUNT_CREDENTIAL), ['shared']);
    // Renaming into a name only the other account has is fine.
    await importKey(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'theirs_only');
    await call(FAKE_TEST_CREDENTIAL, 'ModifyKeyPairAttribute', { KeyId: mine, KeyName: 'theirs_only' });
    fake.account.keyPairLimit = 1;
    assert.equal(await codeOf(importKey(FAKE_TEST_CREDENTIAL, 'one_more')), 'InvalidKeyPair.LimitExceeded');
    fake.accountOf(FAKE_OTHER_OWNER_UIN).keyPairLimit = 3;
    assert.match(await importKey(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'one_more'), /^skey-/);
  });

  it("reads another account's KeyId as not found: delete, modify, bind", async () => {
    const keyId = await importKey(FAKE_TEST_CREDENTIAL, 'mine');
    const other = FAKE_OTHER_ACCOUNT_CREDENTIAL;
    assert.equal(await codeOf(call(other, 'DeleteKeyPairs', { KeyIds: [keyId] })), 'InvalidKeyPairId.NotFound');
    assert.equal(await codeOf(call(other, 'DeleteKeyPairs', { KeyIds: ['skey-zzzzzzzz'] })), 'InvalidKeyPairId.NotFound', 'as for a missing id');
    assert.equal(await codeOf(call(other, 'ModifyKeyPairAttribute', { KeyId: keyId, Description: 'theirs now' })), 'InvalidKeyPairId.NotFound');
    const instance = fake.seedInstance({ InstanceState: 'STOPPED', ownerUin: FAKE_OTHER_OWNER_UIN }).InstanceId;
    assert.equal(await codeOf(call(other, 'AssociateInstancesKeyPairs', { KeyIds: [keyId], InstanceIds: [instance] })), 'InvalidKeyPairId.NotFound');
    assert.equal(await codeOf(call(other, 'DisassociateInstancesKeyPairs', { KeyIds: [keyId], InstanceIds: [instance] })), 'InvalidKeyPairId.NotFound');
    // Nor does the default account reach the other account's instance.
    assert.equal(await codeOf(call(FAKE_TEST_CREDENTIAL, 'AssociateInstancesKeyPairs', { KeyIds: [keyId], InstanceIds: [instance] })), 'InvalidInstanceId.NotFound');
    const kept = fake.keyPairsIn(REGION).find((k) => k.KeyId === keyId);
    assert.equal(kept?.Description, '', 'the other account changed the key pair');
    // Its own key binds to its own instance, and the harness sees that instance accept it.
    const theirs = await importKey(other, 'theirs');
    await call(other, 'AssociateInstancesKeyPairs', { KeyIds: [theirs], InstanceIds: [instance] });
    const host = fake.instanceHosts().find((h) => h.instanceId === instance);
    assert.deepEqual(host?.authorizedKeys, [fake.keyPairsIn(REGION, FAKE_OTHER_OWNER_UIN)[0].PublicKey]);
    assert.equal(await codeOf(call(FAKE_TEST_CREDENTIAL, 'DeleteKeyPairs', { KeyIds: [theirs] })), 'InvalidKeyPairId.NotFound');
    await call(FAKE_TEST_CREDENTIAL, 'DeleteKeyPairs', { KeyIds: [keyId] });
    assert.deepEqual(await keyNames(FAKE_TEST_CREDENTIAL), []);
  });

  it('gives the other account no instances unless the admin API adds some for it (ownerUin), at addresses no account uses', async () => {
    assert.deepEqual(await instanceIds(FAKE_OTHER_ACCOUNT_CREDENTIAL), []);
    assert.deepEqual(await instanceIds(FAKE_TEST_CREDENTIAL), ['ins-lnxrun01', 'ins-lnxstp01', 'ins-lnxstp02', 'ins-winstp01']);
    const created = await admin('POST', 'instances', { instanceId: 'ins-other001', name: 'theirs', state: 'STOPPED', ownerUin: FAKE_OTHER_OWNER_UIN });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.deepEqual(await instanceIds(FAKE_OTHER_ACCOUNT_CREDENTIAL), ['ins-other001']);
    assert.ok(!(await instanceIds(FAKE_TEST_CREDENTIAL)).includes('ins-other001'));
    const plain = await admin('POST', 'instances', { name: 'mine' });
    assert.equal(plain.status, 200);
    assert.ok((await instanceIds(FAKE_TEST_CREDENTIAL)).includes(String(plain.json.instanceId)), 'without ownerUin the default account');
    assert.equal((await admin('POST', 'instances', { ownerUin: '100000000009' })).status, 400);
    assert.equal((await admin('POST', 'instances', { instanceId: 'ins-other001' })).status, 400, 'instance ids are unique across accounts');
    const addresses = fake.instanceHosts().map((h) => h.listenAddress);
    assert.equal(new Set(addresses).size, addresses.length, `two instances share an address: ${addresses.join(', ')}`);
    assert.equal((await admin('POST', 'instances/ins-other001/state', { state: 'RUNNING' })).status, 200);
    assert.equal(fake.instance('ins-other001')?.InstanceState, 'RUNNING');
  });

  it('shows each account over GET /__admin/state, and POST /__admin/reset clears both', async () => {
    await importKey(FAKE_TEST_CREDENTIAL, 'mine');
    await importKey(FAKE_OTHER_ACCOUNT_CREDENTIAL, 'theirs');
    fake.seedKeyPair({ region: REGION, name: 'seeded', publicKey: randomEd25519PublicKeyLine(), ownerUin: FAKE_OTHER_OWNER_UIN });
    fake.seedInstance({ ownerUin: FAKE_OTHER_OWNER_UIN });
    const names = (state: Record<string, unknown>) => (state.keyPairs as Array<{ KeyName: string }>).map((k) => k.KeyName).sort();

    const state = (await admin('GET', 'state')).json;
    assert.deepEqual(names(state), ['mine'], 'the default account, as before');
    assert.equal((state.instances as unknown[]).length, 4);
    const accounts = state.accounts as Array<Record<string, unknown>>;
    assert.deepEqual(accounts.map((a) => [a.ownerUin, names(a)]), [
      [FAKE_DEFAULT_OWNER_UIN, ['mine']],
      [FAKE_OTHER_OWNER_UIN, ['seeded', 'theirs']],
    ]);
    const other = await admin('GET', `state?account=${FAKE_OTHER_OWNER_UIN}`);
    assert.equal(other.status, 200);
    assert.equal(other.json.ownerUin, FAKE_OTHER_OWNER_UIN);
    assert.deepEqual(names(other.json), ['seeded', 'theirs']);
    assert.equal((other.json.instances as unknown[]).length, 1);
    assert.ok(!JSON.stringify(other.json).includes('blobBase64'));
    assert.equal((await admin('GET', 'state?account=100000000009')).status, 404);

    assert.equal((await admin('POST', 'reset')).status, 200);
    assert.deepEqual(await keyNames(FAKE_TEST_CREDENTIAL), []);
    assert.deepEqual(await keyNames(FAKE_OTHER_ACCOUNT_CREDENTIAL), []);
    assert.deepEqual(await instanceIds(FAKE_OTHER_ACCOUNT_CREDENTIAL), []);
    const after = (await admin('GET', 'state')).json;
    assert.deepEqual((after.accounts as Array<Record<string, unknown>>).map((a) => [a.ownerUin, names(a), (a.instances as unknown[]).length]), [
      [FAKE_DEFAULT_OWNER_UIN, [], 4],
      [FAKE_OTHER_OWNER_UIN, [], 0],
    ]);
  });
});
