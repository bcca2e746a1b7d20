import type * as vscode from 'vscode';
import { parseKeyText } from '../keys/parse';
import type { ParsedKeyText } from '../keys/types';
import { roleForFileName } from './keyTextRole';

const cache = new WeakMap<vscode.TextDocument, { version: number; parsed: ParsedKeyText }>();

/**
 * The parse of a document at its current version. Diagnostics, hover and quick fixes share it, so
 * a 10,000-line authorized_keys file is parsed once per edit, not once per hover or light-bulb.
 */
export function parsedDocument(doc: vscode.TextDocument): ParsedKeyText {
  const hit = cache.get(doc);
  if (hit && hit.version === doc.version) return hit.parsed;
  const parsed = parseKeyText(doc.getText(), roleForFileName(doc.fileName));
  cache.set(doc, { version: doc.version, parsed });
  return parsed;
}
