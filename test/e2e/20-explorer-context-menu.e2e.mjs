// The explorer's context menu on .pub files.
import path from 'node:path';
import { assert, chooseMenuItem, clipboardText, contextMenuLabels, dismiss, explorerRow, notification, openExplorer } from './ui.mjs';

const ENTRIES = ['Copy Public Key', 'Copy SHA256 Fingerprint', 'Copy MD5 Fingerprint'];

export default [
  {
    name: 'explorer: a .pub file has "Copy Public Key", "Copy SHA256 Fingerprint" and "Copy MD5 Fingerprint"',
    async run({ page, fixture }) {
      await openExplorer(page);
      const labels = await contextMenuLabels(page, explorerRow(page, path.basename(fixture.workspacePub)));
      for (const entry of ENTRIES) assert.ok(labels.includes(entry), `no "${entry}" in ${JSON.stringify(labels)}`);
      await dismiss(page);
    },
  },
  {
    name: 'explorer: notes.txt has neither entry',
    async run({ page, fixture }) {
      await openExplorer(page);
      const labels = await contextMenuLabels(page, explorerRow(page, path.basename(fixture.workspaceText)));
      assert.ok(labels.length > 3, `the menu looks empty: ${JSON.stringify(labels)}`);
      for (const entry of ENTRIES) assert.ok(!labels.includes(entry), `"${entry}" offered for notes.txt`);
      await dismiss(page);
    },
  },
  {
    name: 'explorer: "Copy SHA256 Fingerprint" on the .pub notifies "Copied SHA256:…" with ssh-keygen\'s fingerprint',
    async run({ page, fixture, keygenFingerprint }) {
      const expected = keygenFingerprint(fixture.workspacePub, 'sha256');
      await openExplorer(page);
      await contextMenuLabels(page, explorerRow(page, path.basename(fixture.workspacePub)));
      await chooseMenuItem(page, 'Copy SHA256 Fingerprint');
      const text = await notification(page, expected);
      assert.equal(text, `Copied ${expected}`);
      assert.equal(await clipboardText(page), expected);
    },
  },
];
