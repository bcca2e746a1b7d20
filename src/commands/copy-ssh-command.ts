// Copy SSH Command: `ssh <alias>` (with `-F` when the managed block is not in ssh's default file).
import * as vscode from 'vscode';
import { type ConnectServices, type ReadyConnection, prepareConnection, sshArguments } from './instance-connection';
import { walkthroughStepDone } from '../platform/walkthrough';

export async function copySshCommand(s: ConnectServices, node: unknown): Promise<string | undefined> {
  const ready = await prepareConnection(s, node);
  return ready ? copyCommandFor(s, ready) : undefined;
}

/** A POSIX-shell word: left alone when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function copyCommandFor(s: ConnectServices, ready: ReadyConnection): Promise<string> {
  const command = ['ssh', ...sshArguments(ready)].map(shellWord).join(' ');
  await vscode.env.clipboard.writeText(command);
  void s.ui.showInformationMessage(vscode.l10n.t('Copied: {0}', command));
  walkthroughStepDone('connected');
  return command;
}
