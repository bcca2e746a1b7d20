// Keys made by the real ssh-keygen (and openssl), once per test run, shared by the
// keys-*.test.ts files. ssh-keygen is the reference every fingerprint is checked against.

import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PASSPHRASE = 'correct horse battery';

export interface KeygenListing {
  bits: number;
  fingerprint: string;
  comment: string;
  /** As ssh-keygen prints it: RSA, ED25519, ECDSA-SK-CERT, … */
  type: string;
}

/** Parses `ssh-keygen -l` output: `BITS FP COMMENT (TYPE)` (one line per key). */
export function keygenList(file: string, hash: 'sha256' | 'md5' = 'sha256'): KeygenListing[] {
  const out = execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
  return out.split('\n').map((line) => {
    const match = /^(\d+) (\S+) (.*) \((\S+)\)$/.exec(line);
    if (!match) throw new Error(`unexpected ssh-keygen -l output: ${line}`);
    return { bits: Number(match[1]), fingerprint: match[2], comment: match[3], type: match[4] };
  });
}

/** What ssh-keygen says about the key in a file: sha256 + md5 fingerprints and bits. */
export function keygenFacts(file: string): { bits: number; sha256: string; md5: string; comment: string } {
  const sha = keygenList(file, 'sha256')[0];
  const md5 = keygenList(file, 'md5')[0];
  return { bits: sha.bits, sha256: sha.fingerprint, md5: md5.fingerprint, comment: sha.comment };
}

/** True when ssh-keygen accepts a file as holding a key (`ssh-keygen -l` succeeds). */
export function keygenAccepts(file: string): boolean {
  return spawnSync('ssh-keygen', ['-l', '-f', file], { stdio: 'pipe' }).status === 0;
}

/** `ssh-keygen -y`: the public key line ssh-keygen derives from a private key file. */
export function keygenDerive(file: string, passphrase = ''): string {
  return execFileSync('ssh-keygen', ['-y', '-P', passphrase, '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
}

function wireString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A fresh public key as JWK, read from a DER copy: exporting the generated KeyObject itself can
 * deadlock Node 20's garbage collector (see test/fakes/ssh-public-key.ts).
 */
export function freshPublicJwk(type: 'ed25519' | 'ec' | 'rsa', options: { namedCurve?: string; modulusLength?: number } = {}): crypto.JsonWebKey {
  const publicKey =
    type === 'ed25519'
      ? crypto.generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey
      : type === 'ec'
        ? crypto.generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-256', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey
        : crypto.generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey;
  return crypto.createPublicKey({ key: publicKey, format: 'der', type: 'spki' }).export({ format: 'jwk' });
}

/** Public key lines of security-key types, built by hand (ssh-keygen needs hardware to make them). */
export function securityKeyLines(): { skEd25519: string; skEcdsa: string } {
  const ed = freshPublicJwk('ed25519');
  const edType = 'sk-ssh-ed25519@openssh.com';
  const edBlob = Buffer.concat([wireString(edType), wireString(Buffer.from(ed.x!, 'base64url')), wireString('ssh:')]);
  const ec = freshPublicJwk('ec', { namedCurve: 'P-256' });
  const ecType = 'sk-ecdsa-sha2-nistp256@openssh.com';
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(ec.x!, 'base64url'), Buffer.from(ec.y!, 'base64url')]);
  const ecBlob = Buffer.concat([wireString(ecType), wireString('nistp256'), wireString(point), wireString('ssh:')]);
  return {
    skEd25519: `${edType} ${edBlob.toString('base64')} yubikey ed25519`,
    skEcdsa: `${ecType} ${ecBlob.toString('base64')} yubikey ecdsa`,
  };
}

export interface KeyFixtures {
  dir: string;
  /** Absolute path of a fixture file by name. */
  file(name: string): string;
  read(name: string): string;
  /** Plain key pairs (private `name`, public `name.pub`) of every type ssh-keygen makes. */
  plain: string[];
  dsaSupported: boolean;
  opensslAvailable: boolean;
}

let cached: KeyFixtures | undefined;

/** Makes the fixtures on first use (RSA 4096 takes about a second), then returns them. */
export function keyFixtures(): KeyFixtures {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-keys-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);
  const keygen = (args: string[]) => execFileSync('ssh-keygen', ['-q', ...args], { stdio: 'pipe' });
  const make = (name: string, type: string, bits: number | undefined, extra: string[] = [], passphrase = '') =>
    keygen(['-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', passphrase, '-C', `${name}@test host`, '-f', file(name), ...extra]);

  const plain = ['rsa2048', 'rsa3072', 'rsa4096', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'ed25519'];
  make('rsa2048', 'rsa', 2048);
  make('rsa3072', 'rsa', 3072);
  make('rsa4096', 'rsa', 4096);
  make('ecdsa256', 'ecdsa', 256);
  make('ecdsa384', 'ecdsa', 384);
  make('ecdsa521', 'ecdsa', 521);
  make('ed25519', 'ed25519', undefined);
  make('rsa1024', 'rsa', 1024);
  let dsaSupported = true;
  try {
    make('dsa1024', 'dsa', 1024);
    plain.push('dsa1024');
  } catch {
    dsaSupported = false; // OpenSSH ≥ 9.8 builds may no longer make DSA keys
  }

  // Passphrase-protected OpenSSH keys (bcrypt KDF, aes256-ctr).
  make('enc_ed25519', 'ed25519', undefined, [], PASSPHRASE);
  make('enc_rsa', 'rsa', 2048, [], PASSPHRASE);
  make('enc_ecdsa', 'ecdsa', 384, [], PASSPHRASE);

  // PEM (PKCS#1 / SEC1 / DSA) and PKCS#8 private keys, plain and encrypted.
  make('pem_rsa', 'rsa', 2048, ['-m', 'PEM']);
  make('pem_ecdsa', 'ecdsa', 256, ['-m', 'PEM']);
  make('pem_rsa_enc', 'rsa', 2048, ['-m', 'PEM'], PASSPHRASE);
  make('pem_ecdsa_enc', 'ecdsa', 521, ['-m', 'PEM'], PASSPHRASE);
  make('pkcs8_rsa', 'rsa', 2048, ['-m', 'PKCS8']);
  make('pkcs8_ecdsa', 'ecdsa', 384, ['-m', 'PKCS8']);
  make('pkcs8_rsa_enc', 'rsa', 2048, ['-m', 'PKCS8'], PASSPHRASE);
  if (dsaSupported) make('pem_dsa', 'dsa', 1024, ['-m', 'PEM']);

  // Encrypted PKCS#8 made by openssl (PBES2, aes-256-cbc) or, without openssl, by Node.
  const opensslAvailable = spawnSync('openssl', ['version'], { stdio: 'pipe' }).status === 0;
  if (opensslAvailable) {
    execFileSync('openssl', [
      'pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', file('pem_rsa'), '-out', file('openssl_pkcs8_enc'), '-passout', `pass:${PASSPHRASE}`,
    ], { stdio: 'pipe' });
  } else {
    const key = crypto.createPrivateKey(fs.readFileSync(file('pem_rsa')));
    fs.writeFileSync(file('openssl_pkcs8_enc'), key.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }));
  }
  fs.copyFileSync(file('pem_rsa.pub'), file('openssl_pkcs8_enc.pub'));

  // Public keys exported in other formats.
  const exportAs = (name: string, format: string, out: string) =>
    fs.writeFileSync(file(out), execFileSync('ssh-keygen', ['-e', '-m', format, '-f', file(`${name}.pub`)], { stdio: 'pipe' }));
  exportAs('rsa2048', 'RFC4716', 'rsa2048.rfc4716');
  exportAs('rsa2048', 'PKCS8', 'rsa2048.spki');
  exportAs('rsa2048', 'PEM', 'rsa2048.pkcs1');
  exportAs('ecdsa384', 'RFC4716', 'ecdsa384.rfc4716');
  exportAs('ecdsa384', 'PKCS8', 'ecdsa384.spki');
  exportAs('ed25519', 'RFC4716', 'ed25519.rfc4716');
  if (dsaSupported) exportAs('dsa1024', 'PKCS8', 'dsa1024.spki');

  // Security-key public keys, built by hand, and certificates signed by a CA.
  const sk = securityKeyLines();
  fs.writeFileSync(file('sk_ed25519.pub'), `${sk.skEd25519}\n`);
  fs.writeFileSync(file('sk_ecdsa.pub'), `${sk.skEcdsa}\n`);
  make('ca', 'ed25519', undefined);
  const sign = (name: string, extra: string[] = []) =>
    keygen(['-s', file('ca'), '-I', `${name}-id`, '-n', 'alice,bob', ...extra, file(`${name}.pub`)]);
  for (const name of ['ed25519', 'rsa2048', 'ecdsa256', 'sk_ed25519', 'sk_ecdsa']) sign(name);
  make('host_ed25519', 'ed25519', undefined);
  sign('host_ed25519', ['-h']);
  make('expired', 'ed25519', undefined);
  sign('expired', ['-V', '20000101:20000102']);
  if (dsaSupported) sign('dsa1024');

  cached = { dir, file, read: (name) => fs.readFileSync(file(name), 'utf8'), plain, dsaSupported, opensslAvailable };
  return cached;
}
