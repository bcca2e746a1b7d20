import * as vscode from 'vscode';
import type { LocalKeysNode, LocalKeysProvider } from '../views/localKeysView';
import { publicKeyFromFile } from './keyFromFile';
import { pairFromArgument } from './pickKeyPair';

/** Copies the SHA256 or MD5 fingerprint, in the form `ssh-keygen -l -E <hash>` prints. */
export async function copyFingerprint(
  provider: LocalKeysProvider,
  hash: 'sha256' | 'md5',
  arg?: LocalKeysNode | vscode.Uri,
): Promise<string | undefined> {
  let fingerprint: string | undefined;
  if (arg instanceof vscode.Uri) {
    fingerprint = (await publicKeyFromFile(arg))?.[hash];
  } else {
    const pair = await pairFromArgument(provider, arg, (p) => !!p.facts[hash]);
    if (!pair) return undefined;
    fingerprint = pair.facts[hash];
    if (!fingerprint) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The fingerprint of {0} is not known: the private key is encrypted. Use "Derive Public Key" first.', pair.name),
      );
    }
  }
  if (!fingerprint) return undefined;
  await vscode.env.clipboard.writeText(fingerprint);
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0}', fingerprint));
  return fingerprint;
}
