import * as vscode from 'vscode';
import type { Problem } from '../keys/types';

/** A parser problem in the user's display language (the template is the l10n key). */
export function problemMessage(problem: Problem): string {
  return vscode.l10n.t(problem.template, ...problem.args);
}

/** Shows an error with a "Show Log" action that opens the log with the details. */
export async function showErrorWithLog(message: string, log: vscode.LogOutputChannel): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(message, showLog);
  if (choice === showLog) log.show(true);
}
