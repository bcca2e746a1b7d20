import * as path from 'node:path';
import { parseKeyText } from './parse';
import type { ScanFileSystem } from './scan-fs';
import type { KeyFacts, Problem } from './types';

/** Files that live in ~/.ssh but are not key pairs. */
const NOT_KEY_PAIRS = new Set([
  'known_hosts', 'known_hosts.old', 'known_hosts2', 'config', 'authorized_keys', 'authorized_keys2',
  'environment', 'rc', 'allowed_signers',
]);

/** Keys are small (an RSA 16384 private key is ~13 KB): anything larger is not read at all. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;
const MAX_DEPTH = 3;
const MAX_ENTRIES_PER_DIRECTORY = 10_000;

/** One key file as read from disk. */
export interface KeyFile {
  path: string;
  facts: KeyFacts;
  problems: Problem[];
  mode: number;
}

/** A key pair as the user thinks of it: the private key, its `.pub`, and certificates for it. */
export interface LocalKeyPair {
  /** Stable id: the private key's path, else the public key's. */
  id: string;
  /** File stem, e.g. `id_ed25519`. */
  name: string;
  directory: string;
  privateKey?: KeyFile;
  publicKey?: KeyFile;
  /** Other `.pub` files holding the same key (an RFC 4716 export, a pasted copy): one row per key, not per file. */
  publicCopies: KeyFile[];
  /**
   * `.pub` files holding this PRIVATE key: a secret where a shareable file is expected. Never the
   * pair's `privateKey` (nothing offers them for logging in); when no proper private key file has
   * this key, the pair stands for them alone.
   */
  privateKeysInPublicFiles: KeyFile[];
  certificates: KeyFile[];
  /** The facts to show: the public key's when it matches, else what the private key tells. */
  facts: KeyFacts;
  /** The private key file is readable or writable by group or others (ssh refuses such keys). */
  unsafePermissions: boolean;
  /** The `.pub` holds a different key than the private key beside it. */
  publicKeyMismatch: boolean;
}

/** Why a directory entry was passed over; shown in the log, never as an error. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** A `.pub` file as parsed, whether or not it holds a usable key (the editor shows its problems). */
export interface PublicKeyFile {
  path: string;
  keys: KeyFacts[];
  problems: Problem[];
}

export interface ScanResult {
  pairs: LocalKeyPair[];
  /** Every `.pub` file read, broken ones included. */
  publicKeyFiles: PublicKeyFile[];
  /** `.pub` files in which no key could be read (their problems say why): in no pair, but not to be hidden. */
  brokenPublicKeyFiles: PublicKeyFile[];
  /** Certificates whose key has no pair here. */
  skipped: SkippedEntry[];
  /** Configured folders that do not exist. */
  missingDirectories: string[];
  /** Configured folders that exist. */
  directories: string[];
}

function stemOf(file: string): string {
  const base = path.basename(file);
  if (base.endsWith('-cert.pub')) return base.slice(0, -'-cert.pub'.length);
  if (base.endsWith('.pub')) return base.slice(0, -'.pub'.length);
  return base;
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.includes(0);
}

/**
 * Finds every key in the given folders (and their subfolders, a few levels deep), by content,
 * and pairs private keys with their public halves by file stem, then by key blob.
 * Never throws for an odd entry: sockets, FIFOs, loops, unreadable and huge files are skipped with a reason.
 */
export async function scanKeyDirectories(directories: string[], fsys: ScanFileSystem): Promise<ScanResult> {
  const files: KeyFile[] = [];
  const publicKeyFiles: PublicKeyFile[] = [];
  const skipped: SkippedEntry[] = [];
  const missingDirectories: string[] = [];
  const existing: string[] = [];
  const seen = new Set<string>();

  async function readKeyFile(file: string, size: number, mode: number): Promise<void> {
    if (size > MAX_KEY_FILE_BYTES) {
      skipped.push({ path: file, reason: `larger than ${MAX_KEY_FILE_BYTES / 1024} KB, too large to be a key` });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await fsys.readPrefix(file, MAX_KEY_FILE_BYTES);
    } catch (err) {
      skipped.push({ path: file, reason: `unreadable (${errorCode(err)})` });
      return;
    }
    if (looksBinary(bytes)) return; // not a key: no need to mention it
    const text = bytes.toString('utf8');
    const isPub = file.endsWith('.pub');
    const parsed = parseKeyText(text, isPub ? 'public' : 'auto');
    if (isPub) publicKeyFiles.push({ path: file, keys: parsed.keys, problems: parsed.problems });
    const first = parsed.keys[0];
    if (!first) return;
    files.push({ path: file, facts: first, problems: parsed.problems, mode });
  }

  async function walk(dir: string, depth: number): Promise<void> {
    let names: string[];
    try {
      names = await fsys.readDirectory(dir);
    } catch (err) {
      skipped.push({ path: dir, reason: `cannot list folder (${errorCode(err)})` });
      return;
    }
    if (names.length > MAX_ENTRIES_PER_DIRECTORY) {
      skipped.push({ path: dir, reason: `more than ${MAX_ENTRIES_PER_DIRECTORY} entries; only the first ones were read` });
      names = names.slice(0, MAX_ENTRIES_PER_DIRECTORY);
    }
    names.sort();
    await Promise.all(names.map(async (name) => {
      // A rotation's state file (src/cloud/rotation.ts) sits beside its new key: not a key.
      if (NOT_KEY_PAIRS.has(name) || name.startsWith('known_hosts') || name.endsWith('.rotation.json')) return;
      const file = path.join(dir, name);
      let info;
      try {
        info = await fsys.stat(file);
      } catch (err) {
        skipped.push({ path: file, reason: `cannot read entry (${errorCode(err)})` });
        return;
      }
      if (seen.has(info.id)) return; // a symlink back to something already scanned
      seen.add(info.id);
      if (info.kind === 'directory') {
        if (depth < MAX_DEPTH) await walk(file, depth + 1);
        return;
      }
      if (info.kind !== 'file') {
        skipped.push({ path: file, reason: 'not a regular file (socket, FIFO or device); never opened' });
        return;
      }
      await readKeyFile(file, info.size, info.mode);
    }));
  }

  for (const dir of directories) {
    let info;
    try {
      info = await fsys.stat(dir);
    } catch {
      missingDirectories.push(dir);
      continue;
    }
    if (info.kind !== 'directory') {
      missingDirectories.push(dir);
      continue;
    }
    if (seen.has(info.id)) continue;
    seen.add(info.id);
    existing.push(dir);
    await walk(dir, 0);
  }

  publicKeyFiles.sort((a, b) => a.path.localeCompare(b.path));
  const brokenPublicKeyFiles = publicKeyFiles.filter((f) => f.keys.length === 0);
  return { pairs: pairKeyFiles(files, fsys.platform), publicKeyFiles, brokenPublicKeyFiles, skipped, missingDirectories, directories: existing };
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

/** The file named `.pub` holds a private key (saved under the wrong name, or pasted into the wrong file). */
export function isPrivateKeyInPublicFile(file: KeyFile): boolean {
  return file.facts.kind === 'private' && file.path.endsWith('.pub');
}

/**
 * Groups key files by key: a private key with its `.pub` (same stem first, then same key blob),
 * every other `.pub` holding the same key as a copy, `.pub` files holding the private key as a danger,
 * certificates with the key they certify. One pair per key (per private key file, when several hold it).
 */
export function pairKeyFiles(files: KeyFile[], platform: NodeJS.Platform): LocalKeyPair[] {
  files.sort((a, b) => a.path.localeCompare(b.path));
  const privates = files.filter((f) => f.facts.kind === 'private' && !isPrivateKeyInPublicFile(f));
  const leaked = files.filter(isPrivateKeyInPublicFile);
  // The OpenSSH line first: when only copies of a public key are here, the row is named after it.
  const publics = files
    .filter((f) => f.facts.kind === 'public')
    .sort((a, b) => Number(b.facts.format === 'openssh') - Number(a.facts.format === 'openssh') || a.path.localeCompare(b.path));
  const certificates = files.filter((f) => f.facts.kind === 'certificate');
  const pairs: LocalKeyPair[] = [];
  const usedPublic = new Set<KeyFile>();
  const usedLeaked = new Set<KeyFile>();
  const byStem = new Map<string, KeyFile>();
  for (const pub of publics) byStem.set(path.join(path.dirname(pub.path), stemOf(pub.path)), pub);
  const byPath = (a: KeyFile, b: KeyFile) => a.path.localeCompare(b.path);
  // By blob, so that thousands of keys pair in linear time.
  const index = (list: KeyFile[]) => {
    const map = new Map<string, KeyFile[]>();
    for (const f of list) {
      const blob = f.facts.blobBase64;
      if (!blob) continue;
      const group = map.get(blob);
      if (group) group.push(f);
      else map.set(blob, [f]);
    }
    return map;
  };
  const indexes = new Map<KeyFile[], Map<string, KeyFile[]>>();
  const sameKey = (blob: string | undefined, candidates: KeyFile[], used: Set<KeyFile>) => {
    if (!blob) return [];
    if (!indexes.has(candidates)) indexes.set(candidates, index(candidates));
    return (indexes.get(candidates)!.get(blob) ?? []).filter((f) => !used.has(f));
  };

  for (const priv of privates) {
    const blob = priv.facts.blobBase64;
    let pub = byStem.get(priv.path);
    if (pub && usedPublic.has(pub)) pub = undefined;
    if (!pub) pub = sameKey(blob, publics, usedPublic)[0];
    if (pub) usedPublic.add(pub);
    const mismatch = !!(pub && blob && pub.facts.blobBase64 && blob !== pub.facts.blobBase64);
    const pair = makePair(priv, pub, mismatch, platform);
    pair.publicCopies = sameKey(blob, publics, usedPublic).sort(byPath);
    pair.privateKeysInPublicFiles = sameKey(blob, leaked, usedLeaked);
    for (const f of pair.publicCopies) usedPublic.add(f);
    for (const f of pair.privateKeysInPublicFiles) usedLeaked.add(f);
    pairs.push(pair);
  }
  for (const pub of publics) {
    if (usedPublic.has(pub)) continue;
    usedPublic.add(pub);
    const pair = makePair(undefined, pub, false, platform);
    pair.publicCopies = sameKey(pub.facts.blobBase64, publics, usedPublic).sort(byPath);
    for (const f of pair.publicCopies) usedPublic.add(f);
    pairs.push(pair);
  }
  // A private key saved as .pub: with the row of its key when there is one, else a row of its own, as a danger.
  for (const file of leaked) {
    if (usedLeaked.has(file)) continue;
    const owner = pairs.find((p) => p.facts.blobBase64 && p.facts.blobBase64 === file.facts.blobBase64);
    if (owner) {
      owner.privateKeysInPublicFiles.push(file);
      usedLeaked.add(file);
      continue;
    }
    const group = [file, ...sameKey(file.facts.blobBase64, leaked, usedLeaked).filter((f) => f !== file)];
    for (const f of group) usedLeaked.add(f);
    pairs.push({ ...makePair(undefined, undefined, false, platform, file), privateKeysInPublicFiles: group });
  }
  // A certificate belongs to the pair whose key it certifies; otherwise it stands alone.
  for (const cert of certificates) {
    const owner = pairs.find((p) => p.facts.blobBase64 && p.facts.blobBase64 === cert.facts.blobBase64);
    if (owner) owner.certificates.push(cert);
    else pairs.push({ ...makePair(undefined, undefined, false, platform, cert), certificates: [cert] });
  }
  return pairs.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

function makePair(
  priv: KeyFile | undefined,
  pub: KeyFile | undefined,
  publicKeyMismatch: boolean,
  platform: NodeJS.Platform,
  only?: KeyFile,
): LocalKeyPair {
  const main = (priv ?? pub ?? only)!;
  // The private key is the truth; its facts lack comment/fingerprint only when it is encrypted PEM.
  const facts: KeyFacts = priv
    ? pub && !publicKeyMismatch
      ? { ...pub.facts, kind: 'private', encrypted: priv.facts.encrypted, comment: pub.facts.comment || priv.facts.comment }
      : priv.facts
    : main.facts;
  return {
    id: main.path,
    name: stemOf(main.path),
    directory: path.dirname(main.path),
    privateKey: priv,
    publicKey: pub,
    publicCopies: [],
    privateKeysInPublicFiles: [],
    certificates: [],
    facts,
    // ssh refuses private keys that group or others may read ("UNPROTECTED PRIVATE KEY FILE!").
    unsafePermissions: !!priv && platform !== 'win32' && (priv.mode & 0o077) !== 0,
    publicKeyMismatch,
  };
}
