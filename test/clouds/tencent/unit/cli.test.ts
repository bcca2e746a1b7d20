// The built CLI (`node dist/cli.js tencent …`) as a process, against the fake CVM server started
// here, with the real SDK inside dist/tencent.js. Every run is checked for leaked secrets.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { CLI as cli, type CliRun, blobOf, ensureBuilt, keygenFingerprint, keygenPublic, runCliAsync, sshKeygen, tempDir, cliEnv } from '../../../unit/helpers';

const REGION = 'ap-guangzhou';
const TEMPORARY = { secretId: 'AKIDtemporaryCliCredential01', secretKey: 'temporaryCliSecretKey0001', token: 'cli-session-token-1' };


describe('CLI tencent commands against the fake CVM', function () {
  this.timeout(60_000);
  let fake: FakeTencentCvm;
  let home: string;
  let keys: string;
  let env: NodeJS.ProcessEnv;

  /** Runs `node dist/cli.js ARGS`; secrets never reach the terminal, whatever happened. */
  const runCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, onSpawn?: () => void): Promise<CliRun> =>
    runCliAsync(args, { ...env, ...extraEnv }, {
      onSpawn,
      check: ({ stdout, stderr }) => {
        const all = stdout + stderr;
        assert.equal(all.includes(FAKE_TEST_CREDENTIAL.secretKey), false, 'the SecretKey was printed');
        assert.equal(/PRIVATE KEY/.test(all), false, `a private key was printed:\n${all}`);
      },
    });

  const tencent = (sub: string, args: string[], extraEnv?: NodeJS.ProcessEnv) =>
    runCli(['tencent', sub, ...args, '--endpoint', fake.url], extraEnv);
  const pubLine = (name: string) => fs.readFileSync(path.join(keys, `${name}.pub`), 'utf8').trim();
  const sent = () => fake.requests.filter((r) => r.action);

  before(async () => {
    ensureBuilt(['cli.js', 'tencent.js']);
    fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true, credentials: [{ ...FAKE_TEST_CREDENTIAL }, TEMPORARY] });
    await fake.start();
    home = tempDir('cli-tencent-home');
    keys = path.join(home, '.ssh');
    fs.mkdirSync(keys, { mode: 0o700 });
    sshKeygen(path.join(keys, 'id_ed25519'), 'ed25519', [], 'me@laptop');
    sshKeygen(path.join(keys, 'id_rsa'), 'rsa', ['-b', '2048'], 'rsa@laptop');
    sshKeygen(path.join(keys, 'other'), 'ed25519', [], 'other@laptop');
    const exported = (format: string, from: string) => execFileSync('ssh-keygen', ['-e', '-m', format, '-f', path.join(keys, from)]);
    fs.mkdirSync(path.join(home, 'formats'));
    fs.writeFileSync(path.join(home, 'formats', 'rfc4716.pub'), exported('RFC4716', 'id_rsa.pub'));
    fs.writeFileSync(path.join(home, 'formats', 'spki.pem'), exported('PKCS8', 'id_rsa.pub'));
    fs.writeFileSync(path.join(home, 'formats', 'options.pub'), `no-pty,from="10.0.0.0/8" ${pubLine('other')}\n`);
    fs.writeFileSync(path.join(home, 'formats', 'garbage.pub'), 'ssh-ed25519 AAAA!!notbase64 x\n');
    fs.writeFileSync(path.join(home, 'formats', 'two.pub'), `${pubLine('id_ed25519')}\n${pubLine('other')}\n`);
    sshKeygen(path.join(home, 'formats', 'ca'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', path.join(home, 'formats', 'ca'), '-I', 'id', '-n', 'me', path.join(keys, 'other.pub')]);
    fs.renameSync(path.join(keys, 'other-cert.pub'), path.join(home, 'formats', 'other-cert.pub'));
    env = cliEnv(home, {
      TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey,
    });
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  describe('import', () => {
    it('a key type CVM does not document (ed25519): a warning on stderr, sent all the same; refused as the docs say (exit 1, InvalidPublicKey.Malformed); RSA gets no warning', async () => {
      fake.setOptions({ acceptUndocumentedKeyTypes: false });
      const r = await tencent('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'laptop_ed25519', '--region', REGION]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^warning: ssh-ed25519 is not in Tencent Cloud's documented key types for ImportKeyPair \(RSA\); it may refuse it\. Sending it anyway\.$/m);
      assert.match(r.stderr, /InvalidPublicKey\.Malformed: Tencent Cloud rejected the ssh-ed25519 public key/);
      assert.equal(sent().filter((q) => q.action === 'ImportKeyPair').length, 1);
      const rsa = await tencent('import', [path.join(keys, 'id_rsa.pub'), '--name', 'laptop_rsa', '--region', REGION]);
      assert.equal(rsa.status, 0, rsa.stderr);
      assert.doesNotMatch(rsa.stderr, /documented key types/);
    });

    it('imports a .pub file and prints its KeyId; the fake got one signed ImportKeyPair with the name and the key', async () => {
      const r = await tencent('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'laptop_ed25519', '--region', REGION]);
      assert.equal(r.status, 0, r.stderr);
      const keyId = r.stdout.trim();
      assert.match(keyId, /^skey-[0-9a-z]{8}$/);
      const [held] = fake.keyPairsIn(REGION);
      assert.deepEqual([held.KeyId, held.KeyName, held.blobBase64], [keyId, 'laptop_ed25519', blobOf(pubLine('id_ed25519'))]);
      const imports = sent().filter((q) => q.action === 'ImportKeyPair');
      assert.equal(imports.length, 1);
      assert.equal(imports[0].signatureVerified, true);
      assert.equal(imports[0].region, REGION);
      const params = imports[0].params as { KeyName: string; PublicKey: string; ProjectId: number };
      assert.deepEqual([params.KeyName, params.PublicKey, params.ProjectId], ['laptop_ed25519', pubLine('id_ed25519'), 0]);
    });

    it('--json prints KeyId, KeyName and Region; --project is sent', async () => {
      const r = await tencent('import', [path.join(keys, 'id_rsa.pub'), '--name', 'rsa_key', '--region', REGION, '--project', '1001', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(out).sort(), ['KeyId', 'KeyName', 'Region']);
      assert.deepEqual([out.KeyName, out.Region], ['rsa_key', REGION]);
      assert.equal(fake.keyPairsIn(REGION)[0].KeyId, out.KeyId);
      assert.equal(fake.keyPairsIn(REGION)[0].ProjectId, 1001);
    });

    it('a key already in the region gives its existing KeyId, flagged AlreadyExisted, exit 0', async () => {
      const first = JSON.parse((await tencent('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'first', '--region', REGION, '--json'])).stdout);
      const again = await tencent('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'second', '--region', REGION, '--json']);
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), { KeyId: first.KeyId, KeyName: 'first', Region: REGION, AlreadyExisted: true });
      assert.match(again.stderr, /already in ap-guangzhou/);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });

    it('a name taken by another key fails with InvalidKeyPairName.Duplicate and the RequestId, exit 1', async () => {
      fake.seedKeyPair({ region: REGION, name: 'taken', publicKey: pubLine('other') });
      const r = await tencent('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'taken', '--region', REGION]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /InvalidKeyPairName\.Duplicate: A key pair named "taken" already exists in ap-guangzhou/);
      assert.match(r.stderr, /RequestId: [0-9a-f-]{36}/);
      assert.equal(r.stdout, '');
    });

    for (const [file, source] of [
      ['rfc4716.pub', 'id_rsa'],
      ['spki.pem', 'id_rsa'],
      ['options.pub', 'other'],
    ] as const) {
      it(`sends ${file} as the plain one-line OpenSSH key`, async () => {
        const r = await tencent('import', [path.join(home, 'formats', file), '--name', 'converted', '--region', REGION]);
        assert.equal(r.status, 0, r.stderr);
        const params = sent().find((q) => q.action === 'ImportKeyPair')!.params as { PublicKey: string };
        const [type, blob, ...rest] = params.PublicKey.split(' ');
        assert.equal(`${type} ${blob}`, pubLine(source).split(' ').slice(0, 2).join(' '));
        assert.equal(params.PublicKey.includes('\n'), false);
        assert.equal(rest.join(' ').includes('no-pty'), false);
        assert.match(r.stderr, /note: (converted|left out the authorized_keys options)/);
      });
    }
  });

  describe('local refusals send nothing', () => {
    const cases: Array<[string, () => string[], RegExp, NodeJS.ProcessEnv?]> = [
      ['a private key file', () => ['import', path.join(keys, 'id_ed25519'), '--name', 'k', '--region', REGION], /PrivateKeyFile: .*id_ed25519 holds a PRIVATE key.*id_ed25519\.pub/],
      ['a name with a space', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', 'my key', '--region', REGION], /InvalidKeyPairNameIncludeIllegalChar/],
      ['a name with a dash', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', 'my-key', '--region', REGION], /InvalidKeyPairNameIncludeIllegalChar/],
      ['a 26-character name', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', 'a'.repeat(26), '--region', REGION], /InvalidKeyPairNameTooLong/],
      ['an empty name', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', '', '--region', REGION], /InvalidKeyPairNameEmpty/],
      ['a name too long for create', () => ['create', '--name', 'b'.repeat(30), '--region', REGION, '--out', path.join(home, 'never')], /InvalidKeyPairNameTooLong/],
      ['an unparseable key', () => ['import', path.join(home, 'formats', 'garbage.pub'), '--name', 'k', '--region', REGION], /InvalidPublicKey: .*garbage\.pub:1:\d+: /],
      ['a file of two keys', () => ['import', path.join(home, 'formats', 'two.pub'), '--name', 'k', '--region', REGION], /SeveralKeys/],
      ['a certificate', () => ['import', path.join(home, 'formats', 'other-cert.pub'), '--name', 'k', '--region', REGION], /CertificateFile/],
      ['a missing file', () => ['import', path.join(home, 'nope.pub'), '--name', 'k', '--region', REGION], /FileUnreadable: .*ENOENT/],
      ['missing credentials', () => ['list', '--region', REGION], /MissingCredentials: .*TENCENTCLOUD_SECRET_KEY is not set/, { TENCENTCLOUD_SECRET_KEY: '' }],
      ['an existing --out file', () => ['create', '--name', 'k', '--region', REGION, '--out', path.join(keys, 'id_ed25519')], /OutputExists: .*id_ed25519 already exists/],
      ['an existing --out .pub', () => {
        fs.writeFileSync(path.join(home, 'lonely.pub'), pubLine('other'));
        return ['create', '--name', 'k', '--region', REGION, '--out', path.join(home, 'lonely')];
      }, /OutputExists: .*lonely\.pub already exists/],
      ['an --out folder that does not exist', () => ['create', '--name', 'k', '--region', REGION, '--out', path.join(home, 'no', 'such', 'key')], /OutputUnusable/],
    ];
    for (const [what, args, message, extraEnv] of cases) {
      it(`${what}: exit 1, the code and reason on stderr, no request`, async () => {
        const r = await tencent(args()[0], args().slice(1), extraEnv);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /Nothing was sent to Tencent Cloud\./);
        assert.equal(r.stdout, '');
        assert.deepEqual(fake.requests, []);
      });
    }

    it('plain http to another machine: InsecureEndpoint, nothing sent @https-only', async () => {
      const r = await runCli(['tencent', 'list', '--region', REGION, '--endpoint', 'http://10.9.8.7:9000']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /InsecureEndpoint/);
    });
  });

  describe('usage errors exit 2', () => {
    for (const args of [
      ['import', 'x.pub', '--region', REGION],
      ['import', '--name', 'k', '--region', REGION],
      ['import', 'x.pub', '--name', 'k'],
      ['import', 'x.pub', '--name', 'k', '--region', REGION, '--bogus'],
      ['import', 'x.pub', '--name', 'k', '--region', REGION, '--project', 'default'],
      ['create', '--name', 'k', '--region', REGION],
      ['list'],
      ['delete', '--region', REGION],
      ['frobnicate'],
      [],
    ]) {
      it(`tencent ${args.join(' ')}`, async () => {
        const r = await runCli(['tencent', ...args]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /Usage|tencent import FILE/);
        assert.deepEqual(fake.requests, []);
      });
    }
  });

  it('a wrong SecretKey: exit 1 naming AuthFailure.SignatureFailure with the RequestId, the key never printed @secrets', async () => {
    const wrong = 'wrongSecretKeyForTheTest0000000';
    const r = await tencent('list', ['--region', REGION], { TENCENTCLOUD_SECRET_KEY: wrong });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /AuthFailure\.SignatureFailure: .*SecretKey does not belong to this SecretId.*RequestId: /);
    assert.equal((r.stdout + r.stderr).includes(wrong), false);
    assert.equal(fake.requests.length, 1, 'an authentication failure is not retried');
  });

  it('temporary credentials: TENCENTCLOUD_SESSION_TOKEN is sent; without it the token check fails (exit 1, code named)', async () => {
    const temporary = { TENCENTCLOUD_SECRET_ID: TEMPORARY.secretId, TENCENTCLOUD_SECRET_KEY: TEMPORARY.secretKey };
    const ok = await tencent('list', ['--region', REGION], { ...temporary, TENCENTCLOUD_SESSION_TOKEN: TEMPORARY.token });
    assert.equal(ok.status, 0, ok.stderr);
    const missing = await tencent('list', ['--region', REGION], temporary);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /AuthFailure\.TokenFailure: /);
    for (const r of [ok, missing]) assert.equal((r.stdout + r.stderr).includes(TEMPORARY.secretKey) || (r.stdout + r.stderr).includes(TEMPORARY.token), false);
  });

  describe('list', () => {
    it('lists KeyId, KeyName, PublicKey, the ssh-keygen SHA256 and the matching local file, by key', async () => {
      const mine = fake.seedKeyPair({ region: REGION, name: 'mine', publicKey: pubLine('id_ed25519') });
      const rsa = fake.seedKeyPair({ region: REGION, name: 'rsa', publicKey: pubLine('id_rsa') });
      const stranger = fake.seedKeyPair({ region: REGION, name: 'stranger', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm0MUkrRxRPnuXmw7mBXZ5Fs6y1wSJbsWAYzuMOYkeK' });
      fake.seedKeyPair({ region: 'ap-tokyo', name: 'elsewhere', publicKey: pubLine('other') });
      const r = await tencent('list', ['--region', REGION, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const listed = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(listed.map((k) => k.KeyId).sort(), [mine.KeyId, rsa.KeyId, stranger.KeyId].sort());
      const byId = (id: string) => listed.find((k) => k.KeyId === id)!;
      assert.equal(byId(mine.KeyId).KeyName, 'mine');
      assert.equal(byId(mine.KeyId).PublicKey, mine.PublicKey);
      assert.equal(byId(mine.KeyId).sha256, keygenFingerprint(path.join(keys, 'id_ed25519.pub')).fingerprint);
      assert.equal(byId(mine.KeyId).LocalFile, path.join(keys, 'id_ed25519.pub'));
      assert.equal(byId(rsa.KeyId).sha256, keygenFingerprint(path.join(keys, 'id_rsa.pub')).fingerprint);
      assert.equal(byId(rsa.KeyId).LocalFile, path.join(keys, 'id_rsa.pub'));
      assert.equal(byId(stranger.KeyId).LocalFile, null);

      const plain = await tencent('list', ['--region', REGION]);
      assert.equal(plain.status, 0, plain.stderr);
      const line = plain.stdout.split('\n').find((l) => l.startsWith(mine.KeyId))!;
      assert.deepEqual(line.split('\t').slice(0, 4), [mine.KeyId, 'mine', byId(mine.KeyId).sha256, path.join(keys, 'id_ed25519.pub')]);
      assert.ok(plain.stdout.split('\n').find((l) => l.startsWith(stranger.KeyId))!.includes('\t-\t'));
    });

    it('--ssh-dir chooses the folders matched against', async () => {
      const seeded = fake.seedKeyPair({ region: REGION, name: 'mine', publicKey: pubLine('id_ed25519') });
      const elsewhere = path.join(home, 'elsewhere');
      fs.mkdirSync(elsewhere, { recursive: true });
      fs.copyFileSync(path.join(keys, 'id_rsa.pub'), path.join(elsewhere, 'copy.pub'));
      const rsa = fake.seedKeyPair({ region: REGION, name: 'rsa', publicKey: pubLine('id_rsa') });
      const r = await tencent('list', ['--region', REGION, '--json', '--ssh-dir', elsewhere]);
      assert.equal(r.status, 0, r.stderr);
      const listed = JSON.parse(r.stdout) as Array<{ KeyId: string; LocalFile: string | null }>;
      assert.equal(listed.find((k) => k.KeyId === seeded.KeyId)!.LocalFile, null);
      assert.equal(listed.find((k) => k.KeyId === rsa.KeyId)!.LocalFile, path.join(elsewhere, 'copy.pub'));
    });
  });

  describe('delete', () => {
    it('deletes a key pair by KeyId', async () => {
      const seeded = fake.seedKeyPair({ region: REGION, name: 'gone', publicKey: pubLine('other') });
      const r = await tencent('delete', [seeded.KeyId, '--region', REGION]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), `deleted ${seeded.KeyId}`);
      assert.deepEqual(fake.keyPairsIn(REGION), []);
    });

    it('an unknown KeyId: exit 1, InvalidKeyPairId.NotFound', async () => {
      const r = await tencent('delete', ['skey-abcd1234', '--region', REGION]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /InvalidKeyPairId\.NotFound: The key pair skey-abcd1234 does not exist in ap-guangzhou/);
    });

    it('a key bound to an instance is kept: exit 1, and --json says InUse', async () => {
      const seeded = fake.seedKeyPair({ region: REGION, name: 'bound', publicKey: pubLine('other') });
      fake.instance('ins-lnxstp01')!.KeyIds.push(seeded.KeyId);
      const r = await tencent('delete', [seeded.KeyId, '--region', REGION, '--json']);
      assert.equal(r.status, 1);
      assert.deepEqual(JSON.parse(r.stdout), { Region: REGION, Deleted: [], InUse: [seeded.KeyId], NotFound: [] });
      assert.match(r.stderr, /KeyPairNotSupported: .*bound to an instance/);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });
  });

  describe('create', () => {
    it('writes the private key 0600 whose public half (ssh-keygen -y) is the key the cloud holds, and PATH.pub beside it', async () => {
      const out = path.join(home, 'created');
      const r = await tencent('create', ['--name', 'made_by_cloud', '--region', REGION, '--out', out, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      const [held] = fake.keyPairsIn(REGION);
      assert.deepEqual([result.KeyId, result.KeyName, result.Region], [held.KeyId, 'made_by_cloud', REGION]);
      assert.deepEqual([result.PrivateKeyFile, result.PublicKeyFile], [out, `${out}.pub`]);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(out)), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${out}.pub`, 'utf8')), held.blobBase64);
      assert.equal(result.sha256, keygenFingerprint(`${out}.pub`).fingerprint);
      assert.deepEqual(fs.readdirSync(home).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    });

    it('plain output is the KeyId', async () => {
      const out = path.join(home, 'created_plain');
      const r = await tencent('create', ['--name', 'plain', '--region', REGION, '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), fake.keyPairsIn(REGION)[0].KeyId);
      assert.match(r.stderr, /mode 0600/);
    });

    it('if PATH appears while the key is being created, the private key goes to a 0600 fallback file and is not lost @key-exists', async () => {
      const out = path.join(home, 'raced');
      fake.faults.add({ fault: { kind: 'latency', ms: 1500 }, action: 'CreateKeyPair', times: 1 });
      const run = runCli(['tencent', 'create', '--name', 'raced', '--region', REGION, '--out', out, '--endpoint', fake.url, '--json']);
      const deadline = Date.now() + 10_000;
      while (!fake.requests.some((q) => q.action === 'CreateKeyPair') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(out, 'someone else wrote this\n');
      const r = await run;
      assert.equal(r.status, 1, r.stderr);
      const [held] = fake.keyPairsIn(REGION);
      const fallback = `${out}.${held.KeyId}`;
      assert.match(r.stderr, /PrivateKeyFallback: .*could not be written to .*raced \(EEXIST\).*saved to .*raced\.skey-/);
      assert.equal(JSON.parse(r.stdout).PrivateKeyFile, fallback);
      assert.equal(fs.readFileSync(out, 'utf8'), 'someone else wrote this\n', 'the file that appeared was not overwritten');
      assert.equal(fs.statSync(fallback).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(fallback)), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${fallback}.pub`, 'utf8')), held.blobBase64);
    });
  });

  it('inspect and scan never load the Tencent chunk or its SDK', () => {
    assert.equal(fs.readFileSync(cli, 'utf8').includes('TencentCloudSDKHttpException'), false, 'dist/cli.js bundles the SDK');
    const probe = `
      const { main } = require(${JSON.stringify(cli)});
      main(['scan', '--json', ${JSON.stringify(keys)}], () => {}).then(() => main(['inspect', ${JSON.stringify(keys)}], () => {})).then(() => {
        const loaded = Object.keys(require.cache).filter((f) => /tencent/i.test(f));
        process.stdout.write(JSON.stringify(loaded));
      });`;
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })), []);
  });
});
