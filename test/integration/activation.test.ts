import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './helpers';

interface Contributions {
  commands: Array<{ command: string }>;
  viewsContainers: { activitybar: Array<{ id: string }> };
  views: Record<string, Array<{ id: string }>>;
}

function manifest(): { contributes: Contributions; main: string } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
}

describe('activation and contributions', () => {
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
