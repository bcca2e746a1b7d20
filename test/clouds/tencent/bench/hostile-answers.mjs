// Hostile-answer benchmark (one of the Tencent Cloud rows of scripts/bench.mjs; runnable alone: `node test/clouds/tencent/bench/hostile-answers.mjs`
// after `npm run build` and `tsc -p .`).
//
// The built CLI (`node dist/cli.js tencent list`) against the fake CVM (in this process) answering
// normally, with an endless 200 OK JSON answer, and with 200 MB without Content-Length: the CLI's
// peak RSS (scripts/peak-rss.cjs, from the OS's own accounting) shows the answer-size cap holding
// memory to a few MB above the normal run. Then a server that reads the request and never answers,
// with --timeout 3 --request-timeout 1: the time to the error against that deadline.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../../../scripts/ensure-deps.mjs';

const require = createRequire(import.meta.url);
export const SILENT_DEADLINE_SECONDS = 3;
const MB = 1024 * 1024;

/** One CLI run: wall time, peak RSS in bytes, exit code and stderr. */
function runCli(args, env) {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-ssh-keys-bench-'));
  const rssFile = join(dir, 'rss');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(repoRoot, 'scripts', 'peak-rss.cjs'), join(repoRoot, 'dist', 'cli.js'), ...args], {
      env: { ...env, HOME: dir, PEAK_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => {
      const ms = performance.now() - t0;
      const peakRss = Number(readFileSync(rssFile, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      resolve({ ms, peakRss, status, stderr: stderr.trim() });
    });
  });
}

/** Peak RSS (MB) of the CLI listing against a normal, an endless and a 200 MB answer; time to error (ms) against a silent server. */
export async function benchHostileAnswers({ say = () => {} } = {}) {
  const fakes = join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'server.js');
  if (!existsSync(fakes)) throw new Error(`${fakes} is missing: run tsc -p . first`);
  const { FakeTencentCvm, FAKE_TEST_CREDENTIAL } = require(fakes);
  const fake = new FakeTencentCvm();
  await fake.start();
  const env = { PATH: process.env.PATH, LANG: 'C', TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey };
  const list = (extra = []) => runCli(['tencent', 'list', '--region', 'ap-guangzhou', '--endpoint', fake.url, ...extra], env);
  const withFault = async (fault, extra, expectedCode) => {
    fake.reset();
    if (fault) fake.faults.add({ fault });
    const run = await list(extra);
    const ok = fault ? run.status === 1 && run.stderr.includes(`: ${expectedCode}: `) : run.status === 0;
    if (!ok) throw new Error(`unexpected CLI result for ${JSON.stringify(fault)}: exit ${run.status}, ${run.stderr}`);
    return run;
  };
  try {
    say('hostile answers: the CLI listing a normal, an endless and a 200 MB answer (peak RSS), and a silent server (time to error)');
    const normal = await withFault(undefined, []);
    const endless = await withFault({ kind: 'endless' }, ['--timeout', '20'], 'AnswerTooLarge');
    const huge = await withFault({ kind: 'huge' }, ['--timeout', '20'], 'AnswerTooLarge');
    const silent = await withFault({ kind: 'silent' }, ['--timeout', String(SILENT_DEADLINE_SECONDS), '--request-timeout', '1'], 'OperationTimeout');
    const mb = (run) => run.peakRss / MB;
    return {
      normalPeakRssMb: mb(normal),
      endlessPeakRssMb: mb(endless),
      hugePeakRssMb: mb(huge),
      endlessMs: endless.ms,
      hugeMs: huge.ms,
      silentMs: silent.ms,
      silentDeadlineSeconds: SILENT_DEADLINE_SECONDS,
    };
  } finally {
    await fake.stop();
  }
}

/** The bench table's rows for these figures. */
export function hostileRows(h) {
  return [
    { figure: 'CLI peak RSS, `tencent list` answered normally (the baseline)', value: `${h.normalPeakRssMb.toFixed(0)} MB`, budget: '', peer: '' },
    {
      figure: '  receiving an endless 200 OK JSON answer (cut at the 4 MB cap, 4 attempts)', value: `${h.endlessPeakRssMb.toFixed(0)} MB`, budget: '< 150 MB',
      peer: `+${(h.endlessPeakRssMb - h.normalPeakRssMb).toFixed(0)} MB over the baseline; error after ${(h.endlessMs / 1000).toFixed(1)} s`, ok: h.endlessPeakRssMb < 150,
    },
    {
      figure: '  receiving a 200 MB answer without Content-Length (cut at the cap)', value: `${h.hugePeakRssMb.toFixed(0)} MB`, budget: '< 150 MB',
      peer: `+${(h.hugePeakRssMb - h.normalPeakRssMb).toFixed(0)} MB over the baseline; error after ${(h.hugeMs / 1000).toFixed(1)} s`, ok: h.hugePeakRssMb < 150,
    },
    {
      figure: `CLI time to OperationTimeout, a server that never answers (\`--timeout ${h.silentDeadlineSeconds} --request-timeout 1\`)`, value: `${(h.silentMs / 1000).toFixed(2)} s`,
      budget: `< ${h.silentDeadlineSeconds + 1} s`, peer: `deadline ${h.silentDeadlineSeconds} s (includes starting Node and the SDK)`, ok: h.silentMs < (h.silentDeadlineSeconds + 1) * 1000,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchHostileAnswers({ say: (s) => console.log(`[bench] ${s}`) });
  console.log(JSON.stringify(figures, null, 2));
  for (const r of hostileRows(figures)) console.log(`| ${r.figure} | ${r.value} | ${r.budget} | ${r.peer} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'} |`);
}

/** This cloud's rows for scripts/bench.mjs, which runs every test/clouds/<cloud>/bench/*.mjs's `benchmark`. */
export async function benchmark({ say }) {
  const hostile = await benchHostileAnswers({ say });
  return { name: 'hostile', results: hostile, rows: hostileRows(hostile) };
}
