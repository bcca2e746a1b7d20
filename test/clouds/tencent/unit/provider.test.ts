// TencentCvmProvider with the REAL tencentcloud-sdk-nodejs-cvm against the fake CVM server:
// every key pair operation, the documented rules, error sentences, retries and recovery.

import * as assert from 'node:assert/strict';
import { failsWith } from '../../../fakes/fails-with';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { TencentCvmProvider, type TencentCvmOptions } from '../../../../src/clouds/tencent/provider';
// Checked right after the import: loading the provider module must not load the SDK.
const sdkLoadedByImport = Object.keys(require.cache).some((file) => file.includes(`${path.sep}tencentcloud-sdk-nodejs-cvm${path.sep}`));

import { CloudError, isCancellation } from '../../../../src/cloud/errors';
import { TENCENT_MESSAGES } from '../../../../src/clouds/tencent/errors';
import { samePublicKey } from '../../../../src/cloud/publicKey';
import { RateLimiter } from '../../../../src/cloud/retry';
import { parseTencentEndpoint } from '../../../../src/clouds/tencent/endpoint';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { keygenFingerprint, sshKeygen, tempDir } from '../../../unit/helpers';

const REGION = 'ap-guangzhou';
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 };
const TEMPORARY = { secretId: 'AKIDtemporaryCredential0001', secretKey: 'temporarySecretKey', token: 'session-token-1' };


describe('TencentCvmProvider with the real SDK against the fake CVM', function () {
  this.timeout(30_000);
  let fake: FakeTencentCvm;
  let dir: string;
  const savedProxy = process.env.http_proxy;
  // One limiter for every provider, as the extension shares one per account.
  const limiter = new RateLimiter();
  const provider = (options: Partial<TencentCvmOptions> = {}) =>
    new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });
  const pub = (name: string) => fs.readFileSync(path.join(dir, `${name}.pub`), 'utf8').trim();
  const count = (action: string) => fake.requests.filter((r) => r.action === action).length;

  before(async () => {
    delete process.env.http_proxy; // the SDK would send even loopback requests through it
    fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true, credentials: [{ ...FAKE_TEST_CREDENTIAL }, TEMPORARY] });
    await fake.start();
    dir = tempDir('cloud-tencent');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) sshKeygen(path.join(dir, name), 'ed25519', [], `${name}@laptop`);
    sshKeygen(path.join(dir, 'rsa'), 'rsa', ['-b', '2048']);
  });
  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('does not load the SDK when the module is imported', () => {
    assert.equal(sdkLoadedByImport, false);
  });

  describe('import and list', () => {
    it('imports keys made by ssh-keygen and lists them with their ssh-keygen fingerprints', async () => {
      const cvm = provider();
      const ed = await cvm.importKeyPair({ region: REGION, name: 'alpha_key', publicKey: pub('alpha') });
      const rsa = await cvm.importKeyPair({ region: REGION, name: 'rsa_key', publicKey: pub('rsa') });
      assert.match(ed.keyPair.id, /^skey-[0-9a-z]{8}$/);
      assert.deepEqual([ed.alreadyExisted, ed.recoveredAfterLostAnswer], [false, false]);
      const listed = await cvm.listKeyPairs({ region: REGION });
      assert.deepEqual(listed.map((k) => k.id).sort(), [ed.keyPair.id, rsa.keyPair.id].sort());
      const alpha = listed.find((k) => k.id === ed.keyPair.id)!;
      assert.equal(alpha.name, 'alpha_key');
      assert.equal(alpha.sha256, keygenFingerprint(path.join(dir, 'alpha.pub')).fingerprint);
      assert.equal(listed.find((k) => k.id === rsa.keyPair.id)!.sha256, keygenFingerprint(path.join(dir, 'rsa.pub')).fingerprint);
      assert.ok(samePublicKey(alpha.publicKey, pub('alpha')));
      assert.match(alpha.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(alpha.projectId, '0');
      assert.equal(ed.keyPair.sha256, alpha.sha256);
    });

    it('returns the existing key pair for a key already imported (by blob, whatever the name or comment)', async () => {
      const cvm = provider();
      const first = await cvm.importKeyPair({ region: REGION, name: 'alpha_key', publicKey: pub('alpha') });
      const sameKeyOtherComment = pub('alpha').replace('alpha@laptop', 'someone@else');
      const again = await cvm.importKeyPair({ region: REGION, name: 'alpha_again', publicKey: sameKeyOtherComment });
      assert.equal(again.keyPair.id, first.keyPair.id);
      assert.equal(again.keyPair.name, 'alpha_key');
      assert.deepEqual([again.alreadyExisted, again.recoveredAfterLostAnswer], [true, false]);
      const sameName = await cvm.importKeyPair({ region: REGION, name: 'alpha_key', publicKey: pub('alpha') });
      assert.equal(sameName.keyPair.id, first.keyPair.id);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });

    it('enforces every key pair name rule with a sentence saying what to do', async () => {
      const cvm = provider();
      const importAs = (name: string, key = 'beta') => cvm.importKeyPair({ region: REGION, name, publicKey: pub(key) });
      assert.equal((await failsWith(importAs(''), 'InvalidKeyPairNameEmpty')).sentence, TENCENT_MESSAGES.keyNameEmpty);
      const tooLong = await failsWith(importAs('a'.repeat(26)), 'InvalidKeyPairNameTooLong');
      assert.match(tooLong.message, /"a{26}" is longer than 25 characters/);
      for (const name of ['my-key', 'my key', 'key.pub', 'ключ']) {
        assert.match((await failsWith(importAs(name), 'InvalidKeyPairNameIncludeIllegalChar')).message, /only letters, digits and underscores/);
      }
      await importAs('A'.repeat(25));
      const duplicate = await failsWith(importAs('A'.repeat(25), 'gamma'), 'InvalidKeyPairName.Duplicate');
      assert.equal(duplicate.sentence, `A key pair named "${'A'.repeat(25)}" already exists in ${REGION}. Choose another name.`);
      assert.match(duplicate.message, /\(RequestId: [0-9a-f-]{36}\)$/);
      assert.equal(duplicate.requestId.length, 36);
    });

    it('rejects a malformed public key, unknown projects and more keys than the limit', async () => {
      const cvm = provider();
      const truncated = pub('beta').slice(0, 40);
      const malformed = await failsWith(cvm.importKeyPair({ region: REGION, name: 'broken', publicKey: truncated }), 'InvalidPublicKey.Malformed');
      assert.equal(malformed.sentence, TENCENT_MESSAGES.publicKeyMalformed);
      await failsWith(cvm.importKeyPair({ region: REGION, name: 'beta', publicKey: pub('beta'), projectId: '42' }), 'InvalidProjectId.NotFound');
      const inProject = await cvm.importKeyPair({ region: REGION, name: 'beta', publicKey: pub('beta'), projectId: '1001' });
      assert.equal(inProject.keyPair.projectId, '1001');
      assert.deepEqual((await cvm.listKeyPairs({ region: REGION, projectId: '1001' })).map((k) => k.name), ['beta']);
      fake.account.keyPairLimit = 1;
      await failsWith(cvm.importKeyPair({ region: REGION, name: 'gamma', publicKey: pub('gamma') }), 'InvalidKeyPair.LimitExceeded');
    });

    it('names the key type when a cloud refuses it (the fake, as CVM documents, takes only RSA by default)', async () => {
      const rsaOnly = new FakeTencentCvm();
      await rsaOnly.start();
      try {
        const cvm = provider({ endpoint: rsaOnly.url });
        const refused = await failsWith(cvm.importKeyPair({ region: REGION, name: 'ed', publicKey: pub('alpha') }), 'InvalidPublicKey.Malformed');
        assert.match(refused.message, /rejected the ssh-ed25519 public key .* import an RSA key instead/);
        await cvm.importKeyPair({ region: REGION, name: 'rsa', publicKey: pub('rsa') });
      } finally {
        await rsaOnly.stop();
      }
    });

    it('lists more than 100 key pairs page by page (Offset/Limit 100)', async () => {
      const seeded = Array.from({ length: 150 }, (_, i) => fake.seedKeyPair({ region: 'ap-shanghai', name: `seed_${i}`, publicKey: randomEd25519PublicKeyLine() }));
      const listed = await provider().listKeyPairs({ region: 'ap-shanghai' });
      assert.equal(listed.length, 150);
      assert.deepEqual(new Set(listed.map((k) => k.id)), new Set(seeded.map((k) => k.KeyId)));
      assert.ok(listed.every((k) => k.sha256?.startsWith('SHA256:') && k.region === 'ap-shanghai'));
      const pages = fake.requests.filter((r) => r.action === 'DescribeKeyPairs').map((r) => r.params as { Offset: number; Limit: number });
      assert.deepEqual(pages, [{ Offset: 0, Limit: 100 }, { Offset: 100, Limit: 100 }]);
      assert.deepEqual((await provider().listKeyPairs({ region: 'ap-shanghai', name: 'seed_7' })).map((k) => k.id), [seeded[7].KeyId]);
      assert.deepEqual(await provider().listKeyPairs({ region: REGION }), []);
    });
  });

  describe('create, delete, rename', () => {
    it("creates a key pair whose private key's public half is the key the cloud holds", async () => {
      const created = await provider().createKeyPair({ region: REGION, name: 'made_by_cloud' });
      assert.match(created.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
      const keyFile = path.join(dir, 'created');
      fs.writeFileSync(keyFile, created.privateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim();
      const [held] = fake.keyPairsIn(REGION);
      assert.ok(samePublicKey(derived, held.PublicKey), 'the private key does not belong to the public key held by the cloud');
      assert.ok(samePublicKey(derived, created.keyPair.publicKey));
      assert.equal(created.keyPair.id, held.KeyId);
      assert.equal(created.keyPair.name, 'made_by_cloud');
      await failsWith(provider().createKeyPair({ region: REGION, name: 'made_by_cloud' }), 'InvalidKeyPairName.Duplicate');
      await failsWith(provider().createKeyPair({ region: REGION, name: 'bad-name' }), 'InvalidKeyPairNameIncludeIllegalChar');
    });

    it('deletes key pairs, keeps those bound to an instance, and explains unknown ids', async () => {
      const cvm = provider();
      const bound = (await cvm.importKeyPair({ region: REGION, name: 'bound', publicKey: pub('alpha') })).keyPair.id;
      const free = (await cvm.importKeyPair({ region: REGION, name: 'free', publicKey: pub('beta') })).keyPair.id;
      await cvm.associateKeyPairs({ region: REGION, keyIds: [bound], instanceIds: ['ins-lnxstp01'] });
      assert.deepEqual(await cvm.deleteKeyPairs({ region: REGION, ids: [bound, free] }), { deleted: [free], inUse: [bound], missing: [] });
      assert.deepEqual(fake.keyPairsIn(REGION).map((k) => k.KeyId), [bound]);
      assert.deepEqual(await cvm.deleteKeyPairs({ region: REGION, ids: ['skey-zzzzzzzz'] }), { deleted: [], inUse: [], missing: ['skey-zzzzzzzz'] });
      await failsWith(cvm.deleteKeyPairs({ region: REGION, ids: ['skey-1'] }), 'InvalidKeyPairId.Malformed');
      await cvm.disassociateKeyPairs({ region: REGION, keyIds: [bound], instanceIds: ['ins-lnxstp01'] });
      assert.deepEqual(await cvm.deleteKeyPairs({ region: REGION, ids: [bound] }), { deleted: [bound], inUse: [], missing: [] });
    });

    it('one stale KeyId in a batch: the rest are deleted, the stale one reported missing (CVM refuses the whole batch for it)', async () => {
      const cvm = provider();
      const a = (await cvm.importKeyPair({ region: REGION, name: 'a', publicKey: pub('rsa') })).keyPair.id;
      const b = (await cvm.createKeyPair({ region: REGION, name: 'b' })).keyPair.id;
      fake.clearRequests();
      assert.deepEqual(await cvm.deleteKeyPairs({ region: REGION, ids: [a, 'skey-stale001', b] }), { deleted: [a, b], inUse: [], missing: ['skey-stale001'] });
      const sent = fake.requests.filter((r) => r.action === 'DeleteKeyPairs').map((r) => (r.params as { KeyIds: string[] }).KeyIds);
      // The second request drops only what the server's message named; no listing was needed.
      assert.deepEqual(sent, [[a, 'skey-stale001', b], [a, b]]);
      assert.equal(count('DescribeKeyPairs'), 0);
      assert.deepEqual(fake.keyPairsIn(REGION), []);
    });

    it('renames and describes a key pair within the rules', async () => {
      const cvm = provider();
      const id = (await cvm.importKeyPair({ region: REGION, name: 'old_name', publicKey: pub('alpha') })).keyPair.id;
      await cvm.importKeyPair({ region: REGION, name: 'taken', publicKey: pub('beta') });
      await cvm.modifyKeyPair({ region: REGION, id, name: 'new_name', description: 'laptop key' });
      const [renamed] = await cvm.listKeyPairs({ region: REGION, ids: [id] });
      assert.deepEqual([renamed.name, renamed.description], ['new_name', 'laptop key']);
      await failsWith(cvm.modifyKeyPair({ region: REGION, id, name: 'taken' }), 'InvalidKeyPairName.Duplicate');
      await failsWith(cvm.modifyKeyPair({ region: REGION, id, name: 'no spaces' }), 'InvalidKeyPairNameIncludeIllegalChar');
      const long = await failsWith(cvm.modifyKeyPair({ region: REGION, id, description: 'x'.repeat(61) }), 'InvalidParameterValue.TooLong');
      assert.equal(long.sentence, TENCENT_MESSAGES.descriptionTooLong);
      await cvm.modifyKeyPair({ region: REGION, id, description: 'x'.repeat(60) });
      await failsWith(cvm.modifyKeyPair({ region: REGION, id }), 'InvalidParameter.SpecifyOneParameter');
    });
  });

  describe('binding keys to instances', () => {
    it('binds and unbinds keys under the Linux-only and stopped-or-forced rules', async () => {
      const cvm = provider();
      const key = (await cvm.importKeyPair({ region: REGION, name: 'ops', publicKey: pub('alpha') })).keyPair.id;
      const running = await failsWith(cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01'] }), 'UnsupportedOperation.InstanceStateRunning');
      assert.match(running.message, /The instance ins-lnxrun01 is running\. Stop it first, or allow a forced shutdown/);
      const windows = await failsWith(cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-winstp01'] }), 'UnsupportedOperation.InstanceOsWindows');
      assert.match(windows.message, /runs Windows/);
      await failsWith(cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-zzzzzzzz'] }), 'InvalidInstanceId.NotFound');

      await cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01'], forceStop: true });
      await cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxstp01'] });
      assert.equal(fake.instance('ins-lnxrun01')?.InstanceState, 'RUNNING');
      const instances = await cvm.listInstances({ region: REGION });
      assert.deepEqual(
        instances.map((i) => [i.id, i.platform, i.state, i.keyIds]),
        [
          ['ins-lnxrun01', 'linux', 'RUNNING', [key]],
          ['ins-lnxstp01', 'linux', 'STOPPED', [key]],
          ['ins-lnxstp02', 'linux', 'STOPPED', []],
          ['ins-winstp01', 'windows', 'STOPPED', []],
        ],
      );
      const [bound] = await cvm.listKeyPairs({ region: REGION });
      assert.deepEqual(bound.associatedInstanceIds, ['ins-lnxrun01', 'ins-lnxstp01']);

      await failsWith(cvm.disassociateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01'] }), 'UnsupportedOperation.InstanceStateRunning');
      await cvm.disassociateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01', 'ins-lnxstp01'], forceStop: true });
      assert.deepEqual((await cvm.listKeyPairs({ region: REGION }))[0].associatedInstanceIds, []);
      assert.deepEqual((await cvm.listInstances({ region: REGION, ids: ['ins-lnxstp01'] })).map((i) => i.keyIds), [[]]);
    });

    it('binds and unbinds more than 100 instances in requests of at most 100 (the documented maximum)', async () => {
      const cvm = provider();
      const key = (await cvm.importKeyPair({ region: REGION, name: 'many', publicKey: pub('rsa') })).keyPair.id;
      const ids = Array.from({ length: 150 }, (_, i) => fake.seedInstance({ InstanceName: `box-${i}`, InstanceState: 'STOPPED' }).InstanceId);
      fake.clearRequests();
      await cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ids });
      await cvm.disassociateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ids });
      for (const action of ['AssociateInstancesKeyPairs', 'DisassociateInstancesKeyPairs']) {
        const sizes = fake.requests.filter((r) => r.action === action).map((r) => (r.params as { InstanceIds: string[] }).InstanceIds.length);
        assert.deepEqual(sizes, [100, 50], action);
      }
      assert.ok(fake.requests.every((r) => !r.errorCode), JSON.stringify(fake.requests.map((r) => r.errorCode)));
    });

    it('nothing is force-stopped for a batch that will be refused: checked first, then sent without ForceStop, ForceStop only against "running"', async () => {
      const cvm = provider();
      const key = (await cvm.importKeyPair({ region: REGION, name: 'ops', publicKey: pub('rsa') })).keyPair.id;
      const bindSent = () => fake.requests.filter((r) => r.action === 'AssociateInstancesKeyPairs').map((r) => r.params as { InstanceIds: string[]; ForceStop: boolean });
      // A Windows instance in the batch: refused before anything is sent, naming only it.
      fake.clearRequests();
      const windows = await failsWith(
        cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01', 'ins-lnxstp01', 'ins-winstp01'], forceStop: true }),
        'UnsupportedOperation.InstanceOsWindows',
      );
      assert.equal(windows.sentence, 'The instance ins-winstp01 runs Windows, which cannot use SSH key pairs. Pick a Linux instance.');
      assert.deepEqual(bindSent(), []);
      // Running and stopped: the stopped one first, without ForceStop; refused as running, sent again with it.
      fake.clearRequests();
      await cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxrun01', 'ins-lnxstp01'], forceStop: true });
      assert.deepEqual(
        bindSent().map((p) => [p.InstanceIds, p.ForceStop]),
        [
          [['ins-lnxstp01', 'ins-lnxrun01'], false],
          [['ins-lnxstp01', 'ins-lnxrun01'], true],
        ],
      );
      assert.deepEqual([fake.instance('ins-lnxrun01')?.KeyIds, fake.instance('ins-lnxstp01')?.KeyIds], [[key], [key]]);
      // Only stopped instances: one request, no ForceStop although it was allowed.
      fake.clearRequests();
      await cvm.associateKeyPairs({ region: REGION, keyIds: [key], instanceIds: ['ins-lnxstp02'], forceStop: true });
      assert.deepEqual(bindSent().map((p) => p.ForceStop), [false]);
    });

    it('lists the regions', async () => {
      const regions = await provider().listRegions();
      assert.equal(regions.length, 18);
      assert.deepEqual(regions.find((r) => r.id === 'ap-guangzhou'), { id: 'ap-guangzhou', name: 'South China(Guangzhou)', available: true });
      assert.equal(fake.requests[0].region, undefined);
    });
  });

  describe('credentials and clock', () => {
    it('explains a wrong SecretKey without revealing it @secrets', async () => {
      const secretKey = 'NotTheRightSecretKey0123456789';
      const cvm = provider({ credentials: { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey } });
      const error = await failsWith(cvm.listRegions(), 'AuthFailure.SignatureFailure');
      assert.equal(error.sentence, TENCENT_MESSAGES.signatureFailure);
      assert.equal(error.kind, 'api');
      assert.ok(error.requestId);
      for (const text of [error.message, JSON.stringify(error), util.inspect(error), util.inspect(cvm), JSON.stringify(fake.requests)]) {
        assert.ok(!text.includes(secretKey), 'the SecretKey leaked');
      }
      assert.equal(count('DescribeRegions'), 1, 'an authentication failure must not be retried');
    });

    it('explains an unknown SecretId and missing credentials', async () => {
      const unknown = await failsWith(provider({ credentials: { secretId: 'AKIDnobodyHasThisOne0001', secretKey: 'x' } }).listRegions(), 'AuthFailure.SecretIdNotFound');
      assert.equal(unknown.sentence, TENCENT_MESSAGES.secretIdNotFound);
      assert.throws(() => provider({ credentials: { secretId: ' ', secretKey: '' } }), (e: unknown) => e instanceof CloudError && e.code === 'MissingCredentials');
    });

    it('sends the token of temporary credentials and explains a missing one', async () => {
      await provider({ credentials: TEMPORARY }).listRegions();
      const { token: _token, ...withoutToken } = TEMPORARY;
      const error = await failsWith(provider({ credentials: withoutToken }).listRegions(), 'AuthFailure.TokenFailure');
      assert.equal(error.sentence, TENCENT_MESSAGES.tokenFailure);
    });

    it('says by how many minutes the local clock is off @clock-skew', async () => {
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 600 }, times: 1 });
      const behind = await failsWith(provider().listRegions(), 'AuthFailure.SignatureExpire');
      assert.match(behind.message, /^The computer's clock is 10 minutes behind Tencent Cloud's/);
      assert.deepEqual(behind.args, [10]);
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: -15 * 60 }, times: 1 });
      assert.match((await failsWith(provider().listRegions(), 'AuthFailure.SignatureExpire')).message, /15 minutes ahead of Tencent Cloud's/);
    });

    it('verifies the service the SDK signs for (the first label of the endpoint)', async () => {
      const strict = new FakeTencentCvm({ acceptedServices: ['cvm'] });
      await strict.start();
      try {
        await failsWith(provider({ endpoint: strict.url }).listRegions(), 'AuthFailure.SignatureFailure');
      } finally {
        await strict.stop();
      }
    });
  });

  // Throttling, 5xx, lost answers, cancellation and deadlines: the shared contract (contract.test.ts).
  describe('pacing and joined imports', () => {
    it('paces concurrent calls to 10 per second per action, so the cloud never throttles them', async () => {
      const started = Date.now();
      const cvm = provider({ rateLimiter: new RateLimiter() });
      await Promise.all(Array.from({ length: 14 }, () => cvm.listRegions()));
      assert.ok(Date.now() - started >= 1000, 'the 11th call should have waited');
      assert.equal(count('DescribeRegions'), 14);
      assert.ok(fake.requests.every((r) => r.errorCode === undefined));
    });

    it('joins two imports of the same key at once: one ImportKeyPair sent, both get its KeyId @concurrent-import', async () => {
      fake.faults.add({ fault: { kind: 'latency', ms: 300 }, action: 'ImportKeyPair', times: 1 });
      const cvm = provider();
      const [first, second] = await Promise.all([
        cvm.importKeyPair({ region: REGION, name: 'twice_a', publicKey: pub('alpha') }),
        cvm.importKeyPair({ region: REGION, name: 'twice_b', publicKey: pub('alpha') }),
      ]);
      assert.equal(count('ImportKeyPair'), 1, 'the second import was sent');
      assert.equal(second.keyPair.id, first.keyPair.id);
      assert.deepEqual([first.alreadyExisted, second.alreadyExisted], [false, true]);
      // Other keys, or the same key in another region, are not joined.
      await Promise.all([
        cvm.importKeyPair({ region: REGION, name: 'other_key', publicKey: pub('beta') }),
        cvm.importKeyPair({ region: 'ap-shanghai', name: 'twice_a', publicKey: pub('alpha') }),
      ]);
      assert.equal(count('ImportKeyPair'), 3);
    });

    it('a joined import sends its own when the first fails or is cancelled; cancelling the waiter leaves the first alone @concurrent-import @cancel', async () => {
      const cvm = provider();
      fake.faults.add({ fault: { kind: 'latency', ms: 300 }, action: 'ImportKeyPair', times: 1 });
      const taken = await cvm.importKeyPair({ region: REGION, name: 'taken_name', publicKey: pub('gamma') });
      fake.faults.add({ fault: { kind: 'latency', ms: 300 }, action: 'ImportKeyPair', times: 1 });
      // The first fails for a reason of its own (its name holds another key): the second imports under its name.
      const [failed, own] = await Promise.allSettled([
        cvm.importKeyPair({ region: REGION, name: 'taken_name', publicKey: pub('delta') }),
        cvm.importKeyPair({ region: REGION, name: 'free_name', publicKey: pub('delta') }),
      ]);
      assert.equal(failed.status, 'rejected');
      assert.equal(own.status === 'fulfilled' && own.value.keyPair.name, 'free_name');
      assert.notEqual(own.status === 'fulfilled' && own.value.keyPair.id, taken.keyPair.id);
      // Cancelling the one that waits: it stops at once, the first lands.
      fake.faults.add({ fault: { kind: 'latency', ms: 500 }, action: 'ImportKeyPair', times: 1 });
      const waiter = new AbortController();
      const landing = cvm.importKeyPair({ region: REGION, name: 'lands', publicKey: pub('beta') });
      const waiting = cvm.importKeyPair({ region: REGION, name: 'waits', publicKey: pub('beta') }, { signal: waiter.signal });
      setTimeout(() => waiter.abort(), 50);
      await assert.rejects(waiting, (e: unknown) => isCancellation(e));
      assert.match((await landing).keyPair.id, /^skey-/);
    });

  });

  describe('endpoints', () => {
    it('refuses plain http to anything but this computer, before sending anything @https-only', () => {
      for (const endpoint of ['http://example.com:9000', 'http://10.0.0.8', 'http://127.0.0.1.nip.io:9000', 'http://[fe80::1]:80']) {
        assert.throws(() => provider({ endpoint }), (e: unknown) => e instanceof CloudError && e.code === 'InsecureEndpoint' && e.kind === 'config', endpoint);
      }
      assert.equal(fake.requests.length, 0);
      assert.throws(() => provider({ endpoint: 'ftp://cvm.tencentcloudapi.com' }), (e: unknown) => e instanceof CloudError && e.code === 'InvalidEndpoint');
      assert.throws(() => provider({ endpoint: 'https://cvm.tencentcloudapi.com/v2?x=1' }), (e: unknown) => e instanceof CloudError && e.code === 'InvalidEndpoint');
    });

    it('reads endpoint settings into the protocol and host the SDK wants', () => {
      assert.deepEqual(parseTencentEndpoint('cvm.intl.tencentcloudapi.com'), { protocol: 'https://', host: 'cvm.intl.tencentcloudapi.com' });
      assert.deepEqual(parseTencentEndpoint(' https://cvm.ap-shanghai-fsi.tencentcloudapi.com/ '), { protocol: 'https://', host: 'cvm.ap-shanghai-fsi.tencentcloudapi.com' });
      assert.deepEqual(parseTencentEndpoint('http://127.0.0.1:9000'), { protocol: 'http://', host: '127.0.0.1:9000' });
      assert.deepEqual(parseTencentEndpoint('http://[::1]:9000'), { protocol: 'http://', host: '[::1]:9000' });
      assert.deepEqual(parseTencentEndpoint('http://localhost:9000'), { protocol: 'http://', host: 'localhost:9000' });
      assert.equal(parseTencentEndpoint(''), undefined);
    });
  });
});
