// "Did you mean ssh-ed25519?" when the key data is damaged too: the editor offers the spelling as a
// quick fix marked as a guess (never the preferred one), and Fix All takes it only because the
// repaired key data then declares the same type.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, fixture, keygenFingerprint } from './helpers';

const SOURCE = 'Cloud SSH Keys';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

describe('the "Did you mean" quick fix when the key data is damaged too', function () {
  this.timeout(60_000);
  let dir: string;
  let pub: string;
  let damaged: string;

  before(() => {
    dir = path.join(fixture().workspace, 'quick-fix-guess');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const key = path.join(dir, 'ed.key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'guess@test', '-f', key]);
    pub = `${key}.pub`;
    const [, blob, comment] = fs.readFileSync(pub, 'utf8').trim().split(' ');
    // A misspelt type word and a zero-width space inside the base64: neither fix alone gives a valid key.
    damaged = `ssh-ed2519 ${blob.slice(0, 30)}\u200b${blob.slice(30)} ${comment}\n`;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is offered on the diagnostic that says it, as a guess and not as the preferred fix', async () => {
    const file = path.join(dir, 'guess.pub');
    fs.writeFileSync(file, damaged);
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);
    const diagnostic = await eventually(
      () => ours(uri).find((d) => d.code === 'unknown-type'),
      () => `no unknown-type diagnostic; have ${JSON.stringify(ours(uri).map((d) => [d.code, d.message]))}`,
    );
    assert.match(diagnostic.message, /Did you mean 'ssh-ed25519'\?/);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range)) ?? [];
    const guess = actions.find((a) => a.kind?.value === 'quickfix' && /ssh-ed25519/.test(a.title));
    assert.ok(guess?.edit, `no quick fix for the suggested type; have ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.match(guess.title, /a guess/);
    assert.notEqual(guess.isPreferred, true);
  });

  it('Fix All repairs the type and the data together, to the key ssh-keygen made', async () => {
    const file = path.join(dir, 'both.pub');
    fs.writeFileSync(file, damaged);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await eventually(() => ours(uri).find((d) => d.code === 'unknown-type'), () => 'no unknown-type diagnostic');
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const [fixAll] = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll')) ?? [];
    assert.ok(fixAll?.edit, 'no source.fixAll action');
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    await doc.save();
    await eventually(() => !ours(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error), () => `still ${JSON.stringify(ours(uri).map((d) => d.code))}`);
    assert.equal(keygenFingerprint(file), keygenFingerprint(pub));
  });
});
