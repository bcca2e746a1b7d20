import * as vscode from 'vscode';
import type { Problem } from '../keys/types';

/** A parser problem in the user's display language (the template is the l10n key). */
export function problemMessage(problem: Problem): string {
  return vscode.l10n.t(problem.template, ...problem.args);
}
