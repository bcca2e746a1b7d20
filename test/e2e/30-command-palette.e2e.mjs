// Commands run from the F1 palette.
import { assert, clipboardText, notification, pick, quickPickLabels, quickPickRow, runCommand } from './ui.mjs';

export default [
  {
    name: 'palette: "Cloud SSH Keys: Copy SHA256 Fingerprint" offers the keys, the picked one is copied and notified',
    async run({ page, fixture, keygenFingerprint }) {
      await runCommand(page, 'Cloud SSH Keys: Copy SHA256 Fingerprint');
      await quickPickRow(page, 'id_ed25519').waitFor({ state: 'visible' });
      const offered = await quickPickLabels(page);
      assert.ok(offered.includes('id_ed25519'), `the quick pick offers ${JSON.stringify(offered)}`);
      await pick(page, 'id_ed25519');
      const expected = keygenFingerprint(fixture.sshItems.id_ed25519.public, 'sha256');
      const text = await notification(page, expected);
      assert.equal(text, `Copied ${expected}`);
      assert.equal(await clipboardText(page), expected);
    },
  },
];
