import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseKeyText } from '../../src/keys/parse';
import type { KeyFacts, KeyTextRole, ParsedKeyText } from '../../src/keys/types';
import { KeyFixtures, keyFixtures, keygenAccepts, keygenFacts, keygenList } from './keys-fixtures';

function errorsOf(parsed: ParsedKeyText): string[] {
  return parsed.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}: ${p.message}`);
}

/** Parses a fixture and checks it holds one key with no error. */
function parseOne(fx: KeyFixtures, name: string, role: KeyTextRole = 'auto'): { key: KeyFacts; parsed: ParsedKeyText } {
  const parsed = parseKeyText(fx.read(name), role);
  assert.deepEqual(errorsOf(parsed), [], `${name} should have no errors`);
  assert.equal(parsed.keys.length, 1, `${name} should hold one key`);
  return { key: parsed.keys[0], parsed };
}

/** Our fingerprints and bits must be exactly what ssh-keygen prints for `referenceFile`. */
function assertMatchesKeygen(key: KeyFacts, referenceFile: string, label: string): void {
  const ref = keygenFacts(referenceFile);
  assert.equal(key.sha256, ref.sha256, `${label}: sha256`);
  assert.equal(key.md5, ref.md5, `${label}: md5`);
  assert.equal(key.bits, ref.bits, `${label}: bits`);
}

describe('parseKeyText: keys made by ssh-keygen', function () {
  this.timeout(60_000);
  let fx: KeyFixtures;
  before(() => {
    fx = keyFixtures();
  });

  it('reads the .pub of every type with the fingerprints and bits ssh-keygen prints', () => {
    const expectedTypes: Record<string, string> = {
      rsa2048: 'ssh-rsa',
      rsa3072: 'ssh-rsa',
      rsa4096: 'ssh-rsa',
      ecdsa256: 'ecdsa-sha2-nistp256',
      ecdsa384: 'ecdsa-sha2-nistp384',
      ecdsa521: 'ecdsa-sha2-nistp521',
      ed25519: 'ssh-ed25519',
      dsa1024: 'ssh-dss',
    };
    for (const name of fx.plain) {
      const { key } = parseOne(fx, `${name}.pub`, 'public');
      assertMatchesKeygen(key, fx.file(`${name}.pub`), name);
      assert.equal(key.kind, 'public');
      assert.equal(key.format, 'openssh');
      assert.equal(key.type, expectedTypes[name]);
      assert.equal(key.keyType, key.type);
      assert.equal(key.comment, `${name}@test host`);
      assert.equal(key.openssh, fx.read(`${name}.pub`).trim(), `${name}: normalized line`);
      assert.equal(key.blobBase64, fx.read(`${name}.pub`).split(' ')[1]);
      assert.equal(key.line, 0);
      assert.equal(key.endLine, 0);
    }
  });

  it('reads DSA keys (or says why it cannot test them)', function () {
    if (!fx.dsaSupported) this.skip(); // this ssh-keygen no longer makes DSA keys
    const { key, parsed } = parseOne(fx, 'dsa1024.pub', 'public');
    assert.equal(key.bits, 1024);
    assert.ok(parsed.problems.some((p) => p.code === 'weak-key' && p.severity === 'warning'));
  });

  it('reads the public half of OpenSSH private keys, plain and passphrase-protected', () => {
    for (const name of [...fx.plain, 'enc_ed25519', 'enc_rsa', 'enc_ecdsa']) {
      const { key } = parseOne(fx, name, 'auto');
      assertMatchesKeygen(key, fx.file(`${name}.pub`), name);
      assert.equal(key.kind, 'private');
      assert.equal(key.format, 'openssh-private');
      const encrypted = name.startsWith('enc_');
      assert.equal(key.encrypted, encrypted, `${name}: encrypted`);
      // The comment sits in the encrypted section: known only for unencrypted keys.
      assert.equal(key.comment, encrypted ? '' : `${name}@test host`);
      assert.equal(key.openssh?.split(' ').slice(0, 2).join(' '), fx.read(`${name}.pub`).split(' ').slice(0, 2).join(' '));
    }
  });

  it('reads PEM and PKCS#8 private keys; encrypted ones are flagged without a passphrase', () => {
    const readable = ['pem_rsa', 'pem_ecdsa', 'pkcs8_rsa', 'pkcs8_ecdsa', ...(fx.dsaSupported ? ['pem_dsa'] : [])];
    for (const name of readable) {
      const { key } = parseOne(fx, name);
      assertMatchesKeygen(key, fx.file(`${name}.pub`), name);
      assert.equal(key.kind, 'private');
      assert.equal(key.encrypted, false);
      assert.equal(key.format, name.startsWith('pem_') ? 'pkcs1-pem' : 'pkcs8');
    }
    const rsaLegacy = parseOne(fx, 'pem_rsa_enc').key;
    assert.deepEqual(
      [rsaLegacy.kind, rsaLegacy.format, rsaLegacy.encrypted, rsaLegacy.type, rsaLegacy.sha256, rsaLegacy.bits],
      ['private', 'pkcs1-pem', true, 'ssh-rsa', undefined, undefined],
    );
    const ecLegacy = parseOne(fx, 'pem_ecdsa_enc').key;
    assert.equal(ecLegacy.encrypted, true);
    assert.equal(ecLegacy.type, '', 'the curve is inside the encrypted data');
    for (const name of ['pkcs8_rsa_enc', 'openssl_pkcs8_enc']) {
      const { key } = parseOne(fx, name);
      assert.deepEqual([key.kind, key.format, key.encrypted, key.sha256], ['private', 'pkcs8-encrypted', true, undefined], name);
    }
  });

  it('reports a private key in a .pub as an error, never as a valid public key', () => {
    for (const name of ['ed25519', 'enc_rsa', 'pem_rsa', 'pkcs8_rsa_enc']) {
      const text = fx.read(name);
      const parsed = parseKeyText(text, 'public');
      const problem = parsed.problems.find((p) => p.code === 'private-key-in-public-file');
      assert.ok(problem, name);
      assert.equal(problem.severity, 'error');
      assert.match(problem.message, /PRIVATE key/);
      assert.match(problem.message, /must never be shared/);
      const lines = text.trimEnd().split('\n');
      assert.deepEqual(
        [problem.line, problem.column, problem.endLine, problem.endColumn],
        [0, 0, lines.length - 1, lines[lines.length - 1].length],
        `${name}: the range covers the whole key`,
      );
      assert.equal(parsed.keys.length, 1);
      assert.equal(parsed.keys[0].kind, 'private');
      // In auto role (scanning ~/.ssh) a private key is not a problem.
      assert.deepEqual(parseKeyText(text, 'auto').problems, [], name);
    }
  });

  it('reads RFC 4716, SPKI PEM and PKCS#1 PEM public keys, with an info note', () => {
    const cases: Array<[string, string, string]> = [
      ['rsa2048.rfc4716', 'rsa2048.pub', 'rfc4716'],
      ['ecdsa384.rfc4716', 'ecdsa384.pub', 'rfc4716'],
      ['ed25519.rfc4716', 'ed25519.pub', 'rfc4716'],
      ['rsa2048.spki', 'rsa2048.pub', 'spki-pem'],
      ['ecdsa384.spki', 'ecdsa384.pub', 'spki-pem'],
      ['rsa2048.pkcs1', 'rsa2048.pub', 'pkcs1-pem'],
      ...(fx.dsaSupported ? [['dsa1024.spki', 'dsa1024.pub', 'spki-pem'] as [string, string, string]] : []),
    ];
    for (const [name, reference, format] of cases) {
      const { key, parsed } = parseOne(fx, name, 'public');
      assertMatchesKeygen(key, fx.file(reference), name);
      assert.equal(key.format, format);
      assert.equal(key.kind, 'public');
      assert.equal(key.openssh?.split(' ').slice(0, 2).join(' '), fx.read(reference).split(' ').slice(0, 2).join(' '));
      const note = parsed.problems.find((p) => p.code === 'alt-format');
      assert.ok(note, name);
      assert.equal(note.severity, 'info');
      assert.match(note.message, /not the one-line OpenSSH format.*converted/);
      const lastLine = fx.read(name).trimEnd().split('\n').length - 1;
      assert.deepEqual([note.line, note.column, note.endLine], [0, 0, lastLine]);
    }
    // RFC 4716 keeps its Comment header (quoted, possibly continued with a backslash).
    assert.match(parseOne(fx, 'rsa2048.rfc4716').key.comment, /2048-bit RSA, converted by .* from OpenSSH/);
    const continued = fx.read('ed25519.rfc4716').replace(/^Comment: .*$/m, 'Comment: "a long \\\ncomment"');
    assert.equal(parseKeyText(continued).keys[0].comment, 'a long comment');
  });

  it('reads certificates: type, certified key fingerprint and bits as ssh-keygen -l prints them', () => {
    const cases: Array<[string, string, string]> = [
      ['ed25519-cert.pub', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'],
      ['rsa2048-cert.pub', 'ssh-rsa-cert-v01@openssh.com', 'ssh-rsa'],
      ['ecdsa256-cert.pub', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp256'],
      ['sk_ed25519-cert.pub', 'sk-ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com'],
      ['sk_ecdsa-cert.pub', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'],
      ['host_ed25519-cert.pub', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'],
      ...(fx.dsaSupported ? [['dsa1024-cert.pub', 'ssh-dss-cert-v01@openssh.com', 'ssh-dss'] as [string, string, string]] : []),
    ];
    for (const [name, type, keyType] of cases) {
      const { key } = parseOne(fx, name, 'public');
      assertMatchesKeygen(key, fx.file(name), name);
      assert.equal(key.kind, 'certificate');
      assert.equal(key.type, type);
      assert.equal(key.keyType, keyType);
      assert.equal(key.openssh, fx.read(name).trim());
      // Same fingerprint as the key it certifies, and the blob of that key.
      const certified = parseKeyText(fx.read(name.replace('-cert', ''))).keys[0];
      assert.equal(key.sha256, certified.sha256);
      assert.equal(key.blobBase64, certified.blobBase64);
      assert.equal(key.certificate?.keyId, `${name.replace('-cert.pub', '')}-id`);
      assert.deepEqual(key.certificate?.principals, ['alice', 'bob']);
      assert.equal(key.certificate?.certType, name.startsWith('host') ? 'host' : 'user');
      assert.equal(key.certificate?.caSha256, keygenFacts(fx.file('ca.pub')).sha256);
      assert.equal(key.certificate?.validBefore, undefined, 'valid forever');
    }
  });

  it('warns about an expired certificate (a warning: ssh-keygen -l still reads it)', () => {
    const parsed = parseKeyText(fx.read('expired-cert.pub'), 'public', { now: new Date('2024-06-01T00:00:00Z') });
    assert.deepEqual(errorsOf(parsed), []);
    const problem = parsed.problems.find((p) => p.code === 'certificate-expired');
    assert.equal(problem?.severity, 'warning');
    assert.match(problem!.message, /expired on 2000-01-02/);
    assert.equal(parsed.keys[0].certificate?.validAfter, '2000-01-01T00:00:00.000Z');
    const early = parseKeyText(fx.read('expired-cert.pub'), 'public', { now: new Date('1999-06-01T00:00:00Z') });
    assert.equal(early.problems[0]?.code, 'certificate-not-yet-valid');
  });

  it('reads hand-made security-key (sk-*) public keys exactly as ssh-keygen does', () => {
    for (const [name, type] of [
      ['sk_ed25519.pub', 'sk-ssh-ed25519@openssh.com'],
      ['sk_ecdsa.pub', 'sk-ecdsa-sha2-nistp256@openssh.com'],
    ]) {
      assert.ok(keygenAccepts(fx.file(name)), `ssh-keygen accepts ${name}`);
      const { key } = parseOne(fx, name, 'public');
      assertMatchesKeygen(key, fx.file(name), name);
      assert.equal(key.type, type);
      assert.equal(key.bits, 256);
    }
  });

  it('reads a whole authorized_keys file: options, comments, blank lines, every type', () => {
    const lines = [
      '# keys of the team',
      '',
      `from="10.0.0.1,192.168.0.0/16",no-pty,command="echo hello world" ${fx.read('ed25519.pub').trim()}`,
      `restrict ${fx.read('rsa4096.pub').trim()}`,
      `cert-authority,principals="alice" ${fx.read('ca.pub').trim()}`,
      fx.read('ecdsa521.pub').trim(),
      fx.read('sk_ecdsa.pub').trim(),
      fx.read('sk_ed25519-cert.pub').trim(),
      '   # an indented comment',
    ];
    const text = lines.join('\n') + '\n';
    const file = fx.file('authorized_keys_mixed');
    fs.writeFileSync(file, text);
    const parsed = parseKeyText(text, 'authorized_keys');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.keys.map((k) => k.line),
      [2, 3, 4, 5, 6, 7],
    );
    assert.equal(parsed.keys[0].options, 'from="10.0.0.1,192.168.0.0/16",no-pty,command="echo hello world"');
    assert.equal(parsed.keys[1].options, 'restrict');
    assert.equal(parsed.keys[3].options, undefined);
    const reference = keygenList(file);
    assert.deepEqual(
      parsed.keys.map((k) => [k.bits, k.sha256, k.comment]),
      reference.map((r) => [r.bits, r.fingerprint, r.comment]),
    );
  });

  it('gives no error to any key ssh-keygen -l accepts', () => {
    for (const name of fs.readdirSync(fx.dir)) {
      const file = fx.file(name);
      if (!keygenAccepts(file) || name.startsWith('authorized_keys')) continue;
      const role: KeyTextRole = name.endsWith('.pub') ? 'public' : 'auto';
      assert.deepEqual(errorsOf(parseKeyText(fx.read(name), role)), [], name);
    }
  });
});
