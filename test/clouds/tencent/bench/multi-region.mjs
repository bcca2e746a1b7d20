// Multi-region listing benchmark (one of the Tencent Cloud rows of scripts/bench.mjs; runnable alone:
// `node test/clouds/tencent/bench/multi-region.mjs [RUNS]` after `npm run build` and `tsc -p .`).
//
// The fake CVM server runs as a child process with 200 ms of latency on every call and its
// 10 requests/s per action limit enforced. The client is the provider the extension ships
// (dist/tencent.js): one provider, one shared rate limiter, listKeyPairs for all 18 regions at
// once, as the Cloud Key Pairs view does. Sequential = the same 18 calls one after another.
// Throttled = requests the fake answered RequestLimitExceeded (from its request log).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../../../scripts/ensure-deps.mjs';

const require = createRequire(import.meta.url);
export const LATENCY_MS = 200;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The fake CVM server as a child process; resolves to { url, admin(method, path, body), stop() }. */
async function startFake() {
  const main = join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run tsc -p . first`);
  const child = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the fake CVM server exited (${code}): ${out}`)));
  });
  child.stdout.resume();
  const admin = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, admin, stop };
}

/** The provider module the extension loads (dist/tencent.js), else tsc's output of the same sources. */
function loadProviderModule() {
  const bundled = join(repoRoot, 'dist', 'tencent.js');
  if (existsSync(bundled)) return { module: require(bundled), from: 'dist/tencent.js' };
  const compiled = join(repoRoot, 'out', 'src');
  return { module: { ...require(join(compiled, 'clouds', 'tencent', 'provider.js')), ...require(join(compiled, 'cloud', 'retry.js')) }, from: 'out/src/clouds/tencent/provider.js' };
}

/**
 * Median wall times over `runs` runs: parallel (shared limiter) and sequential listing of every
 * region the fake serves, plus the most throttled answers any parallel run got.
 */
export async function benchMultiRegion({ runs = 5, say = () => {} } = {}) {
  const { FAKE_TENCENT_REGIONS } = require(join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'regions.js'));
  const { FAKE_TEST_CREDENTIAL } = require(join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'server.js'));
  const regions = [...FAKE_TENCENT_REGIONS.keys()];
  const { module: cloud, from } = loadProviderModule();
  const fake = await startFake();
  const provider = () =>
    new cloud.TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, rateLimiter: new cloud.RateLimiter() });
  /** A fresh account, an empty log and an empty server-side window; every call slowed by LATENCY_MS. */
  const freshServer = async () => {
    await fake.admin('POST', '/__admin/reset');
    await fake.admin('POST', '/__admin/faults', { fault: { kind: 'latency', ms: LATENCY_MS } });
  };
  const serverLog = async () => (await fake.admin('GET', '/__admin/requests')).filter((r) => r.action === 'DescribeKeyPairs');
  try {
    // Warm-up: loads the SDK and opens connections' code paths once (the extension pays this once too).
    await freshServer();
    const t = performance.now();
    await provider().listKeyPairs({ region: regions[0] });
    const firstCallMs = performance.now() - t;

    const parallel = [];
    let throttled = 0;
    let requests = 0;
    say(`multi-region listing: ${regions.length} regions in parallel, ${runs} runs (client: ${from})`);
    for (let i = 0; i < runs; i++) {
      await freshServer();
      const cvm = provider();
      const t0 = performance.now();
      const lists = await Promise.all(regions.map((region) => cvm.listKeyPairs({ region })));
      parallel.push(performance.now() - t0);
      if (lists.length !== regions.length) throw new Error('a region was not listed');
      const log = await serverLog();
      throttled = Math.max(throttled, log.filter((r) => r.errorCode === 'RequestLimitExceeded').length);
      requests = Math.max(requests, log.length);
    }

    const sequential = [];
    const sequentialRuns = Math.min(runs, 3);
    say(`multi-region listing: the same ${regions.length} calls one after another, ${sequentialRuns} runs`);
    for (let i = 0; i < sequentialRuns; i++) {
      await freshServer();
      const cvm = provider();
      const t0 = performance.now();
      for (const region of regions) await cvm.listKeyPairs({ region });
      sequential.push(performance.now() - t0);
    }
    // For comparison: the same parallel listing without client-side pacing (a limiter that never
    // waits), so only the server's limit and the retries with backoff shape it.
    say('multi-region listing: once more without the client-side limiter, for comparison');
    await freshServer();
    const unpaced = new cloud.TencentCvmProvider({
      credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, rateLimiter: new cloud.RateLimiter({ limit: 1_000_000 }),
    });
    const tu = performance.now();
    await Promise.all(regions.map((region) => unpaced.listKeyPairs({ region })));
    const unpacedMs = performance.now() - tu;
    const unpacedThrottled = (await serverLog()).filter((r) => r.errorCode === 'RequestLimitExceeded').length;
    return {
      unpacedMs,
      unpacedThrottled,
      regions: regions.length,
      latencyMs: LATENCY_MS,
      serverLimitPerSecond: 10,
      parallelMs: median(parallel),
      parallelRunsMs: parallel,
      sequentialMs: median(sequential),
      perCallMs: median(sequential) / regions.length,
      throttled,
      requests,
      firstCallMs,
      client: from,
    };
  } finally {
    await fake.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchMultiRegion({ runs: Number(process.argv[2] ?? 5), say: (s) => console.log(`[bench] ${s}`) });
  console.log(JSON.stringify(result, null, 2));
}

/** This cloud's rows for scripts/bench.mjs, which runs every test/clouds/<cloud>/bench/*.mjs's `benchmark`. */
export async function benchmark({ runs, say }) {
  const regions = await benchMultiRegion({ runs: Math.min(runs, 5), say });
  return {
    name: 'regions',
    results: regions,
    rows: [
      {
        figure: `Multi-region listing: ${regions.regions} regions in parallel, ${regions.latencyMs} ms per call, server limit ${regions.serverLimitPerSecond} req/s`,
        value: `${regions.parallelMs.toFixed(0)} ms`, budget: '< 2.5 s',
        peer: `sequential ${regions.sequentialMs.toFixed(0)} ms (${regions.regions} × ${regions.perCallMs.toFixed(0)} ms)`,
        ok: regions.parallelMs < 2500,
      },
      { figure: '  throttled requests (RequestLimitExceeded, from the server log)', value: `${regions.throttled} of ${regions.requests}`, budget: '0', peer: '', ok: regions.throttled === 0 },
      { figure: '  without the client-side rate limiter (retries with backoff only)', value: `${regions.unpacedMs.toFixed(0)} ms, ${regions.unpacedThrottled} throttled`, budget: '', peer: '' },
    ],
  };
}
