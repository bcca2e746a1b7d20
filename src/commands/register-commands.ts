import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloud-account';
import type { CloudAccounts } from '../platform/cloud-accounts';
import type { CloudProviderDescriptor } from '../cloud/descriptors';
import { cloudErrorReason, isCancelled, logCloudError } from '../platform/cloud-errors';
import type { Config } from '../platform/config';
import type { ManagedSshConfig } from '../platform/managed-ssh-config';
import type { UserInput } from '../platform/user-input';
import { CLOUDS } from '../clouds/registry';
import type { CloudKeysProvider } from '../views/cloud-keys-view';
import type { LocalKeysProvider } from '../views/local-keys-view';
import type { AuditProvider } from '../views/audit-view';
import { auditKeys } from './audit-keys';
import { fixKeyPermissions } from './fix-key-permissions';
import { loadCloudCommands as cloud } from './load-cloud-commands';
import { copyFingerprint } from './copy-fingerprint';
import { copyPublicKey } from './copy-public-key';
import { derivePublicKey } from './derive-public-key';
import { generateKeyPair } from './generate-key-pair';
import { accountOfNode, pickCloud } from './pick-cloud';
import { openKeyFile } from './open-key-file';
import { refreshLocalKeys } from './refresh-local-keys';
import { revealKeyFile } from './reveal-key-file';

export interface CommandServices {
  /** Every question and notification goes through it (the in-host tests answer in the user's place). */
  ui: UserInput;
  config: Config;
  localKeys: LocalKeysProvider;
  log: vscode.LogOutputChannel;
  cloudKeys: CloudKeysProvider;
  /** Connect's login users and the managed block of the SSH config. */
  sshConfig: ManagedSshConfig;
  /** Every account of every cloud, main accounts first (live: `cloudAccounts.all`). */
  accounts: readonly CloudAccount[];
  /** Adds, forgets and lists the accounts (profiles of the clouds' CLIs, accounts the user added). */
  cloudAccounts: CloudAccounts;
  /** The Key Audit view (Audit Keys fills it). */
  audit?: AuditProvider;
  /** Unfinished key rotations are listed here (src/commands/rotate-key-pair.ts). */
  globalState: vscode.Memento;
}

/** The commands every cloud has, as `cloudSshKeys.<cloud>.<action>`. */
const PER_CLOUD_ACTIONS = ['setCredentials', 'signOut', 'importKeyPair', 'createKeyPair'] as const;
type PerCloudAction = (typeof PER_CLOUD_ACTIONS)[number];

/** The commands that act on local keys or on a cloud key pair node, whatever its cloud. */
const SHARED_COMMAND_IDS = [
  'cloudSshKeys.refreshLocalKeys',
  'cloudSshKeys.copyPublicKey',
  'cloudSshKeys.copyFingerprintSha256',
  'cloudSshKeys.copyFingerprintMd5',
  'cloudSshKeys.openKeyFile',
  'cloudSshKeys.revealKeyFile',
  'cloudSshKeys.generateKeyPair',
  'cloudSshKeys.derivePublicKey',
  'cloudSshKeys.refreshCloudKeys',
  'cloudSshKeys.showEmptyRegions',
  'cloudSshKeys.hideEmptyRegions',
  'cloudSshKeys.createCloudKeyPair',
  'cloudSshKeys.setCloudCredentials',
  'cloudSshKeys.addCloudAccount',
  'cloudSshKeys.signOutOfCloud',
  'cloudSshKeys.refreshCloud',
  'cloudSshKeys.copyCloudKeyId',
  'cloudSshKeys.copyCloudPublicKey',
  'cloudSshKeys.saveCloudPublicKey',
  'cloudSshKeys.renameCloudKeyPair',
  'cloudSshKeys.editCloudKeyPairDescription',
  'cloudSshKeys.bindCloudKeyPair',
  'cloudSshKeys.unbindCloudKeyPair',
  'cloudSshKeys.deleteCloudKeyPair',
  'cloudSshKeys.connectInstance',
  'cloudSshKeys.openSshTerminal',
  'cloudSshKeys.openRemoteSshWindow',
  'cloudSshKeys.copySshCommand',
  'cloudSshKeys.audit',
  'cloudSshKeys.fixKeyPermissions',
  'cloudSshKeys.rotateKeyPair',
] as const;

type Handler = (...args: any[]) => unknown;

/** Every command id the extension contributes; package.json must list the same (the in-host activation test checks). */
export const COMMAND_IDS: readonly string[] = [...SHARED_COMMAND_IDS, ...CLOUDS.flatMap((cloud) => PER_CLOUD_ACTIONS.map((action) => `cloudSshKeys.${cloud.id}.${action}`))];

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  /** The cloud a cloud-wide command acts on: its node's, else the one the user picks. */
  const cloudFor = async (node: unknown, title: string) => accountOfNode(s.accounts, node) ?? (await pickCloud(s.ui, s.accounts, title));
  /**
   * The account of `descriptor`'s cloud a command acts on: the node's, else the only one, else the
   * signed-in one, else the user picks among the signed-in ones ("which account?").
   */
  const accountFor = async (descriptor: CloudProviderDescriptor, node: unknown, title: string): Promise<CloudAccount | undefined> => {
    const fromNode = accountOfNode(s.accounts, node);
    if (fromNode?.descriptor === descriptor) return fromNode;
    s.cloudAccounts.ensureProfiles();
    const all = s.cloudAccounts.of(descriptor.id);
    if (all.length === 1) return all[0];
    const signedIn = (await Promise.all(all.map(async (a) => ((await a.credentials().catch(() => undefined)) ? a : undefined)))).filter((a): a is CloudAccount => !!a);
    if (signedIn.length <= 1) return signedIn[0] ?? s.cloudAccounts.main(descriptor.id);
    return pickCloud(s.ui, signedIn, title, vscode.l10n.t('Select a {0} account', descriptor.displayName));
  };
  const shared: Record<(typeof SHARED_COMMAND_IDS)[number], Handler> = {
    'cloudSshKeys.refreshLocalKeys': () => refreshLocalKeys(s.localKeys),
    'cloudSshKeys.copyPublicKey': (node) => copyPublicKey(s.ui, s.localKeys, node),
    'cloudSshKeys.copyFingerprintSha256': (node) => copyFingerprint(s.ui, s.localKeys, 'sha256', node),
    'cloudSshKeys.copyFingerprintMd5': (node) => copyFingerprint(s.ui, s.localKeys, 'md5', node),
    'cloudSshKeys.openKeyFile': (node) => openKeyFile(s.ui, s.localKeys, node),
    'cloudSshKeys.revealKeyFile': (node) => revealKeyFile(s.ui, s.localKeys, node),
    'cloudSshKeys.generateKeyPair': () => generateKeyPair(s),
    'cloudSshKeys.derivePublicKey': (arg) => derivePublicKey(s.ui, s.localKeys, s.log, arg),
    'cloudSshKeys.refreshCloudKeys': () => s.cloudKeys.refresh(),
    'cloudSshKeys.showEmptyRegions': () => s.cloudKeys.setShowEmptyRegions(true),
    'cloudSshKeys.hideEmptyRegions': () => s.cloudKeys.setShowEmptyRegions(false),
    // On a cloud's node: that cloud; from the title bar or the palette: asks which.
    'cloudSshKeys.createCloudKeyPair': async (node) => {
      const account = await cloudFor(node, vscode.l10n.t('Create Key Pair: which cloud?'));
      return account ? cloud().createCloudKeyPair(s, account) : undefined;
    },
    'cloudSshKeys.setCloudCredentials': async (node) => {
      const account = await cloudFor(node, vscode.l10n.t('Set Credentials: which cloud?'));
      return account ? cloud().setCloudCredentials(s, account, s.cloudAccounts) : undefined;
    },
    'cloudSshKeys.addCloudAccount': async (node) => {
      const account = await cloudFor(node, vscode.l10n.t('Add Account: which cloud?'));
      return account ? cloud().addCloudAccount(s, s.cloudAccounts, account) : undefined;
    },
    'cloudSshKeys.signOutOfCloud': async (node) => {
      const account = await cloudFor(node, vscode.l10n.t('Sign Out: which cloud?'));
      return account ? cloud().signOutOfCloud(s, account, s.cloudAccounts) : undefined;
    },
    'cloudSshKeys.refreshCloud': (node) => s.cloudKeys.refresh(accountOfNode(s.accounts, node)),
    'cloudSshKeys.copyCloudKeyId': (node) => cloud().copyCloudKeyId(s, node),
    'cloudSshKeys.copyCloudPublicKey': (node) => cloud().copyCloudPublicKey(s, node),
    'cloudSshKeys.saveCloudPublicKey': (node) => cloud().saveCloudPublicKey(s, node),
    'cloudSshKeys.renameCloudKeyPair': (node) => cloud().renameCloudKeyPair(s, node),
    'cloudSshKeys.editCloudKeyPairDescription': (node) => cloud().editCloudKeyPairDescription(s, node),
    'cloudSshKeys.bindCloudKeyPair': (node) => cloud().bindCloudKeyPair(s, node, true),
    'cloudSshKeys.unbindCloudKeyPair': (node) => cloud().bindCloudKeyPair(s, node, false),
    // With the view's multi-select: (item, selectedItems).
    'cloudSshKeys.deleteCloudKeyPair': (node, selected) => cloud().deleteCloudKeyPair(s, node, selected),
    'cloudSshKeys.connectInstance': (node) => cloud().connectToInstance(s, node),
    'cloudSshKeys.openSshTerminal': (node) => cloud().openSshTerminal(s, node),
    'cloudSshKeys.openRemoteSshWindow': (node) => cloud().openRemoteSshWindow(s, node),
    'cloudSshKeys.copySshCommand': (node) => cloud().copySshCommand(s, node),
    'cloudSshKeys.audit': () => (s.audit ? auditKeys(s.ui, s.audit) : undefined),
    'cloudSshKeys.fixKeyPermissions': (arg) => fixKeyPermissions(s.ui, s.localKeys, s.log, arg),
    'cloudSshKeys.rotateKeyPair': (node) => cloud().rotateKeyPair(s, node),
  };
  // Cloud flows are provider-neutral: the account is their argument (asked for when the cloud has several).
  const perCloud = (d: CloudProviderDescriptor): Record<PerCloudAction, Handler> => {
    const run = (title: string, action: (account: CloudAccount) => unknown) => async (node?: unknown) => {
      const account = await accountFor(d, node, title);
      return account ? action(account) : undefined;
    };
    return {
      // Not "which signed-in account": the main one, whose keys (or a profile) this sets; on a node, that node's.
      setCredentials: (node?: unknown) => {
        const fromNode = accountOfNode(s.accounts, node);
        return cloud().setCloudCredentials(s, fromNode?.descriptor === d ? fromNode : s.cloudAccounts.main(d.id), s.cloudAccounts);
      },
      signOut: run(vscode.l10n.t('Sign Out of {0}: which account?', d.displayName), (a) => cloud().signOutOfCloud(s, a, s.cloudAccounts)),
      // Explorer: (uri, selectedUris); Local Keys: (node); palette: (). None of them is a cloud node.
      importKeyPair: async (arg) => {
        const account = await accountFor(d, undefined, vscode.l10n.t('Import to {0}: which account?', d.serviceName));
        return account ? cloud().importKeyPair(s, account, arg) : undefined;
      },
      createKeyPair: run(vscode.l10n.t('Create {0} Key Pair: which account?', d.serviceName), (a) => cloud().createCloudKeyPair(s, a)),
    };
  };
  const handlers = new Map<string, Handler>(Object.entries(shared));
  for (const descriptor of CLOUDS) {
    for (const [action, handler] of Object.entries(perCloud(descriptor))) handlers.set(`cloudSshKeys.${descriptor.id}.${action}`, handler);
  }
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, reportingFailures(s, id, handlers.get(id)!)));
}

/**
 * A command's last line of defence: what its own error handling did not expect is logged with its
 * stack and told to the user, instead of VS Code's bare "command '…' resulted in an error".
 */
function reportingFailures(s: CommandServices, id: string, handler: Handler): Handler {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isCancelled(error)) return undefined;
      logCloudError(s.log, id, error);
      const showLog = vscode.l10n.t('Show Log');
      void s.ui
        .showErrorMessage(vscode.l10n.t('Cloud SSH Keys: {0} failed unexpectedly: {1}', id.replace(/^cloudSshKeys\./, ''), cloudErrorReason(error)), showLog)
        .then((choice) => (choice === showLog ? s.log.show(true) : undefined));
      return undefined;
    }
  };
}
