// test/harness/instance-servers.mjs: the fake clouds' Linux instances as real sshd (test/harness/sshd.mjs),
// fed by each fake's authorized keys listener. Three fakes in this process on their own loopback blocks
// (127.0.6.x CVM, 127.0.7.x Lighthouse, 127.0.8.x ECS: no other suite uses them, test/harness/README.md),
// keys imported and bound through the project's providers over the fakes' HTTP APIs, and the real
// `ssh` logging in (or refused) as each cloud's documented binding says: CVM and Lighthouse at once,
// ECS only after a restart. The client never reads the user's ~/.ssh or /etc/ssh.
//
// Root only (port 22), as test/unit/sshd-harness.test.ts; as another user the suite is skipped,
// and one test checks, as `nobody`, that the harness then says so in one line and goes on.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstanceHostsView } from '../fakes/instance-hosts';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { FakeLighthouse } from '../clouds/lighthouse/fake/server';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import { TencentCvmProvider } from '../../src/clouds/tencent/provider';
import { LighthouseProvider } from '../../src/clouds/lighthouse/provider';
import { AlibabaEcsProvider } from '../../src/clouds/alibaba/provider';
import { TENCENT_DESCRIPTOR } from '../../src/clouds/tencent/descriptor';
import { LIGHTHOUSE_DESCRIPTOR } from '../../src/clouds/lighthouse/descriptor';
import { ALIBABA_DESCRIPTOR } from '../../src/clouds/alibaba/descriptor';
import type { CloudKeyProvider, DefaultLoginUserRule } from '../../src/cloud/provider';
import { REPO_ROOT, sshKeygen, tempDir } from './helpers';

interface FakeInstanceServers {
  loginUser: string;
  dir: string;
  knownHostsFile: string;
  warnings: string[];
  startMs: number;
  servers(): Array<{ cloud: string; instanceId: string; address: string; pid: number; logFile: string }>;
  address(instanceId: string): string;
  hostKeyLine(instanceId: string): string;
  knownHosts(): string;
  authorizedKeys(instanceId: string): string[];
  log(instanceId: string): string;
  stop(): Promise<void>;
}
interface InstanceServersModule {
  instanceServersUnavailable(): string | undefined;
  startFakeInstanceServers(fakes: unknown, options?: { dir?: string; knownHostsFiles?: string[]; note?: string; say?: (...m: unknown[]) => void }): Promise<FakeInstanceServers>;
  KNOWN_HOSTS_BEGIN: string;
}
interface SshdModule {
  sshdMissing(): string | undefined;
  bootstrapSshd(): { ok: boolean; output: string };
}

const HARNESS = path.join(REPO_ROOT, 'test', 'harness');
// ES modules from this CommonJS build: a real dynamic import (tsc would turn `import()` into require).
const importModule = new Function('specifier', 'return import(specifier)') as <T>(s: string) => Promise<T>;
const isRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function processesMatching(pattern: string): string[] {
  return spawnSync('pgrep', ['-a', '-f', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

async function admin(url: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const value: unknown = await res.json();
  assert.equal(res.status, 200, JSON.stringify(value));
  return value;
}

describe('test/harness/instance-servers.mjs: each fake Linux instance is a real sshd that lets in the keys bound to it', function () {
  this.timeout(120_000);
  let harness: InstanceServersModule;
  let servers: FakeInstanceServers | undefined;
  let scratch: string;
  let homeKnownHosts: string;
  let cvm: FakeTencentCvm;
  let lighthouse: FakeLighthouse;
  let ecs: FakeAlibabaEcs;
  const keys: Record<string, string> = {};
  const savedProxy = process.env.http_proxy;
  const publicLine = (name: string) => fs.readFileSync(`${keys[name]}.pub`, 'utf8').trim();
  const opts = { timeoutSeconds: 5, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } };
  const cvmApi = () => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: cvm.url, ...opts });
  const lighthouseApi = () => new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: lighthouse.url, ...opts });
  const ecsApi = () => new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: ecs.url, ...opts });
  /** `ssh … <loginUser>@<address> echo ok` with only `key`, the servers' known_hosts, no prompt. */
  const login = (address: string, key: string) =>
    run('ssh', [
      '-F', '/dev/null',
      '-i', keys[key],
      '-o', 'IdentitiesOnly=yes',
      '-o', 'IdentityAgent=none',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=5',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${servers!.knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      `${servers!.loginUser}@${address}`,
      'echo ok',
    ]);
  const lets = (address: string, key: string) => {
    const r = login(address, key);
    assert.deepEqual([r.status, r.stdout], [0, 'ok\n'], `${key} should log in to ${address}: ${r.stderr}`);
  };
  const refuses = (address: string, key: string) => {
    const r = login(address, key);
    assert.equal(r.status, 255, `${key} should be refused by ${address}, got ${r.status} ${r.stdout}`);
    assert.match(r.stderr, /Permission denied \(publickey\)/);
  };

  before(async function () {
    this.timeout(240_000);
    if (!isRoot) {
      console.log(`    skipped: the instance servers need root (port 22), and the tests run as uid ${process.getuid?.()}`);
      this.skip();
    }
    const sshd = await importModule<SshdModule>(pathToFileURL(path.join(HARNESS, 'sshd.mjs')).href);
    const missing = sshd.sshdMissing();
    if (missing) {
      console.log(`    ${missing}: running bash scripts/bootstrap.sh --only openssh-server`);
      const { ok, output } = sshd.bootstrapSshd();
      console.log(output.replace(/^/gm, '    | '));
      if (!ok) throw new Error(`Debian's OpenSSH server is not installed for the tests (${missing}), and installing it failed (above).\n  Run: bash scripts/bootstrap.sh`);
    }
    harness = await importModule<InstanceServersModule>(pathToFileURL(path.join(HARNESS, 'instance-servers.mjs')).href);
    delete process.env.http_proxy; // the SDKs would send even loopback requests through it
    scratch = tempDir('instance-servers');
    for (const name of ['alpha', 'beta']) {
      keys[name] = path.join(scratch, name);
      sshKeygen(keys[name], 'ed25519');
    }
    keys.rsa = path.join(scratch, 'rsa');
    sshKeygen(keys.rsa, 'rsa', ['-b', '2048']);
    homeKnownHosts = path.join(scratch, 'home', '.ssh', 'known_hosts');
    fs.mkdirSync(path.dirname(homeKnownHosts), { recursive: true });
    fs.writeFileSync(homeKnownHosts, 'git.example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeep\n');
    const user = os.userInfo().username;
    cvm = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true, addressBlock: 6, loginUser: user });
    lighthouse = new FakeLighthouse({ acceptUndocumentedKeyTypes: true, addressBlock: 7, loginUser: 'root' });
    ecs = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true, addressBlock: 8, loginUser: 'root' });
    for (const fake of [cvm, lighthouse, ecs]) await fake.start();
    servers = await harness.startFakeInstanceServers([cvm, lighthouse, ecs], { dir: scratch, knownHostsFiles: [homeKnownHosts], note: 'unit test', say: () => {} });
    console.log(`    ${servers.servers().length} sshd accepting connections ${servers.startMs} ms after the start`);
  });

  after(async () => {
    if (savedProxy !== undefined) process.env.http_proxy = savedProxy;
    await servers?.stop();
    for (const fake of [cvm, lighthouse, ecs]) await fake?.stop();
  });

  it('one sshd per Linux instance, at its loopback address in the fake\'s block; none for Windows; every host key in known_hosts', () => {
    const linux = (view: InstanceHostsView) => view.instanceHosts().filter((h) => h.platform === 'linux');
    const expected = [cvm, lighthouse, ecs].flatMap((fake) => linux(fake).map((h) => `${h.instanceId} ${h.listenAddress}`));
    assert.deepEqual(servers!.servers().map((s) => `${s.instanceId} ${s.address}`).sort(), expected.sort());
    assert.deepEqual(servers!.servers().map((s) => s.address.split('.')[2]).sort(), ['6', '6', '6', '7', '7', '7', '7', '8', '8', '8']);
    for (const fake of [cvm, lighthouse, ecs]) {
      for (const w of fake.instanceHosts().filter((h) => h.platform === 'windows')) {
        assert.throws(() => servers!.address(w.instanceId), /no instance server/);
      }
    }
    const lines = fs.readFileSync(servers!.knownHostsFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 10);
    for (const s of servers!.servers()) assert.ok(lines.includes(servers!.hostKeyLine(s.instanceId)), `${s.instanceId} is missing from known_hosts`);
    assert.match(lines[0], /^127\.0\.[678]\.\d+ ssh-ed25519 AAAA\S+$/);
    // The HOME's file: its own lines kept, the instances' in one marked block.
    const home = fs.readFileSync(homeKnownHosts, 'utf8');
    assert.ok(home.startsWith('git.example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeep\n'), home);
    assert.ok(home.includes(`${harness.KNOWN_HOSTS_BEGIN} (unit test)`), home);
    for (const line of lines) assert.ok(home.includes(`${line}\n`));
    assert.deepEqual(servers!.warnings, []);
  });

  it('every Linux instance reports the servers\' login user, and each cloud\'s own rule (what the extension connects as) agrees', async () => {
    const clouds: Array<[string, CloudKeyProvider, string, DefaultLoginUserRule, InstanceHostsView]> = [
      ['CVM', cvmApi(), 'ap-guangzhou', TENCENT_DESCRIPTOR.defaultLoginUser, cvm],
      ['Lighthouse', lighthouseApi(), 'ap-guangzhou', LIGHTHOUSE_DESCRIPTOR.defaultLoginUser, lighthouse],
      ['ECS', ecsApi(), 'cn-hangzhou', ALIBABA_DESCRIPTOR.defaultLoginUser, ecs],
    ];
    for (const [cloud, api, region, rule, view] of clouds) {
      for (const host of view.instanceHosts().filter((h) => h.platform === 'linux')) assert.equal(host.loginUser, servers!.loginUser, `${cloud} ${host.instanceId}`);
      const listed = (await api.listInstances({ region })).filter((i) => i.platform === 'linux');
      assert.ok(listed.length > 0, cloud);
      for (const instance of listed) assert.equal(rule(instance), servers!.loginUser, `${cloud} ${instance.id} (${instance.osName})`);
    }
  });

  it('CVM: a key bound to an instance logs in there (and nowhere else) at once; unbound, it is refused at once', async () => {
    const api = cvmApi();
    const region = 'ap-guangzhou';
    const { keyPair } = await api.importKeyPair({ region, name: 'alpha_key', publicKey: publicLine('alpha') });
    const target = 'ins-lnxstp01';
    const address = servers!.address(target);
    refuses(address, 'alpha');
    await api.associateKeyPairs({ region, keyIds: [keyPair.id], instanceIds: [target] });
    assert.equal(servers!.authorizedKeys(target).length, 1);
    lets(address, 'alpha');
    refuses(address, 'beta');
    refuses(servers!.address('ins-lnxstp02'), 'alpha');
    await api.disassociateKeyPairs({ region, keyIds: [keyPair.id], instanceIds: [target] });
    assert.deepEqual(servers!.authorizedKeys(target), []);
    refuses(address, 'alpha');
  });

  it('Lighthouse: an RSA key bound to a stopped instance logs in at once (the bind is written into the instance)', async () => {
    const api = lighthouseApi();
    const region = 'ap-guangzhou';
    const { keyPair } = await api.importKeyPair({ region, name: 'rsa_key', publicKey: publicLine('rsa') });
    const target = 'lhins-lnxstp01';
    refuses(servers!.address(target), 'rsa');
    await api.associateKeyPairs({ region, keyIds: [keyPair.id], instanceIds: [target] });
    lets(servers!.address(target), 'rsa');
    await api.disassociateKeyPairs({ region, keyIds: [keyPair.id], instanceIds: [target] });
    refuses(servers!.address(target), 'rsa');
  });

  it('ECS: an attached key is refused until the instance restarts (RebootInstance), then logs in', async () => {
    const api = ecsApi();
    const region = 'cn-hangzhou';
    await api.importKeyPair({ region, name: 'beta-key', publicKey: publicLine('beta') });
    const target = 'i-bp1runlinux000001';
    const address = servers!.address(target);
    await api.associateKeyPairs({ region, keyIds: ['beta-key'], instanceIds: [target] });
    assert.equal(ecs.instance(target)?.KeyPairName, 'beta-key');
    refuses(address, 'beta');
    await admin(ecs.url, 'POST', `/__admin/instances/${target}/reboot`);
    lets(address, 'beta');
  });

  it('an instance created through the admin API gets its sshd before the call is answered; deleted, it stops answering', async () => {
    const created = (await admin(cvm.url, 'POST', '/__admin/instances', { name: 'late', state: 'STOPPED', osName: 'TencentOS Server 3.1 (TK4)' })) as { instanceId: string };
    const address = servers!.address(created.instanceId);
    assert.match(address, /^127\.0\.6\.\d+$/);
    assert.ok(fs.readFileSync(servers!.knownHostsFile, 'utf8').includes(servers!.hostKeyLine(created.instanceId)));
    assert.ok(fs.readFileSync(homeKnownHosts, 'utf8').includes(servers!.hostKeyLine(created.instanceId)));
    const api = cvmApi();
    const { keyPair } = await api.importKeyPair({ region: 'ap-guangzhou', name: 'late_key', publicKey: publicLine('beta') });
    await api.associateKeyPairs({ region: 'ap-guangzhou', keyIds: [keyPair.id], instanceIds: [created.instanceId] });
    lets(address, 'beta');
    const line = servers!.hostKeyLine(created.instanceId);
    await admin(cvm.url, 'DELETE', `/__admin/instances/${created.instanceId}`);
    assert.throws(() => servers!.address(created.instanceId), /no instance server/);
    const gone = login(address, 'beta');
    assert.equal(gone.status, 255);
    assert.match(gone.stderr, /Connection refused/);
    assert.ok(!fs.readFileSync(servers!.knownHostsFile, 'utf8').includes(line));
  });

  it('as another user than root the harness says why in one line and goes on without servers (no hang)', () => {
    const copy = tempDir('instance-servers-nobody');
    fs.chmodSync(copy, 0o755);
    fs.mkdirSync(path.join(copy, 'test', 'harness'), { recursive: true });
    for (const f of ['package.json', 'test/harness/common.mjs', 'test/harness/sshd.mjs', 'test/harness/instance-servers.mjs']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(copy, f));
    spawnSync('chmod', ['-R', 'a+rX', copy]);
    const module = pathToFileURL(path.join(copy, 'test', 'harness', 'instance-servers.mjs')).href;
    // A stand-in fake: one Linux instance on an address nothing else uses.
    const fake = `({ instanceHosts: () => [{ instanceId: 'x', platform: 'linux', listenAddress: '127.0.6.250', loginUser: 'nobody', port: 22, authorizedKeys: [] }], setAuthorizedKeysListener: async () => {} })`;
    const script = `import(${JSON.stringify(module)}).then((m) => m.startFakeInstanceServersOrNote(${fake})).then((s) => console.log('resolved', s))`;
    const t0 = Date.now();
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, 2, r.stdout);
    assert.match(out[0], /^\[instance-servers\] no instance servers: the instance servers need root .*; the fakes work without them/);
    assert.equal(out[1], 'resolved undefined');
    assert.ok(Date.now() - t0 < 15_000);
    assert.deepEqual(processesMatching('127\\.0\\.6\\.250'), []);
  });

  it('stop() ends every sshd, takes the block out of the HOME\'s known_hosts (keeping its lines) and removes the folder; the fakes go on', async () => {
    const dir = servers!.dir;
    assert.notDeepEqual(processesMatching(dir), [], 'the sshds should show the folder in their command line');
    const address = servers!.address('ins-lnxrun01');
    await servers!.stop();
    assert.deepEqual(processesMatching(dir), [], 'an sshd is still running');
    assert.equal(fs.existsSync(dir), false, `${dir} is still there`);
    assert.equal(fs.readFileSync(homeKnownHosts, 'utf8'), 'git.example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeep\n');
    const r = login(address, 'alpha');
    assert.equal(r.status, 255);
    assert.match(r.stderr, /Connection refused/);
    // The listener is gone: a bind still works on the fake.
    const api = cvmApi();
    const { keyPair } = await api.importKeyPair({ region: 'ap-guangzhou', name: 'after_stop', publicKey: publicLine('alpha') });
    await api.associateKeyPairs({ region: 'ap-guangzhou', keyIds: [keyPair.id], instanceIds: ['ins-lnxstp02'] });
    servers = undefined;
  });
});
