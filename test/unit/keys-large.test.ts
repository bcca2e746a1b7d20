import * as assert from 'node:assert/strict';
import { parseKeyText } from '../../src/keys/parse';
import { keyFixtures, securityKeyLines } from './keys-fixtures';

// The 10,000-line authorized_keys text the diagnostics must handle quickly (the benchmark
// times it; here we check the result is right, not how long it took).
describe('parseKeyText on a 10,000-line authorized_keys text', function () {
  this.timeout(60_000);

  it('finds every key and exactly the planted problems @many-keys', () => {
    const fx = keyFixtures();
    const sk = securityKeyLines();
    const pool = [
      ...['ed25519', 'rsa2048', 'rsa4096', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'ed25519-cert'].map((n) => fx.read(`${n}.pub`).trim()),
      sk.skEd25519,
      sk.skEcdsa,
    ];
    const lines: string[] = [];
    let keys = 0;
    let truncated = 0;
    for (let i = 0; lines.length < 10_000; i++) {
      if (i % 100 === 0) {
        lines.push(`# group ${i / 100}`);
        continue;
      }
      if (i % 1000 === 999) {
        lines.push(pool[0].slice(0, 50)); // a key cut short
        truncated++;
        continue;
      }
      // Distinct comments; the same key many times is what large files look like (duplicates are reported).
      const [type, blob] = pool[i % pool.length].split(' ');
      const options = i % 7 === 0 ? `from="10.${i % 250}.0.0/16",no-pty,command="echo ${i}" ` : '';
      lines.push(`${options}${type} ${blob} user${i}@host`);
      keys++;
    }
    const text = lines.join('\n') + '\n';
    const parsed = parseKeyText(text, 'authorized_keys');

    assert.equal(parsed.keys.length, keys);
    const counts = new Map<string, number>();
    for (const p of parsed.problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
    assert.deepEqual(
      Object.fromEntries(counts),
      { 'truncated-blob': truncated, 'duplicate-key': keys - pool.length },
    );
    assert.equal(parsed.keys.filter((k) => k.options).length, lines.filter((l) => l.startsWith('from=')).length);
    assert.equal(
      parsed.keys.filter((k) => k.kind === 'certificate').length,
      lines.filter((l) => l.includes('-cert-v01@openssh.com ')).length,
    );
    // Lines are where the keys are.
    for (const key of parsed.keys.slice(0, 50)) assert.ok(lines[key.line].includes(key.blobBase64!) || key.kind === 'certificate');
  });
});
