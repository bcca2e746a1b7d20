// The Cloud SSH Keys container in the activity bar and its Local Keys view.
import { assert, hoverText, openContainer, treeLabels, treeRow, viewPane } from './ui.mjs';

export default [
  {
    name: 'activity bar: the Cloud SSH Keys container opens and Local Keys lists the fixture keys',
    async run({ page, fixture }) {
      await openContainer(page, 'Cloud SSH Keys');
      const pane = viewPane(page, 'Local Keys');
      try {
        await treeRow(pane, 'id_ed25519').waitFor({ state: 'visible', timeout: 30_000 });
      } catch (err) {
        const shown = await page.locator('.part.sidebar').innerText().catch(() => '(no side bar)');
        throw new Error(`Local Keys never listed id_ed25519; the side bar shows:\n${shown}\n${err.message.split('\n')[0]}`);
      }
      const labels = await treeLabels(pane);
      assert.deepEqual([...labels].sort(), Object.keys(fixture.sshItems).sort());
      for (const name of fixture.notItems) assert.ok(!labels.includes(name), `${name} is listed`);
    },
  },
  {
    name: 'Local Keys: rows show their markers',
    async run({ page, fixture }) {
      await openContainer(page, 'Cloud SSH Keys');
      const pane = viewPane(page, 'Local Keys');
      for (const [name, item] of Object.entries(fixture.sshItems)) {
        const text = await treeRow(pane, name).innerText();
        for (const marker of item.markers) assert.ok(text.includes(`[${marker}]`), `row "${text}" lacks [${marker}]`);
        if (!item.markers.length) assert.ok(!text.includes('['), `row "${text}" has a marker`);
      }
    },
  },
  {
    name: 'Local Keys: hovering a key shows its full SHA256 fingerprint (as ssh-keygen prints it)',
    async run({ page, fixture, keygenFingerprint }) {
      await openContainer(page, 'Cloud SSH Keys');
      const text = await hoverText(page, treeRow(viewPane(page, 'Local Keys'), 'id_rsa_pem'));
      const expected = keygenFingerprint(fixture.sshItems.id_rsa_pem.public, 'sha256');
      assert.ok(text.includes(expected), `hover lacks ${expected}:\n${text}`);
    },
  },
];
