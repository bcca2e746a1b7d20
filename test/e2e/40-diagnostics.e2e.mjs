// `.pub` diagnostics as a person sees them: a squiggle under the bad character and an entry in the
// Problems panel, for a broken key file opened from the explorer.
import fs from 'node:fs';
import path from 'node:path';
import { assert, dismiss, explorerRow, openExplorer, readmeScreenshot, runCommand } from './ui.mjs';

const BROKEN = 'broken_paste.pub';

export default [
  {
    name: 'diagnostics: a broken .pub shows a squiggle and a Problems panel entry naming the bad character',
    async run({ page, fixture }) {
      // A key whose base64 was damaged when pasted: one '*' in the middle of the blob.
      const [type, blob, comment] = fs.readFileSync(fixture.workspacePub, 'utf8').trim().split(' ');
      fs.writeFileSync(path.join(fixture.workspace, BROKEN), `${type} ${blob.slice(0, 30)}*${blob.slice(31)} ${comment}\n`);
      await openExplorer(page);
      const row = explorerRow(page, BROKEN);
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await row.dblclick();
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.waitFor({ state: 'visible' });
      await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 20_000 });
      await runCommand(page, 'Problems: Focus on Problems View');
      const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: "Bad base64 character '*'" }).first();
      await problem.waitFor({ state: 'visible', timeout: 20_000 });
      const text = await problem.innerText();
      assert.match(text, /column \d+/, `the Problems entry does not say where: ${text}`);
      assert.match(text, /Cloud SSH Keys/, `the Problems entry does not name its source: ${text}`);
      const fileRow = page.locator('.markers-panel .monaco-list-row').filter({ hasText: BROKEN }).first();
      await fileRow.waitFor({ state: 'visible' });
      await readmeScreenshot(page, 'problems-panel');
      await dismiss(page);
    },
  },
];
