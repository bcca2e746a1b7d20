// LighthouseProvider with the REAL tencentcloud-sdk-nodejs-common client against the fake
// Lighthouse server: every key pair operation, the documented rules, error sentences, retries,
// recovery, the transport's limits and the trust boundary.

import * as assert from 'node:assert/strict';
import { failsWith as failsWithCode } from '../../../fakes/fails-with';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LighthouseProvider, type LighthouseOptions } from '../../../../src/clouds/lighthouse/provider';
// Checked right after the import: loading the provider module must not load the SDK.
const sdkLoadedByImport = Object.keys(require.cache).some((file) => file.includes(`${path.sep}tencentcloud-sdk-nodejs-`));

import { CloudError, isCancellation } from '../../../../src/cloud/errors';
import { samePublicKey } from '../../../../src/cloud/publicKey';
import { RateLimiter } from '../../../../src/cloud/retry';
import { createProvider } from '../../../../src/clouds/lighthouse/chunk';
import { LIGHTHOUSE_CAPABILITIES, LIGHTHOUSE_DESCRIPTOR } from '../../../../src/clouds/lighthouse/descriptor';
import { LIGHTHOUSE_MESSAGES } from '../../../../src/clouds/lighthouse/errors';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';
import { RedirectTarget } from '../../../fakes/hostile-answers';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { keygenFingerprint, sshKeygen, tempDir } from '../../../unit/helpers';

const REGION = 'ap-guangzhou';
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 };


const failsWith = (promise: Promise<unknown>, code: string) => failsWithCode(promise, code, 'lighthouse');

describe('LighthouseProvider with the real SDK against the fake Lighthouse', function () {
  this.timeout(30_000);
  let fake: FakeLighthouse;
  let dir: string;
  const savedProxy = process.env.http_proxy;
  const limiter = new RateLimiter();
  const provider = (options: Partial<LighthouseOptions> = {}) =>
    new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });
  const pub = (name: string) => fs.readFileSync(path.join(dir, `${name}.pub`), 'utf8').trim();
  const count = (action: string) => fake.requests.filter((r) => r.action === action).length;
  const keyPairIds = () => fake.keyPairs().map((k) => k.KeyId);

  before(async () => {
    delete process.env.http_proxy; // the SDK would send even loopback requests through it
    fake = new FakeLighthouse();
    await fake.start();
    dir = tempDir('cloud-lighthouse');
    for (const name of ['alpha', 'beta', 'gamma']) sshKeygen(path.join(dir, name), 'rsa', ['-b', '2048'], `${name}@laptop`);
    sshKeygen(path.join(dir, 'ed'), 'ed25519', [], 'ed@laptop');
  });
  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('does not load the SDK when the module is imported', () => {
    assert.equal(sdkLoadedByImport, false);
  });

  it('describes Lighthouse as an account-wide cloud with CVM\'s credentials and name rules', () => {
    assert.deepEqual(LIGHTHOUSE_CAPABILITIES, { rename: false, editDescription: false, bind: true, bindStopsRunningInstances: true, keyPairScope: 'account', bindSetsKeyList: false });
    assert.equal(LIGHTHOUSE_DESCRIPTOR.secretKey, 'cloudSshKeys.tencent.credentials');
    assert.deepEqual(LIGHTHOUSE_DESCRIPTOR.credentialFields.map((f) => f.envVar), ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN']);
    assert.equal(LIGHTHOUSE_DESCRIPTOR.keyNameProblem('a'.repeat(25)), undefined);
    assert.ok(LIGHTHOUSE_DESCRIPTOR.keyNameProblem('a'.repeat(26)));
    assert.ok(LIGHTHOUSE_DESCRIPTOR.keyNameProblem('my-key'));
    assert.equal(LIGHTHOUSE_DESCRIPTOR.sanitizeKeyName('id_rsa.pub'), 'id_rsa');
  });

  describe('import and list', () => {
    it('imports RSA keys made by ssh-keygen, account-wide (always the default Region, as the current pages require), and lists them with their ssh-keygen fingerprints', async () => {
      const lh = provider();
      const alpha = await lh.importKeyPair({ region: REGION, name: 'alpha_key', publicKey: pub('alpha') });
      assert.match(alpha.keyPair.id, /^lhkp-[0-9a-z]{8}$/);
      assert.deepEqual([alpha.alreadyExisted, alpha.recoveredAfterLostAnswer], [false, false]);
      // The key pairs of the account, asked about from another region: the same set.
      const listed = await lh.listKeyPairs({ region: 'ap-tokyo' });
      assert.deepEqual(listed.map((k) => k.id), [alpha.keyPair.id]);
      assert.equal(listed[0].name, 'alpha_key');
      assert.equal(listed[0].region, 'ap-tokyo');
      assert.equal(listed[0].sha256, keygenFingerprint(path.join(dir, 'alpha.pub')).fingerprint);
      assert.ok(samePublicKey(listed[0].publicKey, pub('alpha')));
      assert.match(listed[0].createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(alpha.keyPair.sha256, listed[0].sha256);
      assert.deepEqual(fake.requests.map((r) => [r.action, r.region]), [['ImportKeyPair', 'ap-guangzhou'], ['DescribeKeyPairs', 'ap-guangzhou']]);
      assert.deepEqual(fake.requests[0].params, { KeyName: 'alpha_key', PublicKey: pub('alpha') });
    });

    it('returns the existing key pair for a key already imported (by blob, whatever the name, comment or region)', async () => {
      const lh = provider();
      const first = await lh.importKeyPair({ region: REGION, name: 'alpha_key', publicKey: pub('alpha') });
      const again = await lh.importKeyPair({ region: 'ap-shanghai', name: 'alpha_again', publicKey: pub('alpha').replace('alpha@laptop', 'someone@else') });
      assert.equal(again.keyPair.id, first.keyPair.id);
      assert.equal(again.keyPair.name, 'alpha_key');
      assert.deepEqual([again.alreadyExisted, again.recoveredAfterLostAnswer], [true, false]);
      assert.deepEqual(keyPairIds(), [first.keyPair.id]);
    });

    it('a name taken by another key is refused with a sentence saying names are account-wide', async () => {
      const lh = provider();
      await lh.importKeyPair({ region: REGION, name: 'taken', publicKey: pub('alpha') });
      const taken = await failsWith(lh.importKeyPair({ region: REGION, name: 'taken', publicKey: pub('beta') }), 'InvalidParameterValue.DuplicateParameterValue');
      assert.equal(taken.code, LIGHTHOUSE_DESCRIPTOR.nameTakenCode);
      assert.equal(taken.sentence, 'A key pair named "taken" already exists in this account (Lighthouse key pairs are shared by every region). Choose another name.');
      assert.match(taken.message, /\(RequestId: [0-9a-f-]{36}\)$/);
    });

    it('enforces the key pair name rules with the sentences of the codes', async () => {
      const lh = provider();
      const importAs = (name: string) => lh.importKeyPair({ region: REGION, name, publicKey: pub('beta') });
      assert.equal((await failsWith(importAs(''), 'InvalidParameterValue.InvalidKeyPairNameEmpty')).sentence, LIGHTHOUSE_MESSAGES.keyNameEmpty);
      assert.match((await failsWith(importAs('a'.repeat(26)), 'InvalidParameterValue.InvalidKeyPairNameTooLong')).message, /"a{26}" is longer than 25 characters/);
      for (const name of ['my-key', 'my key', 'key.pub']) {
        assert.match((await failsWith(importAs(name), 'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar')).message, /only letters, digits and underscores/);
      }
      await importAs('A'.repeat(25));
    });

    it('sends a key type the documentation does not name (ed25519): Lighthouse decides (the fake refuses it as documented, or takes it when told)', async () => {
      const refused = await failsWith(provider().importKeyPair({ region: REGION, name: 'ed', publicKey: pub('ed') }), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      assert.equal(refused.sentence, LIGHTHOUSE_MESSAGES.publicKeyMalformed);
      assert.equal(fake.requests.filter((r) => r.action === 'ImportKeyPair').length, 1);
      fake.setSwitches({ acceptUndocumentedKeyTypes: true });
      assert.match((await provider().importKeyPair({ region: REGION, name: 'ed', publicKey: pub('ed') })).keyPair.id, /^lhkp-/);
    });

    it('explains a malformed public key and the key pair quota', async () => {
      const lh = provider();
      const broken = `ssh-rsa ${pub('beta').split(' ')[1].slice(0, 40)}`;
      const malformed = await failsWith(lh.importKeyPair({ region: REGION, name: 'broken', publicKey: broken }), 'InvalidParameterValue.KeyPairPublicKeyMalformed');
      assert.equal(malformed.sentence, LIGHTHOUSE_MESSAGES.publicKeyMalformed);
      fake.setSwitches({ keyPairLimit: 1 });
      await lh.importKeyPair({ region: REGION, name: 'beta', publicKey: pub('beta') });
      const quota = await failsWith(lh.importKeyPair({ region: REGION, name: 'gamma', publicKey: pub('gamma') }), 'LimitExceeded.KeyPairLimitExceeded');
      assert.equal(quota.sentence, LIGHTHOUSE_MESSAGES.keyPairLimit);
    });

    it('lists more than 100 key pairs page by page (Offset/Limit 100), and compares names exactly (the key-name filter is fuzzy)', async () => {
      const seeded = Array.from({ length: 150 }, (_, i) => fake.seedKeyPair({ name: `seed_${i}`, publicKey: randomEd25519PublicKeyLine() }));
      const listed = await provider().listKeyPairs({ region: REGION });
      assert.equal(listed.length, 150);
      assert.deepEqual(new Set(listed.map((k) => k.id)), new Set(seeded.map((k) => k.KeyId)));
      assert.ok(listed.every((k) => k.sha256?.startsWith('SHA256:')));
      const pages = fake.requests.filter((r) => r.action === 'DescribeKeyPairs').map((r) => r.params as { Offset: number; Limit: number });
      assert.deepEqual(pages, [{ Offset: 0, Limit: 100 }, { Offset: 100, Limit: 100 }]);
      fake.clearRequests();
      assert.deepEqual((await provider().listKeyPairs({ region: REGION, name: 'seed_1' })).map((k) => k.id), [seeded[1].KeyId]);
      assert.deepEqual((fake.requests[0].params as { Filters: unknown }).Filters, [{ Name: 'key-name', Values: ['seed_1'] }]);
      const byIds = await provider().listKeyPairs({ region: REGION, ids: seeded.slice(0, 120).map((k) => k.KeyId) });
      assert.equal(byIds.length, 120);
    });
  });

  describe('create, delete, rename', () => {
    it("creates a key pair whose private key's public half is the key the cloud holds; a taken name is refused", async () => {
      const created = await provider().createKeyPair({ region: REGION, name: 'made_by_cloud' });
      assert.match(created.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
      assert.equal(created.malformed, undefined);
      const keyFile = path.join(dir, 'created');
      fs.writeFileSync(keyFile, created.privateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim();
      const [held] = fake.keyPairs();
      assert.ok(samePublicKey(derived, held.PublicKey), 'the private key does not belong to the public key held by the cloud');
      assert.ok(samePublicKey(derived, created.keyPair.publicKey));
      assert.deepEqual([created.keyPair.id, created.keyPair.name], [held.KeyId, 'made_by_cloud']);
      assert.equal(fake.requests[0].region, 'ap-guangzhou');
      const taken = await failsWith(provider().createKeyPair({ region: REGION, name: 'made_by_cloud' }), 'InvalidParameterValue.DuplicateParameterValue');
      assert.match(taken.sentence, /already exists in this account/);
    });

    it('deletes in batches of at most 10, keeps key pairs bound to an instance, and explains unknown ids', async () => {
      const lh = provider();
      const seeded = Array.from({ length: 12 }, (_, i) => fake.seedKeyPair({ name: `k${i}`, publicKey: randomEd25519PublicKeyLine() }).KeyId);
      const result = await lh.deleteKeyPairs({ region: REGION, ids: seeded });
      assert.deepEqual(result, { deleted: seeded, inUse: [], missing: [] });
      assert.deepEqual(fake.requests.filter((r) => r.action === 'DeleteKeyPairs').map((r) => (r.params as { KeyIds: string[] }).KeyIds.length), [10, 2]);
      assert.deepEqual(fake.keyPairs(), []);

      const bound = fake.seedKeyPair({ name: 'bound', publicKey: randomEd25519PublicKeyLine() }).KeyId;
      const free = fake.seedKeyPair({ name: 'free', publicKey: randomEd25519PublicKeyLine() }).KeyId;
      fake.instance('lhins-lnxstp01')!.KeyIds.push(bound);
      assert.deepEqual(await lh.deleteKeyPairs({ region: REGION, ids: [bound, free] }), { deleted: [free], inUse: [bound], missing: [] });
      assert.deepEqual(keyPairIds(), [bound]);

      // An unknown KeyId refuses the whole batch: reported missing, the rest deleted.
      const other = fake.seedKeyPair({ name: 'other', publicKey: randomEd25519PublicKeyLine() }).KeyId;
      assert.deepEqual(await lh.deleteKeyPairs({ region: REGION, ids: ['lhkp-zzzzzzzz', other] }), { deleted: [other], inUse: [], missing: ['lhkp-zzzzzzzz'] });
      assert.match((await failsWith(lh.deleteKeyPairs({ region: REGION, ids: ['skey-12345678'] }), 'InvalidParameterValue.KeyPairIdMalformed')).sentence, /expected "lhkp-"/);
    });

    it('cannot rename or re-describe: a config error saying what to do instead, nothing sent', async () => {
      const error = await failsWith(provider().modifyKeyPair({ region: REGION, id: 'lhkp-abcd1234', name: 'new_name' }), 'UnsupportedOperation');
      assert.equal(error.kind, 'config');
      assert.equal(error.sentence, LIGHTHOUSE_MESSAGES.renameUnsupported);
      assert.deepEqual(fake.requests, []);
    });
  });

  describe('binding keys to instances', () => {
    it('nothing is shut down for a batch Lighthouse would refuse: a Windows instance is refused first, naming only it; stopped instances go first', async () => {
      const lh = provider();
      const key = (await lh.createKeyPair({ region: REGION, name: 'batch' })).keyPair.id;
      fake.clearRequests();
      const windows = await failsWith(
        lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxrun01', 'lhins-winstp01'], forceStop: true }),
        'UnsupportedOperation.WindowsNotSupportKeyPair',
      );
      assert.equal(windows.sentence, 'The instance lhins-winstp01 runs Windows, which cannot use SSH key pairs. Pick a Linux instance.');
      assert.equal(count('AssociateInstancesKeyPairs'), 0);
      assert.equal(fake.instance('lhins-lnxrun01')?.InstanceState, 'RUNNING');
      await lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxrun01', 'lhins-lnxstp01'], forceStop: true });
      const sent = fake.requests.filter((r) => r.action === 'AssociateInstancesKeyPairs').map((r) => (r.params as { InstanceIds: string[] }).InstanceIds);
      assert.deepEqual(sent, [['lhins-lnxstp01', 'lhins-lnxrun01']]);
    });

    it('binds and unbinds in the instances\' region; running instances only with the forced shutdown', async () => {
      const lh = provider();
      const key = (await lh.importKeyPair({ region: REGION, name: 'ops', publicKey: pub('alpha') })).keyPair.id;
      fake.clearRequests();
      const running = await failsWith(lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxrun01'] }), 'InstanceRunning');
      assert.match(running.sentence, /^The instance lhins-lnxrun01 is running, and Lighthouse shuts running instances down/);
      assert.equal(count('AssociateInstancesKeyPairs'), 0, 'nothing was bound without the consent to shut down');

      await lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxstp01'] });
      await lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxrun01'], forceStop: true });
      const binds = fake.requests.filter((r) => r.action === 'AssociateInstancesKeyPairs');
      assert.deepEqual(binds.map((r) => [r.region, r.params]), [
        [REGION, { KeyIds: [key], InstanceIds: ['lhins-lnxstp01'] }],
        [REGION, { KeyIds: [key], InstanceIds: ['lhins-lnxrun01'] }],
      ]);
      const instances = await lh.listInstances({ region: REGION });
      assert.deepEqual(
        instances.map((i) => [i.id, i.platform, i.state, i.keyIds]),
        [
          ['lhins-lnxrun01', 'linux', 'STOPPED', [key]],
          ['lhins-lnxstp01', 'linux', 'STOPPED', [key]],
          ['lhins-lnxstp02', 'linux', 'STOPPED', []],
          ['lhins-winstp01', 'windows', 'STOPPED', []],
        ],
      );
      assert.deepEqual((await lh.listKeyPairs({ region: REGION }))[0].associatedInstanceIds.sort(), ['lhins-lnxrun01', 'lhins-lnxstp01']);

      const windows = await failsWith(lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-winstp01'] }), 'UnsupportedOperation.WindowsNotAllowToAssociateKeyPair');
      assert.match(windows.sentence, /runs Windows/);
      const elsewhere = await failsWith(lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-shrun001'], forceStop: true }), 'ResourceNotFound.InstanceIdNotFound');
      assert.match(elsewhere.sentence, /lhins-shrun001 does not exist in ap-guangzhou/);
      const twice = await failsWith(lh.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxstp01'] }), 'UnsupportedOperation.KeyPairBindDuplicate');
      assert.equal(twice.sentence, `The key pair ${key} is already bound to the instance lhins-lnxstp01.`);

      await lh.disassociateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxrun01', 'lhins-lnxstp01'] });
      assert.deepEqual((await lh.listKeyPairs({ region: REGION }))[0].associatedInstanceIds, []);
      const notBound = await failsWith(lh.disassociateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['lhins-lnxstp01'] }), 'UnsupportedOperation.KeyPairNotBoundToInstance');
      assert.match(notBound.sentence, /is not bound to the instance lhins-lnxstp01/);
    });

    it("lists Lighthouse's regions (no Region sent)", async () => {
      const regions = await provider().listRegions();
      assert.equal(regions.length, 16);
      assert.deepEqual(regions.find((r) => r.id === 'ap-guangzhou'), { id: 'ap-guangzhou', name: '广州', available: true });
      assert.equal(fake.requests[0].region, undefined);
      for (const id of LIGHTHOUSE_DESCRIPTOR.knownRegions) assert.ok(regions.some((r) => r.id === id), `${id} is not a Lighthouse region`);
    });
  });

  describe('credentials', () => {
    it('explains a wrong SecretKey, missing credentials and an expired MFA', async () => {
      const wrong = await failsWith(provider({ credentials: { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: 'NotTheRightSecretKey0123456789' } }).listRegions(), 'AuthFailure.SignatureFailure');
      assert.equal(wrong.sentence, LIGHTHOUSE_MESSAGES.signatureFailure);
      assert.equal(count('DescribeRegions'), 1, 'an authentication failure is not retried');
      assert.throws(() => provider({ credentials: { secretId: ' ', secretKey: '' } }), (e: unknown) => e instanceof CloudError && e.code === 'MissingCredentials' && e.kind === 'config');
      fake.injectError({ code: 'UnauthorizedOperation.MFAExpired', action: 'CreateKeyPair', times: 1 });
      const mfa = await failsWith(provider().createKeyPair({ region: REGION, name: 'mfa' }), 'UnauthorizedOperation.MFAExpired');
      assert.match(mfa.sentence, /MFA verification of these credentials has expired, so Tencent Cloud refused CreateKeyPair/);
      fake.injectError({ code: 'UnauthorizedOperation.NoPermission', action: 'DescribeKeyPairs', times: 1 });
      assert.match((await failsWith(provider().listKeyPairs({ region: REGION }), 'UnauthorizedOperation.NoPermission')).sentence, /QcloudLighthouseFullAccess.*lighthouse:DescribeKeyPairs/);
    });

    it('says by how many minutes the local clock is off @clock-skew', async () => {
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 600 }, times: 1 });
      const behind = await failsWith(provider().listRegions(), 'AuthFailure.SignatureExpire');
      assert.match(behind.sentence, /^The computer's clock is 10 minutes behind Tencent Cloud's/);
    });

    it('refuses plain http to anything but this computer, before sending anything @https-only', () => {
      assert.throws(() => provider({ endpoint: 'http://10.0.0.8:9000' }), (e: unknown) => e instanceof CloudError && e.code === 'InsecureEndpoint' && e.provider === 'lighthouse');
      assert.deepEqual(fake.requests, []);
    });

    it('the chunk makes the provider the extension uses, logging each RequestId', async () => {
      const lines: string[] = [];
      const lh = createProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, language: 'en-US', onResponse: (line) => lines.push(line) });
      assert.equal(lh.id, 'lighthouse');
      await lh.listRegions();
      assert.match(lines[0], /^Tencent Cloud Lighthouse DescribeRegions: ok, RequestId [0-9a-f-]{36}, \d+ ms$/);
    });
  });

  // Throttling, 5xx, lost answers, redirects, cancellation and deadlines: the shared contract (contract.test.ts).
  describe('lost deletes, answer size, the operation deadline', () => {
    it('deletes once whose answer was lost: what is no longer listed counts as deleted @reset', async () => {
      const id = fake.seedKeyPair({ name: 'gone', publicKey: randomEd25519PublicKeyLine() }).KeyId;
      fake.faults.add({ fault: { kind: 'reset', afterProcessing: true }, action: 'DeleteKeyPairs', times: 1 });
      assert.deepEqual(await provider().deleteKeyPairs({ region: REGION, ids: [id] }), { deleted: [id], inUse: [], missing: [] });
      assert.equal(count('DeleteKeyPairs'), 1);
    });

    for (const fault of [{ kind: 'huge', contentLength: true }, { kind: 'huge' }, { kind: 'endless' }] as const) {
      it(`cuts ${JSON.stringify(fault)} at the answer size cap (AnswerTooLarge) @answer-size`, async () => {
        fake.faults.add({ fault, action: 'DescribeKeyPairs', times: 1 });
        const error = await failsWith(provider({ maxAnswerBytes: 64 * 1024, retry: { maxAttempts: 1 } }).listKeyPairs({ region: REGION }), 'AnswerTooLarge');
        assert.match(error.sentence, /The answer to DescribeKeyPairs is larger than 0\.1 MB/);
      });
    }

    it('explains a timeout of a read after its retries, and the whole-operation deadline @timeout', async () => {
      fake.faults.add({ fault: { kind: 'hang' }, action: 'DescribeRegions' });
      const timeout = await failsWith(provider({ timeoutSeconds: 0.2, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }).listRegions(), 'Timeout');
      assert.equal(timeout.sentence, 'Tencent Cloud did not answer DescribeRegions within 0.2 seconds. Check the network connection and proxy, then try again.');
      assert.equal(count('DescribeRegions'), 2);
      fake.faults.add({ fault: { kind: 'hang' }, action: 'ImportKeyPair' });
      fake.faults.add({ fault: { kind: 'hang' }, action: 'DescribeKeyPairs' });
      const started = Date.now();
      const deadline = await failsWith(provider({ timeoutSeconds: 5, operationTimeoutSeconds: 0.5 }).importKeyPair({ region: REGION, name: 'slow', publicKey: pub('gamma') }), 'OperationTimeout');
      assert.ok(Date.now() - started < 2000);
      assert.match(deadline.sentence, /^ImportKeyPair was sent to Tencent Cloud, but no answer arrived within 0\.5 seconds/);
    });

  });

  describe('the trust boundary @malformed-answer', () => {
    it('a KeyId, an instance id or a PublicKey off their documented form is a MalformedResponse naming the field', async () => {
      fake.seedKeyPair({ name: 'k1', publicKey: randomEd25519PublicKeyLine() });
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['DescribeKeyPairs', { 'Response.KeyPairSet.0.KeyId': '/../../escape/pwned' }, /KeyPairSet\[0\]\.KeyId is "\/\.\.\/\.\.\/escape\/pwned", not a key pair id \(lhkp- and 8 lowercase letters or digits\)/],
        ['DescribeKeyPairs', { 'Response.KeyPairSet.0.KeyId': 'skey-12345678' }, /KeyPairSet\[0\]\.KeyId is "skey-12345678", not a key pair id/],
        ['DescribeKeyPairs', { 'Response.KeyPairSet.0.AssociatedInstanceIds': ['ins-12345678'] }, /KeyPairSet\[0\]\.AssociatedInstanceIds\[0\] is "ins-12345678", not an instance id \(lhins-/],
        ['DescribeKeyPairs', { 'Response.KeyPairSet.0.PublicKey': 42 }, /KeyPairSet\[0\]\.PublicKey is number 42, not text/],
        ['DescribeKeyPairs', { 'Response.TotalCount': 1e12 }, /TotalCount is 1000000000000, outside/],
      ];
      for (const [action, set, expected] of cases) {
        fake.faults.add({ fault: { kind: 'rewrite', set }, action, times: 1 });
        const error = await failsWith(provider().listKeyPairs({ region: REGION }), 'MalformedResponse');
        assert.match(error.sentence, expected);
      }
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.InstanceSet.0.LoginSettings.KeyIds': ['skey-x'] } }, action: 'DescribeInstances', times: 1 });
      assert.match((await failsWith(provider().listInstances({ region: REGION }), 'MalformedResponse')).sentence, /InstanceSet\[0\]\.LoginSettings\.KeyIds\[0\] is "skey-x"/);
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyId': 'lhkp-../x' } }, action: 'ImportKeyPair', times: 1 });
      assert.match((await failsWith(provider().importKeyPair({ region: REGION, name: 'odd', publicKey: pub('alpha') }), 'MalformedResponse')).sentence, /KeyId is "lhkp-\.\.\/x"/);
    });

    it('CreateKeyPair: the private key survives a malformed field, which is reported beside it', async () => {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.KeyId': 'lhkp-;rm -rf' } }, action: 'CreateKeyPair', times: 1 });
      const created = await provider().createKeyPair({ region: REGION, name: 'odd_id' });
      assert.match(created.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
      assert.equal(created.keyPair.id, '', 'a malformed id is never passed on');
      assert.equal(created.malformed?.code, 'MalformedResponse');
      assert.match(created.malformed!.sentence, /KeyPair\.KeyId is "lhkp-;rm -rf"/);
    });
  });
});
