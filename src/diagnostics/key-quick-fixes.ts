import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { FIX_TITLES, fixAll, fixesFor } from '../keys/fixes';
import { roleForFileName } from '../keys/key-text-role';
import type { ScanResult } from '../keys/scan';
import { DIAGNOSTIC_SOURCE } from './key-diagnostics';
import { parsedDocument } from './parsed-documents';

export const REMOVE_BOM_COMMAND = 'cloudSshKeys.removeByteOrderMark';

/** Rewrites a file without its UTF-8 byte-order mark; the editor reloads it from disk. */
export async function removeByteOrderMark(uri: vscode.Uri): Promise<boolean> {
  const bytes = await fs.promises.readFile(uri.fsPath);
  if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return false;
  await fs.promises.writeFile(uri.fsPath, bytes.subarray(3));
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc && !doc.isDirty) {
    // Reopen so the editor drops its "UTF-8 with BOM" encoding and would not write the BOM back.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  return true;
}

export const USE_LF_COMMAND = 'cloudSshKeys.useLfLineEndings';

/** Switches an open document to LF line endings (the user saves it, as after any quick fix). */
export async function useLfLineEndings(uri: vscode.Uri): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, [vscode.TextEdit.setEndOfLine(vscode.EndOfLine.LF)]);
  return vscode.workspace.applyEdit(edit);
}

/** Quick fixes where the fix is certain, computed by the pure `fixesFor` in src/keys. */
export class KeyQuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.SourceFixAll],
  };

  constructor(private readonly lastScan: () => ScanResult | undefined) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    // Fix All (source.fixAll, also "Fix all" on save when the user enables it): every certain fix at once.
    if (context.only && vscode.CodeActionKind.SourceFixAll.contains(context.only)) return this.fixAllAction(doc);
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const text = doc.getText();
    const { problems } = parsedDocument(doc);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      if (diagnostic.code === 'bom' && text.charCodeAt(0) !== 0xfeff) {
        // The editor hides the BOM from the text, so no text edit can remove it: rewrite the file.
        const action = new vscode.CodeAction(vscode.l10n.t('Remove the byte-order mark'), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { command: REMOVE_BOM_COMMAND, title: action.title, arguments: [doc.uri] };
        actions.push(action);
        continue;
      }
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
        if (fix.template === FIX_TITLES.convertLineEndings) {
          // The editor keeps a document's line-ending style whatever text is written: switch the style itself.
          action.command = { command: USE_LF_COMMAND, title: action.title, arguments: [doc.uri] };
        } else {
          action.edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(e.line, e.column, e.endLine, e.endColumn), e.newText);
        }
        action.isPreferred = fix.certain && actions.length === 0;
        actions.push(action);
      }
    }
    // Several problems: Fix All after the single fixes, so a pasted key is not one round of Ctrl+. per problem.
    if (ours.length > 1) actions.push(...this.fixAllAction(doc));
    return actions;
  }

  /** One action applying every certain fix (as one edit of the whole text), when there are any. */
  private fixAllAction(doc: vscode.TextDocument): vscode.CodeAction[] {
    const text = doc.getText();
    const { text: fixed, applied } = fixAll(text, roleForFileName(doc.fileName));
    if (applied.length === 0 || fixed === text) return [];
    const action = new vscode.CodeAction(vscode.l10n.t('Fix all certain key problems ({0})', applied.length), vscode.CodeActionKind.SourceFixAll);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), fixed);
    return [action];
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
