/**
 * Characters that can disguise text: C0 and C1 controls (ESC sequences recolour or clear a
 * terminal, CR/LF forge lines), DEL, bidi marks, embeddings, overrides and isolates (reversing
 * text), zero-width and other invisible characters (making two names look equal), the line and
 * paragraph separators, lone surrogates, and the invisible tag characters U+E0000–U+E007F.
 */
const DISGUISING =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\u{e0000}-\u{e007f}]/gu;

/**
 * Shows control, bidi and invisible characters (see DISGUISING) as `\uXXXX` (`\u{XXXXX}` above
 * U+FFFF), so a key comment, a file name or a cloud's answer cannot disguise itself. Its output
 * has none of them, so escaping twice changes nothing.
 */
export function visibleText(text: string): string {
  return text.replace(DISGUISING, (c) => {
    const code = c.codePointAt(0)!;
    const hex = code.toString(16);
    return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/**
 * `JSON.stringify` with the same characters written as JSON `\uXXXX` escapes: every value parses
 * back exactly, and the bytes printed hide nothing (JSON.stringify leaves U+202E and the like raw).
 */
export function visibleJson(value: unknown, indent?: number): string {
  // JSON.stringify escapes C0 controls in strings already, so those left are the indentation's
  // newlines; the others can only be in strings, where a JSON escape means the same character.
  return JSON.stringify(value, null, indent).replace(DISGUISING, (c) =>
    c < ' ' ? c : Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
