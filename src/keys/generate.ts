// Generating key pairs in memory: Node's crypto makes the key, sshpk writes the OpenSSH
// private key format (bcrypt-pbkdf + aes256-ctr when a passphrase is given, as ssh-keygen
// does). No file I/O here: the caller writes the texts.

import { createPublicKey, generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type * as Sshpk from 'sshpk';
import { analyzeBlob } from './blob';
import { factsFromBlob } from './facts';
import { sshBlobFromKeyObject } from './keyobject';
import { parseKeyText } from './parse';
import type { KeyFacts } from './types';

export interface GenerateKeyPairOptions {
  type: 'ed25519' | 'rsa' | 'ecdsa';
  /** RSA: 3072 (default) or 4096. ECDSA: 256 (default), 384 or 521. Ignored for Ed25519. */
  bits?: number;
  comment: string;
  /** Encrypts the private key (OpenSSH bcrypt KDF, aes256-ctr). Empty or undefined: no passphrase. */
  passphrase?: string;
}

export interface GeneratedKeyPair {
  /** The private key in OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`). */
  privateKey: string;
  /** The public key: one OpenSSH line and a newline. */
  publicKey: string;
  /** Facts of the public key (type, bits, fingerprints, openssh line). */
  facts: KeyFacts;
}

const RSA_SIZES = [3072, 4096];
const EC_CURVES: Record<number, string> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' };

const generate = promisify(nodeGenerateKeyPair) as unknown as (
  type: string,
  options: Record<string, unknown>,
) => Promise<{ publicKey: Buffer; privateKey: string }>;

/**
 * The generator encodes the keys itself. Exporting the KeyObjects it would otherwise return can
 * deadlock Node 20: a garbage collection during the export destroys the finished generation job,
 * which waits for the lock the export holds, and the extension host hangs.
 */
const ENCODINGS = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } };

/** Node key generation options for a request; throws RangeError on unsupported sizes. */
function nodeOptions(options: GenerateKeyPairOptions): [string, Record<string, unknown>] {
  switch (options.type) {
    case 'ed25519':
      return ['ed25519', {}];
    case 'rsa': {
      const bits = options.bits ?? 3072;
      if (!RSA_SIZES.includes(bits)) throw new RangeError(`RSA keys can be 3072 or 4096 bits, not ${bits}.`);
      return ['rsa', { modulusLength: bits, publicExponent: 0x10001 }];
    }
    case 'ecdsa': {
      const bits = options.bits ?? 256;
      const namedCurve = EC_CURVES[bits];
      if (!namedCurve) throw new RangeError(`ECDSA keys can be 256, 384 or 521 bits, not ${bits}.`);
      return ['ec', { namedCurve }];
    }
    default:
      throw new RangeError(`Unsupported key type ${String((options as { type: unknown }).type)}.`);
  }
}

/**
 * Generates a key pair. The private key is in OpenSSH format, encrypted when `passphrase`
 * is non-empty; `ssh-keygen -y` reads it and derives the same public key.
 */
export async function generateKeyPair(options: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  if (/[\r\n]/.test(options.comment)) throw new RangeError('The key comment must be a single line.');
  const comment = options.comment.trim();
  const [algorithm, parameters] = nodeOptions(options);
  const { publicKey, privateKey } = await generate(algorithm, { ...parameters, ...ENCODINGS });

  const converted = sshBlobFromKeyObject(createPublicKey({ key: publicKey, format: 'der', type: 'spki' }));
  const analysis = converted.ok ? analyzeBlob(converted.blob) : undefined;
  if (!converted.ok || !analysis?.ok) throw new Error('The generated key could not be encoded for SSH.');
  const facts = factsFromBlob(analysis, { kind: 'public', format: 'openssh', comment, line: 0, endLine: 0, blob: converted.blob });

  // loaded only when needed (slow to load)
  const sshpk = require('sshpk') as typeof Sshpk;
  const key = sshpk.parsePrivateKey(privateKey, 'pkcs8');
  key.comment = comment;
  const privateText = options.passphrase
    ? key.toString('ssh-private', { passphrase: options.passphrase, cipher: 'aes256-ctr' })
    : key.toString('ssh-private');

  // Cheap self-check: the private key we wrote must hold the public key we report.
  const written = parseKeyText(privateText, 'auto').keys[0];
  if (written?.sha256 !== facts.sha256) throw new Error('The generated private key does not match its public key.');

  return { privateKey: privateText, publicKey: `${facts.openssh}\n`, facts };
}
