// The Get Started walkthrough (package.json contributes.walkthroughs), done as a user does it: opened
// from the palette (Welcome: Open Walkthrough…), each step's own button where it has one, and each
// step must show as completed on the page once it is done, and not before (a cancelled import).
// The account step is done at start-up: the harness signs in to the fake CVM from the environment,
// as npm start's sandbox does. Binding the key to an instance is done in the fake (the Bind flow is
// the Connect e2e steps' subject); Connect itself goes through the Cloud Key Pairs view. Everything
// it changes (the fake's key pair and binding, ~/.ssh/config) is put back for the steps after it.
import fs from 'node:fs';
import path from 'node:path';
import { answerInput, assert, chooseMenuItem, clearNotifications, contextMenuLabels, notification, openContainer, pick, quickPickRow, runCommand, viewPane } from './ui.mjs';
import { cloudRow, until } from '../clouds/tencent/e2e/cloud.e2e.mjs';

const WALKTHROUGH = 'Get Started with Cloud SSH Keys';
const REGION = 'ap-guangzhou';
const KEY_NAME = 'e2e_walkthrough';
const INSTANCE = 'web-running';

/** The Get Started page of the walkthrough (an editor). */
const page$ = (page) => page.locator('.part.editor .gettingStartedContainer').first();

/** A step's entry on the page, by its id in package.json (the page names it `<extension>#<walkthrough>#<step>`). */
const stepEntry = (page, id) => page$(page).locator(`.getting-started-step[data-step-id$="#${id}"]`).first();

/** Whether the page shows the step as completed (its checkbox gets `complete` and the checked codicon). */
async function isDone(page, id) {
  const box = page$(page).locator(`[data-done-step-id$="#${id}"]`).first();
  await box.waitFor({ state: 'attached', timeout: 10_000 }); // a missing step fails, never reads as "not done"
  const cls = (await box.getAttribute('class')) ?? '';
  return /\bcomplete\b/.test(cls);
}

async function assertDone(page, id, why) {
  await until(() => isDone(page, id), () => `the walkthrough step "${id}" is not shown as completed ${why}`, 20_000);
}

/** Opens the walkthrough from the palette, as Help → Get Started → the walkthrough would. */
async function openWalkthrough(page) {
  // Shown, and not left for the Welcome overview (Escape on the page goes back there; the steps of
  // a walkthrough not on screen are disabled buttons).
  const first = stepEntry(page, 'openView');
  const shown = async () => (await first.isVisible().catch(() => false)) && (await first.isEnabled().catch(() => false));
  if (await shown()) return;
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await pick(page, WALKTHROUGH);
  await page$(page).waitFor({ state: 'visible', timeout: 20_000 });
  await until(shown, () => 'the walkthrough\'s steps never showed');
}

/** Expands a step (only the selected step shows its description and buttons) and clicks one of its buttons. */
async function clickStepButton(page, id, label) {
  const entry = stepEntry(page, id);
  if ((await entry.getAttribute('aria-expanded')) !== 'true') await entry.click();
  const button = entry.getByRole('button', { name: label, exact: true });
  await button.waitFor({ state: 'visible' });
  await button.click();
}

/** Shows the editor tab of the walkthrough again (the steps open views and quick picks over it). */
const walkthroughTab = (page) => page.locator('.tabs-container .tab').filter({ hasText: /Walkthrough|Welcome/ }).first();

async function showWalkthroughTab(page) {
  const tab = walkthroughTab(page);
  if (await tab.isVisible().catch(() => false)) await tab.click();
  await openWalkthrough(page);
}

let originalSshConfig;

export default [
  {
    name: 'walkthrough: opened from the palette after the extension signed in to the sandbox: the account step is ticked; the "Open Cloud SSH Keys" button ticks the first',
    async run({ page }) {
      // The extension active and signed in before the walkthrough is first shown (as when a user
      // opens Get Started later): the account step must be ticked all the same.
      await openContainer(page, 'Cloud SSH Keys');
      await until(
        async () => /Sandbox/.test(await viewPane(page, 'Cloud Key Pairs').locator('.pane-header').innerText().catch(() => '')),
        () => 'the Cloud Key Pairs view never said Sandbox (not signed in from the environment?)',
      );
      await page.waitForTimeout(1000);
      await openWalkthrough(page);
      for (const id of ['openView', 'account', 'importKey', 'connect']) await stepEntry(page, id).waitFor({ state: 'visible' });
      await clickStepButton(page, 'openView', 'Open Cloud SSH Keys');
      await viewPane(page, 'Local Keys').waitFor({ state: 'visible' });
      await assertDone(page, 'openView', 'after its button showed the Cloud SSH Keys view');
      // Signed in from the environment at start-up (the fake's test credentials): no Set Credentials needed.
      await assertDone(page, 'account', 'with the sandbox credentials in the environment');
    },
  },
  {
    name: 'walkthrough: "Import to Tencent CVM" from the import step — cancelled, the step stays open; imported, it is completed',
    async run({ page, fakes: { tencent: cvm } }) {
      await openWalkthrough(page);
      assert.equal(await isDone(page, 'importKey'), false, 'the import step is completed before any import');
      // Cancelled at the key picker: nothing imported, the step not done.
      await clickStepButton(page, 'importKey', 'Import to Tencent CVM');
      await quickPickRow(page, 'id_rsa_pem').waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
      await showWalkthroughTab(page);
      assert.equal(await isDone(page, 'importKey'), false, 'a cancelled import completed the step');

      // Done as the step says: a key, the region, a name.
      await clickStepButton(page, 'importKey', 'Import to Tencent CVM');
      await pick(page, 'id_rsa_pem');
      await quickPickRow(page, REGION).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      // The name box (prefilled from the key), not the region list it replaces.
      const title = page.locator('.quick-input-widget .quick-input-title');
      await until(async () => /key pair name/.test((await title.innerText().catch(() => '')) ?? ''), () => 'the key pair name box never showed');
      await answerInput(page, KEY_NAME);
      await until(
        () => [...cvm.fake.account.keyPairs.values()].some((k) => k.KeyName === KEY_NAME),
        () => `the fake holds no ${KEY_NAME}`,
      );
      await notification(page, new RegExp(`as ${KEY_NAME}`));
      await clearNotifications(page);
      await showWalkthroughTab(page);
      await assertDone(page, 'importKey', `after ${KEY_NAME} was imported`);
    },
  },
  {
    name: 'walkthrough: Connect… on the bound key pair → Copy SSH Command completes the connect step; the fake and ~/.ssh/config are put back',
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      const keyPair = [...cvm.fake.account.keyPairs.values()].find((k) => k.KeyName === KEY_NAME);
      assert.ok(keyPair, `no ${KEY_NAME} in the fake (the import step failed?)`);
      const instance = [...cvm.fake.account.instances.values()].find((i) => i.InstanceName === INSTANCE && i.region === REGION);
      assert.ok(instance, `no ${INSTANCE} in the fake`);
      const sshConfig = path.join(fixture.home, '.ssh', 'config');
      originalSshConfig = fs.existsSync(sshConfig) ? fs.readFileSync(sshConfig, 'utf8') : undefined;
      try {
        await openWalkthrough(page);
        assert.equal(await isDone(page, 'connect'), false, 'the connect step is completed before any Connect');
        instance.KeyIds.push(keyPair.KeyId); // bound, as "Bind to Instances…" would
        await clickStepButton(page, 'connect', 'Show Cloud Key Pairs');
        const pane = viewPane(page, 'Cloud Key Pairs');
        await pane.waitFor({ state: 'visible' });
        // Listed again, so that the key pair shows as bound (its menu then offers Connect…).
        await pane.locator('.pane-header').hover();
        await pane.locator('.actions .action-label[aria-label^="Refresh Cloud Key Pairs"]').first().click();
        const row = await cloudRow(page, KEY_NAME);
        await until(
          async () => {
            const labels = await contextMenuLabels(page, row);
            if (labels.includes('Connect…')) return true;
            await page.keyboard.press('Escape');
            await page.waitForTimeout(1000);
            return false;
          },
          () => `the menu of ${KEY_NAME} never offered Connect… (not listed as bound?)`,
        );
        await chooseMenuItem(page, 'Connect…');
        // The ways in: the one that needs no server.
        const input = page.locator('.quick-input-widget input').first();
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        await input.fill('Copy SSH Command');
        await page.waitForTimeout(300);
        await page.keyboard.press('Enter');
        await notification(page, `tencent-${REGION}-${INSTANCE}`);
        await clearNotifications(page);
        await showWalkthroughTab(page);
        await assertDone(page, 'connect', 'after Connect… → Copy SSH Command');
      } finally {
        // Put back what the steps after this one expect: no such key pair, no binding, the user's config.
        instance.KeyIds = instance.KeyIds.filter((id) => id !== keyPair.KeyId);
        cvm.fake.account.keyPairs.delete(keyPair.KeyId);
        const pane = viewPane(page, 'Cloud Key Pairs');
        await pane.locator('.pane-header').hover().catch(() => {});
        await pane.locator('.actions .action-label[aria-label^="Refresh Cloud Key Pairs"]').first().click().catch(() => {});
        await page.waitForTimeout(1500);
        if (originalSshConfig === undefined) fs.rmSync(sshConfig, { force: true });
        else fs.writeFileSync(sshConfig, originalSshConfig, { mode: 0o600 });
        // Close the walkthrough (its tab's close button: a click into the page could press one of
        // its buttons), so that the next steps find the editor area as they expect.
        const tab = walkthroughTab(page);
        if (await tab.isVisible().catch(() => false)) {
          await tab.hover();
          await tab.locator('.tab-actions .action-label[aria-label^="Close"]').first().click().catch(() => {});
          await tab.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
        }
      }
    },
  },
];
