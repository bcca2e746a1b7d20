// Writing a key pair the cloud generated: the private key exists only in the cloud's one answer,
// so it is written atomically (temporary file, then a hard link that refuses to replace anything),
// with mode 0600, and if the intended path fails it goes to a fallback file rather than be lost.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Writes `content` to `target` with `mode`, all or nothing, never over an existing file:
 * the bytes go to a temporary file beside it (created exclusively, fsynced), which is then
 * hard-linked to `target` (link(2) fails with EEXIST instead of replacing). Where the file
 * system has no hard links, `target` itself is created exclusively (O_EXCL, so nothing that
 * appears meanwhile is replaced) and written; a failed write removes only that new file.
 * Throws an errno error (EEXIST when `target` exists).
 */
export function writeNewFileAtomic(target: string, content: string, mode: number): void {
  const dir = path.dirname(target);
  const temporary = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    try {
      setModeOrCheck(fd, mode); // whatever the umask
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(temporary, target);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      writeExclusively(target, content, mode);
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Sets `mode` on the open file. File systems without Unix modes (FAT, some FUSE and network
 * mounts) refuse fchmod; there the file is accepted only if it grants nobody but its owner
 * anything (FAT through FUSE reports 0700), since a key others can read is worse than a fallback.
 */
function setModeOrCheck(fd: number, mode: number): void {
  try {
    fs.fchmodSync(fd, mode);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOSYS' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EPERM') throw error;
    const granted = fs.fstatSync(fd).mode & 0o777;
    if ((granted & 0o077 & ~mode) !== 0) throw error;
  }
}

/** Creates `target` with O_EXCL and writes it; on failure removes what it created (and only that). */
function writeExclusively(target: string, content: string, mode: number): void {
  const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  let written = false;
  try {
    setModeOrCheck(fd, mode);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
    written = true;
  } finally {
    fs.closeSync(fd);
    if (!written) fs.rmSync(target, { force: true });
  }
}

export interface SavedKeyPairFiles {
  /** Where the private key is (the requested path, or a fallback). */
  privateKeyPath: string;
  /** True when the private key is not at the requested path. */
  fallback: boolean;
  /** Why the requested path failed (an errno code), when `fallback`. */
  failure?: string;
  /** Where the public key is; undefined when it could not be written (it can be derived again). */
  publicKeyPath?: string;
  publicKeyFailure?: string;
}

/** A tag that is safe inside a file name: letters, digits, `_` and `-` only (a cloud's id may be anything). */
export function safeFileTag(tag: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(tag) ? tag : crypto.randomBytes(4).toString('hex');
}

/**
 * The places tried when the requested path fails: beside it, then the home folder, as
 * `<name>.<tag>`. Only ever in those two folders, whatever `tag` holds.
 */
export function fallbackPaths(target: string, tag: string, home = os.homedir()): string[] {
  const name = `${path.basename(target)}.${safeFileTag(tag)}`;
  const candidates = [path.join(path.dirname(path.resolve(target)), name), path.join(path.resolve(home), name)];
  return [...new Set(candidates)];
}

/**
 * Saves a generated key pair: the private key (0600) at `target` or, if that fails, at the first
 * fallback that works; then its public key line at `<private>.pub` (0644).
 * Throws only when the private key could be written nowhere; the error lists every attempt.
 */
export function saveGeneratedKeyPair(target: string, privateKey: string, publicKeyLine: string | undefined, fileTag: string): SavedKeyPairFiles {
  const saved = savePrivateKey(target, privateKey, fileTag);
  if (publicKeyLine) savePublicKeyBeside(saved, publicKeyLine);
  return saved;
}

/**
 * The private key alone (0600) at `target` or the first fallback that works, before anything
 * else about it is checked. Throws only when it could be written nowhere; the error lists every attempt.
 */
export function savePrivateKey(target: string, privateKey: string, fileTag: string): SavedKeyPairFiles {
  const text = privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`;
  const attempts: string[] = [];
  let firstFailure: string | undefined;
  let saved: SavedKeyPairFiles | undefined;
  for (const [index, candidate] of [path.resolve(target), ...fallbackPaths(target, fileTag)].entries()) {
    try {
      writeNewFileAtomic(candidate, text, 0o600);
      saved = { privateKeyPath: candidate, fallback: index > 0, failure: firstFailure };
      break;
    } catch (error) {
      firstFailure ??= errorCode(error);
      attempts.push(`${candidate}: ${errorCode(error)}`);
    }
  }
  if (!saved) throw Object.assign(new Error(attempts.join('; ')), { attempts });
  return saved;
}

/** Writes `<private>.pub` (0644) beside a saved private key; records the path or why it failed. */
export function savePublicKeyBeside(saved: SavedKeyPairFiles, publicKeyLine: string): void {
  const publicPath = `${saved.privateKeyPath}.pub`;
  try {
    writeNewFileAtomic(publicPath, `${publicKeyLine}\n`, 0o644);
    saved.publicKeyPath = publicPath;
  } catch (error) {
    saved.publicKeyFailure = `${publicPath}: ${errorCode(error)}`;
  }
}
