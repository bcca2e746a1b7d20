// The fake clouds' instances as real OpenSSH servers: one sshd (test/harness/sshd.mjs) per Linux
// instance of each fake, on the instance's loopback listen address, port 22, letting in exactly the
// public keys the fake says the instance accepts now (its authorized keys listener:
// test/fakes/instance-hosts.ts, each cloud's documented bind semantics). Used by the real-host
// harnesses (fake-clouds.mjs), `npm start` and `npm run sandbox` (scripts/sandbox.mjs), and
// test/unit/instance-servers.test.ts.
//
//   const servers = await startFakeInstanceServers(fakes, { knownHostsFiles: [`${home}/.ssh/known_hosts`] });
//   // bind a key through the fake's API, then:
//   ssh -F /dev/null -i key -o IdentitiesOnly=yes -o UserKnownHostsFile=${servers.knownHostsFile} \
//       ${servers.loginUser}@${servers.address(instanceId)} …
//   await servers.stop();   // every sshd gone, the listeners removed, the known_hosts blocks taken out
//
// `fakes`: one fake (anything with instanceHosts() and setAuthorizedKeysListener(): every
// FakeCloudServer, a StartedSandbox's `hosts`), a list of them (or of started sandboxes), or the
// object startFakeClouds() returns ({ [cloud]: { hosts, … } }).
//
// Which instances get one: every instance whose platform is Linux and that has a loopback listen
// address (Windows instances and instances with no 127.x address get none), whatever its state (a
// STOPPED instance still answers: the servers follow keys, not power). Instances created later
// (POST /__admin/instances, seedInstance) get theirs on demand, before the fake answers the call
// that created them (the fake awaits its listener); a deleted instance's sshd is stopped. An
// instance whose address changes (POST …/addresses) moves to its new address at its next key
// change (the fakes tell the listener about keys, not addresses).
//
// The sshds let in one user, `loginUser` (the user running this, who must be root: port 22 and the
// namespaces of sshd.mjs). The fakes should report it as every Linux instance's login user: the
// sandboxes' `loginUser` start option does that (test/fakes/sandbox.ts); an instance that reports
// another user still gets its sshd, with a warning (a login as that user is refused).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SSH_PORT, sshdMissing, startInstanceServers } from './sshd.mjs';

export const KNOWN_HOSTS_BEGIN = '# BEGIN Cloud SSH Keys instance servers';
export const KNOWN_HOSTS_END = '# END Cloud SSH Keys instance servers';

// Whatever ends this process (process.exit() after a failed start included), the known_hosts
// blocks of the handles still running come out (the sshds themselves die with it: sshd.mjs).
const liveCleanups = new Set();
process.on('exit', () => {
  for (const cleanup of liveCleanups) cleanup();
});

/** Why no instance server can run in this process (one sentence), or undefined when they can. */
export function instanceServersUnavailable() {
  if (process.platform !== 'linux') return `the instance servers need Linux (this is ${process.platform})`;
  if (process.getuid() !== 0) {
    return `the instance servers need root (sshd on port 22 of each instance's loopback address), and this runs as ${os.userInfo().username}`;
  }
  const missing = sshdMissing();
  if (missing) return `Debian's sshd is not installed for the tests (${missing}; bash scripts/bootstrap.sh --only openssh-server installs it)`;
  return undefined;
}

/** The user the servers let in (the one running them). */
export function instanceServersLoginUser() {
  return os.userInfo().username;
}

/** [{ name, view }] from whatever `fakes` is (see the header). */
function hostViews(fakes) {
  const isView = (v) => v && typeof v.instanceHosts === 'function' && typeof v.setAuthorizedKeysListener === 'function';
  const one = (item, name) => {
    const view = isView(item) ? item : isView(item?.hosts) ? item.hosts : isView(item?.fake) ? item.fake : undefined;
    if (!view) throw new Error(`startFakeInstanceServers: ${name} is no fake (it has no instanceHosts() and setAuthorizedKeysListener())`);
    return { name: item?.sandbox?.cloud ?? item?.cloud ?? name, view };
  };
  if (isView(fakes)) return [one(fakes, 'fake')];
  if (Array.isArray(fakes)) return fakes.map((f, i) => one(f, `fake ${i + 1}`));
  if (fakes && typeof fakes === 'object') return Object.entries(fakes).map(([name, f]) => one(f, name));
  throw new Error('startFakeInstanceServers: give a fake, a list of fakes or startFakeClouds()\'s object');
}

/** 127.a.b.c as a number, to list servers by address. */
function addressOrder(address) {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Whether an instance gets an sshd: Linux, with a loopback listen address. */
function servable(host) {
  return host !== undefined && host.platform === 'linux' && typeof host.listenAddress === 'string' && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host.listenAddress);
}

/** Writes `text` to `file` atomically, keeping its mode (new: `mode`); through a symlink to its target. */
function writeAtomically(file, text, mode = 0o600) {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {}
  let keepMode = mode;
  try {
    keepMode = fs.statSync(target).mode & 0o777;
  } catch {}
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, text, { mode: keepMode });
  fs.chmodSync(tmp, keepMode);
  fs.renameSync(tmp, target);
}

/**
 * Puts `lines` into `file` as one marked block (replacing the block an earlier run left; none when
 * `lines` is empty), leaving every other line as it is. Creates the file (0600) and its folder (0700).
 */
export function writeKnownHostsBlock(file, lines, note = '') {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    if (lines.length === 0) return;
  }
  const kept = [];
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(KNOWN_HOSTS_BEGIN)) inBlock = true;
    else if (inBlock && line.startsWith(KNOWN_HOSTS_END)) inBlock = false;
    else if (!inBlock) kept.push(line);
  }
  let out = kept.join('\n').replace(/\n*$/, '');
  if (out) out += '\n';
  if (lines.length > 0) {
    out += `${KNOWN_HOSTS_BEGIN}${note ? ` (${note})` : ''}: rewritten at each start, removed at the stop\n`;
    out += lines.map((l) => `${l}\n`).join('');
    out += `${KNOWN_HOSTS_END}\n`;
  }
  if (out === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeAtomically(file, out);
}

/**
 * Starts an sshd for every Linux instance of `fakes` (see the header) and plugs each fake's
 * authorized keys listener into them. Options:
 *   dir               where their files go (a fresh csk-instances-* folder in it; default the system temp folder)
 *   knownHostsFiles   files that get every instance's host key line (by address) as a marked block,
 *                     kept up to date and removed at stop() (e.g. `<HOME>/.ssh/known_hosts`); the
 *                     handle's own `knownHostsFile` always holds them too
 *   note              words in the block's marker line (which run wrote it)
 *   say               where warnings go (default console.log with an [instance-servers] tag)
 *   startTimeoutMs    for the first servers together (default 20 s)
 * Throws when they cannot run here (instanceServersUnavailable()) or one does not come up (its
 * address taken, say: then none is left running). The handle:
 *   loginUser, dir, knownHostsFile, warnings, startMs,
 *   servers() → [{ cloud, instanceId, address, pid, logFile }], address(id), hostKeyLine(id),
 *   knownHosts() (a file's text), authorizedKeys(id), log(id), stop().
 */
export async function startFakeInstanceServers(fakes, { dir, knownHostsFiles = [], note = '', say, startTimeoutMs = 20_000 } = {}) {
  const t0 = Date.now();
  const views = hostViews(fakes);
  const unavailable = instanceServersUnavailable();
  if (unavailable) throw new Error(unavailable);
  const tell = say ?? ((...m) => console.log('[instance-servers]', ...m));
  const loginUser = instanceServersLoginUser();
  const base = path.resolve(dir ?? os.tmpdir());
  fs.mkdirSync(base, { recursive: true });
  const root = fs.mkdtempSync(path.join(base, 'csk-instances-'));
  const knownHostsFile = path.join(root, 'known_hosts');
  const extraFiles = [...new Set(knownHostsFiles.map((f) => path.resolve(f)))];
  /** The knownHostsFiles written to, each with whether it was there before (else stop() removes it when it is left empty). */
  const written = new Map();
  /** `${name}\0${instanceId}` → { cloud, instanceId, address, servers (sshd.mjs handle) } */
  const entries = new Map();
  const warnings = [];
  let stopped = false;
  const keyOf = (name, id) => `${name}\0${id}`;

  const warn = (message) => {
    warnings.push(message);
    tell(`warning: ${message}`);
  };
  const checkHost = (name, host) => {
    if (host.loginUser !== loginUser) {
      warn(`${name} instance ${host.instanceId} reports the login user ${JSON.stringify(host.loginUser)}; its sshd lets in only ${loginUser} (start the fake with loginUser ${JSON.stringify(loginUser)})`);
    }
    if (host.port !== SSH_PORT) warn(`${name} instance ${host.instanceId} reports port ${host.port}; its sshd listens on ${SSH_PORT}`);
  };
  const lines = () => [...entries.values()].map((e) => e.servers.hostKeyLine(e.instanceId));
  const writeKnownHosts = () => {
    const all = lines();
    writeAtomically(knownHostsFile, all.map((l) => `${l}\n`).join(''), 0o644);
    for (const file of extraFiles) {
      try {
        if (!written.has(file)) written.set(file, fs.existsSync(file));
        writeKnownHostsBlock(file, stopped ? [] : all, note);
      } catch (error) {
        warn(`could not write the instances' host keys into ${file}: ${error.message}`);
      }
    }
  };
  const startOne = (name, host, timeoutMs) =>
    startInstanceServers([{ id: host.instanceId, address: host.listenAddress }], { dir: root, startTimeoutMs: timeoutMs }).then((servers) => {
      const entry = { cloud: name, instanceId: host.instanceId, address: host.listenAddress, servers };
      servers.setAuthorizedKeys(host.instanceId, host.authorizedKeys);
      entries.set(keyOf(name, host.instanceId), entry);
      return entry;
    });

  const removeRoot = () => {
    if (process.env.CLOUD_SSH_KEYS_KEEP_TMP) return;
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  /** Takes the blocks out again (synchronous, for the 'exit' handler too). */
  const removeBlocks = () => {
    for (const [file, existed] of written) {
      try {
        writeKnownHostsBlock(file, []);
        if (!existed && fs.statSync(file).size === 0) fs.rmSync(file);
      } catch {}
    }
    written.clear();
  };
  liveCleanups.add(removeBlocks);

  // The instances there now: all at once (each its own sshd, so that one can go alone).
  try {
    const first = views.flatMap(({ name, view }) => view.instanceHosts().filter(servable).map((host) => ({ name, host })));
    for (const { name, host } of first) checkHost(name, host);
    const results = await Promise.allSettled(first.map(({ name, host }) => startOne(name, host, startTimeoutMs)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    writeKnownHosts();
  } catch (error) {
    await Promise.all([...entries.values()].map((e) => e.servers.stop()));
    entries.clear();
    removeBlocks();
    liveCleanups.delete(removeBlocks);
    removeRoot();
    throw error;
  }

  // From now on each fake says what changed: keys (at once, and whenever a bind takes effect), new instances, deleted ones.
  const listener = (name, view) => async (instanceId, publicKeyLines) => {
    if (stopped) return;
    const key = keyOf(name, instanceId);
    const host = view.instanceHosts().find((h) => h.instanceId === instanceId);
    let entry = entries.get(key);
    if (entry && (!servable(host) || host.listenAddress !== entry.address)) {
      entries.delete(key);
      await entry.servers.stop();
      entry = undefined;
      writeKnownHosts();
    }
    if (!entry && servable(host)) {
      checkHost(name, host);
      try {
        entry = await startOne(name, host, 15_000);
      } catch (error) {
        warn(`no sshd for the new ${name} instance ${instanceId}: ${error.message.split('\n')[0]}`);
        return;
      }
      if (stopped) {
        // stop() ran while it came up.
        entries.delete(key);
        await entry.servers.stop();
        return;
      }
      writeKnownHosts();
    }
    entry?.servers.setAuthorizedKeys(instanceId, publicKeyLines);
  };
  for (const { name, view } of views) await view.setAuthorizedKeysListener(listener(name, view));

  const find = (instanceId) => {
    const matches = [...entries.values()].filter((e) => e.instanceId === instanceId);
    if (matches.length === 0) throw new Error(`no instance server for ${JSON.stringify(instanceId)} (there are ${[...entries.values()].map((e) => e.instanceId).join(', ') || 'none'})`);
    return matches[0];
  };
  let stopping;
  return {
    /** The user the sshds let in. */
    loginUser,
    /** The folder holding every sshd's files (removed by stop()). */
    dir: root,
    /** A known_hosts file with every instance's host key, kept up to date. */
    knownHostsFile,
    /** Sentences about instances the servers do not fit (another login user, another port). */
    warnings,
    /** How long the first servers took to accept connections, in ms. */
    startMs: Date.now() - t0,
    /** Every instance served now: [{ cloud, instanceId, address, pid, logFile }]. */
    servers: () =>
      [...entries.values()]
        .map((e) => ({ cloud: e.cloud, instanceId: e.instanceId, address: e.address, pid: e.servers.instances[0].pid, logFile: e.servers.instances[0].logFile }))
        .sort((a, b) => addressOrder(a.address) - addressOrder(b.address)),
    /** The address the instance's sshd listens on. */
    address: (instanceId) => find(instanceId).address,
    /** `127.0.31.2 ssh-ed25519 AAAA…`. */
    hostKeyLine: (instanceId) => find(instanceId).servers.hostKeyLine(instanceId),
    /** Every instance's host key line, as a known_hosts file's text. */
    knownHosts: () => lines().map((l) => `${l}\n`).join(''),
    /** The public key lines the instance's sshd lets in now (its authorized_keys file). */
    authorizedKeys: (instanceId) => find(instanceId).servers.authorizedKeys(instanceId),
    /** The instance's sshd log (every accepted and refused key). */
    log: (instanceId) => find(instanceId).servers.log(instanceId),
    /** Removes the listeners, stops every sshd (and its sessions), takes the blocks out of knownHostsFiles, removes the folder. */
    stop() {
      stopping ??= (async () => {
        stopped = true;
        for (const { view } of views) {
          try {
            await view.setAuthorizedKeysListener(undefined);
          } catch {}
        }
        await Promise.all([...entries.values()].map((e) => e.servers.stop()));
        entries.clear();
        removeBlocks();
        liveCleanups.delete(removeBlocks);
        removeRoot();
      })();
      return stopping;
    },
  };
}

/**
 * startFakeInstanceServers, for a harness that goes on without them: when they cannot run here or
 * do not come up, says so in one line (`say`) and resolves to undefined; never throws, never hangs
 * longer than the start timeout.
 */
export async function startFakeInstanceServersOrNote(fakes, options = {}) {
  const say = options.say ?? ((...m) => console.log('[instance-servers]', ...m));
  const unavailable = instanceServersUnavailable();
  if (unavailable) {
    say(`no instance servers: ${unavailable}; the fakes work without them (no SSH login to their instances)`);
    return undefined;
  }
  try {
    return await startFakeInstanceServers(fakes, { ...options, say });
  } catch (error) {
    say(`no instance servers: ${String(error?.message ?? error).split('\n')[0]}; the fakes work without them`);
    return undefined;
  }
}
