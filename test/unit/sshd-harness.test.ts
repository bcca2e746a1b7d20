// test/harness/sshd.mjs: real OpenSSH servers (Debian's sshd, unpacked by scripts/bootstrap.sh) as
// the fake clouds' instances, one per loopback address, checked with the real ssh client. The client
// never reads the user's ~/.ssh or /etc/ssh: -F /dev/null, its own known_hosts, IdentitiesOnly, no agent.
//
// `npm test` runs this unit stage before its bootstrap stage (and CI starts from an empty cache), so
// when the sshd is not there yet this file installs that part alone first (`bash scripts/bootstrap.sh
// --only openssh-server`, seconds), as helpers.ts builds dist/ for a unit run that comes before the
// build; when that fails, the suite fails saying how to install it. The servers need root (port 22):
// as another user the suite is skipped with the reason, as the full-disk tests are.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, keygenFingerprint, sshKeygen, tempDir } from './helpers';

interface InstanceServers {
  dir: string;
  loginUser: string;
  port: number;
  startMs: number;
  instances: Array<{ id: string; address: string; pid: number; logFile: string; authorizedKeysFile: string }>;
  setAuthorizedKeys(id: string, publicKeyLines: string[]): void;
  authorizedKeys(id: string): string[];
  hostKeyLine(id: string): string;
  knownHosts(): string;
  log(id: string): string;
  running(id: string): boolean;
  stop(): Promise<void>;
}
interface SshdHarness {
  SSHD: string;
  sshdMissing(): string | undefined;
  bootstrapSshd(): { ok: boolean; output: string };
  startInstanceServers(instances: Array<{ id: string; address: string }>, options?: { dir?: string; startTimeoutMs?: number }): Promise<InstanceServers>;
}

const HARNESS = path.join(REPO_ROOT, 'test', 'harness', 'sshd.mjs');
// An ES module from this CommonJS build: a real dynamic import (tsc would turn `import()` into require).
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<SshdHarness>;
const isRoot = process.getuid?.() === 0;

/** The harness, with its sshd installed (by the bootstrap's part, if need be), or a failure saying how. */
async function harnessWithSshd(): Promise<SshdHarness> {
  const harness = await importModule(pathToFileURL(HARNESS).href);
  const missing = harness.sshdMissing();
  if (missing) {
    console.log(`    ${missing}: running bash scripts/bootstrap.sh --only openssh-server`);
    const { ok, output } = harness.bootstrapSshd();
    console.log(output.replace(/^/gm, '    | '));
    if (!ok) {
      throw new Error(`Debian's OpenSSH server is not installed for the tests (${missing}), and installing it failed (above).\n  Run: bash scripts/bootstrap.sh`);
    }
  }
  return harness;
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The client options: nothing of ~/.ssh or /etc/ssh, no agent, no prompt, no key but `key`. */
function sshArgs(key: string, knownHosts: string): string[] {
  return [
    '-F', '/dev/null',
    '-i', key,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
  ];
}

/** Process lines (`pid command`) whose command line matches `pattern` (pgrep -f), none when there is none. */
function processesMatching(pattern: string): string[] {
  const r = spawnSync('pgrep', ['-a', '-f', pattern], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('test/harness/sshd.mjs: one real sshd per fake instance, on its own loopback address', function () {
  this.timeout(60_000);
  let harness: SshdHarness;
  let servers: InstanceServers | undefined;
  let scratch: string;
  let keyA: string;
  let keyB: string;
  let knownHosts: string;
  const first = 'ins-first';
  const second = 'ins-second';
  const publicLine = (key: string) => fs.readFileSync(`${key}.pub`, 'utf8').trim();
  const ssh = (address: string, key: string, command = 'echo hello', hosts = knownHosts) =>
    run('ssh', [...sshArgs(key, hosts), `${servers!.loginUser}@${address}`, command]);

  before(async function () {
    this.timeout(240_000);
    if (!isRoot) {
      console.log(`    skipped: the instance servers need root (port 22), and the tests run as uid ${process.getuid?.()}`);
      this.skip();
    }
    harness = await harnessWithSshd();
    scratch = tempDir('sshd');
    keyA = path.join(scratch, 'id_a');
    keyB = path.join(scratch, 'id_b');
    sshKeygen(keyA, 'ed25519');
    sshKeygen(keyB, 'ed25519');
    servers = await harness.startInstanceServers(
      [
        { id: first, address: '127.0.0.2' },
        { id: second, address: '127.0.0.3' },
      ],
      { dir: scratch },
    );
    console.log(`    2 sshd accepting connections ${servers.startMs} ms after the start (host keys included)`);
    knownHosts = path.join(scratch, 'known_hosts');
    fs.writeFileSync(knownHosts, servers.knownHosts());
  });

  after(async () => {
    await servers?.stop();
  });

  it('the instance whose authorized_keys has the key lets it in, as the user running the tests, and runs the command', () => {
    servers!.setAuthorizedKeys(first, [publicLine(keyA)]);
    assert.deepEqual(servers!.authorizedKeys(first), [publicLine(keyA)]);
    const hello = ssh('127.0.0.2', keyA);
    assert.deepEqual([hello.status, hello.stdout], [0, 'hello\n'], hello.stderr);
    const who = ssh('127.0.0.2', keyA, 'id -un');
    assert.equal(who.stdout.trim(), servers!.loginUser, who.stderr);
    // LogLevel VERBOSE: the log names the key that got in.
    const fingerprint = keygenFingerprint(`${keyA}.pub`).fingerprint;
    assert.match(servers!.log(first), new RegExp(`Accepted publickey for ${servers!.loginUser} from 127\\.\\d+\\.\\d+\\.\\d+ port \\d+ ssh2: ED25519 ${fingerprint.replace(/[+/]/g, '\\$&')}`));
  });

  it('the other instance refuses the same key: Permission denied (publickey), exit 255', () => {
    assert.deepEqual(servers!.authorizedKeys(second), []);
    const refused = ssh('127.0.0.3', keyA);
    assert.equal(refused.status, 255, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /Permission denied \(publickey\)/);
  });

  it('each instance presents its own host key: with the other instance\'s key in known_hosts, StrictHostKeyChecking refuses', () => {
    assert.notEqual(servers!.hostKeyLine(first).split(' ')[2], servers!.hostKeyLine(second).split(' ')[2]);
    assert.match(servers!.hostKeyLine(first), /^127\.0\.0\.2 ssh-ed25519 AAAA\S+$/);
    const swapped = path.join(scratch, 'known_hosts_swapped');
    fs.writeFileSync(swapped, `127.0.0.2 ${servers!.hostKeyLine(second).split(' ').slice(1).join(' ')}\n`);
    const r = ssh('127.0.0.2', keyA, 'echo hello', swapped);
    assert.equal(r.status, 255);
    assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('replacing the authorized keys revokes the old key at once and lets the new one in', () => {
    servers!.setAuthorizedKeys(first, [publicLine(keyB)]);
    assert.deepEqual(servers!.authorizedKeys(first), [publicLine(keyB)]);
    const old = ssh('127.0.0.2', keyA);
    assert.equal(old.status, 255, old.stdout);
    assert.match(old.stderr, /Permission denied \(publickey\)/);
    const renewed = ssh('127.0.0.2', keyB);
    assert.deepEqual([renewed.status, renewed.stdout], [0, 'hello\n'], renewed.stderr);
    assert.deepEqual(fs.readdirSync(path.dirname(servers!.instances[0].authorizedKeysFile)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('an address that is taken: the start fails with sshd\'s own reason and its log, and leaves nothing running', async () => {
    const before = fs.readdirSync(scratch).filter((f) => f.startsWith('csk-sshd-'));
    await assert.rejects(
      harness.startInstanceServers([{ id: 'again', address: '127.0.0.2' }], { dir: scratch }),
      (error: Error) => {
        assert.match(error.message, /sshd for instance again on 127\.0\.0\.2:22 did not come up: it exited at startup/);
        assert.match(error.message, /Bind to port 22 on 127\.0\.0\.2 failed: Address already in use/);
        return true;
      },
    );
    const after = fs.readdirSync(scratch).filter((f) => f.startsWith('csk-sshd-'));
    assert.deepEqual(after, before, 'the failed start left its folder');
    assert.equal(servers!.running(first), true);
  });

  it('as another user than root it refuses at once, saying why (no hang)', () => {
    // Run as nobody, from a copy of the harness nobody can read (the checkout may be under /root).
    const copy = tempDir('sshd-nobody');
    fs.chmodSync(copy, 0o755);
    fs.mkdirSync(path.join(copy, 'test', 'harness'), { recursive: true });
    for (const f of ['package.json', 'test/harness/common.mjs', 'test/harness/sshd.mjs']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(copy, f));
    spawnSync('chmod', ['-R', 'a+rX', copy]);
    const harnessCopy = pathToFileURL(path.join(copy, 'test', 'harness', 'sshd.mjs')).href;
    const script = `import(${JSON.stringify(harnessCopy)}).then((m) => m.startInstanceServers([{ id: 'x', address: '127.0.0.9' }])).then(() => console.log('started'), (e) => console.log(e.message))`;
    const t0 = Date.now();
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: '/',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /the instance servers need root, and this process runs as \S+ \(uid 65534\): each sshd listens on port 22/);
    assert.ok(Date.now() - t0 < 15_000);
    assert.deepEqual(processesMatching('127\\.0\\.0\\.9'), []);
  });

  it('stop() ends every sshd and every session on them (a running command included), and removes the folder', async () => {
    const dir = servers!.dir;
    // A session that would outlive its sshd's listener: its own sshd child (setsid, renamed) and shell.
    const nap = `sleep 3600.${process.pid}`; // this run's own, whatever else runs on the machine
    const napping = `^${nap.replace('.', '\\.')}$`;
    const session: ChildProcess = spawn('ssh', [...sshArgs(keyB, knownHosts), `${servers!.loginUser}@127.0.0.2`, nap], { stdio: 'ignore' });
    const sessionEnded = new Promise<number | null>((resolve) => session.once('exit', (code) => resolve(code)));
    try {
      await until('the session\'s sleep to run', () => processesMatching(napping).length > 0);
      assert.notDeepEqual(processesMatching(dir), [], 'the sshds should show the folder in their command line');
      await servers!.stop();
      assert.deepEqual(processesMatching(dir), [], 'an sshd is still running');
      assert.deepEqual(processesMatching(napping), [], 'the session\'s command is still running');
      assert.equal(await sessionEnded, 255, 'the client should see its connection closed');
      assert.equal(fs.existsSync(dir), false, `${dir} is still there`);
      assert.deepEqual([servers!.running(first), servers!.running(second)], [false, false]);
    } finally {
      session.kill('SIGKILL');
    }
  });
});
