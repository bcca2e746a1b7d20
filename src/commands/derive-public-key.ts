import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { derivePublicKey as deriveFromText } from '../keys/derive';
import { MAX_KEY_FILE_BYTES } from '../keys/scan';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { pairFromArgument } from './pick-key-pair';

/** Where the private key is: an explorer file, a Local Keys item, or one the user picks. */
async function privateKeyPath(ui: UserInput, provider: LocalKeysProvider, arg?: LocalKeysNode | vscode.Uri): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg?.kind === 'file' && arg.role === 'private') return arg.file.path;
  const pair = await pairFromArgument(ui, provider, arg, (p) => !!p.privateKey, vscode.l10n.t('Select a private key'));
  return pair?.privateKey?.path;
}

/**
 * Derives the public key from a private key (asking for its passphrase where needed) and writes
 * it as `<private>.pub` when that file does not exist yet; otherwise shows it without overwriting.
 */
export async function derivePublicKey(
  ui: UserInput,
  provider: LocalKeysProvider,
  log: vscode.LogOutputChannel,
  arg?: LocalKeysNode | vscode.Uri,
): Promise<string | undefined> {
  const file = await privateKeyPath(ui, provider, arg);
  if (!file) return undefined;
  let text: string;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile() || stat.size > MAX_KEY_FILE_BYTES) throw new Error(vscode.l10n.t('not a key file'));
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    void ui.showErrorMessage(vscode.l10n.t('Cannot read {0}: {1}', file, (err as Error).message));
    return undefined;
  }
  let result = deriveFromText(text);
  while (!result.ok && (result.reason === 'needs-passphrase' || result.reason === 'wrong-passphrase')) {
    const entered = await ui.showInputBox({
      title: vscode.l10n.t('Passphrase for {0}', file),
      prompt: result.reason === 'wrong-passphrase' ? vscode.l10n.t('That passphrase is wrong; try again.') : undefined,
      password: true,
      ignoreFocusOut: true,
    });
    if (entered === undefined) return undefined; // cancelled: say nothing
    result = deriveFromText(text, entered);
    if (!result.ok && result.reason === 'needs-passphrase') result = { ...result, reason: 'wrong-passphrase' };
  }
  if (!result.ok) {
    void ui.showErrorMessage(vscode.l10n.t('Cannot derive the public key of {0}: {1}', file, vscode.l10n.t(result.template, ...result.args)));
    return undefined;
  }
  const line = result.key.openssh!;
  const publicPath = `${file}.pub`;
  try {
    await fs.promises.writeFile(publicPath, `${line}\n`, { flag: 'wx', mode: 0o644 });
    log.info(`Derived ${publicPath} (${result.key.sha256})`);
    await provider.refresh();
    void ui.showInformationMessage(vscode.l10n.t('Wrote the public key to {0} ({1}).', publicPath, result.key.sha256 ?? ''));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') log.warn(`Could not write ${publicPath}: ${(err as Error).message}`);
    // Never overwrite an existing .pub: show the derived key instead, and let the user decide.
    const doc = await vscode.workspace.openTextDocument({ content: `${line}\n`, language: 'ssh-public-key' });
    await vscode.window.showTextDocument(doc, { preview: true });
    void ui.showInformationMessage(
      vscode.l10n.t('{0} was not written (it exists or the folder is read-only); the derived public key is shown in an editor.', publicPath),
    );
  }
  return line;
}
