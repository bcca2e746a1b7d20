// parseKeyText: text in, keys and problems out. Handles OpenSSH key lines (with
// authorized_keys options) and certificates here; RFC 4716 / PEM public keys and private keys
// in OpenSSH, PEM, PKCS#8 and PuTTY formats in armored-key.ts. No file I/O, no `vscode`,
// never throws.

import { ContainerResult, readKeyBlock, readPuttyKey } from './armored-key';
import { analyzeBlob, InvalidBlob, ValidBlob } from './blob';
import { decodeBase64Strict, isBase64Char } from './base64';
import { factsFromBlob } from './facts';
import { keyTypeInfo, nearestKeyType } from './keytypes';
import { KeyLineLayout, Span, layoutKeyLine, unknownOptions } from './openssh-line';
import { beginMarker } from './pem';
import { isPuttyKeyStart } from './ppk';
import { MESSAGES, TextRange, describeCharacter, lineRange, makeProblem } from './problems';
import type { KeyFacts, KeyTextRole, ParsedKeyText, Problem, Severity } from './types';

export interface ParseOptions {
  /** The time certificates are checked against (default: now). */
  now?: Date;
}

/** Line breaks as VS Code counts them, so our line numbers match the editor's. */
export const LINE_BREAK = /\r\n|\r|\n/;

/** Splits a text into lines as {@link LINE_BREAK} does; the plain split is much faster when there is no CR. */
export function splitLines(text: string): string[] {
  return text.indexOf('\r') < 0 ? text.split('\n') : text.split(LINE_BREAK);
}

/** Space characters that look like a space but are not one to ssh (pasted from web pages, word processors). */
const SPECIAL_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/;
const SPECIAL_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/**
 * Parses a key text: a `.pub` file, an `authorized_keys` file, a private key, a pasted key.
 * `role` decides what counts as a problem (see {@link KeyTextRole}). Never throws.
 */
export function parseKeyText(text: string, role: KeyTextRole = 'auto', options: ParseOptions = {}): ParsedKeyText {
  try {
    return new KeyTextParser(text, role, options.now ?? new Date()).parse();
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'unknown error';
    return {
      keys: [],
      problems: [makeProblem('internal-error', 'error', lineRange(0, 0, 0), MESSAGES.internalError, [reason])],
    };
  }
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function trimmedEnd(text: string): number {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

function spanText(line: string, span: Span): string {
  return line.slice(span.start, span.end);
}

/** A word that was meant as a key type: a typo of one, or in OpenSSH's naming style. */
function looksLikeTypeWord(word: string): boolean {
  return /^(ssh|ecdsa|sk)-[a-z0-9@.-]+$/i.test(word) || nearestKeyType(word) !== undefined;
}

/** A word with invisible characters spelled out, safe to show in a message. */
function visible(word: string): string {
  return word.replace(/[\p{C}\p{Z}]/gu, (char) => `<${describeCharacter(char)}>`);
}

/** Binary data: NUL bytes, or many control / undecodable characters near the start. */
function looksBinary(text: string): boolean {
  if (text.indexOf('\0') >= 0) return true;
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  const odd = sample.match(/[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g);
  return odd !== null && odd.length > Math.max(2, sample.length * 0.02);
}

class KeyTextParser {
  private readonly lines: string[];
  private readonly keys: KeyFacts[] = [];
  private readonly problems: Problem[] = [];
  /**
   * Public keys and certificates by the base64 of their blob: finds duplicates, and lets a
   * repeated key reuse the fingerprints already computed (hashing is most of the work).
   */
  private readonly seen = new Map<string, KeyFacts>();
  /** Consecutive lines that are not keys, reported together. */
  private unrecognized?: TextRange;
  /** 1 when the text starts with a byte-order mark (skipped on line 0). */
  private readonly bomColumn: number;
  private readonly hasSpecialSpaces: boolean;

  constructor(
    private readonly text: string,
    private readonly role: KeyTextRole,
    private readonly now: Date,
  ) {
    this.lines = splitLines(text);
    this.bomColumn = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.hasSpecialSpaces = SPECIAL_SPACE.test(text);
  }

  parse(): ParsedKeyText {
    if (this.bomColumn) this.report('bom', 'warning', lineRange(0, 0, 1), MESSAGES.bom);
    if (/^[\s\ufeff]*$/.test(this.text)) {
      const authorized = this.role === 'authorized_keys';
      this.report(
        'empty',
        authorized ? 'warning' : 'error',
        this.wholeText(),
        authorized ? MESSAGES.emptyAuthorizedKeys : MESSAGES.empty,
      );
      return this.result();
    }
    if (looksBinary(this.text)) {
      this.report('not-a-key', 'error', this.wholeText(), MESSAGES.binary);
      return this.result();
    }
    this.checkLineEndings();
    for (let index = 0; index < this.lines.length; ) index = this.parseAt(index);
    this.flushUnrecognized();
    if (this.role === 'public' && this.keys.length === 0 && !this.problems.some((p) => p.severity === 'error')) {
      this.report('no-key', 'error', this.wholeText(), MESSAGES.noKey);
    }
    return this.result();
  }

  private result(): ParsedKeyText {
    // Problems are found mostly in order; a stable sort puts the few others in place.
    this.problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { keys: this.keys, problems: this.problems };
  }

  private wholeText(): TextRange {
    const last = this.lines.length - 1;
    return { line: 0, column: 0, endLine: last, endColumn: this.lines[last].length };
  }

  private report(code: string, severity: Severity, range: TextRange, template: string, args: Array<string | number> = []): void {
    this.problems.push(makeProblem(code, severity, range, template, args));
  }

  /** Parses what starts on line `index`; returns the next line to look at. */
  private parseAt(index: number): number {
    const line = this.lines[index];
    const from = index === 0 ? this.bomColumn : 0;
    let first = from;
    while (first < line.length && isBlank(line.charCodeAt(first))) first++;
    if (line.charCodeAt(first) === 0x2d /* - */ && beginMarker(line, first)) {
      this.flushUnrecognized();
      return this.recordContainer(readKeyBlock(this.lines, index, first));
    }
    if (line.charCodeAt(first) === 0x50 /* P */ && isPuttyKeyStart(line, first)) {
      this.flushUnrecognized();
      return this.recordContainer(readPuttyKey(this.lines, index, first));
    }
    // Look-alike spaces become real ones for the layout (same length, so columns hold).
    const work = this.hasSpecialSpaces ? line.replace(SPECIAL_SPACES, ' ') : line;
    const layout = layoutKeyLine(work, from);
    if (layout === 'blank' || layout === 'comment') {
      this.flushUnrecognized();
      return index + 1;
    }
    if (!layout.type && !layout.blob) {
      // `ssh-ed2519 …` with unusable data: the first word still tells what was meant.
      const first = layout.words[0];
      if (layout.words.length > 1 && looksLikeTypeWord(spanText(work, first))) {
        this.flushUnrecognized();
        this.reportUnknownTypeWord(index, work, first);
      } else {
        this.addUnrecognized(index, layout.start, trimmedEnd(line));
      }
      return index + 1;
    }
    this.flushUnrecognized();
    if (work !== line) this.reportSpecialSpace(index, line, layout);
    return this.parseKeyLine(index, work, layout, from);
  }

  // ---- One-line keys ---------------------------------------------------------------

  private parseKeyLine(index: number, line: string, layout: KeyLineLayout, from: number): number {
    if (layout.start > from) {
      this.report('stray-whitespace', 'warning', lineRange(index, from, layout.start), MESSAGES.leadingWhitespace);
    }
    if (layout.tabSeparator) {
      const tab = layout.tabSeparator;
      this.report('stray-whitespace', 'warning', lineRange(index, tab.start, tab.end), MESSAGES.tabSeparator);
    }
    if (layout.options) this.checkOptions(index, line, layout);

    if (!layout.blob) {
      const next = this.joinWrappedKey(index, line, layout, '');
      if (next !== undefined) return next;
      const type = layout.type!;
      this.report('missing-blob', 'error', lineRange(index, type.start, type.end), MESSAGES.missingBlob, [
        spanText(line, type),
      ]);
      return index + 1;
    }

    const blob = layout.blob;
    const blobText = spanText(line, blob);
    const decoded = decodeBase64Strict(blobText);
    if (!decoded.ok && decoded.reason === 'bad-character') {
      const column = blob.start + decoded.index;
      const char = String.fromCodePoint(line.codePointAt(column)!);
      this.checkTypeWord(index, line, layout);
      this.report('bad-base64', 'error', lineRange(index, column, column + char.length), MESSAGES.badBase64, [
        describeCharacter(char),
        column + 1,
      ]);
      return index + 1;
    }
    const bytes = decoded.bytes;
    const analysis = analyzeBlob(bytes, layout.type ? spanText(line, layout.type) : undefined);
    const hasComment = layout.comment.end > layout.comment.start;
    if (!analysis.ok && analysis.failure === 'truncated' && !hasComment) {
      const next = this.joinWrappedKey(index, line, layout, blobText);
      if (next !== undefined) return next;
    }
    if (!analysis.ok) {
      this.reportBlobFailure(analysis, index, line, layout);
      return index + 1;
    }
    if (!decoded.ok) this.reportBadPadding(index, blob, blobText);
    const canonicalText = decoded.ok ? blobText : undefined;
    // The comment comes from the original line: look-alike spaces are only replaced for the layout.
    const comment = spanText(this.lines[index], layout.comment);
    this.finishLineKey(index, index, line, layout, analysis, bytes, canonicalText, comment);
    return index + 1;
  }

  /**
   * A key broken over several lines: `line` ends inside the key data (or right after the
   * type), and the next lines continue the base64. Joins them while the data stays
   * incomplete; succeeds only when the joined data is a complete, valid key.
   */
  private joinWrappedKey(index: number, line: string, layout: KeyLineLayout, prefix: string): number | undefined {
    let joined = prefix;
    for (let next = index + 1; next < this.lines.length; next++) {
      const text = this.lines[next];
      let start = 0;
      while (start < text.length && isBlank(text.charCodeAt(start))) start++;
      let end = start;
      while (end < text.length && isBase64Char(text.charCodeAt(end))) end++;
      if (end === start || (end < text.length && !isBlank(text.charCodeAt(end)))) return undefined;
      joined += text.slice(start, end);
      let commentStart = end;
      while (commentStart < text.length && isBlank(text.charCodeAt(commentStart))) commentStart++;
      const comment = text.slice(commentStart, trimmedEnd(text));

      const decoded = decodeBase64Strict(joined);
      if (!decoded.ok && decoded.reason === 'bad-character') return undefined;
      const analysis = analyzeBlob(decoded.bytes);
      if (analysis.ok) {
        if (!decoded.ok) return undefined;
        this.report(
          'wrapped-key',
          'error',
          { line: index, column: layout.start, endLine: next, endColumn: trimmedEnd(text) },
          MESSAGES.wrappedKey,
          [next - index + 1],
        );
        this.finishLineKey(index, next, line, layout, analysis, decoded.bytes, joined, comment);
        return next + 1;
      }
      if (analysis.failure !== 'truncated' || comment) return undefined;
    }
    return undefined;
  }

  /** Checks the type word against the blob and records the key. */
  private finishLineKey(
    firstLine: number,
    lastLine: number,
    line: string,
    layout: KeyLineLayout,
    analysis: ValidBlob,
    bytes: Buffer,
    blobText: string | undefined,
    comment: string,
  ): void {
    const typeWord = layout.type ? spanText(line, layout.type) : undefined;
    const blobSpan = layout.blob ?? layout.type!;
    if (typeWord === undefined) {
      this.report('missing-type', 'error', lineRange(firstLine, blobSpan.start, blobSpan.end), MESSAGES.missingType, [
        analysis.type,
      ]);
    } else if (typeWord !== analysis.type && !keyTypeInfo(typeWord)) {
      this.report('unknown-type', 'error', lineRange(firstLine, layout.type!.start, layout.type!.end), MESSAGES.unknownTypeFromBlob, [
        visible(typeWord),
        analysis.type,
      ]);
    } else if (typeWord !== analysis.type) {
      this.report('type-mismatch', 'error', lineRange(firstLine, layout.type!.start, layout.type!.end), MESSAGES.typeMismatch, [
        typeWord,
        analysis.type,
      ]);
    }
    const identity = blobText ?? bytes.toString('base64');
    const facts = factsFromBlob(analysis, {
      kind: 'public',
      format: 'openssh',
      comment,
      line: firstLine,
      endLine: lastLine,
      options: layout.options ? spanText(this.lines[firstLine], layout.options) : undefined,
      blob: bytes,
      blobText,
      sameBlobAs: this.seen.get(identity),
    });
    const lastColumn = trimmedEnd(this.lines[lastLine]);
    const keyRange = { line: firstLine, column: layout.start, endLine: lastLine, endColumn: lastColumn };
    const head = layout.type ?? blobSpan;
    this.addKey(facts, keyRange, lineRange(firstLine, head.start, head.end), identity);
  }

  /** When the key data cannot tell the type, an unknown type word is reported on its own. */
  private checkTypeWord(index: number, line: string, layout: KeyLineLayout): void {
    if (layout.type && !keyTypeInfo(spanText(line, layout.type))) this.reportUnknownTypeWord(index, line, layout.type);
  }

  private reportBlobFailure(analysis: InvalidBlob, index: number, line: string, layout: KeyLineLayout): void {
    const blob = layout.blob!;
    const range = lineRange(index, blob.start, blob.end);
    const declared = analysis.declaredType ?? '';
    if (analysis.failure !== 'unknown-type') this.checkTypeWord(index, line, layout);
    switch (analysis.failure) {
      case 'truncated':
        if (declared) this.report('truncated-blob', 'error', range, MESSAGES.truncatedBlob, [declared]);
        else this.report('truncated-blob', 'error', range, MESSAGES.truncatedBlobUnknown);
        return;
      case 'not-ssh-key':
        this.report('bad-blob', 'error', range, MESSAGES.notSshKeyBlob);
        return;
      case 'unknown-type': {
        const typeWord = layout.type ? spanText(line, layout.type) : undefined;
        if (typeWord !== undefined && !keyTypeInfo(typeWord)) this.reportUnknownTypeWord(index, line, layout.type!);
        else this.report('unknown-type', 'error', range, MESSAGES.unsupportedBlobType, [visible(declared)]);
        return;
      }
      case 'bad-key-data':
        this.report('bad-key-data', 'error', range, MESSAGES.badKeyData, [declared, analysis.detail ?? '']);
        return;
      case 'trailing-data':
        this.report('trailing-data', 'error', range, MESSAGES.trailingData, [declared, analysis.detail ?? '']);
        return;
    }
  }

  private reportUnknownTypeWord(index: number, line: string, type: Span): void {
    const word = spanText(line, type);
    const suggestion = nearestKeyType(word);
    const range = lineRange(index, type.start, type.end);
    if (suggestion) this.report('unknown-type', 'error', range, MESSAGES.unknownTypeSuggestion, [visible(word), suggestion]);
    else this.report('unknown-type', 'error', range, MESSAGES.unknownType, [visible(word)]);
  }

  private reportBadPadding(index: number, blob: Span, blobText: string): void {
    const missing = (4 - (blobText.length % 4)) % 4;
    const padded = blobText + '='.repeat(missing);
    const range = lineRange(index, blob.start, blob.end);
    if (missing > 0 && missing < 3 && decodeBase64Strict(padded).ok) {
      this.report('bad-base64', 'error', range, MESSAGES.missingPadding, ['='.repeat(missing)]);
    } else {
      this.report('bad-base64', 'error', range, MESSAGES.badPadding);
    }
  }

  private checkOptions(index: number, line: string, layout: KeyLineLayout): void {
    const options = layout.options!;
    const range = lineRange(index, options.start, options.end);
    if (layout.unterminatedQuote) this.report('bad-options', 'error', range, MESSAGES.unclosedQuote);
    else if (layout.optionsHaveSpace) this.report('bad-options', 'error', range, MESSAGES.spaceInOptions);
    if (this.role === 'public') {
      this.report('options-prefix', 'warning', range, MESSAGES.optionsPrefix, [spanText(line, options)]);
    } else if (this.role === 'authorized_keys' && !layout.unterminatedQuote && !layout.optionsHaveSpace) {
      for (const option of unknownOptions(line, options)) {
        this.report('unknown-option', 'warning', lineRange(index, option.start, option.end), MESSAGES.unknownOption, [
          visible(option.name),
        ]);
      }
    }
  }

  private reportSpecialSpace(index: number, line: string, layout: KeyLineLayout): void {
    const limit = layout.blob ? layout.comment.start : line.length;
    const match = SPECIAL_SPACE.exec(line.slice(0, limit));
    if (!match) return; // only inside the comment, where it is harmless
    this.report('invisible-character', 'error', lineRange(index, match.index, match.index + 1), MESSAGES.invisibleCharacter, [
      describeCharacter(match[0]),
    ]);
  }

  private addUnrecognized(index: number, start: number, end: number): void {
    if (this.unrecognized && this.unrecognized.endLine === index - 1) {
      this.unrecognized.endLine = index;
      this.unrecognized.endColumn = end;
      return;
    }
    this.flushUnrecognized();
    this.unrecognized = { line: index, column: start, endLine: index, endColumn: end };
  }

  private flushUnrecognized(): void {
    if (!this.unrecognized) return;
    this.report('not-a-key', 'error', this.unrecognized, MESSAGES.notAKey);
    this.unrecognized = undefined;
  }

  // ---- Multi-line containers: PEM, RFC 4716, PuTTY -------------------------------------

  /** Records what a container held, with the problems that depend on the role. */
  private recordContainer(result: ContainerResult): number {
    this.problems.push(...result.problems);
    const { facts, range, alternative } = result;
    if (!facts) return result.next;
    if (facts.kind === 'private') {
      if (this.role !== 'auto') {
        this.report('private-key-in-public-file', 'error', range, MESSAGES.privateKeyInPublicFile, [result.marker]);
      } else if (alternative) {
        this.report('alt-format', 'info', range, alternative.template);
      }
    } else if (alternative) {
      if (this.role === 'authorized_keys') this.report('alt-format', 'error', range, MESSAGES.altFormatInAuthorizedKeys, [alternative.name]);
      else this.report('alt-format', 'info', range, alternative.template);
    }
    this.addKey(facts, range, result.headRange, result.identity);
    return result.next;
  }

  // ---- Recording keys ------------------------------------------------------------------

  /**
   * Records a key and checks what concerns the key itself: strength, validity, count, and
   * (for public keys and certificates, identified by the base64 of their blob) duplicates.
   */
  private addKey(facts: KeyFacts, range: TextRange, headRange: TextRange, identity?: string): void {
    this.keys.push(facts);
    if (this.role === 'public' && this.keys.length > 1) {
      this.report('multiple-keys', 'warning', range, MESSAGES.multipleKeys, [this.keys.length]);
    }
    if (facts.keyType === 'ssh-rsa' && facts.bits !== undefined && facts.bits < 2048) {
      if (facts.bits < 1024) this.report('weak-key', 'error', headRange, MESSAGES.refusedRsa, [facts.bits]);
      else this.report('weak-key', 'warning', headRange, MESSAGES.weakRsa, [facts.bits]);
    } else if (facts.keyType === 'ssh-dss') {
      this.report('weak-key', 'warning', headRange, MESSAGES.weakDsa);
    }
    if (facts.certificate) this.checkCertificateValidity(facts, range);
    if (identity !== undefined) {
      const first = this.seen.get(identity);
      if (first === undefined) this.seen.set(identity, facts);
      else this.report('duplicate-key', 'warning', range, MESSAGES.duplicateKey, [first.line + 1]);
    }
  }

  private checkCertificateValidity(facts: KeyFacts, range: TextRange): void {
    const certificate = facts.certificate!;
    const now = this.now.getTime();
    if (certificate.validBefore && Date.parse(certificate.validBefore) <= now) {
      this.report('certificate-expired', 'warning', range, MESSAGES.certificateExpired, [certificate.validBefore]);
    } else if (certificate.validAfter && Date.parse(certificate.validAfter) > now) {
      this.report('certificate-not-yet-valid', 'warning', range, MESSAGES.certificateNotYetValid, [certificate.validAfter]);
    }
  }

  /** One warning for CR / CRLF line endings (the fix converts the whole text). */
  private checkLineEndings(): void {
    const first = this.text.indexOf('\r');
    if (first < 0) return;
    let count = 0;
    for (let at = first; at >= 0; at = this.text.indexOf('\r', at + 1)) count++;
    const before = this.text.slice(0, first).split(LINE_BREAK);
    const line = before.length - 1;
    const column = before[line].length;
    this.report('stray-whitespace', 'warning', lineRange(line, column, column + 1), MESSAGES.carriageReturns, [count]);
  }
}
