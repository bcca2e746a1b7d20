import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InspectReport } from '../../src/cli';
import { keygenFingerprint, sshKeygen, tempDir } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

/** Runs the built CLI (`node dist/cli.js`), building it first if a unit run comes before the build. */
function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!fs.existsSync(cli)) execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
  const r = spawnSync('node', [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inspectJson(paths: string[]): InspectReport[] {
  const r = runCli(['inspect', '--json', ...paths]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('CLI inspect, against ssh-keygen', function () {
  this.timeout(120_000);
  let dir: string;
  const keyFiles: string[] = [];

  before(() => {
    dir = tempDir('cli');
    const make = (name: string, type: string, extra: string[] = []) => {
      const file = path.join(dir, name);
      sshKeygen(file, type, extra, `${name}@test`);
      keyFiles.push(file, `${file}.pub`);
      return file;
    };
    make('ed25519', 'ed25519');
    make('rsa2048', 'rsa', ['-b', '2048']);
    make('rsa3072_pem', 'rsa', ['-b', '3072', '-m', 'PEM']);
    make('rsa2048_pkcs8', 'rsa', ['-b', '2048', '-m', 'PKCS8']);
    make('ecdsa256', 'ecdsa', ['-b', '256']);
    make('ecdsa384_pem', 'ecdsa', ['-b', '384', '-m', 'PEM']);
    make('ecdsa521_pkcs8', 'ecdsa', ['-b', '521', '-m', 'PKCS8']);
    const enc = make('ed25519_enc', 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pass phrase', '-f', enc]);
    // Exported public formats of one key: RFC 4716, PKCS#8 (SPKI) and PEM (PKCS#1).
    for (const [format, suffix] of [['RFC4716', 'rfc4716'], ['PKCS8', 'spki'], ['PEM', 'pkcs1']]) {
      const out = path.join(dir, `rsa2048_${suffix}.pub`);
      fs.writeFileSync(out, execFileSync('ssh-keygen', ['-e', '-m', format, '-f', path.join(dir, 'rsa2048.pub')]));
    }
    // A certificate: its fingerprint is the certified key's.
    const ca = path.join(dir, 'ca');
    sshKeygen(ca, 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'id', '-n', 'user', path.join(dir, 'ecdsa256.pub')]);
    keyFiles.push(path.join(dir, 'ecdsa256-cert.pub'));
  });

  it('gives the SHA256, MD5 and bits ssh-keygen -l gives, for every key file of every type and format', () => {
    const reports = inspectJson(keyFiles);
    assert.equal(reports.length, keyFiles.length);
    for (const r of reports) {
      const sha = keygenFingerprint(r.path, 'sha256');
      const md5 = keygenFingerprint(r.path, 'md5');
      assert.equal(r.sha256, sha.fingerprint, `${r.path} sha256`);
      assert.equal(r.md5, md5.fingerprint, `${r.path} md5`);
      assert.equal(r.bits, sha.bits, `${r.path} bits`);
      assert.equal(r.ok, true, `${r.path}: ${JSON.stringify(r.diagnostics)}`);
    }
    const byName = (n: string) => reports.find((r) => path.basename(r.path) === n)!;
    assert.equal(byName('ed25519').kind, 'private');
    assert.equal(byName('ed25519').encrypted, false);
    assert.equal(byName('ed25519_enc').encrypted, true);
    assert.equal(byName('ed25519.pub').kind, 'public');
    assert.equal(byName('ed25519.pub').comment, 'ed25519@test');
    assert.equal(byName('ecdsa256-cert.pub').kind, 'certificate');
    assert.equal(byName('ecdsa256-cert.pub').type, 'ecdsa-sha2-nistp256-cert-v01@openssh.com');
  });

  it('reads exported RFC 4716, SPKI and PKCS#1 public keys as the same key, with an info diagnostic', () => {
    const reports = inspectJson(['rfc4716', 'spki', 'pkcs1'].map((s) => path.join(dir, `rsa2048_${s}.pub`)));
    const expected = keygenFingerprint(path.join(dir, 'rsa2048.pub'));
    for (const r of reports) {
      assert.equal(r.sha256, expected.fingerprint, r.path);
      assert.equal(r.bits, 2048);
      assert.equal(r.ok, true);
      assert.ok(r.diagnostics.some((d) => d.severity === 'info'), `${r.path} should say it will be converted`);
    }
  });

  it('flags every malformed file with an error diagnostic', () => {
    const good = fs.readFileSync(path.join(dir, 'ed25519.pub'), 'utf8').trim();
    const [type, blob, comment] = good.split(' ');
    const rsaBlob = fs.readFileSync(path.join(dir, 'rsa2048.pub'), 'utf8').split(' ')[1];
    const cases: Record<string, string> = {
      'truncated.pub': `${type} ${blob.slice(0, 40)} ${comment}\n`,
      'bad-base64.pub': `${type} ${blob.slice(0, 20)}*${blob.slice(21)} ${comment}\n`,
      'mismatch.pub': `ssh-rsa ${blob} ${comment}\n`,
      'wrapped.pub': `ssh-rsa ${rsaBlob.slice(0, 64)}\n${rsaBlob.slice(64, 200)}\n${rsaBlob.slice(200)} me@host\n`,
      'empty.pub': '',
      'unknown-type.pub': `ssh-foo ${blob} ${comment}\n`,
      'private-as-public.pub': fs.readFileSync(path.join(dir, 'ed25519'), 'utf8'),
    };
    for (const [name, text] of Object.entries(cases)) fs.writeFileSync(path.join(dir, name), text);
    const reports = inspectJson(Object.keys(cases).map((n) => path.join(dir, n)));
    for (const r of reports) {
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(r.ok, false, `${r.path} must not be ok`);
      assert.ok(errors.length > 0, `${r.path} has no error diagnostic`);
      for (const d of errors) {
        assert.ok(d.line >= 1 && d.column >= 1 && d.endColumn >= d.column, `${r.path}: bad range ${JSON.stringify(d)}`);
        assert.ok(d.message.length > 20, `${r.path}: message too thin: ${d.message}`);
      }
    }
    const byName = (n: string) => reports.find((r) => path.basename(r.path) === n)!;
    const privateReport = byName('private-as-public.pub');
    assert.equal(privateReport.kind, 'private', 'a private key is never reported as a public key');
    assert.match(privateReport.diagnostics[0].message, /PRIVATE key/);
    const bad = byName('bad-base64.pub').diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(bad.column, type.length + 1 + 20 + 1, 'points at the bad character (1-based)');
    const wrapped = byName('wrapped.pub').diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(wrapped.line, 1);
    assert.equal(wrapped.endLine, 3, 'the whole wrapped key');
  });

  it('exits 1 when a file cannot be read, 2 on usage errors', () => {
    const missing = runCli(['inspect', path.join(dir, 'nope.pub')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /Cannot read the file: ENOENT/);
    assert.equal(runCli(['inspect']).status, 2);
    assert.equal(runCli(['frobnicate']).status, 2);
    assert.equal(runCli(['inspect', '--yaml', dir]).status, 2);
  });

  it('inspects a folder: every regular file in it', () => {
    const reports = inspectJson([dir]);
    assert.ok(reports.length >= keyFiles.length);
    assert.ok(reports.some((r) => r.path === path.join(dir, 'ed25519.pub')));
  });

  it('scan pairs keys as the Local Keys view does', () => {
    const r = runCli(['scan', '--json', dir]);
    assert.equal(r.status, 0, r.stderr);
    const scan = JSON.parse(r.stdout);
    const pair = scan.pairs.find((p: { name: string }) => p.name === 'ed25519');
    assert.equal(pair.privateKey, path.join(dir, 'ed25519'));
    assert.equal(pair.publicKey, path.join(dir, 'ed25519.pub'));
    assert.equal(pair.sha256, keygenFingerprint(path.join(dir, 'ed25519.pub')).fingerprint);
  });

  it('scan shows what the Local Keys view flags: copies grouped under their key, a private key saved as .pub, a .pub with no readable key', () => {
    const ssh = tempDir('cli-scan');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', path.join(ssh, 'id_ed25519')]);
    // An RFC 4716 export of the same key, a private key saved as .pub, and a .pub with nothing readable in it.
    fs.writeFileSync(path.join(ssh, 'id_ed25519.rfc.pub'), execFileSync('ssh-keygen', ['-e', '-f', path.join(ssh, 'id_ed25519.pub')]));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'oops', '-f', path.join(ssh, 'leak')]);
    fs.renameSync(path.join(ssh, 'leak'), path.join(ssh, 'leaked.pub'));
    fs.rmSync(path.join(ssh, 'leak.pub'));
    fs.writeFileSync(path.join(ssh, 'broken.pub'), 'ssh-ed25519 AAAA!!!not base64 me@laptop\n');

    const json = JSON.parse(runCli(['scan', '--json', ssh]).stdout);
    const mine = json.pairs.find((p: { name: string }) => p.name === 'id_ed25519');
    assert.deepEqual(mine.publicCopies, [path.join(ssh, 'id_ed25519.rfc.pub')]);
    assert.equal(json.pairs.filter((p: { sha256: string }) => p.sha256 === mine.sha256).length, 1, 'the export has a row of its own');
    const leaked = json.pairs.find((p: { privateKeysInPublicFiles: string[] }) => p.privateKeysInPublicFiles.includes(path.join(ssh, 'leaked.pub')));
    assert.ok(leaked, JSON.stringify(json.pairs));
    assert.equal(leaked.privateKey, undefined, 'a private key in a .pub is offered as the private key');
    assert.deepEqual(json.brokenPublicKeyFiles.map((f: { path: string }) => f.path), [path.join(ssh, 'broken.pub')]);
    assert.ok(json.brokenPublicKeyFiles[0].problems.some((p: { severity: string }) => p.severity === 'error'));

    const text = runCli(['scan', ssh]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^id_ed25519\t.*\[1 copy\]$/m);
    assert.match(text.stdout, /^ {2}copy of its public key: .*id_ed25519\.rfc\.pub$/m);
    assert.match(text.stdout, /^ {2}DANGER: .*leaked\.pub holds the PRIVATE key/m);
    assert.match(text.stdout, /^.*broken\.pub\t\[no key could be read\]\t1:\d+ /m);
  });
});
