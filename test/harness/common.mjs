// Shared pieces of the real-VS-Code harnesses (in-host integration, browser end-to-end, `npm start`):
// where the bootstrap cache is, free ports, code-server in its own process group with its own
// HOME / XDG / user-data / extensions folders, Chromium through playwright-core, timeouts.
// Runs under the machine's Node (20+); code-server itself runs under the cached Node 24.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
export const EXTENSION_ID = `${PACKAGE_JSON.publisher}.${PACKAGE_JSON.name}`;
export const VSIX = path.join(REPO, `${PACKAGE_JSON.name}-${PACKAGE_JSON.version}.vsix`);

/** The bootstrap cache (same rule as scripts/bootstrap.sh). */
export const CACHE =
  process.env.CLOUD_SSH_KEYS_HOST_CACHE ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cloud-ssh-keys-host');
export const NODE24 = path.join(CACHE, 'node24/bin/node');
export const CODE_SERVER = path.join(CACHE, 'code-server/node_modules/code-server/out/node/entry.js');
export const PLAYWRIGHT_DIR = path.join(CACHE, 'playwright');
export const CHROMIUM = process.env.CLOUD_SSH_KEYS_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO, '.test-artifacts');

const started = Date.now();
/** `[tag +12.3s] message` on stdout. */
export function logger(tag) {
  return (...args) => console.log(`[${tag} +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
}

/** Throws a helpful error when scripts/bootstrap.sh has not been run (or the cache was moved). */
export function assertBootstrapped() {
  const missing = [NODE24, CODE_SERVER, path.join(PLAYWRIGHT_DIR, 'node_modules/playwright-core/package.json'), CHROMIUM].filter(
    (f) => !fs.existsSync(f),
  );
  if (missing.length) {
    throw new Error(`the real-host test tools are not installed (missing ${missing.join(', ')}).\n  Run: bash scripts/bootstrap.sh`);
  }
}

/** playwright-core from the bootstrap cache (it is not a dependency of the project). */
export function loadPlaywright() {
  return createRequire(path.join(PLAYWRIGHT_DIR, 'package.json'))('playwright-core');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with `message` after `ms` (the timer never keeps the process alive). */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms} ms)`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The user settings every harness workbench gets: no welcome page, no chat, nothing online. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

/**
 * On top of QUIET_SETTINGS for a restricted-mode run (with startCodeServer's `workspaceTrust`):
 * workspace trust on, and no startup dialog, so the opened folder stays untrusted.
 */
export const RESTRICTED_MODE_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

/** Environment variables that would make code-server act as a client of another instance, or change its port. */
function cleanEnv(env) {
  const out = { ...env };
  for (const key of Object.keys(out)) {
    if (key.startsWith('VSCODE_') || key.startsWith('CODE_SERVER_') || key === 'ELECTRON_RUN_AS_NODE') delete out[key];
  }
  for (const key of ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'GITHUB_TOKEN', 'CS_DISABLE_FILE_DOWNLOADS']) delete out[key];
  return out;
}

/**
 * A fresh temporary run folder: HOME (with XDG folders inside), code-server's user-data and
 * extensions folders, a Chromium profile. Short paths under the system temp folder (Unix socket
 * paths are limited to ~100 bytes). `userSettings` go over QUIET_SETTINGS.
 */
export function makeRunDir(name, { userSettings = {} } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `csk-${name}-`));
  const home = path.join(root, 'home');
  const dirs = {
    root,
    home,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    chrome: path.join(root, 'chrome'),
    runtime: path.join(root, 'run'),
    serverLog: path.join(root, 'server.log'),
    config: path.join(root, 'code-server.yaml'),
  };
  for (const d of [home, path.join(home, '.config'), path.join(home, '.local/share'), path.join(home, '.local/state'), path.join(home, '.cache'), dirs.extensions, dirs.chrome]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.mkdirSync(dirs.runtime, { mode: 0o700 });
  writeUserSettings(dirs.userData, { ...QUIET_SETTINGS, ...userSettings });
  fs.writeFileSync(dirs.config, 'auth: none\n');
  dirs.env = cleanEnv({
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: dirs.runtime,
    TMPDIR: os.tmpdir(),
  });
  dirs.remove = () => {
    if (process.env.CLOUD_SSH_KEYS_KEEP_TMP) return;
    try {
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a process we no longer control may still write there; the OS cleans the temp folder
    }
  };
  return dirs;
}

export function writeUserSettings(userDataDir, settings, { overwrite = true } = {}) {
  const file = path.join(userDataDir, 'User/settings.json');
  if (!overwrite && fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  return file;
}

const liveGroups = new Set();
// Last resort: whatever happens to this process, its code-server process groups die with it.
process.on('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the whole process group, then SIGKILL whatever is left after `graceMs`. */
export async function killGroup(pid, graceMs = 5000) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {}
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    const hard = Date.now() + 3000;
    while (groupAlive(pid) && Date.now() < hard) await sleep(100);
  }
  liveGroups.delete(pid);
}

/** Runs code-server as a one-shot CLI (e.g. --install-extension); resolves with its output, throws on failure. */
export async function codeServerCli(args, { env, timeoutMs = 120_000 } = {}) {
  const child = spawn(NODE24, [CODE_SERVER, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  liveGroups.add(child.pid);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    const code = await withTimeout(
      new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (c, signal) => resolve(c ?? signal));
      }),
      timeoutMs,
      `code-server ${args.join(' ')}`,
    );
    if (code !== 0) throw new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`);
    return output;
  } finally {
    await killGroup(child.pid, 1000);
  }
}

/** Installs a .vsix into `extensionsDir` with code-server's own installer; returns the installed folder. */
export async function installVsix(vsix, { userData, extensions, config, env }) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist (run: npm run package)`);
  const output = await codeServerCli(
    ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'],
    { env },
  );
  const folder = path.join(extensions, `${EXTENSION_ID}-${PACKAGE_JSON.version}`);
  if (!fs.existsSync(path.join(folder, 'package.json'))) {
    throw new Error(`installing ${vsix} did not create ${folder}:\n${output}`);
  }
  return { folder, output };
}

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits until it answers.
 * `workspaceTrust`: leave workspace trust to the user settings (restricted mode) instead of
 * disabling it. Returns { port, url(folder, extraQuery), pid, stop() }.
 */
export async function startCodeServer({
  port,
  userData,
  extensions,
  config,
  env,
  logFile,
  extraArgs = [],
  stdio,
  startTimeoutMs = 90_000,
  workspaceTrust = false,
}) {
  port ??= await freePort();
  const args = [
    CODE_SERVER,
    '--config', config,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...extraArgs,
  ];
  let out = stdio;
  let fd;
  if (!out) {
    fd = fs.openSync(logFile, 'a');
    out = ['ignore', fd, fd];
  }
  // detached: its own process group, so that stopping it also stops the extension host and its children.
  const child = spawn(NODE24, args, { env: { ...env, PORT: String(port) }, stdio: out, detached: true });
  if (fd !== undefined) fs.closeSync(fd);
  liveGroups.add(child.pid);
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const server = {
    port,
    pid: child.pid,
    child,
    get exited() {
      return exited;
    },
    url(folder, query = '') {
      return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}${query}`;
    },
    stop: () => killGroup(child.pid),
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`code-server exited at startup (${JSON.stringify(exited)})${logFile ? `:\n${tail(logFile)}` : ''}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return server;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer on port ${port} within ${startTimeoutMs} ms${logFile ? `:\n${tail(logFile)}` : ''}`);
    }
    await sleep(150);
  }
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Debian's Chromium, headless, with a throw-away profile and HOME; clipboard allowed. */
export async function launchChromium(profileDir, { home = profileDir, timeoutMs = 60_000 } = {}) {
  const { chromium } = loadPlaywright();
  const env = cleanEnv({
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    env,
    headless: true,
    timeout: timeoutMs,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--disable-features=Translate,MediaRouter',
    ],
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => withTimeout(context.close(), 15_000, 'closing Chromium').catch(() => {}) };
}

/** Waits for the workbench and for the remote connection (explorer rows drawn). */
export async function waitForWorkbench(page, timeoutMs = 90_000) {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

/** `.test-artifacts/<suite>-<time>/`, created on first use. */
export function artifactsDir(suite) {
  let dir;
  return () => {
    if (!dir) {
      dir = path.join(ARTIFACTS, `${suite}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      fs.mkdirSync(dir, { recursive: true });
    }
    return dir;
  };
}

/** Copies code-server's own log and the workbench/extension-host logs into `dir`. */
export function saveServerLogs(run, dir) {
  try {
    if (fs.existsSync(run.serverLog)) fs.copyFileSync(run.serverLog, path.join(dir, 'server.log'));
    const logs = path.join(run.userData, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dir, 'vscode-logs'), { recursive: true });
  } catch (err) {
    console.error(`could not save the server logs: ${err.message}`);
  }
}

/** Calls `cleanup` once on SIGINT/SIGTERM/SIGHUP, then exits with 128+n. */
export function onSignals(cleanup) {
  let done = false;
  const handler = async (signal) => {
    if (done) return;
    done = true;
    console.error(`\n${signal}: stopping`);
    try {
      await withTimeout(Promise.resolve(cleanup()), 20_000, 'cleanup');
    } catch {}
    process.exit(128 + (os.constants.signals[signal] ?? 1));
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, handler);
}

/** Writes a suite's totals for scripts/test.mjs (`--results FILE`). */
export function writeResults(file, results) {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}

/** Value of `--name value` in argv. */
export function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The ssh-keygen on PATH (the reference for every fingerprint). */
export function sshKeygen(args, opts = {}) {
  const r = spawnSync('ssh-keygen', args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`ssh-keygen ${args.join(' ')}: ${r.error.message} (install openssh-client)`);
  if (r.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `SHA256:…` / `MD5:…` exactly as `ssh-keygen -l -E <hash> -f <file>` prints it. */
export function keygenFingerprint(file, hash = 'sha256') {
  const out = sshKeygen(['-l', '-E', hash, '-f', file]).trim();
  const m = /^(\d+) (\S+) (.*) \((\S+)\)$/.exec(out);
  if (!m) throw new Error(`unexpected ssh-keygen -l output: ${out}`);
  return m[2];
}
