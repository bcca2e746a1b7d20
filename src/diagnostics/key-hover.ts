import * as vscode from 'vscode';
import type { ScanResult } from '../keys/scan';
import { visibleText } from '../keys/visibleText';
import { displayKeyType } from '../keys/key-labels';
import { parsedDocument } from './parsed-documents';

/** Hover on a key line: type, bits, comment, fingerprints, and whether its private half is here. */
export class KeyHoverProvider implements vscode.HoverProvider {
  constructor(private readonly lastScan: () => ScanResult | undefined) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const { keys } = parsedDocument(doc);
    const key = keys.find((k) => position.line >= k.line && position.line <= k.endLine);
    if (!key) return undefined;
    const md = new vscode.MarkdownString();
    const typeAndBits = key.bits ? `${displayKeyType(key)} ${key.bits}` : displayKeyType(key);
    md.appendMarkdown(`**${typeAndBits}** \`${key.type}\`\n\n`);
    if (key.comment) md.appendText(`${vscode.l10n.t('Comment')}: ${visibleText(key.comment)}\n\n`);
    if (key.sha256) md.appendMarkdown(`\`${key.sha256}\`  \n\`${key.md5}\`\n\n`);
    if (key.kind === 'private') {
      md.appendMarkdown(vscode.l10n.t('This is a PRIVATE key. Never share it or paste it into a cloud console.') + '\n\n');
    } else {
      const pair = this.lastScan()?.pairs.find((p) => p.privateKey && p.facts.blobBase64 && p.facts.blobBase64 === key.blobBase64);
      md.appendMarkdown(
        pair?.privateKey
          ? vscode.l10n.t('Its private key is {0}.', pair.privateKey.path)
          : vscode.l10n.t('Its private key is not in your SSH folders.'),
      );
    }
    return new vscode.Hover(md, new vscode.Range(key.line, 0, key.endLine, doc.lineAt(key.endLine).text.length));
  }
}
