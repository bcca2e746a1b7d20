// README's picture of the side bar: Local Keys over a realistic SSH folder (good keys, a broken .pub,
// a private key saved as .pub, a weak key's .pub, an RFC 4716 copy grouped under its key) and Cloud
// Key Pairs with one key in all 18 Tencent Cloud regions and an Alibaba Cloud account that holds no
// key pair anywhere. Asserts what both views show, then (CLOUD_SSH_KEYS_README_SCREENSHOTS=1) saves
// docs/images/views.png. It puts back what it changed (settings, the fake's key pairs, the Alibaba
// sign-in, the window size), so the per-cloud steps after it start as they would without it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { assert, clearNotifications, notification, openContainer, runCommand, treeRow, viewPane, answerInput } from './ui.mjs';
import { until } from '../clouds/tencent/e2e/cloud.e2e.mjs';

const require = createRequire(import.meta.url);
const README_SHOT = path.join(import.meta.dirname, '..', '..', 'docs', 'images', 'views.png');
/** The key imported everywhere, under this name (CVM: letters, digits and `_`). */
const KEY_NAME = 'alice_laptop';

function keygen(file, type, { bits, comment, passphrase = '' }) {
  const args = ['-q', '-t', type, '-f', file, '-N', passphrase, '-C', comment];
  if (bits) args.push('-b', String(bits));
  execFileSync('ssh-keygen', args);
}

/** The SSH folder of the picture (the Local Keys view is pointed at it alone, so it lists only these). */
function makeSshFolder(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const j = (name) => path.join(dir, name);
  keygen(j('id_ed25519'), 'ed25519', { comment: 'alice@laptop' });
  keygen(j('id_rsa'), 'rsa', { bits: 3072, comment: 'alice@laptop' });
  // The same public key exported for a Windows client: RFC 4716, a copy grouped under id_rsa.
  fs.writeFileSync(j('id_rsa_ssh2.pub'), execFileSync('ssh-keygen', ['-e', '-f', j('id_rsa.pub')]), { mode: 0o644 });
  keygen(j('work_ed25519'), 'ed25519', { comment: 'alice@work', passphrase: 'correct horse' });
  // An old 1024-bit RSA key: ssh still takes it, the .pub carries a warning.
  keygen(j('legacy_rsa'), 'rsa', { bits: 1024, comment: 'alice@2012' });
  // A CI key whose private half was saved under the .pub name (the real .pub never written).
  keygen(j('ci_deploy'), 'ed25519', { comment: 'deploy@ci' });
  fs.renameSync(j('ci_deploy'), j('ci_deploy.pub'));
  fs.chmodSync(j('ci_deploy.pub'), 0o600);
  // A .pub damaged by a paste: a character no base64 has, in the middle of the key.
  keygen(j('old_laptop'), 'ed25519', { comment: 'alice@old-laptop' });
  const line = fs.readFileSync(j('old_laptop.pub'), 'utf8');
  const [type, blob, ...rest] = line.trim().split(' ');
  fs.writeFileSync(j('old_laptop.pub'), `${type} ${blob.slice(0, 30)}~${blob.slice(31)} ${rest.join(' ')}\n`);
  fs.rmSync(j('old_laptop'));
  return fs.readFileSync(j('id_rsa.pub'), 'utf8').trim();
}

/** The rows a tree draws: label, description, depth and whether open. */
function rowsOf(pane) {
  return pane.getByRole('treeitem').evaluateAll((rows) =>
    rows.map((r) => ({
      label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
      level: Number(r.getAttribute('aria-level')),
      expanded: r.getAttribute('aria-expanded'),
    })),
  );
}

/** The rows under the level-1 row `label`, up to the next level-1 row. */
function childrenOf(rows, label) {
  const start = rows.findIndex((r) => r.level === 1 && r.label === label);
  if (start < 0) return undefined;
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return rows.slice(start + 1, end < 0 ? undefined : end);
}

/** Toggles a tree row open or closed (a click on a collapsible row does), until it is `open`. */
async function setExpanded(page, row, open) {
  await until(
    async () => {
      const state = await row.getAttribute('aria-expanded').catch(() => null);
      if (state === String(open)) return true;
      if (state !== null) await row.click();
      await page.waitForTimeout(300);
      return (await row.getAttribute('aria-expanded').catch(() => null)) === String(open);
    },
    () => `the row never became ${open ? 'open' : 'closed'}`,
  );
}

/**
 * Drags the visible sash of this orientation that lies at `at` (x for a vertical one, y for a
 * horizontal one) to `to`: widens the side bar, or moves the border between two views.
 */
async function dragSash(page, orientation, at, to) {
  const vertical = orientation === 'vertical';
  const sashes = page.locator(`.monaco-sash.${orientation}`).filter({ visible: true });
  const middle = await sashes.evaluateAll(
    (els, [at, vertical]) => {
      const boxes = els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
      const hit = boxes.find((r) => Math.abs((vertical ? r.x + r.width / 2 : r.y + r.height / 2) - at) < 6);
      return hit && { x: hit.x + hit.width / 2, y: hit.y + hit.height / 2 };
    },
    [at, vertical],
  );
  assert.ok(middle, `no ${orientation} sash at ${at}`);
  await page.mouse.move(middle.x, middle.y);
  await page.mouse.down();
  await page.mouse.move(vertical ? to : middle.x, vertical ? middle.y : to, { steps: 8 });
  await page.mouse.up();
}

/** Waits until the fake has had no request for `quietMs` (the view finished listing). */
async function settled(fake, quietMs = 1500, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let count = fake.requests.length;
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    if (fake.requests.length !== count) [count, since] = [fake.requests.length, Date.now()];
    else if (Date.now() - since >= quietMs) return;
  }
}


export default [
  {
    name: 'README views: Local Keys flags broken and dangerous files; Cloud Key Pairs shows a key in all 18 Tencent regions and an empty Alibaba account',
    async run({ page, fixture, fakes: { tencent: cvm, alibaba: ecs } }) {
      const machineSettings = path.join(path.dirname(fixture.home), 'user-data', 'Machine', 'settings.json');
      const originalSettings = fs.readFileSync(machineSettings, 'utf8');
      const sshDir = path.join(fixture.home, 'readme-ssh');
      const originalViewport = page.viewportSize();
      const seeded = [];
      let signedInAlibaba = false;
      const sideBar = page.locator('.part.sidebar');
      let originalWidth;
      let originalBorder;
      try {
        const publicKey = makeSshFolder(sshDir);
        // The key in every CVM region, as an 18-region import leaves it.
        const regions = [...require('../../out/test/clouds/tencent/fake/regions.js').FAKE_TENCENT_REGIONS.keys()];
        assert.equal(regions.length, 18);
        for (const region of regions) seeded.push(cvm.fake.seedKeyPair({ region, name: KEY_NAME, publicKey, description: 'alice@laptop' }).KeyId);
        assert.equal([...ecs.fake.account.keyPairs.values()].reduce((n, m) => n + m.size, 0), 0, 'the fake ECS already holds key pairs: the empty account would not be empty');

        // Every region each cloud lists (no cloudSshKeys.*.regions: what a new user has), the picture's folder alone.
        const settings = JSON.parse(originalSettings);
        delete settings['cloudSshKeys.tencent.regions'];
        delete settings['cloudSshKeys.alibaba.regions'];
        settings['cloudSshKeys.sshDirectories'] = [sshDir];
        fs.writeFileSync(machineSettings, JSON.stringify(settings, null, 2) + '\n');

        await openContainer(page, 'Cloud SSH Keys');
        const cloudPane = viewPane(page, 'Cloud Key Pairs');
        await cloudPane.waitFor({ state: 'visible' });
        if (!(await treeRow(cloudPane, 'Alibaba Cloud').isVisible().catch(() => false))) {
          await runCommand(page, 'Cloud SSH Keys: Set Alibaba Cloud Credentials');
          await answerInput(page, ecs.credential.accessKeyId);
          await answerInput(page, ecs.credential.accessKeySecret);
          await answerInput(page, ''); // no STS token
          await notification(page, 'The Alibaba Cloud credentials are saved in the system keychain.');
          signedInAlibaba = true;
          await clearNotifications(page);
        }

        // A taller window, a wider side bar: both views whole, the descriptions not cut short.
        await page.setViewportSize({ width: 1400, height: 960 });
        const box = await sideBar.boundingBox();
        originalWidth = box.width;
        await dragSash(page, 'vertical', box.x + box.width, box.x + 760);

        // Local Keys: the folder's keys, with their markers.
        const localPane = viewPane(page, 'Local Keys');
        const refreshLocal = localPane.locator('.actions .action-label[aria-label^="Refresh"]').first();
        await until(
          async () => {
            if (await treeRow(localPane, 'old_laptop.pub').isVisible().catch(() => false)) return true;
            await localPane.locator('.pane-header').hover();
            await refreshLocal.click().catch(() => {});
            await page.waitForTimeout(1000);
            return false;
          },
          () => 'Local Keys never listed the picture\'s folder',
          30_000,
        );
        // id_rsa open to its files (the RFC 4716 copy among them), ci_deploy to its dangerous .pub;
        // the border between the views moved up to the last row, leaving the rest to Cloud Key Pairs.
        await setExpanded(page, treeRow(localPane, 'id_rsa'), true);
        await setExpanded(page, treeRow(localPane, 'ci_deploy'), true);
        const shownLocal = (await rowsOf(localPane)).length;
        const localTop = (await localPane.boundingBox()).y;
        const border = (await cloudPane.boundingBox()).y;
        originalBorder = border;
        await dragSash(page, 'horizontal', border, localTop + 22 + shownLocal * 22 + 8);

        // Cloud Key Pairs: listed again with the settings above (a refresh, as a user would).
        const refreshCloud = cloudPane.locator('.actions .action-label[aria-label^="Refresh Cloud Key Pairs"]').first();
        const lastRegion = treeRow(cloudPane, regions[2]); // not one of the two regions the suite's settings name
        await until(
          async () => {
            if (await lastRegion.isVisible().catch(() => false)) return true;
            await cloudPane.locator('.pane-header').hover();
            await refreshCloud.click().catch(() => {});
            await page.waitForTimeout(1500);
            return false;
          },
          () => `Cloud Key Pairs never listed ${regions[2]}`,
          40_000,
        );
        await settled(cvm.fake);
        await settled(ecs.fake);

        // Tencent: one region open (the key pair, matched to its local file), the other 17 closed (in
        // order: the tree draws only the rows in sight, each close brings the next); Lighthouse closed.
        for (const region of regions.slice(1)) await setExpanded(page, treeRow(cloudPane, region), false);
        await setExpanded(page, treeRow(cloudPane, regions[0]), true);
        await setExpanded(page, treeRow(cloudPane, 'Tencent Cloud Lighthouse'), false);
        let cloudRows = [];
        await until(
          async () => {
            cloudRows = await rowsOf(cloudPane);
            return childrenOf(cloudRows, 'Alibaba Cloud')?.some((r) => /^No key pairs in the \d+ regions listed$/.test(r.label));
          },
          () => `the Alibaba Cloud account never showed "No key pairs in the … regions listed": ${JSON.stringify(cloudRows.map((r) => r.label))}`,
        );
        const shownRegions = childrenOf(cloudRows, 'Tencent Cloud').filter((r) => r.level === 2);
        assert.deepEqual(shownRegions.map((r) => r.label), regions, 'the Tencent regions');
        for (const r of shownRegions) assert.match(r.description, /1 key pair$/, `${r.label}: ${r.description}`);
        cloudRows = await rowsOf(cloudPane);
        const keyRow = childrenOf(cloudRows, 'Tencent Cloud').find((r) => r.level === 3);
        assert.equal(keyRow?.label, KEY_NAME);
        assert.match(keyRow.description, /local: id_rsa/);
        const alibaba = childrenOf(cloudRows, 'Alibaba Cloud');
        assert.ok(ecs.fake.requests.some((r) => r.action === 'DescribeRegions'), 'the view never asked the fake ECS for its regions');
        assert.equal(alibaba.length, 1, JSON.stringify(alibaba));
        assert.match(alibaba[0].label, /^No key pairs in the \d+ regions listed$/);

        let localRows = [];
        await until(
          async () => {
            localRows = await rowsOf(localPane);
            return localRows.find((r) => r.label === 'id_rsa')?.description.includes('[Tencent Cloud ×18]');
          },
          () => `id_rsa's row never said "Tencent Cloud ×18": ${JSON.stringify(localRows.find((r) => r.label === 'id_rsa'))}`,
        );
        const row = (label) => localRows.find((r) => r.label === label) ?? assert.fail(`no "${label}" row in Local Keys: ${JSON.stringify(localRows.map((r) => r.label))}`);
        assert.deepEqual(
          localRows.filter((r) => r.level === 1).map((r) => r.label),
          ['ci_deploy', 'id_ed25519', 'id_rsa', 'legacy_rsa', 'old_laptop.pub', 'work_ed25519'],
        );
        assert.match(row('ci_deploy').description, /\[private key in \.pub\]/);
        assert.match(row('ci_deploy.pub').description, /PRIVATE key in a \.pub file/);
        assert.match(row('old_laptop.pub').description, /^\[no key could be read\]/);
        assert.match(row('legacy_rsa').description, /RSA 1024 .*\[\.pub has warnings\]/);
        assert.match(row('work_ed25519').description, /\[passphrase-protected\]/);
        assert.match(row('id_rsa_ssh2.pub').description, /^copy of the public key/);
        assert.equal(row('id_rsa_ssh2.pub').level, 2, 'the RFC 4716 copy is not under id_rsa');
        assert.match(row('id_ed25519').description, /^ED25519 256 · SHA256:/);
        assert.ok(!row('id_ed25519').description.includes('Tencent'), 'id_ed25519 is said to be imported');

        // Nothing selected, focused or hovered (the clicks above left a selection in each tree).
        for (const pane of [localPane, cloudPane]) {
          await pane.locator('.monaco-list').first().focus();
          await page.keyboard.press('Escape');
        }
        await page.locator('.monaco-workbench .part.editor').click({ position: { x: 300, y: 300 } });
        await page.mouse.move(1300, 900);
        await page.waitForTimeout(500);
        if (process.env.CLOUD_SSH_KEYS_README_SCREENSHOTS) {
          fs.mkdirSync(path.dirname(README_SHOT), { recursive: true });
          await sideBar.screenshot({ path: README_SHOT });
        }
      } finally {
        fs.writeFileSync(machineSettings, originalSettings);
        for (const id of seeded) cvm.fake.account.keyPairs.delete(id);
        if (signedInAlibaba) {
          await runCommand(page, 'Cloud SSH Keys: Sign Out of Alibaba Cloud').catch(() => {});
          await notification(page, 'Signed out of Alibaba Cloud').catch(() => {});
          await clearNotifications(page).catch(() => {});
        }
        if (originalBorder !== undefined) {
          const y = await viewPane(page, 'Cloud Key Pairs').boundingBox().then((b) => b?.y).catch(() => undefined);
          if (y !== undefined) await dragSash(page, 'horizontal', y, originalBorder).catch(() => {});
        }
        if (originalWidth !== undefined) {
          const box = await sideBar.boundingBox().catch(() => undefined);
          if (box) await dragSash(page, 'vertical', box.x + box.width, box.x + originalWidth).catch(() => {});
        }
        await page.mouse.move(5, 5);
        if (originalViewport) await page.setViewportSize(originalViewport);
        // The views list again with the settings put back: let that finish before the next step counts requests.
        await settled(cvm.fake);
        fs.rmSync(sshDir, { recursive: true, force: true });
      }
    },
  },
];
