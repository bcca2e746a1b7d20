// Listing 9,000 key pairs (500 in each of the fake's 18 regions, 100 a page) against the rate-limit
// floor, and the heap the listing keeps (one of the Tencent Cloud rows of scripts/bench.mjs; runnable
// alone: `node test/clouds/tencent/bench/many-key-pairs.mjs [RUNS]` after `npm run build` and `tsc -p .`).
//
// The floor: the fake allows 10 requests/s per action per SecretId (test/clouds/tencent/fake/server.ts),
// so 18 regions × 5 pages = 90 DescribeKeyPairs need at least 9 s however they are sent.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { repoRoot } from '../../../../scripts/ensure-deps.mjs';

const require = createRequire(import.meta.url);
const PER_REGION = 500;
const PAGE = 100;
const LIMIT_PER_SECOND = 10;
const LATENCY_MS = 50;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  vm.runInNewContext('gc')();
}
/** An ed25519 public key line (random key bytes: the fake checks the format, not the curve). */
function ed25519Line() {
  const part = (b) => { const len = Buffer.alloc(4); len.writeUInt32BE(b.length); return Buffer.concat([len, b]); };
  return `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(randomBytes(32))]).toString('base64')}`;
}

export async function benchManyKeyPairs({ runs = 3, say = () => {} } = {}) {
  const { FakeTencentCvm, FAKE_TEST_CREDENTIAL } = require(join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'server.js'));
  const { FAKE_TENCENT_REGIONS } = require(join(repoRoot, 'out', 'test', 'clouds', 'tencent', 'fake', 'regions.js'));
  let cloud;
  try {
    cloud = require(join(repoRoot, 'dist', 'tencent.js'));
  } catch {
    cloud = { ...require(join(repoRoot, 'out', 'src', 'clouds', 'tencent', 'provider.js')), ...require(join(repoRoot, 'out', 'src', 'cloud', 'retry.js')) };
  }
  const regions = [...FAKE_TENCENT_REGIONS.keys()];
  const fake = new FakeTencentCvm({ rateLimitPerSecond: LIMIT_PER_SECOND });
  const url = await fake.start();
  const admin = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    return res.json();
  };
  try {
    say(`many key pairs: seeding ${PER_REGION} key pairs in each of ${regions.length} regions`);
    for (const region of regions) for (let i = 0; i < PER_REGION; i++) fake.seedKeyPair({ region, name: `bench_${i}`, publicKey: ed25519Line() });
    const total = regions.length * PER_REGION;
    const requestsNeeded = regions.length * Math.ceil(PER_REGION / PAGE);
    const floorMs = (requestsNeeded / LIMIT_PER_SECOND) * 1000;
    const times = [];
    let throttled = 0;
    let heapBytes = 0;
    say(`many key pairs: listing ${total} key pairs, ${runs} runs (floor ${floorMs} ms: ${requestsNeeded} requests at ${LIMIT_PER_SECOND}/s)`);
    for (let run = 0; run < runs; run++) {
      await admin('DELETE', '/__admin/requests');
      await admin('DELETE', '/__admin/faults');
      await admin('POST', '/__admin/faults', { fault: { kind: 'latency', ms: LATENCY_MS } });
      // Past the fake's window of the previous run.
      await new Promise((r) => setTimeout(r, 1100));
      const provider = new cloud.TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new cloud.RateLimiter() });
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const lists = await Promise.all(regions.map((region) => provider.listKeyPairs({ region })));
      times.push(performance.now() - t0);
      const count = lists.reduce((n, l) => n + l.length, 0);
      if (count !== total) throw new Error(`listed ${count} of ${total} key pairs`);
      collectGarbage();
      heapBytes = Math.max(heapBytes, process.memoryUsage().heapUsed - before);
      const log = (await admin('GET', '/__admin/requests')).filter((r) => r.action === 'DescribeKeyPairs');
      throttled = Math.max(throttled, log.filter((r) => r.errorCode === 'RequestLimitExceeded').length);
      lists.length = 0; // kept until here: the heap figure is what the listing holds
    }
    const ms = median(times);
    return { keyPairs: total, regions: regions.length, requestsNeeded, limitPerSecond: LIMIT_PER_SECOND, latencyMs: LATENCY_MS, floorMs, ms, runsMs: times, ratio: ms / floorMs, throttled, heapBytes };
  } finally {
    await fake.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchManyKeyPairs({ runs: Number(process.argv[2] ?? 3), say: (s) => console.log(`[bench] ${s}`) }), null, 2));
}

/** This cloud's rows for scripts/bench.mjs. */
export async function benchmark({ runs, say }) {
  const r = await benchManyKeyPairs({ runs: Math.min(runs, 3), say });
  return {
    name: 'manyKeyPairs',
    results: r,
    rows: [
      {
        figure: `Listing ${r.keyPairs.toLocaleString('en-US')} key pairs (${r.keyPairs / r.regions} in each of ${r.regions} regions, ${PAGE} a page, ${r.latencyMs} ms per call) against the rate-limit floor`,
        value: `${r.ms.toFixed(0)} ms`, budget: '≤ 1.2× the floor',
        peer: `floor ${r.floorMs.toFixed(0)} ms (${r.requestsNeeded} requests at ${r.limitPerSecond}/s): ${r.ratio.toFixed(2)}×`,
        ok: r.ratio <= 1.2 && r.throttled === 0,
      },
      { figure: '  heap the listing keeps (after a full GC)', value: `${(r.heapBytes / (1024 * 1024)).toFixed(1)} MB`, budget: '', peer: `${r.throttled} throttled` },
    ],
  };
}
