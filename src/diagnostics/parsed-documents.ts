import type * as vscode from 'vscode';
import { parseKeyText } from '../keys/parse';
import { makeProblem, MESSAGES } from '../keys/problems';
import type { ParsedKeyText } from '../keys/types';
import { roleForFileName } from '../keys/key-text-role';

/** 16 M characters: ~20,000 RSA-4096 lines, far beyond any real authorized_keys; past it, no parse. */
export const MAX_CHECKED_CHARACTERS = 16 * 1024 * 1024;

const cache = new WeakMap<vscode.TextDocument, { version: number; parsed: ParsedKeyText }>();

/**
 * The parse of a document at its current version. Diagnostics, hover and quick fixes share it, so
 * a 10,000-line authorized_keys file is parsed once per edit, not once per hover or light-bulb.
 */
export function parsedDocument(doc: vscode.TextDocument): ParsedKeyText {
  const hit = cache.get(doc);
  if (hit && hit.version === doc.version) return hit.parsed;
  const text = doc.getText();
  const parsed: ParsedKeyText =
    text.length > MAX_CHECKED_CHARACTERS
      ? {
          keys: [],
          problems: [makeProblem('too-large', 'warning', { line: 0, column: 0, endLine: 0, endColumn: 1 }, MESSAGES.tooLargeToCheck, [
            Math.round(text.length / (1024 * 1024)),
          ])],
        }
      : parseKeyText(text, roleForFileName(doc.fileName));
  cache.set(doc, { version: doc.version, parsed });
  return parsed;
}
