// Strict base64 as OpenSSH reads it (b64_pton): standard alphabet, `=` padding to a
// multiple of four characters, nothing else. Node's decoder is lenient (it skips bad
// characters and accepts the URL-safe alphabet), so we check before trusting it.

export type Base64Decoding =
  | { ok: true; bytes: Buffer }
  /** A character outside the alphabet (or a misplaced `=`) at `index`. */
  | { ok: false; reason: 'bad-character'; index: number }
  /** Only the end is wrong (missing/extra padding, stray bits); `bytes` is the lenient decoding. */
  | { ok: false; reason: 'bad-padding'; bytes: Buffer };

const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

function isAlphabet(code: number): boolean {
  return code < 128 && ALPHABET[code] === 1;
}

/** Decodes `text` (one base64 token, no whitespace) strictly. */
export function decodeBase64Strict(text: string): Base64Decoding {
  const length = text.length;
  if (length % 4 === 0 && text.indexOf('-') < 0 && text.indexOf('_') < 0) {
    const bytes = Buffer.from(text, 'base64');
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    // Node silently drops characters it cannot decode; a full-length result means there were none.
    if (bytes.length === (length / 4) * 3 - padding) {
      if (!hasStrayBits(text, padding)) return { ok: true, bytes };
      return { ok: false, reason: 'bad-padding', bytes };
    }
  }
  const bad = firstBadCharacter(text);
  if (bad >= 0) return { ok: false, reason: 'bad-character', index: bad };
  return { ok: false, reason: 'bad-padding', bytes: Buffer.from(text, 'base64') };
}

/** Index of the first character that cannot appear where it is, or -1. */
export function firstBadCharacter(text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (isAlphabet(code)) continue;
    if (code !== 0x3d /* = */) return i;
    // `=` is only allowed as the last one or two characters.
    let end = i;
    while (end < length && text.charCodeAt(end) === 0x3d) end++;
    if (end < length) return i; // padding in the middle
    return end - i > 2 ? i + 2 : -1; // a third `=`
  }
  return -1;
}

/** True when the last character carries bits that padding says are unused (OpenSSH rejects it). */
function hasStrayBits(text: string, padding: number): boolean {
  if (padding === 0) return false;
  const last = text.charCodeAt(text.length - 1 - padding);
  const value = base64Value(last);
  return padding === 2 ? (value & 0x0f) !== 0 : (value & 0x03) !== 0;
}

function base64Value(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  return code === 43 ? 62 : 63;
}

/** True for characters of the base64 alphabet or `=`. */
export function isBase64Char(code: number): boolean {
  return isAlphabet(code) || code === 0x3d;
}
