/**
 * Shows control, bidi-override and zero-width characters as `\uXXXX`, so a key comment or a file
 * name cannot disguise itself (a bidi override reversing text, an escape sequence recolouring a
 * terminal, a zero-width space making two names look equal).
 */
export function visibleText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
