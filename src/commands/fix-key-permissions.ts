// Fix Permissions: chmod 600 a private key (700 an SSH folder) that group or others may read or
// write, which ssh refuses ("UNPROTECTED PRIVATE KEY FILE"). Asks first, naming the file and the
// change; refuses a symlink (its target may be anything) and a file the user does not own.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';

/** The file (or folder) the command was run on: an audit finding, a Local Keys item, or an explorer file. */
function targetOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as (LocalKeysNode & { kind: string }) | { kind: 'folder'; path: string } | undefined;
  if (node?.kind === 'folder') return (node as { path: string }).path;
  if (node?.kind === 'file') return (node as Extract<LocalKeysNode, { kind: 'file' }>).file.path;
  if (node?.kind === 'pair') return (node as Extract<LocalKeysNode, { kind: 'pair' }>).pair.privateKey?.path;
  return undefined;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/** Resolves true when the mode was changed. */
export async function fixKeyPermissions(ui: UserInput, localKeys: LocalKeysProvider, log: vscode.LogOutputChannel, arg?: unknown): Promise<boolean> {
  const target = targetOf(arg);
  if (!target) {
    void ui.showInformationMessage(vscode.l10n.t('Run this on a private key with unsafe permissions (in the Key Audit or Local Keys view).'));
    return false;
  }
  let stat: fs.Stats;
  try {
    stat = await fs.promises.lstat(target);
  } catch (error) {
    void ui.showErrorMessage(vscode.l10n.t('Cannot read {0}: {1}', target, (error as Error).message));
    return false;
  }
  if (stat.isSymbolicLink()) {
    void ui.showErrorMessage(vscode.l10n.t('{0} is a symbolic link: its mode was not changed. Change the mode of the file it points to yourself, if that file is yours.', target));
    return false;
  }
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    void ui.showErrorMessage(vscode.l10n.t('{0} belongs to another user (uid {1}): its mode was not changed.', target, String(stat.uid)));
    return false;
  }
  const wanted = stat.isDirectory() ? 0o700 : 0o600;
  if ((stat.mode & 0o777) === wanted) {
    void ui.showInformationMessage(vscode.l10n.t('{0} already has mode {1}.', target, octal(wanted)));
    return false;
  }
  const change = vscode.l10n.t('Change Mode');
  const choice = await ui.showWarningMessage(
    vscode.l10n.t('Change the mode of {0} from {1} to {2}?', target, octal(stat.mode), octal(wanted)),
    { modal: true, detail: stat.isDirectory() ? vscode.l10n.t('Only you will be able to change what is in the folder.') : vscode.l10n.t('Only you will be able to read and write the key; ssh accepts it then.') },
    change,
  );
  if (choice !== change) return false;
  try {
    await fs.promises.chmod(target, wanted);
  } catch (error) {
    void ui.showErrorMessage(vscode.l10n.t('Cannot change the mode of {0}: {1}', target, (error as Error).message));
    return false;
  }
  log.info(`Changed the mode of ${target} from ${octal(stat.mode)} to ${octal(wanted)}`);
  await localKeys.refresh();
  return true;
}
