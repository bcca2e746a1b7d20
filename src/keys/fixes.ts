// Quick fixes: text edits for the problems whose fix is certain. Each fix is checked by
// parsing the result before it is offered, so a fix never turns one problem into another.

import { decodeBase64Strict } from './base64';
import { layoutKeyLine, Span } from './openssh-line';
import { parseKeyText, splitLines } from './parse';
import { nearestKeyType } from './keytypes';
import { describeCharacter, renderMessage } from './problems';
import type { KeyTextRole, Problem } from './types';

/** Replace the text between two 0-based positions (end exclusive) with `newText`. */
export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface KeyFix {
  /** English title (`template` with `args` filled in). */
  title: string;
  /** One of {@link FIX_TITLES}, for vscode.l10n.t(template, ...args). */
  template: string;
  args: string[];
  edits: TextEdit[];
  /** False for a guess the text cannot confirm (a type word's nearest spelling when the key data is damaged too). */
  certain: boolean;
}

/** Every fix title template (English), in one place for translation. */
export const FIX_TITLES = {
  removeBom: 'Remove the byte-order mark',
  convertLineEndings: 'Convert line endings to LF',
  replaceTabs: 'Replace tabs with spaces',
  removeLeadingWhitespace: 'Remove the leading whitespace',
  replaceSpecialSpace: 'Replace the special space with a normal space',
  removeOptions: 'Remove the authorized_keys options',
  joinLines: 'Join the key onto one line',
  convertToOpenSsh: 'Convert to the one-line OpenSSH format',
  changeType: 'Change the key type to {0}',
  changeTypeGuess: 'Change the key type to {0} (a guess: the key data is damaged too, so it cannot confirm the type)',
  addType: 'Add the key type {0}',
  removeInvisible: 'Remove the invisible character {0}',
  addPadding: 'Add the missing {0} padding',
} as const;

/** What a fix needs to know of a problem (a VS Code diagnostic carries the same). */
export type ProblemLocation = Pick<Problem, 'code' | 'line' | 'column' | 'endLine' | 'endColumn'>;

const SPECIAL_SPACE = /^[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]$/;
const SPECIAL_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
/** Characters that are invisible and never belong in a key line. */
const INVISIBLE = /^[\u200b-\u200d\u2060\ufeff\u00ad]$/;

/** How many lines of a key fixes look at below the problem (enough for any wrapped key). */
const KEY_WINDOW = 64;

/**
 * The certain fixes for `problem` in `text`: join a wrapped key, remove a .pub options
 * prefix, strip a BOM / stray whitespace / CRs / invisible characters, add missing base64
 * padding, set the key type the key data declares, convert RFC 4716 / PEM to the OpenSSH line.
 * Returns [] when no fix is certain.
 */
export function fixesFor(text: string, problem: ProblemLocation): KeyFix[] {
  const lines = splitLines(text);
  if (problem.line < 0 || problem.line >= lines.length) return [];
  const fix = FIXERS[problem.code]?.(text, lines, problem);
  return fix ? [fix] : [];
}

type Fixer = (text: string, lines: string[], problem: ProblemLocation) => KeyFix | undefined;

const FIXERS: Record<string, Fixer> = {
  bom: (text) => (text.charCodeAt(0) === 0xfeff ? fixWith(FIX_TITLES.removeBom, [], edit(0, 0, 0, 1, '')) : undefined),
  'stray-whitespace': fixStrayWhitespace,
  'invisible-character': fixInvisibleCharacter,
  'options-prefix': fixOptionsPrefix,
  'wrapped-key': fixWrappedKey,
  'alt-format': fixAlternativeFormat,
  'unknown-type': fixTypeWord,
  'type-mismatch': fixTypeWord,
  'missing-type': fixMissingType,
  'bad-base64': fixBase64,
};

function edit(line: number, column: number, endLine: number, endColumn: number, newText: string): TextEdit {
  return { line, column, endLine, endColumn, newText };
}

function fixWith(template: string, args: string[], ...edits: TextEdit[]): KeyFix {
  return { title: renderMessage(template, args), template, args, edits, certain: true };
}

/** True when `line` alone is one key with no errors. */
function isCleanKeyLine(line: string): boolean {
  const parsed = parseKeyText(line, 'authorized_keys');
  return parsed.keys.length === 1 && !parsed.problems.some((p) => p.severity === 'error');
}

function replaceInLine(line: string, span: Span, newText: string): string {
  return line.slice(0, span.start) + newText + line.slice(span.end);
}

function fixStrayWhitespace(text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const line = lines[problem.line];
  if (problem.column >= line.length && text.includes('\r')) {
    // CR / CRLF line endings: convert the whole text (one edit keeps it simple and atomic).
    const last = lines.length - 1;
    return fixWith(FIX_TITLES.convertLineEndings, [], edit(0, 0, last, lines[last].length, text.replace(/\r\n?/g, '\n')));
  }
  const span = { start: problem.column, end: problem.endColumn };
  const selected = line.slice(span.start, span.end);
  if (selected === '' || /[^ \t]/.test(selected)) return undefined;
  if (selected.includes('\t') && problem.column > 0 && /\S/.test(line.slice(0, problem.column).replace('\ufeff', ''))) {
    // A tab between the parts: replace every separator before the comment with one space.
    const layout = layoutKeyLine(line, problem.line === 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0);
    if (typeof layout !== 'object') return undefined;
    const parts = [layout.options, layout.type, layout.blob].filter((s): s is Span => s !== undefined);
    if (layout.comment.end > layout.comment.start) parts.push(layout.comment);
    const edits: TextEdit[] = [];
    for (let i = 1; i < parts.length; i++) {
      const gap = line.slice(parts[i - 1].end, parts[i].start);
      if (gap.includes('\t')) edits.push(edit(problem.line, parts[i - 1].end, problem.line, parts[i].start, ' '));
    }
    return edits.length ? fixWith(FIX_TITLES.replaceTabs, [], ...edits) : undefined;
  }
  return fixWith(FIX_TITLES.removeLeadingWhitespace, [], edit(problem.line, span.start, problem.line, span.end, ''));
}

function fixInvisibleCharacter(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const line = lines[problem.line];
  if (!SPECIAL_SPACE.test(line.slice(problem.column, problem.endColumn))) return undefined;
  // Replace every look-alike space of the key part (the comment may keep its own).
  const normalized = line.replace(SPECIAL_SPACES, ' ');
  const layout = layoutKeyLine(normalized);
  const limit = typeof layout === 'object' && layout.blob ? layout.comment.start : line.length;
  const edits: TextEdit[] = [];
  for (let column = problem.column; column < limit; column++) {
    if (SPECIAL_SPACE.test(line[column])) edits.push(edit(problem.line, column, problem.line, column + 1, ' '));
  }
  return fixWith(FIX_TITLES.replaceSpecialSpace, [], ...edits);
}

function fixOptionsPrefix(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const line = lines[problem.line];
  const layout = layoutKeyLine(line, problem.line === 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (typeof layout !== 'object' || !layout.options) return undefined;
  const next = layout.type ?? layout.blob;
  if (!next) return undefined;
  return fixWith(FIX_TITLES.removeOptions, [], edit(problem.line, layout.options.start, problem.line, next.start, ''));
}

function fixWrappedKey(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  if (problem.endLine <= problem.line || problem.endLine >= lines.length) return undefined;
  const first = lines[problem.line].slice(problem.column).trimEnd();
  const layout = layoutKeyLine(first);
  if (typeof layout !== 'object') return undefined;
  // A break inside the key data joins directly; a break right after the type needs a space.
  let joined = first + (layout.blob ? '' : ' ');
  for (let index = problem.line + 1; index <= problem.endLine; index++) {
    const part = index === problem.endLine ? lines[index].slice(0, problem.endColumn) : lines[index];
    joined += part.trim();
  }
  if (!isCleanKeyLine(joined)) return undefined;
  return fixWith(FIX_TITLES.joinLines, [], edit(problem.line, problem.column, problem.endLine, problem.endColumn, joined));
}

function fixAlternativeFormat(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const block = textOfRange(lines, problem);
  const parsed = parseKeyText(block, 'auto');
  const key = parsed.keys[0];
  if (parsed.keys.length !== 1 || key.kind !== 'public' || !key.openssh) return undefined;
  return fixWith(FIX_TITLES.convertToOpenSsh, [], edit(problem.line, problem.column, problem.endLine, problem.endColumn, key.openssh));
}

/** The type the key data starting on `line` declares, from a parse of the lines around it. */
function declaredType(lines: string[], line: number): string | undefined {
  const window = lines.slice(line, line + KEY_WINDOW).join('\n');
  return parseKeyText(window, 'authorized_keys').keys.find((key) => key.line === 0)?.type;
}

function fixTypeWord(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const type = declaredType(lines, problem.line);
  const word = lines[problem.line].slice(problem.column, problem.endColumn);
  if (word.startsWith('AAAA')) return undefined;
  if (!type) {
    // The data cannot say its type, so the diagnostic's "Did you mean" is offered as the guess it is.
    const guess = problem.code === 'unknown-type' ? nearestKeyType(word) : undefined;
    if (!guess || guess === word) return undefined;
    return { ...fixWith(FIX_TITLES.changeTypeGuess, [guess], edit(problem.line, problem.column, problem.line, problem.endColumn, guess)), certain: false };
  }
  if (word === type) return undefined;
  return fixWith(FIX_TITLES.changeType, [type], edit(problem.line, problem.column, problem.line, problem.endColumn, type));
}

function fixMissingType(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const type = declaredType(lines, problem.line);
  if (!type) return undefined;
  return fixWith(FIX_TITLES.addType, [type], edit(problem.line, problem.column, problem.line, problem.column, `${type} `));
}

function fixBase64(_text: string, lines: string[], problem: ProblemLocation): KeyFix | undefined {
  const line = lines[problem.line];
  const selected = line.slice(problem.column, problem.endColumn);
  // An invisible character inside the key data: removing it must give a valid key.
  if (INVISIBLE.test(selected) || SPECIAL_SPACE.test(selected)) {
    const repaired = replaceInLine(line, { start: problem.column, end: problem.endColumn }, '');
    if (!isCleanKeyLine(repaired)) return undefined;
    return fixWith(
      FIX_TITLES.removeInvisible,
      [describeCharacter(selected)],
      edit(problem.line, problem.column, problem.line, problem.endColumn, ''),
    );
  }
  // Missing `=` padding at the end of the key data.
  if (selected.startsWith('AAAA') && selected.length % 4 !== 0) {
    const padding = '='.repeat(4 - (selected.length % 4));
    if (padding.length > 2 || !decodeBase64Strict(selected + padding).ok) return undefined;
    const repaired = replaceInLine(line, { start: problem.endColumn, end: problem.endColumn }, padding);
    if (!isCleanKeyLine(repaired)) return undefined;
    return fixWith(FIX_TITLES.addPadding, [padding], edit(problem.line, problem.endColumn, problem.line, problem.endColumn, padding));
  }
  return undefined;
}

function textOfRange(lines: string[], range: ProblemLocation): string {
  if (range.line === range.endLine) return lines[range.line].slice(range.column, range.endColumn);
  const parts = [lines[range.line].slice(range.column)];
  for (let index = range.line + 1; index < range.endLine; index++) parts.push(lines[index]);
  parts.push(lines[range.endLine].slice(0, range.endColumn));
  return parts.join('\n');
}

/**
 * Applies edits (0-based positions in the line model of {@link fixesFor}: lines end at
 * `\r\n`, `\r` or `\n`) to `text`. Edits must not overlap.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) starts.push(match.index + match[0].length);
  const lineEnd = (line: number) => (line + 1 < starts.length ? starts[line + 1] : text.length);
  const offset = (line: number, column: number) => Math.min(starts[Math.min(line, starts.length - 1)] + column, lineEnd(line));
  const sorted = edits
    .map((e) => ({ start: offset(e.line, e.column), end: offset(e.endLine, e.endColumn), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const e of sorted) result = result.slice(0, e.start) + e.newText + result.slice(e.end);
  return result;
}

/**
 * Every certain fix of a key file at once (Fix All): parse, apply the one fix of the first problem
 * that has exactly one (a choice between fixes is the user's), parse again, until none is left.
 * A guess (a type word's nearest spelling) is taken only when the fixes after it leave a key with no
 * error at all: the repaired key data then declares the type itself, which confirms the guess.
 * Line endings are the editor's to change, not the text's, so that fix is left out here.
 */
export function fixAll(text: string, role: KeyTextRole): { text: string; applied: string[] } {
  return fixAllFrom(text, role, true);
}

function fixAllFrom(text: string, role: KeyTextRole, mayGuess: boolean): { text: string; applied: string[] } {
  const applied: string[] = [];
  let current = text;
  // Each round removes a problem; the bound stops a fix that would bring its problem back.
  for (let round = 0; round < 50; round++) {
    const { problems } = parseKeyText(current, role);
    let next: KeyFix | undefined;
    const guesses: KeyFix[] = [];
    for (const problem of problems) {
      const fixes = fixesFor(current, problem).filter((f) => f.template !== FIX_TITLES.convertLineEndings && f.template !== FIX_TITLES.removeBom);
      if (fixes.length === 1 && fixes[0].certain) {
        next = fixes[0];
        break;
      }
      if (fixes.length === 1) guesses.push(fixes[0]);
    }
    if (!next && mayGuess) {
      for (const guess of guesses) {
        const rest = fixAllFrom(applyEdits(current, guess.edits), role, false);
        if (!parseKeyText(rest.text, role).problems.some((p) => p.severity === 'error')) {
          return { text: rest.text, applied: [...applied, guess.title, ...rest.applied] };
        }
      }
    }
    if (!next) break;
    const fixed = applyEdits(current, next.edits);
    if (fixed === current) break;
    current = fixed;
    applied.push(next.title);
  }
  return { text: current, applied };
}
