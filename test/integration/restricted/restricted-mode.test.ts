// Restricted mode: the window's workspace is NOT trusted (run-integration.mjs --restricted turns
// workspace trust on and never asks). package.json declares untrustedWorkspaces.supported: true —
// the extension runs no workspace content, and every setting that could redirect it is
// machine-scoped — so here it must be enabled and work fully, while a hostile workspace
// .vscode/settings.json still redirects nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, fixture, rootItems, sorted } from '../helpers';
import {
  CLOUDS, FAKE_URLS, Trap, api, assertEffectiveSettingsAreTheUsers, assertLocalKeysShowOnlySshDir, listAndImport, removeHostileWorkspace,
  signIn, signOutAndForgetEndpoints, startTrap, useFakesAsUserEndpoints, workspaceValuesVsCodeKept, writeHostileWorkspace,
} from './hostile-workspace';

const SOURCE = 'Cloud SSH Keys';
/** The probes test/harness/fixture.mjs (installTrustProbes) installs for this run. */
const TRUST_PROBES = { ours: 'cloud-ssh-keys-test.trust-probe', unsupported: 'cloud-ssh-keys-test.trust-probe-unsupported' };

describe('restricted mode (the workspace is not trusted)', function () {
  this.timeout(90_000);
  const brokenPub = () => path.join(fixture().workspace, 'restricted-broken.pub');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(brokenPub(), { force: true });
  });

  it('the window is in restricted mode, and VS Code enables an installed extension that declares our capabilities @restricted-mode', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: this run is not in restricted mode');
    const ours = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ours, `${EXTENSION_ID} is not loaded`);
    // VS Code exempts the extension under development from workspace trust: its decision shows on the
    // probes the harness installed (test/harness/fixture.mjs, installTrustProbes). A disabled
    // extension is not listed at all.
    assert.equal(vscode.extensions.getExtension(TRUST_PROBES.unsupported), undefined, 'restricted mode did not disable the control probe (supported: false)');
    const probe = vscode.extensions.getExtension(TRUST_PROBES.ours);
    assert.ok(probe, 'restricted mode disabled an extension declaring our capabilities');
    const capabilities = (e: vscode.Extension<unknown>) => (e.packageJSON as { capabilities?: { untrustedWorkspaces?: unknown } }).capabilities;
    assert.deepEqual(capabilities(probe), capabilities(ours));
    // The deliberate choice (SECURITY.md, "Workspaces you do not trust"): fully supported, nothing to restrict.
    assert.deepEqual(capabilities(ours)?.untrustedWorkspaces, { supported: true });
  });

  it('the extension activates by itself on a .pub @restricted-mode', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // By its own activation events (a .pub opens: onLanguage:ssh-public-key), not ext.activate().
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(fixture().workspacePub)));
    await eventually(() => ext.isActive, () => `${EXTENSION_ID} did not activate on a .pub file`, 30_000);
  });

  it('the Local Keys view lists the keys of ~/.ssh @restricted-mode', async () => {
    const labels = await eventually(
      async () => {
        const l = (await rootItems()).map((r) => r.label);
        return l.length ? l : undefined;
      },
      () => 'the Local Keys view stayed empty',
    );
    assert.deepEqual(sorted(labels), sorted(Object.keys(fixture().sshItems)));
  });

  it('a broken .pub in the workspace still gets its diagnostic and quick fix @restricted-mode', async () => {
    const [type, blob, comment] = fs.readFileSync(fixture().workspacePub, 'utf8').trim().split(' ');
    assert.equal(type, 'ssh-ed25519');
    fs.writeFileSync(brokenPub(), `ssh-ed2519 ${blob} ${comment}\n`);
    const uri = vscode.Uri.file(brokenPub());
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostic = await eventually(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source === SOURCE && d.code === 'unknown-type'),
      () => `no unknown-type diagnostic; have ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.source, d.code]))}`,
    );
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range)) ?? [];
    const fix = actions.find((a) => (a.kind?.value ?? '').startsWith('quickfix') && a.edit);
    assert.ok(fix?.edit, `no quick fix offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the quick fix did not apply');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.equal(doc?.getText().trim(), `${type} ${blob} ${comment}`);
    await doc.save(); // closing a dirty editor would ask
  });

  describe('with a hostile .vscode/settings.json', () => {
    let trap: Trap;

    before(async function () {
      if (!FAKE_URLS.tencent || !FAKE_URLS.alibaba) this.skip();
      trap = await startTrap();
      await useFakesAsUserEndpoints();
      await writeHostileWorkspace(trap.url);
      await signIn(trap);
    });

    after(async () => {
      if (!trap) return;
      await signOutAndForgetEndpoints();
      await removeHostileWorkspace();
      await trap.close();
    });

    afterEach(() => {
      if (trap) assert.deepEqual(trap.requests, [], `the workspace's endpoint got requests: ${JSON.stringify(trap.requests)}`);
    });

    it('VS Code keeps no workspace value of any cloudSshKeys setting, and the extension uses the user\'s @restricted-mode @machine-scope', async () => {
      assert.deepEqual(workspaceValuesVsCodeKept(trap.url), {});
      const exported = await api();
      for (const cloud of CLOUDS) assertEffectiveSettingsAreTheUsers(exported[cloud], cloud);
    });

    for (const cloud of CLOUDS) {
      it(`${cloud}: listing and an import of a workspace .pub reach the user's endpoint only @restricted-mode @machine-scope`, async () => {
        await listAndImport(cloud, fixture().workspacePub, `restricted_${cloud}`);
      });
    }

    it('the Local Keys view shows ~/.ssh, not the folder the workspace names @restricted-mode @machine-scope', async () => {
      await assertLocalKeysShowOnlySshDir();
    });
  });
});
