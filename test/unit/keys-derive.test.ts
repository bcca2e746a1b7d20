import * as assert from 'node:assert/strict';
import { derivePublicKey } from '../../src/keys/derive';
import { KeyFixtures, PASSPHRASE, keyFixtures, keygenDerive, keygenFacts } from './keys-fixtures';

describe('derivePublicKey', function () {
  this.timeout(60_000);
  let fx: KeyFixtures;
  before(() => {
    fx = keyFixtures();
  });

  /** Derives and checks against `ssh-keygen -y` (line) and `ssh-keygen -l` of the .pub (fingerprint). */
  function assertDerivesLikeKeygen(name: string, passphrase?: string, reference = `${name}.pub`): void {
    const result = derivePublicKey(fx.read(name), passphrase);
    assert.ok(result.ok, `${name}: ${result.ok ? '' : result.message}`);
    const expected = keygenDerive(fx.file(name), passphrase ?? '');
    // ssh-keygen -y prints the comment where the format stores one.
    assert.equal(result.key.openssh, expected, name);
    assert.equal(result.key.sha256, keygenFacts(fx.file(reference)).sha256, name);
    assert.equal(result.key.kind, 'public');
    assert.equal(result.key.format, 'openssh');
  }

  it('derives the public key of plain OpenSSH, PEM and PKCS#8 keys as ssh-keygen -y does', () => {
    for (const name of [...fx.plain, 'pem_rsa', 'pem_ecdsa', 'pkcs8_rsa', 'pkcs8_ecdsa', ...(fx.dsaSupported ? ['pem_dsa'] : [])]) {
      assertDerivesLikeKeygen(name);
    }
    assert.equal((derivePublicKey(fx.read('ed25519')) as { key: { comment: string } }).key.comment, 'ed25519@test host');
  });

  it('decrypts passphrase-protected OpenSSH, legacy PEM and PKCS#8 keys', () => {
    for (const name of ['enc_ed25519', 'enc_rsa', 'enc_ecdsa', 'pem_rsa_enc', 'pem_ecdsa_enc', 'pkcs8_rsa_enc']) {
      assertDerivesLikeKeygen(name, PASSPHRASE);
    }
    // openssl's PBES2 output; ssh-keygen reads it as well.
    assertDerivesLikeKeygen('openssl_pkcs8_enc', PASSPHRASE);
  });

  it('asks for a passphrase, and tells a wrong one, without leaking anything', () => {
    for (const name of ['enc_ed25519', 'pem_rsa_enc', 'pkcs8_rsa_enc', 'openssl_pkcs8_enc']) {
      const missing = derivePublicKey(fx.read(name));
      assert.deepEqual([missing.ok, !missing.ok && missing.reason], [false, 'needs-passphrase'], name);
      const wrong = derivePublicKey(fx.read(name), 'not the passphrase');
      assert.deepEqual([wrong.ok, !wrong.ok && wrong.reason], [false, 'wrong-passphrase'], name);
      const body = fx.read(name).split('\n').reduce((a, b) => (b.length > a.length ? b : a));
      for (const result of [missing, wrong]) {
        assert.ok(!result.ok);
        assert.ok(!result.message.includes('not the passphrase'));
        assert.ok(!result.message.includes(body.slice(10, 30)), 'no key material in messages');
      }
    }
  });

  it('ignores a passphrase given for an unencrypted key', () => {
    assertDerivesLikeKeygen('ed25519', 'unused');
  });

  it('says when the text holds no private key', () => {
    const fromPublic = derivePublicKey(fx.read('ed25519.pub'));
    assert.deepEqual([fromPublic.ok, !fromPublic.ok && fromPublic.reason], [false, 'not-a-private-key']);
    assert.match((fromPublic as { message: string }).message, /public key/);
    const nothing = derivePublicKey('hello');
    assert.deepEqual([nothing.ok, !nothing.ok && nothing.reason], [false, 'not-a-private-key']);
    const cut = fx.read('ed25519').split('\n').slice(0, 3).join('\n');
    assert.equal((derivePublicKey(cut) as { reason: string }).reason, 'not-a-private-key');
  });

  it('reads the public half and comment of a PuTTY key without its passphrase', () => {
    const [, blob] = fx.read('ed25519.pub').split(' ');
    const ppk = [
      'PuTTY-User-Key-File-3: ssh-ed25519',
      'Encryption: aes256-cbc',
      'Comment: from puttygen',
      'Public-Lines: 2',
      blob.slice(0, 64),
      blob.slice(64),
      'Key-Derivation: Argon2id',
      'Private-Lines: 1',
      'AAAAIGZha2UgcHJpdmF0ZSBkYXRhIGZvciB0ZXN0aW5nIG9ubHkh',
      'Private-MAC: 0000',
    ].join('\n');
    const result = derivePublicKey(ppk);
    assert.ok(result.ok);
    assert.equal(result.key.openssh, `ssh-ed25519 ${blob} from puttygen`);
  });
});
