// Copy ID (Tencent's KeyId, ECS's key pair name), Copy Public Key and Save Public Key to the SSH folder, on a Cloud Key Pairs item.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { identifyPublicKey } from '../cloud/publicKey';
import { shownText } from '../platform/shown-text';
import { type CloudCommandServices, keyPairNode } from './cloud-common';

export async function copyCloudKeyId(s: CloudCommandServices, node: unknown): Promise<string | undefined> {
  const n = keyPairNode(s.ui, node);
  if (!n) return undefined;
  await vscode.env.clipboard.writeText(n.keyPair.id);
  // What the cloud's API calls the key pair by: Tencent's KeyId, ECS's KeyPairName.
  void s.ui.showInformationMessage(vscode.l10n.t('Copied the {0} {1}', n.account.descriptor.keyIdLabel, shownText(n.keyPair.id)));
  return n.keyPair.id;
}

export async function copyCloudPublicKey(s: CloudCommandServices, node: unknown): Promise<string | undefined> {
  const n = keyPairNode(s.ui, node);
  if (!n) return undefined;
  await vscode.env.clipboard.writeText(n.keyPair.publicKey.trim());
  void s.ui.showInformationMessage(vscode.l10n.t('Copied the public key of {0}.', shownText(n.keyPair.name)));
  return n.keyPair.publicKey.trim();
}

/** Writes the cloud's public key as `<KeyName>.pub` (or `<KeyName>_2.pub`, …) into the first SSH folder; never overwrites. */
/** A cloud's name as a file name: letters, digits, `.`, `_` and `-` only, not starting with a dot; undefined when nothing is left. */
function fileNameFrom(name: string): string | undefined {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 100);
  return /[A-Za-z0-9]/.test(safe) ? safe : undefined;
}

/** A comment for the .pub line: printable ASCII without spaces, so the line stays one line of three fields. */
function safeComment(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '_').slice(0, 100) || 'cloud_key';
}

export async function saveCloudPublicKey(s: CloudCommandServices, node: unknown): Promise<string | undefined> {
  const n = keyPairNode(s.ui, node);
  if (!n) return undefined;
  const directory = s.config.sshDirectories[0];
  if (!directory) {
    void s.ui.showErrorMessage(vscode.l10n.t('No SSH folder is configured (setting cloudSshKeys.sshDirectories).'));
    return undefined;
  }
  if (n.local) {
    void s.ui.showInformationMessage(vscode.l10n.t('This key is already in your SSH folders: {0}', shownText(n.local.publicKey?.path ?? n.local.privateKey?.path ?? n.local.name)));
    return n.local.publicKey?.path;
  }
  // The file holds only what parses as a key, and is named only with what is safe in a file name:
  // the cloud's name and text are untrusted (a name of `../x` must not leave the SSH folder).
  const identity = identifyPublicKey(n.keyPair.publicKey);
  if (!identity) {
    void s.ui.showErrorMessage(vscode.l10n.t('The public key the cloud holds for {0} is not one this extension can read, so it was not saved.', shownText(n.keyPair.name || n.keyPair.id)));
    return undefined;
  }
  // Type and base64 as the cloud sent them (they parsed as a key), with a comment of our own.
  const line = `${n.keyPair.publicKey.trim().split(/\s+/).slice(0, 2).join(' ')} ${safeComment(n.keyPair.name || n.keyPair.id)}`;
  const baseName = fileNameFrom(n.keyPair.name) ?? fileNameFrom(n.keyPair.id) ?? 'cloud_key';
  try {
    await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
    for (let i = 1; i < 100; i++) {
      const file = path.join(directory, `${baseName}${i === 1 ? '' : `_${i}`}.pub`);
      try {
        await fs.promises.writeFile(file, `${line}\n`, { flag: 'wx', mode: 0o644 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      s.log.info(shownText(`Saved the public key of ${n.keyPair.id} to ${file}`));
      await s.localKeys.refresh();
      s.cloudKeys.redraw();
      void s.ui.showInformationMessage(vscode.l10n.t('Wrote the public key to {0} ({1}).', shownText(file), shownText(n.keyPair.sha256 ?? n.keyPair.id)));
      return file;
    }
    throw new Error('no free file name');
  } catch (error) {
    void s.ui.showErrorMessage(vscode.l10n.t('Cannot save the public key: {0}', (error as Error).message));
    return undefined;
  }
}
