// `node dist/cli.js tencent rotate` end to end: the fake CVM in this process (signatures checked,
// its documented bind rules: ForceStop for a running instance, the bind setting the key list), its
// Linux instances as real sshd (test/harness/instance-servers.mjs, 127.0.40.x), keys made by the
// real ssh-keygen, and the real `ssh` proving which key logs in where. A key pair bound to three
// instances in two regions (the same key imported twice) is rotated; afterwards the new key logs in
// on all three and the old one is refused; the old key pairs go only with --delete-old. Then the
// rotation is killed (SIGKILL) as each step starts, in turn, and run again: it always ends in the
// same state, and at every stop each instance still lets in the old or the new key.
//
// Root only (port 22), as test/unit/instance-servers.test.ts.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { TencentCvmProvider } from '../../src/clouds/tencent/provider';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import { FakeLighthouse } from '../clouds/lighthouse/fake/server';
import { LighthouseProvider } from '../../src/clouds/lighthouse/provider';
import { ROTATION_STEPS } from '../../src/cloud/rotation';
import { CLI, REPO_ROOT, cliEnv, ensureBuilt, sshKeygen, tempDir } from './helpers';

interface FakeInstanceServers {
  loginUser: string;
  knownHostsFile: string;
  address(instanceId: string): string;
  stop(): Promise<void>;
}
interface InstanceServersModule {
  instanceServersUnavailable(): string | undefined;
  startFakeInstanceServers(fakes: unknown, options?: { dir?: string; note?: string; say?: (...m: unknown[]) => void }): Promise<FakeInstanceServers>;
}

const importModule = new Function('specifier', 'return import(specifier)') as <T>(s: string) => Promise<T>;
const isRoot = process.getuid?.() === 0;
const GZ = 'ap-guangzhou';
const SH = 'ap-shanghai';

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; with `killAt`, SIGKILLs it as soon as stderr shows that step begin. */
function runCli(args: string[], env: NodeJS.ProcessEnv, killAt?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (killAt && new RegExp(`^rotate: ${killAt}: `, 'm').test(stderr)) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Whether `key` logs in to the instance, by ssh itself (no config, no agent). */
function logsInWith(servers: FakeInstanceServers, instanceId: string, key: string): boolean {
  const r = spawnSync('ssh', [
    '-F', '/dev/null', '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5',
    '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${servers.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    `${servers.loginUser}@${servers.address(instanceId)}`, 'echo ok',
  ], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && r.stdout === 'ok\n';
}

/** Waits (5 s at most) until `ok`; the instance servers follow a key change a moment after the fake makes it. */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(ok(), what);
}

describe('tencent rotate: a key pair bound to three instances in two regions, against the fake CVM and real sshd', function () {
  this.timeout(600_000);
  let cvm: FakeTencentCvm;
  let servers: FakeInstanceServers | undefined;
  let scratch: string;
  let sshDir: string;
  let sshConfig: string;
  let env: NodeJS.ProcessEnv;
  const instances: string[] = [];
  const savedProxy = process.env.http_proxy;
  const api = () => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: cvm.url, timeoutSeconds: 10 });

  const logsIn = (instanceId: string, key: string) => logsInWith(servers!, instanceId, key);

  /** A new "old" key: made by ssh-keygen, imported in both regions, bound to the three instances (two in Guangzhou, one in Shanghai). */
  async function oldKeyOnAllThree(name: string): Promise<{ key: string; gz: string; sh: string }> {
    const key = path.join(sshDir, name);
    sshKeygen(key, 'ed25519');
    const line = fs.readFileSync(`${key}.pub`, 'utf8').trim();
    const gz = (await api().importKeyPair({ region: GZ, name: `${name}_gz`, publicKey: line })).keyPair.id;
    const sh = (await api().importKeyPair({ region: SH, name: `${name}_sh`, publicKey: line })).keyPair.id;
    await api().associateKeyPairs({ region: GZ, keyIds: [gz], instanceIds: instances.slice(0, 2), forceStop: true });
    await api().associateKeyPairs({ region: SH, keyIds: [sh], instanceIds: instances.slice(2), forceStop: true });
    for (const id of instances) assert.ok(logsIn(id, key), `${name} should log in to ${id} before the rotation`);
    return { key, gz, sh };
  }

  const rotateArgs = (keyId: string, out: string, extra: string[] = []) => [
    'tencent', 'rotate', keyId, '--region', GZ, '--out', out, '--type', 'ed25519', '--force-stop',
    '--search-region', GZ, '--search-region', SH, '--ssh-dir', sshDir, '--ssh-config', sshConfig, '--endpoint', cvm.url, '--json', ...extra,
  ];

  before(async function () {
    this.timeout(240_000);
    if (!isRoot) {
      console.log(`    skipped: the instance servers need root (port 22), and the tests run as uid ${process.getuid?.()}`);
      this.skip();
    }
    ensureBuilt(['cli.js', 'tencent.js']);
    const harness = await importModule<InstanceServersModule>(pathToFileURL(path.join(REPO_ROOT, 'test', 'harness', 'instance-servers.mjs')).href);
    const unavailable = harness.instanceServersUnavailable();
    if (unavailable) throw new Error(unavailable);
    delete process.env.http_proxy;
    scratch = tempDir('rotate');
    const home = path.join(scratch, 'home');
    sshDir = path.join(home, '.ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    cvm = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true, addressBlock: 40, loginUser: os.userInfo().username, instances: [] });
    await cvm.start();
    // One running (a bind needs ForceStop), two stopped; the servers follow keys, not power.
    instances.push(cvm.seedInstance({ InstanceName: 'web-1', region: GZ }).InstanceId);
    instances.push(cvm.seedInstance({ InstanceName: 'web-2', region: GZ, InstanceState: 'STOPPED' }).InstanceId);
    instances.push(cvm.seedInstance({ InstanceName: 'db-1', region: SH, InstanceState: 'STOPPED' }).InstanceId);
    servers = await harness.startFakeInstanceServers(cvm, { dir: scratch, note: 'rotate test', say: () => {} });
    // The user's own settings outside the managed block: where ssh finds the instances' host keys.
    sshConfig = path.join(sshDir, 'config');
    fs.writeFileSync(sshConfig, `Host *\n  UserKnownHostsFile ${servers.knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`, { mode: 0o600 });
    env = cliEnv(home, { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey });
  });

  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await servers?.stop();
    await cvm?.stop();
  });

  it('--plan prints every region, instance and step, and changes nothing', async () => {
    const old = await oldKeyOnAllThree('plan_old');
    const before = JSON.stringify([cvm.keyPairsIn(GZ), cvm.keyPairsIn(SH), instances.map((id) => cvm.instance(id)!.KeyIds)]);
    const run = await runCli(rotateArgs(old.gz, path.join(sshDir, 'plan_new'), ['--plan']), env);
    assert.equal(run.status, 0, run.stderr);
    for (const id of [...instances, old.gz, old.sh, GZ, SH]) assert.ok(run.stderr.includes(id), `${id} missing from the plan:\n${run.stderr}`);
    assert.match(run.stderr, /running: it is shut down for the change and started again/);
    assert.match(run.stderr, /Keep the old key pairs/);
    assert.equal(JSON.stringify([cvm.keyPairsIn(GZ), cvm.keyPairsIn(SH), instances.map((id) => cvm.instance(id)!.KeyIds)]), before);
    assert.ok(!fs.existsSync(path.join(sshDir, 'plan_new')));
  });

  it('refuses a running instance without --force-stop, before anything is made or sent', async () => {
    const old = await oldKeyOnAllThree('refuse_old');
    const args = rotateArgs(old.gz, path.join(sshDir, 'refuse_new')).filter((a) => a !== '--force-stop');
    const run = await runCli(args, env);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /shuts a running instance down .*\(--force-stop\)/);
    assert.ok(!fs.existsSync(path.join(sshDir, 'refuse_new')));
    assert.ok(!fs.existsSync(path.join(sshDir, 'refuse_new.rotation.json')));
  });

  it('rotates: the new key logs in on all three, the old one is refused, the SSH config names the new key; the old key pairs stay without --delete-old', async () => {
    const old = await oldKeyOnAllThree('first_old');
    const out = path.join(sshDir, 'first_new');
    const run = await runCli(rotateArgs(old.gz, out), env);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.Complete, true);
    assert.deepEqual(report.Instances.map((i: { InstanceId: string; Result: string; OldKeyRefused: boolean }) => [i.InstanceId, i.Result, i.OldKeyRefused]).sort(), instances.map((id) => [id, 'rotated', true]).sort());
    for (const id of instances) {
      assert.ok(logsIn(id, out), `the new key should log in to ${id}`);
      assert.ok(!logsIn(id, old.key), `the old key should be refused by ${id}`);
    }
    assert.equal((fs.statSync(out).mode & 0o777).toString(8), '600');
    // The old key pairs are unbound but kept; one new key pair per region, bound where they were.
    assert.ok(cvm.keyPairsIn(GZ).some((k) => k.KeyId === old.gz) && cvm.keyPairsIn(SH).some((k) => k.KeyId === old.sh));
    const newIds = report.NewKey.KeyPairs.map((k: { KeyId: string }) => k.KeyId);
    assert.equal(newIds.length, 2);
    for (const [i, id] of instances.entries()) assert.deepEqual(cvm.instance(id)!.KeyIds, [newIds[i < 2 ? 0 : 1]]);
    const config = fs.readFileSync(sshConfig, 'utf8');
    for (const id of instances) assert.match(config, new RegExp(`# cloud-ssh-keys: tencent ap-[a-z]+ ${id}\\n(?:.*\\n)*?\\s+IdentityFile ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.ok(config.includes(`UserKnownHostsFile ${servers!.knownHostsFile}`), 'the user\'s own lines stay');
    assert.ok(!fs.existsSync(`${out}.rotation.json`), 'a finished rotation leaves no state');
    // Through the managed block, as a user would: ssh ALIAS.
    const alias = report.Instances[0].HostAlias;
    const viaConfig = spawnSync('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', '-o', 'IdentityAgent=none', alias, 'echo ok'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(viaConfig.stdout, 'ok\n', viaConfig.stderr);

    // Rotating that key again with --delete-old: its key pairs are deleted at the end.
    const second = await runCli(rotateArgs(newIds[0], path.join(sshDir, 'second_new'), ['--delete-old']), env);
    assert.equal(second.status, 0, second.stderr);
    const secondReport = JSON.parse(second.stdout);
    assert.deepEqual(secondReport.OldKeyPairs.map((o: { Outcome: string }) => o.Outcome), ['deleted', 'deleted']);
    for (const [region, id] of [[GZ, newIds[0]], [SH, newIds[1]]]) assert.ok(!cvm.keyPairsIn(region).some((k) => k.KeyId === id), `${id} should be deleted`);
    for (const id of instances) assert.ok(logsIn(id, path.join(sshDir, 'second_new')) && !logsIn(id, out));
  });

  it('an instance whose new key does not log in keeps the old key, the exit status is 1, and the old key pair is kept', async () => {
    const old = await oldKeyOnAllThree('fail_old');
    const out = path.join(sshDir, 'fail_new');
    // A documentation address (TEST-NET-1): no instance server follows it there, so the login check fails.
    cvm.setInstanceAddresses(instances[2], { publicIps: ['192.0.2.1'] });
    try {
      const run = await runCli(rotateArgs(old.gz, out, ['--delete-old']), env);
      assert.equal(run.status, 1, run.stderr);
      const report = JSON.parse(run.stdout);
      const byId = Object.fromEntries(report.Instances.map((i: { InstanceId: string; Result: string }) => [i.InstanceId, i.Result]));
      assert.deepEqual(byId, { [instances[0]]: 'rotated', [instances[1]]: 'rotated', [instances[2]]: 'old-key' });
      assert.ok(cvm.instance(instances[2])!.KeyIds.includes(old.sh), 'the old key pair is still bound where the new key was not proven');
      assert.ok(cvm.keyPairsIn(SH).some((k) => k.KeyId === old.sh), 'and it is not deleted');
      assert.ok(!cvm.keyPairsIn(GZ).some((k) => k.KeyId === old.gz), 'the one no instance needs any more is');
      assert.ok(fs.existsSync(`${out}.rotation.json`), 'the state stays for a resume');
      assert.match(run.stderr, /not every instance is on the new key/);
    } finally {
      cvm.setInstanceAddresses(instances[2], { publicIps: [servers!.address(instances[2])] });
    }
    // Fixed, the same command resumes and finishes the third one.
    const again = await runCli(rotateArgs(old.gz, out, ['--delete-old']), env);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(logsIn(instances[2], out) && !logsIn(instances[2], old.key));
  });

  for (const step of ROTATION_STEPS) {
    it(`killed as the ${step} step starts, it resumes to the same end state; no instance is ever left without a working key`, async () => {
      const old = await oldKeyOnAllThree(`kill_${step.replace('-', '_')}_old`);
      const out = path.join(sshDir, `kill_${step.replace('-', '_')}_new`);
      const args = rotateArgs(old.gz, out, ['--delete-old']);
      const killed = await runCli(args, env, step);
      assert.equal(killed.signal, 'SIGKILL', `the run should have been killed at ${step}: ${killed.stderr}`);
      // At the stop, every instance lets in one of the two keys.
      for (const id of instances) assert.ok(logsIn(id, old.key) || (fs.existsSync(out) && logsIn(id, out)), `${id} lets in neither key after a kill at ${step}`);
      const resumed = await runCli(args, env);
      assert.equal(resumed.status, 0, resumed.stderr);
      if (fs.existsSync(`${out}.rotation.json`) || killed.stderr.includes('rotate: generate')) assert.match(resumed.stderr, /resuming the rotation|Rotate /);
      const report = JSON.parse(resumed.stdout);
      assert.equal(report.Complete, true);
      for (const id of instances) {
        assert.ok(logsIn(id, out), `the new key should log in to ${id}`);
        assert.ok(!logsIn(id, old.key), `the old key should be refused by ${id}`);
      }
      // Exactly one key pair of the new key per region (an import repeated after the kill found the first).
      const newLine = fs.readFileSync(`${out}.pub`, 'utf8').trim().split(/\s+/)[1];
      for (const region of [GZ, SH]) assert.equal(cvm.keyPairsIn(region).filter((k) => k.PublicKey.includes(newLine)).length, 1, region);
      assert.ok(!cvm.keyPairsIn(GZ).some((k) => k.KeyId === old.gz) && !cvm.keyPairsIn(SH).some((k) => k.KeyId === old.sh), 'the old key pairs are deleted');
    });
  }
});

// ECS: one key pair per instance, and AttachKeyPair reaches the OS only at the next start or
// restart. The rotation says so per instance (pending-restart, exit 1, the old key still logs in),
// and once the instances restarted the same command finishes it.
describe('alibaba rotate: the new key takes effect at the restart, as ECS documents (fake ECS, real sshd)', function () {
  this.timeout(300_000);
  const REGION = 'cn-hangzhou';
  let ecs: FakeAlibabaEcs;
  let servers: FakeInstanceServers | undefined;
  let sshDir: string;
  let env: NodeJS.ProcessEnv;
  const ids: string[] = [];
  const savedProxy = process.env.http_proxy;

  const logsIn = (instanceId: string, key: string) => logsInWith(servers!, instanceId, key);

  before(async function () {
    this.timeout(240_000);
    if (!isRoot) this.skip();
    ensureBuilt(['cli.js', 'alibaba.js']);
    const harness = await importModule<InstanceServersModule>(pathToFileURL(path.join(REPO_ROOT, 'test', 'harness', 'instance-servers.mjs')).href);
    delete process.env.http_proxy;
    const scratch = tempDir('rotate-ecs');
    const home = path.join(scratch, 'home');
    sshDir = path.join(home, '.ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const old = path.join(sshDir, 'old_rsa');
    sshKeygen(old, 'rsa', ['-b', '2048']);
    ecs = new FakeAlibabaEcs({ addressBlock: 41, loginUser: 'root', instances: [] });
    await ecs.start();
    const oldLine = fs.readFileSync(`${old}.pub`, 'utf8').trim();
    ecs.seedKeyPair({ region: REGION, name: 'old-key', publicKey: oldLine });
    // Bound long ago: the OS accepts the old key already.
    for (const [name, Status] of [['web', 'Running'], ['db', 'Stopped']] as const) {
      ids.push(ecs.seedInstance({ InstanceName: name, RegionId: REGION, Status, KeyPairName: 'old-key', authorizedKeys: [oldLine] }).InstanceId);
    }
    servers = await harness.startFakeInstanceServers(ecs, { dir: scratch, note: 'rotate ecs test', say: () => {} });
    fs.writeFileSync(path.join(sshDir, 'config'), `Host *\n  UserKnownHostsFile ${servers.knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`, { mode: 0o600 });
    env = cliEnv(home, { ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret });
    for (const id of ids) await until(`the old key should log in to ${id}`, () => logsIn(id, old));
  });

  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await servers?.stop();
    await ecs?.stop();
  });

  it('pending-restart until the instances restart (the old key keeps working), then the same command finishes: new key in, old refused, old key pair deleted', async () => {
    const old = path.join(sshDir, 'old_rsa');
    const out = path.join(sshDir, 'new_rsa');
    const args = ['alibaba', 'rotate', 'old-key', '--region', REGION, '--out', out, '--name', 'new-key', '--delete-old', '--search-region', REGION,
      '--ssh-dir', sshDir, '--ssh-config', path.join(sshDir, 'config'), '--endpoint', ecs.url, '--json'];
    const first = await runCli(args, env);
    assert.equal(first.status, 1, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.deepEqual(report.Instances.map((i: { Result: string }) => i.Result), ['pending-restart', 'pending-restart']);
    assert.match(first.stderr, /takes effect when .* restarts/);
    for (const id of ids) {
      assert.equal(ecs.instance(id)!.KeyPairName, 'new-key', 'DescribeInstances names the new key pair at once');
      assert.ok(logsIn(id, old), `the old key must still log in to ${id} before its restart`);
    }
    assert.ok(ecs.keyPairsIn(REGION).some((k) => k.KeyPairName === 'old-key'), 'the old key pair must stay while instances need it');
    for (const id of ids) ecs.rebootInstance(id);
    for (const id of ids) await until(`after its restart the new key should log in to ${id}`, () => logsIn(id, out));
    const again = await runCli(args, env);
    assert.equal(again.status, 0, again.stderr);
    const done = JSON.parse(again.stdout);
    assert.deepEqual(done.Instances.map((i: { Result: string; OldKeyRefused: boolean }) => [i.Result, i.OldKeyRefused]), [['rotated', true], ['rotated', true]]);
    assert.ok(!ecs.keyPairsIn(REGION).some((k) => k.KeyPairName === 'old-key'), 'the old key pair was not deleted');
    for (const id of ids) assert.ok(logsIn(id, out) && !logsIn(id, old));
  });
});

// Lighthouse: key pairs for the whole account, a bind that replaces the instance's key (a key already
// bound is refused) and runs as an asynchronous operation (LatestOperationState OPERATING): the
// rotation waits for it to show before it checks the login.
describe('lighthouse rotate: an account-wide key pair, an asynchronous bind that replaces the key (fake Lighthouse, real sshd)', function () {
  this.timeout(300_000);
  let lighthouse: FakeLighthouse;
  let servers: FakeInstanceServers | undefined;
  let sshDir: string;
  let env: NodeJS.ProcessEnv;
  const ids: string[] = [];
  const savedProxy = process.env.http_proxy;
  const logsIn = (instanceId: string, key: string) => logsInWith(servers!, instanceId, key);
  let oldKeyId: string;

  before(async function () {
    this.timeout(240_000);
    if (!isRoot) this.skip();
    ensureBuilt(['cli.js', 'lighthouse.js']);
    const harness = await importModule<InstanceServersModule>(pathToFileURL(path.join(REPO_ROOT, 'test', 'harness', 'instance-servers.mjs')).href);
    delete process.env.http_proxy;
    const scratch = tempDir('rotate-lighthouse');
    const home = path.join(scratch, 'home');
    sshDir = path.join(home, '.ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const old = path.join(sshDir, 'old_rsa');
    sshKeygen(old, 'rsa', ['-b', '2048']);
    lighthouse = new FakeLighthouse({ addressBlock: 42, loginUser: 'root', instances: [], operationMs: 0 });
    await lighthouse.start();
    ids.push(lighthouse.seedInstance({ InstanceName: 'blog', region: GZ }).InstanceId);
    ids.push(lighthouse.seedInstance({ InstanceName: 'shop', region: SH }).InstanceId);
    servers = await harness.startFakeInstanceServers(lighthouse, { dir: scratch, note: 'rotate lighthouse test', say: () => {} });
    const api = new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: lighthouse.url, timeoutSeconds: 10 });
    oldKeyId = (await api.importKeyPair({ region: GZ, name: 'old_key', publicKey: fs.readFileSync(`${old}.pub`, 'utf8').trim() })).keyPair.id;
    await api.associateKeyPairs({ region: GZ, keyIds: [oldKeyId], instanceIds: [ids[0]], forceStop: true });
    await api.associateKeyPairs({ region: SH, keyIds: [oldKeyId], instanceIds: [ids[1]], forceStop: true });
    for (const id of ids) await until(`the old key should log in to ${id}`, () => logsIn(id, old));
    // From here on a bind takes 1.5 s to finish, as the real one takes its time.
    lighthouse.account.operationMs = 1500;
    fs.writeFileSync(path.join(sshDir, 'config'), `Host *\n  UserKnownHostsFile ${servers.knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`, { mode: 0o600 });
    env = cliEnv(home, { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey });
  });

  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await servers?.stop();
    await lighthouse?.stop();
  });

  it('instances in two regions get the new key, the old one is refused, and the old key pair is deleted', async () => {
    const old = path.join(sshDir, 'old_rsa');
    const out = path.join(sshDir, 'new_rsa');
    const run = await runCli(['lighthouse', 'rotate', oldKeyId, '--region', GZ, '--out', out, '--name', 'new_key', '--force-stop', '--delete-old',
      '--search-region', GZ, '--search-region', SH, '--ssh-dir', sshDir, '--ssh-config', path.join(sshDir, 'config'), '--endpoint', lighthouse.url, '--json'], env);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.Instances.map((i: { InstanceId: string; Result: string }) => [i.InstanceId, i.Result]).sort(), ids.map((id) => [id, 'rotated']).sort());
    assert.deepEqual(report.OldKeyPairs.map((o: { Outcome: string }) => o.Outcome), ['deleted']);
    for (const id of ids) assert.ok(logsIn(id, out) && !logsIn(id, old), id);
  });
});
