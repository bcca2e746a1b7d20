import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloudAccount';
import type { Config } from '../platform/config';
import type { CloudKeysProvider } from '../views/cloudKeysView';
import type { LocalKeysProvider } from '../views/localKeysView';
import { loadCloudCommands as cloud } from '../platform/cloudChunks';
import { presetOf } from './presets';
import { copyFingerprint } from './copyFingerprint';
import { copyPublicKey } from './copyPublicKey';
import { derivePublicKey } from './derivePublicKey';
import { generateKeyPair } from './generateKeyPair';
import { openKeyFile } from './openKeyFile';
import { refreshLocalKeys } from './refreshLocalKeys';
import { revealKeyFile } from './revealKeyFile';

export interface CommandServices {
  config: Config;
  localKeys: LocalKeysProvider;
  log: vscode.LogOutputChannel;
  cloudKeys: CloudKeysProvider;
  tencent: CloudAccount;
  alibaba: CloudAccount;
}

/** Every command id the extension contributes; package.json must list the same (a unit test checks). */
export const COMMAND_IDS = [
  'cloudSshKeys.refreshLocalKeys',
  'cloudSshKeys.copyPublicKey',
  'cloudSshKeys.copyFingerprintSha256',
  'cloudSshKeys.copyFingerprintMd5',
  'cloudSshKeys.openKeyFile',
  'cloudSshKeys.revealKeyFile',
  'cloudSshKeys.generateKeyPair',
  'cloudSshKeys.derivePublicKey',
  'cloudSshKeys.tencent.setCredentials',
  'cloudSshKeys.tencent.signOut',
  'cloudSshKeys.tencent.importKeyPair',
  'cloudSshKeys.tencent.createKeyPair',
  'cloudSshKeys.alibaba.setCredentials',
  'cloudSshKeys.alibaba.signOut',
  'cloudSshKeys.alibaba.importKeyPair',
  'cloudSshKeys.alibaba.createKeyPair',
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

type CommandId = (typeof COMMAND_IDS)[number];

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const handlers: Record<CommandId, (...args: any[]) => unknown> = {
    'cloudSshKeys.refreshLocalKeys': () => refreshLocalKeys(s.localKeys),
    'cloudSshKeys.copyPublicKey': (node) => copyPublicKey(s.localKeys, node),
    'cloudSshKeys.copyFingerprintSha256': (node) => copyFingerprint(s.localKeys, 'sha256', node),
    'cloudSshKeys.copyFingerprintMd5': (node) => copyFingerprint(s.localKeys, 'md5', node),
    'cloudSshKeys.openKeyFile': (node) => openKeyFile(s.localKeys, node),
    'cloudSshKeys.revealKeyFile': (node) => revealKeyFile(s.localKeys, node),
    'cloudSshKeys.generateKeyPair': (preset) => generateKeyPair(s.config, s.localKeys, s.log, isPlainObject(preset) ? preset : undefined),
    'cloudSshKeys.derivePublicKey': (arg, passphrase) => derivePublicKey(s.localKeys, s.log, arg, passphrase),
    // Cloud flows are provider-neutral: the account is their argument.
    'cloudSshKeys.tencent.setCredentials': (preset) => cloud().setCloudCredentials(s.tencent, s.log, presetOf<Record<string, string>>(preset) as Record<string, string> | undefined),
    'cloudSshKeys.tencent.signOut': () => cloud().signOutOfCloud(s.tencent, s.log),
    // Explorer: (uri, selectedUris); Local Keys: (node); palette: (); tests: (undefined, preset).
    'cloudSshKeys.tencent.importKeyPair': (arg, preset) => cloud().importKeyPair(s, s.tencent, presetOf(arg) ? undefined : arg, presetOf(arg) ?? presetOf(preset)),
    'cloudSshKeys.tencent.createKeyPair': (preset) => cloud().createCloudKeyPair(s, s.tencent, presetOf(preset)),
    'cloudSshKeys.alibaba.setCredentials': (preset) => cloud().setCloudCredentials(s.alibaba, s.log, presetOf<Record<string, string>>(preset) as Record<string, string> | undefined),
    'cloudSshKeys.alibaba.signOut': () => cloud().signOutOfCloud(s.alibaba, s.log),
    'cloudSshKeys.alibaba.importKeyPair': (arg, preset) => cloud().importKeyPair(s, s.alibaba, presetOf(arg) ? undefined : arg, presetOf(arg) ?? presetOf(preset)),
    'cloudSshKeys.alibaba.createKeyPair': (preset) => cloud().createCloudKeyPair(s, s.alibaba, presetOf(preset)),
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
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, handlers[id]));
}

/** View-title buttons pass nothing; tests and other commands pass a preset object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return presetOf(value) !== undefined;
}
