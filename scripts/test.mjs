// `npm test`: every stage in order, stopping at the first failure, always ending with a summary
// and, as the very last line, `N passed, N failed` (tests summed over unit, in-host and e2e).
//
//   node scripts/test.mjs               all stages
//   node scripts/test.mjs integration   build, compile, bootstrap, in-host suite, then its restricted-mode run   (npm run test:integration)
//   node scripts/test.mjs e2e           build, bootstrap, package, browser suite   (npm run test:e2e)
//   node scripts/test.mjs unit          build, compile, unit tests
//   node scripts/test.mjs start         build, then `npm start` run and stopped as a user does   (npm run test:start)
// Further arguments go to the last stage's runner (both in-host runs share theirs), e.g.
// `npm run test:integration -- --grep tooltip`.
// Each stage has a time limit; a stage that exceeds it is stopped (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';
import { reconcileReadme } from './reliability-report.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A fresh clone has no node_modules: `npm test` alone must be enough.
ensureDependencies();
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const node = process.execPath;
const bin = (pkg, file) => path.join(REPO, 'node_modules', pkg, file);
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-results-'));
const result = (name) => path.join(resultsDir, `${name}.json`);

const argv = process.argv.slice(2).filter((a) => a !== '--');
const selection = argv[0] && !argv[0].startsWith('-') ? argv.shift() : 'all';
const passThrough = argv;

const MIN = 60_000;
const STAGES = {
  build: { title: 'build (esbuild)', cmd: [NPM, 'run', 'build'], timeout: 5 * MIN },
  compile: { title: 'typecheck + compile tests (tsc -p .)', cmd: [node, bin('typescript', 'bin/tsc'), '-p', '.'], timeout: 5 * MIN, before: removeStaleTests },
  unit: {
    title: 'unit tests (mocha)',
    cmd: [node, bin('mocha', 'bin/mocha.js'), '--timeout', '60000', '--reporter', path.join(REPO, 'test/harness/mocha-totals-reporter.cjs'), 'out/test/unit/**/*.test.js', 'out/test/clouds/*/unit/**/*.test.js'],
    env: { MOCHA_TOTALS_FILE: result('unit') },
    timeout: 15 * MIN,
    results: 'unit',
  },
  // The README's first command as a newcomer runs it; on a cold cache it does the bootstrap itself.
  start: {
    title: 'npm start smoke (serves VS Code, shows Local Keys, Ctrl-C stops everything)',
    cmd: [node, 'test/harness/run-start-smoke.mjs', '--results', result('start')],
    timeout: 45 * MIN,
    results: 'start',
  },
  bootstrap: { title: 'bootstrap (code-server, Chromium, playwright-core)', cmd: ['bash', 'scripts/bootstrap.sh'], timeout: 40 * MIN },
  package: { title: 'package the .vsix (vsce)', cmd: [node, 'scripts/package.mjs', '--quiet'], timeout: 5 * MIN },
  integration: {
    title: 'in-host integration tests (code-server extension host)',
    cmd: [node, 'test/harness/run-integration.mjs', '--results', result('integration')],
    timeout: 15 * MIN,
    results: 'integration',
  },
  'integration-restricted': {
    title: 'in-host tests in restricted mode (workspace not trusted)',
    cmd: [node, 'test/harness/run-integration.mjs', '--restricted', '--results', result('integration-restricted')],
    timeout: 5 * MIN,
    results: 'integration-restricted',
  },
  e2e: {
    title: 'browser end-to-end tests (Chromium + code-server, installed .vsix)',
    cmd: [node, 'test/harness/run-e2e.mjs', '--results', result('e2e')],
    timeout: 20 * MIN,
    results: 'e2e',
  },
};
const PLANS = {
  all: ['build', 'compile', 'unit', 'start', 'bootstrap', 'package', 'integration', 'integration-restricted', 'e2e'],
  unit: ['build', 'compile', 'unit'],
  integration: ['build', 'compile', 'bootstrap', 'integration', 'integration-restricted'],
  e2e: ['build', 'bootstrap', 'package', 'e2e'],
  start: ['build', 'start'],
};
const plan = PLANS[selection];
if (!plan) {
  console.error(`unknown selection "${selection}"; use one of: ${Object.keys(PLANS).join(', ')}`);
  process.exit(2);
}
// The runner is the script a stage runs (cmd[1]): the restricted-mode run gets the in-host suite's arguments too.
const lastRunner = STAGES[plan.at(-1)].cmd[1];
for (const name of plan) if (STAGES[name].cmd[1] === lastRunner) STAGES[name].cmd.push(...passThrough);

/** Compiled tests whose source was deleted or renamed would still run: remove them. */
function removeStaleTests() {
  const outTest = path.join(REPO, 'out/test');
  if (!fs.existsSync(outTest)) return;
  for (const entry of fs.readdirSync(outTest, { recursive: true })) {
    const rel = String(entry);
    if (!rel.endsWith('.js')) continue;
    const source = path.join(REPO, 'test', rel.replace(/\.js$/, '.ts'));
    if (!fs.existsSync(source)) {
      for (const f of [rel, `${rel}.map`]) fs.rmSync(path.join(outTest, f), { force: true });
    }
  }
}

let current;
function runStage(stage) {
  return new Promise((resolve) => {
    const [cmd, ...args] = stage.cmd;
    const child = spawn(cmd, args, { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...stage.env } });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n✖ ${stage.title}: exceeded ${stage.timeout / MIN} min, stopping it`);
      child.kill('SIGTERM'); // the harnesses stop their servers on SIGTERM
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, stage.timeout);
    child.once('error', (err) => {
      clearTimeout(timer);
      console.error(`✖ cannot run ${cmd}: ${err.message}`);
      resolve({ code: 127 });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ code: code ?? 128, signal, timedOut });
    });
  });
}

let interrupted = false;
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(s, () => {
    interrupted = true;
    // the child (same process group for SIGINT from a terminal) stops itself; make sure on SIGTERM too
    current?.kill(s === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  });
}

const fmt = (ms) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`);
const rows = [];
const totals = { passed: 0, failed: 0, pending: 0 };
const t0 = Date.now();
let failedStage;
/** Passing tests per title tag, by suite: the README's Reliability section (scripts/reliability-report.mjs). */
const tagCounts = {};

for (const name of plan) {
  const stage = STAGES[name];
  if (failedStage || interrupted) {
    rows.push({ name, status: 'skipped', ms: 0 });
    continue;
  }
  if (name === 'unit' && !hasUnitTests()) {
    console.log(`\n▶ ${stage.title}: no test/unit/*.test.ts, nothing to run`);
    rows.push({ name, status: 'ok', ms: 0, note: 'no unit tests' });
    continue;
  }
  console.log(`\n▶ ${stage.title}`);
  const start = Date.now();
  let outcome;
  try {
    stage.before?.();
    outcome = await runStage(stage);
  } catch (err) {
    console.error(err);
    outcome = { code: 1 };
  }
  const ms = Date.now() - start;
  let counts;
  if (stage.results) {
    try {
      counts = JSON.parse(fs.readFileSync(result(stage.results), 'utf8'));
    } catch {
      // no results: the suite did not get to run its tests (or crashed); count the stage as one failure
      counts = outcome.code === 0 ? undefined : { passed: 0, failed: 1, pending: 0, note: 'no results' };
    }
    if (counts) {
      totals.passed += counts.passed ?? 0;
      totals.failed += counts.failed ?? 0;
      totals.pending += counts.pending ?? 0;
      // a suite that exits non-zero with zero failed tests (a hook, the runner, the server) still fails
      if (outcome.code !== 0 && !counts.failed) {
        totals.failed += 1;
        counts.failed = 1;
        counts.note = 'the suite failed outside its tests';
      }
    }
  }
  if (counts?.tags) tagCounts[stage.results] = counts.tags;
  const ok = outcome.code === 0;
  const status = ok ? 'ok' : outcome.timedOut ? 'timed out' : interrupted ? 'interrupted' : 'FAILED';
  rows.push({ name, status, ms, counts });
  console.log(`${ok ? '✔' : '✖'} ${stage.title}: ${status} in ${fmt(ms)}`);
  if (!ok) failedStage = name;
}

function hasUnitTests() {
  const dir = path.join(REPO, 'test/unit');
  return fs.existsSync(dir) && fs.readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
}

// Only a complete, green run of every suite may say what the tests show.
let readmeFailed = false;
if (selection === 'all' && passThrough.length === 0 && !failedStage && !interrupted) {
  console.log('\n▶ README reliability section (from the tests that passed)');
  const { messages, failed } = reconcileReadme(path.join(REPO, 'README.md'), tagCounts, { ci: !!process.env.CI });
  for (const m of messages) console.log(`${failed ? '✖' : '✔'} ${m}`);
  readmeFailed = failed;
  rows.push({ name: 'readme', status: failed ? 'FAILED' : 'ok', ms: 0, note: 'Reliability section' });
}

fs.rmSync(resultsDir, { recursive: true, force: true });
console.log('\n──────── summary ────────');
const nameWidth = Math.max(12, ...rows.map((r) => r.name.length));
for (const r of rows) {
  const c = r.counts ? `  ${r.counts.passed} passed, ${r.counts.failed} failed${r.counts.pending ? `, ${r.counts.pending} pending` : ''}${r.counts.note ? ` (${r.counts.note})` : ''}` : '';
  console.log(`${r.status.padEnd(11)} ${r.name.padEnd(nameWidth)} ${r.ms ? fmt(r.ms).padStart(10) : ''.padStart(10)}${c}${r.note ? `  (${r.note})` : ''}`);
}
console.log(`total ${fmt(Date.now() - t0)}${failedStage ? `; stopped after the failing stage "${failedStage}"` : ''}`);
if (passThrough.length) console.log(`(extra arguments: ${passThrough.join(' ')})`);
const failed = failedStage || interrupted || readmeFailed ? Math.max(totals.failed, 1) : totals.failed;
console.log(`${totals.passed} passed, ${failed} failed`);
process.exit(failedStage || interrupted || readmeFailed || failed ? 1 : 0);
