// A hostile workspace in a trusted window: its `.vscode/settings.json` points the clouds' endpoints
// at a trap server on this machine and the SSH folders at a folder of its own. Those settings are
// machine-scoped, so VS Code never applies them from a workspace, and the extension reads only the
// user's values: the trap gets no request, the user's endpoints (the fakes) get them all.
// The same workspace in restricted mode: restricted/restricted-mode.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture } from './helpers';
import {
  CLOUDS, FAKE_URLS, Trap, api, assertEffectiveSettingsAreTheUsers, assertLocalKeysShowOnlySshDir, fakeRequests, listAndImport,
  removeHostileWorkspace, signIn, signOutAndForgetEndpoints, startTrap, useFakesAsUserEndpoints, workspaceValuesVsCodeKept,
  writeHostileWorkspace,
} from './restricted/hostile-workspace';

describe('a hostile workspace .vscode/settings.json (trusted window)', function () {
  this.timeout(90_000);
  let trap: Trap;

  before(async function () {
    if (!FAKE_URLS.tencent || !FAKE_URLS.alibaba) this.skip(); // e.g. the Electron runner, which starts no fakes
    trap = await startTrap();
    await useFakesAsUserEndpoints();
    await writeHostileWorkspace(trap.url);
    // The credential check (one request each) already runs with the hostile file in place.
    await signIn(trap);
  });

  after(async function () {
    if (!trap) return;
    await signOutAndForgetEndpoints();
    await removeHostileWorkspace();
    await (await api()).localKeys.refresh();
    await trap.close();
  });

  afterEach(function () {
    // Whatever a test did, nothing may ever have reached the workspace's endpoint.
    if (trap) assert.deepEqual(trap.requests, [], `the workspace's endpoint got requests: ${JSON.stringify(trap.requests)}`);
  });

  it('VS Code keeps no workspace value of any cloudSshKeys setting, and the extension uses the user\'s @machine-scope', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'this suite is about a trusted window');
    assert.deepEqual(workspaceValuesVsCodeKept(trap.url), {});
    const exported = await api();
    for (const cloud of CLOUDS) assertEffectiveSettingsAreTheUsers(exported[cloud], cloud);
    // The credential checks went to the fakes.
    for (const cloud of CLOUDS) assert.ok((await fakeRequests(cloud)).some((r) => r.action === 'DescribeRegions'), `${cloud}: no credential check reached the fake`);
  });

  for (const cloud of CLOUDS) {
    it(`${cloud}: listing and an import reach the user's endpoint with the user's region, never the workspace's @machine-scope`, async () => {
      await listAndImport(cloud, fixture().workspacePub, `ws_${cloud}`);
    });
  }

  it('the Local Keys view shows ~/.ssh, not the folder the workspace names @machine-scope', async () => {
    await assertLocalKeysShowOnlySshDir();
  });
});
