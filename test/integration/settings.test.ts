import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, eventually, fixture, labelOf, rootItems, setSshDirectories, sorted } from './helpers';

const same = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

describe('setting cloudSshKeys.sshDirectories', () => {
  afterEach(async () => {
    await setSshDirectories(undefined);
    const home = Object.keys(fixture().sshItems);
    await eventually(
      async () => same((await rootItems()).map((r) => r.label), home) || undefined,
      () => 'the items did not come back to ~/.ssh after resetting the setting',
    );
  });

  it('pointing it at another folder shows that folder\'s keys instead', async () => {
    await setSshDirectories([fixture().otherDir]);
    const labels = await eventually(
      async () => {
        const l = (await rootItems()).map((r) => r.label);
        return same(l, fixture().otherItems) ? l : undefined;
      },
      () => `items never became ${fixture().otherItems.join(', ')}`,
    );
    assert.deepEqual(sorted(labels), sorted(fixture().otherItems));
  });

  it('expands ~ with the HOME of the server, and shows one level per folder when there are several', async () => {
    await setSshDirectories(['~/.ssh', '~/other-ssh']);
    const { localKeys } = await api();
    const roots = await eventually(
      async () => {
        const r = await rootItems();
        return r.length === 2 ? r : undefined;
      },
      () => 'the tree never showed two folders',
    );
    assert.deepEqual(
      roots.map((r) => r.label),
      [fixture().sshDir, fixture().otherDir],
    );
    const children = await localKeys.getChildren(roots[1].node);
    assert.deepEqual(sorted(children.map((n) => labelOf(localKeys.getTreeItem(n)))), sorted(fixture().otherItems));
  });

  it('is machine-scoped (a workspace cannot redirect the scan)', () => {
    const inspected = vscode.workspace.getConfiguration('cloudSshKeys').inspect('sshDirectories');
    assert.deepEqual(inspected?.defaultValue, ['~/.ssh']);
  });
});
