import * as assert from 'node:assert/strict';
import { applyEdits, FIX_TITLES, fixAll, fixesFor } from '../../src/keys/fixes';
import { parseKeyText } from '../../src/keys/parse';
import type { KeyTextRole } from '../../src/keys/types';
import { KeyFixtures, keyFixtures, keygenFacts } from './keys-fixtures';

describe('fixesFor', function () {
  this.timeout(60_000);
  let fx: KeyFixtures;
  before(() => {
    fx = keyFixtures();
  });

  /**
   * Finds the problem `code` in `text`, applies its one fix, and checks the result parses
   * without errors (and without that problem) to the key ssh-keygen fingerprints in `reference`.
   */
  function assertFixes(text: string, code: string, reference: string, role: KeyTextRole = 'public'): string {
    const problem = parseKeyText(text, role).problems.find((p) => p.code === code);
    assert.ok(problem, `no ${code} problem`);
    const fixes = fixesFor(text, problem);
    assert.equal(fixes.length, 1, `one fix for ${code}`);
    assert.ok(fixes[0].title.length > 5);
    const fixed = applyEdits(text, fixes[0].edits);
    const parsed = parseKeyText(fixed, role);
    assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error' || p.code === code), [], `after fixing ${code}:\n${fixed}`);
    assert.equal(parsed.keys.length, 1);
    assert.equal(parsed.keys[0].sha256, keygenFacts(fx.file(reference)).sha256);
    return fixed;
  }

  it('joins a wrapped key onto one line', () => {
    const [type, blob, ...comment] = fx.read('rsa4096.pub').trim().split(' ');
    const wrapped = `${type} ${blob.slice(0, 76)}\n${blob.slice(76, 152)}\n   ${blob.slice(152, 500)}\n${blob.slice(500)} ${comment.join(' ')}\n`;
    const fixed = assertFixes(wrapped, 'wrapped-key', 'rsa4096.pub');
    assert.equal(fixed, fx.read('rsa4096.pub'));
    const afterType = `${type}\n${blob}\n`;
    assert.equal(assertFixes(afterType, 'wrapped-key', 'rsa4096.pub'), `${type} ${blob}\n`);
  });

  it('removes an options prefix from a .pub', () => {
    const fixed = assertFixes(`no-pty,from="1.2.3.4" ${fx.read('ed25519.pub')}`, 'options-prefix', 'ed25519.pub');
    assert.equal(fixed, fx.read('ed25519.pub'));
  });

  it('strips a byte-order mark', () => {
    assert.equal(assertFixes(`\ufeff${fx.read('ecdsa256.pub')}`, 'bom', 'ecdsa256.pub'), fx.read('ecdsa256.pub'));
  });

  it('strips leading whitespace, replaces tabs and converts CR line endings', () => {
    const line = fx.read('ed25519.pub').trim();
    assert.equal(assertFixes(` \t${line}\n`, 'stray-whitespace', 'ed25519.pub'), `${line}\n`);
    const tabbed = line.replace(' ', '\t').replace(/ (?=\S+@)/, '\t\t');
    assert.equal(assertFixes(`${tabbed}\n`, 'stray-whitespace', 'ed25519.pub'), `${line}\n`);
    assert.equal(assertFixes(`${line}\r\n`, 'stray-whitespace', 'ed25519.pub'), `${line}\n`);
  });

  it('converts RFC 4716 and PEM public keys to the OpenSSH line', () => {
    for (const [name, reference] of [
      ['rsa2048.rfc4716', 'rsa2048.pub'],
      ['ed25519.rfc4716', 'ed25519.pub'],
      ['rsa2048.spki', 'rsa2048.pub'],
      ['ecdsa384.spki', 'ecdsa384.pub'],
      ['rsa2048.pkcs1', 'rsa2048.pub'],
    ]) {
      const fixed = assertFixes(fx.read(name), 'alt-format', reference);
      assert.equal(fixed.trimEnd().split('\n').length, 1, name);
      assert.ok(fixed.startsWith(fx.read(reference).split(' ').slice(0, 2).join(' ')), name);
    }
  });

  it('sets the type the key data declares, or adds it when missing', () => {
    const line = fx.read('ed25519.pub');
    assert.equal(assertFixes(line.replace('ssh-ed25519', 'ssh-ed2519'), 'unknown-type', 'ed25519.pub'), line);
    assert.equal(assertFixes(line.replace('ssh-ed25519', 'ssh-rsa'), 'type-mismatch', 'ed25519.pub'), line);
    assert.equal(assertFixes(line.replace('ssh-ed25519 ', ''), 'missing-type', 'ed25519.pub'), line);
  });

  it('repairs base64 damaged by invisible characters or lost padding, and look-alike spaces', () => {
    const line = fx.read('ecdsa384.pub');
    const [type, blob] = line.split(' ');
    const zeroWidth = line.replace(blob, `${blob.slice(0, 50)}\u200b${blob.slice(50)}`);
    assert.equal(assertFixes(zeroWidth, 'bad-base64', 'ecdsa384.pub'), line);
    if (blob.endsWith('=')) assert.equal(assertFixes(line.replace(/=+ /, ' '), 'bad-base64', 'ecdsa384.pub'), line);
    assert.equal(assertFixes(line.replace(`${type} `, `${type}\u00a0`), 'invisible-character', 'ecdsa384.pub'), line);
    const twice = `\u2003${line.replace(/ /g, '\u00a0')}`; // the comment keeps its own
    const fixedTwice = assertFixes(twice, 'invisible-character', 'ecdsa384.pub');
    assert.equal(fixedTwice, ` ${line.replace('@test host', '@test\u00a0host')}`);
  });

  it('offers the "Did you mean" spelling as a guess, not a certain fix, when the key data is damaged too', () => {
    const line = fx.read('ed25519.pub').trim();
    const [, blob, ...comment] = line.split(' ');
    for (const text of ['ssh-ed2519 not-base64 x', `ssh-ed2519 ${blob.slice(0, 30)}\u200b${blob.slice(30)} ${comment.join(' ')}`]) {
      const problem = parseKeyText(text, 'public').problems.find((p) => p.code === 'unknown-type');
      assert.ok(problem && /Did you mean 'ssh-ed25519'/.test(problem.message), text);
      const fixes = fixesFor(text, problem);
      assert.equal(fixes.length, 1, text);
      assert.equal(fixes[0].certain, false);
      assert.equal(fixes[0].template, FIX_TITLES.changeTypeGuess);
      assert.equal(applyEdits(text, fixes[0].edits).split(' ')[0], 'ssh-ed25519');
    }
    // A type word with the key data intact is certain: the data declares it.
    const certain = line.replace('ssh-ed25519', 'ssh-ed2519');
    const problem = parseKeyText(certain, 'public').problems.find((p) => p.code === 'unknown-type')!;
    assert.equal(fixesFor(certain, problem)[0].certain, true);
  });

  it('offers nothing where the fix is not certain', () => {
    const line = fx.read('ed25519.pub').trim();
    const [type, blob] = line.split(' ');
    const cases: Array<[string, string]> = [
      [`${type} ${blob.slice(0, 40)}`, 'truncated-blob'],
      [`${type} ${blob.slice(0, 40)}*${blob.slice(41)}`, 'bad-base64'],
      [`${line}\n${fx.read('rsa2048.pub')}`, 'multiple-keys'],
      [fx.read('ed25519'), 'private-key-in-public-file'],
    ];
    for (const [text, code] of cases) {
      const problem = parseKeyText(text, 'public').problems.find((p) => p.code === code);
      assert.ok(problem, code);
      assert.deepEqual(fixesFor(text, problem), [], code);
    }
  });
});

describe('fixAll: every certain fix of a pasted key at once (source.fixAll)', function () {
  this.timeout(60_000);
  let fx: KeyFixtures;
  before(() => {
    fx = keyFixtures();
  });

  it('a key pasted with leading spaces, a look-alike space and a zero-width character comes back as ssh-keygen wrote it, in one go', () => {
    const line = fx.read('ed25519.pub').trim();
    const [type, blob, ...comment] = line.split(' ');
    const pasted = `  ${type}\u00a0${blob.slice(0, 30)}\u200b${blob.slice(30)} ${comment.join(' ')}`;
    assert.ok(parseKeyText(pasted, 'public').problems.filter((p) => p.severity === 'error').length > 0, 'the pasted key has no error to fix');
    const { text, applied } = fixAll(pasted, 'public');
    assert.equal(text, line);
    assert.equal(applied.length, 3, JSON.stringify(applied));
    const parsed = parseKeyText(text, 'public');
    assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error'), []);
    assert.equal(parsed.keys[0]?.sha256, keygenFacts(fx.file('ed25519.pub')).sha256);
  });

  it('repairs a misspelt type and damaged data together when the repaired data confirms the type', () => {
    const line = fx.read('ed25519.pub').trim();
    const [type, blob, ...comment] = line.split(' ');
    const both = `${type.replace('ed25519', 'ed2519')} ${blob.slice(0, 30)}\u200b${blob.slice(30)} ${comment.join(' ')}`;
    const { text, applied } = fixAll(both, 'public');
    assert.equal(text, line);
    assert.equal(applied.length, 2, JSON.stringify(applied));
  });

  it('takes no guess the data does not confirm (a misspelt type over data of another type, or data beyond repair)', () => {
    const line = fx.read('ed25519.pub').trim();
    const [, blob] = line.split(' ');
    const beyondRepair = `ssh-ed2519 ${blob.slice(0, 30)}*${blob.slice(31)}`;
    assert.deepEqual(fixAll(beyondRepair, 'public'), { text: beyondRepair, applied: [] });
    const rsaBlob = fx.read('rsa2048.pub').split(' ')[1];
    const otherType = `ssh-ed2519 ${rsaBlob.slice(0, 30)}\u200b${rsaBlob.slice(30)}`;
    assert.deepEqual(fixAll(otherType, 'public'), { text: otherType, applied: [] });
  });

  it('leaves alone what has no certain fix (a truncated key), and a clean key unchanged', () => {
    const line = fx.read('ed25519.pub').trim();
    const [type, blob] = line.split(' ');
    const truncated = `${type} ${blob.slice(0, 40)}`;
    assert.deepEqual(fixAll(truncated, 'public'), { text: truncated, applied: [] });
    assert.deepEqual(fixAll(`${line}\n`, 'public'), { text: `${line}\n`, applied: [] });
  });
});
