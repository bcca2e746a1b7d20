// Browser end-to-end suite: the packaged .vsix installed into a fresh code-server (no smoke-test
// driver, so notifications and menus behave as for a user), driven through Debian's Chromium.
//
// Steps live in test/e2e/*.e2e.mjs, run in file-name order; each file's default export is a list of
// { name, run(t) } where t = { page, fixture, server, fakes, keygenFingerprint, screenshot(name), log }.
// A step that throws is reported `not ok`, gets a screenshot, and the next step still runs.
//
// usage: node test/harness/run-e2e.mjs [--vsix FILE] [--results FILE] [--grep PATTERN]
// env:   CLOUD_SSH_KEYS_E2E_STEP_TIMEOUT_MS (default 90000), CLOUD_SSH_KEYS_E2E_TIMEOUT_MS (whole run,
//        default 900000), CLOUD_SSH_KEYS_KEEP_TMP=1
// Prerequisites: npm run package, bash scripts/bootstrap.sh (npm run test:e2e does both).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO, VSIX, argValue, artifactsDir, assertBootstrapped, installVsix, keygenFingerprint, launchChromium, logger,
  makeRunDir, onSignals, saveServerLogs, startCodeServer, waitForWorkbench, withTimeout, writeResults,
} from './common.mjs';
import { fakeCloudSettings, startFakeClouds, stopFakeClouds } from './fake-clouds.mjs';
import { compiledSandboxes } from '../../scripts/sandbox.mjs';
import { FIXTURE_ENV, createFixture } from './fixture.mjs';
import { activityTab } from '../e2e/ui.mjs';

const log = logger('e2e');
const STEP_TIMEOUT = Number(process.env.CLOUD_SSH_KEYS_E2E_STEP_TIMEOUT_MS || 90_000);
const vsix = path.resolve(argValue('--vsix') ?? VSIX);
const resultsOut = argValue('--results');
const grep = argValue('--grep') ?? process.env.CLOUD_SSH_KEYS_E2E_GREP;
const STEPS_DIR = path.join(REPO, 'test/e2e');

let server;
let browser;
let run;
let fakes;
const artifacts = artifactsDir('e2e');
const counts = { suite: 'e2e', passed: 0, failed: 0, pending: 0, failures: [], tags: {} };
let setupError;

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

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

/** The shared steps (test/e2e/), then each cloud's (test/clouds/<cloud>/e2e/) in the registry's order. */
function stepFiles() {
  const shared = fs.readdirSync(STEPS_DIR).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join(STEPS_DIR, f));
  const perCloud = compiledSandboxes().flatMap(({ cloud }) => {
    const dir = path.join(REPO, 'test', 'clouds', cloud, 'e2e');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join(dir, f)) : [];
  });
  return [...shared, ...perCloud];
}

async function loadSteps() {
  const steps = [];
  for (const file of stepFiles()) {
    const f = path.relative(REPO, file);
    const mod = await import(pathToFileURL(file).href);
    const list = mod.default ?? mod.steps;
    if (!Array.isArray(list)) throw new Error(`${f} must export default [{ name, run }]`);
    for (const step of list) steps.push({ ...step, file: f });
  }
  return grep ? steps.filter((s) => new RegExp(grep, 'i').test(s.name)) : steps;
}

// Backstop: every wait below has its own limit; this one bounds the whole run.
const TOTAL_TIMEOUT = Number(process.env.CLOUD_SSH_KEYS_E2E_TIMEOUT_MS || 900_000);
const watchdog = setTimeout(async () => {
  console.error(`[e2e] the suite did not finish within ${TOTAL_TIMEOUT} ms: stopping`);
  await cleanup().catch(() => {});
  run?.remove();
  process.exit(1);
}, TOTAL_TIMEOUT);

try {
  assertBootstrapped();
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run npm run package`);
  const steps = await loadSteps();
  run = makeRunDir('e2e');
  const { fixture, file: fixtureFile } = createFixture(run.home, run.root);
  log('fixture HOME', run.home);

  const installed = await installVsix(vsix, run);
  log(`installed ${path.basename(vsix)} into ${path.relative(run.root, installed.folder)}`);

  // Each cloud: its fake on 127.0.0.1 (the endpoint setting, so the views show "Sandbox"); its test
  // credential in the environment the extension falls back to, or set through the palette by the steps.
  fakes = await startFakeClouds();
  for (const f of Object.values(fakes)) log(`fake ${f.sandbox.service} on`, f.url);
  // Machine-scoped settings: in a code-server window they come from the server's Machine settings.
  fs.mkdirSync(path.join(run.userData, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(run.userData, 'Machine', 'settings.json'), JSON.stringify(fakeCloudSettings(fakes), null, 2) + '\n');
  const env = { ...run.env, [FIXTURE_ENV]: fixtureFile };
  for (const f of Object.values(fakes)) {
    for (const name of [...f.sandbox.credentialVariables, ...f.sandbox.clearVariables]) delete env[name];
    if (f.sandbox.testCredentialInEnvironment) Object.assign(env, f.env);
  }
  server = await startCodeServer({ ...run, logFile: run.serverLog, env });
  log('code-server up on port', server.port);
  browser = await launchChromium(run.chrome);
  const { page } = browser;
  page.setDefaultTimeout(20_000);
  await page.goto(server.url(fixture.workspace), { timeout: 60_000 });
  await waitForWorkbench(page);
  // The workbench draws before the server's extensions are registered: wait for the installed
  // extension's activity-bar entry, so that no step races the registration.
  const title = 'Cloud SSH Keys'; // the activity-bar container's title (package.nls.json viewsContainer.title)
  try {
    await activityTab(page, title).waitFor({ state: 'visible', timeout: 60_000 });
  } catch {
    throw new Error(`the activity bar never showed "${title}": the installed extension's contributions were not registered`);
  }
  log('workbench ready, extension registered');

  const t = {
    page,
    fixture,
    server,
    log,
    keygenFingerprint,
    /** Each cloud's fake by cloud id: { url, fake (its requests, state), credential, sandbox }. */
    fakes,
    screenshot: (name) => page.screenshot({ path: path.join(artifacts(), `${slug(name)}.png`) }),
  };
  console.log(`\n1..${steps.length}`);
  let n = 0;
  for (const step of steps) {
    n += 1;
    const start = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => step.run(t)), STEP_TIMEOUT, `step "${step.name}"`);
      counts.passed += 1;
      // Passing steps per title tag (`… @cancel`), for the README's Reliability section.
      for (const m of step.name.matchAll(/(?:^|\s)@([a-z0-9-]+)/g)) counts.tags[m[1]] = (counts.tags[m[1]] ?? 0) + 1;
      console.log(`ok ${n} - ${step.name} (${Date.now() - start} ms)`);
    } catch (err) {
      counts.failed += 1;
      counts.failures.push({ title: step.name, error: String(err?.message ?? err) });
      const shot = path.join(artifacts(), `${String(n).padStart(2, '0')}-${slug(step.name)}.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      console.log(`not ok ${n} - ${step.name} (${Date.now() - start} ms)`);
      console.log(String(err?.stack ?? err).split('\n').map((l) => `    ${l}`).join('\n'));
      console.log(`    screenshot: ${shot}`);
    }
    // leave no menu, quick pick or hover open for the next step
    for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
  }
} catch (err) {
  setupError = err;
  console.error(`[e2e] ${err.stack || err}`);
  if (browser) await browser.page.screenshot({ path: path.join(artifacts(), 'setup.png') }).catch(() => {});
} finally {
  await cleanup();
  clearTimeout(watchdog);
  if ((setupError || counts.failed) && run) {
    const dir = artifacts();
    saveServerLogs(run, dir);
    console.log(`[e2e] artifacts (screenshots, server and extension host logs): ${dir}`);
  }
  run?.remove();
}
console.log(`\n  ${counts.passed} passing`);
if (counts.failed) console.log(`  ${counts.failed} failing`);
for (const [i, f] of counts.failures.entries()) console.log(`  ${i + 1}) ${f.title}\n     ${f.error.split('\n')[0]}`);
if (setupError) counts.failed = Math.max(counts.failed, 1);
writeResults(resultsOut, setupError ? { ...counts, error: String(setupError.message) } : counts);
process.exit(setupError || counts.failed ? 1 : 0);
