// The cloud sandboxes: the fake Tencent CVM and Alibaba ECS servers of test/fakes/ (TC3 and ACS3
// signatures checked as the real services check them, the documented rules and error codes, state
// in memory) on free loopback ports, for trying every flow without an account. Nothing leaves
// this machine.
//
//   npm run sandbox [-- --port N]     starts only the fakes (CVM on N, ECS on N+1 when N is given);
//                                     prints their URLs and test credentials
//                                     (for the CLI: node dist/cli.js tencent|alibaba … --endpoint URL)
//   npm start                         starts each too when that cloud's credentials are not in the
//                                     environment, and points the extension at it
//
// Importable: compileSandbox(), startSandbox(), startEcsSandbox(). Node built-ins only (plus the compiled fakes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, repoRoot } from './ensure-deps.mjs';

const FAKE_MODULE = path.join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'server.js');
const FAKE_ECS_MODULE = path.join(repoRoot, 'out', 'test', 'clouds', 'alibaba', 'fake', 'server.js');
const require = createRequire(import.meta.url);

/** The environment variables that make the extension and the CLI use real credentials. */
export const CREDENTIAL_VARIABLES = ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN'];

/** The same for Alibaba Cloud (the variables Alibaba's own CLI and SDKs read). */
export const ALIBABA_CREDENTIAL_VARIABLES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'];

/** Whether the environment holds Alibaba Cloud credentials (then the real cloud is used). */
export function hasAlibabaCredentials(env = process.env) {
  return Boolean(env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim() && env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim());
}

/** Whether the environment holds Tencent Cloud credentials (then the real cloud is used). */
export function hasTencentCredentials(env = process.env) {
  return Boolean(env.TENCENTCLOUD_SECRET_ID?.trim() && env.TENCENTCLOUD_SECRET_KEY?.trim());
}

/**
 * Compiles the project (`tsc -p .`), which writes the fake to out/test/clouds/*/fake/. A type error
 * elsewhere in the tree does not stop the sandbox as long as tsc still emitted the fake.
 */
export function compileSandbox({ say = (...m) => console.log('[sandbox]', ...m) } = {}) {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    if (!fs.existsSync(FAKE_MODULE) || !fs.existsSync(FAKE_ECS_MODULE)) throw new Error(`tsc -p . failed and did not write ${FAKE_MODULE}:\n${r.stdout}${r.stderr}`);
    say(`warning: tsc -p . reported errors (the fake was still compiled):\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 10).join('\n')}`);
  }
}

/**
 * Starts the fake CVM server in this process on 127.0.0.1 (`port` 0: a free one).
 * Resolves to { url, secretId, secretKey, fake, stop() }; the credentials are the fake's test ones.
 */
export async function startSandbox({ port = 0 } = {}) {
  const { FakeTencentCvm, FAKE_TEST_CREDENTIAL } = require(FAKE_MODULE);
  const fake = new FakeTencentCvm({ port });
  const url = await fake.start();
  return { url, secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey, fake, stop: () => fake.stop() };
}

/**
 * Starts the fake ECS server in this process on 127.0.0.1 (`port` 0: a free one).
 * Resolves to { url, accessKeyId, accessKeySecret, fake, stop() }; the AccessKey is the fake's test one.
 */
export async function startEcsSandbox({ port = 0 } = {}) {
  const { FakeAlibabaEcs, FAKE_ECS_ACCESS_KEY } = require(FAKE_ECS_MODULE);
  const fake = new FakeAlibabaEcs({ port });
  const url = await fake.start();
  return { url, accessKeyId: FAKE_ECS_ACCESS_KEY.accessKeyId, accessKeySecret: FAKE_ECS_ACCESS_KEY.accessKeySecret, fake, stop: () => fake.stop() };
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
  const sandbox = await startSandbox({ port });
  const ecs = await startEcsSandbox({ port: port ? port + 1 : 0 });
  const cli = path.relative(process.env.INIT_CWD || process.cwd(), path.join(repoRoot, 'dist', 'cli.js')) || 'dist/cli.js';
  console.log(`
  SANDBOX: a fake Tencent Cloud CVM API on this machine. No real cloud is contacted;
  key pairs live in memory until Ctrl-C.

    URL:        ${sandbox.url}
    SecretId:   ${sandbox.secretId}
    SecretKey:  ${sandbox.secretKey}   (the fake's test credential, not a secret)

  Try the CLI against it (npm run build first if dist/ is missing):

    export TENCENTCLOUD_SECRET_ID=${sandbox.secretId}
    export TENCENTCLOUD_SECRET_KEY=${sandbox.secretKey}
    node ${cli} tencent import ~/.ssh/id_ed25519.pub --name my_key --region ap-guangzhou --endpoint ${sandbox.url}
    node ${cli} tencent list --region ap-guangzhou --endpoint ${sandbox.url}

  What it received: ${sandbox.url}/__admin/requests   state: ${sandbox.url}/__admin/state

  SANDBOX: a fake Alibaba Cloud ECS API on this machine (ACS3-HMAC-SHA256 signatures checked).

    URL:               ${ecs.url}
    AccessKey ID:      ${ecs.accessKeyId}
    AccessKey secret:  ${ecs.accessKeySecret}   (the fake's test key, not a secret)

    export ALIBABA_CLOUD_ACCESS_KEY_ID=${ecs.accessKeyId}
    export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${ecs.accessKeySecret}
    node ${cli} alibaba import ~/.ssh/id_ed25519.pub --name my-key --region cn-hangzhou --endpoint ${ecs.url}
    node ${cli} alibaba list --region cn-hangzhou --endpoint ${ecs.url}

  What it received: ${ecs.url}/__admin/requests   state: ${ecs.url}/__admin/state
  Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sandbox] ${signal}: stopping`);
    await sandbox.stop();
    await ecs.stop();
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
