// The public API of the key core: pure functions, no file I/O, no `vscode`.

export type {
  CertificateFacts,
  KeyFacts,
  KeyFormat,
  KeyKind,
  KeyTextRole,
  ParsedKeyText,
  Problem,
  Severity,
} from './types';
export { LINE_BREAK, parseKeyText, splitLines, type ParseOptions } from './parse';
export { DERIVE_MESSAGES, derivePublicKey, type DeriveFailureReason, type DeriveResult } from './derive';
export { generateKeyPair, type GenerateKeyPairOptions, type GeneratedKeyPair } from './generate';
export { applyEdits, FIX_TITLES, fixesFor, type KeyFix, type ProblemLocation, type TextEdit } from './fixes';
export { md5Fingerprint, sha256Fingerprint } from './fingerprint';
export { KNOWN_KEY_TYPES, keyTypeInfo, nearestKeyType } from './keytypes';
export { MESSAGES, renderMessage } from './problems';
