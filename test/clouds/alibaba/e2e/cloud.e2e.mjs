// Alibaba Cloud ECS through the workbench, against the fake ECS the harness starts (t.ecs): the
// credentials through the palette, the explorer's "Import to Alibaba Cloud ECS", Create from the
// palette, and Attach (with the restart note) and Delete from the Cloud Key Pairs view.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, chooseMenuItem, contextMenuLabels, explorerRow, notification, openContainer, openExplorer, pick,
  quickPickRow, runCommand, treeRow, viewPane,
  answerInput,
} from '../../../e2e/ui.mjs';

const REGION = 'cn-hangzhou';
const blobOf = (line) => line.trim().split(/\s+/)[1];
const publicOfPrivate = (file) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();

async function until(probe, describe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The fake's key pairs in the region. */
const keyPairs = (ecs) => ecs.fake.keyPairsIn(REGION);


/** The Cloud Key Pairs pane, refreshed, with a row labelled `label` under the Alibaba region. */
async function cloudRow(page, label) {
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

export default [
  {
    name: 'palette: "Set Alibaba Cloud Credentials" (the secret in a password box) → one signed DescribeRegions; the Alibaba Cloud branch appears',
    async run({ page, fakes: { alibaba: ecs } }) {
      const before = ecs.fake.requests.length;
      await runCommand(page, 'Cloud SSH Keys: Set Alibaba Cloud Credentials');
      await answerInput(page, ecs.credential.accessKeyId);
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => (await input.getAttribute('type')) === 'password', () => 'the AccessKey secret box is not a password box');
      await answerInput(page, ecs.credential.accessKeySecret);
      await answerInput(page, ''); // no STS token
      await notification(page, 'The Alibaba Cloud credentials are saved in the system keychain.');
      // The check is one DescribeRegions; once stored, the view may already be listing (DescribeKeyPairs).
      const sent = ecs.fake.requests.slice(before);
      assert.equal(sent[0]?.action, 'DescribeRegions', JSON.stringify(sent.map((r) => r.action)));
      assert.equal(sent.filter((r) => r.action === 'DescribeRegions').length, 1);
      assert.deepEqual(sent.filter((r) => r.action !== 'DescribeRegions' && r.action !== 'DescribeKeyPairs'), []);
      assert.equal(sent[0].signatureVerified, true);
      await cloudRow(page, 'Alibaba Cloud');
    },
  },
  {
    name: 'explorer: "Import to Alibaba Cloud ECS" on a .pub → region and name → a signed ImportKeyPair; the view shows it matched to the local file',
    async run({ page, fixture, fakes: { alibaba: ecs } }) {
      const key = path.join(fixture.sshDir, 'e2e_ecs');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'e2e-ecs@fixture', '-f', key]);
      const workspacePub = path.join(fixture.workspace, 'e2e_ecs.pub');
      fs.copyFileSync(`${key}.pub`, workspacePub);
      const before = ecs.fake.requests.length;

      await openExplorer(page);
      const row = explorerRow(page, 'e2e_ecs.pub');
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const labels = await contextMenuLabels(page, row);
      assert.ok(labels.includes('Import to Alibaba Cloud ECS'), `no "Import to Alibaba Cloud ECS" in ${JSON.stringify(labels)}`);
      assert.ok(labels.includes('Import to Tencent CVM'), 'the Alibaba entry is not beside the Tencent one');
      await chooseMenuItem(page, 'Import to Alibaba Cloud ECS');
      await quickPickRow(page, REGION).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      const input = page.locator('.quick-input-widget input').first();
      await until(async () => (await input.inputValue().catch(() => '')) === 'e2e_ecs', () => 'the name was not prefilled with e2e_ecs');
      // ECS's rules, checked as the user types: a digit first is refused on the spot.
      await input.fill('1e2e');
      await until(
        async () => /must start with an? (upper- or lower-case )?letter/.test(await page.locator('.quick-input-widget').innerText().catch(() => '')),
        () => 'no "must start with a letter" message under the name box',
      );
      await answerInput(page, 'e2e-ecs:team');

      const sent = await until(
        () => ecs.fake.requests.slice(before).find((r) => r.action === 'ImportKeyPair'),
        () => 'no ImportKeyPair reached the fake',
      );
      assert.equal(sent.signatureVerified, true, 'the ImportKeyPair signature did not verify');
      assert.equal(sent.region, REGION);
      assert.equal(sent.params.KeyPairName, 'e2e-ecs:team');
      const held = keyPairs(ecs).find((k) => k.KeyPairName === 'e2e-ecs:team');
      assert.ok(held, 'the fake holds no e2e-ecs:team');
      assert.equal(held.blobBase64, blobOf(fs.readFileSync(workspacePub, 'utf8')));
      const toast = await notification(page, 'Imported e2e_ecs.pub to Alibaba Cloud cn-hangzhou as e2e-ecs:team');
      // ECS names a key pair by its name: said once, not "as e2e-ecs:team: e2e-ecs:team".
      assert.doesNotMatch(toast, /e2e-ecs:team: e2e-ecs:team/);

      const cloud = await cloudRow(page, 'e2e-ecs:team');
      assert.match(await cloud.innerText(), /local: e2e_ecs/);
    },
  },
  {
    name: 'palette: "Create Alibaba Cloud ECS Key Pair" (by Alibaba Cloud) → a 0600 private key matching the key ECS holds',
    async run({ page, fixture, fakes: { alibaba: ecs } }) {
      const name = 'e2e-ecs-cloud';
      await runCommand(page, 'Cloud SSH Keys: Create Alibaba Cloud ECS Key Pair');
      await pick(page, 'Let Alibaba Cloud generate it', 'Let');
      await pick(page, REGION);
      await answerInput(page, name);
      const file = path.join(fixture.sshDir, name);
      const held = await until(
        () => fs.existsSync(file) && keyPairs(ecs).find((k) => k.KeyPairName === name),
        () => `${file} or the ECS key pair ${name} never appeared`,
      );
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(blobOf(publicOfPrivate(file)), held.blobBase64);
      const row = await cloudRow(page, name);
      assert.match(await row.innerText(), new RegExp(`local: ${name}`));
    },
  },
  {
    name: 'Cloud Key Pairs view: an ECS key pair has no Rename; Bind to Instances → a running instance → AttachKeyPair, and the restart note names it',
    async run({ page, fakes: { alibaba: ecs } }) {
      const row = await cloudRow(page, 'e2e-ecs:team');
      const labels = await contextMenuLabels(page, row);
      assert.ok(!labels.some((l) => /^Rename/.test(l)), `Rename is offered for ECS: ${JSON.stringify(labels)}`);
      assert.ok(!labels.some((l) => /Description/.test(l)), `Edit Description is offered for ECS: ${JSON.stringify(labels)}`);
      await chooseMenuItem(page, 'Bind to Instances…');
      const target = quickPickRow(page, 'web-running');
      await target.waitFor({ state: 'visible' });
      await target.click(); // toggles its checkbox
      await page.keyboard.press('Enter');
      await until(() => ecs.fake.instance('i-bp1runlinux000001')?.KeyPairName === 'e2e-ecs:team', () => 'the instance never got the key pair');
      assert.ok(ecs.fake.requests.some((r) => r.action === 'AttachKeyPair' && r.signatureVerified));
      const note = await notification(page, 'restart');
      assert.match(note, /i-bp1runlinux000001/);
    },
  },
  {
    name: 'Cloud Key Pairs view: Delete Key Pair on an ECS key pair → confirmation → gone from ECS and the view',
    async run({ page, fakes: { alibaba: ecs } }) {
      const name = 'e2e-ecs-cloud';
      const row = await cloudRow(page, name);
      await contextMenuLabels(page, row);
      await chooseMenuItem(page, 'Delete Key Pair');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await until(() => !keyPairs(ecs).some((k) => k.KeyPairName === name), () => `${name} is still in the fake`);
      await until(async () => !(await row.isVisible().catch(() => false)), () => `the row ${name} is still shown`);
    },
  },
];
