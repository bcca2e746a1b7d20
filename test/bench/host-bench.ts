// Measured inside the real extension host (code-server) by scripts/bench-host.mjs: activation,
// the first Local Keys render, and the heap growth of scanning 1,000 keys. Exports run() like the
// in-host test suite; writes its figures to $CLOUD_SSH_KEYS_BENCH_OUT.
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { CloudSshKeysApi } from '../../src/extension';

const EXTENSION_ID = 'cloud-ssh-keys.cloud-ssh-keys';

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A full garbage collection, so that heap figures count what is retained, not garbage not yet collected. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

export async function run(): Promise<void> {
  const out = process.env.CLOUD_SSH_KEYS_BENCH_OUT;
  const thousandKeys = process.env.CLOUD_SSH_KEYS_BENCH_KEYS;
  if (!out || !thousandKeys) throw new Error('run through scripts/bench-host.mjs');
  const ext = vscode.extensions.getExtension<CloudSshKeysApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  if (process.env.CLOUD_SSH_KEYS_BENCH_PHASE === 'reload') return measureCloudFirstPaint(ext, out);
  const wasActive = ext.isActive;
  // What a user does: open the Cloud SSH Keys container, which activates the extension (onView).
  await vscode.commands.executeCommand('workbench.view.extension.cloudSshKeys');
  const api = await ext.activate();
  const loadStart = (globalThis as { __cloudSshKeysLoadStart?: number }).__cloudSshKeysLoadStart;
  await api.localKeys.currentScan();
  const roots = await api.localKeys.getChildren();
  roots.forEach((n) => api.localKeys.getTreeItem(n));
  const firstRenderWallMs = loadStart !== undefined ? performance.now() - loadStart : undefined;
  // Without the time VS Code spends preparing the extension context between loading the bundle and
  // calling activate() (not ours to spend): the same accounting as the activation figure.
  const vscodeSetUpMs = api.activationWallMs - api.activationMs;
  const firstRenderMs = firstRenderWallMs !== undefined ? firstRenderWallMs - vscodeSetUpMs : undefined;
  const renderedItems = roots.length;

  // Heap retained by scanning 1,000 keys and listing every region of the (fake) cloud account,
  // as the views keep them: collect, scan and list, collect, compare.
  await settle(300);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  await vscode.workspace.getConfiguration('cloudSshKeys').update('sshDirectories', [thousandKeys], vscode.ConfigurationTarget.Global);
  const scan = await api.localKeys.refresh();
  // The cloud account is exposed outside production only; the bench runs the development build.
  // The first registered cloud's account, as the Cloud Key Pairs view shows it first.
  const account = Object.values(api.accounts ?? {})[0];
  const listed = api.cloudKeys && account ? await api.cloudKeys.keyPairs(account) : undefined;
  // Every region listed (the view hides the empty ones, so its children would undercount).
  const listedRegions = account && !account.accountWide ? (await account.regions()).length : account ? 1 : 0;
  if (!listed) throw new Error('no cloud account was available to list');
  // Kept on disk for the next window (the reload phase paints from it).
  await api.cloudKeys?.flushCache();
  await settle(300);
  collectGarbage();
  const heapAfter = process.memoryUsage().heapUsed;
  await vscode.workspace.getConfiguration('cloudSshKeys').update('sshDirectories', undefined, vscode.ConfigurationTarget.Global);

  fs.writeFileSync(out, JSON.stringify({
    wasActiveBeforeOpeningTheView: wasActive,
    activationMs: api.activationMs,
    activationWallMs: api.activationWallMs,
    firstRenderMs,
    firstRenderWallMs,
    renderedItems,
    scannedPairs: scan.pairs.length,
    heapGrowthBytes: heapAfter - heapBefore,
    listedRegions,
  }));
}

/**
 * After a window reload (the cold phase listed the cloud and kept the listing): from the bundle's
 * first byte to the Cloud Key Pairs view's first useful paint (the cloud's node and its children,
 * tree items built), with the same accounting as the first Local Keys render.
 */
async function measureCloudFirstPaint(ext: vscode.Extension<CloudSshKeysApi>, out: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.cloudSshKeys');
  const api = await ext.activate();
  const loadStart = (globalThis as { __cloudSshKeysLoadStart?: number }).__cloudSshKeysLoadStart;
  const cloudKeys = api.cloudKeys;
  const account = Object.values(api.accounts ?? {})[0];
  if (!cloudKeys || !account) throw new Error('no cloud account (production build?)');
  const roots = await cloudKeys.getChildren();
  const provider = roots.find((n) => n.kind === 'provider' && n.account === account);
  if (!provider) throw new Error('the first cloud is not signed in');
  const providerItem = cloudKeys.getTreeItem(provider);
  const children = await cloudKeys.getChildren(provider);
  children.forEach((n) => cloudKeys.getTreeItem(n));
  const wallMs = loadStart !== undefined ? performance.now() - loadStart : undefined;
  const vscodeSetUpMs = api.activationWallMs - api.activationMs;
  const paintedFromCache = /cached/.test(String(providerItem.description));
  // Let the listing behind it land before the window goes.
  await cloudKeys.keyPairs(account);
  fs.writeFileSync(out, JSON.stringify({
    cloudFirstPaintMs: wallMs !== undefined ? wallMs - vscodeSetUpMs : undefined,
    cloudFirstPaintWallMs: wallMs,
    cloudPaintedFromCache: paintedFromCache,
    cloudPaintedItems: children.length,
  }));
}
