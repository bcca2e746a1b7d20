import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { keyFileFromArgument } from './open-key-file';

/** Shows the key file in the operating system's file manager. */
export async function revealKeyFile(ui: UserInput, provider: LocalKeysProvider, node?: LocalKeysNode): Promise<vscode.Uri | undefined> {
  const uri = await keyFileFromArgument(ui, provider, node);
  if (uri) await vscode.commands.executeCommand('revealFileInOS', uri);
  return uri;
}
