import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloud-account';
import { cloudErrorReason, isCancelled, logCloudError } from '../platform/cloud-errors';
import type { Config } from '../platform/config';
import type { ManagedSshConfig } from '../platform/managed-ssh-config';
import type { UserInput } from '../platform/user-input';
import { CLOUDS } from '../clouds/registry';
import type { CloudKeysProvider } from '../views/cloud-keys-view';
import type { LocalKeysProvider } from '../views/local-keys-view';
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
  /** One per registered cloud (src/clouds/registry.ts), in its order. */
  accounts: readonly CloudAccount[];
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
] as const;

type Handler = (...args: any[]) => unknown;

/** Every command id the extension contributes; package.json must list the same (the in-host activation test checks). */
export const COMMAND_IDS: readonly string[] = [...SHARED_COMMAND_IDS, ...CLOUDS.flatMap((cloud) => PER_CLOUD_ACTIONS.map((action) => `cloudSshKeys.${cloud.id}.${action}`))];

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  /** The cloud a cloud-wide command acts on: its node's, else the one the user picks. */
  const cloudFor = async (node: unknown, title: string) => accountOfNode(s.accounts, node) ?? (await pickCloud(s.ui, s.accounts, title));
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
      return account ? cloud().setCloudCredentials(s, account) : undefined;
    },
    'cloudSshKeys.signOutOfCloud': async (node) => {
      const account = await cloudFor(node, vscode.l10n.t('Sign Out: which cloud?'));
      return account ? cloud().signOutOfCloud(s, account) : undefined;
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
  };
  // Cloud flows are provider-neutral: the account is their argument.
  const perCloud = (account: CloudAccount): Record<PerCloudAction, Handler> => ({
    setCredentials: () => cloud().setCloudCredentials(s, account),
    signOut: () => cloud().signOutOfCloud(s, account),
    // Explorer: (uri, selectedUris); Local Keys: (node); palette: ().
    importKeyPair: (arg) => cloud().importKeyPair(s, account, arg),
    createKeyPair: () => cloud().createCloudKeyPair(s, account),
  });
  const handlers = new Map<string, Handler>(Object.entries(shared));
  for (const account of s.accounts) {
    for (const [action, handler] of Object.entries(perCloud(account))) handlers.set(`cloudSshKeys.${account.descriptor.id}.${action}`, handler);
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
