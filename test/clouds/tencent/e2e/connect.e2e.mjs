// Connect through the workbench, against the fake CVM whose Linux instances are real sshd servers
// (test/harness/instance-servers.mjs): bind the local key imported by cloud.e2e.mjs to an instance,
// then on the instance's row "Open SSH Terminal"; the shell on the server runs a command whose
// output the test reads. Then unbind, and Connect explains why it cannot log in.
import fs from 'node:fs';
import path from 'node:path';
import { assert, chooseMenuItem, clearNotifications, contextMenuLabels, notification, quickPickRow, readmeScreenshot, treeRow, viewPane } from '../../../e2e/ui.mjs';
import { cloudRow, until } from './cloud.e2e.mjs';

const REGION = 'ap-guangzhou';
const KEY_PAIR = 'e2e_team_key';

/** Opens a collapsed tree row (a bound key pair) and returns the child row labelled `child`. */
async function expandTo(page, row, child) {
  const pane = viewPane(page, 'Cloud Key Pairs');
  const target = treeRow(pane, child);
  await until(
    async () => {
      if (await target.isVisible().catch(() => false)) return true;
      if ((await row.getAttribute('aria-expanded').catch(() => null)) === 'false') await row.click();
      await page.waitForTimeout(500);
      return target.isVisible().catch(() => false);
    },
    () => `"${child}" never showed under the row`,
  );
  return target;
}

/** Closes a row this file opened, so that the later steps (other clouds) find their rows in view. */
async function collapse(row) {
  if ((await row.getAttribute('aria-expanded').catch(() => null)) === 'true') await row.click().catch(() => {});
}

export default [
  {
    name: 'Connect: bind a local key to an instance → Open SSH Terminal on its row → the terminal is logged in to the real sshd (a command runs there) @connect',
    async run({ page, fixture, fakes: { tencent: cvm }, screenshot }) {
      const servers = cvm.instanceServers;
      assert.ok(servers, 'the fake CVM has no instance servers (not root? see the harness output)');
      const keyPair = [...cvm.fake.account.keyPairs.values()].find((k) => k.KeyName === KEY_PAIR);
      assert.ok(keyPair, `no ${KEY_PAIR} in the fake (the import step of cloud.e2e.mjs failed?)`);
      const target = [...cvm.fake.account.instances.values()].find((i) => i.region === REGION && i.os === 'linux' && i.InstanceState === 'STOPPED');
      assert.ok(target, 'no stopped Linux instance in the fake');
      // The user's own SSH config (Connect's block will go first in it), trusting the instance servers'
      // host keys as if connected before. ssh finds ~ from the passwd entry, so the extension passes -F.
      const userConfig = path.join(fixture.home, '.ssh', 'config');
      fs.writeFileSync(userConfig, `# mine\nUserKnownHostsFile ${servers.knownHostsFile}\n`, { mode: 0o600 });

      const keyRow = await cloudRow(page, KEY_PAIR);
      await contextMenuLabels(page, keyRow);
      await chooseMenuItem(page, 'Bind to Instances…');
      const instance = quickPickRow(page, target.InstanceName);
      await instance.waitFor({ state: 'visible' });
      await instance.click(); // toggles its checkbox
      await page.keyboard.press('Enter');
      await until(() => target.KeyIds.includes(keyPair.KeyId), () => `${target.InstanceId} never got ${keyPair.KeyId}`);
      await notification(page, `Bound ${KEY_PAIR} to ${target.InstanceId}.`);
      await clearNotifications(page);

      // The bound key pair opens to its instance; its row offers the ways in.
      const boundRow = await cloudRow(page, KEY_PAIR);
      const instanceRow = await expandTo(page, boundRow, target.InstanceName);
      const labels = await contextMenuLabels(page, instanceRow);
      for (const wanted of ['Connect…', 'Open SSH Terminal', 'Copy SSH Command']) assert.ok(labels.includes(wanted), `no "${wanted}" in ${JSON.stringify(labels)}`);
      await chooseMenuItem(page, 'Open SSH Terminal');

      const alias = `tencent-${REGION}-${target.InstanceName}`;
      const terminalTab = page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').filter({ hasText: `SSH ${alias}` });
      await terminalTab.first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {});
      const xterm = page.locator('.terminal-wrapper .xterm').last();
      await xterm.waitFor({ state: 'visible', timeout: 20_000 });
      // Logged in: the server's shell writes where the session came from (this machine, so the test can read it).
      const marker = path.join(path.dirname(fixture.home), 'e2e-ssh-connection');
      fs.rmSync(marker, { force: true });
      await until(
        async () => {
          await xterm.click();
          await page.keyboard.type(`echo "$SSH_CONNECTION $(id -un)" > ${marker}\n`, { delay: 5 });
          await page.waitForTimeout(1500);
          return fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim();
        },
        () => 'the terminal never ran the command on the server (not logged in?)',
        40_000,
      );
      const seen = fs.readFileSync(marker, 'utf8').trim();
      const address = target.PublicIpAddresses[0];
      assert.match(seen, new RegExp(` ${address.replace(/\./g, '\\.')} 22 ${servers.loginUser}$`), `the session says ${JSON.stringify(seen)}`);
      await screenshot('connect-terminal');
      await readmeScreenshot(page, 'connect-terminal');
      await page.keyboard.type('exit\n');
      await collapse(boundRow);
      // The Host entry went first in the user's config, and the user's lines are still there after it.
      const written = fs.readFileSync(userConfig, 'utf8');
      assert.ok(written.startsWith('# >>> Cloud SSH Keys') && written.includes(`\nHost ${alias}\n`), written);
      assert.ok(written.endsWith(`# mine\nUserKnownHostsFile ${servers.knownHostsFile}\n`), written);
    },
  },
  {
    name: 'Connect after unbinding: the instance has no key pair, and Connect says why it cannot log in',
    async run({ page, fakes: { tencent: cvm } }) {
      const keyPair = [...cvm.fake.account.keyPairs.values()].find((k) => k.KeyName === KEY_PAIR);
      assert.ok(keyPair, `no ${KEY_PAIR} in the fake`);
      const target = [...cvm.fake.account.instances.values()].find((i) => i.KeyIds.includes(keyPair.KeyId));
      assert.ok(target, `${KEY_PAIR} is bound to no instance (the previous step failed?)`);
      const keyRow = await cloudRow(page, KEY_PAIR);
      await contextMenuLabels(page, keyRow);
      await chooseMenuItem(page, 'Unbind from Instances…');
      const instance = quickPickRow(page, target.InstanceName);
      await instance.waitFor({ state: 'visible' });
      await instance.click();
      await page.keyboard.press('Enter');
      await until(() => !target.KeyIds.includes(keyPair.KeyId), () => `${target.InstanceId} still has ${keyPair.KeyId}`);
      await clearNotifications(page);
      // The instance, in its region's Instances group.
      const group = await cloudRow(page, 'Instances');
      const instanceRow = await expandTo(page, group, target.InstanceName);
      await contextMenuLabels(page, instanceRow);
      await chooseMenuItem(page, 'Connect…');
      const said = await notification(page, 'No key pair is bound to');
      assert.match(said, new RegExp(target.InstanceName));
      await clearNotifications(page);
      await collapse(group);
      await collapse(treeRow(viewPane(page, 'Cloud Key Pairs'), REGION));
    },
  },
];
