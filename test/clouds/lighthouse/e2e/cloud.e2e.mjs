// Tencent Cloud Lighthouse through the workbench, against the fake Lighthouse the harness starts
// (t.fakes.lighthouse): its node in the Cloud Key Pairs view with the key pairs right under it, the
// explorer's "Import to Tencent Lighthouse" (no region asked), Create from the palette, Bind (the
// instances' region asked) and Delete. Signed in from the start: the shared Tencent Cloud API key is
// in TENCENTCLOUD_SECRET_ID/KEY (and the Tencent steps before stored it through the palette).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, chooseMenuItem, clearNotifications, contextMenuLabels, explorerRow, notification, openContainer, openExplorer, pick,
  quickPickRow, runCommand, treeRow, viewPane,
  answerInput,
} from '../../../e2e/ui.mjs';

const NODE = 'Tencent Cloud Lighthouse';
const blobOf = (line) => line.trim().split(/\s+/)[1];
const publicOfPrivate = (file) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();

/** Polls `probe` until it returns something truthy. */
async function until(probe, describe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


/** The open quick input is a plain input box (no list to pick from, e.g. no regions). */
async function assertInputBoxOnly(page, what) {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const visible = await rows.evaluateAll((els) => els.filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()));
  assert.deepEqual(visible, [], `${what}: a list was offered (a region question?)`);
}

/** The Cloud Key Pairs pane, refreshed until it shows a row labelled `label`. */
async function cloudRow(page, label) {
  await openContainer(page, 'Cloud SSH Keys');
  const pane = viewPane(page, 'Cloud Key Pairs');
  await pane.waitFor({ state: 'visible' });
  const header = pane.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  const row = treeRow(pane, label);
  const node = treeRow(pane, NODE);
  await until(
    async () => {
      if (await row.isVisible().catch(() => false)) return true;
      if ((await node.getAttribute('aria-expanded').catch(() => null)) === 'false') {
        await node.click();
        await page.waitForTimeout(500);
        if (await row.isVisible().catch(() => false)) return true;
      }
      await header.hover();
      await pane.locator('.actions .action-label[aria-label^="Refresh Cloud Key Pairs"]').first().click().catch(() => {});
      await page.waitForTimeout(1000);
      return row.isVisible().catch(() => false);
    },
    () => `no "${label}" row in the Cloud Key Pairs view`,
  );
  return row;
}

/** A key pair row sits right under the Lighthouse node: one level below it, no region row between. */
async function assertRightUnderNode(page, row, label) {
  const node = treeRow(viewPane(page, 'Cloud Key Pairs'), NODE);
  const [nodeLevel, rowLevel] = [await node.getAttribute('aria-level'), await row.getAttribute('aria-level')];
  assert.equal(Number(rowLevel), Number(nodeLevel) + 1, `${label} is at level ${rowLevel}, the ${NODE} node at ${nodeLevel}`);
}

export default [
  {
    name: `Cloud Key Pairs view: the "${NODE}" node (Sandbox) shows, signed in with the shared Tencent Cloud key`,
    async run({ page }) {
      const node = await cloudRow(page, NODE);
      assert.match(await node.innerText(), /Sandbox/);
      assert.equal(await node.getAttribute('aria-level'), '1');
      // Beside Tencent Cloud (CVM), which the same key signs in.
      await cloudRow(page, 'Tencent Cloud');
    },
  },
  {
    name: 'explorer: "Import to Tencent Lighthouse" on an RSA .pub → name (no region asked) → a signed ImportKeyPair; the view shows the KeyId matched to the local file, right under the Lighthouse node',
    async run({ page, fixture, fakes: { lighthouse } }) {
      // An RSA pair in ~/.ssh whose .pub is also in the workspace, so the explorer can offer it.
      const key = path.join(fixture.sshDir, 'e2e_lh_import');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-C', 'e2e-lh-import@fixture', '-f', key]);
      const workspacePub = path.join(fixture.workspace, 'e2e_lh_import.pub');
      fs.copyFileSync(`${key}.pub`, workspacePub);
      await clearNotifications(page);
      const before = lighthouse.fake.requests.length;

      await openExplorer(page);
      const row = explorerRow(page, 'e2e_lh_import.pub');
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const labels = await contextMenuLabels(page, row);
      assert.ok(labels.includes('Import to Tencent Lighthouse'), `no "Import to Tencent Lighthouse" in ${JSON.stringify(labels)}`);
      await chooseMenuItem(page, 'Import to Tencent Lighthouse');
      // Straight to the name, prefilled from the file name: key pairs are account-wide.
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => (await input.inputValue().catch(() => '')) === 'e2e_lh_import', () => 'the name was not prefilled with e2e_lh_import');
      await assertInputBoxOnly(page, 'Import to Tencent Lighthouse');
      await answerInput(page, 'e2e_lh_team');

      const sent = await until(
        () => lighthouse.fake.requests.slice(before).find((r) => r.action === 'ImportKeyPair'),
        () => 'no ImportKeyPair reached the fake',
      );
      assert.equal(sent.signatureVerified, true, 'the ImportKeyPair signature did not verify');
      assert.equal(sent.params.KeyName, 'e2e_lh_team');
      assert.equal(sent.params.PublicKey, fs.readFileSync(workspacePub, 'utf8').trim());
      const held = await until(() => lighthouse.fake.keyPairs().find((k) => k.KeyName === 'e2e_lh_team'), () => 'the fake holds no e2e_lh_team');
      assert.match(held.KeyId, /^lhkp-[a-z0-9]{8}$/);
      assert.equal(held.blobBase64, blobOf(fs.readFileSync(workspacePub, 'utf8')));
      const toast = await notification(page, held.KeyId);
      assert.match(toast, /Imported e2e_lh_import\.pub to Tencent Cloud Lighthouse/);

      const cloud = await cloudRow(page, 'e2e_lh_team');
      const text = await cloud.innerText();
      assert.ok(text.includes(held.KeyId), `the row says ${JSON.stringify(text)}`);
      assert.match(text, /local: e2e_lh_import/);
      await assertRightUnderNode(page, cloud, 'e2e_lh_team');
      await clearNotifications(page);
    },
  },
  {
    name: 'palette: "Create Tencent Lighthouse Key Pair" (by Tencent Cloud Lighthouse) → name (no region asked) → a 0600 private key matching the key the fake holds',
    async run({ page, fixture, fakes: { lighthouse } }) {
      const name = 'e2e_lh_cloud';
      await runCommand(page, 'Cloud SSH Keys: Create Tencent Lighthouse Key Pair');
      await pick(page, 'Let Tencent Cloud Lighthouse generate it', 'Let');
      // Straight to the name (the cloud makes RSA: suggested rsa_<user>), no region in between.
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => /^rsa_/.test(await input.inputValue().catch(() => '')), () => 'the name box (prefilled rsa_…) never came');
      await assertInputBoxOnly(page, 'Create Tencent Lighthouse Key Pair');
      await answerInput(page, name);
      const file = path.join(fixture.sshDir, name);
      const held = await until(
        () => fs.existsSync(file) && fs.existsSync(`${file}.pub`) && lighthouse.fake.keyPairs().find((k) => k.KeyName === name),
        () => `${file} or the Lighthouse key pair ${name} never appeared`,
      );
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.match(held.PublicKey, /^ssh-rsa /);
      assert.equal(blobOf(publicOfPrivate(file)), held.blobBase64);
      assert.equal(blobOf(fs.readFileSync(`${file}.pub`, 'utf8')), held.blobBase64, 'the .pub is not the private key\'s own half');
      await notification(page, held.KeyId);
      const row = await cloudRow(page, name);
      assert.match(await row.innerText(), new RegExp(`${held.KeyId}.*local: ${name}`, 's'));
      await assertRightUnderNode(page, row, name);
      await clearNotifications(page);
    },
  },
  {
    name: 'Cloud Key Pairs view: a Lighthouse key pair has no Rename or Edit Description; Bind to Instances → region → a running instance → shut-down confirmation → AssociateInstancesKeyPairs there',
    async run({ page, fakes: { lighthouse } }) {
      const keyId = lighthouse.fake.keyPairs().find((k) => k.KeyName === 'e2e_lh_team')?.KeyId;
      assert.ok(keyId, 'no e2e_lh_team in the fake (the import step failed?)');
      const target = lighthouse.fake.instancesIn('ap-shanghai').find((i) => i.InstanceState === 'RUNNING' && i.PlatformType === 'LINUX_UNIX');
      const before = lighthouse.fake.requests.length;
      const row = await cloudRow(page, 'e2e_lh_team');
      const labels = await contextMenuLabels(page, row);
      assert.ok(!labels.some((l) => /^Rename/.test(l)), `Rename is offered for Lighthouse: ${JSON.stringify(labels)}`);
      assert.ok(!labels.some((l) => /Description/.test(l)), `Edit Description is offered for Lighthouse: ${JSON.stringify(labels)}`);
      assert.ok(labels.includes('Bind to Instances…'), `no Bind in ${JSON.stringify(labels)}`);
      await chooseMenuItem(page, 'Bind to Instances…');
      // The key pair is account-wide: the instances' region is asked.
      await pick(page, 'ap-shanghai');
      const instance = quickPickRow(page, target.InstanceName);
      await instance.waitFor({ state: 'visible' });
      await instance.click(); // toggles its checkbox
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), new RegExp(`running: ${target.InstanceName}`));
      await dialog.getByRole('button', { name: 'Shut Down and Continue', exact: true }).click();
      await until(() => lighthouse.fake.instance(target.InstanceId)?.KeyIds.includes(keyId), () => `${target.InstanceId} never got ${keyId}`);
      const bind = lighthouse.fake.requests.slice(before).filter((r) => r.action === 'AssociateInstancesKeyPairs');
      assert.equal(bind.length, 1, JSON.stringify(bind));
      assert.equal(bind[0].signatureVerified, true);
      assert.equal(bind[0].region, 'ap-shanghai');
      assert.deepEqual(bind[0].params.InstanceIds, [target.InstanceId]);
      await notification(page, `Bound e2e_lh_team to ${target.InstanceId}.`);
      await clearNotifications(page);
    },
  },
  {
    name: 'Cloud Key Pairs view: Delete Key Pair on a Lighthouse key pair → confirmation → gone from the fake and the view',
    async run({ page, fakes: { lighthouse } }) {
      const name = 'e2e_lh_cloud';
      const id = lighthouse.fake.keyPairs().find((k) => k.KeyName === name)?.KeyId;
      assert.ok(id, `no ${name} in the fake (the create step failed?)`);
      const row = await cloudRow(page, name);
      await contextMenuLabels(page, row);
      await chooseMenuItem(page, 'Delete Key Pair');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), new RegExp(`Delete the key pair ${name} \\(${id}\\)`));
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await until(() => !lighthouse.fake.keyPairs().some((k) => k.KeyId === id), () => `${id} is still in the fake`);
      assert.ok(lighthouse.fake.requests.some((r) => r.action === 'DeleteKeyPairs' && r.signatureVerified && r.params?.KeyIds?.includes(id)));
      await until(async () => !(await row.isVisible().catch(() => false)), () => `the row ${name} is still shown`);
      await notification(page, `Deleted the key pair ${name} (${id})`);
      await clearNotifications(page);
    },
  },
];
