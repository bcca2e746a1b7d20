import * as assert from 'node:assert/strict';
import { derivePublicKey } from '../../src/keys/derive';
import { fixesFor } from '../../src/keys/fixes';
import { parseKeyText } from '../../src/keys/parse';
import type { KeyTextRole } from '../../src/keys/types';
import { keyFixtures } from './keys-fixtures';

/** A small deterministic pseudo-random generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NASTY = ['\n', '\r', '\t', ' ', '"', '=', '-', '#', '\ufeff', '\u00a0', '\u200b', '\0', 'A', '/', '+', '\\', '-----END'];

describe('key functions on damaged input', function () {
  this.timeout(60_000);

  it('never throw and never report an internal error, whatever the damage @damaged-file', () => {
    const fx = keyFixtures();
    const sources = ['ed25519.pub', 'rsa2048.pub', 'ed25519-cert.pub', 'sk_ecdsa.pub', 'rsa2048.rfc4716', 'ecdsa384.spki', 'ed25519', 'pem_rsa', 'pem_rsa_enc', 'pkcs8_ecdsa'];
    const next = random(42);
    const roles: KeyTextRole[] = ['public', 'authorized_keys', 'auto'];
    for (let round = 0; round < 1500; round++) {
      let text = fx.read(sources[round % sources.length]);
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const at = Math.floor(next() * text.length);
        const kind = next();
        if (kind < 0.33) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 40)); // delete
        else if (kind < 0.66) text = text.slice(0, at) + NASTY[Math.floor(next() * NASTY.length)] + text.slice(at); // insert
        else text = text.slice(0, at); // cut
      }
      const role = roles[round % roles.length];
      const parsed = parseKeyText(text, role);
      assert.ok(!parsed.problems.some((p) => p.code === 'internal-error'), `round ${round}: ${JSON.stringify(text)}`);
      for (const problem of parsed.problems) {
        assert.ok(problem.line <= problem.endLine && problem.line >= 0, `round ${round}: range of ${problem.code}`);
        fixesFor(text, problem); // must not throw
      }
      derivePublicKey(text, round % 2 ? 'wrong' : undefined);
    }
  });
});
