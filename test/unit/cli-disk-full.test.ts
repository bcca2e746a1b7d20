// `node dist/cli.js <cloud> create` with --out on a genuinely full disk (a filled tmpfs,
// test/full-disk.ts), against the fake CVM and the fake ECS: the private key the cloud returned once
// goes to a 0600 fallback file off the full disk, or, when every place is on the full disk, to
// stdout as the last resort. It is never lost, and never shows up where it was not asked for.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { type FullDisk, mountFullDisk } from '../full-disk';
import { type CliRun, blobOf, ensureBuilt, runCliAsync, tempDir, cliEnv } from './helpers';

const TENCENT_REGION = 'ap-guangzhou';
const ALIBABA_REGION = 'cn-hangzhou';
const SECRETS = [FAKE_TEST_CREDENTIAL.secretKey, FAKE_ECS_ACCESS_KEY.accessKeySecret];

/** `ssh-keygen -y`: the key blob of a private key file. */
function keygenBlob(file: string): string {
  return blobOf(execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }));
}

/** The base64 lines of a PEM private key: what must not leak, however the text around it is cut. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----'));
}

/** Neither output holds a credential secret; `streams` (by default both) hold no private key. */
function assertNoSecrets(r: CliRun, privateKey: string, streams: Array<'stdout' | 'stderr'> = ['stdout', 'stderr']): void {
  for (const secret of SECRETS) assert.equal((r.stdout + r.stderr).includes(secret), false, 'a credential secret was printed');
  for (const stream of streams) {
    assert.doesNotMatch(r[stream], /PRIVATE KEY/, `${stream} holds a private key`);
    for (const line of bodyLines(privateKey)) assert.equal(r[stream].includes(line), false, `${stream} holds a line of the private key`);
  }
}

describe('CLI create with --out on a full disk: the private key is never lost', function () {
  this.timeout(60_000);
  let disk: FullDisk | undefined;
  let cvm: FakeTencentCvm;
  let ecs: FakeAlibabaEcs;
  let home: string;
  let env: NodeJS.ProcessEnv;

  const runCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCliAsync(args, { ...env, ...extraEnv });
  const tencentCreate = (name: string, out: string, extra: string[] = [], extraEnv?: NodeJS.ProcessEnv) =>
    runCli(['tencent', 'create', '--name', name, '--region', TENCENT_REGION, '--out', out, '--endpoint', cvm.url, ...extra], extraEnv);
  const alibabaCreate = (name: string, out: string, extra: string[] = [], extraEnv?: NodeJS.ProcessEnv) =>
    runCli(['alibaba', 'create', '--name', name, '--region', ALIBABA_REGION, '--out', out, '--endpoint', ecs.url, ...extra], extraEnv);
  /** HOME on the full disk too: every fallback place is full. */
  const fullHome = () => ({ HOME: path.join(disk!.dir, 'home') });

  before(async function () {
    const mounted = mountFullDisk('cli', ['ssh', 'home']);
    if (!mounted.disk) {
      console.log(`    skipped: no full disk to test with: ${mounted.reason}`);
      this.skip();
    }
    disk = mounted.disk;
    ensureBuilt(['cli.js', 'tencent.js', 'alibaba.js']);
    cvm = new FakeTencentCvm();
    ecs = new FakeAlibabaEcs();
    await Promise.all([cvm.start(), ecs.start()]);
    home = tempDir('cli-disk-full-home');
    env = cliEnv(home, {
      TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey,
      ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret,
    });
  });

  after(async () => {
    disk?.release();
    await Promise.all([cvm?.stop(), ecs?.stop()]);
  });

  beforeEach(() => {
    cvm?.reset();
    ecs?.reset();
  });

  afterEach(() => {
    if (disk) assert.deepEqual(disk.strayFiles(), [], 'a file was left on the full disk');
  });

  describe('a fallback off the full disk', () => {
    it('tencent create: the key goes to ~/NAME.KeyId (0600, the key CVM holds), stderr says where and that the disk was full, exit 1 @disk-full @secrets', async () => {
      const target = path.join(disk!.dir, 'ssh', 'tc_full');
      const r = await tencentCreate('tc_full', target);
      assert.equal(r.status, 1, r.stderr);
      const [held] = cvm.keyPairsIn(TENCENT_REGION);
      assert.ok(held, 'CVM holds no key pair');
      const fallback = path.join(home, `tc_full.${held.KeyId}`);
      assert.equal(r.stdout.trim(), held.KeyId);
      assert.ok(
        r.stderr.includes(`PrivateKeyFallback: the private key could not be written to ${target} (ENOSPC: no space left on device); it was saved to ${fallback} (mode 0600)`),
        r.stderr,
      );
      assert.equal(fs.statSync(fallback).mode & 0o777, 0o600);
      assert.equal(keygenBlob(fallback), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${fallback}.pub`, 'utf8')), held.blobBase64);
      assert.ok(r.stderr.includes(`Public key: ${fallback}.pub`), r.stderr);
      assert.equal(fs.existsSync(target), false);
      assertNoSecrets(r, fs.readFileSync(fallback, 'utf8'));
    });

    it('alibaba create --json: the key goes to a 0600 fallback file off the full disk, named in the JSON and on stderr, exit 1 @disk-full @secrets', async () => {
      const target = path.join(disk!.dir, 'ssh', 'ecs-full');
      const r = await alibabaCreate('ecs-full', target, ['--json']);
      assert.equal(r.status, 1, r.stderr);
      const [held] = ecs.keyPairsIn(ALIBABA_REGION);
      assert.ok(held, 'ECS holds no key pair');
      const result = JSON.parse(r.stdout);
      const fallback = result.PrivateKeyFile as string;
      assert.equal(path.dirname(fallback), home, `${fallback} is not in the home folder`);
      assert.match(path.basename(fallback), /^ecs-full\./);
      assert.deepEqual([result.KeyPairName, result.PrivateKeyFallback, result.PublicKeyFile], ['ecs-full', true, `${fallback}.pub`]);
      assert.ok(r.stderr.includes(`could not be written to ${target} (ENOSPC: no space left on device); it was saved to ${fallback} (mode 0600)`), r.stderr);
      assert.equal(fs.statSync(fallback).mode & 0o777, 0o600);
      assert.equal(keygenBlob(fallback), held.blobBase64);
      assertNoSecrets(r, fs.readFileSync(fallback, 'utf8'));
    });
  });

  describe('every place on the full disk (HOME too): the key on stdout as the last resort', () => {
    /** Writes what stdout gave as a private key to a 0600 file, to ask ssh-keygen about it. */
    function keyFromStdout(pem: string, name: string): string {
      const file = path.join(home, `from_stdout_${name}`);
      fs.writeFileSync(file, pem.endsWith('\n') ? pem : `${pem}\n`, { mode: 0o600 });
      return file;
    }

    it('tencent create: stdout is exactly the private key CVM created, stderr says every place was full and what to do, exit 1 @disk-full @secrets', async () => {
      const target = path.join(disk!.dir, 'ssh', 'tc_nowhere');
      const r = await tencentCreate('tc_nowhere', target, [], fullHome());
      assert.equal(r.status, 1, r.stderr);
      const [held] = cvm.keyPairsIn(TENCENT_REGION);
      assert.ok(held, 'CVM holds no key pair');
      assert.match(r.stdout, /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
      assert.equal(keygenBlob(keyFromStdout(r.stdout, 'tc')), held.blobBase64);
      assert.match(r.stderr, /PrivateKeyNotSaved: .*could be written to no file/);
      for (const place of [target, `${target}.${held.KeyId}`, path.join(disk!.dir, 'home', `tc_nowhere.${held.KeyId}`)]) {
        assert.ok(r.stderr.includes(`${place}: ENOSPC: no space left on device`), `stderr does not name ${place} as full:\n${r.stderr}`);
      }
      assert.match(r.stderr, /printed on stdout instead, its only copy/);
      assert.ok(r.stderr.includes(`cloud-ssh-keys tencent delete ${held.KeyId} --region ${TENCENT_REGION}`), r.stderr);
      assertNoSecrets(r, r.stdout, ['stderr']);
    });

    it('tencent create --json: the JSON carries the private key (PrivateKeyFile null) @disk-full @secrets', async () => {
      const r = await tencentCreate('tc_json', path.join(disk!.dir, 'ssh', 'tc_json'), ['--json'], fullHome());
      assert.equal(r.status, 1, r.stderr);
      const [held] = cvm.keyPairsIn(TENCENT_REGION);
      const result = JSON.parse(r.stdout);
      assert.deepEqual([result.KeyId, result.KeyName, result.Region, result.PrivateKeyFile, result.PublicKeyFile], [held.KeyId, 'tc_json', TENCENT_REGION, null, null]);
      assert.equal(keygenBlob(keyFromStdout(result.PrivateKey, 'tc_json')), held.blobBase64);
      assert.match(r.stderr, /PrivateKeyNotSaved: .*ENOSPC: no space left on device.*printed on stdout instead \(PrivateKey in the JSON\)/);
      assertNoSecrets(r, result.PrivateKey, ['stderr']);
    });

    it('alibaba create: stdout is exactly the private key ECS created, exit 1 @disk-full @secrets', async () => {
      const target = path.join(disk!.dir, 'ssh', 'ecs-nowhere');
      const r = await alibabaCreate('ecs-nowhere', target, [], fullHome());
      assert.equal(r.status, 1, r.stderr);
      const [held] = ecs.keyPairsIn(ALIBABA_REGION);
      assert.ok(held, 'ECS holds no key pair');
      assert.match(r.stdout, /^-----BEGIN (RSA )?PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END (RSA )?PRIVATE KEY-----\n$/);
      assert.equal(keygenBlob(keyFromStdout(r.stdout, 'ecs')), held.blobBase64);
      assert.match(r.stderr, /PrivateKeyNotSaved: Alibaba Cloud created the key pair "ecs-nowhere" in cn-hangzhou, but its private key could be written to no file \(.*ENOSPC: no space left on device.*\)\. It is printed on stdout instead/);
      assert.ok(r.stderr.includes(`cloud-ssh-keys alibaba delete ecs-nowhere --region ${ALIBABA_REGION}`), r.stderr);
      assertNoSecrets(r, r.stdout, ['stderr']);
    });
  });
});
