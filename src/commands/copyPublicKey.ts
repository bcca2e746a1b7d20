import * as vscode from 'vscode';
import type { LocalKeysNode, LocalKeysProvider } from '../views/localKeysView';
import { publicKeyFromFile } from './keyFromFile';
import { pairFromArgument } from './pickKeyPair';

/**
 * Copies the normalized one-line OpenSSH public key (what a cloud console's form wants), from a
 * Local Keys item, an explorer file (RFC 4716 and PEM are converted), or a picked key.
 */
export async function copyPublicKey(provider: LocalKeysProvider, arg?: LocalKeysNode | vscode.Uri): Promise<string | undefined> {
  let name: string;
  let line: string | undefined;
  if (arg instanceof vscode.Uri) {
    line = (await publicKeyFromFile(arg))?.openssh;
    name = vscode.workspace.asRelativePath(arg);
  } else {
    const pair = await pairFromArgument(provider, arg, (p) => !!p.facts.openssh);
    if (!pair) return undefined;
    name = pair.name;
    line = pair.facts.openssh;
    if (!line) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The public key of {0} is not known: the private key is encrypted. Use "Derive Public Key" first.', pair.name),
      );
    }
  }
  if (!line) return undefined;
  await vscode.env.clipboard.writeText(line);
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the public key of {0}.', name));
  return line;
}
