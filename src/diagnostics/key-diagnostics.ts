import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { lineRange, makeProblem, MESSAGES } from '../keys/problems';
import type { ScanResult } from '../keys/scan';
import type { KeyFacts, ParsedKeyText, Problem } from '../keys/types';
import { problemMessage } from '../platform/messages';
import { SSH_PUBLIC_KEY_LANGUAGE } from '../keys/key-text-role';
import { parsedDocument } from './parsed-documents';

const DEBOUNCE_MS = 150;
export const DIAGNOSTIC_SOURCE = 'Cloud SSH Keys';

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A parser problem as an editor diagnostic: exact range, translated message, the cause as its code. */
export function toDiagnostic(problem: Problem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    new vscode.Range(problem.line, problem.column, problem.endLine, problem.endColumn),
    problemMessage(problem),
    SEVERITY[problem.severity],
  );
  d.source = DIAGNOSTIC_SOURCE;
  d.code = problem.code;
  return d;
}

/**
 * What the text alone cannot tell: this `.pub` holds another key than the private key it pairs
 * with by name. Compared by key blob, so it follows the user's edits.
 */
function mismatchProblem(file: string, keys: KeyFacts[], scan: ScanResult | undefined): Problem | undefined {
  const first = keys[0];
  if (!first?.blobBase64 || !scan) return undefined;
  const privateFile = file.endsWith('.pub') ? file.slice(0, -'.pub'.length) : undefined;
  const pair = scan.pairs.find((p) => p.privateKey?.path === privateFile || p.publicKey?.path === file);
  const privateKey = pair?.privateKey;
  if (!privateKey?.facts.blobBase64 || privateKey.facts.blobBase64 === first.blobBase64) return undefined;
  const template =
    'This public key does not match the private key {0} beside it, so that private key will not log in where this key is installed. Regenerate the .pub from the private key.';
  const args = [privateKey.path];
  return {
    code: 'pub-mismatch', severity: 'warning', line: first.line, column: 0, endLine: first.endLine, endColumn: Number.MAX_SAFE_INTEGER,
    template, args, message: template.replace('{0}', privateKey.path),
  };
}

/** Whether the file on disk starts with a UTF-8 byte-order mark (which the editor hides from the text). */
export function fileHasByteOrderMark(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const head = Buffer.alloc(3);
    return fs.readSync(fd, head, 0, 3, 0) === 3 && head.equals(Buffer.from([0xef, 0xbb, 0xbf]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Problems of a parsed text plus what only the disk or the scan knows (a hidden BOM, a mismatched private key). */
function problemsOf(file: string | undefined, text: string, parsed: ParsedKeyText, scan: ScanResult | undefined): Problem[] {
  const problems = [...parsed.problems];
  // VS Code strips a BOM from the document text, but ssh-keygen and clouds still see it in the file.
  if (file && text.charCodeAt(0) !== 0xfeff && fileHasByteOrderMark(file)) {
    problems.unshift(makeProblem('bom', 'warning', lineRange(0, 0, 1), MESSAGES.bom));
  }
  const mismatch = file ? mismatchProblem(file, parsed.keys, scan) : undefined;
  if (mismatch) problems.push(mismatch);
  return problems;
}

/**
 * Keeps the Problems panel in step with `.pub` and `authorized_keys` files: open documents as the
 * user types (debounced), and the `.pub` files in the SSH folders even when they are not open.
 */
export class KeyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cloudSshKeys');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Files from the last scan that carry diagnostics while closed. */
  private scannedFiles = new Set<string>();
  private lastScan: ScanResult | undefined;

  constructor() {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.update(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)),
    );
    for (const doc of vscode.workspace.textDocuments) this.update(doc);
  }

  /** Parses an open document now and publishes its diagnostics. */
  update(doc: vscode.TextDocument): void {
    if (doc.languageId !== SSH_PUBLIC_KEY_LANGUAGE) return;
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    const parsed = parsedDocument(doc);
    this.collection.set(doc.uri, problemsOf(file, doc.getText(), parsed, this.lastScan).map(toDiagnostic));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== SSH_PUBLIC_KEY_LANGUAGE) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.update(doc);
    }, DEBOUNCE_MS));
  }

  private closed(doc: vscode.TextDocument): void {
    clearTimeout(this.timers.get(doc.uri.toString()));
    // A closed file from the SSH folders keeps its (scanned) diagnostics; any other file loses them.
    if (!(doc.uri.scheme === 'file' && this.scannedFiles.has(doc.uri.fsPath))) this.collection.delete(doc.uri);
  }

  /** Publishes the problems of every `.pub` the scan found, except files open in an editor. */
  onScan(scan: ScanResult): void {
    this.lastScan = scan;
    const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => d.uri.fsPath));
    const next = new Set<string>();
    for (const pub of scan.publicKeyFiles) {
      next.add(pub.path);
      if (open.has(pub.path)) continue;
      const mismatch = mismatchProblem(pub.path, pub.keys, scan);
      this.collection.set(vscode.Uri.file(pub.path), [...pub.problems, ...(mismatch ? [mismatch] : [])].map(toDiagnostic));
    }
    // Files that disappeared since the last scan lose their diagnostics.
    for (const file of this.scannedFiles) if (!next.has(file) && !open.has(file)) this.collection.delete(vscode.Uri.file(file));
    this.scannedFiles = next;
    for (const doc of vscode.workspace.textDocuments) if (open.has(doc.uri.fsPath)) this.update(doc);
  }

  /** Diagnostics currently published for a file (tests read them). */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
  }
}
