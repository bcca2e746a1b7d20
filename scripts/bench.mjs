// `npm run bench`: medians over repeated runs, each beside its budget and, where there is one,
// a peer measured in the same run. Prints a table and writes .bench/results.json.
// Ratios are what the README quotes: absolute times vary between machines.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ensureDependencies, repoRoot } from './ensure-deps.mjs';

ensureDependencies();
const benchDir = join(repoRoot, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const say = (s) => console.log(`[bench] ${s}`);
mkdirSync(benchDir, { recursive: true });

say('building');
execFileSync('node', ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
const cli = join(repoRoot, 'dist', 'cli.js');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall time of a whole command, median of RUNS runs after one warm-up. */
function timeCommand(cmd, args, options = {}) {
  spawnSync(cmd, args, { stdio: 'ignore', ...options });
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, ...options });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
  return median(times);
}

// ---- fixture: 1,000 public keys of mixed types, made once and kept in .bench/ ----
const keysDir = join(benchDir, 'keys-1000');
function sshLine(type, blobParts, comment) {
  const parts = blobParts.map((p) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(p.length);
    return Buffer.concat([len, p]);
  });
  return `${type} ${Buffer.concat(parts).toString('base64')} ${comment}\n`;
}
function mpint(buf) {
  let b = buf;
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  return b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
}
// The generator encodes the public key itself: exporting a freshly generated KeyObject can deadlock
// Node 20's garbage collector (see test/fakes/ssh-public-key.ts).
const JWK = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } };
function makeFixture() {
  if (existsSync(`${keysDir}.complete`)) return;
  say('making 1,000 public keys (mixed ed25519, ecdsa, rsa) in .bench/keys-1000');
  mkdirSync(keysDir, { recursive: true });
  for (let i = 0; i < 1000; i++) {
    let line;
    const comment = `bench-${i}@example`;
    if (i % 10 < 6) {
      const jwk = generateKeyPairSync('ed25519', JWK).publicKey;
      line = sshLine('ssh-ed25519', [Buffer.from('ssh-ed25519'), Buffer.from(jwk.x, 'base64url')], comment);
    } else if (i % 10 < 8) {
      const [curve, name] = i % 2 ? ['P-256', 'nistp256'] : ['P-384', 'nistp384'];
      const jwk = generateKeyPairSync('ec', { namedCurve: curve, ...JWK }).publicKey;
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
      line = sshLine(`ecdsa-sha2-${name}`, [Buffer.from(`ecdsa-sha2-${name}`), Buffer.from(name), point], comment);
    } else {
      const jwk = generateKeyPairSync('rsa', { modulusLength: 2048, ...JWK }).publicKey;
      line = sshLine('ssh-rsa', [Buffer.from('ssh-rsa'), mpint(Buffer.from(jwk.e, 'base64url')), mpint(Buffer.from(jwk.n, 'base64url'))], comment);
    }
    writeFileSync(join(keysDir, `key${String(i).padStart(4, '0')}.pub`), line);
  }
  writeFileSync(`${keysDir}.complete`, '');
}
makeFixture();
const keyFiles = readdirSync(keysDir).filter((f) => f.endsWith('.pub')).map((f) => join(keysDir, f));

// Check once that we agree with ssh-keygen on this fixture before timing anything.
{
  const ours = JSON.parse(execFileSync('node', [cli, 'inspect', '--json', keysDir], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  for (const f of [keyFiles[0], keyFiles[7], keyFiles[9]]) {
    const ref = execFileSync('ssh-keygen', ['-l', '-f', f], { encoding: 'utf8' }).split(' ')[1];
    const mine = ours.find((r) => r.path === f)?.sha256;
    if (mine !== ref) throw new Error(`fingerprint mismatch on ${f}: ${mine} vs ${ref}`);
  }
  if (ours.length !== 1000 || ours.some((r) => !r.ok)) throw new Error('the CLI did not read all 1,000 keys cleanly');
}

// ---- scan + fingerprint 1,000 keys ----
say(`timing: CLI inspect of 1,000 keys (${RUNS} runs)`);
const cliMs = timeCommand('node', [cli, 'inspect', '--json', keysDir]);
say('timing: ssh-keygen -l once per file');
const keygenScript = `for f in "$1"/*.pub; do ssh-keygen -l -f "$f" >/dev/null; done`;
const keygenMs = timeCommand('bash', ['-c', keygenScript, 'bench', keysDir]);
say('timing: the floor (a bare Node loop that reads each file and hashes its blob)');
const floorScript = `
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const dir = process.argv[1];
for (const f of fs.readdirSync(dir)) {
  if (!f.endsWith('.pub')) continue;
  const blob = Buffer.from(fs.readFileSync(path.join(dir, f), 'utf8').split(' ')[1], 'base64');
  crypto.createHash('sha256').update(blob).digest('base64');
}`;
const floorMs = timeCommand('node', ['-e', floorScript, keysDir]);

// ---- diagnostics on a 10,000-line authorized_keys-style file (in-process, parser only) ----
say('timing: parsing a 10,000-line authorized_keys file');
const lines = keyFiles.map((f) => readFileSync(f, 'utf8').trim());
const big = Array.from({ length: 10_000 }, (_, i) => (i % 50 === 0 ? `from="10.0.0.${i % 250}",no-pty ` : '') + lines[i % lines.length]).join('\n');
const bigFile = join(benchDir, 'authorized_keys_10000');
writeFileSync(bigFile, big);
const parseScript = `
const { parseKeyText } = require(${JSON.stringify(join(repoRoot, 'out', 'src', 'keys', 'parse.js'))});
const text = require('fs').readFileSync(process.argv[1], 'utf8');
parseKeyText(text, 'authorized_keys'); parseKeyText(text, 'authorized_keys');
const times = [];
for (let i = 0; i < ${RUNS}; i++) { const t0 = performance.now(); const r = parseKeyText(text, 'authorized_keys'); times.push(performance.now() - t0);
  if (r.keys.length !== 10000) throw new Error('parsed ' + r.keys.length + ' keys'); }
times.sort((a, b) => a - b); console.log(times[Math.floor(times.length / 2)]);`;
execFileSync('npx', ['tsc', '-p', '.'], { cwd: repoRoot, stdio: 'inherit' });
const parseMs = Number(execFileSync('node', ['-e', parseScript, bigFile], { encoding: 'utf8' }).trim());

// ---- each cloud's own figures: test/clouds/<cloud>/bench/*.mjs export `benchmark({ runs, say })`, in the registry's order ----
const cloudBenches = [];
for (const { id } of createRequire(import.meta.url)(join(repoRoot, 'out', 'src', 'clouds', 'registry.js')).CLOUDS) {
  const dir = join(repoRoot, 'test', 'clouds', id, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const { benchmark } = await import(pathToFileURL(join(dir, file)).href);
    cloudBenches.push({ cloud: id, ...(await benchmark({ runs: RUNS, say })) });
  }
}

// ---- bundle sizes: the activation bundle, the CLI, every lazily loaded chunk, the .vsix ----
const distDir = join(repoRoot, 'dist');
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const sizeOrder = (f) => (f.endsWith('extension.js') ? 0 : f.endsWith('cli.js') ? 1 : 2);
const sizes = Object.fromEntries(jsFiles(distDir).sort((a, b) => sizeOrder(a) - sizeOrder(b) || a.localeCompare(b)).map((f) => {
  const bytes = readFileSync(f);
  return [relative(repoRoot, f), { bytes: bytes.length, gzipBytes: gzipSync(bytes).length }];
}));
const vsixName = readdirSync(repoRoot).filter((f) => /^cloud-ssh-keys-.*\.vsix$/.test(f)).sort().pop();
function newestSourceMs(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, e) =>
    Math.max(newest, e.isDirectory() ? newestSourceMs(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
}
const vsix = vsixName && { file: vsixName, bytes: statSync(join(repoRoot, vsixName)).size,
  // Packaged before the sources last changed: its size may lag them (npm test and npm start package it).
  stale: statSync(join(repoRoot, vsixName)).mtimeMs < newestSourceMs(join(repoRoot, 'src')) };

// ---- in the real extension host (code-server): activation, first render, retained heap ----
say('in-host: bootstrap (warm: seconds), then 5 cold extension hosts');
execFileSync('bash', ['scripts/bootstrap.sh'], { cwd: repoRoot, stdio: 'inherit' });
const hostOut = execFileSync('node', ['scripts/bench-host.mjs', keysDir, String(Math.min(RUNS, 5))], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const host = JSON.parse(hostOut.trim().split('\n').pop());

// ---- report ----
const rows = [
  { figure: 'Activation in the extension host: evaluating dist/extension.js + activate()', value: `${host.activationMs.toFixed(1)} ms`, budget: '< 50 ms', peer: '', ok: host.activationMs < 50 },
  { figure: '  wall time from the bundle\'s first byte to the end of activate() (includes VS Code preparing the extension context)', value: `${host.activationWallMs.toFixed(0)} ms`, budget: '', peer: '' },
  { figure: `  to the first Local Keys render (${host.renderedItems} keys: scanned, paired, tree items built), same accounting`, value: `${host.firstRenderMs.toFixed(0)} ms`, budget: '< 150 ms', peer: '', ok: host.firstRenderMs < 150 },
  { figure: '  the same as wall time from the bundle\'s first byte', value: `${host.firstRenderWallMs.toFixed(0)} ms`, budget: '', peer: '' },
  { figure: `  heap retained after scanning ${host.scannedPairs} keys and listing ${host.listedRegions} regions (after a full GC)`, value: `${(host.heapGrowthBytes / (1024 * 1024)).toFixed(1)} MB`, budget: '', peer: '' },
  { figure: `Cloud Key Pairs: first paint after a window reload (${host.cloudPaintedItems} items under the first cloud${host.cloudPaintedFromCache ? ', from the kept listing' : ', NOT from the kept listing'}), same accounting`, value: `${host.cloudFirstPaintMs?.toFixed(0)} ms`, budget: '< 100 ms', peer: '', ok: host.cloudFirstPaintMs < 100 && host.cloudPaintedFromCache },
  { figure: '  the same as wall time from the bundle\'s first byte', value: `${host.cloudFirstPaintWallMs?.toFixed(0)} ms`, budget: '', peer: '' },
  { figure: 'CLI: scan + fingerprint 1,000 keys', value: `${cliMs.toFixed(0)} ms`, budget: '', peer: '' },
  { figure: '  vs ssh-keygen -l per file', value: `${(keygenMs / cliMs).toFixed(1)}× faster`, budget: '≥ 20×', peer: `${keygenMs.toFixed(0)} ms`, ok: keygenMs / cliMs >= 20 },
  { figure: '  vs the floor (read + hash only)', value: `${(cliMs / floorMs).toFixed(2)}× the floor`, budget: '≤ 3×', peer: `${floorMs.toFixed(0)} ms`, ok: cliMs / floorMs <= 3 },
  { figure: 'Diagnostics: 10,000-line file', value: `${parseMs.toFixed(1)} ms`, budget: '< 100 ms', peer: '', ok: parseMs < 100 },
  ...cloudBenches.flatMap((b) => b.rows),
  ...Object.entries(sizes).map(([file, { bytes, gzipBytes }]) => {
    const base = file.replace(/^dist[\\/]/, '');
    if (base === 'extension.js') return { figure: `${file} (activation bundle, minified)`, value: kb(bytes), budget: '< 300 KB', peer: `${kb(gzipBytes)} gzipped`, ok: bytes < 300 * 1024 };
    if (base === 'cli.js') return { figure: `${file} (CLI)`, value: kb(bytes), budget: '', peer: `${kb(gzipBytes)} gzipped` };
    return { figure: `${file} (lazily loaded chunk)`, value: kb(bytes), budget: '', peer: `${kb(gzipBytes)} gzipped` };
  }),
  vsix
    ? { figure: `${vsix.file}${vsix.stale ? ' (packaged before the last source change)' : ''}`, value: kb(vsix.bytes), budget: '', peer: '' }
    : { figure: '.vsix (none in the repository root; npm run package makes one)', value: '', budget: '', peer: '' },
];
const results = { date: new Date().toISOString(), runs: RUNS, node: process.version, host, cliMs, keygenMs, floorMs, parseMs, clouds: Object.fromEntries(cloudBenches.map((b) => [`${b.cloud}.${b.name}`, b.results])), sizes, vsix, rows };
writeFileSync(join(benchDir, 'results.json'), JSON.stringify(results, null, 2));
const table = [
  '| figure | median | budget | peer / floor | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.budget} | ${r.peer} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'} |`),
].join('\n');
console.log(`\n${table}\n\n(median of ${RUNS} runs; Node ${process.version}; written to .bench/results.json)`);
if (rows.some((r) => r.ok === false)) process.exitCode = 1;
