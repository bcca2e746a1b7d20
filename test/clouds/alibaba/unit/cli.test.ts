// The built CLI (`node dist/cli.js alibaba …`) as a process, against the fake ECS started here,
// with the provider inside dist/alibaba.js. Every run is checked for leaked secrets.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';
import { CLI as cli, type CliRun, blobOf, ensureBuilt, keygenFingerprint, keygenPublic, runCliAsync, sshKeygen, tempDir, cliEnv } from '../../../unit/helpers';

const REGION = 'cn-hangzhou';


describe('CLI alibaba commands against the fake ECS', function () {
  this.timeout(60_000);
  let fake: FakeAlibabaEcs;
  let home: string;
  let keys: string;
  let env: NodeJS.ProcessEnv;

  /** Runs `node dist/cli.js ARGS`; secrets never reach the terminal, whatever happened. */
  const runCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runCliAsync(args, { ...env, ...extraEnv }, {
      check: ({ stdout, stderr }) => {
        const all = stdout + stderr;
        assert.equal(all.includes(FAKE_ECS_ACCESS_KEY.accessKeySecret), false, 'the AccessKey secret was printed');
        assert.equal(/PRIVATE KEY/.test(all), false, `a private key was printed:\n${all}`);
      },
    });

  const alibaba = (sub: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => runCli(['alibaba', sub, ...args, '--endpoint', fake.url], extraEnv);
  const pubLine = (name: string) => fs.readFileSync(path.join(keys, `${name}.pub`), 'utf8').trim();
  const sent = () => fake.requests.filter((r) => r.action);

  before(async () => {
    ensureBuilt(['cli.js', 'alibaba.js']);
    fake = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true });
    await fake.start();
    home = tempDir('cli-alibaba-home');
    keys = path.join(home, '.ssh');
    fs.mkdirSync(keys, { mode: 0o700 });
    sshKeygen(path.join(keys, 'id_ed25519'), 'ed25519', [], 'me@laptop');
    sshKeygen(path.join(keys, 'id_rsa'), 'rsa', ['-b', '2048'], 'rsa@laptop');
    sshKeygen(path.join(keys, 'other'), 'ed25519', [], 'other@laptop');
    env = cliEnv(home, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret,
    });
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  describe('import', () => {
    it('a key type ECS does not document (ed25519): a warning on stderr, sent all the same; refused as the docs say (exit 1, InvalidPublicKeyBody.Malformed); RSA gets no warning', async () => {
      fake.setOptions({ acceptUndocumentedKeyTypes: false });
      const r = await alibaba('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'laptop-ed25519', '--region', REGION]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^warning: ssh-ed25519 is not in Alibaba Cloud's documented key types for ImportKeyPair \(RSA, DSA, ECDSA, OpenSSH certificates\); it may refuse it\. Sending it anyway\.$/m);
      assert.match(r.stderr, /InvalidPublicKeyBody\.Malformed: /);
      const rsa = await alibaba('import', [path.join(keys, 'id_rsa.pub'), '--name', 'laptop-rsa', '--region', REGION]);
      assert.equal(rsa.status, 0, rsa.stderr);
      assert.doesNotMatch(rsa.stderr, /documented key types/);
    });

    it('imports a .pub file and prints the key pair name; the fake got one signed ImportKeyPair with the name and the key', async () => {
      const r = await alibaba('import', [path.join(keys, 'id_rsa.pub'), '--name', 'laptop:rsa-1', '--region', REGION]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'laptop:rsa-1');
      const [held] = fake.keyPairsIn(REGION);
      assert.deepEqual([held.KeyPairName, held.blobBase64], ['laptop:rsa-1', blobOf(pubLine('id_rsa'))]);
      const imports = sent().filter((q) => q.action === 'ImportKeyPair');
      assert.equal(imports.length, 1);
      assert.equal(imports[0].signatureVerified, true);
      assert.equal(imports[0].region, REGION);
      assert.equal((imports[0].params as { KeyPairName: string }).KeyPairName, 'laptop:rsa-1');
    });

    it('--json gives the name, the fingerprint ECS reports and that it matches; --resource-group is sent', async () => {
      const r = await alibaba('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'grouped', '--region', REGION, '--resource-group', 'rg-acfmtest00000001', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const [held] = fake.keyPairsIn(REGION);
      assert.deepEqual([out.KeyPairName, out.Region, out.FingerprintMatches, out.KeyPairFingerPrint], ['grouped', REGION, true, held.KeyPairFingerPrint]);
      assert.equal(held.ResourceGroupId, 'rg-acfmtest00000001');
    });

    it('a key already there under that name is returned, flagged AlreadyExisted, exit 0, nothing added', async () => {
      fake.seedKeyPair({ region: REGION, name: 'existing', publicKey: pubLine('id_ed25519') });
      const r = await alibaba('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'existing', '--region', REGION, '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).AlreadyExisted, true);
      assert.match(r.stderr, /already in cn-hangzhou as "existing"/);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });

    it('a name taken by another key: exit 1, KeyPair.AlreadyExist with the RequestId', async () => {
      fake.seedKeyPair({ region: REGION, name: 'taken', publicKey: pubLine('other') });
      const r = await alibaba('import', [path.join(keys, 'id_ed25519.pub'), '--name', 'taken', '--region', REGION]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /KeyPair\.AlreadyExist: .*RequestId: /);
      assert.equal(fake.keyPairsIn(REGION)[0].blobBase64, blobOf(pubLine('other')));
    });
  });

  describe('refused locally: nothing is sent', () => {
    const cases: Array<[string, () => string[], RegExp, NodeJS.ProcessEnv?]> = [
      ['a name starting with a digit', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', '1key', '--region', REGION], /InvalidKeyPairName\.Malformed: The key pair name "1key" is not valid on Alibaba Cloud ECS: .*start with an upper- or lower-case letter/],
      ['a name starting with http://', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', 'http://x', '--region', REGION], /InvalidKeyPairName\.Malformed/],
      ['a one-character name', () => ['create', '--name', 'k', '--region', REGION, '--out', path.join(home, 'k')], /InvalidKeyPairName\.Malformed: .*At least 2/],
      ['a name with a space', () => ['import', path.join(keys, 'id_ed25519.pub'), '--name', 'my key', '--region', REGION], /InvalidKeyPairName\.Malformed/],
      ['a private key file', () => ['import', path.join(keys, 'id_ed25519'), '--name', 'priv', '--region', REGION], /PrivateKeyFile: .*PRIVATE key/],
      ['no credentials', () => ['list', '--region', REGION], /MissingCredentials: .*ALIBABA_CLOUD_ACCESS_KEY_SECRET/, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' }],
      ['an --out that exists', () => ['create', '--name', 'kk', '--region', REGION, '--out', path.join(keys, 'id_rsa')], /OutputExists/],
    ];
    for (const [what, args, message, extraEnv] of cases) {
      it(`${what}: exit 1, the code and reason on stderr, no request`, async () => {
        const r = await alibaba(args()[0], args().slice(1), extraEnv);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /Nothing was sent to Alibaba Cloud\./);
        assert.equal(r.stdout, '');
        assert.deepEqual(fake.requests, []);
      });
    }

    it('plain http to another machine: nothing sent @https-only', async () => {
      const r = await runCli(['alibaba', 'list', '--region', REGION, '--endpoint', 'http://10.9.8.7:9000']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /Refusing to send Alibaba Cloud credentials over plain http/);
      assert.deepEqual(fake.requests, []);
    });
  });

  describe('usage errors exit 2', () => {
    for (const args of [
      ['import', 'x.pub', '--region', REGION],
      ['import', 'x.pub', '--name', 'kk'],
      ['import', 'x.pub', '--name', 'kk', '--region', REGION, '--resource-group', 'default'],
      ['create', '--name', 'kk', '--region', REGION],
      ['list'],
      ['delete', '--region', REGION],
      ['frobnicate'],
      [],
    ]) {
      it(`alibaba ${args.join(' ')}`, async () => {
        const r = await runCli(['alibaba', ...args]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /alibaba import FILE/);
        assert.deepEqual(fake.requests, []);
      });
    }
  });

  it('a wrong AccessKey secret: exit 1 naming SignatureDoesNotMatch with the RequestId, the secret never printed @secrets', async () => {
    const wrong = 'wrongAccessKeySecretForTheTest00';
    const r = await alibaba('list', ['--region', REGION], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrong });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /SignatureDoesNotMatch: .*RequestId: /);
    assert.equal((r.stdout + r.stderr).includes(wrong), false);
  });

  it('list: name, ssh-keygen SHA256, the matching local file, resource group; --json has the ECS fields', async () => {
    fake.seedKeyPair({ region: REGION, name: 'mine', publicKey: pubLine('id_ed25519') });
    fake.seedKeyPair({ region: REGION, name: 'stranger', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3Lw0JqvTNNq1tMYzFVcxa8v0bN9k5vBzYtC9wJh6X' });
    const plain = await alibaba('list', ['--region', REGION]);
    assert.equal(plain.status, 0, plain.stderr);
    const line = plain.stdout.split('\n').find((l) => l.startsWith('mine\t'))!;
    assert.deepEqual(line.split('\t').slice(0, 3), ['mine', keygenFingerprint(path.join(keys, 'id_ed25519.pub')).fingerprint, path.join(keys, 'id_ed25519.pub')]);
    assert.ok(plain.stdout.split('\n').find((l) => l.startsWith('stranger\t'))!.includes('\t-\t'));
    const json = JSON.parse((await alibaba('list', ['--region', REGION, '--json'])).stdout);
    const mine = json.find((k: { KeyPairName: string }) => k.KeyPairName === 'mine');
    assert.equal(mine.LocalFile, path.join(keys, 'id_ed25519.pub'));
    assert.ok(mine.KeyPairFingerPrint);
    assert.ok(mine.ResourceGroupId);
  });

  describe('delete', () => {
    it('deletes key pairs by name', async () => {
      fake.seedKeyPair({ region: REGION, name: 'gone', publicKey: pubLine('other') });
      const r = await alibaba('delete', ['gone', '--region', REGION]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'deleted gone');
      assert.deepEqual(fake.keyPairsIn(REGION), []);
    });

    it('a key pair attached to an instance is kept: exit 1, --json says InUse', async () => {
      fake.seedKeyPair({ region: REGION, name: 'attached', publicKey: pubLine('other') });
      fake.instance('i-bp1stoplinux00001')!.KeyPairName = 'attached';
      const r = await alibaba('delete', ['attached', '--region', REGION, '--json']);
      assert.equal(r.status, 1);
      assert.deepEqual(JSON.parse(r.stdout), { Region: REGION, Deleted: [], InUse: ['attached'], NotFound: [] });
      assert.match(r.stderr, /attached to instances/);
      assert.equal(fake.keyPairsIn(REGION).length, 1);
    });
  });

  describe('create', () => {
    it('writes the private key 0600 whose public half is the key ECS holds, and PATH.pub beside it', async () => {
      const out = path.join(home, 'created');
      const r = await alibaba('create', ['--name', 'made-by-ecs', '--region', REGION, '--out', out, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      const [held] = fake.keyPairsIn(REGION);
      assert.deepEqual([result.KeyPairName, result.Region, result.PrivateKeyFile, result.PublicKeyFile], ['made-by-ecs', REGION, out, `${out}.pub`]);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(out)), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${out}.pub`, 'utf8')), held.blobBase64);
      assert.deepEqual(fs.readdirSync(home).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    });

    it('if PATH appears while the key is being created, the private key goes to a 0600 fallback file and is not lost @key-exists', async () => {
      const out = path.join(home, 'raced');
      fake.faults.add({ fault: { kind: 'latency', ms: 1500 }, action: 'CreateKeyPair', times: 1 });
      const run = runCli(['alibaba', 'create', '--name', 'raced', '--region', REGION, '--out', out, '--endpoint', fake.url, '--json']);
      const deadline = Date.now() + 10_000;
      while (!fake.requests.some((q) => q.action === 'CreateKeyPair') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(out, 'someone else wrote this\n');
      const r = await run;
      assert.equal(r.status, 1, r.stderr);
      const [held] = fake.keyPairsIn(REGION);
      assert.match(r.stderr, /PrivateKeyFallback: .*\(EEXIST\)/);
      const fallback = JSON.parse(r.stdout).PrivateKeyFile as string;
      assert.notEqual(fallback, out);
      assert.equal(fs.readFileSync(out, 'utf8'), 'someone else wrote this\n', 'the file that appeared was not overwritten');
      assert.equal(fs.statSync(fallback).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(fallback)), held.blobBase64);
    });
  });

  it('inspect and scan never load the Alibaba chunk', () => {
    assert.equal(fs.readFileSync(cli, 'utf8').includes('ACS3-HMAC-SHA256'), false, 'dist/cli.js bundles the signer');
    const probe = `
      const { main } = require(${JSON.stringify(cli)});
      main(['scan', '--json', ${JSON.stringify(keys)}], () => {}).then(() => main(['inspect', ${JSON.stringify(keys)}], () => {})).then(() => {
        const loaded = Object.keys(require.cache).filter((f) => /alibaba/i.test(f));
        process.stdout.write(JSON.stringify(loaded));
      });`;
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })), []);
  });
});
