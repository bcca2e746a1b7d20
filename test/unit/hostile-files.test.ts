// Hostile input in the SSH folder and on the command line: huge, binary and oddly named files,
// thousands of keys. No hang, no crash, bounded memory, and every file accounted for.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseKeyText } from '../../src/keys/parse';
import { MAX_KEY_FILE_BYTES, scanKeyDirectories } from '../../src/keys/scan';
import { nodeScanFileSystem } from '../../src/keys/scan-fs';
import { visibleText } from '../../src/keys/visibleText';
import { ensureBuilt, keygenFingerprint, sshKeygen, tempDir } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(args: string[]) {
  if (!fs.existsSync(cli)) execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
  return spawnSync('node', [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000 });
}

describe('hostile files', function () {
  this.timeout(120_000);
  let dir: string;
  let line: string;

  before(() => {
    dir = path.join(tempDir('hostile'), '.ssh');
    fs.mkdirSync(dir);
    sshKeygen(path.join(dir, 'id_ed25519'), 'ed25519', [], 'me');
    line = fs.readFileSync(path.join(dir, 'id_ed25519.pub'), 'utf8').trim();
  });

  it('a 100 MB .pub is never read: the scan skips it, inspect says why, both at once @huge-file', async () => {
    const huge = path.join(dir, 'huge.pub');
    fs.writeFileSync(huge, line);
    fs.truncateSync(huge, 100 * 1024 * 1024); // sparse: 100 MB without writing them
    const started = Date.now();
    const scan = await scanKeyDirectories([dir], nodeScanFileSystem);
    assert.ok(scan.skipped.some((s) => s.path === huge && /too large/.test(s.reason)));
    const r = runCli(['inspect', '--json', huge]);
    assert.equal(r.status, 0, r.stderr);
    const [report] = JSON.parse(r.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.diagnostics[0].code, 'too-large');
    assert.match(report.diagnostics[0].message, /104857600 bytes/);
    assert.ok(Date.now() - started < 10_000, 'must not read 100 MB');
    fs.rmSync(huge);
  });

  it('file names with newlines, control and bidi characters are listed by their real path @odd-filename', async () => {
    const names = ['new\nline', 'tab\there', 'bidi\u202eyek', 'esc\u001b[31m'];
    for (const name of names) sshKeygen(path.join(dir, name), 'ed25519', [], 'odd');
    const scan = await scanKeyDirectories([dir], nodeScanFileSystem);
    for (const name of names) {
      const pair = scan.pairs.find((p) => p.name === name);
      assert.ok(pair, `no pair for ${JSON.stringify(name)}`);
      assert.equal(pair.privateKey?.path, path.join(dir, name));
      assert.equal(pair.facts.sha256, keygenFingerprint(path.join(dir, `${name}.pub`)).fingerprint);
    }
    const r = runCli(['inspect', '--json', dir]);
    const reports = JSON.parse(r.stdout) as Array<{ path: string }>;
    for (const name of names) assert.ok(reports.some((x) => x.path === path.join(dir, `${name}.pub`)), `inspect lost ${JSON.stringify(name)}`);
    // The text output goes to a terminal: no raw escape, bidi override or newline from a file name.
    const text = runCli(['inspect', dir]).stdout;
    assert.ok(!/[\u001b\u202e\t]/.test(text), 'raw control characters reached the terminal');
    assert.ok(text.includes('esc\\u001b[31m') && text.includes('bidi\\u202eyek') && text.includes('new\\u000aline'));
    assert.equal(text.trim().split('\n').length, reports.length, 'one line per file: no file name broke a line');
    for (const name of names) for (const f of [name, `${name}.pub`]) fs.rmSync(path.join(dir, f));
  });

  it('visibleText escapes control, bidi and zero-width characters and nothing else @bidi', () => {
    assert.equal(visibleText('admin\u202e@evil\u200b'), 'admin\\u202e@evil\\u200b');
    assert.equal(visibleText('a\nb\tc\u001b'), 'a\\u000ab\\u0009c\\u001b');
    assert.equal(visibleText('用户@主机 ünïcødé'), '用户@主机 ünïcødé');
  });

  it('a comment with bidi and zero-width characters is kept exactly (the views show it escaped) @bidi', () => {
    const tricky = 'admin\u202e@evil\u200b';
    const [type, blob] = line.split(' ');
    const { keys, problems } = parseKeyText(`${type} ${blob} ${tricky}\n`, 'public');
    assert.equal(keys[0].comment, tricky);
    assert.ok(!problems.some((p) => p.severity === 'error'));
  });

  it('binary files, empty files and a file at exactly the size cap do not break the scan @binary-file', async () => {
    fs.writeFileSync(path.join(dir, 'binary'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)));
    fs.writeFileSync(path.join(dir, 'empty'), '');
    fs.writeFileSync(path.join(dir, 'at-cap.pub'), Buffer.alloc(MAX_KEY_FILE_BYTES, 0x41));
    const scan = await scanKeyDirectories([dir], nodeScanFileSystem);
    assert.deepEqual(scan.pairs.map((p) => p.name), ['id_ed25519']);
    assert.ok(scan.publicKeyFiles.some((f) => f.path.endsWith('at-cap.pub') && f.problems.some((p) => p.severity === 'error')));
    for (const f of ['binary', 'empty', 'at-cap.pub']) fs.rmSync(path.join(dir, f));
  });

  it('a file and a folder this user may not read (a real EACCES: run as nobody when the tests run as root): named with the reason, the rest listed @permission-denied', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-denied-'));
    try {
      fs.chmodSync(base, 0o755);
      const ssh = path.join(base, '.ssh');
      fs.mkdirSync(ssh, { mode: 0o755 });
      sshKeygen(path.join(ssh, 'id_ok'), 'ed25519', [], 'ok');
      fs.writeFileSync(path.join(ssh, 'locked.pub'), `${line}\n`, { mode: 0o000 });
      fs.mkdirSync(path.join(ssh, 'locked-dir'), { mode: 0o000 });
      let command = [process.execPath, cli];
      if (process.getuid?.() === 0) {
        // Root reads everything: the CLI runs as nobody, from a copy of dist/ nobody can read.
        ensureBuilt(['cli.js']);
        const dist = path.join(base, 'dist');
        fs.cpSync(path.dirname(cli), dist, { recursive: true });
        execFileSync('chmod', ['-R', 'a+rX', dist]);
        command = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(dist, 'cli.js')];
      }
      const scan = spawnSync(command[0], [...command.slice(1), 'scan', '--json', ssh], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(scan.status, 0, scan.stderr);
      const result = JSON.parse(scan.stdout) as { skipped: Array<{ path: string; reason: string }>; pairs: Array<{ name: string; sha256: string }> };
      const reasons = Object.fromEntries(result.skipped.map((s) => [path.basename(s.path), s.reason]));
      assert.match(reasons['locked.pub'] ?? '', /EACCES/, JSON.stringify(reasons));
      assert.match(reasons['locked-dir'] ?? '', /EACCES/, JSON.stringify(reasons));
      assert.deepEqual(result.pairs.map((p) => [p.name, p.sha256]), [['id_ok', keygenFingerprint(path.join(ssh, 'id_ok.pub')).fingerprint]]);
      const inspect = spawnSync(command[0], [...command.slice(1), 'inspect', path.join(ssh, 'locked.pub')], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(inspect.status, 1);
      assert.match(inspect.stdout, /locked\.pub:1:1: error: Cannot read the file: EACCES/);
    } finally {
      fs.chmodSync(path.join(base, '.ssh', 'locked-dir'), 0o755);
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('thousands of keys: 5,000 .pub files scan completely, in bounded time and memory @many-keys', async () => {
    const many = path.join(path.dirname(dir), 'many');
    fs.mkdirSync(many);
    const [type, blob] = line.split(' ');
    for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(many, `k${i}.pub`), `${type} ${blob} key-${i}\n`);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const scan = await scanKeyDirectories([many], nodeScanFileSystem);
    const ms = Date.now() - started;
    // All 5,000 are read; holding one key, they are one pair (the rest its copies).
    assert.equal(scan.publicKeyFiles.length, 5000);
    assert.equal(scan.pairs.length, 1);
    assert.equal(scan.pairs[0].publicCopies.length, 4999);
    assert.ok(ms < 30_000, `scan took ${ms} ms`);
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / (1024 * 1024);
    assert.ok(grownMb < 200, `heap grew ${grownMb.toFixed(0)} MB for 5,000 keys`);
  });
});
