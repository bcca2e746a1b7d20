import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseKeyText } from '../keys/parse';
import { MAX_KEY_FILE_BYTES } from '../keys/scan';
import type { KeyFacts } from '../keys/types';
import { problemMessage } from '../platform/messages';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { pairFromArgument } from './pick-key-pair';

/**
 * Reads a public key file chosen in the explorer. Shows why and returns undefined when the file
 * is not a usable public key (a private key, a broken key, too large to be a key).
 */
export async function publicKeyFromFile(ui: UserInput, uri: vscode.Uri): Promise<KeyFacts | undefined> {
  let text: string;
  try {
    const stat = await fs.promises.stat(uri.fsPath);
    if (stat.size > MAX_KEY_FILE_BYTES) {
      void ui.showErrorMessage(vscode.l10n.t('{0} is too large to be a public key.', uri.fsPath));
      return undefined;
    }
    text = await fs.promises.readFile(uri.fsPath, 'utf8');
  } catch (err) {
    void ui.showErrorMessage(vscode.l10n.t('Cannot read {0}: {1}', uri.fsPath, (err as Error).message));
    return undefined;
  }
  const parsed = parseKeyText(text, 'public');
  const error = parsed.problems.find((p) => p.severity === 'error');
  const key = parsed.keys[0];
  if (error || !key || key.kind === 'private' || !key.openssh) {
    const reason = error ? problemMessage(error) : vscode.l10n.t('no public key found');
    void ui.showErrorMessage(vscode.l10n.t('{0} is not a usable public key: {1}', uri.fsPath, reason));
    return undefined;
  }
  return key;
}

/**
 * One fact of the key a command was run on (an explorer file, a Local Keys item, or a key picked
 * now) and a name for that key. An encrypted private key hides its public facts: `unknown(name)`
 * says so in a warning, and nothing is returned.
 */
export async function keyFact(
  ui: UserInput,
  provider: LocalKeysProvider,
  arg: LocalKeysNode | vscode.Uri | undefined,
  fact: 'openssh' | 'sha256' | 'md5',
  unknown: (name: string) => string,
): Promise<{ value: string; name: string } | undefined> {
  if (arg instanceof vscode.Uri) {
    const value = (await publicKeyFromFile(ui, arg))?.[fact];
    return value ? { value, name: vscode.workspace.asRelativePath(arg) } : undefined;
  }
  const pair = await pairFromArgument(ui, provider, arg, (p) => !!p.facts[fact]);
  if (!pair) return undefined;
  const value = pair.facts[fact];
  if (!value) {
    void ui.showWarningMessage(unknown(pair.name));
    return undefined;
  }
  return { value, name: pair.name };
}
