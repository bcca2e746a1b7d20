import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, eventually, fixture, keygenFingerprint, labelOf, referenceFile, rootItems, setSshDirectories, sorted, tooltipText } from './helpers';

const ALL_MARKERS = [
  'public only', 'private only', 'passphrase-protected', 'unsafe permissions', 'certificate only', '.pub does not match',
  'private key in .pub', '.pub has errors', '.pub has warnings',
];

describe('Local Keys view data for the fixture ~/.ssh', () => {
  before(async () => {
    await setSshDirectories(undefined); // the default, ~/.ssh of the fixture HOME
    await (await api()).localKeys.refresh();
  });

  it('lists exactly the fixture key pairs', async () => {
    const labels = (await rootItems()).map((r) => r.label);
    assert.deepEqual(sorted(labels), sorted(Object.keys(fixture().sshItems)));
  });

  it('does not list the FIFO, known_hosts or config', async () => {
    const labels = (await rootItems()).map((r) => r.label);
    for (const name of fixture().notItems) assert.ok(!labels.includes(name), `${name} is listed`);
  });

  for (const [name, expected] of Object.entries(fixture().sshItems)) {
    describe(name, () => {
      const find = async () => {
        const found = (await rootItems()).find((r) => r.label === name);
        assert.ok(found, `no item ${name}`);
        return found;
      };

      it(`description: type, short fingerprint, comment and markers ${JSON.stringify(expected.markers)}`, async () => {
        const { item } = await find();
        const description = String(item.description ?? '');
        const sha256 = keygenFingerprint(referenceFile(expected), 'sha256');
        assert.ok(description.includes(sha256.slice(0, 'SHA256:'.length + 8)), `description "${description}" lacks the start of ${sha256}`);
        assert.ok(description.includes(expected.comment), `description "${description}" lacks the comment ${expected.comment}`);
        if (expected.typeAndBits) assert.ok(description.startsWith(expected.typeAndBits), `description "${description}" does not start with ${expected.typeAndBits}`);
        for (const marker of ALL_MARKERS) {
          assert.equal(
            description.includes(`[${marker}]`),
            expected.markers.includes(marker),
            `marker [${marker}] ${expected.markers.includes(marker) ? 'missing from' : 'wrongly in'} "${description}"`,
          );
        }
      });

      it('tooltip: full SHA256 and MD5 fingerprints as ssh-keygen prints them, and the file paths', async () => {
        const { item } = await find();
        const tooltip = tooltipText(item);
        const file = referenceFile(expected);
        for (const hash of ['sha256', 'md5'] as const) {
          const fp = keygenFingerprint(file, hash);
          assert.ok(tooltip.includes(fp), `tooltip lacks ${fp}:\n${tooltip}`);
        }
        for (const p of [expected.private, expected.public]) if (p) assert.ok(tooltip.includes(p), `tooltip lacks ${p}:\n${tooltip}`);
        for (const marker of expected.markers) assert.ok(tooltip.includes(marker.replace(/-/g, '\\-')) || tooltip.includes(marker), `tooltip lacks ${marker}`);
      });

      it('children: its private and public key files', async () => {
        const { localKeys } = await api();
        const { node } = await find();
        const children = (await localKeys.getChildren(node)).map((n) => localKeys.getTreeItem(n));
        const files = [expected.private, expected.public].filter((p): p is string => !!p);
        assert.deepEqual(children.map(labelOf), files.map((f) => path.basename(f)));
        assert.deepEqual(
          children.map((c) => c.resourceUri?.fsPath),
          files.map((f) => vscode.Uri.file(f).fsPath),
        );
      });
    });
  }
});

describe('Local Keys: broken and dangerous files, and one row per key', function () {
  this.timeout(60_000);
  let dir: string;
  const j = (...p: string[]) => path.join(dir, ...p);
  const keygen = (file: string, comment = path.basename(file)) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  const iconOf = (item: vscode.TreeItem) => (item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined);
  const ours = (file: string) => vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Cloud SSH Keys');
  const row = async (label: string) => {
    const found = (await rootItems()).find((r) => r.label === label);
    assert.ok(found, `no row ${label}; have ${(await rootItems()).map((r) => r.label).join(', ')}`);
    return found;
  };
  const childrenOf = async (label: string) => {
    const { localKeys } = await api();
    return (await localKeys.getChildren((await row(label)).node)).map((n) => localKeys.getTreeItem(n));
  };
  /** The diagnostic the Problems panel shows for a closed file (published from the scan). */
  const diagnostic = (file: string, code: string) =>
    eventually(() => ours(file).find((d) => d.code === code), () => `no ${code} on ${file}: ${JSON.stringify(ours(file).map((d) => d.code))}`);
  /** Runs an item's command as a click does; the editor it opens must show the problem selected. */
  const click = async (item: vscode.TreeItem) => {
    assert.ok(item.command, `${labelOf(item)} has no command`);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
  };

  before(async () => {
    dir = path.join(fixture().home, 'flagged-ssh');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    keygen(j('id_ed25519'), 'me@flagged');
    fs.writeFileSync(j('id_ed25519_rfc4716.pub'), execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', j('id_ed25519.pub')]));
    fs.copyFileSync(j('id_ed25519.pub'), j('pasted.pub'));
    keygen(j('secret'));
    fs.renameSync(j('secret'), j('leaked.pub'));
    fs.rmSync(j('secret.pub'));
    const [type, blob] = fs.readFileSync(j('id_ed25519.pub'), 'utf8').split(' ');
    fs.writeFileSync(j('broken.pub'), `${type} ${blob.slice(0, 25)}#${blob.slice(26)} broken\n`);
    keygen(j('typo'));
    fs.writeFileSync(j('typo.pub'), fs.readFileSync(j('typo.pub'), 'utf8').replace('ssh-ed25519', 'ssh-ed2519'));
    await setSshDirectories([dir]);
    await (await api()).localKeys.refresh();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSshDirectories(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await (await api()).localKeys.refresh();
  });

  it('one row per key: the .pub, its RFC 4716 export and a pasted copy are children of the private key\'s row, named in its tooltip', async () => {
    const labels = (await rootItems()).map((r) => r.label);
    assert.deepEqual(sorted(labels), sorted(['broken.pub', 'id_ed25519', 'leaked', 'typo']));
    const children = await childrenOf('id_ed25519');
    assert.deepEqual(children.map(labelOf), ['id_ed25519', 'id_ed25519.pub', 'id_ed25519_rfc4716.pub', 'pasted.pub']);
    assert.deepEqual(children.map((c) => String(c.description)), ['private key', 'public key', 'copy of the public key', 'copy of the public key']);
    const { item } = await row('id_ed25519');
    for (const f of ['id_ed25519_rfc4716.pub', 'pasted.pub']) assert.ok(tooltipText(item).includes(j(f)), `tooltip lacks the copy ${f}:\n${tooltipText(item)}`);
    assert.ok(!String(item.description).includes('['), `a healthy key with copies has no marker: ${item.description}`);
  });

  it('a .pub in which no key can be read is a row: marked, the problem on it and in the tooltip, and a click opens the file at the problem', async () => {
    const { item } = await row('broken.pub');
    const d = await diagnostic(j('broken.pub'), 'bad-base64');
    assert.equal(iconOf(item), 'error');
    assert.ok(String(item.description).includes('[no key could be read]'), String(item.description));
    assert.ok(String(item.description).includes(d.message), `description "${item.description}" lacks "${d.message}"`);
    assert.ok(tooltipText(item).includes('Bad base64 character'), tooltipText(item));
    assert.equal(item.resourceUri?.fsPath, vscode.Uri.file(j('broken.pub')).fsPath);
    await click(item);
    const editor = await eventually(() => vscode.window.activeTextEditor?.document.uri.fsPath === j('broken.pub') && vscode.window.activeTextEditor, () => 'broken.pub did not open');
    assert.ok(editor.selection.isEqual(d.range), `selection ${JSON.stringify(editor.selection)} is not the problem ${JSON.stringify(d.range)}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a private key saved as .pub: a danger, not "private only"; its file goes to the Problems panel, never opens on a click', async () => {
    const { item } = await row('leaked');
    const description = String(item.description);
    assert.ok(description.includes('[private key in .pub]'), description);
    for (const wrong of ['[private only]', '[public only]']) assert.ok(!description.includes(wrong), `${wrong} in "${description}"`);
    assert.equal(iconOf(item), 'error');
    assert.match(tooltipText(item), /holds the PRIVATE key/);
    assert.ok(tooltipText(item).includes(j('leaked.pub')));
    await diagnostic(j('leaked.pub'), 'private-key-in-public-file');
    const [file] = await childrenOf('leaked');
    assert.equal(labelOf(file), 'leaked.pub');
    assert.equal(iconOf(file), 'error');
    assert.equal(file.command?.command, 'workbench.actions.view.problems');
    assert.ok(!/privateOnly/.test(item.contextValue ?? ''), 'Derive Public Key must not be offered for it');
  });

  it('a .pub with errors no longer looks healthy: marked on its row, named in the tooltip, and its file opens at the problem', async () => {
    const { item } = await row('typo');
    const d = await diagnostic(j('typo.pub'), 'unknown-type');
    assert.ok(String(item.description).includes('[.pub has errors]'), String(item.description));
    assert.equal(iconOf(item), 'error');
    assert.ok(tooltipText(item).includes('ssh\\-ed2519') || tooltipText(item).includes('ssh-ed2519'), tooltipText(item));
    const pub = (await childrenOf('typo')).find((c) => labelOf(c) === 'typo.pub');
    assert.ok(pub);
    assert.ok(String(pub.description).includes(d.message), `"${pub.description}" lacks "${d.message}"`);
    await click(pub);
    const editor = await eventually(() => vscode.window.activeTextEditor?.document.uri.fsPath === j('typo.pub') && vscode.window.activeTextEditor, () => 'typo.pub did not open');
    assert.ok(editor.selection.isEqual(d.range), `selection ${JSON.stringify(editor.selection)} is not the problem ${JSON.stringify(d.range)}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
