import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPair, type GenerateKeyPairOptions } from '../../src/keys/generate';
import { parseKeyText } from '../../src/keys/parse';
import { keygenDerive, keygenFacts } from './keys-fixtures';

describe('generateKeyPair', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-generate-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<GenerateKeyPairOptions & { name: string; keyType: string; bits: number }> = [
    { name: 'ed25519', type: 'ed25519', comment: 'me@laptop', keyType: 'ssh-ed25519', bits: 256 },
    { name: 'rsa3072', type: 'rsa', comment: 'rsa key', keyType: 'ssh-rsa', bits: 3072 },
    { name: 'rsa4096', type: 'rsa', bits: 4096, comment: 'big', keyType: 'ssh-rsa' },
    { name: 'ecdsa256', type: 'ecdsa', comment: 'ec', keyType: 'ecdsa-sha2-nistp256', bits: 256 },
    { name: 'ecdsa384', type: 'ecdsa', bits: 384, comment: 'ec', keyType: 'ecdsa-sha2-nistp384' },
    { name: 'ecdsa521', type: 'ecdsa', bits: 521, comment: '', keyType: 'ecdsa-sha2-nistp521' },
    // With a passphrase: OpenSSH's bcrypt KDF + aes256-ctr (slow on purpose; two cases suffice).
    { name: 'ed25519_pass', type: 'ed25519', comment: 'locked', passphrase: 'open sesame', keyType: 'ssh-ed25519', bits: 256 },
    { name: 'ecdsa384_pass', type: 'ecdsa', bits: 384, comment: 'locked ec', passphrase: 'open sesame', keyType: 'ecdsa-sha2-nistp384' },
  ];

  for (const { name, keyType, bits, ...options } of cases) {
    it(`${name}: ssh-keygen derives the same public key and fingerprint`, async () => {
      const generated = await generateKeyPair({ ...options, bits: options.type === 'ed25519' ? undefined : bits });
      const privateFile = path.join(dir, name);
      fs.writeFileSync(privateFile, generated.privateKey, { mode: 0o600 });
      fs.writeFileSync(`${privateFile}.pub`, generated.publicKey);

      assert.match(generated.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
      assert.ok(generated.publicKey.endsWith('\n') && !generated.publicKey.trimEnd().includes('\n'), 'one line');
      assert.equal(keygenDerive(privateFile, options.passphrase ?? ''), generated.publicKey.trim());
      const reference = keygenFacts(`${privateFile}.pub`);
      assert.equal(generated.facts.sha256, reference.sha256);
      assert.equal(generated.facts.md5, reference.md5);
      assert.equal(generated.facts.bits, bits);
      assert.equal(generated.facts.type, keyType);
      assert.equal(generated.facts.comment, options.comment);
      assert.equal(generated.publicKey, `${generated.facts.openssh}\n`);

      const parsed = parseKeyText(generated.privateKey, 'auto');
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.keys[0].encrypted, Boolean(options.passphrase));
      assert.equal(parsed.keys[0].sha256, reference.sha256);
    });
  }

  it('rejects sizes that are not offered', async () => {
    await assert.rejects(generateKeyPair({ type: 'rsa', bits: 1024, comment: '' }), RangeError);
    await assert.rejects(generateKeyPair({ type: 'ecdsa', bits: 128, comment: '' }), RangeError);
    await assert.rejects(generateKeyPair({ type: 'ed25519', comment: 'two\nlines' }), RangeError);
  });
});
