import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, eventually, EXTENSION_ID, fixture, keygenFingerprint } from './helpers';

interface Contributions {
  commands: Array<{ command: string }>;
  menus: Record<string, Array<{ command: string; when?: string }>>;
  viewsContainers: { activitybar: Array<{ id: string }> };
  views: Record<string, Array<{ id: string }>>;
}

function manifest(): { contributes: Contributions; main: string; activationEvents: string[] } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
}

/**
 * A broken .pub that is in ~/.ssh when the extension starts. Written as mocha loads this file, which
 * is before the suite's root hook activates the extension (test/integration/index.ts).
 */
const atStartup = (() => {
  const file = path.join(fixture().sshDir, 'startup_broken.pub');
  const activeBefore = vscode.extensions.getExtension(EXTENSION_ID)?.isActive ?? false;
  fs.writeFileSync(file, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI#broken at start-up\n');
  return { file, activeBefore, diagnostics: [] as vscode.Diagnostic[] };
})();

// A root hook of this file: right after activation and before any test, so that the other files
// see ~/.ssh as the fixture made it (and this runs whatever --grep selects).
before(async () => {
  try {
    await api();
    const uri = vscode.Uri.file(atStartup.file);
    // No refresh and no editor: only what activation itself published.
    atStartup.diagnostics = await eventually(
      () => { const d = vscode.languages.getDiagnostics(uri); return d.length > 0 && d; },
      () => 'no diagnostics',
      10_000,
    ).catch(() => []);
  } finally {
    fs.rmSync(atStartup.file, { force: true });
    await (await api()).localKeys.refresh();
  }
});

describe('activation and contributions', () => {
  it('a broken .pub in the SSH folder is in the Problems panel from activation, without being opened', () => {
    assert.equal(atStartup.activeBefore, false, 'the extension was already active when the suite loaded: start-up cannot be seen');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === atStartup.file), 'the file was opened');
    const ours = atStartup.diagnostics.filter((d) => d.source === 'Cloud SSH Keys');
    assert.ok(ours.some((d) => d.code === 'bad-base64'), `diagnostics at activation: ${JSON.stringify(atStartup.diagnostics.map((d) => [d.code, d.message]))}`);
  });

  it('activates when the Local Keys view is shown or a .pub opens (onView, onLanguage), not at start-up of every window', () => {
    const events = manifest().activationEvents;
    assert.ok(events.includes('onView:cloudSshKeys.localKeys'), JSON.stringify(events));
    assert.ok(events.includes('onLanguage:ssh-public-key'), JSON.stringify(events));
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
  });

  it('the explorer menu of a .pub offers every copy action: public key, SHA256 and MD5 fingerprints', async () => {
    const explorer = manifest().contributes.menus['explorer/context'];
    for (const command of ['cloudSshKeys.copyPublicKey', 'cloudSshKeys.copyFingerprintSha256', 'cloudSshKeys.copyFingerprintMd5']) {
      const entry = explorer.find((e) => e.command === command);
      assert.ok(entry, `the explorer menu has no ${command}`);
      assert.equal(entry.when, 'resourceExtname == .pub', command);
    }
    // What the menu entry runs: the command with the file's Uri.
    const pub = fixture().workspacePub;
    await vscode.env.clipboard.writeText('(before)');
    await vscode.commands.executeCommand('cloudSshKeys.copyFingerprintMd5', vscode.Uri.file(pub));
    assert.equal(await vscode.env.clipboard.readText(), keygenFingerprint(pub, 'md5'));
  });


  it(`finds and activates ${EXTENSION_ID}`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension not found');
    const exported = await api();
    assert.equal(ext.isActive, true);
    assert.equal(typeof exported.activationMs, 'number');
    assert.ok(exported.activationMs >= 0 && exported.activationMs < 10_000, `activationMs = ${exported.activationMs}`);
  });

  it('registers every command package.json contributes', async () => {
    await api();
    const contributed = manifest().contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Cloud SSH Keys container with the Local Keys view, and both can be shown', async () => {
    await api();
    // The workbench makes these commands only for the containers and views it really registered
    // (from the package.json it loaded), so this checks the contribution as VS Code understood it.
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['workbench.view.extension.cloudSshKeys', 'cloudSshKeys.localKeys.focus']) {
      assert.ok(registered.has(id), `the workbench has no command ${id}: the container or the view the extension uses is not registered`);
    }
    const { contributes } = manifest();
    assert.ok(
      contributes.viewsContainers.activitybar.some((c) => c.id === 'cloudSshKeys'),
      'no activity-bar container cloudSshKeys',
    );
    assert.ok(
      (contributes.views.cloudSshKeys ?? []).some((v) => v.id === 'cloudSshKeys.localKeys'),
      'no view cloudSshKeys.localKeys in the cloudSshKeys container',
    );
    await vscode.commands.executeCommand('workbench.view.extension.cloudSshKeys');
    await vscode.commands.executeCommand('cloudSshKeys.localKeys.focus');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });
});
