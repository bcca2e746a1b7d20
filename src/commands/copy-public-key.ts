import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { keyFact } from './key-from-file';

/**
 * Copies the normalized one-line OpenSSH public key (what a cloud console's form wants), from a
 * Local Keys item, an explorer file (RFC 4716 and PEM are converted), or a picked key.
 */
export async function copyPublicKey(ui: UserInput, provider: LocalKeysProvider, arg?: LocalKeysNode | vscode.Uri): Promise<string | undefined> {
  const key = await keyFact(ui, provider, arg, 'openssh', (name) =>
    vscode.l10n.t('The public key of {0} is not known: the private key is encrypted. Use "Derive Public Key" first.', name),
  );
  if (!key) return undefined;
  await vscode.env.clipboard.writeText(key.value);
  void ui.showInformationMessage(vscode.l10n.t('Copied the public key of {0}.', key.name));
  return key.value;
}
