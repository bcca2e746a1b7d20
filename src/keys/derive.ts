// Deriving the public key (an OpenSSH line) from a private key text, decrypting it with a
// passphrase where needed. Messages never contain key material or the passphrase.

import type * as Sshpk from 'sshpk';
import { analyzeBlob } from './blob';
import { factsFromBlob } from './facts';
import { keyTypeInfo } from './keytypes';
import { parseKeyText, splitLines } from './parse';
import { ArmoredBlock, beginMarker, cleanPem, decodeBodyLines, headerValue, readArmoredBlock } from './pem';
import { isPuttyKeyStart, readPuttyKeyFile } from './ppk';
import { publicBlobFromPemPrivateKey, readOpenSshPrivateContainer, readPrivateSection } from './private';
import { renderMessage } from './problems';
import type { KeyFacts } from './types';

export type DeriveFailureReason = 'needs-passphrase' | 'wrong-passphrase' | 'not-a-private-key' | 'unsupported';

export type DeriveResult =
  | { ok: true; key: KeyFacts }
  | { ok: false; reason: DeriveFailureReason; message: string; template: string; args: string[] };

/** Ciphers of OpenSSH private keys that sshpk decrypts correctly (it mishandles the AEAD ones). */
const DECRYPTABLE_CIPHERS = new Set([
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  '3des-cbc',
]);

const PRIVATE_LABELS = new Set([
  'OPENSSH PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);

/** A failure; `template` + `args` let the VS Code layer translate what `message` says in English. */
function fail(reason: DeriveFailureReason, template: string, args: string[] = []): DeriveResult {
  return { ok: false, reason, message: renderMessage(template, args), template, args };
}

/** The English failure messages (no key material, no passphrase). */
export const DERIVE_MESSAGES = {
  corrupt: 'The private key is damaged or incomplete, so its public key cannot be derived. Use an intact copy of the key.',
  needsPassphrase: 'This private key is protected by a passphrase. Enter the passphrase to derive its public key.',
  wrongPassphrase: 'The passphrase is wrong: the private key could not be decrypted.',
  isPublicKey: 'This is a public key, not a private key: it already is the public key.',
  noPrivateKey: 'No private key was found in this text.',
  cannotDecrypt:
    'This private key is encrypted in a way this extension cannot decrypt (cipher {0}, key type {1}). Run "ssh-keygen -y -f <file>" instead.',
  decryptFailed: 'This private key could not be decrypted by this extension. Run "ssh-keygen -y -f <file>" instead.',
  unusableAlgorithm: 'This {0} key cannot be used for SSH.',
} as const;

/**
 * Derives the public key of the first private key in `privateText` (OpenSSH, PEM PKCS#1,
 * PKCS#8, encrypted PKCS#8, or PuTTY format). The result's `openssh` is the public key line,
 * with the private key's comment when the format stores one (OpenSSH, PuTTY).
 * Encrypted keys need `passphrase`; without it the reason is `needs-passphrase`.
 */
export function derivePublicKey(privateText: string, passphrase?: string): DeriveResult {
  const text = privateText.charCodeAt(0) === 0xfeff ? privateText.slice(1) : privateText;
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const column = line.length - line.trimStart().length;
    const marker = beginMarker(line, column);
    if (marker?.style === 'pem' && PRIVATE_LABELS.has(marker.label)) {
      return deriveFromBlock(readArmoredBlock(lines, index, column), passphrase);
    }
    if (isPuttyKeyStart(line, column)) return deriveFromPutty(lines, index, column);
  }
  const parsed = parseKeyText(text, 'auto');
  if (parsed.keys.some((key) => key.kind !== 'private')) {
    return fail('not-a-private-key', DERIVE_MESSAGES.isPublicKey);
  }
  return fail('not-a-private-key', DERIVE_MESSAGES.noPrivateKey);
}

function publicFacts(blob: Buffer, comment: string): DeriveResult {
  const analysis = analyzeBlob(blob);
  if (!analysis.ok) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  return { ok: true, key: factsFromBlob(analysis, { kind: 'public', format: 'openssh', comment, line: 0, endLine: 0, blob }) };
}

function deriveFromBlock(block: ArmoredBlock, passphrase: string | undefined): DeriveResult {
  if (!block.complete) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  const body = decodeBodyLines(block.bodyLines);
  if (!body.ok) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  if (block.label === 'OPENSSH PRIVATE KEY') return deriveFromOpenSsh(block, body.bytes, passphrase);

  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/i.test(headerValue(block, 'Proc-Type') ?? '');
  const result = publicBlobFromPemPrivateKey(cleanPem(block), encrypted, passphrase);
  if (result.ok) return publicFacts(result.blob, '');
  switch (result.reason) {
    case 'needs-passphrase':
      return fail('needs-passphrase', DERIVE_MESSAGES.needsPassphrase);
    case 'wrong-passphrase':
      return fail('wrong-passphrase', DERIVE_MESSAGES.wrongPassphrase);
    case 'unsupported-algorithm':
      return fail('unsupported', DERIVE_MESSAGES.unusableAlgorithm, [result.algorithm]);
    default:
      return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  }
}

function deriveFromOpenSsh(block: ArmoredBlock, bytes: Buffer, passphrase: string | undefined): DeriveResult {
  const container = readOpenSshPrivateContainer(bytes);
  if (!container) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  if (!container.encrypted) {
    const section = readPrivateSection(container.privateSection);
    if (!section.ok) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
    return publicFacts(container.publicBlob, section.comment);
  }
  // The public half is readable, but like `ssh-keygen -y` we insist on the passphrase: it
  // proves the key is usable and unlocks the comment, which is stored encrypted.
  if (passphrase === undefined) {
    return fail('needs-passphrase', DERIVE_MESSAGES.needsPassphrase);
  }
  const publicKey = analyzeBlob(container.publicBlob);
  const type = publicKey.ok ? publicKey.type : 'unknown';
  // sshpk knows neither security-key types nor the AEAD ciphers.
  const family = keyTypeInfo(type)?.family;
  const decryptable = container.kdf === 'bcrypt' && DECRYPTABLE_CIPHERS.has(container.cipher);
  if (!decryptable || family === undefined || family.startsWith('sk-')) {
    return fail('unsupported', DERIVE_MESSAGES.cannotDecrypt, [container.cipher, type]);
  }
  // sshpk does the bcrypt-pbkdf key derivation and decryption.
  // loaded only when needed (slow to load)
  const sshpk = require('sshpk') as typeof Sshpk;
  let comment: string;
  try {
    // An empty filename stops sshpk from using "(unnamed)" as the comment of a key without one.
    const key = sshpk.parsePrivateKey(cleanPem(block), 'ssh-private', { passphrase, filename: '' });
    comment = key.comment ?? '';
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const detail = error instanceof Error ? error.message : '';
    if (name === 'KeyEncryptedError') {
      return fail('needs-passphrase', DERIVE_MESSAGES.needsPassphrase);
    }
    if (/incorrect passphrase/i.test(detail)) {
      return fail('wrong-passphrase', DERIVE_MESSAGES.wrongPassphrase);
    }
    return fail('unsupported', DERIVE_MESSAGES.decryptFailed);
  }
  return publicFacts(container.publicBlob, comment);
}

/** PuTTY stores the public key and comment in the clear: no passphrase needed. */
function deriveFromPutty(lines: readonly string[], index: number, column: number): DeriveResult {
  const file = readPuttyKeyFile(lines, index, column);
  const body = decodeBodyLines(file.publicLines);
  if (!body.ok) return fail('not-a-private-key', DERIVE_MESSAGES.corrupt);
  return publicFacts(body.bytes, file.comment);
}
