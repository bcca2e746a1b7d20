// Workbench helpers for the browser steps (Playwright locators that held on code-server 4.139 / VS Code 1.139).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** The activity-bar entry with this accessible name (a container's title, or a RegExp). */
export function activityTab(page, name) {
  return page.locator('.part.activitybar, .activitybar').getByRole('tab', { name }).first();
}

/** Shows a view container from the activity bar. Clicking the active entry would hide the side bar: only click when needed. */
export async function openContainer(page, name) {
  const tab = activityTab(page, name);
  await tab.waitFor({ state: 'visible' });
  const selected = (await tab.getAttribute('aria-selected')) === 'true' || /\bchecked\b/.test((await tab.getAttribute('class')) ?? '');
  const sideBarVisible = await page.locator('.part.sidebar').isVisible();
  if (!selected || !sideBarVisible) await tab.click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible' });
}

export const openExplorer = (page) => openContainer(page, /^Explorer/);

/** The side-bar pane of a view, by its name (its header is hidden when it is the container's only view). */
export function viewPane(page, viewName) {
  return page.locator('.part.sidebar .pane', { has: page.locator(`.pane-header[aria-label^="${viewName}"]`) });
}

/** Labels (names, without descriptions) of the rows of a tree. */
export async function treeLabels(container) {
  return container.getByRole('treeitem').evaluateAll((rows) =>
    rows.map((r) => (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim()),
  );
}

/** A tree row by its label (exact). */
export function treeRow(container, label) {
  return container
    .getByRole('treeitem')
    .filter({ has: container.page().locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
}

export function explorerRow(page, name) {
  return treeRow(page.locator('.explorer-folders-view'), name);
}

/** The context menu on screen (not the application menu bar, whose entries are menu items too). */
export function contextMenu(page) {
  return page.locator('.context-view .monaco-menu').first();
}

/** Right-clicks `row` and returns the labels of the context menu that opens. */
export async function contextMenuLabels(page, row) {
  const menu = contextMenu(page);
  await row.click({ button: 'right' });
  try {
    await menu.waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    // The tree redrew under the click (a cloud's listing arrived: with several clouds that happens
    // while a step runs), or a hover closed the menu as it opened: dismiss whatever is up, click again.
    await page.keyboard.press('Escape');
    await row.click({ button: 'right' });
    await menu.waitFor({ state: 'visible' });
  }
  await menu.getByRole('menuitem').first().waitFor();
  return (await menu.getByRole('menuitem').evaluateAll((items) =>
    items.map((i) => (i.querySelector('.action-label')?.textContent ?? i.getAttribute('aria-label') ?? i.textContent ?? '').trim()),
  )).filter(Boolean);
}

export function menuItem(page, label) {
  return contextMenu(page).getByRole('menuitem', { name: label, exact: true }).first();
}

/**
 * Clicks the entry `label` of the open context menu and waits for the menu to close. A click that
 * lands while the menu is still appearing is ignored by the workbench: hover first, then click.
 */
export async function chooseMenuItem(page, label) {
  const item = menuItem(page, label);
  await item.hover();
  await page.waitForTimeout(200);
  await item.click();
  await contextMenu(page).waitFor({ state: 'hidden', timeout: 5000 });
}

/** Closes menus, quick picks and hovers. */
export async function dismiss(page) {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
}

/** Runs a command from the F1 palette by its full title ("Category: Title"). */
export async function runCommand(page, title) {
  await dismiss(page);
  await page.locator('.monaco-workbench .part.editor').click({ position: { x: 300, y: 300 } });
  await page.keyboard.press('F1');
  await pick(page, title, `>${title}`);
  // the palette closes (or is replaced by the command's own quick pick, with another value)
  await page.waitForFunction(
    (value) => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget?.querySelector('input');
      return !widget || widget.style.display === 'none' || !input || input.value !== value;
    },
    `>${title}`,
    { timeout: 10_000 },
  );
}


/** Types into the open input box (replacing its value) and accepts it. */
export async function answerInput(page, value) {
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await page.waitForTimeout(300); // let validation run
  // On the input itself: a page re-rendering behind the box (Get Started) may have taken the focus.
  await input.press('Enter');
}
/** A row of the open quick input whose label is exactly `label`. */
export function quickPickRow(page, label) {
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
}

/**
 * Types `filter` into the open quick input and accepts the row labelled `label`. The list re-renders
 * while it filters, so rather than clicking a row that may be replaced under the pointer, wait until
 * the wanted row is the focused one and press Enter (as a user does).
 */
export async function pick(page, label, filter = label) {
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible' });
  await input.fill(filter);
  await quickPickRow(page, label).waitFor({ state: 'visible' });
  const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name');
  const deadline = Date.now() + 10_000;
  while ((await focused.first().textContent().catch(() => ''))?.trim() !== label) {
    if (Date.now() > deadline) {
      // not the best match: move the focus there with the keyboard
      const labels = await quickPickLabels(page);
      const index = labels.indexOf(label);
      if (index < 0) throw new Error(`"${label}" is not offered: ${JSON.stringify(labels)}`);
      await page.keyboard.press('Home');
      for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
      break;
    }
    await page.waitForTimeout(50);
  }
  await page.keyboard.press('Enter');
}

/** Labels of the rows the open quick pick offers. */
export async function quickPickLabels(page) {
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
    .evaluateAll((els) => els.map((e) => e.textContent.trim()));
}

/** Waits for a notification toast whose text matches, and returns its text. */
export async function notification(page, match, timeout = 15_000) {
  const toast = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: match }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).trim();
}

/** Texts of the toasts on screen (for failure messages). */
export async function notificationTexts(page) {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

export async function clearNotifications(page) {
  // Close every toast on screen (their close buttons appear on hover/focus; a click works regardless).
  const toasts = page.locator('.notifications-toasts .notification-list-item');
  for (let i = (await toasts.count()) - 1; i >= 0; i--) {
    const close = toasts.nth(i).locator('.codicon-notifications-clear, .codicon-close').first();
    if (await close.isVisible().catch(() => false)) await close.click().catch(() => {});
  }
}

/** Hovers a tree row and returns the text of the hover that appears. */
export async function hoverText(page, row, timeout = 15_000) {
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /\S/ }).first();
  const deadline = Date.now() + timeout;
  // The workbench sometimes misses a single pointer move onto the row (no hover, seen in CI):
  // leave and come back, a few pixels apart each time, until the hover shows.
  for (let attempt = 0; ; attempt++) {
    // A hover left by an earlier click (e.g. the activity-bar entry's title) must not be taken for the row's.
    await page.mouse.move(5, 5);
    await hover.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
    const box = await row.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2 + ((attempt % 3) - 1) * 12, box.y + box.height / 2, { steps: 3 });
    } else {
      await row.hover();
    }
    const left = deadline - Date.now();
    try {
      await hover.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(4000, left)) });
      return (await hover.innerText()).trim();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}


/** With CLOUD_SSH_KEYS_README_SCREENSHOTS set, saves the window as README.md's docs/images/NAME.png. */
export async function readmeScreenshot(page, name) {
  if (!process.env.CLOUD_SSH_KEYS_README_SCREENSHOTS) return;
  const file = path.join(import.meta.dirname, '..', '..', 'docs', 'images', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
}
/** The text on the browser's clipboard (Chromium with clipboard permissions). */
export function clipboardText(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { assert };
