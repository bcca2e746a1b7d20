import * as assert from 'node:assert/strict';
import { TENCENT_DESCRIPTOR } from '../../src/cloud/descriptors';
import { isLoopbackEndpoint } from '../../src/cloud/loopback';

describe('the Tencent Cloud descriptor', () => {
  const problem = (name: string) => TENCENT_DESCRIPTOR.keyNameProblem(name)?.template;

  it('accepts what ImportKeyPair accepts: letters, digits and _, 1 to 25 characters', () => {
    for (const name of ['a', 'id_ed25519', 'A1_b2', 'x'.repeat(25), '_', '2024_key']) assert.equal(problem(name), undefined, name);
  });

  it('refuses what ImportKeyPair refuses (empty, too long, illegal characters), naming the character', () => {
    assert.match(problem('') ?? '', /Enter a name/);
    assert.match(problem('x'.repeat(26)) ?? '', /At most/);
    assert.deepEqual(TENCENT_DESCRIPTOR.keyNameProblem('my-key')?.args, ['-']);
    for (const name of ['my key', 'key.pub', 'ключ', 'a@b']) assert.match(problem(name) ?? '', /Only letters/, name);
  });

  it('sanitizes file names and comments into valid names', () => {
    const cases: Array<[string, string]> = [
      ['id_ed25519.pub', 'id_ed25519'],
      ['alice@laptop', 'alice_laptop'],
      ['team-key (old).pub', 'team_key_old'],
      ['---', 'ssh_key'],
      ['a'.repeat(40), 'a'.repeat(25)],
      ['abcdefghijklmnopqrstuvwx-yz', 'abcdefghijklmnopqrstuvwx'],
    ];
    for (const [input, expected] of cases) {
      const name = TENCENT_DESCRIPTOR.sanitizeKeyName(input);
      assert.equal(name, expected, input);
      assert.equal(problem(name), undefined, name);
    }
  });
});

describe('isLoopbackEndpoint (the Sandbox marker)', () => {
  it('is true only for this machine', () => {
    for (const e of ['http://127.0.0.1:9000', '127.0.0.1:9000', 'http://localhost:1', 'http://[::1]:8080', 'https://127.1.2.3']) assert.equal(isLoopbackEndpoint(e), true, e);
    for (const e of ['', undefined, 'cvm.tencentcloudapi.com', 'https://cvm.intl.tencentcloudapi.com', 'http://10.0.0.1', 'http://127.0.0.1.example.com']) {
      assert.equal(isLoopbackEndpoint(e), false, String(e));
    }
  });
});
