// Splitting one `authorized_keys` / `.pub` line into its parts:
//   [options] type base64 [comment]
// Only the layout is decided here (which columns hold what); decoding happens in parse.ts.
// Written as plain index scanning because it runs once per line of large files.

import { keyTypeInfo } from './keytypes';

/** Column span `[start, end)` on a line. */
export interface Span {
  start: number;
  end: number;
}

export interface KeyLineLayout {
  /** First non-blank column. */
  start: number;
  /** The options prefix (`from="…",no-pty`), when present. */
  options?: Span;
  /** More than one whitespace-separated word before the type: sshd would read the second as the type. */
  optionsHaveSpace: boolean;
  /** The options have an opening `"` that is never closed. */
  unterminatedQuote: boolean;
  /** The type word (`ssh-ed25519`), when present. */
  type?: Span;
  /** The base64 key data, when present. */
  blob?: Span;
  /** The comment after the key data (trailing whitespace excluded); empty span when none. */
  comment: Span;
  /** The first run of separating whitespace (before the comment) that contains a tab. */
  tabSeparator?: Span;
  /** Words of a line that has no key data and no known type. */
  words: Span[];
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** True when a word is the start of base64 key data: every SSH blob starts with a 4-byte length < 2^24, i.e. "AAAA". */
export function looksLikeBlob(line: string, span: Span): boolean {
  return span.end - span.start >= 8 && line.startsWith('AAAA', span.start);
}

/** sshd's authorized_keys options (auth-options.c), lower case. */
const KNOWN_OPTIONS = new Set([
  'agent-forwarding',
  'cert-authority',
  'command',
  'environment',
  'expiry-time',
  'from',
  'no-agent-forwarding',
  'no-port-forwarding',
  'no-pty',
  'no-user-rc',
  'no-x11-forwarding',
  'no-touch-required',
  'permitlisten',
  'permitopen',
  'port-forwarding',
  'principals',
  'pty',
  'restrict',
  'tunnel',
  'user-rc',
  'verify-required',
  'x11-forwarding',
]);

/** True when a word reads like an options list (`no-pty`, `from="…"`, `restrict,command="…"`). */
export function looksLikeOptions(word: string): boolean {
  if (word.includes('="')) return true;
  const first = word.split(',', 1)[0].toLowerCase();
  return KNOWN_OPTIONS.has(first);
}

/** Splits an options prefix into option names with their column, honouring quoted values. */
export function optionNames(line: string, span: Span): Array<{ name: string; start: number; end: number }> {
  const names: Array<{ name: string; start: number; end: number }> = [];
  let i = span.start;
  while (i < span.end) {
    const nameStart = i;
    while (i < span.end && line.charCodeAt(i) !== 0x2c /* , */ && line.charCodeAt(i) !== 0x3d /* = */) i++;
    names.push({ name: line.slice(nameStart, i), start: nameStart, end: i });
    if (line.charCodeAt(i) === 0x3d) {
      i++;
      if (line.charCodeAt(i) === QUOTE) i = skipQuoted(line, i, span.end);
      while (i < span.end && line.charCodeAt(i) !== 0x2c) i++;
    }
    i++; // the comma
  }
  return names;
}

/** The option names sshd does not know (as it would reject the line for). */
export function unknownOptions(line: string, span: Span): Array<{ name: string; start: number; end: number }> {
  return optionNames(line, span).filter((option) => !KNOWN_OPTIONS.has(option.name.toLowerCase()));
}

/** Index just past the closing quote of a quoted value starting at `open`, or `limit` if unterminated. */
function skipQuoted(line: string, open: number, limit: number): number {
  let i = open + 1;
  while (i < limit) {
    const code = line.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === QUOTE) return i + 1;
    else i++;
  }
  return limit;
}

/** End of the word starting at `start`: the next blank outside double quotes. */
function wordEnd(line: string, start: number, state: { unterminatedQuote: boolean; quotes: boolean }): number {
  const length = line.length;
  let space = line.indexOf(' ', start);
  let tab = line.indexOf('\t', start);
  if (space < 0) space = length;
  if (tab < 0) tab = length;
  const plainEnd = space < tab ? space : tab;
  const quote = line.indexOf('"', start);
  if (!state.quotes || quote < 0 || quote >= plainEnd) return plainEnd;
  // Slow path: the word holds a quoted value (options), which may contain blanks.
  let i = start;
  while (i < length) {
    const code = line.charCodeAt(i);
    if (isBlank(code)) return i;
    if (code === QUOTE) {
      const closed = skipQuoted(line, i, length);
      if (closed === length && line.charCodeAt(length - 1) !== QUOTE) state.unterminatedQuote = true;
      i = closed;
    } else i++;
  }
  return length;
}

/**
 * Finds the parts of a key line. Returns `blank` / `comment` for lines that hold no key.
 * `from` is where scanning starts (1 to skip a byte-order mark).
 */
export function layoutKeyLine(line: string, from = 0): KeyLineLayout | 'blank' | 'comment' {
  const layout = layoutWithQuotes(line, from, true);
  if (typeof layout === 'object' && layout.unterminatedQuote && !layout.type && !layout.blob) {
    // An unclosed quote swallowed the rest of the line: find the key as if quotes were plain characters.
    const plain = layoutWithQuotes(line, from, false) as KeyLineLayout;
    plain.unterminatedQuote = true;
    return plain;
  }
  return layout;
}

function layoutWithQuotes(line: string, from: number, quotes: boolean): KeyLineLayout | 'blank' | 'comment' {
  const length = line.length;
  let i = from;
  while (i < length && isBlank(line.charCodeAt(i))) i++;
  if (i === length) return 'blank';
  if (line.charCodeAt(i) === 0x23 /* # */) return 'comment';

  const start = i;
  const state = { unterminatedQuote: false, quotes };
  const words: Span[] = [];
  let tabSeparator: Span | undefined;
  let blobIndex = -1;
  while (i < length) {
    const end = wordEnd(line, i, state);
    words.push({ start: i, end });
    if (looksLikeBlob(line, words[words.length - 1])) {
      blobIndex = words.length - 1;
      break;
    }
    i = end;
    const gapStart = i;
    let sawTab = false;
    for (let code = line.charCodeAt(i); code === SPACE || code === TAB; code = line.charCodeAt(++i)) sawTab ||= code === TAB;
    if (sawTab && !tabSeparator && i < length) tabSeparator = { start: gapStart, end: i };
  }

  const layout: KeyLineLayout = {
    start,
    optionsHaveSpace: false,
    unterminatedQuote: state.unterminatedQuote,
    comment: { start: length, end: length },
    tabSeparator,
    words: [],
  };

  let typeIndex: number;
  if (blobIndex >= 0) {
    layout.blob = words[blobIndex];
    typeIndex = blobIndex - 1;
    // `no-pty AAAA…`: the word before the data is options, the type is missing.
    if (typeIndex >= 0 && !keyTypeInfo(slice(line, words[typeIndex])) && looksLikeOptions(slice(line, words[typeIndex]))) {
      typeIndex = blobIndex;
    }
  } else {
    typeIndex = words.findIndex((word) => keyTypeInfo(slice(line, word)) !== undefined);
    if (typeIndex < 0) {
      layout.words = words;
      return layout;
    }
    if (typeIndex + 1 < words.length) layout.blob = words[typeIndex + 1];
  }
  if (typeIndex >= 0 && typeIndex < words.length && words[typeIndex] !== layout.blob) layout.type = words[typeIndex];
  if (typeIndex > 0) {
    layout.options = { start: words[0].start, end: words[typeIndex - 1].end };
    layout.optionsHaveSpace = typeIndex > 1;
  }

  if (layout.blob) {
    let c = layout.blob.end;
    while (c < length && isBlank(line.charCodeAt(c))) c++;
    let e = length;
    while (e > c && /\s/.test(line[e - 1])) e--;
    layout.comment = { start: c, end: e };
    if (!layout.tabSeparator && c < e && line.slice(layout.blob.end, c).includes('\t')) {
      layout.tabSeparator = { start: layout.blob.end, end: c };
    }
  }
  return layout;
}

function slice(line: string, span: Span): string {
  return line.slice(span.start, span.end);
}
