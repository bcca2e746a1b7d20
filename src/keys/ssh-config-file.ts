// The SSH config on disk: read it, let ssh-config.ts compute the new text, write it atomically.
// Nothing is ever lost: the new text goes to a temporary file beside the real one (fsynced), which
// then replaces it by rename(2), so a failed write leaves the old file whole; the temporary file is
// removed on every failure. A symlinked config is followed, and its target replaced, not the link.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNewFileAtomic } from './save-key-files';
import {
  type InstanceHost,
  type ManagedHost,
  type RejectedHost,
  type SshConfigProblemCode,
  type SshConfigScope,
  type SshConfigWarning,
  updateManagedBlock,
} from './ssh-config';
import { visibleText } from './visibleText';

/** Far above any real SSH config; a larger file is not one, and is not read whole. */
export const MAX_SSH_CONFIG_BYTES = 4 * 1024 * 1024;
const ATTEMPTS = 3;

export type SshConfigFileProblemCode = SshConfigProblemCode | 'not-a-file' | 'too-large' | 'read-only' | 'read-failed' | 'write-failed' | 'changed-meanwhile';

/** Why the config file was left as it was. `errno` is the system's code when there is one. */
export interface SshConfigFileProblem {
  code: SshConfigFileProblemCode;
  message: string;
  /** The file meant (a symlink's target once it was followed). */
  path: string;
  errno?: string;
  line?: number;
}

export type SshConfigFileResult =
  | {
      ok: true;
      /** The file written or checked: the symlink's target when the config is a link. */
      path: string;
      changed: boolean;
      /** True when the file did not exist and was made (0600, its folder 0700 if missing). */
      created: boolean;
      hosts: ManagedHost[];
      rejected: RejectedHost[];
      warnings: SshConfigWarning[];
    }
  | { ok: false; problem: SshConfigFileProblem };

/** The user's SSH config: `~/.ssh/config`. */
export function defaultSshConfigPath(home = os.homedir()): string {
  return path.join(home, '.ssh', 'config');
}

class FileProblem extends Error {
  constructor(readonly problem: SshConfigFileProblem) {
    super(problem.message);
  }
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));
}

function fail(code: SshConfigFileProblemCode, file: string, what: string, errno?: string): FileProblem {
  const detail = errno ? `${visibleText(file)}: ${errno}` : visibleText(file);
  return new FileProblem({ code, path: file, errno, message: `${what}: ${detail}` });
}

/** Where the config really is: symlinks followed, also a dangling one (its target is then made). */
function resolveConfigTarget(configPath: string): string {
  let current = path.resolve(configPath);
  for (let hop = 0; hop < 40; hop++) {
    try {
      return fs.realpathSync(current);
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'ENOTDIR') throw fail('read-failed', current, 'A part of the SSH config\'s path is a file, not a folder, so nothing was written', errno);
      if (errno !== 'ENOENT') throw fail('read-failed', current, 'Could not find where the SSH config is', errno);
    }
    let link: string;
    try {
      if (!fs.lstatSync(current).isSymbolicLink()) return current;
      link = fs.readlinkSync(current);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return current; // missing: it will be created here
      throw fail('read-failed', current, 'Could not find where the SSH config is', errnoOf(error));
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw fail('read-failed', configPath, 'The SSH config is a chain of too many symbolic links', 'ELOOP');
}

interface ExistingFile {
  bytes: Buffer;
  stat: fs.Stats;
}

/** The file's bytes, or undefined when it does not exist. Never opens a FIFO or device for long. */
function readExisting(target: string): ExistingFile | undefined {
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw fail('read-failed', target, 'Could not read the SSH config', errnoOf(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw fail('not-a-file', target, 'The SSH config is not a regular file, so it was left alone');
    if (stat.size > MAX_SSH_CONFIG_BYTES) throw fail('too-large', target, `The SSH config is larger than ${MAX_SSH_CONFIG_BYTES} bytes, so it is not one and was left alone`);
    return { bytes: fs.readFileSync(fd), stat };
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw fail('read-failed', target, 'Could not read the SSH config', errnoOf(error));
  } finally {
    fs.closeSync(fd);
  }
}

/** A file whose owner may not write it was made read-only on purpose (root could, so the bits are checked). */
function checkWritable(target: string, stat: fs.Stats): void {
  const what = 'The SSH config is read-only, so it was left as it was; make it writable and try again';
  if ((stat.mode & 0o200) === 0) throw fail('read-only', target, `${what} (its mode is ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`);
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (error) {
    throw fail('read-only', target, what, errnoOf(error)); // EROFS for a read-only mount, EACCES for someone else's file
  }
}

/** True when the file is no longer the one read (another program wrote it meanwhile). */
function replacedSince(target: string, read: fs.Stats): boolean {
  try {
    const now = fs.statSync(target);
    return now.ino !== read.ino || now.size !== read.size || now.mtimeMs !== read.mtimeMs;
  } catch {
    return true;
  }
}

/**
 * Replaces `target` with `content` all or nothing, keeping its mode (and owner where allowed):
 * a temporary file beside it, fsynced, renamed over it; the folder fsynced where it can be.
 * Returns false, writing nothing, when the file changed since `read` was taken.
 */
function replaceFileAtomic(target: string, content: string, read: fs.Stats): boolean {
  const dir = path.dirname(target);
  const temporary = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const mode = read.mode & 0o7777;
  const fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode & 0o777);
  let renamed = false;
  try {
    try {
      try {
        fs.fchmodSync(fd, mode); // whatever the umask; file systems without modes refuse, and have nothing to keep
      } catch (error) {
        if (!['ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EPERM'].includes(errnoOf(error))) throw error;
      }
      if (process.getuid && read.uid !== process.getuid()) {
        try {
          fs.fchownSync(fd, read.uid, read.gid); // root editing a user's file leaves it the user's
        } catch {
          // not ours to give away; the file stays ours
        }
      }
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (replacedSince(target, read)) return false;
    fs.renameSync(temporary, target);
    renamed = true;
    syncFolder(dir);
    return true;
  } finally {
    if (!renamed) fs.rmSync(temporary, { force: true });
  }
}

/** Makes the rename durable; Windows and some file systems cannot open or fsync a folder. */
function syncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // the rename is done; only its durability on a power cut is unknown
  }
}

/** Creates the missing config: its folder 0700 if missing, the file 0600, never over one that appeared. */
function createFile(target: string, content: string): boolean {
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail('write-failed', path.dirname(target), 'Could not make the folder for the SSH config', errnoOf(error));
  }
  try {
    writeNewFileAtomic(target, content, 0o600);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Updates the managed block of the SSH config at `configPath` (see updateManagedBlock): the
 * scope's entries become `instances`. A missing file is created (0600, folder 0700); an existing
 * one is replaced atomically with its mode kept, and only when the text changes. Every failure
 * (a broken block, a read-only file or folder, a full disk) is returned as a problem with the file
 * unchanged. Never throws for file-system errors.
 */
export function updateSshConfigFile(configPath: string, scope: SshConfigScope, instances: readonly InstanceHost[]): SshConfigFileResult {
  let target = configPath;
  try {
    target = resolveConfigTarget(configPath);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const existing = readExisting(target);
      const update = updateManagedBlock(existing?.bytes, scope, instances);
      if (!update.ok) return { ok: false, problem: { ...update.problem, path: target } };
      const { hosts, rejected, warnings } = update;
      // Unchanged, or missing and still nothing to write: no file is touched or made.
      if (!update.changed) return { ok: true, path: target, changed: false, created: false, hosts, rejected, warnings };
      if (existing) checkWritable(target, existing.stat);
      let written: boolean;
      try {
        written = existing ? replaceFileAtomic(target, update.text, existing.stat) : createFile(target, update.text);
      } catch (error) {
        if (error instanceof FileProblem) throw error;
        throw fail('write-failed', target, 'Could not write the SSH config, which is left as it was', errnoOf(error));
      }
      if (written) return { ok: true, path: target, changed: true, created: !existing, hosts, rejected, warnings };
    }
    throw fail('changed-meanwhile', target, 'The SSH config kept changing while it was updated, so it was left as the other program wrote it; try again');
  } catch (error) {
    if (error instanceof FileProblem) return { ok: false, problem: error.problem };
    return { ok: false, problem: { code: 'write-failed', path: target, errno: errnoOf(error), message: `Could not update the SSH config: ${visibleText(target)}: ${errnoOf(error)}` } };
  }
}
