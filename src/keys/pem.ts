// Reading armored blocks: PEM (`-----BEGIN X-----`, RFC 7468 with RFC 1421 headers) and
// RFC 4716 (`---- BEGIN SSH2 PUBLIC KEY ----` with `Tag: value` headers and `\` continuations).

import { isBase64Char } from './base64';

export interface BlockHeader {
  name: string;
  value: string;
  line: number;
}

export interface BodyLine {
  line: number;
  /** Column of `text` on its line. */
  column: number;
  text: string;
}

export interface ArmoredBlock {
  style: 'pem' | 'rfc4716';
  /** `OPENSSH PRIVATE KEY`, `PUBLIC KEY`, … (`SSH2 PUBLIC KEY` for RFC 4716). */
  label: string;
  beginLine: number;
  beginColumn: number;
  /** Last line that belongs to the block (the END line when found). */
  endLine: number;
  /** End column of the last line's content. */
  endColumn: number;
  /** True when a matching END line was found. */
  complete: boolean;
  headers: BlockHeader[];
  bodyLines: BodyLine[];
}

const PEM_BEGIN = /^-----BEGIN ([A-Z0-9][A-Z0-9 ]*?)-----\s*$/;
const RFC4716_BEGIN = /^---- BEGIN (SSH2 [A-Z ]+?) ----\s*$/;
const HEADER = /^([A-Za-z0-9-]{1,64}):\s?(.*)$/;

/** If `line` (from column `column`) is a BEGIN marker, its style and label. */
export function beginMarker(line: string, column: number): { style: 'pem' | 'rfc4716'; label: string } | undefined {
  const text = line.slice(column);
  if (!text.startsWith('----')) return undefined;
  let match = PEM_BEGIN.exec(text);
  if (match) return { style: 'pem', label: match[1] };
  match = RFC4716_BEGIN.exec(text);
  if (match) return { style: 'rfc4716', label: match[1] };
  return undefined;
}

function isEndMarker(text: string, style: 'pem' | 'rfc4716'): boolean {
  return style === 'pem' ? text.startsWith('-----END ') : text.startsWith('---- END ');
}

function trimmedEnd(text: string): number {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

/**
 * Reads the block whose BEGIN marker is on `lines[start]` at `column`. Stops at the END
 * marker, or (when it is missing) before the next BEGIN marker or a line that cannot be
 * part of a block (one with spaces inside), so a cut-off key does not swallow the file.
 */
export function readArmoredBlock(lines: readonly string[], start: number, column: number): ArmoredBlock {
  const marker = beginMarker(lines[start], column)!;
  const block: ArmoredBlock = {
    style: marker.style,
    label: marker.label,
    beginLine: start,
    beginColumn: column,
    endLine: start,
    endColumn: trimmedEnd(lines[start]),
    complete: false,
    headers: [],
    bodyLines: [],
  };
  let inHeaders = true;
  let continuing: BlockHeader | undefined;
  for (let index = start + 1; index < lines.length; index++) {
    const raw = lines[index];
    let first = 0;
    while (first < raw.length && (raw[first] === ' ' || raw[first] === '\t')) first++;
    const end = trimmedEnd(raw);
    const text = raw.slice(first, end);
    if (continuing) {
      // RFC 4716: a header value ending in `\` continues on the next line.
      const more = text.endsWith('\\');
      continuing.value += more ? text.slice(0, -1) : text;
      if (!more) continuing = undefined;
      block.endLine = index;
      block.endColumn = end;
      continue;
    }
    if (isEndMarker(text, block.style)) {
      block.endLine = index;
      block.endColumn = end;
      block.complete = text === (block.style === 'pem' ? `-----END ${block.label}-----` : `---- END ${block.label} ----`);
      return block;
    }
    if (beginMarker(raw, first)) return block;
    if (text === '') {
      inHeaders = false; // PEM: a blank line ends the RFC 1421 headers
      continue;
    }
    const header = inHeaders ? HEADER.exec(text) : null;
    if (header) {
      const value = header[2];
      const entry = { name: header[1], value: value.endsWith('\\') ? value.slice(0, -1) : value, line: index };
      block.headers.push(entry);
      if (value.endsWith('\\')) continuing = entry;
    } else {
      if (/\s/.test(text)) return block; // not base64: the END line is missing
      inHeaders = false;
      block.bodyLines.push({ line: index, column: first, text });
    }
    block.endLine = index;
    block.endColumn = end;
  }
  return block;
}

/** The value of a header (case-insensitive name), without surrounding quotes. */
export function headerValue(block: ArmoredBlock, name: string): string | undefined {
  const header = block.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!header) return undefined;
  const value = header.value.trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

export type BodyDecoding =
  | { ok: true; bytes: Buffer }
  | { ok: false; line: number; column: number; char: string }
  | { ok: false; padding: true };

/** Decodes base64 spread over lines (a block body), locating the first bad character exactly. */
export function decodeBodyLines(bodyLines: readonly BodyLine[]): BodyDecoding {
  const lastLine = bodyLines.length - 1;
  for (let l = 0; l <= lastLine; l++) {
    const { text, line, column } = bodyLines[l];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // `=` may only end the body.
      const misplacedPadding = code === 0x3d && (l !== lastLine || /[^=]/.test(text.slice(i)));
      if (!isBase64Char(code) || misplacedPadding) {
        return { ok: false, line, column: column + i, char: String.fromCodePoint(text.codePointAt(i)!) };
      }
    }
  }
  const joined = bodyLines.map((b) => b.text).join('');
  if (joined.length % 4 !== 0 || joined.endsWith('===')) return { ok: false, padding: true };
  return { ok: true, bytes: Buffer.from(joined, 'base64') };
}

/** Rebuilds a clean PEM text (for Node's crypto, which wants well-formed PEM). */
export function cleanPem(block: ArmoredBlock): string {
  const headers = block.headers.map((h) => `${h.name}: ${h.value}\n`).join('');
  const body = block.bodyLines.map((b) => b.text).join('');
  const wrapped = body.match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN ${block.label}-----\n${headers}${headers ? '\n' : ''}${wrapped}\n-----END ${block.label}-----\n`;
}
