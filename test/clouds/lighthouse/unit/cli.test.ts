// The CLI (`cloud-ssh-keys lighthouse …`) as a process, run from tsc's out/ (its chunk is the
// compiled src/clouds/lighthouse/chunk.js), against the fake Lighthouse started here with the real
// SDK inside. Every run is checked for leaked secrets and private keys.

import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { type CliRun, REPO_ROOT, blobOf, cliEnv, keygenFingerprint, keygenPublic, sshKeygen, tempDir } from '../../../unit/helpers';

/** The compiled CLI: dist/cli.js needs dist/lighthouse.js, which the bundler does not make yet. */
const OUT_CLI = path.join(REPO_ROOT, 'out', 'src', 'cli.js');
const NOTHING_SENT = /Nothing was sent to Tencent Cloud Lighthouse\./;

describe('CLI lighthouse commands against the fake Lighthouse', function () {
  this.timeout(60_000);
  let fake: FakeLighthouse;
  let home: string;
  let keys: string;
  let env: NodeJS.ProcessEnv;

  /** Runs `node out/src/cli.js ARGS` without blocking the fake in this process; `started` gets the child. */
  const runCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, started?: (child: ChildProcess) => void): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [OUT_CLI, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('error', reject);
      child.once('close', (status) => {
        const all = stdout + stderr;
        if (all.includes(FAKE_TEST_CREDENTIAL.secretKey)) reject(new Error('the SecretKey was printed'));
        else if (/PRIVATE KEY/.test(all)) reject(new Error(`a private key was printed:\n${all}`));
        else resolve({ status, stdout, stderr });
      });
      started?.(child);
    });
  const lighthouse = (sub: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => runCli(['lighthouse', sub, ...args, '--endpoint', fake.url], extraEnv);
  const pubLine = (name: string) => fs.readFileSync(path.join(keys, `${name}.pub`), 'utf8').trim();
  const untilRequest = async (action: string) => {
    const deadline = Date.now() + 10_000;
    while (!fake.requests.some((q) => q.action === action) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  before(async () => {
    assert.ok(fs.existsSync(OUT_CLI), 'build first: npx tsc -p .');
    fake = new FakeLighthouse();
    await fake.start();
    home = tempDir('cli-lighthouse-home');
    keys = path.join(home, '.ssh');
    fs.mkdirSync(keys, { mode: 0o700 });
    sshKeygen(path.join(keys, 'id_rsa'), 'rsa', ['-b', '2048'], 'rsa@laptop');
    sshKeygen(path.join(keys, 'other_rsa'), 'rsa', ['-b', '2048'], 'other@laptop');
    sshKeygen(path.join(keys, 'id_ed25519'), 'ed25519', [], 'me@laptop');
    env = cliEnv(home, { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey });
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  describe('import', () => {
    it('imports an RSA .pub and prints its KeyId; one signed ImportKeyPair with the name and the key, in the default Region', async () => {
      const r = await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'laptop_rsa']);
      assert.equal(r.status, 0, r.stderr);
      const keyId = r.stdout.trim();
      assert.match(keyId, /^lhkp-[0-9a-z]{8}$/);
      const [held] = fake.keyPairs();
      assert.deepEqual([held.KeyId, held.KeyName, held.blobBase64], [keyId, 'laptop_rsa', blobOf(pubLine('id_rsa'))]);
      const imports = fake.requests.filter((q) => q.action === 'ImportKeyPair');
      assert.equal(imports.length, 1);
      assert.equal(imports[0].signatureVerified, true);
      assert.equal(imports[0].region, 'ap-guangzhou', 'key pair calls name the default region, whatever --region says');
      assert.deepEqual(imports[0].params, { KeyName: 'laptop_rsa', PublicKey: pubLine('id_rsa') });
    });

    it('--json prints KeyId and KeyName; a --region is accepted, and key pair calls still name the default region (key pairs are account-wide)', async () => {
      const r = await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'rsa_key', '--region', 'ap-tokyo', '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { KeyId: fake.keyPairs()[0].KeyId, KeyName: 'rsa_key' });
      assert.equal(fake.requests[0].region, 'ap-guangzhou', 'the default region, not --region');
    });

    it('a key already in the account gives its existing KeyId, flagged AlreadyExisted, exit 0', async () => {
      const first = JSON.parse((await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'first', '--json'])).stdout);
      const again = await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'second', '--json']);
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), { KeyId: first.KeyId, KeyName: 'first', AlreadyExisted: true });
      assert.match(again.stderr, /already in the account/);
      assert.equal(fake.keyPairs().length, 1);
    });

    it('a name taken by another key: exit 1, the code, the sentence and the RequestId', async () => {
      fake.seedKeyPair({ name: 'taken', publicKey: pubLine('other_rsa') });
      const r = await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'taken']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /InvalidParameterValue\.DuplicateParameterValue: A key pair named "taken" already exists in this account \(Lighthouse key pairs are shared by every region\)/);
      assert.match(r.stderr, /RequestId: [0-9a-f-]{36}/);
      assert.equal(r.stdout, '');
    });
  });

  it('an ed25519 key (not in the documented list): a warning on stderr, sent all the same; Lighthouse refuses it, or takes it when it does', async () => {
    const refused = await lighthouse('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'ed_key']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^warning: ssh-ed25519 is not in Tencent Cloud Lighthouse's documented key types for ImportKeyPair \(RSA\); it may refuse it\. Sending it anyway\.$/m);
    assert.match(refused.stderr, /InvalidParameterValue\.KeyPairPublicKeyMalformed: /);
    fake.setSwitches({ acceptUndocumentedKeyTypes: true });
    const taken = await lighthouse('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'ed_key']);
    assert.equal(taken.status, 0, taken.stderr);
    assert.match(taken.stdout, /^lhkp-[a-z0-9]{8}$/m);
    assert.match(taken.stderr, /^warning: ssh-ed25519 is not in/m);
    const rsa = await lighthouse('import', [path.join(keys, 'id_rsa.pub'), '--name', 'rsa_key']);
    assert.doesNotMatch(rsa.stderr, /warning: .* documented key types/);
  });

  describe('local refusals send nothing', () => {
    const cases: Array<[string, () => string[], RegExp, NodeJS.ProcessEnv?]> = [
      ['a private key file', () => ['import', path.join(keys, 'id_rsa'), '--name', 'k'], /PrivateKeyFile: .*id_rsa holds a PRIVATE key/],
      ['a name with a dash', () => ['import', path.join(keys, 'id_rsa.pub'), '--name', 'my-key'], /InvalidParameterValue\.InvalidKeyPairNameIncludeIllegalChar: /],
      ['a 26-character name', () => ['import', path.join(keys, 'id_rsa.pub'), '--name', 'a'.repeat(26)], /InvalidParameterValue\.InvalidKeyPairNameTooLong: /],
      ['an empty name', () => ['import', path.join(keys, 'id_rsa.pub'), '--name', ''], /InvalidParameterValue\.InvalidKeyPairNameEmpty: /],
      ['a name too long for create', () => ['create', '--name', 'b'.repeat(30), '--out', path.join(home, 'never')], /InvalidParameterValue\.InvalidKeyPairNameTooLong: /],
      ['a missing file', () => ['import', path.join(home, 'nope.pub'), '--name', 'k'], /FileUnreadable: .*ENOENT/],
      ['missing credentials', () => ['list'], /MissingCredentials: No Tencent Cloud Lighthouse credentials: TENCENTCLOUD_SECRET_KEY is not set/, { TENCENTCLOUD_SECRET_KEY: '' }],
      ['an existing --out file', () => ['create', '--name', 'k', '--out', path.join(keys, 'id_rsa')], /OutputExists: .*id_rsa already exists/],
      ['a malformed KeyId', () => ['delete', 'lhkp-abcd1234', 'skey-abcd1234', 'lhkp-ABCD1234'], /InvalidParameterValue\.KeyPairIdMalformed: The key pair ID skey-abcd1234, lhkp-ABCD1234 is malformed \(expected "lhkp-"/],
    ];
    for (const [what, args, message, extraEnv] of cases) {
      it(`${what}: exit 1, the code and reason on stderr, no request`, async () => {
        const r = await lighthouse(args()[0], args().slice(1), extraEnv);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, NOTHING_SENT);
        assert.equal(r.stdout, '');
        assert.deepEqual(fake.requests, []);
      });
    }
  });

  it('plain http to another machine: InsecureEndpoint, nothing sent @https-only', async () => {
    const r = await runCli(['lighthouse', 'list', '--endpoint', 'http://10.9.8.7:9000']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /InsecureEndpoint: .*Nothing was sent to Tencent Cloud Lighthouse\./);
  });

  describe('usage errors exit 2', () => {
    for (const args of [
      ['import', path.join('x.pub')],
      ['import', '--name', 'k'],
      ['import', 'x.pub', '--name', 'k', '--project', '0'],
      ['create', '--name', 'k'],
      ['create', '--out', 'x'],
      ['list', 'extra'],
      ['delete'],
      ['frobnicate'],
      [],
    ]) {
      it(`lighthouse ${args.join(' ')}`, async () => {
        const r = await runCli(['lighthouse', ...args]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /lighthouse import FILE --name NAME/);
        assert.deepEqual(fake.requests, []);
      });
    }

    it('--help prints the usage, saying --region is optional', async () => {
      const r = await runCli(['lighthouse', '--help']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /belong to the whole account, not to a region: --region is optional/);
    });
  });

  it('a wrong SecretKey: exit 1 naming AuthFailure.SignatureFailure with the RequestId, the key never printed @secrets', async () => {
    const wrong = 'wrongSecretKeyForTheTest0000000';
    const r = await lighthouse('list', [], { TENCENTCLOUD_SECRET_KEY: wrong });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /AuthFailure\.SignatureFailure: .*SecretKey does not belong to this SecretId.*RequestId: /);
    assert.equal((r.stdout + r.stderr).includes(wrong), false);
  });

  describe('list', () => {
    it('lists KeyId, KeyName, PublicKey, the ssh-keygen SHA256 and the matching local file, by key', async () => {
      const mine = fake.seedKeyPair({ name: 'mine', publicKey: pubLine('id_rsa') });
      const stranger = fake.seedKeyPair({ name: 'stranger', publicKey: randomEd25519PublicKeyLine() });
      const r = await lighthouse('list', ['--json']);
      assert.equal(r.status, 0, r.stderr);
      const listed = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(listed.map((k) => k.KeyId), [mine.KeyId, stranger.KeyId]);
      assert.deepEqual(Object.keys(listed[0]), ['KeyId', 'KeyName', 'PublicKey', 'sha256', 'CreatedTime', 'AssociatedInstanceIds', 'LocalFile']);
      assert.deepEqual([listed[0].KeyName, listed[0].PublicKey, listed[0].LocalFile], ['mine', mine.PublicKey, path.join(keys, 'id_rsa.pub')]);
      assert.equal(listed[0].sha256, keygenFingerprint(path.join(keys, 'id_rsa.pub')).fingerprint);
      assert.equal(listed[1].LocalFile, null);

      const plain = await lighthouse('list', []);
      assert.equal(plain.status, 0, plain.stderr);
      const line = plain.stdout.split('\n').find((l) => l.startsWith(mine.KeyId))!;
      assert.deepEqual(line.split('\t').slice(0, 4), [mine.KeyId, 'mine', listed[0].sha256, path.join(keys, 'id_rsa.pub')]);
    });

    it('pages through more than 100 key pairs; an empty account says so on stderr', async () => {
      const empty = await lighthouse('list', []);
      assert.equal(empty.status, 0);
      assert.match(empty.stderr, /no Lighthouse key pairs in this account/);
      for (let i = 0; i < 130; i++) fake.seedKeyPair({ name: `seed_${i}`, publicKey: randomEd25519PublicKeyLine() });
      const r = await lighthouse('list', ['--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).length, 130);
      assert.equal(fake.requests.filter((q) => q.action === 'DescribeKeyPairs').length, 3, 'one page of the empty listing, two of this one');
    });
  });

  describe('delete', () => {
    it('deletes key pairs by KeyId', async () => {
      const a = fake.seedKeyPair({ name: 'a', publicKey: randomEd25519PublicKeyLine() });
      const b = fake.seedKeyPair({ name: 'b', publicKey: randomEd25519PublicKeyLine() });
      const r = await lighthouse('delete', [a.KeyId, b.KeyId]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), `deleted ${a.KeyId}\ndeleted ${b.KeyId}`);
      assert.deepEqual(fake.keyPairs(), []);
    });

    it('an unknown KeyId: exit 1, ResourceNotFound.KeyIdNotFound', async () => {
      const r = await lighthouse('delete', ['lhkp-abcd1234']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /ResourceNotFound\.KeyIdNotFound: The key pair lhkp-abcd1234 does not exist in this account/);
    });

    it('a key bound to an instance is kept: exit 1, and --json says InUse', async () => {
      const bound = fake.seedKeyPair({ name: 'bound', publicKey: randomEd25519PublicKeyLine() });
      fake.instance('lhins-lnxstp01')!.KeyIds.push(bound.KeyId);
      const r = await lighthouse('delete', [bound.KeyId, '--json']);
      assert.equal(r.status, 1);
      assert.deepEqual(JSON.parse(r.stdout), { Deleted: [], InUse: [bound.KeyId], NotFound: [] });
      assert.match(r.stderr, /ResourceInUse\.KeyPairInUse: .*bound to an instance/);
      assert.equal(fake.keyPairs().length, 1);
    });
  });

  describe('create', () => {
    it('writes the private key 0600 whose public half (ssh-keygen -y) is the key the cloud holds, and PATH.pub derived from it', async () => {
      const out = path.join(home, 'created');
      const r = await lighthouse('create', ['--name', 'made_by_cloud', '--out', out, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      const [held] = fake.keyPairs();
      assert.deepEqual([result.KeyId, result.KeyName], [held.KeyId, 'made_by_cloud']);
      assert.deepEqual([result.PrivateKeyFile, result.PublicKeyFile], [out, `${out}.pub`]);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(out)), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${out}.pub`, 'utf8')), held.blobBase64);
      assert.equal(result.sha256, keygenFingerprint(`${out}.pub`).fingerprint);
      assert.equal(fake.requests[0].region, 'ap-guangzhou');
    });

    it('plain output is the KeyId', async () => {
      const out = path.join(home, 'created_plain');
      const r = await lighthouse('create', ['--name', 'plain', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), fake.keyPairs()[0].KeyId);
      assert.match(r.stderr, /mode 0600.*Tencent Cloud Lighthouse keeps no copy/);
    });

    it('if PATH appears while the key is being created, the private key goes to a 0600 fallback file and is not lost @key-exists', async () => {
      const out = path.join(home, 'raced');
      fake.faults.add({ fault: { kind: 'latency', ms: 1500 }, action: 'CreateKeyPair', times: 1 });
      const run = lighthouse('create', ['--name', 'raced', '--out', out, '--json']);
      await untilRequest('CreateKeyPair');
      fs.writeFileSync(out, 'someone else wrote this\n');
      const r = await run;
      assert.equal(r.status, 1, r.stderr);
      const [held] = fake.keyPairs();
      const fallback = `${out}.${held.KeyId}`;
      assert.match(r.stderr, /PrivateKeyFallback: .*could not be written to .*raced \(EEXIST\).*saved to .*raced\.lhkp-/);
      assert.equal(JSON.parse(r.stdout).PrivateKeyFile, fallback);
      assert.equal(fs.readFileSync(out, 'utf8'), 'someone else wrote this\n', 'the file that appeared was not overwritten');
      assert.equal(fs.statSync(fallback).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(fallback)), held.blobBase64);
    });

    it('Ctrl-C while the answer is on its way: it says why it waits, and the key is still saved @signal-during-create', async () => {
      const out = path.join(home, 'interrupted');
      fake.faults.add({ fault: { kind: 'latency', ms: 1500 }, action: 'CreateKeyPair', times: 1 });
      let child: ChildProcess | undefined;
      const run = runCli(['lighthouse', 'create', '--name', 'interrupted', '--out', out, '--endpoint', fake.url], {}, (c) => (child = c));
      await untilRequest('CreateKeyPair');
      child!.kill('SIGINT');
      const r = await run;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /SIGINT: waiting for Tencent Cloud Lighthouse's answer all the same/);
      assert.equal(blobOf(keygenPublic(out)), fake.keyPairs()[0].blobBase64);
    });
  });

  it('inspect and scan never load the Lighthouse chunk or an SDK', async () => {
    const probe = `
      const { main } = require(${JSON.stringify(OUT_CLI)});
      main(['scan', '--json', ${JSON.stringify(keys)}], () => {}).then(() => main(['inspect', ${JSON.stringify(keys)}], () => {})).then(() => {
        process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => /lighthouse[\\\\/]chunk|tencentcloud-sdk/.test(f))));
      });`;
    const r = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', probe], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.once('close', () => resolve(out));
    });
    assert.deepEqual(JSON.parse(r), []);
  });
});
