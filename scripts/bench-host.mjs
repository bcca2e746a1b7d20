// In-host benchmark: starts code-server RUNS times (each a cold extension host, as at a VS Code
// start), with a HOME whose ~/.ssh holds 100 keys, opens the Cloud SSH Keys container, and collects
// what test/bench/host-bench.ts measured there; then reloads the window (code-server again, the same
// user data) for the Cloud Key Pairs view's first paint from the kept listing. Prints one JSON object of medians on the last line.
//
// usage: node scripts/bench-host.mjs KEYS_1000_DIR [RUNS]
// Prerequisites: npm run build, tsc -p ., bash scripts/bootstrap.sh (npm run bench does all).
import fs from 'node:fs';
import path from 'node:path';
import { startFakeClouds, stopFakeClouds } from '../test/harness/fake-clouds.mjs';
import {
  REPO, assertBootstrapped, launchChromium, logger, makeRunDir, startCodeServer, withTimeout,
} from '../test/harness/common.mjs';

const log = logger('bench-host');
const [keysDir, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 5);
const benchModule = path.join(REPO, 'out/test/bench/host-bench.js');

function median(values) {
  const s = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function oneRun(i) {
  const run = makeRunDir('bench');
  // ~/.ssh with 100 of the benchmark's public keys.
  const ssh = path.join(run.home, '.ssh');
  fs.mkdirSync(ssh, { mode: 0o700 });
  for (const f of fs.readdirSync(keysDir).filter((n) => n.endsWith('.pub')).sort().slice(0, 100)) {
    fs.copyFileSync(path.join(keysDir, f), path.join(ssh, f));
  }
  const workspace = path.join(run.home, 'workspace');
  fs.mkdirSync(workspace);
  let server;
  let browser;
  // The Cloud Key Pairs view lists every region of the first cloud's fake (memory of listing all its
  // known regions): each endpoint is a machine setting (code-server reads those from
  // Machine/settings.json), the credentials come from the environment as the extension's fallback.
  const fakes = await startFakeClouds();
  fs.mkdirSync(path.join(run.userData, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(run.userData, 'Machine/settings.json'), JSON.stringify(Object.fromEntries(Object.values(fakes).map((f) => [f.sandbox.endpointSetting, f.url]))));
  /** One window: code-server started, the bench module run in its extension host, stopped. */
  const session = async (phase) => {
    const out = path.join(run.root, `bench-${phase}.json`);
    try {
      server = await startCodeServer({
        ...run,
        logFile: run.serverLog,
        env: {
          ...run.env, CLOUD_SSH_KEYS_BENCH_OUT: out, CLOUD_SSH_KEYS_BENCH_KEYS: keysDir, CLOUD_SSH_KEYS_BENCH_PHASE: phase,
          ...Object.assign({}, ...Object.values(fakes).map((f) => f.env)),
        },
        extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
      });
      const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
      const payload = [['extensionDevelopmentPath', remote(REPO)], ['extensionTestsPath', remote(benchModule)]];
      browser = await launchChromium(run.chrome);
      let settle;
      const finished = new Promise((resolve) => (settle = resolve));
      await browser.page.exposeFunction('codeAutomationExit', (code) => settle(code));
      await browser.page.goto(server.url(workspace, `&payload=${encodeURIComponent(JSON.stringify(payload))}`), { timeout: 60_000 });
      const code = await withTimeout(finished, 120_000, 'the in-host benchmark');
      if (code !== 0 || !fs.existsSync(out)) throw new Error(`the in-host benchmark (${phase}) failed (exit ${code}); server log: ${run.serverLog}`);
      return JSON.parse(fs.readFileSync(out, 'utf8'));
    } finally {
      await browser?.close();
      await server?.stop();
      browser = server = undefined;
    }
  };
  try {
    // A cold start (it lists the cloud and keeps the listing), then a window reload with the same
    // user data: the Cloud Key Pairs view's first paint comes from the kept listing.
    const figures = { ...(await session('cold')), ...(await session('reload')) };
    log(`run ${i + 1}/${RUNS}:`, JSON.stringify(figures));
    return figures;
  } finally {
    await stopFakeClouds(fakes);
    run.remove();
  }
}

assertBootstrapped();
if (!keysDir || !fs.existsSync(keysDir)) throw new Error('usage: node scripts/bench-host.mjs KEYS_1000_DIR [RUNS]');
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await oneRun(i));
const result = {
  runs: RUNS,
  activationMs: median(runs.map((r) => r.activationMs)),
  activationWallMs: median(runs.map((r) => r.activationWallMs)),
  firstRenderMs: median(runs.map((r) => r.firstRenderMs)),
  firstRenderWallMs: median(runs.map((r) => r.firstRenderWallMs)),
  renderedItems: runs[0].renderedItems,
  scannedPairs: runs[0].scannedPairs,
  heapGrowthBytes: median(runs.map((r) => r.heapGrowthBytes)),
  listedRegions: runs[0].listedRegions,
  cloudFirstPaintMs: median(runs.map((r) => r.cloudFirstPaintMs)),
  cloudFirstPaintWallMs: median(runs.map((r) => r.cloudFirstPaintWallMs)),
  cloudPaintedFromCache: runs.every((r) => r.cloudPaintedFromCache),
  cloudPaintedItems: runs[0].cloudPaintedItems,
  activatedBeforeTheViewOpened: runs.some((r) => r.wasActiveBeforeOpeningTheView),
};
console.log(JSON.stringify(result));
