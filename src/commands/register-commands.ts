import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloud-account';
import type { Config } from '../platform/config';
import { CLOUDS } from '../clouds/registry';
import type { CloudKeysProvider } from '../views/cloud-keys-view';
import type { LocalKeysProvider } from '../views/local-keys-view';
import { loadCloudCommands as cloud } from './load-cloud-commands';
import { presetOf } from './presets';
import { copyFingerprint } from './copy-fingerprint';
import { copyPublicKey } from './copy-public-key';
import { derivePublicKey } from './derive-public-key';
import { generateKeyPair } from './generate-key-pair';
import { openKeyFile } from './open-key-file';
import { refreshLocalKeys } from './refresh-local-keys';
import { revealKeyFile } from './reveal-key-file';

export interface CommandServices {
  config: Config;
  localKeys: LocalKeysProvider;
  log: vscode.LogOutputChannel;
  cloudKeys: CloudKeysProvider;
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
  'cloudSshKeys.copyCloudKeyId',
  'cloudSshKeys.copyCloudPublicKey',
  'cloudSshKeys.saveCloudPublicKey',
  'cloudSshKeys.renameCloudKeyPair',
  'cloudSshKeys.editCloudKeyPairDescription',
  'cloudSshKeys.bindCloudKeyPair',
  'cloudSshKeys.unbindCloudKeyPair',
  'cloudSshKeys.deleteCloudKeyPair',
] as const;

type Handler = (...args: any[]) => unknown;

/** Every command id the extension contributes; package.json must list the same (the in-host activation test checks). */
export const COMMAND_IDS: readonly string[] = [...SHARED_COMMAND_IDS, ...CLOUDS.flatMap((cloud) => PER_CLOUD_ACTIONS.map((action) => `cloudSshKeys.${cloud.id}.${action}`))];

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const shared: Record<(typeof SHARED_COMMAND_IDS)[number], Handler> = {
    'cloudSshKeys.refreshLocalKeys': () => refreshLocalKeys(s.localKeys),
    'cloudSshKeys.copyPublicKey': (node) => copyPublicKey(s.localKeys, node),
    'cloudSshKeys.copyFingerprintSha256': (node) => copyFingerprint(s.localKeys, 'sha256', node),
    'cloudSshKeys.copyFingerprintMd5': (node) => copyFingerprint(s.localKeys, 'md5', node),
    'cloudSshKeys.openKeyFile': (node) => openKeyFile(s.localKeys, node),
    'cloudSshKeys.revealKeyFile': (node) => revealKeyFile(s.localKeys, node),
    'cloudSshKeys.generateKeyPair': (preset) => generateKeyPair(s.config, s.localKeys, s.log, isPlainObject(preset) ? preset : undefined),
    'cloudSshKeys.derivePublicKey': (arg, passphrase) => derivePublicKey(s.localKeys, s.log, arg, passphrase),
    'cloudSshKeys.refreshCloudKeys': () => s.cloudKeys.refresh(),
    'cloudSshKeys.copyCloudKeyId': (node) => cloud().copyCloudKeyId(node),
    'cloudSshKeys.copyCloudPublicKey': (node) => cloud().copyCloudPublicKey(node),
    'cloudSshKeys.saveCloudPublicKey': (node) => cloud().saveCloudPublicKey(s, node),
    'cloudSshKeys.renameCloudKeyPair': (node, preset) => cloud().renameCloudKeyPair(s, node, presetOf(preset)),
    'cloudSshKeys.editCloudKeyPairDescription': (node, preset) => cloud().editCloudKeyPairDescription(s, node, presetOf(preset)),
    'cloudSshKeys.bindCloudKeyPair': (node, preset) => cloud().bindCloudKeyPair(s, node, true, presetOf(preset)),
    'cloudSshKeys.unbindCloudKeyPair': (node, preset) => cloud().bindCloudKeyPair(s, node, false, presetOf(preset)),
    'cloudSshKeys.deleteCloudKeyPair': (node, preset) => cloud().deleteCloudKeyPair(s, node, presetOf(preset)),
  };
  // Cloud flows are provider-neutral: the account is their argument.
  const perCloud = (account: CloudAccount): Record<PerCloudAction, Handler> => ({
    setCredentials: (preset) => cloud().setCloudCredentials(account, s.log, presetOf<Record<string, string>>(preset) as Record<string, string> | undefined),
    signOut: () => cloud().signOutOfCloud(account, s.log),
    // Explorer: (uri, selectedUris); Local Keys: (node); palette: (); tests: (undefined, preset).
    importKeyPair: (arg, preset) => cloud().importKeyPair(s, account, presetOf(arg) ? undefined : arg, presetOf(arg) ?? presetOf(preset)),
    createKeyPair: (preset) => cloud().createCloudKeyPair(s, account, presetOf(preset)),
  });
  const handlers = new Map<string, Handler>(Object.entries(shared));
  for (const account of s.accounts) {
    for (const [action, handler] of Object.entries(perCloud(account))) handlers.set(`cloudSshKeys.${account.descriptor.id}.${action}`, handler);
  }
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, handlers.get(id)!));
}

/** View-title buttons pass nothing; tests and other commands pass a preset object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return presetOf(value) !== undefined;
}
