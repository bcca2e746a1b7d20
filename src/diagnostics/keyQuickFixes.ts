import * as vscode from 'vscode';
import { fixesFor } from '../keys/fixes';
import { parseKeyText } from '../keys/parse';
import type { ScanResult } from '../keys/scan';
import { DIAGNOSTIC_SOURCE } from './keyDiagnostics';
import { roleForFileName } from './keyTextRole';

/** Quick fixes where the fix is certain, computed by the pure `fixesFor` in src/keys. */
export class KeyQuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly lastScan: () => ScanResult | undefined) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const text = doc.getText();
    const { problems } = parseKeyText(text, roleForFileName(doc.fileName));
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      if (diagnostic.code === 'pub-mismatch') {
        const action = this.regenerateFromPrivateKey(doc, diagnostic);
        if (action) actions.push(action);
        continue;
      }
      const problem = problems.find(
        (p) => p.code === diagnostic.code && p.line === diagnostic.range.start.line && p.column === diagnostic.range.start.character,
      );
      if (!problem) continue;
      for (const fix of fixesFor(text, problem)) {
        const action = new vscode.CodeAction(vscode.l10n.t(fix.template, ...fix.args), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(e.line, e.column, e.endLine, e.endColumn), e.newText);
        action.isPreferred = actions.length === 0;
        actions.push(action);
      }
    }
    return actions;
  }

  /** Replaces the `.pub` text with the public half of the private key beside it (known without its passphrase). */
  private regenerateFromPrivateKey(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const privatePath = doc.fileName.endsWith('.pub') ? doc.fileName.slice(0, -'.pub'.length) : undefined;
    const pair = this.lastScan()?.pairs.find((p) => p.privateKey?.path === privatePath || p.publicKey?.path === doc.fileName);
    const line = pair?.privateKey?.facts.openssh;
    if (!line) return undefined;
    const action = new vscode.CodeAction(vscode.l10n.t('Regenerate the .pub from its private key'), vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.edit = new vscode.WorkspaceEdit();
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    action.edit.replace(doc.uri, whole, `${line}\n`);
    return action;
  }
}
