import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, asUser, fixture, keygenList, rootItems, setSshDirectories } from './helpers';

interface Generated {
  privateKeyPath: string;
  publicKeyPath: string;
  sha256: string;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;
/** The key type picker's labels. */
const TYPE_LABELS = { ed25519: 'ED25519', 'rsa-3072': 'RSA 3072' } as const;
/** Generate New Key Pair as the user answers it: type, file name, comment, passphrase (twice when set). */
const generate = (request: { type: keyof typeof TYPE_LABELS; name: string; comment: string; passphrase: string }) =>
  asUser<Generated>(
    [TYPE_LABELS[request.type], request.name, request.comment, request.passphrase, ...(request.passphrase ? [request.passphrase] : [])],
    'cloudSshKeys.generateKeyPair',
  );
/** Types the file name and expects the box to refuse it (then gives up). */
const generateRefused = (name: string, because: RegExp) => asUser<Generated>([TYPE_LABELS.ed25519, { refused: name, because }], 'cloudSshKeys.generateKeyPair');

describe('Generate New Key Pair', () => {
  const made: string[] = [];
  before(() => setSshDirectories(undefined));
  after(async () => {
    for (const f of made) fs.rmSync(f, { force: true });
    await (await api()).localKeys.refresh();
  });

  it('writes an ED25519 pair with modes 0600/0644 that ssh-keygen reads with the same fingerprint', async () => {
    const dir = fixture().sshDir;
    const result = await generate({ type: 'ed25519', name: 'gen_test', comment: 'c', passphrase: '' });
    assert.ok(result, 'the command returned nothing');
    made.push(result.privateKeyPath, result.publicKeyPath);
    assert.equal(result.privateKeyPath, path.join(dir, 'gen_test'));
    assert.equal(result.publicKeyPath, path.join(dir, 'gen_test.pub'));
    assert.equal(mode(result.privateKeyPath).toString(8), '600');
    assert.equal(mode(result.publicKeyPath).toString(8), '644');
    const pub = keygenList(result.publicKeyPath);
    assert.equal(pub.type, 'ED25519');
    assert.equal(pub.comment, 'c');
    assert.equal(result.sha256, pub.sha256);
    assert.equal(keygenList(result.privateKeyPath).sha256, pub.sha256);
    // The private key really holds the public key of the .pub.
    const derived = execFileSync('ssh-keygen', ['-y', '-P', '', '-f', result.privateKeyPath], { encoding: 'utf8' }).trim().split(' ').slice(0, 2);
    assert.deepEqual(derived, fs.readFileSync(result.publicKeyPath, 'utf8').trim().split(' ').slice(0, 2));
    // And the view shows it.
    assert.ok((await rootItems()).some((r) => r.label === 'gen_test'), 'gen_test is not in the Local Keys view');
  });

  it('refuses a name that exists and does not touch the files', async () => {
    const dir = fixture().sshDir;
    const before = fs.readFileSync(path.join(dir, 'gen_test'), 'utf8');
    const result = await generateRefused('gen_test', /already exists/);
    assert.equal(result, undefined);
    assert.equal(fs.readFileSync(path.join(dir, 'gen_test'), 'utf8'), before);
    // Only the .pub exists: refused as well, nothing written.
    assert.equal(await generateRefused('only_public', /only_public\.pub already exists/), undefined);
    assert.ok(!fs.existsSync(path.join(dir, 'only_public')), 'a private key was written beside only_public.pub');
  });

  it('writes an RSA 3072 pair ssh-keygen agrees with', async () => {
    const result = await generate({ type: 'rsa-3072', name: 'gen_rsa', comment: 'rsa', passphrase: '' });
    assert.ok(result, 'the command returned nothing');
    made.push(result.privateKeyPath, result.publicKeyPath);
    const pub = keygenList(result.publicKeyPath);
    assert.equal(pub.type, 'RSA');
    assert.equal(pub.bits, 3072);
    assert.equal(result.sha256, pub.sha256);
    assert.equal(keygenList(result.privateKeyPath).sha256, pub.sha256);
  });

  it('protects the private key with the passphrase', async () => {
    const result = await generate({ type: 'ed25519', name: 'gen_secret', comment: 'p', passphrase: 'pw-123' });
    assert.ok(result, 'the command returned nothing');
    made.push(result.privateKeyPath, result.publicKeyPath);
    const derived = execFileSync('ssh-keygen', ['-y', '-P', 'pw-123', '-f', result.privateKeyPath], { encoding: 'utf8' });
    assert.equal(derived.trim().split(' ')[1], fs.readFileSync(result.publicKeyPath, 'utf8').trim().split(' ')[1]);
    assert.throws(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', result.privateKeyPath], { stdio: 'pipe' }));
  });
});
