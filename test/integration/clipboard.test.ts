import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, fixture, keygenFingerprint, rootItems, setSshDirectories } from './helpers';

async function clipboardAfter(command: string, ...args: unknown[]): Promise<{ returned: unknown; clipboard: string }> {
  await vscode.env.clipboard.writeText('(before)');
  const returned = await vscode.commands.executeCommand(command, ...args);
  return { returned, clipboard: await vscode.env.clipboard.readText() };
}

async function pairNode(name: string) {
  await setSshDirectories(undefined);
  await (await api()).localKeys.refresh();
  const found = (await rootItems()).find((r) => r.label === name);
  assert.ok(found, `no item ${name}`);
  return found.node;
}

const publicLine = (file: string) => fs.readFileSync(file, 'utf8').trim();

describe('copy commands put the right text on the clipboard', () => {
  it('Copy Public Key on an explorer .pub file: the one-line OpenSSH key', async () => {
    const f = fixture();
    const { returned, clipboard } = await clipboardAfter('cloudSshKeys.copyPublicKey', vscode.Uri.file(f.workspacePub));
    assert.equal(clipboard, publicLine(f.workspacePub));
    assert.equal(returned, clipboard);
  });

  it('Copy SHA256 Fingerprint on an explorer .pub file: what ssh-keygen -l prints', async () => {
    const f = fixture();
    const { returned, clipboard } = await clipboardAfter('cloudSshKeys.copyFingerprintSha256', vscode.Uri.file(f.workspacePub));
    assert.equal(clipboard, keygenFingerprint(f.workspacePub, 'sha256'));
    assert.equal(returned, clipboard);
  });

  it('Copy Public Key on a Local Keys item', async () => {
    const item = fixture().sshItems.id_ed25519;
    const { clipboard } = await clipboardAfter('cloudSshKeys.copyPublicKey', await pairNode('id_ed25519'));
    assert.equal(clipboard, publicLine(item.public!));
  });

  it('Copy SHA256 / MD5 Fingerprint on a Local Keys item (RSA in PEM)', async () => {
    const item = fixture().sshItems.id_rsa_pem;
    const node = await pairNode('id_rsa_pem');
    assert.equal((await clipboardAfter('cloudSshKeys.copyFingerprintSha256', node)).clipboard, keygenFingerprint(item.public!, 'sha256'));
    assert.equal((await clipboardAfter('cloudSshKeys.copyFingerprintMd5', node)).clipboard, keygenFingerprint(item.public!, 'md5'));
  });

  it('Copy SHA256 Fingerprint of a private key without .pub', async () => {
    const item = fixture().sshItems.only_private;
    const { clipboard } = await clipboardAfter('cloudSshKeys.copyFingerprintSha256', await pairNode('only_private'));
    assert.equal(clipboard, keygenFingerprint(item.private!, 'sha256'));
  });

  it('Copy Public Key refuses notes.txt and leaves the clipboard alone', async () => {
    const { returned, clipboard } = await clipboardAfter('cloudSshKeys.copyPublicKey', vscode.Uri.file(fixture().workspaceText));
    assert.equal(returned, undefined);
    assert.equal(clipboard, '(before)');
  });
});
