// Real OpenSSH servers as the fake clouds' instances: Debian's sshd (unpacked into the bootstrap
// cache by `bash scripts/bootstrap.sh`, part 5, never installed), one per instance, each listening on
// its own loopback address (`127.0.0.2:22`, `127.0.0.3:22`, …: all of 127.0.0.0/8 is this machine),
// each with its own sshd_config, ed25519 host key, authorized_keys and log in a temp folder. Nothing
// of the system's OpenSSH is read or written: not /etc/ssh (sshd runs with -f, the host keys are
// ours, AuthorizedKeysFile is absolute), not ~/.ssh (PermitUserRC no), not the ssh service.
//
//   const servers = await startInstanceServers([{ id: 'ins-1', address: '127.0.0.2' }, …]);
//   servers.setAuthorizedKeys('ins-1', [publicKeyLine]);   // what the instance lets in, at once
//   ssh -F /dev/null -o IdentitiesOnly=yes -o UserKnownHostsFile=<file with servers.hostKeyLine('ins-1')>
//       -i key ${servers.loginUser}@127.0.0.2 …
//   await servers.stop();                                  // every sshd and session gone, folder removed
//
// Root only (CI runs as root). Port 22 is below 1024, which only root may bind, and the PID and mount
// namespaces below need root too. As another user,
// startInstanceServers throws at once saying so (sshd itself would exit with "Bind to port 22 on
// 127.0.0.2 failed: Permission denied", and `unshare --pid` below with "Operation not permitted").
//
// How each sshd runs, as root (`setpriv --pdeathsig KILL unshare --pid --fork --kill-child [--mount] sh -c …`):
// - In its own PID namespace, as its init: when that sshd ends, the kernel kills everything in the
//   namespace, the connections' sshd children and the sessions' shells included (they call setsid()
//   and rename themselves "sshd: root@notty", so neither a process group nor the command line would
//   find them). stop() sends SIGTERM to the process group, then SIGKILL.
// - Killed with the harness even when it is SIGKILLed: setpriv's parent-death signal kills unshare
//   when this Node process dies, and unshare's --kill-child kills the sshd it forked. A normal exit
//   or process.exit() also SIGKILLs every group still running (the 'exit' handler below).
// - Privilege separation: as root, sshd 9.2 refuses to start without the user `sshd` (compiled-in
//   name; "Privilege separation user sshd does not exist"), which openssh-server's postinst would
//   add and which we may not add to the system. Where it is missing, the sshd runs in a private mount
//   namespace (propagation private: nothing leaks to the machine) in which a copy of /etc/passwd
//   with an `sshd` line (uid and gid of nobody) is bind-mounted over /etc/passwd; the system's
//   /etc/passwd is not changed and no other process sees the copy.
// - /run/sshd: the privilege-separation chroot, compiled in ("Missing privilege separation
//   directory: /run/sshd" otherwise). It is a runtime folder (not /etc/ssh; /run is emptied at boot),
//   which openssh-server's service would create; startInstanceServers creates it (empty, 0755) if
//   missing and never removes it (another sshd may use it).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CACHE, REPO, sleep, tail } from './common.mjs';

/** The unpacked openssh-server (scripts/bootstrap.sh, part 5) and its sshd, an absolute path (sshd refuses a relative one). */
export const OPENSSH_SERVER_DIR = path.join(CACHE, 'openssh-server');
export const SSHD = path.join(OPENSSH_SERVER_DIR, 'usr/sbin/sshd');
export const SSH_PORT = 22;
const PRIVSEP_DIR = '/run/sshd';

/** Why the bootstrap's sshd is not there (a sentence), or undefined when it is. */
export function sshdMissing() {
  if (!fs.existsSync(path.join(OPENSSH_SERVER_DIR, '.complete'))) return `${OPENSSH_SERVER_DIR} is missing or unfinished`;
  try {
    fs.accessSync(SSHD, fs.constants.X_OK);
  } catch {
    return `${SSHD} is missing`;
  }
  return undefined;
}

/** Throws how to install it when the bootstrap's sshd is not there. */
export function assertSshdInstalled() {
  const missing = sshdMissing();
  if (missing) {
    throw new Error(`Debian's OpenSSH server is not installed for the tests (${missing}).\n  Run: bash scripts/bootstrap.sh   (or only this part: bash scripts/bootstrap.sh --only openssh-server)`);
  }
}

/**
 * Runs the bootstrap's openssh-server part alone (`bash scripts/bootstrap.sh --only openssh-server`:
 * seconds), for a test that runs before `npm test`'s bootstrap stage. Returns { ok, output }.
 */
export function bootstrapSshd({ timeoutMs = 180_000 } = {}) {
  const r = spawnSync('bash', [path.join(REPO, 'scripts/bootstrap.sh'), '--only', 'openssh-server'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`.trim();
  return { ok: r.status === 0 && !sshdMissing(), output };
}

const live = new Map(); // process group id → server, while running
// Last resort: whatever ends this process normally, its sshd groups end with it (SIGKILL of this
// process is covered by the parent-death signal).
process.on('exit', () => {
  for (const pid of live.keys()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
function checkInstances(instances) {
  if (!Array.isArray(instances) || instances.length === 0) throw new Error('startInstanceServers: no instances');
  const ids = new Set();
  const addresses = new Set();
  for (const { id, address } of instances) {
    if (typeof id !== 'string' || !ID.test(id)) throw new Error(`startInstanceServers: instance id ${JSON.stringify(id)} is not a plain name (letters, digits, . _ -)`);
    const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(String(address));
    if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`startInstanceServers: ${id}'s address ${JSON.stringify(address)} is not a loopback IPv4 address (127.x.y.z)`);
    if (ids.has(id)) throw new Error(`startInstanceServers: instance id ${id} is given twice`);
    if (addresses.has(address)) throw new Error(`startInstanceServers: address ${address} is given twice`);
    ids.add(id);
    addresses.add(address);
  }
}

/** The reasons this process cannot run the servers, before anything is started. */
function checkHost() {
  if (process.platform !== 'linux') throw new Error(`the instance servers need Linux (this is ${process.platform})`);
  const uid = process.getuid();
  if (uid !== 0) {
    throw new Error(
      `the instance servers need root, and this process runs as ${os.userInfo().username} (uid ${uid}): each sshd listens on ` +
        `port ${SSH_PORT} of its loopback address (ports below 1024 are root's) and runs in PID and mount namespaces of its own. ` +
        'Run the tests as root (CI does).',
    );
  }
  assertSshdInstalled();
}

/** The passwd copy with an `sshd` line, when the machine has no such user; undefined when it has. */
function privsepPasswd(root) {
  if (spawnSync('getent', ['passwd', 'sshd'], { stdio: 'ignore' }).status === 0) return undefined;
  const passwd = fs.readFileSync('/etc/passwd', 'utf8');
  const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(passwd);
  const [uid, gid] = nobody ? [nobody[1], nobody[2]] : ['65534', '65534'];
  const file = path.join(root, 'passwd');
  const text = `${passwd.replace(/\n?$/, '\n')}sshd:x:${uid}:${gid}:sshd privilege separation (test/harness/sshd.mjs: this mount namespace only):${PRIVSEP_DIR}:/usr/sbin/nologin\n`;
  fs.writeFileSync(file, text, { mode: 0o644 });
  return file;
}

function sshdConfig(s) {
  return [
    `# ${s.id} (${s.address}): written by test/harness/sshd.mjs; the only configuration this sshd reads (-f)`,
    `ListenAddress ${s.address}:${s.port}`,
    `HostKey ${s.hostKeyFile}`,
    `PidFile ${s.pidFile}`,
    `AuthorizedKeysFile ${s.authorizedKeysFile}`,
    'AuthorizedPrincipalsFile none',
    'AuthorizedKeysCommand none',
    // the temp folder's modes are not sshd's business
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'GSSAPIAuthentication no',
    'KerberosAuthentication no',
    'PermitRootLogin prohibit-password',
    // never the user's ~/.ssh/rc or ~/.ssh/environment
    'PermitUserRC no',
    'PermitUserEnvironment no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'LoginGraceTime 30',
    `ModuliFile ${path.join(OPENSSH_SERVER_DIR, 'etc/ssh/moduli')}`,
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

function makeInstance(root, { id, address }) {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { mode: 0o700 });
  const s = {
    id,
    address,
    port: SSH_PORT,
    dir,
    configFile: path.join(dir, 'sshd_config'),
    hostKeyFile: path.join(dir, 'ssh_host_ed25519_key'),
    authorizedKeysFile: path.join(dir, 'authorized_keys'),
    pidFile: path.join(dir, 'sshd.pid'),
    logFile: path.join(dir, 'sshd.log'),
    pid: undefined,
    exited: null,
  };
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${id} host key`, '-f', s.hostKeyFile], { encoding: 'utf8' });
  if (keygen.error || keygen.status !== 0) {
    throw new Error(`ssh-keygen could not make ${id}'s host key: ${keygen.error?.message ?? keygen.stderr} (install openssh-client)`);
  }
  fs.writeFileSync(s.authorizedKeysFile, '', { mode: 0o600 });
  fs.writeFileSync(s.configFile, sshdConfig(s), { mode: 0o600 });
  return s;
}

function spawnSshd(s, passwd) {
  const sshd = [SSHD, '-D', '-f', s.configFile, '-E', s.logFile];
  const inner = passwd ? ['sh', '-c', 'mount --bind "$1" /etc/passwd && shift && exec "$@"', 'sh', passwd, ...sshd] : sshd;
  const args = ['--pdeathsig', 'KILL', 'unshare', '--pid', '--fork', '--kill-child', ...(passwd ? ['--mount'] : []), ...inner];
  const fd = fs.openSync(s.logFile, 'a');
  let child;
  try {
    // detached: its own process group (stop() signals the group); a minimal environment (sshd gives
    // the sessions one of its own anyway).
    child = spawn('setpriv', args, {
      stdio: ['ignore', fd, fd],
      detached: true,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
  } finally {
    fs.closeSync(fd);
  }
  s.child = child;
  s.pid = child.pid;
  s.exit = new Promise((resolve) => {
    child.once('error', (err) => {
      s.exited = { error: err.message };
      resolve();
    });
    child.once('exit', (code, signal) => {
      s.exited = { code, signal };
      resolve();
    });
  });
  if (child.pid) live.set(child.pid, s);
  s.exit.then(() => live.delete(child.pid));
}

/** Connects and reads the first line: true when it is an SSH-2.0 identification string. */
function readsBanner(address, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    let data = '';
    const socket = net.connect({ host: address, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.once('end', () => done(false));
  });
}

/** Until this sshd logged that it listens on its address (so the banner is its own) and answers with a banner. */
async function waitUntilAccepting(s, deadline) {
  const listening = `Server listening on ${s.address} port ${s.port}.`;
  for (;;) {
    if (s.exited) throw startupError(s, `it exited at startup (${JSON.stringify(s.exited)})`);
    let log = '';
    try {
      log = fs.readFileSync(s.logFile, 'utf8');
    } catch {}
    if (log.includes(listening) && (await readsBanner(s.address, s.port))) return;
    if (Date.now() > deadline) throw startupError(s, 'it did not accept SSH connections in time');
    await sleep(20);
  }
}

function startupError(s, what) {
  return new Error(`sshd for instance ${s.id} on ${s.address}:${s.port} did not come up: ${what}. Its log (${s.logFile}):\n${tail(s.logFile, 20)}`);
}

async function stopOne(s, graceMs = 5000) {
  if (!s.pid || s.exited) return;
  const signal = (sig) => {
    try {
      process.kill(-s.pid, sig);
    } catch {}
  };
  signal('SIGTERM');
  const timer = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  await Promise.race([s.exit, timer(graceMs)]);
  if (!s.exited) {
    signal('SIGKILL');
    await Promise.race([s.exit, timer(3000)]);
  }
  // The namespace's init is gone, so the kernel has killed the rest of it; the group leader too.
  live.delete(s.pid);
}

/**
 * Starts one sshd per instance (`{ id, address }`: a plain name and a 127.x.y.z address) and waits
 * until each accepts SSH connections. Their files live in a fresh folder under `dir` (default: the
 * system temp folder), removed by stop() (kept with CLOUD_SSH_KEYS_KEEP_TMP=1).
 * `startTimeoutMs` is for all of them together. Throws, with the sshd's log, when one does not come
 * up (its address taken, say); then none is left running.
 */
export async function startInstanceServers(instances, { dir, startTimeoutMs = 15_000 } = {}) {
  const t0 = Date.now();
  checkInstances(instances);
  checkHost();
  const base = path.resolve(dir ?? os.tmpdir());
  fs.mkdirSync(base, { recursive: true });
  const root = fs.mkdtempSync(path.join(base, 'csk-sshd-'));
  // sshd_config takes a path as one word, and expands %-tokens in AuthorizedKeysFile.
  if (/[\s"'%#\\]/.test(root)) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`startInstanceServers: ${root} has a space, quote, % or # in it, which sshd_config cannot take; pass another { dir }`);
  }
  const servers = [];
  const removeRoot = () => {
    if (process.env.CLOUD_SSH_KEYS_KEEP_TMP) return;
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    fs.mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    const passwd = privsepPasswd(root);
    for (const instance of instances) servers.push(makeInstance(root, instance));
    for (const s of servers) spawnSshd(s, passwd);
    const deadline = Date.now() + startTimeoutMs;
    await Promise.all(servers.map((s) => waitUntilAccepting(s, deadline)));
  } catch (error) {
    await Promise.all(servers.map((s) => stopOne(s, 1000)));
    removeRoot();
    throw error;
  }
  const byId = new Map(servers.map((s) => [s.id, s]));
  const get = (id) => {
    const s = byId.get(id);
    if (!s) throw new Error(`no instance server ${JSON.stringify(id)} (there are ${[...byId.keys()].join(', ')})`);
    return s;
  };
  let stopping;
  const handle = {
    /** The folder holding every instance's files. */
    dir: root,
    /** The OS user the tests log in as: the one running them (no system user is created). */
    loginUser: os.userInfo().username,
    port: SSH_PORT,
    /** How long starting them all took, in ms (host keys included). */
    startMs: Date.now() - t0,
    /**
     * Each instance: { id, address, port, pid, dir, configFile, hostKeyFile, authorizedKeysFile, pidFile, logFile }.
     * `pid` is the process group's (unshare's); the sshd is PID 1 of its namespace, as its PidFile says.
     */
    instances: servers.map(({ id, address, port, pid, dir: d, configFile, hostKeyFile, authorizedKeysFile, pidFile, logFile }) => ({
      id, address, port, pid, dir: d, configFile, hostKeyFile, authorizedKeysFile, pidFile, logFile,
    })),
    /** Replaces what the instance lets in (one public key line each), atomically: sshd reads the file at each login. */
    setAuthorizedKeys(id, publicKeyLines) {
      const s = get(id);
      if (!Array.isArray(publicKeyLines) || publicKeyLines.some((l) => typeof l !== 'string' || /[\r\n\0]/.test(l))) {
        throw new Error('setAuthorizedKeys: give an array of single-line strings');
      }
      const text = publicKeyLines.map((l) => `${l.trim()}\n`).join('');
      const tmp = `${s.authorizedKeysFile}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, s.authorizedKeysFile);
    },
    /** The instance's authorized_keys lines, as they are on disk now. */
    authorizedKeys(id) {
      return fs.readFileSync(get(id).authorizedKeysFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
    },
    /** `127.0.0.2 ssh-ed25519 AAAA…`: the instance's known_hosts line. */
    hostKeyLine(id) {
      const s = get(id);
      const [type, key] = fs.readFileSync(`${s.hostKeyFile}.pub`, 'utf8').trim().split(/\s+/);
      const host = s.port === 22 ? s.address : `[${s.address}]:${s.port}`;
      return `${host} ${type} ${key}`;
    },
    /** Every instance's known_hosts line, as a file's text. */
    knownHosts() {
      return servers.map((s) => `${handle.hostKeyLine(s.id)}\n`).join('');
    },
    /** The instance's sshd log (LogLevel VERBOSE: every accepted and refused key). */
    log(id) {
      try {
        return fs.readFileSync(get(id).logFile, 'utf8');
      } catch {
        return '';
      }
    },
    /** { id: log text } for every instance. */
    logs() {
      return Object.fromEntries(servers.map((s) => [s.id, handle.log(s.id)]));
    },
    /** Whether the instance's sshd still runs. */
    running(id) {
      return !get(id).exited;
    },
    /** Stops every sshd (and so every session on it), waits until they are gone, removes the folder. */
    stop() {
      stopping ??= Promise.all(servers.map((s) => stopOne(s))).then(removeRoot);
      return stopping;
    },
  };
  return handle;
}
