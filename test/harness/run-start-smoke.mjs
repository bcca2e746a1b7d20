// The README's first command, run as a newcomer runs it: `npm start` in this clone, with a HOME
// of its own (one key in ~/.ssh) and no cloud credentials, so it bootstraps whatever the cache
// lacks (everything, on CI's cold cache), serves VS Code and starts both sandboxes. Then:
//   - the URL it prints is on 127.0.0.1 and the page loads the workbench with our Local Keys view
//     listing that key;
//   - as root, every sandbox Linux instance is an sshd answering on its 127.0.31–33.n:22, with its
//     host key in the sandbox's own known_hosts (the one npm start prints; test/harness/instance-servers.mjs),
//     and that HOME's ~/.ssh holds nothing new; as another user, npm start says in one line that there are none;
//   - Ctrl-C (SIGINT to its whole process group, as a terminal sends it) stops every process it
//     started (the sshds too), and the server's, sandboxes' and instances' ports stop answering.
//
// usage: node test/harness/run-start-smoke.mjs [--results FILE]
// env:   CLOUD_SSH_KEYS_START_SMOKE_TIMEOUT_MS: how long `npm start` may take to serve (default 40 min,
//        a cold bootstrap builds code-server's native modules), CLOUD_SSH_KEYS_KEEP_TMP=1
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CACHE, REPO, argValue, artifactsDir, launchChromium, logger, sleep, sshKeygen, waitForWorkbench, writeResults,
} from './common.mjs';
import { openContainer, treeRow, viewPane } from '../e2e/ui.mjs';
import { compiledSandboxes } from '../../scripts/sandbox.mjs';

const log = logger('start-smoke');
const SERVE_TIMEOUT = Number(process.env.CLOUD_SSH_KEYS_START_SMOKE_TIMEOUT_MS || 40 * 60_000);
const resultsOut = argValue('--results');
const artifacts = artifactsDir('start-smoke');
const counts = { suite: 'start', passed: 0, failed: 0, pending: 0, failures: [] };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-start-smoke-'));
const home = path.join(tmp, 'home');
const workspace = path.join(tmp, 'workspace');
fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
fs.mkdirSync(workspace);
fs.writeFileSync(path.join(workspace, 'README.txt'), 'a folder opened by npm start\n');
sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'smoke@test', '-f', path.join(home, '.ssh', 'id_ed25519')]);

// A terminal's environment: none of the npm variables `npm test` set, no cloud credentials (so
// every registered cloud's sandbox starts), the HOME above, the same host cache as the rest of the run.
const SANDBOXES = compiledSandboxes();
const credentialVariables = new Set(SANDBOXES.flatMap((s) => [...s.credentialVariables, ...s.clearVariables]));
const env = {};
for (const [k, v] of Object.entries(process.env)) {
  if (k.startsWith('npm_') || k === 'INIT_CWD' || k === 'PORT' || credentialVariables.has(k)) continue;
  env[k] = v;
}
Object.assign(env, {
  HOME: home,
  CLOUD_SSH_KEYS_HOST_CACHE: CACHE,
  CLOUD_SSH_KEYS_START_DIR: path.join(tmp, 'start-state'),
});
delete env.XDG_CACHE_HOME;
delete env.XDG_CONFIG_HOME;

const outputFile = path.join(tmp, 'npm-start.log');
const output = fs.createWriteStream(outputFile);
let text = '';
log(`npm start -- ${workspace}   (HOME=${home}, cache ${CACHE})`);
const child = spawn('npm', ['start', '--', workspace], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
let exitInfo;
void exited.then((e) => (exitInfo = e));
let pending = '';
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    const s = chunk.toString();
    output.write(s);
    text += s;
    // The start's and the bootstrap's own progress lines go to the CI log (the server's do not).
    pending += s;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) if (/^\[(start|bootstrap|deps)/.test(line)) console.log(`  | ${line}`);
  });
}

/** Every live process below `root` in the process tree (from /proc). */
function descendants(root) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {}
  }
  const found = [];
  const queue = [root];
  while (queue.length) for (const c of children.get(queue.shift()) ?? []) found.push(c), queue.push(c);
  return found;
}
function commandOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 160);
  } catch {
    return '';
  }
}
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
function portAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    counts.passed += 1;
    console.log(`  ok ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    counts.failed += 1;
    counts.failures.push({ title: name, error: String(err?.message ?? err) });
    console.log(`  not ok ${name}\n    ${String(err?.message ?? err).split('\n').join('\n    ')}`);
    throw err;
  }
}

let url;
let browser;
const sandboxPorts = [];
/** The sandbox instances' sshd addresses npm start printed. */
const instanceAddresses = [];
/** The user's own files: npm start must never write them. */
const usersKnownHosts = path.join(home, '.ssh', 'known_hosts');
const usersSshConfig = path.join(home, '.ssh', 'config');
try {
  await check('npm start bootstraps what is missing and serves VS Code on 127.0.0.1', async () => {
    const deadline = Date.now() + SERVE_TIMEOUT;
    let m;
    while (!(m = /running in VS Code[^\n]*\n\s*\n\s*(http:\/\/\S+)/.exec(text))) {
      if (exitInfo) throw new Error(`npm start exited (${exitInfo.code ?? exitInfo.signal}) before serving; its last output:\n${text.split('\n').slice(-25).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`npm start did not serve within ${SERVE_TIMEOUT / 60_000} min; its last output:\n${text.split('\n').slice(-25).join('\n')}`);
      await sleep(250);
    }
    url = m[1];
    const parsed = new URL(url);
    if (parsed.hostname !== '127.0.0.1') throw new Error(`it serves on ${parsed.hostname}, not 127.0.0.1: ${url}`);
    for (const s of text.matchAll(/local fake at http:\/\/127\.0\.0\.1:(\d+)/g)) sandboxPorts.push(Number(s[1]));
    if (sandboxPorts.length !== SANDBOXES.length) throw new Error(`expected a sandbox for each of ${SANDBOXES.map((s) => s.service).join(', ')}, found ${sandboxPorts.length} in:\n${text}`);
    log(`serving ${url}; sandboxes on ports ${sandboxPorts.join(', ')}`);
  });

  await check(process.getuid() === 0 ? "each sandbox Linux instance answers SSH on its loopback address, its host key in the sandbox's known_hosts (never ~/.ssh)" : 'npm start says there are no instance servers (not root)', async () => {
    if (process.getuid() !== 0) {
      if (!/no instance servers: the instance servers need root/.test(text)) throw new Error(`npm start did not say why there are no instance servers:\n${text}`);
      return;
    }
    const listed = /INSTANCES:[^\n]*\n[^\n]*\n((?:\s+[^\n]*: [^\n]*\n)+)/.exec(text);
    if (!listed) throw new Error(`npm start printed no INSTANCES section:\n${text.split('\n').slice(-30).join('\n')}`);
    for (const m of listed[1].matchAll(/(\S+) (127\.0\.3[1-3]\.\d+)/g)) instanceAddresses.push(m[2]);
    if (instanceAddresses.length === 0) throw new Error(`no instance address in:\n${listed[0]}`);
    const knownHosts = /UserKnownHostsFile=(\S+)/.exec(text)?.[1];
    if (!knownHosts) throw new Error(`npm start did not say where the instances' host keys are:\n${listed[0]}`);
    if (knownHosts.startsWith(path.join(home, '.ssh'))) throw new Error(`the host keys are in the user's ~/.ssh: ${knownHosts}`);
    for (const file of [usersKnownHosts, usersSshConfig]) if (fs.existsSync(file)) throw new Error(`npm start wrote ${file}`);
    const lines = fs.readFileSync(knownHosts, 'utf8');
    for (const address of instanceAddresses) {
      if (!(await portAnswers(22, address))) throw new Error(`nothing answers on ${address}:22`);
      if (!new RegExp(`^${address.replaceAll('.', '\\.')} ssh-ed25519 `, 'm').test(lines)) throw new Error(`${knownHosts} has no host key for ${address}:\n${lines}`);
    }
    log(`${instanceAddresses.length} instance sshd answering (${instanceAddresses.join(', ')})`);
  });

  await check('the page loads the workbench, and Local Keys lists the key in that HOME', async () => {
    browser = await launchChromium(path.join(tmp, 'chromium'));
    const { page } = browser;
    try {
      await page.goto(url);
      await waitForWorkbench(page);
      await openContainer(page, 'Cloud SSH Keys');
      await treeRow(viewPane(page, 'Local Keys'), 'id_ed25519').waitFor({ state: 'visible', timeout: 60_000 });
    } catch (err) {
      await page.screenshot({ path: path.join(artifacts(), 'workbench.png') }).catch(() => {});
      throw err;
    } finally {
      await browser.close();
      browser = undefined;
    }
  });

  await check('Ctrl-C stops every process npm start started, and its ports close', async () => {
    const before = descendants(child.pid);
    log(`${before.length} processes under npm start; sending SIGINT to its process group`);
    process.kill(-child.pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (!exitInfo && Date.now() < deadline) await sleep(100);
    if (!exitInfo) throw new Error('npm start was still running 30 s after Ctrl-C');
    // Its children may take a moment longer to go.
    while (before.some(alive) && Date.now() < deadline + 5000) await sleep(100);
    const left = before.filter(alive);
    if (left.length) throw new Error(`still running after Ctrl-C:\n${left.map((p) => `  ${p} ${commandOf(p)}`).join('\n')}`);
    const port = Number(new URL(url).port);
    for (const p of [port, ...sandboxPorts]) if (await portAnswers(p)) throw new Error(`port ${p} still answers after Ctrl-C`);
    for (const address of instanceAddresses) if (await portAnswers(22, address)) throw new Error(`${address}:22 still answers after Ctrl-C`);
    if (fs.existsSync(usersKnownHosts) || fs.existsSync(usersSshConfig)) {
      throw new Error(`npm start left ${fs.existsSync(usersKnownHosts) ? usersKnownHosts : usersSshConfig} in the user's ~/.ssh`);
    }
    if (!/\[start\][^\n]*stopped/.test(text)) throw new Error(`npm start did not say it stopped:\n${text.split('\n').slice(-10).join('\n')}`);
  });
} catch {
  fs.copyFileSync(outputFile, path.join(artifacts(), 'npm-start.log'));
  console.log(`  npm start's output: ${path.join(artifacts(), 'npm-start.log')}`);
} finally {
  await browser?.close();
  if (!exitInfo) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    for (const p of descendants(child.pid)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {}
    }
  }
  output.end();
  if (!process.env.CLOUD_SSH_KEYS_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`\n  ${counts.passed} passing`);
if (counts.failed) console.log(`  ${counts.failed} failing`);
writeResults(resultsOut, counts);
process.exit(counts.failed || counts.passed !== 4 ? 1 : 0);
