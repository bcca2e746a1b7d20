import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands/register-commands';
import { KeyDiagnostics } from './diagnostics/key-diagnostics';
import { KeyHoverProvider } from './diagnostics/key-hover';
import { KeyQuickFixProvider, REMOVE_BOM_COMMAND, removeByteOrderMark, USE_LF_COMMAND, useLfLineEndings } from './diagnostics/key-quick-fixes';
import { SSH_PUBLIC_KEY_LANGUAGE } from './keys/key-text-role';
import { CLOUDS } from './clouds/registry';
import { nodeScanFileSystem } from './keys/scan-fs';
import type { CloudAccount } from './platform/cloud-account';
import { CloudAccounts } from './platform/cloud-accounts';
import { localPrivateKeys } from './cloud/connect-plan';
import { Config, SETTINGS } from './platform/config';
import { ManagedSshConfig } from './platform/managed-ssh-config';
import { createLog } from './platform/log';
import { markSignedInAccounts } from './platform/walkthrough';
import { CommandUserInput, type UserInput } from './platform/user-input';
import { CLOUD_KEYS_VIEW_ID, CloudKeysProvider } from './views/cloud-keys-view';
import { LOCAL_KEYS_VIEW_ID, LocalKeysProvider } from './views/local-keys-view';
import { AUDIT_VIEW_ID, AuditProvider } from './views/audit-view';
import { loadCloudCommands } from './commands/load-cloud-commands';
import { unfinishedRotations } from './platform/rotation-index';
import { watchSshDirectories } from './views/watch-ssh-directories';

/** What `activate` returns: used by the in-host tests, stable enough for other extensions. */
export interface CloudSshKeysApi {
  localKeys: LocalKeysProvider;
  diagnostics: KeyDiagnostics;
  /**
   * The Cloud Key Pairs tree and the cloud accounts: only outside production (the in-host
   * tests), because their nodes reach the stored credentials and other extensions must not.
   */
  cloudKeys?: CloudKeysProvider;
  /** Each cloud's main account, by cloud id (`tencent`). */
  accounts?: Record<string, CloudAccount>;
  /** Every account of every cloud (added ones and profiles too). */
  cloudAccounts?: CloudAccounts;
  /** The Key Audit view (not in production). */
  audit?: AuditProvider;
  /** This extension's SecretStorage, for tests that play another window changing the credentials (not in production). */
  secrets?: vscode.SecretStorage;
  /**
   * Puts a stand-in in the user's place for every question and notification of the commands
   * (`undefined` gives it back): how the in-host tests answer (not in production).
   */
  answerWith?: (standIn: UserInput | undefined) => void;
  /**
   * What activation costs, in ms (the benchmark reads it): evaluating the bundle plus running
   * `activate` — VS Code's "code loading" and "activate call" times.
   */
  activationMs: number;
  /** From the bundle's first byte to the end of `activate`, including VS Code preparing the extension context in between. */
  activationWallMs: number;
}

/** When the bundle started loading (esbuild banner), else when this module ran (unbundled, tests). */
const moduleLoadedAt = (globalThis as { __cloudSshKeysLoadStart?: number }).__cloudSshKeysLoadStart ?? performance.now();
/** Bundle evaluation time: every module above has been initialized by now. */
const moduleEvaluationMs = performance.now() - moduleLoadedAt;

export function activate(context: vscode.ExtensionContext): CloudSshKeysApi {
  const activateStartedAt = performance.now();
  const log = createLog();
  try {
    const config = new Config();
    const ui = new CommandUserInput();
    const localKeys = new LocalKeysProvider(config, nodeScanFileSystem, log);
    const watcher = watchSshDirectories(config, () => void localKeys.refresh());
    let watchedDirectories = '';
    const diagnostics = new KeyDiagnostics();
    const lastScan = () => localKeys.lastScan;
    // Cloud accounts: nothing cloud-related loads until a cloud view or command needs it.
    // Each cloud's main account, the ones the user added, and (read at the view's first paint) one per
    // profile of the clouds' own CLIs; `accounts` is that live list.
    const cloudAccounts = new CloudAccounts(CLOUDS, context.secrets, context.globalState, log);
    const accounts = cloudAccounts.all;
    // The last listing of each account is kept under globalStorage: the view paints from it at once.
    const cloudKeys = new CloudKeysProvider(accounts, lastScan, log, { globalState: context.globalState, directory: vscode.Uri.joinPath(context.globalStorageUri, 'cloud-listings').fsPath }, cloudAccounts);
    const cloudKeysView = vscode.window.createTreeView(CLOUD_KEYS_VIEW_ID, { treeDataProvider: cloudKeys, showCollapseAll: true, canSelectMany: true });
    const sshConfig = new ManagedSshConfig(config, context.globalState, log);
    const audit = new AuditProvider(accounts, cloudKeys, localKeys, log, loadCloudCommands);
    const markSandbox = () => (cloudKeysView.description = accounts.some((a) => a.isSandbox) ? vscode.l10n.t('Sandbox') : undefined);
    markSandbox();
    localKeys.setCloudLocations((blob) => cloudKeys.locationsOf(blob));
    localKeys.setOpenedInstances((blob) =>
      cloudKeys.instancesOpenedBy(blob).map(({ account, instance }) => `${instance.name || instance.id} (${account.descriptor.displayName} ${instance.region})`),
    );
    context.subscriptions.push(
      cloudAccounts,
      ...accounts.map((account) => account.onDidChange(markSandbox)),
      cloudAccounts.onDidChange(markSandbox),
      cloudKeys,
      cloudKeysView,
      cloudKeys.onDidLoad(() => localKeys.redraw()),
      // The managed SSH config block follows the listing: new addresses, instances gone.
      cloudKeys.onDidListInstances(({ account, region, instances, keyPairs }) => {
        const keys = localPrivateKeys(localKeys.lastScan?.pairs ?? []);
        sshConfig.update({ cloud: account.sshConfigCloudId, region }, instances, (i) => {
          const plan = sshConfig.plan(account, i, keyPairs, keys);
          return plan.ok ? plan.host : undefined;
        });
      }),
      localKeys.onDidScan(() => cloudKeys.redraw()),
      log,
      localKeys,
      watcher,
      vscode.window.createTreeView(LOCAL_KEYS_VIEW_ID, { treeDataProvider: localKeys, showCollapseAll: true }),
      audit,
      vscode.window.createTreeView(AUDIT_VIEW_ID, { treeDataProvider: audit, showCollapseAll: true }),
      ...registerCommands({ ui, config, localKeys, log, cloudKeys, accounts, cloudAccounts, sshConfig, audit, globalState: context.globalState }),
      diagnostics,
      localKeys.onDidScan((result) => diagnostics.onScan(result)),
      vscode.languages.registerHoverProvider(SSH_PUBLIC_KEY_LANGUAGE, new KeyHoverProvider(lastScan)),
      vscode.languages.registerCodeActionsProvider(SSH_PUBLIC_KEY_LANGUAGE, new KeyQuickFixProvider(lastScan), KeyQuickFixProvider.metadata),
      vscode.commands.registerCommand(REMOVE_BOM_COMMAND, (uri: vscode.Uri) => removeByteOrderMark(uri)),
      vscode.commands.registerCommand(USE_LF_COMMAND, (uri: vscode.Uri) => useLfLineEndings(uri)),
      // A folder that did not exist (so could not be watched) may have been created, e.g. by Generate.
      localKeys.onDidScan((result) => {
        const found = result.directories.join('\n');
        if (found !== watchedDirectories) {
          watchedDirectories = found;
          watcher.restart();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (config.affects(e, SETTINGS.sshDirectories)) {
          watcher.restart();
          void localKeys.refresh();
        }
      }),
    );
    const activatedAt = performance.now();
    const activationMs = moduleEvaluationMs + (activatedAt - activateStartedAt);
    const activationWallMs = activatedAt - moduleLoadedAt;
    log.info(`Activated in ${activationMs.toFixed(1)} ms (${activationWallMs.toFixed(0)} ms including VS Code's set-up)`);
    // Scan in the background so closed .pub files in the SSH folders get their diagnostics too.
    void localKeys.currentScan();
    // The walkthrough's account step: once the view has listed an account (not at activation, where
    // the keychain reads would compete with the first render).
    const walkthroughAccount = cloudKeys.onDidLoad(() => {
      walkthroughAccount.dispose();
      markSignedInAccounts(accounts);
    });
    context.subscriptions.push(walkthroughAccount);
    // A key rotation the last window did not finish is said once, so that no server is left half-rotated unnoticed.
    const unfinished = unfinishedRotations(context.globalState);
    if (unfinished.length > 0) {
      void ui.showWarningMessage(vscode.l10n.t('{0} key rotation(s) did not finish ({1}). Run Rotate Key Pair on the key pair again to resume or roll back.', unfinished.length, unfinished.map((f) => path.basename(f, '.rotation.json')).join(', ')));
    }
    const testing = context.extensionMode !== vscode.ExtensionMode.Production;
    return { localKeys, diagnostics, activationMs, activationWallMs, ...(testing ? { cloudKeys, audit, accounts: Object.fromEntries(CLOUDS.map((d) => [d.id, cloudAccounts.main(d.id)])), cloudAccounts, secrets: context.secrets, answerWith: (standIn: UserInput | undefined) => ui.answerWith(standIn) } : {}) };
  } catch (err) {
    // VS Code does not tell the user when activation fails: say it ourselves.
    log.error(`Activation failed: ${(err as Error).stack ?? err}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Cloud SSH Keys could not start: {0}', (err as Error).message));
    throw err;
  }
}

export function deactivate(): void {}
