// Building `Problem`s, and every English message template in one place (so the VS Code
// layer can translate them with vscode.l10n.t(template, ...args)).

import type { Problem, Severity } from './types';

/** A 0-based range; `endColumn` is exclusive. */
export interface TextRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The message templates. `{0}`, `{1}` are filled from `Problem.args`. */
export const MESSAGES = {
  tooLargeToCheck:
    'This file is too large to check ({0} MB; a key file or an authorized_keys file is far smaller). Check that it is the file you meant.',
  empty: 'The file is empty. Paste a public key (one line such as "ssh-ed25519 AAAA… comment") or generate a key pair.',
  emptyAuthorizedKeys:
    'This authorized_keys file holds no keys, so nobody can log in with a key. Add one public key per line.',
  noKey: 'The file holds no key, only comments or blank lines. A .pub file needs one line such as "ssh-ed25519 AAAA… comment".',
  notAKey:
    'This is not an SSH key: expected a line such as "ssh-ed25519 AAAA… comment" or a -----BEGIN … KEY----- block. Check that you opened or pasted the right text.',
  binary:
    'This file holds binary data, not a text SSH key. Pick the right file, or export the key in OpenSSH text format.',
  unknownTypeFromBlob: "Unknown key type '{0}': the key data says it is '{1}'. Replace '{0}' with '{1}'.",
  unknownTypeSuggestion: "Unknown key type '{0}'. Did you mean '{1}'? Replace '{0}' with the correct type.",
  unknownType:
    "Unknown key type '{0}'. A key line must start with a type such as ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256.",
  missingType:
    "The key type is missing: the line starts with the base64 key data, which declares '{0}'. Add '{0} ' at the start of the line.",
  missingBlob: "The key data is missing after '{0}'. Paste the whole key (type, base64 data, optional comment) on one line.",
  badBase64:
    "Bad base64 character '{0}' at column {1}: the key data was altered (e.g. when copying from a web page or editor). Copy the key again from its source.",
  missingPadding:
    "The base64 key data lacks its final '{0}' padding, so ssh-keygen rejects it. Add '{0}' at the end of the key data.",
  badPadding:
    'The base64 key data ends wrongly (bad padding or cut-off characters), so ssh-keygen rejects it. Copy the key again from its source.',
  truncatedBlob:
    "The '{0}' key data is cut short: it ends in the middle of the key. Copy the whole key again; it was probably truncated when copying.",
  truncatedBlobUnknown:
    'The key data is cut short: it ends in the middle of the key. Copy the whole key again; it was probably truncated when copying.',
  notSshKeyBlob:
    'The base64 data is not an SSH public key. Copy the key again from its source (the whole "type AAAA… comment" line).',
  unsupportedBlobType: "The key data declares type '{0}', which OpenSSH does not support. Use an Ed25519, ECDSA or RSA key.",
  badKeyData: "The '{0}' key data is corrupt: {1}. Copy the key again from its source.",
  trailingData:
    "The '{0}' key data has {1} extra byte(s) after the key, so ssh rejects it. Copy the key again from its source.",
  typeMismatch: "The line says '{0}' but the key data is a '{1}' key. Replace '{0}' with '{1}'.",
  wrappedKey:
    'The key is broken across {0} lines (as happens when pasting from a web page or email). A key must be on a single line: join the lines.',
  privateKeyInPublicFile:
    'This file holds a PRIVATE key ({0}), not a public key. A private key must never be shared or uploaded: keep it secret and use its public key (the .pub file) instead.',
  optionsPrefix:
    'This line starts with authorized_keys options ({0}). A .pub file holds only the key: remove the options before importing it.',
  unknownOption: "Unknown authorized_keys option '{0}': sshd ignores the whole line. Fix or remove the option.",
  unclosedQuote:
    'The options before the key have an unclosed quote: sshd and ssh-keygen ignore the whole line. Close the quote.',
  spaceInOptions:
    'The options before the key contain a space outside quotes: sshd and ssh-keygen ignore the whole line. Quote values that contain spaces, and separate options with commas only.',
  bom: 'The file starts with an invisible byte-order mark (BOM), which ssh-keygen and some clouds reject. Remove it (save as UTF-8 without BOM).',
  leadingWhitespace: 'Whitespace before the key. Some clouds and tools reject it: remove it.',
  tabSeparator: 'A tab separates the parts of the key. Some clouds accept only spaces: replace it with a single space.',
  carriageReturns:
    '{0} line(s) end with a carriage return (Windows CRLF line endings). Some clouds and tools keep it as part of the key or comment: convert the file to LF line endings.',
  invisibleCharacter:
    'Invisible character {0} in the key line (a special space, typically from a web page or word processor). ssh treats it as part of the key: replace it with a normal space.',
  multipleKeys:
    'This .pub file holds more than one key (this is key {0}). A .pub file should hold exactly one public key: move the others to their own files.',
  duplicateKey: 'This key already appears on line {0}. Remove the duplicate.',
  weakRsa:
    'This RSA key is only {0} bits. OpenSSH and cloud providers refuse or deprecate RSA keys under 2048 bits: generate a new key (Ed25519, or RSA of 3072 bits or more).',
  refusedRsa:
    'This RSA key is only {0} bits; OpenSSH refuses RSA keys under 1024 bits. Generate a new key (Ed25519, or RSA of 3072 bits or more).',
  weakDsa:
    'DSA (ssh-dss) keys are deprecated: OpenSSH disables them by default and most clouds reject them. Generate a new key (Ed25519 recommended).',
  altFormatRfc4716:
    'This public key is in RFC 4716 (SSH2) format, not the one-line OpenSSH format. It will be converted to the OpenSSH line on import.',
  altFormatSpki:
    'This public key is in PEM (-----BEGIN PUBLIC KEY-----) format, not the one-line OpenSSH format. It will be converted to the OpenSSH line on import.',
  altFormatPkcs1:
    'This public key is in PEM PKCS#1 (-----BEGIN RSA PUBLIC KEY-----) format, not the one-line OpenSSH format. It will be converted to the OpenSSH line on import.',
  altFormatInAuthorizedKeys:
    'sshd does not read {0} keys in authorized_keys, so this key is ignored. Convert it to the one-line OpenSSH format.',
  puttyKey:
    'This is a PuTTY private key (.ppk); OpenSSH cannot use it. In PuTTYgen choose Conversions > Export OpenSSH key (and keep the private key secret).',
  missingEnd:
    'The -----BEGIN {0}----- block has no matching END line: the key was cut off. Copy the whole key, including its END line.',
  badArmorBase64:
    "Bad base64 character '{0}' at column {1} inside the {2} block: the key was altered. Copy the key again from its source.",
  corruptBlock: 'The {0} block is corrupt: its content is not a valid key. Copy the key again from its source.',
  unsupportedBlock:
    'A -----BEGIN {0}----- block is not an SSH key. Use an SSH key instead (export it in OpenSSH format).',
  unsupportedAlgorithm:
    "This key uses an algorithm SSH cannot use ({0}). Use an Ed25519, ECDSA (P-256/384/521) or RSA key.",
  certificateExpired: 'This certificate expired on {0}. Ask the certificate authority to issue a new one.',
  certificateNotYetValid: 'This certificate only becomes valid on {0}.',
  internalError: 'The key text could not be analyzed ({0}). Please report this problem.',
} as const;

/** Fills `{0}`, `{1}` … in a template. */
export function renderMessage(template: string, args: ReadonlyArray<string | number>): string {
  if (args.length === 0) return template;
  const parts = templateParts(template);
  let message = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = args[Number(parts[i])];
    message += (value === undefined ? `{${parts[i]}}` : String(value)) + parts[i + 1];
  }
  return message;
}

/** Templates split at their placeholders: [text, index, text, index, text…], cached (few, reused often). */
const splitTemplates = new Map<string, string[]>();
function templateParts(template: string): string[] {
  let parts = splitTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\d+)\}/);
    if (splitTemplates.size < 500) splitTemplates.set(template, parts);
  }
  return parts;
}

/** Builds a Problem with its rendered message. */
export function makeProblem(
  code: string,
  severity: Severity,
  range: TextRange,
  template: string,
  args: Array<string | number> = [],
): Problem {
  return {
    code,
    severity,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    template,
    args,
    message: renderMessage(template, args),
  };
}

/** A range on one line. */
export function lineRange(line: number, column: number, endColumn: number): TextRange {
  return { line, column, endLine: line, endColumn };
}

/** Shows a character readably in a message: invisible and control characters as U+XXXX. */
export function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code > 0x20 && code < 0x7f) return char;
  if (code >= 0xa1 && !/[\p{Z}\p{C}]/u.test(char)) return char;
  return 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
}
