// A hostile or broken cloud, answer by answer: the built CLI (`node dist/cli.js`) against the fake
// CVM and ECS servers rewriting their own answers (the `rewrite` fault), lagging listings, lost
// answers whose lookup fails, and signals while CreateKeyPair's answer is awaited.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fallbackPaths } from '../../src/keys/save-key-files';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { CLI, type CliRun, blobOf, cliEnv, ensureBuilt, keygenPublic, runCliAsync, sshKeygen, tempDir } from './helpers';

const REGION = 'ap-guangzhou';
const ECS_REGION = 'cn-hangzhou';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('hostile cloud answers (CLI against the fakes)', function () {
  this.timeout(60_000);
  let cvm: FakeTencentCvm;
  let ecs: FakeAlibabaEcs;
  let root: string;
  let home: string;
  let out: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[]): Promise<CliRun> =>
    runCliAsync(args, env, {
      check: ({ stdout, stderr }) => assert.equal(/PRIVATE KEY/.test(stdout + stderr), false, `a private key was printed:\n${stdout}${stderr}`),
    });
  const tencent = (sub: string, args: string[]) => run(['tencent', sub, ...args, '--region', REGION, '--endpoint', cvm.url]);
  const alibaba = (sub: string, args: string[]) => run(['alibaba', sub, ...args, '--region', ECS_REGION, '--endpoint', ecs.url]);
  const waitFor = async (what: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async () => {
    ensureBuilt(['cli.js', 'tencent.js', 'alibaba.js']);
    cvm = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true, credentials: [{ ...FAKE_TEST_CREDENTIAL }] });
    ecs = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true });
    await cvm.start();
    await ecs.start();
  });
  after(async () => {
    await cvm?.stop();
    await ecs?.stop();
  });
  beforeEach(() => {
    cvm.reset();
    ecs.reset();
    // A folder holding only HOME and the --out folder: whatever a run creates shows up here.
    root = tempDir('hostile');
    home = path.join(root, 'home');
    out = path.join(root, 'out');
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    fs.mkdirSync(out, { mode: 0o700 });
    env = cliEnv(home, {
      TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey,
      ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret,
    });
  });

  describe('the trust boundary', () => {
    it('tencent list: a KeyId off its documented pattern is a MalformedResponse naming the field, never printed @malformed-answer', async () => {
      assert.equal((await tencent('create', ['--name', 'k1', '--out', path.join(out, 'k1')])).status, 0);
      cvm.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPairSet.0.KeyId': '/../../escape/pwned' } }, action: 'DescribeKeyPairs' });
      const r = await tencent('list', []);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /MalformedResponse: Tencent Cloud answered DescribeKeyPairs with a malformed field: KeyPairSet\[0\]\.KeyId is "\/\.\.\/\.\.\/escape\/pwned", not a key pair id \(skey- and 8 lowercase letters or digits\)/);
      assert.equal(r.stdout, '', 'nothing of the answer was printed');
    });

    it('tencent list: a PublicKey that is not text, an AssociatedInstanceIds entry off pattern and a hostile TotalCount are each named @malformed-answer', async () => {
      assert.equal((await tencent('create', ['--name', 'k1', '--out', path.join(out, 'k1')])).status, 0);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ 'Response.KeyPairSet.0.PublicKey': 42 }, /KeyPairSet\[0\]\.PublicKey is number 42, not text/],
        [{ 'Response.KeyPairSet.0.AssociatedInstanceIds': ['ins-1;rm -rf'] }, /KeyPairSet\[0\]\.AssociatedInstanceIds\[0\] is "ins-1;rm -rf", not an instance id/],
        [{ 'Response.TotalCount': 1e12 }, /TotalCount is 1000000000000, outside 0–1000000/],
        [{ 'Response.KeyPairSet': { not: 'a list' } }, /KeyPairSet is object, not a list/],
      ];
      for (const [set, expected] of cases) {
        cvm.faults.add({ fault: { kind: 'rewrite', set }, action: 'DescribeKeyPairs', times: 1 });
        const r = await tencent('list', []);
        assert.equal(r.status, 1, `${JSON.stringify(set)}: ${r.stderr}`);
        assert.match(r.stderr, expected);
      }
    });

    it('alibaba list: a KeyPairId off pattern and a KeyPairName that is not text are named @malformed-answer', async () => {
      assert.equal((await alibaba('create', ['--name', 'k1', '--out', path.join(out, 'k1')])).status, 0);
      ecs.faults.add({ fault: { kind: 'rewrite', set: { 'KeyPairs.KeyPair.0.KeyPairId': 'kp-../x' } }, action: 'DescribeKeyPairs', times: 1 });
      let r = await alibaba('list', []);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /MalformedResponse: Alibaba Cloud answered DescribeKeyPairs with a malformed field: KeyPairs\.KeyPair\[0\]\.KeyPairId is "kp-\.\.\/x", not a key pair id/);
      ecs.faults.add({ fault: { kind: 'rewrite', set: { 'KeyPairs.KeyPair.0.KeyPairName': ['a'] } }, action: 'DescribeKeyPairs', times: 1 });
      r = await alibaba('list', []);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /KeyPairs\.KeyPair\[0\]\.KeyPairName is a list \["a"\], not text/);
    });
  });

  describe('the private key from CreateKeyPair is never lost', () => {
    it('tencent create: a PublicKey that is not text → the private key is saved first (0600), its .pub derived from it, exit 1 naming the field @key-kept', async () => {
      cvm.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.PublicKey': { evil: true } } }, action: 'CreateKeyPair' });
      const target = path.join(out, 'deploy');
      const r = await tencent('create', ['--name', 'deploy', '--out', target]);
      assert.equal(r.status, 1, r.stderr);
      const [held] = cvm.keyPairsIn(REGION);
      assert.equal(fs.statSync(target).mode & 0o777, 0o600);
      assert.equal(blobOf(keygenPublic(target)), held.blobBase64, 'the saved key is the key pair the cloud holds');
      assert.equal(blobOf(fs.readFileSync(`${target}.pub`, 'utf8')), held.blobBase64, 'the .pub comes from the private key');
      assert.match(r.stderr, /MalformedResponse: .*KeyPair\.PublicKey is object .*not text.*private key saved first/);
    });

    it('tencent create: a PrivateKey that is no key is kept exactly as received, no .pub, exit 1 @key-kept', async () => {
      cvm.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.PrivateKey': 'this is not a key\u001b[2J' } }, action: 'CreateKeyPair' });
      const target = path.join(out, 'notakey');
      const r = await tencent('create', ['--name', 'notakey', '--out', target]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(fs.readFileSync(target, 'utf8'), 'this is not a key\u001b[2J\n');
      assert.equal(fs.statSync(target).mode & 0o777, 0o600);
      assert.equal(fs.existsSync(`${target}.pub`), false, 'no .pub from the cloud\'s text');
      assert.match(r.stderr, /PrivateKeyUnreadable: The PrivateKey in Tencent Cloud's answer is not a private key this tool can read\. It was saved exactly as received at .*notakey/);
    });

    it('tencent create: a PrivateKey that is not the key pair\'s → kept, the .pub is its own half, exit 1 PublicKeyMismatch @key-kept', async () => {
      const other = path.join(root, 'other');
      sshKeygen(other, 'rsa', ['-b', '2048', '-m', 'PEM']);
      cvm.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.PrivateKey': fs.readFileSync(other, 'utf8') } }, action: 'CreateKeyPair' });
      const target = path.join(out, 'mismatch');
      const r = await tencent('create', ['--name', 'mismatch', '--out', target]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(blobOf(keygenPublic(target)), blobOf(keygenPublic(other)));
      assert.equal(blobOf(fs.readFileSync(`${target}.pub`, 'utf8')), blobOf(keygenPublic(other)));
      assert.match(r.stderr, /PublicKeyMismatch: The public key Tencent Cloud holds for this key pair is not the public half of the private key it returned/);
    });

    it('alibaba create: a PrivateKeyBody that is no key is kept, exit 1; a KeyPairName other than asked is named @key-kept', async () => {
      ecs.faults.add({ fault: { kind: 'rewrite', set: { PrivateKeyBody: 'garbage' } }, action: 'CreateKeyPair', times: 1 });
      let target = path.join(out, 'ecsbad');
      let r = await alibaba('create', ['--name', 'ecsbad', '--out', target]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(fs.readFileSync(target, 'utf8'), 'garbage\n');
      assert.match(r.stderr, /PrivateKeyUnreadable/);
      ecs.faults.add({ fault: { kind: 'rewrite', set: { KeyPairName: 'someone-else' } }, action: 'CreateKeyPair', times: 1 });
      target = path.join(out, 'ecsname');
      r = await alibaba('create', ['--name', 'ecsname', '--out', target]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(blobOf(keygenPublic(target)), blobOf(fs.readFileSync(`${target}.pub`, 'utf8')));
      assert.match(r.stderr, /MalformedResponse: .*KeyPairName is not the name asked for \("ecsname"\)/);
    });
  });

  describe('no file outside the chosen folder and the documented fallbacks', () => {
    it('a KeyId of /../../escape/pwned while the fallback name is in use: the key lands beside --out under a safe name @path-escape', async () => {
      const target = path.join(out, 'raced');
      cvm.faults.add({ fault: { kind: 'latency', ms: 1000 }, action: 'CreateKeyPair', times: 1 });
      cvm.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.KeyId': '/../../escape/pwned' } }, action: 'CreateKeyPair', times: 1 });
      const running = tencent('create', ['--name', 'raced', '--out', target]);
      await waitFor(() => cvm.requests.some((q) => q.action === 'CreateKeyPair'));
      fs.writeFileSync(target, 'someone else wrote this\n');
      const r = await running;
      assert.equal(r.status, 1, r.stderr);
      const created = filesUnder(root).filter((f) => f !== 'out/raced');
      assert.equal(created.length, 2, `files: ${created.join(', ')}`);
      assert.match(created[0], /^out\/raced\.[0-9a-f]{8}$/, 'the fallback is beside --out, named by a random tag');
      assert.equal(created[1], `${created[0]}.pub`);
      assert.equal(fs.existsSync(path.join(root, 'escape')), false);
      assert.match(r.stderr, /PrivateKeyFallback/);
      assert.match(r.stderr, /MalformedResponse: .*KeyPair\.KeyId is "\/\.\.\/\.\.\/escape\/pwned", not a key pair id/);
      assert.doesNotMatch(r.stdout + r.stderr, /\/\.\.\/\.\.\/escape\/pwned[^"]/, 'the hostile id appears only quoted in the message');
    });

    it('fallbackPaths stays in the target\'s folder and HOME whatever the tag holds @path-escape', () => {
      for (const tag of ['/../../escape', '..', 'a/b', 'x\u0000y', '', 'k'.repeat(200), 'skey-ab12cd34']) {
        for (const candidate of fallbackPaths('/data/out/key', tag, '/home/me')) {
          assert.ok(['/data/out', '/home/me'].includes(path.dirname(candidate)), `${JSON.stringify(tag)} → ${candidate}`);
          assert.match(path.basename(candidate), /^key\.[A-Za-z0-9_-]{1,64}$/);
        }
      }
      assert.deepEqual(fallbackPaths('/data/out/key', 'skey-ab12cd34', '/home/me'), ['/data/out/key.skey-ab12cd34', '/home/me/key.skey-ab12cd34']);
    });
  });

  describe('unknown outcomes and lagging listings', () => {
    it('tencent create: the answer is lost and the recovery listing keeps failing → "may have created", with name and region @unknown-outcome', async () => {
      cvm.faults.add({ fault: { kind: 'reset', afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      cvm.faults.add({ fault: { kind: 'http-error', status: 503 }, action: 'DescribeKeyPairs' });
      const r = await tencent('create', ['--name', 'lost', '--out', path.join(out, 'lost')]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /CreateOutcomeUnknown: Tencent Cloud may have created the key pair "lost" in ap-guangzhou: the answer to CreateKeyPair, the only copy of its private key, was lost \(ConnectionDropped\), and looking the key pair up failed too \(HttpError\)/);
      assert.ok(cvm.requests.filter((q) => q.action === 'DescribeKeyPairs').length >= 3, 'the lookup was retried');
      assert.equal(cvm.requests.filter((q) => q.action === 'CreateKeyPair').length, 1, 'never sent twice');
    });

    it('tencent import: the answer is lost and the listing keeps failing → "may have imported", importing again is safe @unknown-outcome', async () => {
      const key = path.join(home, '.ssh', 'id_ed25519');
      sshKeygen(key, 'ed25519');
      cvm.faults.add({ fault: { kind: 'reset', afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
      cvm.faults.add({ fault: { kind: 'throttle' }, action: 'DescribeKeyPairs' });
      const r = await tencent('import', [`${key}.pub`, '--name', 'k2']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /ImportOutcomeUnknown: Tencent Cloud may have imported the key as "k2" in ap-guangzhou: .*importing again is safe/);
    });

    it('tencent import: a lost answer while the listing lags 2 s behind writes → recovered as the user\'s own key, not "name exists" @unknown-outcome', async () => {
      const key = path.join(home, '.ssh', 'id_ed25519');
      sshKeygen(key, 'ed25519');
      cvm.account.listingLagMs = 2000;
      cvm.faults.add({ fault: { kind: 'reset', afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
      const r = await tencent('import', [`${key}.pub`, '--name', 'k2']);
      assert.equal(r.status, 0, r.stderr);
      const [held] = cvm.keyPairsIn(REGION);
      assert.equal(r.stdout.trim(), held.KeyId);
      assert.equal(cvm.keyPairsIn(REGION).length, 1);
    });

    it('tencent create: a lost answer while the listing lags → the created key pair is found and its loss reported, not "name taken" @unknown-outcome', async () => {
      cvm.account.listingLagMs = 2000;
      cvm.faults.add({ fault: { kind: 'reset', afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      const r = await tencent('create', ['--name', 'lagged', '--out', path.join(out, 'lagged')]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /CreateOutcomeLost: Tencent Cloud created the key pair "lagged" \(skey-[a-z0-9]{8}\), but its answer, the only copy of the private key, was lost/);
      assert.equal(cvm.keyPairsIn(REGION).length, 1, 'no second key pair');
    });
  });

  describe('signals while CreateKeyPair\'s answer is awaited', () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      it(`${signal} after the request went out: the answer is awaited, the key saved, and the user told @signal-during-create`, async () => {
        cvm.faults.add({ fault: { kind: 'latency', ms: 1500, afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
        const target = path.join(out, `sig_${signal}`);
        const child = spawn(process.execPath, [CLI, 'tencent', 'create', '--name', `sig_${signal}`, '--out', target, '--region', REGION, '--endpoint', cvm.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
        await waitFor(() => cvm.requests.some((q) => q.action === 'CreateKeyPair'));
        child.kill(signal);
        const status = await closed;
        assert.equal(status, 0, stderr);
        assert.match(stderr, new RegExp(`${signal}: waiting for Tencent Cloud's answer all the same`));
        const [held] = cvm.keyPairsIn(REGION);
        assert.equal(stdout.trim(), held.KeyId);
        assert.equal(blobOf(keygenPublic(target)), held.blobBase64);
      });
    }

    it('the same signal twice abandons the wait, with the signal\'s exit code @signal-during-create', async () => {
      cvm.faults.add({ fault: { kind: 'latency', ms: 3000, afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      const child = spawn(process.execPath, [CLI, 'tencent', 'create', '--name', 'twice', '--out', path.join(out, 'twice'), '--region', REGION, '--endpoint', cvm.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      await waitFor(() => cvm.requests.some((q) => q.action === 'CreateKeyPair'));
      child.kill('SIGTERM');
      await waitFor(() => stderr.includes('SIGTERM: waiting'));
      child.kill('SIGTERM');
      assert.equal(await closed, 143);
    });
  });
});
