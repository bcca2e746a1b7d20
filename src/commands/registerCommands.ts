import * as vscode from 'vscode';
import type { Config } from '../platform/config';
import type { LocalKeysProvider } from '../views/localKeysView';
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
  };
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, handlers[id]));
}

/** View-title buttons pass nothing; tests and other commands pass a preset object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && !('kind' in value);
}
