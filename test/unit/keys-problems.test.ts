import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseKeyText } from '../../src/keys/parse';
import type { KeyTextRole, ParsedKeyText, Problem, Severity } from '../../src/keys/types';
import { KeyFixtures, freshPublicJwk, keyFixtures, keygenAccepts, keygenFacts } from './keys-fixtures';

/** The one problem with `code`, checked for severity and exact range [line, column, endLine, endColumn]. */
function expectProblem(
  parsed: ParsedKeyText,
  code: string,
  severity: Severity,
  range: [number, number, number, number],
  message?: RegExp,
): Problem {
  const matching = parsed.problems.filter((p) => p.code === code);
  assert.equal(matching.length, 1, `expected one ${code}, got: ${parsed.problems.map((p) => p.code).join(', ') || 'none'}`);
  const problem = matching[0];
  assert.equal(problem.severity, severity, `${code}: severity`);
  assert.deepEqual([problem.line, problem.column, problem.endLine, problem.endColumn], range, `${code}: range`);
  if (message) assert.match(problem.message, message);
  // The rendered message is the template with its arguments.
  assert.equal(problem.message, problem.template.replace(/\{(\d+)\}/g, (_, i) => String(problem.args[Number(i)])));
  return problem;
}

function codes(parsed: ParsedKeyText): string[] {
  return parsed.problems.map((p) => p.code);
}

describe('parseKeyText: problems', function () {
  this.timeout(60_000);
  let fx: KeyFixtures;
  let ed: string; // an ed25519 .pub line
  let edBlob: string;
  let rsa: string; // an RSA 2048 .pub line
  let scratch: string;

  /** Writes `text` to a file and asks ssh-keygen whether it accepts it. */
  const keygenAcceptsText = (text: string) => {
    fs.writeFileSync(scratch, text);
    return keygenAccepts(scratch);
  };

  before(() => {
    fx = keyFixtures();
    ed = fx.read('ed25519.pub').trim();
    edBlob = ed.split(' ')[1];
    rsa = fx.read('rsa2048.pub').trim();
    scratch = fx.file('scratch.pub');
  });

  const parse = (text: string, role: KeyTextRole = 'public') => parseKeyText(text, role);

  it('empty: an empty or whitespace-only file is an error', () => {
    expectProblem(parse(''), 'empty', 'error', [0, 0, 0, 0], /empty/);
    expectProblem(parse('  \n\t\n'), 'empty', 'error', [0, 0, 2, 0], /empty/);
    assert.equal(parse('', 'authorized_keys').problems[0].severity, 'warning', 'an empty authorized_keys is allowed, but worth a word');
  });

  it('unknown-type: ranges the type word and suggests the type the data declares or the nearest one', () => {
    const parsed = parse(ed.replace('ssh-ed25519', 'ssh-ed2519'));
    expectProblem(parsed, 'unknown-type', 'error', [0, 0, 0, 10], /Unknown key type 'ssh-ed2519'.*'ssh-ed25519'/);
    assert.equal(parsed.keys[0]?.type, 'ssh-ed25519', 'the key data is still read');
    // Without usable key data, the nearest known type is suggested.
    const typo = parse('ssh-ed2519 not-base64-at-all comment');
    expectProblem(typo, 'unknown-type', 'error', [0, 0, 0, 10], /Did you mean 'ssh-ed25519'/);
    const wild = parse(`ssh-foo ${edBlob.slice(0, 30)}`);
    assert.ok(codes(wild).includes('unknown-type'));
    assert.ok(!keygenAcceptsText(ed.replace('ssh-ed25519', 'ssh-ed2519')));
  });

  it('missing-type: base64 without a type word names the declared type', () => {
    const parsed = parse(`${edBlob} me@host`);
    expectProblem(parsed, 'missing-type', 'error', [0, 0, 0, edBlob.length], /declares 'ssh-ed25519'/);
    assert.ok(!keygenAcceptsText(`${edBlob} me@host\n`));
  });

  it('bad-base64: ranges the first offending character and says where it is', () => {
    const at = 40;
    const broken = `ssh-ed25519 ${edBlob.slice(0, at)}*${edBlob.slice(at + 1)} c`;
    const column = 'ssh-ed25519 '.length + at;
    expectProblem(parse(broken), 'bad-base64', 'error', [0, column, 0, column + 1], new RegExp(`bad base64 character '\\*' at column ${column + 1}`, 'i'));
    // An invisible character is named by its code point.
    const zeroWidth = `ssh-ed25519 ${edBlob.slice(0, at)}\u200b${edBlob.slice(at)} c`;
    expectProblem(parse(zeroWidth), 'bad-base64', 'error', [0, column, 0, column + 1], /U\+200B/);
    // Missing '=' padding (ssh-keygen rejects it).
    const [type, blob] = rsa.split(' ');
    const missing = blob.length - blob.replace(/=+$/, '').length;
    if (missing > 0) {
      const unpadded = `${type} ${blob.replace(/=+$/, '')}`;
      expectProblem(parse(unpadded), 'bad-base64', 'error', [0, type.length + 1, 0, unpadded.length], /padding/);
      assert.ok(!keygenAcceptsText(unpadded + '\n'));
    }
    assert.ok(!keygenAcceptsText(broken + '\n'));
  });

  it('truncated-blob: key data cut short is an error on the key data', () => {
    const cut = `ssh-ed25519 ${edBlob.slice(0, 40)} me@host`;
    expectProblem(parse(cut), 'truncated-blob', 'error', [0, 12, 0, 52], /cut short/);
    const cutAtEnd = rsa.split(' ').slice(0, 2).join(' ').slice(0, 200);
    expectProblem(parse(cutAtEnd), 'truncated-blob', 'error', [0, 8, 0, 200], /'ssh-rsa' key data is cut short/);
    assert.ok(!keygenAcceptsText(cut + '\n'));
  });

  it('type-mismatch: the type word disagrees with the key data', () => {
    const parsed = parse(ed.replace('ssh-ed25519', 'ssh-rsa'));
    expectProblem(parsed, 'type-mismatch', 'error', [0, 0, 0, 7], /says 'ssh-rsa' but the key data is a 'ssh-ed25519' key/);
    assert.ok(!keygenAcceptsText(ed.replace('ssh-ed25519', 'ssh-rsa') + '\n'));
  });

  it('wrapped-key: a key broken over lines is one error over all its lines, read from the joined key', () => {
    const [type, blob, ...comment] = rsa.split(' ');
    const wrapped = `${type} ${blob.slice(0, 150)}\n${blob.slice(150, 300)}\n  ${blob.slice(300)} ${comment.join(' ')}\n`;
    const parsed = parse(wrapped);
    const lastLine = `  ${blob.slice(300)} ${comment.join(' ')}`;
    expectProblem(parsed, 'wrapped-key', 'error', [0, 0, 2, lastLine.length], /broken across 3 lines/);
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.keys.length, 1);
    assert.equal(parsed.keys[0].sha256, keygenFacts(fx.file('rsa2048.pub')).sha256);
    assert.equal(parsed.keys[0].comment, comment.join(' '));
    assert.deepEqual([parsed.keys[0].line, parsed.keys[0].endLine], [0, 2]);
    // Broken right after the type word, as e-mail clients do.
    const afterType = parse(`${type}\n${blob.slice(0, 200)}\n${blob.slice(200)}`);
    expectProblem(afterType, 'wrapped-key', 'error', [0, 0, 2, blob.length - 200]);
    assert.ok(!keygenAcceptsText(wrapped));
  });

  it('options-prefix: a warning in a .pub, fine in authorized_keys', () => {
    const options = 'from="10.0.0.0/8",no-pty,command="uptime -p"';
    const text = `${options} ${ed}`;
    expectProblem(parse(text), 'options-prefix', 'warning', [0, 0, 0, options.length], /options/);
    assert.deepEqual(parse(text, 'authorized_keys').problems, []);
    assert.equal(parse(text, 'authorized_keys').keys[0].options, options);
  });

  it('bom: a byte-order mark is a warning and the key is still read', () => {
    const parsed = parse(`\ufeff${ed}\n`);
    expectProblem(parsed, 'bom', 'warning', [0, 0, 0, 1], /byte-order mark/);
    assert.equal(parsed.keys[0].sha256, keygenFacts(fx.file('ed25519.pub')).sha256);
    assert.equal(parsed.keys[0].line, 0);
  });

  it('stray-whitespace: leading blanks, tabs and CR line endings are warnings', () => {
    expectProblem(parse(`   ${ed}`), 'stray-whitespace', 'warning', [0, 0, 0, 3], /Whitespace before/);
    expectProblem(parse(ed.replace(' ', '\t')), 'stray-whitespace', 'warning', [0, 11, 0, 12], /tab/);
    const crlf = parse(`# c\r\n${ed}\r\n`, 'authorized_keys');
    expectProblem(crlf, 'stray-whitespace', 'warning', [0, 3, 0, 4], /2 line\(s\) end with a carriage return/);
    assert.equal(crlf.keys[0].comment, ed.split(' ').slice(2).join(' '), 'the CR is not part of the comment');
    assert.equal(crlf.keys[0].line, 1);
  });

  it('multiple-keys: more than one key in a .pub is a warning on each extra key', () => {
    const text = `${ed}\n${rsa}\n`;
    expectProblem(parse(text), 'multiple-keys', 'warning', [1, 0, 1, rsa.length], /more than one key/);
    assert.ok(!codes(parse(text, 'authorized_keys')).includes('multiple-keys'));
  });

  it('duplicate-key: the same key twice is a warning naming the first line', () => {
    const parsed = parse(`${ed}\n# x\n${ed}\n`, 'authorized_keys');
    expectProblem(parsed, 'duplicate-key', 'warning', [2, 0, 2, ed.length], /line 1\b/);
  });

  it('weak-key: RSA under 2048 bits and DSA are warnings; RSA under 1024 (refused by ssh) an error', function () {
    const rsa1024 = fx.read('rsa1024.pub').trim();
    expectProblem(parse(rsa1024), 'weak-key', 'warning', [0, 0, 0, 7], /only 1024 bits/);
    if (fx.dsaSupported) expectProblem(parse(fx.read('dsa1024.pub')), 'weak-key', 'warning', [0, 0, 0, 7], /DSA/);
    const rsa768 = `ssh-rsa ${tinyRsaBlob()} tiny`;
    expectProblem(parse(rsa768), 'weak-key', 'error', [0, 0, 0, 7], /refuses/);
    assert.ok(!keygenAcceptsText(rsa768 + '\n'), 'ssh-keygen refuses it too');
  });

  it('not-a-key: prose and binary data are errors', () => {
    expectProblem(parse('hello world\nthis is my key\n'), 'not-a-key', 'error', [0, 0, 1, 14], /not an SSH key/);
    expectProblem(parse('\x7fELF\x00\x01\x02\x03'), 'not-a-key', 'error', [0, 0, 0, 8], /binary/);
    // Between keys in authorized_keys, each run of junk lines is one problem.
    const parsed = parse(`${ed}\njunk one\njunk two\n${rsa}\n`, 'authorized_keys');
    expectProblem(parsed, 'not-a-key', 'error', [1, 0, 2, 8]);
    assert.equal(parsed.keys.length, 2);
  });

  it('no-key: a .pub with only comments', () => {
    expectProblem(parse('# nothing here\n'), 'no-key', 'error', [0, 0, 1, 0], /no key/);
  });

  it('private-key-in-public-file in authorized_keys too', () => {
    const text = `${ed}\n${fx.read('ecdsa256')}`;
    const parsed = parse(text, 'authorized_keys');
    const lines = text.trimEnd().split('\n');
    expectProblem(parsed, 'private-key-in-public-file', 'error', [1, 0, lines.length - 1, lines[lines.length - 1].length]);
  });

  it('alt-format in authorized_keys is an error: sshd does not read it there', () => {
    const text = fx.read('rsa2048.rfc4716');
    const lines = text.trimEnd().split('\n');
    expectProblem(parse(text, 'authorized_keys'), 'alt-format', 'error', [0, 0, lines.length - 1, lines[lines.length - 1].length], /sshd/);
  });

  it('extra causes: missing-blob, bad-blob, trailing-data, bad-key-data, unknown-option, bad-options', () => {
    expectProblem(parse('ssh-ed25519'), 'missing-blob', 'error', [0, 0, 0, 11], /missing/);
    expectProblem(parse('ssh-ed25519 AAAAAAAAAAAAAAAA'), 'bad-blob', 'error', [0, 12, 0, 28], /not an SSH public key/);
    const blob = Buffer.from(edBlob, 'base64');
    const trailing = `ssh-ed25519 ${Buffer.concat([blob, Buffer.from([0, 0, 0, 0])]).toString('base64')}`;
    expectProblem(parse(trailing), 'trailing-data', 'error', [0, 12, 0, trailing.length], /4 extra byte/);
    assert.ok(!keygenAcceptsText(trailing + '\n'));
    const short = Buffer.concat([blob.subarray(0, 15), Buffer.from([0, 0, 0, 2, 1, 2])]).toString('base64');
    expectProblem(parse(`ssh-ed25519 ${short}`), 'bad-key-data', 'error', [0, 12, 0, 12 + short.length], /2 bytes long instead of 32/);
    const ak = parse(`no-pty,bogus-option ${ed}`, 'authorized_keys');
    expectProblem(ak, 'unknown-option', 'warning', [0, 7, 0, 19], /'bogus-option'/);
    const unclosed = `command="ls ${ed}`;
    expectProblem(parse(unclosed, 'authorized_keys'), 'bad-options', 'error', [0, 0, 0, 'command="ls'.length], /unclosed quote/);
  });

  it('extra causes: invisible-character, missing-end, corrupt-key, unsupported-format', () => {
    expectProblem(parse(ed.replace(' ', '\u00a0')), 'invisible-character', 'error', [0, 11, 0, 12], /U\+00A0/);
    const pem = fx.read('pem_rsa').trimEnd().split('\n');
    const cut = pem.slice(0, 5).join('\n');
    expectProblem(parse(cut, 'auto'), 'missing-end', 'error', [0, 0, 0, pem[0].length], /no matching END/);
    const corrupt = [pem[0], 'AAAA' + pem[1].slice(4), ...pem.slice(2)].join('\n');
    assert.ok(codes(parse(corrupt, 'auto')).includes('corrupt-key'));
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expectProblem(parse(certificate), 'unsupported-format', 'error', [0, 0, 2, 25], /CERTIFICATE/);
  });

  it('every message names a cause and is English text without key material', () => {
    const texts = [
      '',
      ed.replace('ssh-ed25519', 'ssh-ed2519'),
      `${edBlob} x`,
      `ssh-ed25519 ${edBlob.slice(0, 40)}`,
      fx.read('ed25519'),
    ];
    for (const text of texts) {
      for (const problem of parse(text).problems) {
        assert.ok(problem.message.length > 30, problem.message);
        assert.ok(!problem.message.includes(edBlob.slice(20, 40)), `${problem.code} leaks key data`);
      }
    }
  });
});

/** A 768-bit RSA public key blob (too small for OpenSSH), built with Node. */
function tinyRsaBlob(): string {
  const jwk = freshPublicJwk('rsa', { modulusLength: 768 });
  const part = (bytes: Buffer) => {
    const value = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    return Buffer.concat([length, value]);
  };
  return Buffer.concat([part(Buffer.from('ssh-rsa')), part(Buffer.from(jwk.e!, 'base64url')), part(Buffer.from(jwk.n!, 'base64url'))]).toString('base64');
}
