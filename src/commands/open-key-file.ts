import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { pairFromArgument } from './pick-key-pair';

/** The file a file item stands for, or a pair's public key (its private key only when there is no public one). */
export async function keyFileFromArgument(ui: UserInput, provider: LocalKeysProvider, node?: LocalKeysNode): Promise<vscode.Uri | undefined> {
  if (node?.kind === 'file') return vscode.Uri.file(node.file.path);
  const pair = await pairFromArgument(ui, provider, node);
  const file = pair?.publicKey ?? pair?.privateKey ?? pair?.certificates[0] ?? pair?.privateKeysInPublicFiles[0];
  return file ? vscode.Uri.file(file.path) : undefined;
}

/** Opens the key file in an editor. */
export async function openKeyFile(ui: UserInput, provider: LocalKeysProvider, node?: LocalKeysNode): Promise<vscode.Uri | undefined> {
  const uri = await keyFileFromArgument(ui, provider, node);
  if (uri) await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}
