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
// Importable: compileSandbox(), compiledSandboxes(), cloudSandboxes(), hasCredentials(). Node built-ins only (plus the compiled fakes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, repoRoot } from './ensure-deps.mjs';

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
  const started = [];
  for (const [i, sandbox] of cloudSandboxes().entries()) started.push(await sandbox.start({ port: port ? port + i : 0 }));
  const banners = started.map((s) => s.banner.map((line) => (line ? `  ${line.replaceAll('{cli}', cli)}` : '')).join('\n'));
  console.log(`\n${banners.join('\n\n')}\n\n  No real cloud is contacted; key pairs live in memory until Ctrl-C (npm run build first if dist/ is missing).\n  Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sandbox] ${signal}: stopping`);
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
