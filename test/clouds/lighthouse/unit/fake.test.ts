// The fake Tencent Cloud Lighthouse server itself, driven by the real generic SDK client
// (tencentcloud-sdk-nodejs-common's AbstractClient) and by a hand-made TC3 client for what the
// SDK would not send: signatures, documented rules and error codes, account-wide key pairs,
// regional instances, bind rules, rate limits, faults and the admin API.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AbstractClient } from 'tencentcloud-sdk-nodejs-common';
import { FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, FakeLighthouse, LIGHTHOUSE_API_VERSION } from '../fake/server';
import { type RawTc3Request, sendRawTc3Request } from '../../../fakes/raw-tc3-client';
import { RedirectTarget } from '../../../fakes/hostile-answers';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';

const REGION = 'ap-guangzhou';

/** The error code an SDK call failed with, or undefined when it succeeded. */
async function sdkErrorCode(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Key files made by the real ssh-keygen, the reference for what users import. */
function sshKeygen(dir: string, name: string, type: 'rsa' | 'ed25519' | 'ecdsa', comment: string): { publicLine: string; privatePath: string } {
  const file = path.join(dir, name);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', comment, '-f', file]);
  return { publicLine: fs.readFileSync(`${file}.pub`, 'utf8').trim(), privatePath: file };
}

describe('fake Tencent Cloud Lighthouse', function () {
  this.timeout(30_000);
  let fake: FakeLighthouse;
  // Loaded in before(), not at import: the provider tests check that importing modules loads no SDK.
  let Client: typeof AbstractClient;
  let keyDir: string;
  let rsa: { publicLine: string; privatePath: string };
  let rsa2: { publicLine: string; privatePath: string };
  let ed25519: { publicLine: string; privatePath: string };

  /** The SDK's generic client aimed at the fake, as a provider would build it (Region optional). */
  const sdk = (region?: string, credential: { secretId: string; secretKey: string } = FAKE_TEST_CREDENTIAL) => {
    const host = new URL(fake.url).host;
    return new Client(host, LIGHTHOUSE_API_VERSION, {
      credential: { ...credential },
      region,
      profile: { httpProfile: { endpoint: host, protocol: 'http://', reqTimeout: 10 } },
    });
  };
  const call = (action: string, params: Record<string, unknown> = {}, region?: string) => sdk(region).request(action, params);
  const codeOf = (action: string, params: Record<string, unknown> = {}, region?: string) => sdkErrorCode(call(action, params, region));

  const raw = (overrides: Partial<RawTc3Request> = {}) =>
    sendRawTc3Request({ url: fake.url, action: 'DescribeRegions', service: 'lighthouse', version: LIGHTHOUSE_API_VERSION, ...FAKE_TEST_CREDENTIAL, ...overrides });
  const rawCode = async (overrides: Partial<RawTc3Request>) => (await raw(overrides)).response?.Error?.Code;

  const importKey = async (name: string, publicKey = rsa.publicLine, region?: string) => (await call('ImportKeyPair', { KeyName: name, PublicKey: publicKey }, region)).KeyId as string;
  const describeKeys = (params: Record<string, unknown> = {}, region?: string) =>
    call('DescribeKeyPairs', params, region) as Promise<{ TotalCount: number; KeyPairSet: Array<Record<string, unknown>> }>;
  const describeInstance = async (id: string, region = REGION) =>
    ((await call('DescribeInstances', { InstanceIds: [id] }, region)).InstanceSet as Array<Record<string, unknown>>)[0];

  before(async () => {
    ({ AbstractClient: Client } = await import('tencentcloud-sdk-nodejs-common'));
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-lighthouse-'));
    rsa = sshKeygen(keyDir, 'id_rsa', 'rsa', 'me@laptop');
    rsa2 = sshKeygen(keyDir, 'id_rsa2', 'rsa', 'other@laptop');
    ed25519 = sshKeygen(keyDir, 'id_ed25519', 'ed25519', 'me@laptop');
    // The lenient reading (Region optional for key pairs) here, so that each rule is tested on its
    // own; the default, stricter reading has its own test below.
    fake = new FakeLighthouse({ credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }], keyPairRegion: 'optional' });
    await fake.start();
  });
  after(async () => {
    await fake.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });
  beforeEach(() => fake.reset());

  describe('signatures and common parameters', () => {
    it('answers the real SDK, signed for the loopback host, with data and a RequestId', async () => {
      const answer = await call('DescribeRegions');
      assert.ok(answer.TotalCount > 0);
      assert.deepEqual(answer.RegionSet.find((r: { Region: string }) => r.Region === 'ap-hongkong'), {
        Region: 'ap-hongkong',
        RegionName: '中国香港',
        RegionState: 'AVAILABLE',
        IsChinaMainland: false,
      });
      assert.match(String(answer.RequestId), /^[0-9a-f-]{36}$/);
      assert.equal(fake.requests[0].signatureVerified, true);
      assert.equal(fake.requests[0].region, undefined);
    });

    it('refuses a wrong SecretKey, an unknown SecretId and accepts the second API key of the account', async () => {
      assert.equal(await sdkErrorCode(sdk(undefined, { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: 'wrong' }).request('DescribeRegions', {})), 'AuthFailure.SignatureFailure');
      assert.equal(await sdkErrorCode(sdk(undefined, { secretId: 'AKIDnobodyHasThisSecretId01', secretKey: 'x' }).request('DescribeRegions', {})), 'AuthFailure.SecretIdNotFound');
      assert.equal(await sdkErrorCode(sdk(undefined, FAKE_SECOND_CREDENTIAL).request('DescribeRegions', {})), undefined);
      assert.equal(fake.requests[0].signatureVerified, false);
      assert.equal(fake.requests[0].errorCode, 'AuthFailure.SignatureFailure');
    });

    it('checks signature, timestamp and the service of the credential scope on hand-made requests', async () => {
      assert.equal(await rawCode({}), undefined);
      assert.equal(await rawCode({ signatureOverride: crypto.randomBytes(32).toString('hex') }), 'AuthFailure.SignatureFailure');
      assert.equal(await rawCode({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }), 'AuthFailure.SignatureExpire');
      // Signed for CVM: another service, refused.
      assert.equal(await rawCode({ service: 'cvm' }), 'AuthFailure.SignatureFailure');
      assert.equal(await rawCode({ signedHost: new URL(fake.url).hostname }), undefined);
      const strict = new FakeLighthouse({ acceptedServices: ['lighthouse'] });
      await strict.start();
      try {
        assert.equal(await rawCode({ url: strict.url }), undefined);
        assert.equal(await rawCode({ url: strict.url, service: '127' }), 'AuthFailure.SignatureFailure');
      } finally {
        await strict.stop();
      }
    });

    it('checks version, action and region', async () => {
      assert.equal(await rawCode({ version: '2017-03-12' }), 'NoSuchVersion');
      assert.equal(await rawCode({ action: 'LaunchRockets' }), 'InvalidAction');
      assert.equal(await rawCode({ region: 'mars-north-1' }), 'UnsupportedRegion');
      assert.equal(await codeOf('DescribeInstances'), 'MissingParameter');
      assert.equal(await codeOf('DescribeInstances', {}, REGION), undefined);
      assert.equal(await rawCode({ body: '{"Limit":' }), 'InvalidParameter');
    });

    it('refuses parameters an action does not define (UnknownParameter), such as CVM ones', async () => {
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'a', PublicKey: rsa.publicLine, ProjectId: 0 }), 'UnknownParameter');
      assert.equal(await codeOf('DescribeKeyPairs', { KeyNames: ['a'] }), 'UnknownParameter');
      assert.equal(fake.keyPairs().length, 0);
    });
  });

  describe('key pairs: ImportKeyPair and CreateKeyPair', () => {
    it('imports an ssh-keygen RSA key and answers a KeyId of the documented shape', async () => {
      const keyId = await importKey('laptop_key');
      assert.match(keyId, /^lhkp-[0-9a-z]{8}$/);
      const [held] = fake.keyPairs();
      assert.equal(held.KeyId, keyId);
      assert.equal(held.PublicKey, rsa.publicLine.split(' ').slice(0, 2).join(' '));
      assert.match(held.CreatedTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('is account-wide: the same key pairs with any Region or none', async () => {
      const keyId = await importKey('shared_key', rsa.publicLine, 'ap-singapore');
      const none = await describeKeys();
      const guangzhou = await describeKeys({}, REGION);
      const frankfurt = await describeKeys({}, 'eu-frankfurt');
      for (const answer of [none, guangzhou, frankfurt]) {
        assert.equal(answer.TotalCount, 1);
        assert.equal(answer.KeyPairSet[0].KeyId, keyId);
      }
      // The name is taken account-wide too.
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'shared_key', PublicKey: rsa2.publicLine }, 'ap-tokyo'), 'InvalidParameterValue.DuplicateParameterValue');
    });

    it("needs a Region for key pair actions by default (the current pages' reading), or once told so", async () => {
      const strict = new FakeLighthouse();
      const strictUrl = await strict.start();
      try {
        const host = new URL(strictUrl).host;
        const client = new Client(host, LIGHTHOUSE_API_VERSION, { credential: { ...FAKE_TEST_CREDENTIAL }, profile: { httpProfile: { endpoint: host, protocol: 'http://', reqTimeout: 10 } } });
        assert.equal(await sdkErrorCode(client.request('DescribeKeyPairs', {})), 'MissingParameter');
      } finally {
        await strict.stop();
      }
      assert.equal((await fetch(`${fake.url}/__admin/options`, { method: 'POST', body: JSON.stringify({ keyPairRegion: 'required' }) })).status, 200);
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'k', PublicKey: rsa.publicLine }), 'MissingParameter');
      assert.equal(await codeOf('DescribeKeyPairs'), 'MissingParameter');
      const keyId = await importKey('k', rsa.publicLine, 'ap-tokyo');
      assert.equal((await describeKeys({}, REGION)).KeyPairSet[0].KeyId, keyId);
      // The bind actions and DescribeRegions still take none.
      assert.equal(await codeOf('DescribeRegions'), undefined);
      assert.equal(await codeOf('AssociateInstancesKeyPairs', { KeyIds: [keyId], InstanceIds: ['lhins-lnxstp01'] }), undefined);
    });

    it('applies the key name rules: 1-25 letters, digits and underscores', async () => {
      const imp = (name: string) => codeOf('ImportKeyPair', { KeyName: name, PublicKey: rsa.publicLine });
      assert.equal(await imp(''), 'InvalidParameterValue.InvalidKeyPairNameEmpty');
      assert.equal(await imp('a'.repeat(26)), 'InvalidParameterValue.InvalidKeyPairNameTooLong');
      assert.equal(await imp('my-key'), 'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar');
      assert.equal(await imp('密钥'), 'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar');
      assert.equal(await codeOf('CreateKeyPair', { KeyName: 'a b' }), 'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar');
      assert.equal(await codeOf('ImportKeyPair', { PublicKey: rsa.publicLine }), 'MissingParameter');
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'no_key' }), 'MissingParameter');
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 7, PublicKey: rsa.publicLine }), 'InvalidParameter');
      assert.equal(await imp(`A${'b'.repeat(23)}_`), undefined);
    });

    it('takes OpenSSH RSA keys only, as documented, unless told otherwise', async () => {
      const imp = (name: string, key: string) => codeOf('ImportKeyPair', { KeyName: name, PublicKey: key });
      assert.equal(await imp('ed', ed25519.publicLine), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      assert.equal(await imp('garbage', 'ssh-rsa AAAAnot-base64!'), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      const [type, data] = rsa.publicLine.split(' ');
      assert.equal(await imp('cut', `${type} ${Buffer.from(data, 'base64').subarray(0, 100).toString('base64')}`), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      assert.equal(await imp('pem', fs.readFileSync(rsa.privatePath, 'utf8')), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      assert.equal(fake.keyPairs().length, 0);

      const wide = new FakeLighthouse({ acceptedKeyTypes: ['ssh-rsa', 'ssh-ed25519'], keyPairRegion: 'optional' });
      await wide.start();
      try {
        const host = new URL(wide.url).host;
        const client = new Client(host, LIGHTHOUSE_API_VERSION, { credential: { ...FAKE_TEST_CREDENTIAL }, profile: { httpProfile: { endpoint: host, protocol: 'http://' } } });
        assert.match((await client.request('ImportKeyPair', { KeyName: 'ed', PublicKey: ed25519.publicLine })).KeyId, /^lhkp-/);
      } finally {
        await wide.stop();
      }
      // The switch every fake has: the undocumented types too, until reset.
      assert.equal(fake.setSwitches({ acceptUndocumentedKeyTypes: true }), undefined);
      assert.equal(await imp('ed', ed25519.publicLine), undefined);
      assert.match(String(fake.setSwitches({ acceptUndocumentedKeyTypes: 'yes' } as never)), /must be a boolean/);
      fake.reset();
      assert.equal(await imp('ed_again', ed25519.publicLine), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
    });

    it('refuses a public key imported before, whatever its comment (KeyPairPublicKeyDuplicated)', async () => {
      await importKey('first');
      const [type, data] = rsa.publicLine.split(' ');
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'second', PublicKey: `${type} ${data} another-comment` }), 'InvalidParameterValue.KeyPairPublicKeyDuplicated');
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'first', PublicKey: rsa2.publicLine }), 'InvalidParameterValue.DuplicateParameterValue');
      assert.equal(fake.keyPairs().length, 1);
    });

    it('stops at the key pair quota (LimitExceeded.KeyPairLimitExceeded)', async () => {
      fake.account.keyPairLimit = 1;
      await importKey('only');
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'more', PublicKey: rsa2.publicLine }), 'LimitExceeded.KeyPairLimitExceeded');
      assert.equal(await codeOf('CreateKeyPair', { KeyName: 'more' }), 'LimitExceeded.KeyPairLimitExceeded');
    });

    it('creates an RSA key pair whose private key ssh-keygen reads back to the returned public key', async () => {
      const { KeyPair: created } = await call('CreateKeyPair', { KeyName: 'made_here', Tags: [{ Key: 'team', Value: 'ops' }] });
      assert.deepEqual(Object.keys(created).sort(), ['AssociatedInstanceIds', 'AssociatedInstanceSet', 'CreatedTime', 'KeyId', 'KeyName', 'PrivateKey', 'PublicKey', 'Tags']);
      assert.match(created.KeyId, /^lhkp-[0-9a-z]{8}$/);
      assert.equal(created.KeyName, 'made_here');
      assert.deepEqual(created.AssociatedInstanceIds, []);
      // As in the documented example answer; DescribeKeyPairs has the time.
      assert.equal(created.CreatedTime, null);
      assert.match(created.PrivateKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
      const file = path.join(keyDir, 'created');
      fs.writeFileSync(file, created.PrivateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
      assert.equal(derived.split(' ').slice(0, 2).join(' '), created.PublicKey.split(' ').slice(0, 2).join(' '));
      // Listed afterwards without the private key.
      const { KeyPairSet } = await describeKeys({ KeyIds: [created.KeyId] });
      assert.equal(KeyPairSet[0].PrivateKey, null);
      assert.match(String(KeyPairSet[0].CreatedTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(KeyPairSet[0].Tags, [{ Key: 'team', Value: 'ops' }]);
      assert.equal(await codeOf('CreateKeyPair', { KeyName: 'made_here' }), 'InvalidParameterValue.DuplicateParameterValue');
      assert.equal(await codeOf('CreateKeyPair', { KeyName: 'x', Tags: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }), 'InvalidParameterValue.LimitExceeded');
    });
  });

  describe('key pairs: DescribeKeyPairs and DeleteKeyPairs', () => {
    it('lists with the documented fields, 20 by default and at most 100', async () => {
      for (let i = 0; i < 25; i++) fake.seedKeyPair({ name: `seed_${i}`, publicKey: randomEd25519PublicKeyLine() });
      const first = await describeKeys();
      assert.equal(first.TotalCount, 25);
      assert.equal(first.KeyPairSet.length, 20);
      assert.deepEqual(Object.keys(first.KeyPairSet[0]).sort(), ['AssociatedInstanceIds', 'AssociatedInstanceSet', 'CreatedTime', 'KeyId', 'KeyName', 'PrivateKey', 'PublicKey', 'Tags']);
      const rest = await describeKeys({ Offset: 20, Limit: 100 });
      assert.deepEqual(rest.KeyPairSet.map((k) => k.KeyName), ['seed_20', 'seed_21', 'seed_22', 'seed_23', 'seed_24']);
      assert.equal(await codeOf('DescribeKeyPairs', { Limit: 101 }), 'InvalidParameterValue.OutOfRange');
      assert.equal(await codeOf('DescribeKeyPairs', { Offset: -1 }), 'InvalidParameterValue.Negative');
    });

    it('selects by KeyIds or by the documented filters, never both', async () => {
      const a = fake.seedKeyPair({ name: 'alpha_key', publicKey: randomEd25519PublicKeyLine(), tags: [{ Key: 'env', Value: 'prod' }] });
      const b = fake.seedKeyPair({ name: 'beta_key', publicKey: randomEd25519PublicKeyLine() });
      const names = async (params: Record<string, unknown>) => (await describeKeys(params)).KeyPairSet.map((k) => k.KeyName);
      assert.deepEqual(await names({ KeyIds: [b.KeyId, 'lhkp-00000000'] }), ['beta_key']);
      assert.deepEqual(await names({ KeyIds: [], Filters: [{ Name: 'key-name', Values: ['beta'] }] }), ['beta_key']);
      assert.deepEqual(await names({ Filters: [{ Name: 'key-id', Values: [a.KeyId] }] }), ['alpha_key']);
      // key-name "支持模糊匹配".
      assert.deepEqual(await names({ Filters: [{ Name: 'key-name', Values: ['_key'] }] }), ['alpha_key', 'beta_key']);
      assert.deepEqual(await names({ Filters: [{ Name: 'tag:env', Values: ['prod'] }] }), ['alpha_key']);
      assert.deepEqual(await names({ Filters: [{ Name: 'tag-key', Values: ['env'] }, { Name: 'key-name', Values: ['beta'] }] }), []);

      assert.equal(await codeOf('DescribeKeyPairs', { KeyIds: [a.KeyId], Filters: [{ Name: 'key-name', Values: ['a'] }] }), 'InvalidParameter.ParameterConflict');
      assert.equal(await codeOf('DescribeKeyPairs', { KeyIds: ['skey-abcdefgh'] }), 'InvalidParameterValue.KeyPairIdMalformed');
      assert.equal(await codeOf('DescribeKeyPairs', { KeyIds: [a.KeyId, a.KeyId] }), 'InvalidParameterValue.Duplicated');
      assert.equal(await codeOf('DescribeKeyPairs', { KeyIds: Array.from({ length: 101 }, (_, i) => `lhkp-${String(i).padStart(8, '0')}`) }), 'InvalidParameterValue.LimitExceeded');
      assert.equal(await codeOf('DescribeKeyPairs', { Filters: [{ Name: 'project-id', Values: ['0'] }] }), 'InvalidParameter.InvalidFilter');
      assert.equal(await codeOf('DescribeKeyPairs', { Filters: [{ Name: 'key-name', Values: ['1', '2', '3', '4', '5', '6'] }] }), 'InvalidParameter.FilterValueLimitExceeded');
      assert.equal(await codeOf('DescribeKeyPairs', { Filters: Array(11).fill({ Name: 'key-name', Values: ['a'] }) }), 'InvalidParameterValue.LimitExceeded');
    });

    it('deletes up to 10 key pairs; unknown, malformed or bound ones fail and nothing is deleted', async () => {
      const keys = Array.from({ length: 3 }, (_, i) => fake.seedKeyPair({ name: `k${i}`, publicKey: randomEd25519PublicKeyLine() }).KeyId);
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: Array.from({ length: 11 }, (_, i) => `lhkp-${String(i).padStart(8, '0')}`) }), 'InvalidParameterValue.LimitExceeded');
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: [keys[0], 'lhkp-notthere'] }), 'ResourceNotFound.KeyIdNotFound');
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: ['lhkp-1'] }), 'InvalidParameterValue.KeyPairIdMalformed');
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: [] }), 'MissingParameter');
      await call('AssociateInstancesKeyPairs', { KeyIds: [keys[1]], InstanceIds: ['lhins-lnxstp01'] });
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: [keys[0], keys[1]] }), 'ResourceInUse.KeyPairInUse');
      assert.equal(fake.keyPairs().length, 3);
      await call('DeleteKeyPairs', { KeyIds: [keys[0], keys[2]] });
      assert.deepEqual(fake.keyPairs().map((k) => k.KeyId), [keys[1]]);
    });
  });

  describe('instances and binding', () => {
    const bind = (keyIds: string[], instanceIds: string[], extra: Record<string, unknown> = {}, region?: string) =>
      call('AssociateInstancesKeyPairs', { KeyIds: keyIds, InstanceIds: instanceIds, ...extra }, region);
    const bindCode = (keyIds: string[], instanceIds: string[], extra: Record<string, unknown> = {}, region?: string) => sdkErrorCode(bind(keyIds, instanceIds, extra, region));

    it('lists the instances of a region, newest first, with the documented fields', async () => {
      const answer = await call('DescribeInstances', {}, REGION);
      assert.equal(answer.TotalCount, 4);
      assert.deepEqual(answer.InstanceSet.map((i: { InstanceId: string }) => i.InstanceId), ['lhins-lnxrun01', 'lhins-lnxstp01', 'lhins-lnxstp02', 'lhins-winstp01']);
      const running = answer.InstanceSet[0];
      for (const field of ['InstanceName', 'InstanceState', 'PublicAddresses', 'PrivateAddresses', 'Zone', 'PlatformType', 'OsName', 'BundleId', 'BlueprintId', 'Uuid', 'CreatedTime', 'ExpiredTime', 'LatestOperationState']) {
        assert.ok(field in running, `no ${field}`);
      }
      assert.deepEqual(running.LoginSettings, { KeyIds: [] });
      assert.equal(running.InstanceState, 'RUNNING');
      assert.match(running.Zone, /^ap-guangzhou-/);
      const shanghai = await call('DescribeInstances', {}, 'ap-shanghai');
      assert.deepEqual(shanghai.InstanceSet.map((i: { InstanceId: string }) => i.InstanceId), ['lhins-shrun001']);
    });

    it('filters instances, checks ids, and orders by expiry on request', async () => {
      const ids = async (params: Record<string, unknown>) => ((await call('DescribeInstances', params, REGION)).InstanceSet as Array<{ InstanceId: string }>).map((i) => i.InstanceId);
      assert.deepEqual(await ids({ Filters: [{ Name: 'instance-state', Values: ['RUNNING'] }] }), ['lhins-lnxrun01']);
      assert.deepEqual(await ids({ Filters: [{ Name: 'public-ip-address', Values: ['127.0.2.3'] }] }), ['lhins-lnxstp01']);
      assert.deepEqual(await ids({ InstanceIds: ['lhins-winstp01', 'lhins-shrun001'] }), ['lhins-winstp01']);
      assert.deepEqual(await ids({ Limit: 1, Offset: 1 }), ['lhins-lnxstp01']);
      const seeded = fake.seedInstance({ InstanceName: 'soon-expiring', ExpiredTime: '2025-01-01T00:00:00Z' });
      assert.equal((await ids({ OrderField: 'EXPIRED_TIME' }))[0], seeded.InstanceId);
      assert.equal(await codeOf('DescribeInstances', { Order: 'DESC' }, REGION), 'MissingParameter.OrderFieldRequired');
      assert.equal(await codeOf('DescribeInstances', { InstanceIds: ['ins-lnxrun01'] }, REGION), 'InvalidParameterValue.InstanceIdMalformed');
      assert.equal(await codeOf('DescribeInstances', { InstanceIds: ['lhins-lnxrun01'], Filters: [{ Name: 'zone', Values: ['x'] }] }, REGION), 'InvalidParameter.ParameterConflict');
      assert.equal(await codeOf('DescribeInstances', { Filters: [{ Name: 'os-name', Values: ['x'] }] }, REGION), 'InvalidParameter.InvalidFilterNotSupportedName');
      assert.equal(await codeOf('DescribeInstances', { Filters: [{ Name: 'zone', Values: 'x' }] }, REGION), 'InvalidParameter.InvalidFilterInvalidValuesNotList');
    });

    it('binds a key to a stopped Linux instance, which then lists it, and the key its instance', async () => {
      const keyId = await importKey('bind_me');
      assert.deepEqual(await bind([keyId], ['lhins-lnxstp01']), { RequestId: fake.requests.at(-1)?.requestId });
      const instance = await describeInstance('lhins-lnxstp01');
      assert.deepEqual(instance.LoginSettings, { KeyIds: [keyId] });
      assert.equal(instance.InstanceState, 'STOPPED');
      assert.equal(instance.LatestOperation, 'AssociateInstancesKeyPairs');
      assert.equal(instance.LatestOperationState, 'SUCCESS');
      const [listed] = (await describeKeys({ KeyIds: [keyId] })).KeyPairSet;
      assert.deepEqual(listed.AssociatedInstanceIds, ['lhins-lnxstp01']);
      assert.deepEqual(listed.AssociatedInstanceSet, [{ InstanceId: 'lhins-lnxstp01', Username: 'root' }]);
    });

    it('shuts a running instance down for an OFFLINE bind (the default), not for an ONLINE one', async () => {
      const [a, b] = [await importKey('a'), await importKey('b', rsa2.publicLine)];
      await bind([a], ['lhins-lnxrun01']);
      assert.equal(fake.instance('lhins-lnxrun01')?.InstanceState, 'STOPPED');
      const online = fake.seedInstance({ InstanceName: 'online' });
      await bind([b], [online.InstanceId], { AssociateType: 'ONLINE', Username: 'ubuntu' });
      assert.equal(fake.instance(online.InstanceId)?.InstanceState, 'RUNNING');
      assert.deepEqual(fake.instance(online.InstanceId)?.usernames, { [b]: 'ubuntu' });
      assert.equal(await bindCode([a], [online.InstanceId], { Username: 'ubuntu' }), 'InvalidParameter.ParameterConflict');
      assert.equal(await bindCode([a], [online.InstanceId], { AssociateType: 'SOMETIMES' }), 'InvalidParameterValue');
    });

    it('replaces the keys an instance had; binding the same key again is KeyPairBindDuplicate', async () => {
      const [a, b] = [await importKey('a'), await importKey('b', rsa2.publicLine)];
      await bind([a], ['lhins-lnxstp01']);
      assert.equal(await bindCode([a], ['lhins-lnxstp01']), 'UnsupportedOperation.KeyPairBindDuplicate');
      await bind([b], ['lhins-lnxstp01']);
      assert.deepEqual(fake.instance('lhins-lnxstp01')?.KeyIds, [b]);
    });

    it('finds instances without a Region (documented as not required), only in the given one with it', async () => {
      const keyId = await importKey('regionless');
      await bind([keyId], ['lhins-shrun001']);
      assert.deepEqual(fake.instance('lhins-shrun001')?.KeyIds, [keyId]);
      assert.equal(await bindCode([keyId], ['lhins-lnxstp01'], {}, 'ap-shanghai'), 'ResourceNotFound.InstanceIdNotFound');
      assert.equal(await bindCode([keyId], ['lhins-lnxstp01'], {}, REGION), undefined);
    });

    it('refuses Windows, states other than RUNNING/STOPPED, unknown and malformed ids, changing nothing', async () => {
      fake.setRateLimit(1000); // more than 10 binds in a second
      const keyId = await importKey('strict');
      assert.equal(await bindCode([keyId], ['lhins-lnxstp02', 'lhins-winstp01']), 'UnsupportedOperation.WindowsNotAllowToAssociateKeyPair');
      assert.deepEqual(fake.instance('lhins-lnxstp02')?.KeyIds, []);
      for (const state of ['STARTING', 'STOPPING', 'REBOOTING', 'SHUTDOWN', 'RESCUE_MODE'] as const) {
        fake.setInstanceState('lhins-lnxstp02', state);
        assert.equal(await bindCode([keyId], ['lhins-lnxstp02']), 'UnsupportedOperation.InvalidInstanceState', state);
      }
      fake.setInstanceState('lhins-lnxstp02', 'PENDING');
      assert.equal(await bindCode([keyId], ['lhins-lnxstp02']), 'OperationDenied.InstanceCreating');
      assert.equal(await bindCode([keyId], ['lhins-notthere']), 'ResourceNotFound.InstanceIdNotFound');
      assert.equal(await bindCode([keyId], ['ins-lnxstp01']), 'InvalidParameterValue.InstanceIdMalformed');
      assert.equal(await bindCode(['lhkp-notthere'], ['lhins-lnxstp01']), 'ResourceNotFound.KeyIdNotFound');
      assert.equal(await bindCode(['skey-abcdefgh'], ['lhins-lnxstp01']), 'InvalidParameterValue.KeyPairIdMalformed');
      assert.equal(await bindCode([keyId], ['lhins-lnxstp01', 'lhins-lnxstp01']), 'InvalidParameterValue.Duplicated');
      assert.equal(await bindCode([keyId], []), 'MissingParameter');
      const many = Array.from({ length: 101 }, (_, i) => `lhins-${String(i).padStart(8, '0')}`);
      assert.equal(await bindCode([keyId], many), 'InvalidParameterValue.LimitExceeded');
    });

    it('unbinds bound keys only, and checks the user of an ONLINE unbind', async () => {
      const [a, b] = [await importKey('a'), await importKey('b', rsa2.publicLine)];
      const unbindCode = (keyIds: string[], extra: Record<string, unknown> = {}) =>
        codeOf('DisassociateInstancesKeyPairs', { KeyIds: keyIds, InstanceIds: ['lhins-lnxrun01'], ...extra });
      await bind([a], ['lhins-lnxrun01'], { AssociateType: 'ONLINE', Username: 'ubuntu' });
      assert.equal(await unbindCode([b]), 'UnsupportedOperation.KeyPairNotBoundToInstance');
      assert.equal(await unbindCode([a], { DisassociateType: 'ONLINE', Username: 'root' }), 'UnsupportedOperation.KeyPairUnbindUsernameMismatch');
      assert.equal(await unbindCode([a], { DisassociateType: 'ONLINE', Username: 'ubuntu' }), undefined);
      const instance = fake.instance('lhins-lnxrun01');
      assert.deepEqual([instance?.KeyIds, instance?.InstanceState, instance?.LatestOperation], [[], 'RUNNING', 'DisassociateInstancesKeyPairs']);
      await bind([a], ['lhins-lnxrun01'], { AssociateType: 'ONLINE' });
      assert.equal(await unbindCode([a]), undefined);
      assert.equal(fake.instance('lhins-lnxrun01')?.InstanceState, 'STOPPED');
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: [a, b] }), undefined);
    });

    it('is asynchronous when told so: OPERATING and STOPPING meanwhile, then SUCCESS and STOPPED', async () => {
      fake.account.operationMs = 300;
      const keyId = await importKey('slow');
      await bind([keyId], ['lhins-lnxrun01']);
      const during = await describeInstance('lhins-lnxrun01');
      assert.deepEqual([during.InstanceState, during.LatestOperationState, during.LoginSettings], ['STOPPING', 'OPERATING', { KeyIds: [] }]);
      assert.equal(await bindCode([keyId], ['lhins-lnxrun01']), 'UnsupportedOperation.LatestOperationUnfinished');
      // A key being bound is in use already.
      assert.equal(await codeOf('DeleteKeyPairs', { KeyIds: [keyId] }), 'ResourceInUse.KeyPairInUse');
      await new Promise((resolve) => setTimeout(resolve, 350));
      const done = await describeInstance('lhins-lnxrun01');
      assert.deepEqual([done.InstanceState, done.LatestOperationState, done.LoginSettings], ['STOPPED', 'SUCCESS', { KeyIds: [keyId] }]);
    });

    it('tells the authorized keys listener of an asynchronous bind when it ends, not when it is accepted', async () => {
      fake.account.operationMs = 300;
      const keyId = await importKey('later');
      const heard: Array<[string, number]> = [];
      const started = Date.now();
      await fake.setAuthorizedKeysListener((id, keys) => void (id === 'lhins-lnxstp01' && heard.push([keys[0] ?? '', Date.now() - started])));
      heard.length = 0;
      await bind([keyId], ['lhins-lnxstp01']);
      assert.deepEqual(heard, [], 'still OPERATING');
      await new Promise((resolve) => setTimeout(resolve, 450));
      assert.equal(heard.length, 1, 'heard once, on time, without another request');
      assert.equal(heard[0][0], fake.keyPairs().find((k) => k.KeyId === keyId)!.PublicKey);
      assert.ok(heard[0][1] >= 300, `heard after ${heard[0][1]} ms`);
      assert.deepEqual(fake.instanceHosts().find((h) => h.instanceId === 'lhins-lnxstp01')?.authorizedKeys, [heard[0][0]]);
      await fake.setAuthorizedKeysListener(undefined);
    });
  });

  describe('rate limits', () => {
    it('limits ImportKeyPair to its documented 10 requests per second per client, each action apart', async () => {
      const codes = [];
      for (let i = 0; i < 11; i++) codes.push(await codeOf('ImportKeyPair', { KeyName: `k${i}` }));
      assert.deepEqual(codes.slice(0, 10), Array(10).fill('MissingParameter'));
      assert.equal(codes[10], 'RequestLimitExceeded');
      assert.equal(await codeOf('DescribeKeyPairs'), undefined);
      // The other API key of the account has its own budget.
      assert.equal(await sdkErrorCode(sdk(undefined, FAKE_SECOND_CREDENTIAL).request('ImportKeyPair', {})), 'MissingParameter');
    });

    it('allows CreateKeyPair 20 and DescribeKeyPairs 100 per second, and setRateLimit changes every action', async () => {
      const burst = async (action: string, n: number) => {
        const codes = await Promise.all(Array.from({ length: n }, () => rawCode({ action, params: { KeyName: '' } })));
        return codes.filter((c) => c === 'RequestLimitExceeded').length;
      };
      assert.equal(await burst('CreateKeyPair', 21), 1);
      assert.equal(await burst('DescribeKeyPairs', 100), 0);
      fake.setRateLimit(2);
      assert.equal(await burst('DescribeKeyPairs', 3), 1);
    });
  });

  describe('faults, injected errors and the admin API', () => {
    const admin = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${fake.url}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as unknown };
    };

    it('throttles the next N requests when told over HTTP, then serves again', async () => {
      assert.equal((await admin('POST', 'faults', { fault: { kind: 'throttle' }, action: 'DescribeKeyPairs', times: 2 })).status, 200);
      assert.equal(await codeOf('DescribeRegions'), undefined);
      assert.equal(await codeOf('DescribeKeyPairs'), 'RequestLimitExceeded');
      assert.equal(await codeOf('DescribeKeyPairs'), 'RequestLimitExceeded');
      assert.equal(await codeOf('DescribeKeyPairs'), undefined);
      assert.deepEqual((await admin('GET', 'faults')).json, []);
      assert.equal((await admin('POST', 'faults', { fault: { kind: 'explode' } })).status, 400);
    });

    it('answers UnauthorizedOperation.MFAExpired before the action runs, when injected over HTTP', async () => {
      const injected = await admin('POST', 'options', { errors: [{ code: 'UnauthorizedOperation.MFAExpired', action: 'ImportKeyPair', times: 1 }] });
      assert.equal(injected.status, 200);
      assert.equal(await codeOf('DescribeKeyPairs'), undefined);
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'mfa', PublicKey: rsa.publicLine }), 'UnauthorizedOperation.MFAExpired');
      assert.equal(fake.keyPairs().length, 0);
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'mfa', PublicKey: rsa.publicLine }), undefined);
      assert.equal((await admin('POST', 'options', { errors: [{ action: 'x' }] })).status, 400);
      assert.equal((await admin('POST', 'options', { colour: 'red' })).status, 400);
    });

    it('rewrites an answer after the action ran (the key is imported, the client sees an error)', async () => {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'UnauthorizedOperation.MFAExpired', Message: 'MFA expired' } }, remove: ['Response.KeyId'] }, times: 1 });
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'rewritten', PublicKey: rsa.publicLine }), 'UnauthorizedOperation.MFAExpired');
      assert.equal(fake.keyPairs().length, 1);
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPairSet.*.KeyId': 'lhkp-forged00' } }, times: 1 });
      assert.equal((await describeKeys()).KeyPairSet[0].KeyId, 'lhkp-forged00');
    });

    it('adds latency, answers 5xx (after the action too), truncates JSON, drops the connection, hangs', async () => {
      fake.faults.add({ fault: { kind: 'latency', ms: 150 }, times: 1 });
      const started = Date.now();
      await raw();
      assert.ok(Date.now() - started >= 140);

      fake.faults.add({ fault: { kind: 'http-error', status: 503, afterProcessing: true }, times: 1 });
      assert.equal((await raw({ action: 'ImportKeyPair', params: { KeyName: 'landed', PublicKey: rsa.publicLine } })).status, 503);
      assert.equal(fake.keyPairs().length, 1);

      fake.faults.add({ fault: { kind: 'malformed-json' }, times: 1 });
      const truncated = await raw();
      assert.equal(truncated.status, 200);
      assert.throws(() => JSON.parse(truncated.body));

      fake.faults.add({ fault: { kind: 'reset' }, times: 1 });
      await assert.rejects(raw());

      fake.faults.add({ fault: { kind: 'hang' }, times: 1 });
      await assert.rejects(raw({ timeoutMs: 200 }), /timed out/);
      assert.equal(await rawCode({}), undefined);
    });

    it('skews the server clock and sends hostile answers', async () => {
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 600 }, times: 1 });
      assert.equal(await rawCode({}), 'AuthFailure.SignatureExpire');
      assert.equal(await rawCode({}), undefined);

      const target = new RedirectTarget();
      await target.start();
      try {
        fake.faults.add({ fault: { kind: 'redirect', status: 307, location: `${target.url}/` }, times: 1 });
        const redirected = await raw({ action: 'DescribeKeyPairs' });
        assert.equal(redirected.status, 307);
        assert.equal(target.reached, false);
      } finally {
        await target.stop();
      }
      fake.faults.add({ fault: { kind: 'huge', bytes: 256 * 1024, contentLength: true }, times: 1 });
      const huge = await raw({ action: 'DescribeKeyPairs' });
      assert.equal(Buffer.byteLength(huge.body), 256 * 1024);
      assert.match(huge.body, /^\{"Response":\{"RequestId":"hostile","KeyPairSet":\[/);
    });

    it('logs requests without secrets, shows state, sets instance states and resets over HTTP', async () => {
      const { KeyPair: created } = await call('CreateKeyPair', { KeyName: 'logged' });
      await call('DescribeKeyPairs', { Limit: 5 }, REGION);
      const log = (await admin('GET', 'requests')).json as Array<Record<string, unknown>>;
      assert.equal(log.length, 2);
      assert.deepEqual(
        { action: log[1].action, region: log[1].region, params: log[1].params, secretId: log[1].secretId, signatureVerified: log[1].signatureVerified },
        { action: 'DescribeKeyPairs', region: REGION, params: { Limit: 5 }, secretId: FAKE_TEST_CREDENTIAL.secretId, signatureVerified: true },
      );
      const text = JSON.stringify(log);
      assert.ok(!text.includes(FAKE_TEST_CREDENTIAL.secretKey), 'the SecretKey reached the log');
      assert.ok(!text.includes(created.PrivateKey.split('\n')[1]), 'a private key reached the log');

      const state = (await admin('GET', 'state')).json as { keyPairs: Array<Record<string, unknown>>; instances: unknown[] };
      assert.equal(state.keyPairs[0].KeyId, created.KeyId);
      assert.ok(!('blobBase64' in state.keyPairs[0]));
      assert.equal(state.instances.length, 5);

      assert.equal((await admin('POST', 'instances/lhins-lnxrun01/state', { state: 'REBOOTING' })).status, 200);
      assert.equal(fake.instance('lhins-lnxrun01')?.InstanceState, 'REBOOTING');
      assert.equal((await admin('POST', 'instances/lhins-lnxrun01/state', { state: 'ASLEEP' })).status, 400);
      assert.equal((await admin('POST', 'rate-limit', { perSecond: 1 })).status, 200);
      assert.equal(await codeOf('DescribeRegions'), undefined);
      assert.equal(await codeOf('DescribeRegions'), 'RequestLimitExceeded');

      await admin('POST', 'reset');
      assert.equal(fake.instance('lhins-lnxrun01')?.InstanceState, 'RUNNING');
      assert.equal(fake.keyPairs().length, 0);
      assert.equal(await codeOf('DescribeRegions'), undefined);
      assert.equal(await codeOf('DescribeRegions'), undefined);
    });

    it('hides a new key pair from listings for listingLagMs (eventual consistency)', async () => {
      assert.equal((await admin('POST', 'options', { listingLagMs: 300 })).status, 200);
      await importKey('lagging');
      assert.equal((await describeKeys()).TotalCount, 0);
      assert.equal(await codeOf('ImportKeyPair', { KeyName: 'lagging', PublicKey: rsa2.publicLine }), 'InvalidParameterValue.DuplicateParameterValue');
      await new Promise((resolve) => setTimeout(resolve, 320));
      assert.equal((await describeKeys()).TotalCount, 1);
    });
  });
});
