// Copy ID (Tencent's KeyId, ECS's key pair name), Copy Public Key and Save Public Key to the SSH folder, on a Cloud Key Pairs item.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type CloudCommandServices, keyPairNode } from './cloudCommon';

export async function copyCloudKeyId(node: unknown): Promise<string | undefined> {
  const n = keyPairNode(node);
  if (!n) return undefined;
  await vscode.env.clipboard.writeText(n.keyPair.id);
  // What the cloud's API calls the key pair by: Tencent's KeyId, ECS's KeyPairName.
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the {0} {1}', n.account.descriptor.keyIdLabel, n.keyPair.id));
  return n.keyPair.id;
}

export async function copyCloudPublicKey(node: unknown): Promise<string | undefined> {
  const n = keyPairNode(node);
  if (!n) return undefined;
  await vscode.env.clipboard.writeText(n.keyPair.publicKey.trim());
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the public key of {0}.', n.keyPair.name));
  return n.keyPair.publicKey.trim();
}

/** Writes the cloud's public key as `<KeyName>.pub` (or `<KeyName>_2.pub`, …) into the first SSH folder; never overwrites. */
export async function saveCloudPublicKey(s: CloudCommandServices, node: unknown): Promise<string | undefined> {
  const n = keyPairNode(node);
  if (!n) return undefined;
  const directory = s.config.sshDirectories[0];
  if (!directory) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No SSH folder is configured (setting cloudSshKeys.sshDirectories).'));
    return undefined;
  }
  if (n.local) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This key is already in your SSH folders: {0}', n.local.publicKey?.path ?? n.local.privateKey?.path ?? n.local.name));
    return n.local.publicKey?.path;
  }
  const fields = n.keyPair.publicKey.trim().split(/\s+/);
  const line = fields.length >= 3 ? n.keyPair.publicKey.trim() : `${fields.join(' ')} ${n.keyPair.name}`;
  try {
    await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
    for (let i = 1; i < 100; i++) {
      const file = path.join(directory, `${n.keyPair.name}${i === 1 ? '' : `_${i}`}.pub`);
      try {
        await fs.promises.writeFile(file, `${line}\n`, { flag: 'wx', mode: 0o644 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      s.log.info(`Saved the public key of ${n.keyPair.id} to ${file}`);
      await s.localKeys.refresh();
      s.cloudKeys.redraw();
      void vscode.window.showInformationMessage(vscode.l10n.t('Wrote the public key to {0} ({1}).', file, n.keyPair.sha256 ?? n.keyPair.id));
      return file;
    }
    throw new Error('no free file name');
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot save the public key: {0}', (error as Error).message));
    return undefined;
  }
}
