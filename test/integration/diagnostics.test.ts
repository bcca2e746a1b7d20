// `.pub` files as a language, in the real extension host: diagnostics (range, severity, message),
// quick fixes that leave a key ssh-keygen agrees with, hover, and closed files in the SSH folders.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, eventually, fixture, keygenFingerprint, setSshDirectories } from './helpers';

const SOURCE = 'Cloud SSH Keys';

interface Case {
  /** File name inside the test folder. */
  file: string;
  text: string;
  code: string;
  severity: vscode.DiagnosticSeverity;
  range: [number, number, number, number];
  message: RegExp;
  /** The key whose fingerprint the fixed text must have (a .pub made by ssh-keygen), when a fix is certain. */
  fixedKeyOf?: string;
}

const E = vscode.DiagnosticSeverity.Error;
const W = vscode.DiagnosticSeverity.Warning;
const I = vscode.DiagnosticSeverity.Information;

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

async function diagnosticsOf(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  return eventually(
    () => ours(uri).find((d) => d.code === code),
    () => `no ${code} diagnostic on ${uri.fsPath}; have ${JSON.stringify(ours(uri).map((d) => [d.code, d.message]))}`,
  );
}

describe('.pub diagnostics, hover and quick fixes in the real editor', function () {
  this.timeout(60_000);
  let dir: string;
  const cases: Case[] = [];
  const keys: Record<string, { pub: string; line: string; type: string; blob: string; comment: string }> = {};

  before(() => {
    dir = path.join(fixture().workspace, 'diagnostics');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const make = (name: string, type: string, bits?: string) => {
      const file = path.join(dir, `${name}.key`);
      execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', `${name}@test`, '-f', file]);
      const pub = `${file}.pub`;
      const line = fs.readFileSync(pub, 'utf8').trim();
      const [t, blob, comment] = line.split(' ');
      keys[name] = { pub, line, type: t, blob, comment };
    };
    make('ed', 'ed25519');
    make('rsa', 'rsa', '2048');
    const ed = keys.ed;
    const rsa = keys.rsa;
    const lastWrapped = rsa.blob.slice(200);
    cases.push(
      {
        file: 'bad-base64.pub', text: `${ed.type} ${ed.blob.slice(0, 20)}*${ed.blob.slice(21)} ${ed.comment}\n`,
        code: 'bad-base64', severity: E, range: [0, ed.type.length + 1 + 20, 0, ed.type.length + 1 + 21],
        message: /Bad base64 character '\*' at column \d+/,
      },
      {
        file: 'typo-type.pub', text: `ssh-ed2519 ${ed.blob} ${ed.comment}\n`,
        code: 'unknown-type', severity: E, range: [0, 0, 0, 'ssh-ed2519'.length], message: /ssh-ed2519/, fixedKeyOf: ed.pub,
      },
      {
        file: 'missing-type.pub', text: `${ed.blob} ${ed.comment}\n`,
        code: 'missing-type', severity: E, range: [0, 0, 0, ed.blob.length], message: /type is missing/, fixedKeyOf: ed.pub,
      },
      {
        file: 'type-mismatch.pub', text: `ssh-rsa ${ed.blob} ${ed.comment}\n`,
        code: 'type-mismatch', severity: E, range: [0, 0, 0, 'ssh-rsa'.length], message: /ssh-rsa.*ssh-ed25519/, fixedKeyOf: ed.pub,
      },
      {
        file: 'truncated.pub', text: `${ed.type} ${ed.blob.slice(0, 40)} ${ed.comment}\n`,
        code: 'truncated-blob', severity: E, range: [0, ed.type.length + 1, 0, ed.type.length + 41], message: /cut short/,
      },
      {
        file: 'wrapped.pub', text: `${rsa.type} ${rsa.blob.slice(0, 64)}\n${rsa.blob.slice(64, 200)}\n${lastWrapped} ${rsa.comment}\n`,
        code: 'wrapped-key', severity: E, range: [0, 0, 2, lastWrapped.length + 1 + rsa.comment.length],
        message: /broken across 3 lines/, fixedKeyOf: rsa.pub,
      },
      {
        file: 'options.pub', text: `no-pty,from="10.0.0.1" ${ed.line}\n`,
        code: 'options-prefix', severity: W, range: [0, 0, 0, 'no-pty,from="10.0.0.1"'.length], message: /options/, fixedKeyOf: ed.pub,
      },
      {
        file: 'crlf.pub', text: `${ed.line}\r\n`, code: 'stray-whitespace', severity: W, range: [0, ed.line.length, -1, -1],
        message: /carriage return/, fixedKeyOf: ed.pub,
      },
      {
        file: 'bom.pub', text: `\ufeff${ed.line}\n`, code: 'bom', severity: W, range: [0, 0, 0, 1], message: /byte-order mark/, fixedKeyOf: ed.pub,
      },
      {
        file: 'rfc4716.pub', text: execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', rsa.pub], { encoding: 'utf8' }),
        code: 'alt-format', severity: I, range: [0, 0, -1, -1], message: /RFC 4716/, fixedKeyOf: rsa.pub,
      },
      {
        file: 'pem.pub', text: execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', rsa.pub], { encoding: 'utf8' }),
        code: 'alt-format', severity: I, range: [0, 0, -1, -1], message: /PEM/, fixedKeyOf: rsa.pub,
      },
      {
        file: 'private.pub', text: fs.readFileSync(ed.pub.slice(0, -4), 'utf8'),
        code: 'private-key-in-public-file', severity: E, range: [0, 0, -1, -1], message: /PRIVATE key/,
      },
    );
    for (const c of cases) fs.writeFileSync(path.join(dir, c.file), c.text);
  });

  it('gives .pub and authorized_keys files the ssh-public-key language', async () => {
    const pub = await vscode.workspace.openTextDocument(vscode.Uri.file(keys.ed.pub));
    assert.equal(pub.languageId, 'ssh-public-key');
    const ak = path.join(dir, 'authorized_keys');
    fs.writeFileSync(ak, `# team\n${keys.ed.line}\n`);
    assert.equal((await vscode.workspace.openTextDocument(vscode.Uri.file(ak))).languageId, 'ssh-public-key');
  });

  it('reports no error on valid keys, nor on options in authorized_keys', async () => {
    const ak = path.join(dir, 'authorized_keys');
    fs.writeFileSync(ak, `# team\ncommand="uptime",no-pty,from="10.0.0.0/8" ${keys.ed.line}\n\n${keys.rsa.line}\n`);
    for (const file of [keys.ed.pub, keys.rsa.pub, ak]) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      // Give the extension its chance to publish, then check nothing is an error.
      await new Promise((r) => setTimeout(r, 400));
      const errors = ours(doc.uri).filter((d) => d.severity === E);
      assert.deepEqual(errors.map((d) => d.message), [], file);
    }
  });

  it('each malformed file: the diagnostic has the exact range, the severity and a message naming the cause', async () => {
    for (const c of cases) {
      const uri = vscode.Uri.file(path.join(dir, c.file));
      const doc = await vscode.workspace.openTextDocument(uri);
      const d = await diagnosticsOf(uri, c.code);
      assert.equal(d.severity, c.severity, `${c.file}: severity`);
      assert.match(d.message, c.message, `${c.file}: message`);
      const [line, col, endLine, endCol] = c.range;
      assert.equal(d.range.start.line, line, `${c.file}: start line`);
      assert.equal(d.range.start.character, col, `${c.file}: start column`);
      if (endLine >= 0) {
        assert.equal(d.range.end.line, endLine, `${c.file}: end line`);
        assert.equal(d.range.end.character, endCol, `${c.file}: end column`);
      } else {
        assert.ok(!d.range.end.isBefore(d.range.start) && d.range.end.line < doc.lineCount + 1, `${c.file}: the range covers the block`);
      }
    }
  });

  it('each certain quick fix leaves a key that parses cleanly, with the fingerprint ssh-keygen gives', async () => {
    for (const c of cases.filter((x) => x.fixedKeyOf)) {
      const file = path.join(dir, c.file);
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      const d = await diagnosticsOf(uri, c.code);
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range)) ?? [];
      // Only our diagnostic is at that range, so the quick fix offered there is ours.
      const fix = actions.find((a) => (a.kind?.value ?? '').startsWith('quickfix') && (a.edit || a.command));
      assert.ok(fix, `${c.file}: no quick fix; offered ${JSON.stringify(actions.map((a) => a.title))}`);
      if (fix.edit) {
        assert.ok(await vscode.workspace.applyEdit(fix.edit), `${c.file}: edit not applied`);
        await doc.save();
      } else {
        await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []));
        if (doc.isDirty) await doc.save();
      }
      assert.notEqual(fs.readFileSync(file)[0], 0xef, `${c.file}: a byte-order mark remains`);
      assert.ok(!fs.readFileSync(file, 'utf8').includes('\r'), `${c.file}: a carriage return remains`);
      await eventually(() => !ours(uri).some((x) => x.severity === E || x.code === c.code), () => `${c.file} still has ${JSON.stringify(ours(uri).map((x) => x.code))}`);
      assert.equal(keygenFingerprint(file), keygenFingerprint(c.fixedKeyOf!), `${c.file}: fingerprint after "${fix.title}"`);
      assert.equal(doc.getText().trim().split('\n').length, 1, `${c.file}: one line after the fix`);
    }
  });

  it('Fix All (source.fixAll) repairs a pasted key with several problems in one go, to the key ssh-keygen gives', async () => {
    const { pub, type, blob, comment } = keys.ed;
    const file = path.join(dir, 'pasted_all.pub');
    fs.writeFileSync(file, `  ${type}\u00a0${blob.slice(0, 30)}\u200b${blob.slice(30)} ${comment}\n`);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await diagnosticsOf(uri, 'stray-whitespace');
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    // Offered beside the single fixes…
    const quick = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole)) ?? [];
    assert.ok(quick.some((a) => a.kind?.value === 'source.fixAll'), JSON.stringify(quick.map((a) => [a.kind?.value, a.title])));
    // …and as the source.fixAll action (what "Fix All" and fix-on-save run).
    const [fixAllAction] = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll')) ?? [];
    assert.ok(fixAllAction?.edit, 'no source.fixAll action');
    assert.match(fixAllAction.title, /Fix all certain key problems \(3\)/);
    assert.ok(await vscode.workspace.applyEdit(fixAllAction.edit));
    await doc.save();
    await eventually(() => !ours(uri).some((x) => x.severity === E), () => `still ${JSON.stringify(ours(uri).map((x) => x.code))}`);
    assert.equal(keygenFingerprint(file), keygenFingerprint(pub));
  });

  it('a file far too large to be keys gets one warning and no parse (no hang) @huge-file', async () => {
    const file = path.join(dir, 'huge.pub');
    fs.writeFileSync(file, `${keys.ed.line}\n`.repeat(Math.ceil((17 * 1024 * 1024) / (keys.ed.line.length + 1))));
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);
    const d = await diagnosticsOf(uri, 'too-large');
    assert.equal(d.severity, W);
    assert.match(d.message, /too large to check \(\d+ MB/);
    assert.equal(ours(uri).length, 1);
    fs.rmSync(file);
  });

  it('updates diagnostics as the user types', async () => {
    const file = path.join(dir, 'typing.pub');
    fs.writeFileSync(file, `${keys.ed.line}\n`);
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ours(uri).filter((d) => d.severity === E).length, 0);
    await editor.edit((b) => b.insert(new vscode.Position(0, keys.ed.type.length + 5), '!'));
    await diagnosticsOf(uri, 'bad-base64');
    await editor.edit((b) => b.delete(new vscode.Range(0, keys.ed.type.length + 5, 0, keys.ed.type.length + 6)));
    await eventually(() => ours(uri).length === 0, () => `still ${JSON.stringify(ours(uri).map((d) => d.code))}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('hover shows type, bits, comment, both fingerprints and whether the private key is here', async () => {
    const uri = vscode.Uri.file(keys.ed.pub);
    await vscode.workspace.openTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 3));
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.ok(text.includes(keygenFingerprint(keys.ed.pub, 'sha256')), text);
    assert.ok(text.includes(keygenFingerprint(keys.ed.pub, 'md5')), text);
    assert.match(text, /ED25519 256/);
    assert.match(text, /ed@test/);
    assert.match(text, /private key is not in your SSH folders/, 'the test key lives in the workspace, not in ~/.ssh');
  });

  it('closed .pub files in the SSH folders get diagnostics, which go when the file goes', async () => {
    await setSshDirectories(undefined);
    const { localKeys } = await api();
    const broken = path.join(fixture().sshDir, 'broken_paste.pub');
    fs.writeFileSync(broken, `ssh-ed25519 ${keys.ed.blob.slice(0, 30)}#${keys.ed.blob.slice(31)} pasted\n`);
    await localKeys.refresh();
    const uri = vscode.Uri.file(broken);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === broken), 'the file must not be open');
    await diagnosticsOf(uri, 'bad-base64');
    fs.rmSync(broken);
    await localKeys.refresh();
    await eventually(() => ours(uri).length === 0, () => 'diagnostics of a deleted file remain');
  });

  it('a .pub that does not match its private key: warning, and a fix that regenerates it', async () => {
    await setSshDirectories(undefined);
    const { localKeys } = await api();
    const base = path.join(fixture().sshDir, 'drifted');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drifted', '-f', base]);
    const original = fs.readFileSync(`${base}.pub`, 'utf8');
    fs.writeFileSync(`${base}.pub`, `${keys.rsa.line}\n`);
    try {
      await localKeys.refresh();
      const uri = vscode.Uri.file(`${base}.pub`);
      const doc = await vscode.workspace.openTextDocument(uri);
      const d = await diagnosticsOf(uri, 'pub-mismatch');
      assert.equal(d.severity, W);
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range)) ?? [];
      const fix = actions.find((a) => /Regenerate/.test(a.title));
      assert.ok(fix?.edit, `no regenerate fix; offered ${JSON.stringify(actions.map((a) => a.title))}`);
      await vscode.workspace.applyEdit(fix.edit);
      await doc.save();
      const derived = execFileSync('ssh-keygen', ['-y', '-f', base], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ');
      assert.equal(fs.readFileSync(`${base}.pub`, 'utf8').split(' ').slice(0, 2).join(' '), derived.trim());
      assert.equal(fs.readFileSync(`${base}.pub`, 'utf8').split(' ').slice(0, 2).join(' '), original.split(' ').slice(0, 2).join(' '));
      await eventually(() => !ours(uri).some((x) => x.code === 'pub-mismatch'), () => 'mismatch warning remains after the fix');
    } finally {
      for (const f of [base, `${base}.pub`]) fs.rmSync(f, { force: true });
      await localKeys.refresh();
    }
  });
});
