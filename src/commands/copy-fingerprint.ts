import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { keyFact } from './key-from-file';

/** Copies the SHA256 or MD5 fingerprint, in the form `ssh-keygen -l -E <hash>` prints. */
export async function copyFingerprint(
  ui: UserInput,
  provider: LocalKeysProvider,
  hash: 'sha256' | 'md5',
  arg?: LocalKeysNode | vscode.Uri,
): Promise<string | undefined> {
  const key = await keyFact(ui, provider, arg, hash, (name) =>
    vscode.l10n.t('The fingerprint of {0} is not known: the private key is encrypted. Use "Derive Public Key" first.', name),
  );
  if (!key) return undefined;
  await vscode.env.clipboard.writeText(key.value);
  void ui.showInformationMessage(vscode.l10n.t('Copied {0}', key.value));
  return key.value;
}
