import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { MAX_KEY_FILE_BYTES, scanKeyDirectories, type ScanResult } from '../../src/keys/scan';
import { expandHome, nodeScanFileSystem, type ScanFileSystem } from '../../src/keys/scan-fs';
import { keygenFingerprint, sshKeygen, tempDir } from './helpers';

describe('scanKeyDirectories', function () {
  this.timeout(60_000);
  let ssh: string;
  let result: ScanResult;
  let socketServer: net.Server | undefined;
  const byName = (name: string) => {
    const pair = result.pairs.find((p) => p.name === name);
    assert.ok(pair, `no pair named ${name}; have ${result.pairs.map((p) => p.name).join(', ')}`);
    return pair;
  };

  before(async () => {
    ssh = path.join(tempDir('scan'), '.ssh');
    fs.mkdirSync(ssh, { mode: 0o700 });
    sshKeygen(path.join(ssh, 'id_ed25519'), 'ed25519', [], 'me@laptop');
    sshKeygen(path.join(ssh, 'id_rsa'), 'rsa', ['-b', '2048', '-m', 'PEM']);
    sshKeygen(path.join(ssh, 'encrypted'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', path.join(ssh, 'encrypted')]);
    // Encrypted PEM private key without .pub: its fingerprint cannot be known.
    sshKeygen(path.join(ssh, 'legacy_pem'), 'rsa', ['-b', '2048', '-m', 'PEM']);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-m', 'PEM', '-f', path.join(ssh, 'legacy_pem')]);
    fs.rmSync(path.join(ssh, 'legacy_pem.pub'));
    sshKeygen(path.join(ssh, 'private_only'), 'ecdsa', ['-b', '384']);
    fs.rmSync(path.join(ssh, 'private_only.pub'));
    sshKeygen(path.join(ssh, 'public_only'), 'ed25519');
    fs.rmSync(path.join(ssh, 'public_only'));
    sshKeygen(path.join(ssh, 'unsafe'), 'ed25519');
    fs.chmodSync(path.join(ssh, 'unsafe'), 0o644);
    // Same key, different names: paired by blob.
    sshKeygen(path.join(ssh, 'work'), 'ed25519');
    fs.renameSync(path.join(ssh, 'work.pub'), path.join(ssh, 'work_key.pub'));
    // A .pub that belongs to another key.
    sshKeygen(path.join(ssh, 'mismatch'), 'ed25519');
    sshKeygen(path.join(ssh, 'other'), 'ed25519');
    fs.copyFileSync(path.join(ssh, 'other.pub'), path.join(ssh, 'mismatch.pub'));
    fs.rmSync(path.join(ssh, 'other'));
    fs.rmSync(path.join(ssh, 'other.pub'));
    // A certificate for id_ed25519.
    sshKeygen(path.join(ssh, 'ca'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', path.join(ssh, 'ca'), '-I', 'me', '-n', 'me', path.join(ssh, 'id_ed25519.pub')]);
    fs.renameSync(path.join(ssh, 'ca'), path.join(path.dirname(ssh), 'ca'));
    fs.renameSync(path.join(ssh, 'ca.pub'), path.join(path.dirname(ssh), 'ca.pub'));
    // A key in a subfolder, recognized by content although its name says nothing.
    fs.mkdirSync(path.join(ssh, 'keys'));
    sshKeygen(path.join(ssh, 'keys', 'deploy'), 'rsa', ['-b', '3072']);
    fs.renameSync(path.join(ssh, 'keys', 'deploy'), path.join(ssh, 'keys', 'deploy.key'));
    // Things that are not key pairs, or must never be opened.
    fs.writeFileSync(path.join(ssh, 'known_hosts'), fs.readFileSync(path.join(ssh, 'id_ed25519.pub')));
    fs.writeFileSync(path.join(ssh, 'authorized_keys'), fs.readFileSync(path.join(ssh, 'id_rsa.pub')));
    fs.writeFileSync(path.join(ssh, 'config'), 'Host x\n  User y\n');
    execFileSync('mkfifo', [path.join(ssh, 'agent.fifo')]);
    socketServer = net.createServer();
    await new Promise<void>((resolve) => socketServer!.listen(path.join(ssh, 'agent.sock'), resolve));
    fs.symlinkSync('loop_b', path.join(ssh, 'loop_a'));
    fs.symlinkSync('loop_a', path.join(ssh, 'loop_b'));
    fs.symlinkSync('..', path.join(ssh, 'keys', 'up')); // a directory cycle
    fs.symlinkSync('does-not-exist', path.join(ssh, 'dangling'));
    fs.writeFileSync(path.join(ssh, 'huge.pub'), Buffer.alloc(MAX_KEY_FILE_BYTES + 1, 'A'));
    fs.writeFileSync(path.join(ssh, 'binary'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    fs.writeFileSync(path.join(ssh, 'notes.txt'), 'not a key\n');
    result = await scanKeyDirectories([ssh], nodeScanFileSystem);
  });

  after(() => socketServer?.close());

  it('finds every key pair, by content, and nothing else', () => {
    assert.deepEqual(
      result.pairs.map((p) => p.name).sort(),
      ['deploy.key', 'encrypted', 'id_ed25519', 'id_rsa', 'legacy_pem', 'mismatch', 'private_only', 'public_only', 'unsafe', 'work'],
    );
    assert.deepEqual(result.directories, [ssh]);
    assert.deepEqual(result.missingDirectories, []);
  });

  it('gives the fingerprints and bits ssh-keygen gives', () => {
    for (const name of ['id_ed25519', 'id_rsa', 'encrypted', 'unsafe', 'work', 'public_only']) {
      const pair = byName(name);
      const file = pair.publicKey!.path;
      const sha = keygenFingerprint(file, 'sha256');
      const md5 = keygenFingerprint(file, 'md5');
      assert.equal(pair.facts.sha256, sha.fingerprint, name);
      assert.equal(pair.facts.md5, md5.fingerprint, name);
      assert.equal(pair.facts.bits, sha.bits, name);
    }
    const deploy = byName('deploy.key');
    assert.equal(deploy.facts.sha256, keygenFingerprint(path.join(ssh, 'keys', 'deploy.pub')).fingerprint);
    assert.equal(deploy.privateKey?.path, path.join(ssh, 'keys', 'deploy.key'));
  });

  it('pairs by file stem, then by key blob', () => {
    const pair = byName('id_ed25519');
    assert.equal(pair.privateKey?.path, path.join(ssh, 'id_ed25519'));
    assert.equal(pair.publicKey?.path, path.join(ssh, 'id_ed25519.pub'));
    const work = byName('work');
    assert.equal(work.publicKey?.path, path.join(ssh, 'work_key.pub'));
  });

  it('attaches a certificate to the key it certifies', () => {
    const pair = byName('id_ed25519');
    assert.deepEqual(pair.certificates.map((c) => c.path), [path.join(ssh, 'id_ed25519-cert.pub')]);
  });

  it('marks public-only, private-only, passphrase-protected, unsafe and mismatched pairs', () => {
    assert.ok(!byName('public_only').privateKey && byName('public_only').publicKey);
    const privateOnly = byName('private_only');
    assert.ok(privateOnly.privateKey && !privateOnly.publicKey);
    assert.equal(privateOnly.facts.bits, 384, 'an OpenSSH private key tells its public half');
    assert.ok(privateOnly.facts.sha256?.startsWith('SHA256:'));
    assert.equal(byName('encrypted').facts.encrypted, true);
    assert.equal(byName('id_ed25519').facts.encrypted, false);
    const legacy = byName('legacy_pem');
    assert.equal(legacy.facts.encrypted, true);
    assert.equal(legacy.facts.sha256, undefined, 'an encrypted PEM key hides its public half');
    assert.equal(byName('unsafe').unsafePermissions, true);
    assert.equal(byName('id_ed25519').unsafePermissions, false);
    assert.equal(byName('mismatch').publicKeyMismatch, true);
    assert.equal(byName('id_rsa').publicKeyMismatch, false);
  });

  it('skips sockets, FIFOs, loops, dangling links and huge files with a reason, without opening them @fifo-socket @symlink-loop @huge-file', () => {
    const reasons = new Map(result.skipped.map((s) => [path.basename(s.path), s.reason]));
    assert.match(reasons.get('agent.fifo') ?? '', /not a regular file/);
    assert.match(reasons.get('agent.sock') ?? '', /not a regular file/);
    assert.match(reasons.get('loop_a') ?? '', /ELOOP/);
    assert.match(reasons.get('dangling') ?? '', /ENOENT/);
    assert.match(reasons.get('huge.pub') ?? '', /too large/);
  });

  it('reports a missing folder instead of failing', async () => {
    const missing = path.join(ssh, 'nope');
    const r = await scanKeyDirectories([missing, ssh], nodeScanFileSystem);
    assert.deepEqual(r.missingDirectories, [missing]);
    assert.equal(r.pairs.length, result.pairs.length);
  });

  it('survives a file that vanishes between listing and reading, and unreadable folders @vanishing-file @permission-denied', async () => {
    const vanishing: ScanFileSystem = {
      ...nodeScanFileSystem,
      readPrefix: async (file, max) => {
        if (file.endsWith('id_rsa')) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
        return nodeScanFileSystem.readPrefix(file, max);
      },
      readDirectory: async (dir) => {
        if (dir.endsWith('keys')) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return nodeScanFileSystem.readDirectory(dir);
      },
    };
    const r = await scanKeyDirectories([ssh], vanishing);
    assert.ok(r.skipped.some((s) => s.path.endsWith('id_rsa') && /ENOENT/.test(s.reason)));
    assert.ok(r.skipped.some((s) => s.path.endsWith('keys') && /EACCES/.test(s.reason)));
    assert.equal(r.pairs.find((p) => p.name === 'id_rsa')?.privateKey, undefined, 'the .pub is still listed, public only');
  });

  it('never opens a FIFO even when it replaces a file after stat @fifo-socket', async () => {
    const fifo = path.join(ssh, 'agent.fifo');
    await assert.rejects(nodeScanFileSystem.readPrefix(fifo, 100), /not a regular file/);
  });
});

describe('scanKeyDirectories: one row per key, broken and dangerous files kept', function () {
  this.timeout(60_000);
  let ssh: string;
  let result: ScanResult;
  const j = (...p: string[]) => path.join(ssh, ...p);
  const pairsOf = (file: string) =>
    result.pairs.filter((p) => [p.privateKey, p.publicKey, ...p.publicCopies, ...p.privateKeysInPublicFiles].some((f) => f?.path === file));

  before(async () => {
    ssh = path.join(tempDir('scan-groups'), '.ssh');
    fs.mkdirSync(ssh, { mode: 0o700 });
    // id_ed25519 with its .pub, its RFC 4716 export and a pasted copy under another name.
    sshKeygen(j('id_ed25519'), 'ed25519', [], 'me@laptop');
    fs.writeFileSync(j('id_ed25519_rfc4716.pub'), execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', j('id_ed25519.pub')]));
    fs.copyFileSync(j('id_ed25519.pub'), j('pasted.pub'));
    // A public key alone, and its RFC 4716 export whose name sorts first.
    sshKeygen(j('lone'), 'ed25519');
    fs.rmSync(j('lone'));
    fs.writeFileSync(j('a_export.pub'), execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', j('lone.pub')]));
    // A private key saved as .pub: alone, beside its own private key (cp key key.pub), and beside its public key.
    sshKeygen(j('secret'), 'ed25519');
    fs.renameSync(j('secret'), j('leaked.pub'));
    fs.rmSync(j('secret.pub'));
    sshKeygen(j('mine'), 'ed25519');
    fs.copyFileSync(j('mine'), j('mine.pub'));
    sshKeygen(j('halves'), 'ed25519');
    fs.renameSync(j('halves'), j('halves_private.pub'));
    // A .pub in which no key can be read, and one whose type is misspelt (a key, with an error).
    const [, blob] = fs.readFileSync(j('lone.pub'), 'utf8').split(' ');
    fs.writeFileSync(j('broken.pub'), `ssh-ed25519 ${blob.slice(0, 20)}#${blob.slice(21)} broken\n`);
    sshKeygen(j('typo'), 'ed25519');
    fs.writeFileSync(j('typo.pub'), fs.readFileSync(j('typo.pub'), 'utf8').replace('ssh-ed25519', 'ssh-ed2519'));
    result = await scanKeyDirectories([ssh], nodeScanFileSystem);
  });

  it('groups every .pub of one key with its private key: one pair, the copies in it', () => {
    const pairs = pairsOf(j('id_ed25519'));
    assert.equal(pairs.length, 1);
    const [pair] = pairs;
    assert.equal(pair.name, 'id_ed25519');
    assert.equal(pair.publicKey?.path, j('id_ed25519.pub'));
    assert.deepEqual(pair.publicCopies.map((f) => f.path), [j('id_ed25519_rfc4716.pub'), j('pasted.pub')]);
    for (const copy of pair.publicCopies) assert.deepEqual(pairsOf(copy.path), [pair], `${copy.path} is a row of its own`);
    // ssh-keygen reads the export back as the same key.
    const imported = execFileSync('ssh-keygen', ['-i', '-m', 'RFC4716', '-f', j('id_ed25519_rfc4716.pub')], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(pair.publicCopies[0].facts.blobBase64, imported.trim());
    assert.equal(pair.facts.sha256, keygenFingerprint(j('id_ed25519')).fingerprint);
  });

  it('copies of a public key without its private key: one pair, named after the OpenSSH line', () => {
    const pairs = pairsOf(j('lone.pub'));
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0].name, 'lone');
    assert.equal(pairs[0].publicKey?.path, j('lone.pub'));
    assert.deepEqual(pairs[0].publicCopies.map((f) => f.path), [j('a_export.pub')]);
    assert.ok(!result.pairs.some((p) => p.name === 'a_export'));
  });

  it('a private key saved as .pub is flagged, never taken as the pair\'s private key, nor paired with another .pub by name', () => {
    const [alone] = pairsOf(j('leaked.pub'));
    assert.equal(alone.privateKey, undefined, 'nothing may offer a .pub as the private key to log in with');
    assert.deepEqual(alone.privateKeysInPublicFiles.map((f) => f.path), [j('leaked.pub')]);
    assert.equal(alone.facts.kind, 'private');
    assert.equal(alone.facts.sha256, keygenFingerprint(j('leaked.pub')).fingerprint);
    assert.ok(alone.privateKeysInPublicFiles[0].problems.some((p) => p.code === 'private-key-in-public-file'));

    const mine = pairsOf(j('mine'));
    assert.equal(mine.length, 1, 'cp mine mine.pub: still one row');
    assert.equal(mine[0].privateKey?.path, j('mine'));
    assert.equal(mine[0].publicKey, undefined);
    assert.deepEqual(mine[0].privateKeysInPublicFiles.map((f) => f.path), [j('mine.pub')]);

    const halves = pairsOf(j('halves.pub'));
    assert.equal(halves.length, 1, 'the public key and its private key in a .pub: one row');
    assert.deepEqual(halves[0].privateKeysInPublicFiles.map((f) => f.path), [j('halves_private.pub')]);
    assert.equal(halves[0].publicKey?.path, j('halves.pub'));
  });

  it('lists a .pub in which no key can be read, with its problems, outside every pair', () => {
    assert.deepEqual(result.brokenPublicKeyFiles.map((f) => f.path), [j('broken.pub')]);
    assert.ok(result.brokenPublicKeyFiles[0].problems.some((p) => p.code === 'bad-base64' && p.severity === 'error'));
    assert.deepEqual(pairsOf(j('broken.pub')), []);
  });

  it('keeps the problems of a .pub that still holds a key (the view marks them)', () => {
    const [typo] = pairsOf(j('typo'));
    assert.equal(typo.publicKey?.path, j('typo.pub'));
    assert.ok(typo.publicKey?.problems.some((p) => p.code === 'unknown-type' && p.severity === 'error'));
  });
});

describe('expandHome', () => {
  it('expands ~ and $HOME', () => {
    assert.equal(expandHome('~', '/home/a'), '/home/a');
    assert.equal(expandHome('~/.ssh', '/home/a'), path.join('/home/a', '.ssh'));
    assert.equal(expandHome('$HOME/keys', '/home/a'), path.join('/home/a', 'keys'));
    assert.equal(expandHome('/etc/ssh', '/home/a'), '/etc/ssh');
  });
});
