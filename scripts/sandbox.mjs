// The cloud sandboxes: each cloud's fake server (test/clouds/<cloud>/fake/, its SANDBOX in
// sandbox.ts: signatures checked as the real service checks them, the documented rules and error
// codes, state in memory) on free loopback ports, for trying every flow without an account.
// Nothing leaves this machine. The clouds come from the registry (src/clouds/registry.ts).
//
//   npm run sandbox [-- --port N]     starts only the fakes (the first on N, the next on N+1, …)
//                                     and prints their URLs, test credentials and CLI commands
//   npm start                         starts each too when that cloud's credentials are not in the
//                                     environment, and points the extension at it
//
// Both also make every fake Linux instance a real OpenSSH server on its loopback address
// (127.0.31–33.n: SANDBOX_ADDRESS_OFFSET; test/harness/instance-servers.mjs), letting in the keys
// bound to it, as root (the user running this: root only; otherwise one line says so and the fakes
// run without them). Their host keys go into a known_hosts file of the sandbox's own (never
// ~/.ssh: `sandboxSshFiles`), with an SSH config beside it that trusts it, for Connect in npm start
// and for `ssh -F` by hand. --no-instance-servers: none.
//
// Importable: compileSandbox(), compiledSandboxes(), cloudSandboxes(), hasCredentials(),
// SANDBOX_ADDRESS_OFFSET, sandboxStartOptions(), startSandboxInstanceServers(), instanceServersBanner().
// Node built-ins only (plus the compiled fakes and the test harness's sshd).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, repoRoot } from './ensure-deps.mjs';
import { instanceServersLoginUser, instanceServersUnavailable, startFakeInstanceServersOrNote } from '../test/harness/instance-servers.mjs';

const require = createRequire(import.meta.url);
const COMPILED_REGISTRY = path.join(repoRoot, 'out', 'src', 'clouds', 'registry.js');
const compiledSandbox = (cloud) => path.join(repoRoot, 'out', 'test', 'clouds', cloud, 'fake', 'sandbox.js');

/**
 * Every registered cloud's SANDBOX (test/fakes/sandbox.ts), in the registry's order, from tsc's
 * output (compileSandbox() first). A registered cloud without a fake is an error: its folder is incomplete.
 */
export function cloudSandboxes() {
  if (!fs.existsSync(COMPILED_REGISTRY)) throw new Error(`${COMPILED_REGISTRY} is missing: compile first (tsc -p .)`);
  return require(COMPILED_REGISTRY).CLOUDS.map(({ id }) => {
    const file = compiledSandbox(id);
    if (!fs.existsSync(file)) throw new Error(`the cloud "${id}" has no sandbox: test/clouds/${id}/fake/sandbox.ts is missing or did not compile`);
    return require(file).SANDBOX;
  });
}

/**
 * cloudSandboxes(), compiling first only when tsc's output is missing: for the harness, which runs
 * after `npm test`'s compile stage (and must not run tsc a second time), or alone on a fresh clone.
 */
export function compiledSandboxes(options) {
  if (!fs.existsSync(COMPILED_REGISTRY)) compileSandbox(options);
  return cloudSandboxes();
}

/** Whether the environment holds a cloud's credentials (then its real endpoint is used). */
export function hasCredentials(sandbox, env = process.env) {
  return sandbox.credentialVariables.every((v) => Boolean(env[v]?.trim()));
}

/**
 * Compiles the project (`tsc -p .`), which writes the fakes under out/test/clouds/. A type error
 * elsewhere in the tree does not stop the sandbox as long as tsc still emitted the fake.
 */
export function compileSandbox({ say = (...m) => console.log('[sandbox]', ...m) } = {}) {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    if (!fs.existsSync(COMPILED_REGISTRY)) throw new Error(`tsc -p . failed and did not write ${COMPILED_REGISTRY}:\n${r.stdout}${r.stderr}`);
    say(`warning: tsc -p . reported errors (the fake was still compiled):\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 10).join('\n')}`);
  }
}

/**
 * Added to each fake's loopback block (CVM 1, Lighthouse 2, ECS 3) for the sandbox's instances:
 * 127.0.31–33.n, apart from the test suites' (test/harness/README.md, "Instance servers").
 */
export const SANDBOX_ADDRESS_OFFSET = 30;

/**
 * The options of a SANDBOX's start() for npm start and npm run sandbox: the sandbox's address block
 * and, when instance servers will run (`instanceServers` and root), their login user for every Linux instance.
 */
export function sandboxStartOptions({ port = 0, instanceServers = true } = {}) {
  const loginUser = instanceServers && !instanceServersUnavailable() ? instanceServersLoginUser() : undefined;
  return { port, addressOffset: SANDBOX_ADDRESS_OFFSET, loginUser };
}

/**
 * The sandbox's own SSH files in `dir` (the user's ~/.ssh is never touched): `known_hosts` (the
 * instance servers' host keys, rewritten at each start) and `ssh_config`, created once, whose global
 * `UserKnownHostsFile` trusts them. Connect in npm start keeps its Host entries there
 * (cloudSshKeys.connect.sshConfigFile), so `ssh -F <ssh_config> <alias>` works by hand too.
 */
export function sandboxSshFiles(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const knownHosts = path.join(dir, 'known_hosts');
  const config = path.join(dir, 'ssh_config');
  if (!fs.existsSync(config)) {
    fs.writeFileSync(
      config,
      `# The sandbox's SSH config (npm start): Connect writes its Host entries here, not in ~/.ssh/config.\n` +
        `# The sandbox instances' host keys change at every start; they are in this known_hosts:\n` +
        `UserKnownHostsFile ${knownHosts}\nStrictHostKeyChecking yes\n`,
      { mode: 0o600 },
    );
  }
  return { knownHosts, config };
}

/**
 * An sshd per Linux instance of the started sandboxes (`[{ cloud, hosts }]`), their host keys in the
 * sandbox's known_hosts (`sandboxSshFiles`); resolves to the handle, or undefined after one line saying why not.
 */
export function startSandboxInstanceServers(started, { dir, say = (...m) => console.log('[sandbox]', ...m), note = 'npm run sandbox' } = {}) {
  const files = sandboxSshFiles(dir ?? path.join(os.tmpdir(), 'cloud-ssh-keys-sandbox-ssh'));
  return startFakeInstanceServersOrNote(started, { knownHostsFiles: [files.knownHosts], note, say }).then((servers) => servers && Object.assign(servers, { sshFiles: files }));
}

/** Lines for a person: which instance listens where, and how to log in. `names`: cloud id → service name. */
export function instanceServersBanner(servers, names = {}) {
  const byCloud = new Map();
  for (const s of servers.servers()) byCloud.set(s.cloud, [...(byCloud.get(s.cloud) ?? []), `${s.instanceId} ${s.address}`]);
  const first = servers.servers()[0]?.address ?? '127.0.31.2';
  return [
    `INSTANCES: each Linux instance of the sandboxes is a real OpenSSH server on this machine (${servers.servers().length} sshd),`,
    `letting in the keys bound to it once its cloud applies the binding (at once, or at the instance's next restart where the cloud says so):`,
    ...[...byCloud].map(([cloud, list]) => `  ${names[cloud] ?? cloud}: ${list.join(', ')}`),
    `Log in as ${servers.loginUser}: ssh -o UserKnownHostsFile=${servers.sshFiles?.knownHosts ?? servers.knownHostsFile} -i ~/.ssh/YOUR_KEY ${servers.loginUser}@${first}`,
    `(after Connect in VS Code: ssh -F ${servers.sshFiles?.config ?? '<ssh_config>'} <alias>; your ~/.ssh is not touched)`,
  ];
}

function portArgument(argv) {
  const i = argv.indexOf('--port');
  const text = i >= 0 ? argv[i + 1] : process.env.SANDBOX_PORT;
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('[sandbox] --port needs a number between 0 and 65535');
    process.exit(2);
  }
  return port;
}

async function main() {
  ensureDependencies();
  const port = portArgument(process.argv.slice(2));
  compileSandbox();
  const cli = path.relative(process.env.INIT_CWD || process.cwd(), path.join(repoRoot, 'dist', 'cli.js')) || 'dist/cli.js';
  const withServers = !process.argv.includes('--no-instance-servers');
  const started = [];
  const sandboxes = cloudSandboxes();
  for (const [i, sandbox] of sandboxes.entries()) started.push(await sandbox.start(sandboxStartOptions({ port: port ? port + i : 0, instanceServers: withServers })));
  const servers = withServers
    ? await startSandboxInstanceServers(started.map((s, i) => ({ cloud: sandboxes[i].cloud, hosts: s.hosts })))
    : undefined;
  const banners = started.map((s) => s.banner.map((line) => (line ? `  ${line.replaceAll('{cli}', cli)}` : '')).join('\n'));
  if (servers) banners.push(instanceServersBanner(servers, Object.fromEntries(sandboxes.map((s) => [s.cloud, s.service]))).map((l) => `  ${l}`).join('\n'));
  console.log(`\n${banners.join('\n\n')}\n\n  No real cloud is contacted; key pairs live in memory until Ctrl-C (npm run build first if dist/ is missing).\n  Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sandbox] ${signal}: stopping`);
    await servers?.stop();
    for (const s of started) await s.stop();
    process.exit(0);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => void stop(s));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[sandbox] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
