// Runs the in-host mocha suite (out/test/integration/index.js) inside code-server's real extension
// host: code-server with the smoke-test driver, a workbench page opened with a payload naming the
// extension under development (this checkout) and the test module; the suite's result comes back
// through window.codeAutomationExit(code).
//
// usage: node test/harness/run-integration.mjs [--restricted] [--results FILE] [--grep PATTERN]
//   --restricted  restricted mode: workspace trust on and the folder left untrusted; runs only
//                 test/integration/restricted/*.test.ts (the normal run never does)
// env:   CLOUD_SSH_KEYS_TEST_TIMEOUT_MS (default 300000), VERBOSE=1 (all console output),
//        CLOUD_SSH_KEYS_KEEP_TMP=1 (keep the temporary HOME etc.)
// Prerequisites: npm run build, tsc -p ., bash scripts/bootstrap.sh (npm run test:integration does all).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import {
  PACKAGE_JSON, REPO, RESTRICTED_MODE_SETTINGS, argValue, artifactsDir, assertBootstrapped, launchChromium, logger, makeRunDir,
  onSignals, saveServerLogs, startCodeServer, withTimeout, writeResults,
} from './common.mjs';
import { fakeUrlEnvironment, startFakeClouds, stopFakeClouds } from './fake-clouds.mjs';
import { FIXTURE_ENV, createFixture, installTrustProbes } from './fixture.mjs';

const restricted = process.argv.includes('--restricted');
const SUITE = restricted ? 'integration-restricted' : 'integration';
const log = logger(SUITE);
const TIMEOUT = Number(process.env.CLOUD_SSH_KEYS_TEST_TIMEOUT_MS || 300_000);
const resultsOut = argValue('--results');
const grep = argValue('--grep') ?? process.env.CLOUD_SSH_KEYS_TEST_GREP;
const testsModule = path.join(REPO, 'out/test/integration/index.js');

let server;
let browser;
let fakes;
let run;
let exitCode = 1;
let results;
const artifacts = artifactsDir(SUITE);

async function cleanup() {
  await browser?.close();
  browser = undefined;
  await server?.stop();
  server = undefined;
  await stopFakeClouds(fakes);
  fakes = undefined;
}
onSignals(async () => {
  await cleanup();
  run?.remove();
});

// Extension-host console output (mocha's reporter included) reaches the page console as
// ['%c INFO', 'color: …', format, ...args]: turn it back into the original line.
const NOISE = /Failed to load resource|gallery|marketplace|authentication provider|same-origin|allow-scripts|ERR_NETWORK|ERR_INTERNET|net::ERR|\[Extension Host\] (Activating|Extension host|Started local)/i;
const HOST_CHATTER = /^\s*(\[[\w .:-]+\]|Resolving|Resolved|Creating a socket|Updating additional|Extension host agent|Started initializing)/;
async function forwardConsole(message) {
  const text = message.text();
  if (!process.env.VERBOSE && NOISE.test(text)) return;
  let args;
  try {
    args = await Promise.all(message.args().map((a) => a.jsonValue()));
  } catch {
    args = [text];
  }
  if (typeof args[0] === 'string' && args[0].startsWith('%c')) args = args.slice(2);
  const line = args.length ? util.format(...args) : text;
  if (!process.env.VERBOSE && HOST_CHATTER.test(line)) return;
  if (!process.env.VERBOSE && message.type() !== 'log' && message.type() !== 'info' && message.type() !== 'error') return;
  console.log(line);
}

const watchdog = setTimeout(async () => {
  console.error(`[${SUITE}] the suite did not finish within ${TIMEOUT} ms: stopping`);
  await cleanup().catch(() => {});
  run?.remove();
  process.exit(1);
}, TIMEOUT + 60_000);

try {
  assertBootstrapped();
  for (const f of [path.join(REPO, 'dist/extension.js'), testsModule]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO, f)} is missing: run npm run build && npx tsc -p .`);
  }
  run = makeRunDir(restricted ? 'itr' : 'it', { userSettings: restricted ? RESTRICTED_MODE_SETTINGS : {} });
  const { fixture, file: fixtureFile } = createFixture(run.home, run.root);
  if (restricted) installTrustProbes(run.extensions, PACKAGE_JSON.capabilities);
  const resultsFile = path.join(run.root, 'results.json');
  log('fixture HOME', run.home);
  // The cloud tests talk to fakes (their credentials are set through the commands, never the environment).
  fakes = await startFakeClouds();
  for (const f of Object.values(fakes)) log(`fake ${f.sandbox.service} on`, f.url);
  const env = { ...run.env, [FIXTURE_ENV]: fixtureFile, CLOUD_SSH_KEYS_TEST_RESULTS: resultsFile, ...fakeUrlEnvironment(fakes) };
  for (const f of Object.values(fakes)) for (const name of [...f.sandbox.credentialVariables, ...f.sandbox.clearVariables]) delete env[name];
  if (grep) env.CLOUD_SSH_KEYS_TEST_GREP = grep;
  // test/integration/index.ts picks the restricted/ folder's tests instead of its own.
  if (restricted) env.CLOUD_SSH_KEYS_TEST_SUITE = 'restricted';
  server = await startCodeServer({
    ...run,
    logFile: run.serverLog,
    env,
    // The built workbench honours the `payload` (extensionDevelopmentPath/extensionTestsPath) only with this:
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    workspaceTrust: restricted,
  });
  log('code-server up on port', server.port);
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['extensionTestsPath', remote(testsModule)],
  ];
  const url = server.url(fixture.workspace, `&payload=${encodeURIComponent(JSON.stringify(payload))}`);

  browser = await launchChromium(run.chrome);
  const { page } = browser;
  let settle;
  const finished = new Promise((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  page.on('console', (m) => void forwardConsole(m).catch(() => {}));
  page.on('pageerror', (err) => process.env.VERBOSE && console.log('[page error]', err.message));
  await page.goto(url, { timeout: 60_000 });
  log('workbench loading; the suite runs in the extension host');
  exitCode = await withTimeout(finished, TIMEOUT, 'the in-host suite');
  log('codeAutomationExit', exitCode);
  if (fs.existsSync(resultsFile)) results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  if (!results) {
    console.error(`[${SUITE}] the suite wrote no results (did it load? see the extension host log)`);
    exitCode = exitCode || 1;
  } else if (exitCode === 0 && results.failed > 0) {
    exitCode = 1;
  }
  if (exitCode !== 0 && browser) {
    const dir = artifacts();
    await page.screenshot({ path: path.join(dir, 'workbench.png') }).catch(() => {});
  }
} catch (err) {
  console.error(`[${SUITE}] ${err.stack || err}`);
  exitCode = 1;
  if (browser) await browser.page.screenshot({ path: path.join(artifacts(), 'workbench.png') }).catch(() => {});
} finally {
  await cleanup();
  clearTimeout(watchdog);
  if (exitCode !== 0 && run) {
    const dir = artifacts();
    saveServerLogs(run, dir);
    console.log(`[${SUITE}] artifacts (screenshot, server and extension host logs): ${dir}`);
  }
  run?.remove();
}
const summary = results ?? { suite: SUITE, passed: 0, failed: 1, pending: 0, error: 'the suite did not report results' };
writeResults(resultsOut, summary);
log(`${summary.passed} passed, ${summary.failed} failed${exitCode ? ' — FAILED' : ''}`);
process.exit(exitCode ? 1 : 0);
