// `npm start [-- FOLDER]`: builds, packages the .vsix, bootstraps the host tools, installs the .vsix
// into a dedicated extensions folder in the cache and serves VS Code (code-server) on 127.0.0.1 for
// this machine's user, with the user's own HOME (so the Local Keys view shows the real ~/.ssh).
// Opens FOLDER (default: the folder npm was started from). Port: $PORT, else a free one.
// Ctrl-C / SIGTERM stop the server and everything it started (its whole process group).
//
// Each cloud of the registry is decided on its own: with its credentials in the environment (the
// variables its own CLI reads) the extension uses them and the real endpoint. Without them this
// starts that cloud's SANDBOX (scripts/sandbox.mjs): its fake server on a free loopback port, in
// this process, stopped with everything else; the machine-scoped endpoint setting points at it and
// code-server's environment carries the fake's test credential. No real cloud is contacted.
// Each sandbox's Linux instances are real OpenSSH servers (scripts/sandbox.mjs,
// test/harness/instance-servers.mjs: root only, 127.0.31–33.n), letting in the keys bound to them;
// their host keys are in <cache>/start/ssh/known_hosts, which the sandbox's SSH config there
// (cloudSshKeys.connect.sshConfigFile while it runs) trusts: the user's ~/.ssh is never touched.
//
// Options: --no-build (use the existing .vsix), --quiet (no server output on the terminal),
// --no-sandbox (never start the sandbox, even without credentials), --no-instance-servers (the
// sandboxes without sshd).
// The server's state (settings, installed extension) lives in <cache>/start/ and persists
// ($CLOUD_SSH_KEYS_START_DIR overrides the folder).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CACHE, REPO, VSIX, QUIET_SETTINGS, assertBootstrapped, freePort, installVsix, killGroup, startCodeServer, writeUserSettings,
} from '../test/harness/common.mjs';
import { packageVsix } from './package.mjs';
import { ensureDependencies } from './ensure-deps.mjs';
import { cloudSandboxes, compileSandbox, hasCredentials, instanceServersBanner, sandboxStartOptions, startSandboxInstanceServers } from './sandbox.mjs';

// A fresh clone has no node_modules: `npm start` alone must be enough.
ensureDependencies();

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const positional = args.filter((a) => !a.startsWith('--'));
const say = (...m) => console.log('[start]', ...m);

function step(title, fn) {
  const t0 = Date.now();
  say(`${title}…`);
  const r = fn();
  say(`${title}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

function sh(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${cmd} ${cmdArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

// npm runs scripts in the package folder; the folder the user typed `npm start` in is INIT_CWD.
const userCwd = process.env.INIT_CWD || process.cwd();
const folder = path.resolve(userCwd, positional[0] ?? '.');
if (!fs.existsSync(folder)) {
  console.error(`[start] ${folder} does not exist`);
  process.exit(1);
}

let vsix = VSIX;
if (!flags.has('--no-build')) {
  step('build', () => sh('npm', ['run', '--silent', 'build']));
  vsix = step('package', () => {
    try {
      return packageVsix({ quiet: true });
    } catch (err) {
      console.error(`[start] ${err.message}`);
      process.exit(1);
    }
  });
}
step('bootstrap', () => sh('bash', [path.join(REPO, 'scripts/bootstrap.sh')]));
assertBootstrapped();

// CLOUD_SSH_KEYS_START_DIR: another state folder (the start smoke test uses a throw-away one).
const base = process.env.CLOUD_SSH_KEYS_START_DIR || path.join(CACHE, 'start');
const dirs = {
  userData: path.join(base, 'user-data'),
  extensions: path.join(base, 'extensions'),
  config: path.join(base, 'code-server.yaml'),
};
fs.mkdirSync(dirs.extensions, { recursive: true });
// Our own config file, so code-server never writes ~/.config/code-server/config.yaml.
fs.writeFileSync(dirs.config, 'auth: none\n');
writeUserSettings(dirs.userData, QUIET_SETTINGS, { overwrite: false });

// The user's environment, minus what would make code-server hand over to another instance.
const env = { ...process.env };
for (const key of Object.keys(env)) {
  if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('npm_') || key === 'INIT_CWD') delete env[key];
}
for (const key of ['PASSWORD', 'HASHED_PASSWORD']) delete env[key];

// ---- Each cloud: the real one (credentials in the environment) or its sandbox ----
// The endpoint settings are machine-scoped: in a code-server window those come from the server's
// Machine settings (the "Remote" tab), not from the User settings.
const machineSettingsFile = path.join(dirs.userData, 'Machine', 'settings.json');
// The clouds come from the registry through each one's SANDBOX (test/clouds/<cloud>/fake/sandbox.ts),
// so the project is compiled first (a few seconds; tsc only rewrites what changed).
step('compile the sandboxes (tsc -p .)', () => {
  try {
    compileSandbox({ say });
  } catch (err) {
    console.error(`[start] ${err.message}`);
    process.exit(1);
  }
});
const CLOUDS = cloudSandboxes().map((sandbox) => ({
  ...sandbox,
  // The sandbox URL this script last wrote to the endpoint setting, so that only that value is ever removed again.
  record: path.join(base, `sandbox-endpoint-${sandbox.cloud}`),
  variables: sandbox.credentialVariables.join(' / '),
}));

/** settings.json as an object: {} when missing, undefined when it cannot be read as JSON with comments. */
function readSettings(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  // JSONC: drop comments (outside strings) and trailing commas.
  const json = text
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    const value = json.trim() ? JSON.parse(json) : {};
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
function writeSettings(file, settings) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

/** Started sandboxes, each with its cloud: [{ cloud, sandbox }]. */
const sandboxes = [];
const needSandbox = CLOUDS.filter((c) => !hasCredentials(c, env) && !flags.has('--no-sandbox'));
for (const cloud of CLOUDS) {
  if (!needSandbox.includes(cloud)) {
    // The real cloud: take back the sandbox endpoint an earlier run wrote, if it is still there.
    const recorded = fs.existsSync(cloud.record) ? fs.readFileSync(cloud.record, 'utf8').trim() : '';
    const settings = readSettings(machineSettingsFile);
    if (recorded && settings?.[cloud.endpointSetting] === recorded) {
      delete settings[cloud.endpointSetting];
      writeSettings(machineSettingsFile, settings);
      say(`removed the ${cloud.name} sandbox endpoint (${recorded}) an earlier npm start had set`);
    }
    fs.rmSync(cloud.record, { force: true });
    say(hasCredentials(cloud, env)
      ? `${cloud.name}: the credentials in ${cloud.variables}, the real endpoint`
      : `${cloud.name}: --no-sandbox, the real endpoint (no credentials in the environment)`);
    continue;
  }
  const sandbox = await cloud.start(sandboxStartOptions({ instanceServers: !flags.has('--no-instance-servers') }));
  sandboxes.push({ cloud, sandbox });
  const settings = readSettings(machineSettingsFile);
  if (settings) {
    settings[cloud.endpointSetting] = sandbox.url;
    writeSettings(machineSettingsFile, settings);
    fs.writeFileSync(cloud.record, sandbox.url + '\n');
  } else {
    say(`warning: ${machineSettingsFile} is not readable as JSON; set "${cloud.endpointSetting}": "${sandbox.url}" there (Remote settings) yourself`);
  }
  // The fake's test credential in the environment (the extension and the CLI read the same variables).
  for (const v of cloud.clearVariables) delete env[v];
  Object.assign(env, sandbox.env);
  say(`sandbox: fake ${cloud.service} on ${sandbox.url}`);
}

// The sandboxes' instances as sshd, while the .vsix installs (a failed start only says so: the sandboxes work without them).
const SANDBOX_SSH_DIR = path.join(base, 'ssh');
const SSH_CONFIG_SETTING = 'cloudSshKeys.connect.sshConfigFile';
{
  // Without instance servers, a sandbox SSH config an earlier run set is taken back.
  const settings = readSettings(machineSettingsFile);
  if (settings?.[SSH_CONFIG_SETTING] === path.join(SANDBOX_SSH_DIR, 'ssh_config')) {
    delete settings[SSH_CONFIG_SETTING];
    writeSettings(machineSettingsFile, settings);
  }
}
let instanceServers;
const instanceServersReady =
  sandboxes.length > 0 && !flags.has('--no-instance-servers')
    ? (async () => {
        const t0 = Date.now();
        instanceServers = await startSandboxInstanceServers(sandboxes.map(({ cloud, sandbox }) => ({ cloud: cloud.cloud, hosts: sandbox.hosts })), {
          dir: SANDBOX_SSH_DIR,
          say,
          note: 'npm start',
        });
        if (instanceServers) say(`instance servers: ${instanceServers.servers().length} sshd in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        // Connect in this VS Code writes the sandbox's SSH config (trusting the servers' host keys), never ~/.ssh/config.
        const settings = readSettings(machineSettingsFile);
        if (instanceServers && settings) writeSettings(machineSettingsFile, { ...settings, [SSH_CONFIG_SETTING]: instanceServers.sshFiles.config });
      })()
    : Promise.resolve();

await (async () => {
  const t0 = Date.now();
  say(`installing ${path.basename(vsix)} into ${dirs.extensions}…`);
  try {
    await installVsix(vsix, { ...dirs, env });
  } catch (err) {
    console.error(`[start] ${err.message}`);
    process.exit(1);
  }
  say(`installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
})();
await instanceServersReady;

const port = Number(process.env.PORT) || (await freePort());
let server;
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping code-server…`);
  if (server) await killGroup(server.pid);
  await instanceServersReady;
  await instanceServers?.stop();
  for (const { sandbox } of sandboxes) await sandbox.stop();
  say('stopped');
  process.exit(0);
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => void stop(s));

try {
  server = await startCodeServer({
    ...dirs,
    port,
    env,
    // the server's own output on this terminal (it is in another process group, so Ctrl-C reaches only us)
    stdio: flags.has('--quiet') ? ['ignore', 'ignore', 'ignore'] : ['ignore', 'inherit', 'inherit'],
  });
} catch (err) {
  console.error(`[start] ${err.message}`);
  process.exit(1);
}
const url = server.url(folder);
console.log(`
  Cloud SSH Keys is running in VS Code (code-server ${readCodeServerVersion()}):

    ${url}

  HOME: ${process.env.HOME}   folder: ${folder}
${CLOUDS.map((cloud) => {
  const sb = sandboxes.find((x) => x.cloud === cloud)?.sandbox;
  return sb ? sandboxBanner(cloud, sb) : `  ${cloud.name}: the real one, with the credentials in your environment.\n`;
}).join('')}${instanceServers ? `\n${instanceServersBanner(instanceServers, Object.fromEntries(CLOUDS.map((c) => [c.cloud, c.service]))).map((l) => `  ${l}`).join('\n')}\n\n` : ''}  Ctrl-C to stop.
`);

function sandboxBanner(cloud, sb) {
  return `
  SANDBOX: no ${cloud.name} credentials in the environment, so ${cloud.service} is simulated by
  a local fake at ${sb.url} (no real cloud is contacted; key pairs live in memory until
  Ctrl-C). The views show a "Sandbox" marker. To use your account instead, start with
  ${cloud.variables} set.
  Credentials saved with "Set ${cloud.name} Credentials" in this VS Code take precedence over
  the sandbox's: sign out of ${cloud.name} there to use the sandbox.
  The CLI against it:
${sb.banner.filter((line) => line.includes('{cli}')).map((line) => `  ${line.replace('{cli}', 'dist/cli.js')}`).join('\n')}
`;
}
server.child.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${code ?? signal})`);
  void killGroup(server.pid, 1000).then(() => process.exit(code || 1));
});

function readCodeServerVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(CACHE, 'code-server/node_modules/code-server/package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}
