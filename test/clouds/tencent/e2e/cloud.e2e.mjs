// Tencent Cloud CVM through the workbench, against the fake CVM the harness starts (t.cvm): the
// explorer's "Import to Tencent CVM", Create Key Pair both ways from the palette, and Delete from
// the Cloud Key Pairs view. The credentials come from TENCENTCLOUD_SECRET_ID/KEY (the fallback).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, chooseMenuItem, clearNotifications, contextMenuLabels, explorerRow, notification, notificationTexts, openContainer, openExplorer, pick,
  quickPickRow, runCommand, treeRow, viewPane,
  answerInput, readmeScreenshot,
} from '../../../e2e/ui.mjs';

const REGION = 'ap-guangzhou';
const blobOf = (line) => line.trim().split(/\s+/)[1];
const publicOfPrivate = (file) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();

/** Polls `probe` until it returns something truthy. */
export async function until(probe, describe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The fake's key pairs (public data). */
const keyPairs = (cvm) => [...cvm.fake.account.keyPairs.values()];


/** The Cloud Key Pairs pane, refreshed, with a row labelled `label`. */
export async function cloudRow(page, label) {
  await openContainer(page, 'Cloud SSH Keys');
  const pane = viewPane(page, 'Cloud Key Pairs');
  await pane.waitFor({ state: 'visible' });
  const header = pane.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  const row = treeRow(pane, label);
  const region = treeRow(pane, REGION);
  await until(
    async () => {
      if (await row.isVisible().catch(() => false)) return true;
      if ((await region.getAttribute('aria-expanded').catch(() => null)) === 'false') {
        await region.click();
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

let importedKeyId;

/** Files under `dir` whose bytes contain `needle`. */
function filesContaining(dir, needle) {
  const hits = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    try {
      if (fs.readFileSync(file).includes(needle)) hits.push(file);
    } catch {}
  }
  return hits;
}

export default [
  {
    name: 'palette: "Set Tencent Cloud Credentials" (SecretKey in a password box) → checked with one signed call; the secret is in no settings, log or workspace file',
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      const before = cvm.fake.requests.length;
      await runCommand(page, 'Cloud SSH Keys: Set Tencent Cloud Credentials');
      await answerInput(page, cvm.credential.secretId);
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => (await input.getAttribute('type')) === 'password', () => 'the SecretKey box is not a password box');
      await answerInput(page, cvm.credential.secretKey);
      await answerInput(page, ''); // no token
      await notification(page, 'The Tencent Cloud credentials are saved in the system keychain.');
      // The check is one DescribeRegions; the view then lists with the new credentials (DescribeKeyPairs), maybe already.
      const sent = cvm.fake.requests.slice(before).filter((r) => r.action !== 'DescribeKeyPairs');
      assert.deepEqual(sent.map((r) => r.action), ['DescribeRegions']);
      assert.equal(sent[0].signatureVerified, true);
      const userData = path.join(path.dirname(fixture.home), 'user-data');
      // The search reaches the extension's log: it holds the check's RequestId (but no secret).
      await until(() => filesContaining(userData, sent[0].requestId).length > 0, () => `no file under ${userData} holds the RequestId`);
      for (const dir of [userData, fixture.workspace, fixture.sshDir]) {
        assert.deepEqual(filesContaining(dir, cvm.credential.secretKey), [], `the SecretKey is written in ${dir}`);
      }
    },
  },
  {
    name: 'explorer: "Import to Tencent CVM" on a .pub → region and name → a signed ImportKeyPair; the Cloud Key Pairs view shows the KeyId matched to the local file',
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      // A key pair in ~/.ssh whose .pub is also in the workspace, so the explorer can offer it.
      const key = path.join(fixture.sshDir, 'e2e_import');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'e2e-import@fixture', '-f', key]);
      const workspacePub = path.join(fixture.workspace, 'e2e_import.pub');
      fs.copyFileSync(`${key}.pub`, workspacePub);
      const before = cvm.fake.requests.length;

      await openExplorer(page);
      const row = explorerRow(page, 'e2e_import.pub');
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const labels = await contextMenuLabels(page, row);
      assert.ok(labels.includes('Import to Tencent CVM'), `no "Import to Tencent CVM" in ${JSON.stringify(labels)}`);
      await chooseMenuItem(page, 'Import to Tencent CVM');
      // Regions (multi-select; the default region is preselected): accept.
      await quickPickRow(page, REGION).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      // The name, prefilled from the file name.
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => (await input.inputValue().catch(() => '')) === 'e2e_import', () => 'the name was not prefilled with e2e_import');
      await answerInput(page, 'e2e_team_key');

      const sent = await until(
        () => cvm.fake.requests.slice(before).find((r) => r.action === 'ImportKeyPair'),
        () => "no ImportKeyPair reached the fake",
      );
      assert.equal(sent.signatureVerified, true, 'the ImportKeyPair signature did not verify');
      assert.equal(sent.region, REGION);
      assert.equal(sent.params.KeyName, 'e2e_team_key');
      assert.equal(sent.params.PublicKey, fs.readFileSync(workspacePub, 'utf8').trim());
      const held = keyPairs(cvm).find((k) => k.KeyName === 'e2e_team_key');
      assert.ok(held, 'the fake holds no e2e_team_key');
      importedKeyId = held.KeyId;
      const toast = await notification(page, importedKeyId);
      assert.match(toast, /Imported e2e_import\.pub to Tencent Cloud ap-guangzhou as e2e_team_key/);

      const cloud = await cloudRow(page, 'e2e_team_key');
      const text = await cloud.innerText();
      assert.ok(text.includes(importedKeyId), `the row says ${JSON.stringify(text)}`);
      assert.match(text, /local: e2e_import/);
      await readmeScreenshot(page, 'import-notification');
      // The view is marked as a sandbox.
      assert.match(await viewPane(page, 'Cloud Key Pairs').locator('.pane-header').innerText(), /Sandbox/);
    },
  },
  {
    name: 'a hanging ImportKeyPair: Cancel on the progress notification stops it at once, says nothing, imports nothing; the view stays usable @cancel',
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      const key = path.join(fixture.sshDir, 'e2e_cancel');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', key]);
      fs.copyFileSync(`${key}.pub`, path.join(fixture.workspace, 'e2e_cancel.pub'));
      await clearNotifications(page);
      cvm.fake.faults.add({ fault: { kind: 'hang' }, action: 'ImportKeyPair', times: 1 });
      const before = cvm.fake.requests.length;
      await openExplorer(page);
      const row = explorerRow(page, 'e2e_cancel.pub');
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await contextMenuLabels(page, row);
      await chooseMenuItem(page, 'Import to Tencent CVM');
      await quickPickRow(page, REGION).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await answerInput(page, 'e2e_cancelled');
      await until(() => cvm.fake.requests.slice(before).some((r) => r.action === 'ImportKeyPair'), () => 'no ImportKeyPair reached the fake');
      const progress = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'Importing e2e_cancel.pub' }).first();
      await progress.waitFor({ state: 'visible', timeout: 10_000 });
      const cancelledAt = Date.now();
      await progress.getByRole('button', { name: 'Cancel' }).click();
      await progress.waitFor({ state: 'hidden', timeout: 5_000 });
      assert.ok(Date.now() - cancelledAt < 5_000, 'the import did not stop at once');
      await page.waitForTimeout(1500); // an error toast would be up by now
      const texts = await notificationTexts(page);
      assert.ok(!texts.some((t) => /failed|error/i.test(t)), `a cancelled import showed: ${JSON.stringify(texts)}`);
      assert.ok(!keyPairs(cvm).some((k) => k.KeyName === 'e2e_cancelled'), 'the cancelled import landed');
      // The view still lists (a fresh request, answered).
      await cloudRow(page, 'e2e_team_key');
    },
  },
  ...['local', 'cloud'].map((method) => ({
    name: `palette: "Create Tencent CVM Key Pair" (${method === 'local' ? 'generated here' : 'by Tencent Cloud'}) → a 0600 private key matching the key the cloud holds`,
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      const name = `e2e_${method}`;
      await runCommand(page, 'Cloud SSH Keys: Create Tencent CVM Key Pair');
      await pick(page, method === 'local' ? 'Generate on this computer and import the public key' : 'Let Tencent Cloud generate it', method === 'local' ? 'Generate' : 'Let');
      if (method === 'local') {
        await pick(page, 'RSA 3072'); // the default: the type CVM documents
        // Regions (multi-select; the default region is preselected): accept.
        await quickPickRow(page, REGION).waitFor({ state: 'visible' });
        await page.keyboard.press('Enter');
      } else {
        await pick(page, REGION);
      }
      await answerInput(page, name);
      if (method === 'local') {
        await answerInput(page, `${name}@e2e`); // the comment
        await answerInput(page, ''); // no passphrase
      }
      const file = path.join(fixture.sshDir, name);
      const held = await until(
        () => fs.existsSync(file) && keyPairs(cvm).find((k) => k.KeyName === name),
        () => `${file} or the cloud key pair ${name} never appeared`,
      );
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(blobOf(publicOfPrivate(file)), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${file}.pub`, 'utf8')), blobOf(held.PublicKey));
      await notification(page, held.KeyId);
      const row = await cloudRow(page, name);
      assert.match(await row.innerText(), new RegExp(`${held.KeyId}.*local: ${name}`, 's'));
    },
  })),
  {
    name: 'palette: "Create Tencent CVM Key Pair" (by Tencent Cloud), Cancel after the request was sent → the answer is awaited, the key saved, the user told @signal-during-create',
    async run({ page, fixture, fakes: { tencent: cvm } }) {
      const name = 'e2e_cancel_create';
      await clearNotifications(page);
      // The key pair is created at once; its answer (the only copy of the private key) comes 4 s later.
      cvm.fake.faults.add({ fault: { kind: 'latency', ms: 4000, afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      const before = cvm.fake.requests.length;
      await runCommand(page, 'Cloud SSH Keys: Create Tencent CVM Key Pair');
      await pick(page, 'Let Tencent Cloud generate it', 'Let');
      await pick(page, REGION);
      await answerInput(page, name);
      await until(() => cvm.fake.requests.slice(before).some((r) => r.action === 'CreateKeyPair'), () => 'no CreateKeyPair reached the fake');
      const progress = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: `Creating the key pair ${name}` }).first();
      await progress.waitFor({ state: 'visible', timeout: 10_000 });
      await progress.getByRole('button', { name: 'Cancel' }).click();
      await notification(page, /already sent: waiting for Tencent Cloud's answer, which holds the only copy of the private key/);
      const file = path.join(fixture.sshDir, name);
      const held = await until(
        () => fs.existsSync(file) && keyPairs(cvm).find((k) => k.KeyName === name),
        () => `${file} was never saved after Cancel`,
      );
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(blobOf(publicOfPrivate(file)), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${file}.pub`, 'utf8')), blobOf(held.PublicKey), 'the .pub is the private key\'s own half');
      await notification(page, held.KeyId);
    },
  },
  {
    name: 'Cloud Key Pairs view: Delete Key Pair → modal confirmation → gone from the cloud and the view',
    async run({ page, fakes: { tencent: cvm } }) {
      const row = await cloudRow(page, 'e2e_cloud');
      const id = keyPairs(cvm).find((k) => k.KeyName === 'e2e_cloud').KeyId;
      await contextMenuLabels(page, row);
      await chooseMenuItem(page, 'Delete Key Pair');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), new RegExp(`Delete the key pair e2e_cloud \\(${id}\\)`));
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await until(() => !keyPairs(cvm).some((k) => k.KeyId === id), () => `${id} is still in the fake`);
      await until(async () => !(await row.isVisible().catch(() => false)), () => 'the row e2e_cloud is still shown');
    },
  },
];
