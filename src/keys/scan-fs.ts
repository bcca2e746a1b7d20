import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What the scanner needs to know about a directory entry, after following symlinks. */
export interface EntryInfo {
  kind: 'file' | 'directory' | 'other';
  size: number;
  /** Permission bits (`mode & 0o777`). */
  mode: number;
  /** Identity of the target, to notice symlink cycles and the same file reached twice. */
  id: string;
}

/**
 * The few file-system calls the scanner makes, injected so that tests can feed it anything
 * and so that `src/keys` stays free of any editor API.
 */
export interface ScanFileSystem {
  readDirectory(dir: string): Promise<string[]>;
  /** Follows symlinks; rejects on a broken link or a loop (ELOOP). */
  stat(file: string): Promise<EntryInfo>;
  /**
   * Reads at most `maxBytes` of a regular file. Must never block on a FIFO or a device:
   * the Node implementation opens non-blocking and re-checks the type on the open handle.
   */
  readPrefix(file: string, maxBytes: number): Promise<Buffer>;
  platform: NodeJS.Platform;
}

function toEntryInfo(st: fs.Stats): EntryInfo {
  return {
    kind: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other',
    size: st.size,
    mode: st.mode & 0o777,
    id: `${st.dev}:${st.ino}`,
  };
}

/** The real file system, used by the extension and the CLI. */
export const nodeScanFileSystem: ScanFileSystem = {
  platform: process.platform,
  readDirectory: (dir) => fs.promises.readdir(dir),
  stat: async (file) => toEntryInfo(await fs.promises.stat(file)),
  async readPrefix(file, maxBytes) {
    // O_NONBLOCK: if the entry was swapped for a FIFO after stat(), open() still returns at once;
    // fstat on the handle then tells us it is not a regular file and we never read from it.
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw Object.assign(new Error(`not a regular file: ${file}`), { code: 'ENOTFILE' });
      const buffer = Buffer.alloc(Math.min(maxBytes, Math.max(st.size, 0)));
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  },
};

/** Expands a leading `~` (and `${env:HOME}`-free `$HOME`) the way a shell user expects. */
export function expandHome(dir: string, home = os.homedir()): string {
  if (dir === '~') return home;
  if (dir.startsWith('~/') || dir.startsWith('~\\')) return path.join(home, dir.slice(2));
  if (dir.startsWith('$HOME/')) return path.join(home, dir.slice(6));
  return dir;
}

/** What a synchronous read of a possible key file found. */
export type SyncRead =
  | { kind: 'file'; size: number; bytes?: Buffer }
  | { kind: 'directory' | 'other'; size: number }
  | { kind: 'error'; code: string };

/**
 * Synchronous twin of `readPrefix` for the CLI, where a thread-pool round trip per call costs
 * more than the read itself: one open (non-blocking, so a FIFO never blocks), one fstat, one read.
 * `bytes` is left out when the file is larger than `maxBytes`.
 */
export function readKeyFileSync(file: string, maxBytes: number): SyncRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { kind: 'error', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { kind: st.isDirectory() ? 'directory' : 'other', size: st.size };
    if (st.size > maxBytes) return { kind: 'file', size: st.size };
    const buffer = Buffer.alloc(st.size);
    let filled = 0;
    while (filled < buffer.length) {
      const n = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return { kind: 'file', size: st.size, bytes: buffer.subarray(0, filled) };
  } catch (err) {
    return { kind: 'error', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  } finally {
    fs.closeSync(fd);
  }
}
