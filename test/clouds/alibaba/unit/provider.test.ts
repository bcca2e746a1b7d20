// AlibabaEcsProvider (own ACS3 signer over node:http) against the fake ECS server: every key
// pair operation, the documented rules, error sentences, retries and lost-answer recovery.

import * as assert from 'node:assert/strict';
import { failsWith } from '../../../fakes/fails-with';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { AlibabaEcsProvider, type AlibabaEcsOptions, ecsFingerprintMatches, normalizeEcsTime } from '../../../../src/clouds/alibaba/provider';
// Checked right after the import: loading the provider module must not load its HTTPS client.
const transportLoadedByImport = Object.keys(require.cache).some((file) => file.includes(path.join('alibaba', 'transport')));

import { ALIBABA_MESSAGES, KNOWN_ALIBABA_ERROR_CODES, alibabaApiError } from '../../../../src/clouds/alibaba/errors';
import { ALIBABA_DESCRIPTOR, ALIBABA_NAME_MESSAGES, alibabaKeyPairNameProblem, sanitizeAlibabaKeyPairName } from '../../../../src/clouds/alibaba/descriptor';
import { parseAlibabaEndpoint } from '../../../../src/clouds/alibaba/transport';
import { CloudError } from '../../../../src/cloud/errors';
import { samePublicKey } from '../../../../src/cloud/publicKey';
import { RateLimiter } from '../../../../src/cloud/retry';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';
import { ecsNameValid } from '../fake/actions';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { keygenFingerprint, sshKeygen, tempDir } from '../../../unit/helpers';

const REGION = 'cn-hangzhou';
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 };
const STS = { accessKeyId: 'STS.NTemporaryKey0001', accessKeySecret: 'temporarySecret0001', securityToken: 'sts-token-0001' };
const RUNNING = 'i-bp1runlinux000001';
const STOPPED = 'i-bp1stoplinux00001';
const STOPPED_2 = 'i-bp1stoplinux00002';
const WINDOWS = 'i-bp1stopwindows001';


describe('AlibabaEcsProvider against the fake ECS', function () {
  this.timeout(30_000);
  let fake: FakeAlibabaEcs;
  let dir: string;
  const limiter = new RateLimiter();
  const provider = (options: Partial<AlibabaEcsOptions> = {}) =>
    new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: fake.url, timeoutSeconds: 2, retry: FAST_RETRY, rateLimiter: limiter, ...options });
  const pub = (name: string) => fs.readFileSync(path.join(dir, `${name}.pub`), 'utf8').trim();
  const md5Of = (name: string) => keygenFingerprint(path.join(dir, `${name}.pub`), 'md5').fingerprint.replace(/^MD5:/, '');
  const count = (action: string) => fake.requests.filter((r) => r.action === action).length;

  before(async () => {
    fake = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true, accessKeys: [{ ...FAKE_ECS_ACCESS_KEY }, STS] });
    await fake.start();
    dir = tempDir('cloud-alibaba');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) sshKeygen(path.join(dir, name), 'ed25519', [], `${name}@laptop`);
    sshKeygen(path.join(dir, 'rsa'), 'rsa', ['-b', '2048']);
    sshKeygen(path.join(dir, 'ecdsa'), 'ecdsa', ['-b', '384']);
    sshKeygen(path.join(dir, 'dsa'), 'dsa');
    sshKeygen(path.join(dir, 'ca'), 'ed25519');
    sshKeygen(path.join(dir, 'user'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', path.join(dir, 'ca'), '-I', 'user-id', '-n', 'root', path.join(dir, 'user.pub')], { stdio: 'pipe' });
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  it('does not load its HTTPS client when the module is imported', () => {
    assert.equal(transportLoadedByImport, false);
  });

  it('bundles into a small chunk with no SDK, and its rules (with the profile reader) into a few KB', async () => {
    const esbuild = await import('esbuild');
    const root = path.join(__dirname, '..', '..', '..', '..', '..');
    const bundle = async (entry: string) => {
      const result = await esbuild.build({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', minify: true, write: false, metafile: true, logLevel: 'silent' });
      return { bytes: result.outputFiles[0].contents.length, inputs: Object.keys(result.metafile.inputs) };
    };
    const chunk = await bundle('src/clouds/alibaba/chunk.ts');
    assert.ok(chunk.bytes < 100_000, `dist/alibaba.js would be ${chunk.bytes} bytes`);
    assert.deepEqual(chunk.inputs.filter((i) => i.includes('node_modules')), [], 'no npm package in the chunk');
    const rules = await bundle('src/clouds/alibaba/descriptor.ts');
    // The naming rules and the aliyun config.json reader (profile accounts): no signer, no transport.
    assert.ok(rules.bytes < 14_000, `the rules the UI imports are ${rules.bytes} bytes`);
    assert.deepEqual(rules.inputs.filter((i) => /alibaba-(signer|transport|errors)|alibaba\.ts/.test(i)), []);
  });

  it('describes ECS for the provider-neutral UI with the same rules', () => {
    assert.equal(ALIBABA_DESCRIPTOR.id, 'alibaba');
    assert.equal(ALIBABA_DESCRIPTOR.keyNameProblem('1bad')?.template, ALIBABA_NAME_MESSAGES.firstLetter);
    assert.equal(ALIBABA_DESCRIPTOR.keyNameProblem('good-name'), undefined);
    assert.deepEqual(ALIBABA_DESCRIPTOR.credentialFields.map((f) => f.envVar), ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN']);
    assert.ok(ALIBABA_DESCRIPTOR.knownRegions.includes(ALIBABA_DESCRIPTOR.defaultRegion));
  });

  describe('import and list', () => {
    it('imports rsa, dsa, ecdsa, ed25519 keys and a certificate made by ssh-keygen; fingerprints match ssh-keygen', async () => {
      const ecs = provider();
      for (const name of ['alpha', 'rsa', 'ecdsa', 'dsa']) {
        const result = await ecs.importKeyPair({ region: REGION, name: `${name}-key`, publicKey: pub(name) });
        assert.deepEqual([result.alreadyExisted, result.recoveredAfterLostAnswer, result.fingerprintMatches], [false, false, true], name);
        assert.equal(result.keyPair.id, `${name}-key`, 'ECS identifies key pairs by name');
        assert.match(result.keyPair.cloudKeyPairId ?? '', /^kp-/);
        assert.equal(result.keyPair.cloudFingerprint, md5Of(name), 'KeyPairFingerPrint is the MD5 ssh-keygen prints');
        assert.equal(result.keyPair.sha256, keygenFingerprint(path.join(dir, `${name}.pub`)).fingerprint);
      }
      const cert = await ecs.importKeyPair({ region: REGION, name: 'user-cert', publicKey: pub('user-cert') });
      assert.equal(cert.fingerprintMatches, true);
      assert.equal(cert.keyPair.sha256, keygenFingerprint(path.join(dir, 'user-cert.pub')).fingerprint, "a certificate's fingerprint is the certified key's");

      const listed = await ecs.listKeyPairs({ region: REGION });
      assert.deepEqual(listed.map((k) => k.name).sort(), ['alpha-key', 'dsa-key', 'ecdsa-key', 'rsa-key', 'user-cert']);
      const alpha = listed.find((k) => k.name === 'alpha-key')!;
      assert.ok(samePublicKey(alpha.publicKey, pub('alpha')), 'IncludePublicKey=true brings the key');
      assert.equal(alpha.sha256, keygenFingerprint(path.join(dir, 'alpha.pub')).fingerprint);
      assert.equal(alpha.cloudFingerprint, md5Of('alpha'));
      assert.equal(alpha.projectId, 'rg-acfmdefault0001', 'the resource group');
      assert.match(alpha.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/, 'ECS minutes normalized to ISO 8601');
      assert.deepEqual((await ecs.listKeyPairs({ region: REGION, name: 'rsa-key' })).map((k) => k.name), ['rsa-key']);
      assert.deepEqual((await ecs.listKeyPairs({ region: REGION, fingerprint: md5Of('ecdsa') })).map((k) => k.name), ['ecdsa-key']);
      assert.deepEqual((await ecs.listKeyPairs({ region: REGION, ids: ['dsa-key', 'alpha-key', 'nope'] })).map((k) => k.name).sort(), ['alpha-key', 'dsa-key']);
      assert.deepEqual(await ecs.listKeyPairs({ region: 'cn-shanghai' }), [], 'key pairs are per region');
    });

    it('sends the resource group and tags, and says when a resource group does not exist', async () => {
      const ecs = provider();
      await ecs.importKeyPair({ region: REGION, name: 'tagged', publicKey: pub('alpha'), projectId: 'rg-acfmtest00000001', tags: { team: 'ops', env: 'prod' } });
      const sent = fake.requests.find((r) => r.action === 'ImportKeyPair')!.params!;
      assert.deepEqual([sent.ResourceGroupId, sent['Tag.1.Key'], sent['Tag.1.Value'], sent['Tag.2.Key']], ['rg-acfmtest00000001', 'team', 'ops', 'env']);
      assert.equal((await ecs.listKeyPairs({ region: REGION, projectId: 'rg-acfmtest00000001' }))[0].name, 'tagged');
      const error = await failsWith(ecs.importKeyPair({ region: REGION, name: 'other', publicKey: pub('beta'), projectId: 'rg-nope' }), 'InvalidResourceGroup.NotFound');
      assert.equal(error.httpStatus, 404);
      assert.equal(error.sentence, 'The resource group rg-nope does not exist in this account. Pick an existing resource group, or leave it empty for the default one.');
    });

    it('returns the existing key pair for a key already imported under that name; another key under the name is an error', async () => {
      const ecs = provider();
      await ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('alpha') });
      const again = await ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('alpha').replace('alpha@laptop', 'other comment') });
      assert.deepEqual([again.alreadyExisted, again.recoveredAfterLostAnswer, again.fingerprintMatches], [true, false, true]);
      assert.equal(again.keyPair.id, 'laptop');
      assert.equal(fake.keyPairsIn(REGION).length, 1);
      const taken = await failsWith(ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('beta') }), 'KeyPair.AlreadyExist');
      assert.equal(taken.httpStatus, 400);
      assert.equal(taken.sentence, 'A key pair named "laptop" already exists in cn-hangzhou. Choose another name.');
    });

    it('reads a taken name answered as "name not valid" (older ECS) as taken: same key returned, another key explained', async () => {
      const legacy = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true, duplicateNameCode: 'InvalidKeyPairName.Malformed' });
      await legacy.start();
      try {
        const ecs = provider({ endpoint: legacy.url, timeoutSeconds: 15 });
        await ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('alpha') });
        const again = await ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('alpha') });
        assert.deepEqual([again.alreadyExisted, again.keyPair.id], [true, 'laptop']);
        const other = await failsWith(ecs.importKeyPair({ region: REGION, name: 'laptop', publicKey: pub('beta') }), 'KeyPair.AlreadyExist');
        assert.equal(other.sentence, 'A key pair named "laptop" already exists in cn-hangzhou. Choose another name.');
        await failsWith(ecs.createKeyPair({ region: REGION, name: 'laptop' }), 'KeyPair.AlreadyExist');
        await failsWith(ecs.importKeyPair({ region: REGION, name: '9lives', publicKey: pub('beta') }), 'InvalidKeyPairName.Malformed');
        assert.equal(legacy.keyPairsIn(REGION).length, 1);
      } finally {
        await legacy.stop();
      }
    });

    it('lists more than 50 key pairs page by page (PageSize 50)', async () => {
      for (let i = 0; i < 123; i++) fake.seedKeyPair({ region: REGION, name: `bulk-${String(i).padStart(3, '0')}`, publicKey: randomEd25519PublicKeyLine() });
      const listed = await provider().listKeyPairs({ region: REGION });
      assert.equal(listed.length, 123);
      assert.equal(new Set(listed.map((k) => k.id)).size, 123);
      const pages = fake.requests.filter((r) => r.action === 'DescribeKeyPairs');
      assert.equal(count('DescribeInstances'), 1, 'one look at the instances for the bindings');
      assert.deepEqual(pages.map((r) => [r.params!.PageNumber, r.params!.PageSize]), [['1', '50'], ['2', '50'], ['3', '50']]);
    });

    it('refuses more key pairs than the region quota (QuotaExceed.KeyPair, HTTP 403)', async () => {
      const small = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true, keyPairsPerRegion: 2 });
      await small.start();
      try {
        const ecs = provider({ endpoint: small.url });
        await ecs.importKeyPair({ region: REGION, name: 'one', publicKey: pub('alpha') });
        await ecs.importKeyPair({ region: REGION, name: 'two', publicKey: pub('beta') });
        const error = await failsWith(ecs.importKeyPair({ region: REGION, name: 'three', publicKey: pub('gamma') }), 'QuotaExceed.KeyPair');
        assert.equal(error.httpStatus, 403);
        assert.match(error.sentence, /^The region cn-hangzhou has reached its key pair quota \(500 per region\)/);
        await ecs.importKeyPair({ region: 'cn-beijing', name: 'three', publicKey: pub('gamma') });
      } finally {
        await small.stop();
      }
    });
  });

  describe('name rules and key rules', () => {
    const valid = ['ab', 'a1', 'my-key', 'my_key', 'my.key', 'a:b', 'Key.2024-01_x:y', '密钥a', '密钥', 'key密钥1', `a${'b'.repeat(127)}`, 'httpkey', 'http-x'];
    const invalid: Array<[string, string, Array<string | number>]> = [
      ['', ALIBABA_NAME_MESSAGES.tooShort, [2, 0]],
      ['a', ALIBABA_NAME_MESSAGES.tooShort, [2, 1]],
      ['1key', ALIBABA_NAME_MESSAGES.firstLetter, ['1']],
      ['_key', ALIBABA_NAME_MESSAGES.firstLetter, ['_']],
      ['-key', ALIBABA_NAME_MESSAGES.firstLetter, ['-']],
      ['http://key', ALIBABA_NAME_MESSAGES.urlPrefix, ['http://']],
      ['HTTPS://key', ALIBABA_NAME_MESSAGES.urlPrefix, ['HTTPS://']],
      ['my key', ALIBABA_NAME_MESSAGES.illegalChar, [' ']],
      ['my/key', ALIBABA_NAME_MESSAGES.illegalChar, ['/']],
      ['key@host', ALIBABA_NAME_MESSAGES.illegalChar, ['@']],
      ['a*', ALIBABA_NAME_MESSAGES.illegalChar, ['*']],
      // "English or Chinese characters": other scripts and non-ASCII digits are not ECS letters or digits.
      ['ключ', ALIBABA_NAME_MESSAGES.firstLetter, ['к']],
      ['éa', ALIBABA_NAME_MESSAGES.firstLetter, ['é']],
      ['keyé', ALIBABA_NAME_MESSAGES.illegalChar, ['é']],
      ['key٣', ALIBABA_NAME_MESSAGES.illegalChar, ['٣']],
      [`a${'b'.repeat(128)}`, ALIBABA_NAME_MESSAGES.tooLong, [128, 129]],
    ];

    it('validates names as the user types, with a template and its arguments', () => {
      for (const name of valid) assert.equal(alibabaKeyPairNameProblem(name), undefined, name);
      for (const [name, template, args] of invalid) assert.deepEqual(alibabaKeyPairNameProblem(name), { template, args }, name);
    });

    it('agrees with the fake ECS on every rule, and maps a refused name to a sentence', async () => {
      const ecs = provider();
      for (const [i, name] of valid.entries()) {
        assert.equal(ecsNameValid(name), true, name);
        await ecs.importKeyPair({ region: REGION, name, publicKey: randomEd25519PublicKeyLine() }).catch((e: unknown) => assert.fail(`${name}: ${String(e)}`));
        assert.ok(fake.keyPairsIn(REGION).length === i + 1);
      }
      for (const [name] of invalid) {
        assert.equal(ecsNameValid(name), false, name);
        if (name === '') continue; // an empty parameter is a missing one
        const error = await failsWith(ecs.importKeyPair({ region: REGION, name, publicKey: pub('alpha') }), 'InvalidKeyPairName.Malformed');
        assert.equal(error.httpStatus, 400);
        assert.match(error.sentence, /^Alibaba Cloud ECS refused the key pair name ".*" as malformed\. Its rule: 2 to 128 characters, starting with an upper- or lower-case letter/);
      }
      await failsWith(ecs.importKeyPair({ region: REGION, name: '', publicKey: pub('alpha') }), 'MissingParameter');
    });

    it('makes valid names from file names', () => {
      for (const text of ['id_ed25519.pub', '1password key.pub', 'http://x', '', '__', 'работа ключ']) {
        const name = sanitizeAlibabaKeyPairName(text);
        assert.equal(alibabaKeyPairNameProblem(name), undefined, `${text} → ${name}`);
      }
      assert.equal(sanitizeAlibabaKeyPairName('id_ed25519.pub'), 'id_ed25519');
    });

    it('rejects a malformed public key, and names the key type when ed25519 is refused', async () => {
      const ecs = provider();
      for (const body of ['not a key', pub('alpha').slice(0, 40), 'ssh-rsa AAAAB3NzaC1yc2E= x']) {
        const error = await failsWith(ecs.importKeyPair({ region: REGION, name: 'bad', publicKey: body }), 'InvalidPublicKeyBody.Malformed');
        assert.equal(error.httpStatus, 400);
      }
      fake.acceptUndocumentedKeyTypes = false;
      const refused = await failsWith(ecs.importKeyPair({ region: REGION, name: 'edkey', publicKey: pub('alpha') }), 'InvalidPublicKeyBody.Malformed');
      assert.equal(refused.sentence, ALIBABA_MESSAGES.publicKeyMalformedType.replace('{0}', 'ssh-ed25519'));
      await ecs.importKeyPair({ region: REGION, name: 'rsakey', publicKey: pub('rsa') });
    });

    it('checks the fingerprint the cloud reports against the local key', () => {
      const line = pub('rsa');
      const blob = Buffer.from(line.split(' ')[1], 'base64');
      const sha1 = require('node:crypto').createHash('sha1').update(blob).digest('hex') as string;
      assert.equal(ecsFingerprintMatches(md5Of('rsa'), line), true);
      assert.equal(ecsFingerprintMatches(md5Of('rsa').toUpperCase().replace(/:/g, ''), line), true);
      assert.equal(ecsFingerprintMatches(`MD5:${md5Of('rsa')}`, line), true);
      assert.equal(ecsFingerprintMatches(sha1.replace(/(..)(?!$)/g, '$1:'), line), true, 'the 20-octet form of the docs example');
      assert.equal(ecsFingerprintMatches(keygenFingerprint(path.join(dir, 'rsa.pub')).fingerprint, line), true);
      assert.equal(ecsFingerprintMatches(md5Of('alpha'), line), false);
      assert.equal(ecsFingerprintMatches(undefined, line), undefined);
    });

    it('reports fingerprintMatches: false when the cloud holds another key under the fingerprint it reports', async () => {
      const seeded = fake.seedKeyPair({ region: REGION, name: 'odd', publicKey: pub('alpha') });
      seeded.KeyPairFingerPrint = md5Of('beta'); // a server that reports something else
      const result = await provider().importKeyPair({ region: REGION, name: 'odd', publicKey: pub('alpha') });
      assert.deepEqual([result.alreadyExisted, result.fingerprintMatches], [true, false]);
    });
  });

  describe('create, delete, attach, detach', () => {
    it("creates a key pair whose private key's public half (ssh-keygen -y) is the key the cloud holds", async () => {
      // CreateKeyPair makes an RSA key in the fake: give a busy machine time for it.
      const created = await provider({ timeoutSeconds: 15 }).createKeyPair({ region: REGION, name: 'made-here' });
      assert.match(created.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
      const file = path.join(dir, 'created');
      fs.writeFileSync(file, created.privateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
      const held = fake.keyPairsIn(REGION)[0];
      assert.equal(derived.split(' ')[1], held.blobBase64);
      assert.ok(samePublicKey(created.keyPair.publicKey, derived));
      assert.equal(created.keyPair.cloudFingerprint, held.KeyPairFingerPrint);
      assert.equal(ecsFingerprintMatches(created.keyPair.cloudFingerprint, derived), true);
      const log = JSON.stringify(fake.requests);
      assert.ok(!log.includes('PRIVATE KEY') && !log.includes(created.privateKey.slice(40, 80)), 'the fake never logs the private key');
      await failsWith(provider({ timeoutSeconds: 15 }).createKeyPair({ region: REGION, name: 'made-here' }), 'KeyPair.AlreadyExist');
    });

    it('deletes key pairs by name, in batches of 100', async () => {
      for (let i = 0; i < 130; i++) fake.seedKeyPair({ region: REGION, name: `k${i}`, publicKey: randomEd25519PublicKeyLine() });
      const result = await provider().deleteKeyPairs({ region: REGION, ids: [...Array.from({ length: 125 }, (_, i) => `k${i}`), 'k0'] });
      assert.equal(result.deleted.length, 125);
      assert.deepEqual(result.inUse, []);
      assert.deepEqual(fake.keyPairsIn(REGION).map((k) => k.KeyPairName), ['k125', 'k126', 'k127', 'k128', 'k129']);
      const calls = fake.requests.filter((r) => r.action === 'DeleteKeyPairs');
      assert.deepEqual(calls.map((r) => (JSON.parse(String(r.params!.KeyPairNames)) as string[]).length), [100, 25]);
    });

    it('keeps key pairs attached to an instance (ECS refuses the batch) and deletes the rest', async () => {
      const ecs = provider();
      for (const name of ['free-1', 'bound', 'free-2']) fake.seedKeyPair({ region: REGION, name, publicKey: randomEd25519PublicKeyLine() });
      await ecs.associateKeyPairs({ region: REGION, keyIds: ['bound'], instanceIds: [STOPPED] });
      const listed = await ecs.listKeyPairs({ region: REGION });
      assert.deepEqual(listed.find((k) => k.id === 'bound')!.associatedInstanceIds, [STOPPED]);
      assert.deepEqual(listed.find((k) => k.id === 'free-1')!.associatedInstanceIds, []);
      fake.clearRequests();
      const result = await ecs.deleteKeyPairs({ region: REGION, ids: ['free-1', 'bound', 'free-2', 'never-was'] });
      assert.deepEqual(result, { deleted: ['never-was', 'free-1', 'free-2'], inUse: ['bound'], missing: [] });
      assert.deepEqual(fake.keyPairsIn(REGION).map((k) => k.KeyPairName), ['bound']);
      assert.deepEqual(fake.requests.filter((r) => r.action === 'DeleteKeyPairs').map((r) => r.errorCode ?? 'ok'), ['InvalidParameter.KeypairAlreadyAttachedInstance', 'ok']);
      await ecs.disassociateKeyPairs({ region: REGION, keyIds: ['bound'], instanceIds: [STOPPED] });
      assert.deepEqual(await ecs.deleteKeyPairs({ region: REGION, ids: ['bound'] }), { deleted: ['bound'], inUse: [], missing: [] });
    });

    it('attaches to running and stopped Linux instances, saying which need a restart, and detaches', async () => {
      const ecs = provider();
      await ecs.importKeyPair({ region: REGION, name: 'deploy', publicKey: pub('alpha') });
      const attached = await ecs.associateKeyPairs({ region: REGION, keyIds: ['deploy'], instanceIds: [RUNNING, STOPPED] });
      assert.deepEqual(attached.outcomes, [{ instanceId: RUNNING, ok: true }, { instanceId: STOPPED, ok: true }]);
      assert.deepEqual(attached.restartRequired, [RUNNING]);
      assert.deepEqual([fake.instance(RUNNING)!.KeyPairName, fake.instance(STOPPED)!.KeyPairName], ['deploy', 'deploy']);
      const instances = await ecs.listInstances({ region: REGION });
      assert.deepEqual(instances.find((i) => i.id === RUNNING)!.keyIds, ['deploy']);
      assert.equal(instances.find((i) => i.id === WINDOWS)!.platform, 'windows');

      const detached = await ecs.disassociateKeyPairs({ region: REGION, keyIds: ['deploy'], instanceIds: [STOPPED] });
      assert.deepEqual(detached.restartRequired, []);
      assert.equal(fake.instance(STOPPED)!.KeyPairName, '');
      assert.equal(fake.instance(RUNNING)!.KeyPairName, 'deploy');
    });

    it('explains per-instance failures: Windows, unknown instances, a partial success, one key per instance', async () => {
      const ecs = provider();
      await ecs.importKeyPair({ region: REGION, name: 'deploy', publicKey: pub('alpha') });
      const windows = await failsWith(ecs.associateKeyPairs({ region: REGION, keyIds: ['deploy'], instanceIds: [WINDOWS] }), 'DependencyViolation.WindowsInstance');
      assert.equal(windows.sentence, `The instance ${WINDOWS} runs Windows, which cannot use SSH key pairs. Pick a Linux instance.`);
      const partial = await failsWith(ecs.associateKeyPairs({ region: REGION, keyIds: ['deploy'], instanceIds: [STOPPED_2, 'i-bp1doesnotexist01'] }), 'PartialFailure');
      assert.match(partial.sentence, /^AttachKeyPair succeeded for 1 of 2 instances\. Failed: i-bp1doesnotexist01 \(InvalidInstanceId\.NotFound/);
      assert.equal(fake.instance(STOPPED_2)!.KeyPairName, 'deploy');
      await failsWith(ecs.associateKeyPairs({ region: REGION, keyIds: ['deploy', 'other'], instanceIds: [STOPPED] }), 'OneKeyPairPerInstance');
      const unknownKey = await failsWith(ecs.associateKeyPairs({ region: REGION, keyIds: ['nope'], instanceIds: [STOPPED] }), 'InvalidKeyPairName.NotFound');
      assert.equal(unknownKey.httpStatus, 404);
      await failsWith(ecs.modifyKeyPair({ region: REGION, id: 'deploy', name: 'x' }), 'UnsupportedOperation');
    });

    it('lists the regions in the chosen language', async () => {
      const en = await provider().listRegions();
      assert.ok(en.some((r) => r.id === 'cn-hangzhou' && r.name === 'China (Hangzhou)' && r.available));
      const zh = await provider({ language: 'zh-CN' }).listRegions();
      assert.equal(zh.find((r) => r.id === 'cn-hangzhou')!.name, '华东1（杭州）');
    });
  });

  describe('credentials and signatures', () => {
    it('explains a wrong AccessKey secret without revealing it @secrets', async () => {
      const secret = 'wrongSecretValue123456';
      const ecs = provider({ credentials: { accessKeyId: FAKE_ECS_ACCESS_KEY.accessKeyId, accessKeySecret: secret } });
      const error = await failsWith(ecs.listKeyPairs({ region: REGION }), 'SignatureDoesNotMatch');
      assert.equal(error.httpStatus, 400);
      assert.equal(error.sentence, ALIBABA_MESSAGES.signatureDoesNotMatch);
      assert.match(error.message, /\(RequestId: [0-9A-F-]{36}\)$/);
      for (const text of [error.message, util.inspect(error), util.inspect(ecs), JSON.stringify(ecs), JSON.stringify(fake.requests)]) {
        assert.ok(!text.includes(secret), 'the secret never shows');
      }
      assert.equal(count('DescribeKeyPairs'), 1, 'a signature failure is not retried');
    });

    it('explains an unknown AccessKey ID (HTTP 404) and missing credentials', async () => {
      const error = await failsWith(provider({ credentials: { accessKeyId: 'LTAI5tUnknown', accessKeySecret: 'x' } }).listRegions(), 'InvalidAccessKeyId.NotFound');
      assert.equal(error.httpStatus, 404);
      assert.equal(error.sentence, ALIBABA_MESSAGES.accessKeyNotFound);
      assert.throws(() => provider({ credentials: { accessKeyId: ' ', accessKeySecret: 'x' } }), (e: unknown) => e instanceof CloudError && e.code === 'MissingCredentials');
    });

    it('sends the security token of STS credentials and explains a wrong one', async () => {
      assert.ok((await provider({ credentials: STS }).listRegions()).length > 0);
      await failsWith(provider({ credentials: { ...STS, securityToken: 'stale' } }).listRegions(), 'InvalidSecurityToken.Expired');
      await failsWith(provider({ credentials: { ...STS, securityToken: undefined } }).listRegions(), 'InvalidSecurityToken.Expired');
    });

    it('says by how many minutes the clock is off (from the Date of the answer) @clock-skew', async () => {
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 20 * 60 }, times: 1 });
      const behind = await failsWith(provider().listRegions(), 'InvalidTimeStamp.Expired');
      assert.equal(behind.sentence, ALIBABA_MESSAGES.clockBehind.replace('{0}', '20'));
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: -30 * 60 }, times: 1 });
      const ahead = await failsWith(provider().listRegions(), 'InvalidTimeStamp.Expired');
      assert.equal(ahead.sentence, ALIBABA_MESSAGES.clockAhead.replace('{0}', '30'));
      assert.equal(alibabaApiError('InvalidTimeStamp.Expired', '', '', 400, { action: 'X' }).sentence, ALIBABA_MESSAGES.timestampExpired);
      fake.faults.add({ fault: { kind: 'clock-skew', seconds: 10 * 60 }, times: 1 });
      await provider().listRegions();
    });

    it('tells the log each RequestId and error code, never parameters or secrets @secrets', async () => {
      const seen: unknown[] = [];
      const ecs = provider({ onResponse: (info) => seen.push(info) });
      await ecs.importKeyPair({ region: REGION, name: 'logged', publicKey: pub('alpha') });
      await ecs.importKeyPair({ region: REGION, name: 'logged', publicKey: pub('beta') }).catch(() => undefined);
      const text = JSON.stringify(seen);
      assert.ok(!text.includes(FAKE_ECS_ACCESS_KEY.accessKeySecret) && !text.includes('AAAA'));
      assert.deepEqual(
        seen.map((s) => (s as { action: string; errorCode?: string }).errorCode ?? (s as { action: string }).action),
        ['ImportKeyPair', 'KeyPair.AlreadyExist', 'DescribeKeyPairs'],
      );
    });
  });

  describe('throttling, retries and lost answers', () => {
    // Throttling, 5xx, lost answers, cancellation and deadlines: the shared contract (contract.test.ts).
    it('reads Throttling.User answered with HTTP 429, as well as 400, as throttling @throttle', async () => {
      const other = new FakeAlibabaEcs({ throttleStatus: 429 });
      await other.start();
      try {
        other.faults.add({ fault: { kind: 'throttle' }, times: 1 });
        assert.ok((await provider({ endpoint: other.url }).listRegions()).length > 0);
        assert.deepEqual(other.requests.map((r) => `${r.errorCode ?? ''} ${r.httpStatus}`), ['Throttling.User 429', ' 200']);
      } finally {
        await other.stop();
      }
    });

    it('paces concurrent calls so the fake (10 per second per action) never throttles them', async () => {
      const ecs = provider({ rateLimiter: new RateLimiter() });
      await Promise.all(Array.from({ length: 25 }, () => ecs.listRegions()));
      assert.equal(fake.requests.filter((r) => r.errorCode === 'Throttling.User').length, 0);
    });

    it('recovers an import whose answer was garbled @malformed-json', async () => {
      fake.faults.add({ fault: { kind: 'malformed-json' }, action: 'ImportKeyPair', times: 1 });
      assert.equal((await provider().importKeyPair({ region: REGION, name: 'garbled', publicKey: pub('gamma') })).recoveredAfterLostAnswer, true);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
      assert.equal(count('ImportKeyPair'), 1);
    });

    it('joins two imports of the same key at once: one ImportKeyPair sent, both name its key pair @concurrent-import', async () => {
      fake.faults.add({ fault: { kind: 'latency', ms: 300 }, action: 'ImportKeyPair', times: 1 });
      const ecs = provider();
      const [first, second] = await Promise.all([
        ecs.importKeyPair({ region: REGION, name: 'twice-a', publicKey: pub('alpha') }),
        ecs.importKeyPair({ region: REGION, name: 'twice-b', publicKey: pub('alpha') }),
      ]);
      assert.equal(count('ImportKeyPair'), 1, 'the second import was sent');
      assert.deepEqual([first.keyPair.id, second.keyPair.id], ['twice-a', 'twice-a']);
      assert.deepEqual([first.alreadyExisted, second.alreadyExisted], [false, true]);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });

    it('explains a refused connection after retrying it', async () => {
      const closed = new FakeAlibabaEcs();
      await closed.start();
      const url = closed.url;
      await closed.stop();
      const error = await failsWith(provider({ endpoint: url }).listRegions(), 'ConnectionFailed');
      assert.equal(error.kind, 'connection');
    });
  });

  describe('endpoints and sentences', () => {
    it('refuses plain http to anything but this computer, before sending anything @https-only', () => {
      for (const endpoint of ['http://ecs.aliyuncs.com', 'http://10.0.0.8:9000', 'http://127.0.0.1.nip.io:9000', 'http://[fe80::1]:80']) {
        assert.throws(() => provider({ endpoint }), (e: unknown) => e instanceof CloudError && e.code === 'InsecureEndpoint' && e.kind === 'config', endpoint);
      }
      assert.equal(fake.requests.length, 0);
      assert.throws(() => provider({ endpoint: 'ftp://ecs.aliyuncs.com' }), (e: unknown) => e instanceof CloudError && e.code === 'InvalidEndpoint');
      assert.throws(() => provider({ endpoint: 'https://ecs.aliyuncs.com/x?y=1' }), (e: unknown) => e instanceof CloudError && e.code === 'InvalidEndpoint');
      assert.deepEqual(parseAlibabaEndpoint('ecs.cn-shanghai.aliyuncs.com'), { protocol: 'https:', host: 'ecs.cn-shanghai.aliyuncs.com', hostname: 'ecs.cn-shanghai.aliyuncs.com', port: undefined });
      assert.deepEqual(parseAlibabaEndpoint('http://[::1]:9000'), { protocol: 'http:', host: '[::1]:9000', hostname: '::1', port: 9000 });
      assert.equal(parseAlibabaEndpoint(' '), undefined);
    });

    it('has a filled-in sentence for every documented code, and falls back to the code family', () => {
      const context = { action: 'ImportKeyPair', region: REGION, keyPairName: 'k', instanceIds: ['i-1'], resourceGroupId: 'rg-1' };
      for (const code of KNOWN_ALIBABA_ERROR_CODES) {
        const error = alibabaApiError(code, 'server says', 'req-1', 400, context);
        assert.doesNotMatch(error.sentence, /\{\d\}/, code);
        assert.notEqual(error.template, ALIBABA_MESSAGES.unknownCode, code);
      }
      for (const code of ['InvalidKeyPairName.Malformed', 'InvalidPublicKeyBody.Malformed', 'KeyPair.AlreadyExist', 'QuotaExceed.KeyPair', 'MissingParameter', 'InvalidResourceGroup.NotFound', 'InternalError', 'SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed', 'Throttling.User', 'Forbidden.RAM']) {
        assert.ok(KNOWN_ALIBABA_ERROR_CODES.includes(code), code);
      }
      assert.equal(alibabaApiError('Throttling.Whatever', '', '', 400, context).kind, 'throttled');
      assert.equal(alibabaApiError('InternalError', '', '', 500, context).kind, 'interrupted');
      assert.equal(alibabaApiError('Forbidden.RAM', '', '', 403, context).sentence, ALIBABA_MESSAGES.forbiddenRam.replace(/\{0\}/g, 'ImportKeyPair'));
      const unknown = alibabaApiError('Brand.NewCode', 'what happened', 'r', 400, context);
      assert.equal(unknown.sentence, 'Alibaba Cloud answered Brand.NewCode: what happened');
      assert.equal(normalizeEcsTime('2023-09-04T08:33Z'), '2023-09-04T08:33:00Z');
    });
  });
});

describe('AlibabaEcsProvider against an endpoint that is not ECS', () => {
  it('a 2xx JSON answer without a RequestId (another service) is MalformedResponse, not an empty listing @malformed-json', async () => {
    const http = await import('node:http');
    // What the Tencent CVM API answers: 200 with its own envelope.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { RequestId: 'tc-1', Error: { Code: 'AuthFailure.SignatureFailure', Message: 'no' } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const ecs = new AlibabaEcsProvider({
        credentials: { ...FAKE_ECS_ACCESS_KEY },
        endpoint: `http://127.0.0.1:${port}`,
        timeoutSeconds: 2,
        retry: FAST_RETRY,
      });
      await assert.rejects(ecs.listKeyPairs({ region: 'cn-hangzhou' }), (error: CloudError) => error.code === 'MalformedResponse');
    } finally {
      server.close();
    }
  });
});
