// A genuinely full file system for tests: a tiny tmpfs mounted on a fresh folder and filled until
// the kernel answers ENOSPC. Shared by the unit suite and the in-host suite (no vscode import).
// Mounting needs root (CAP_SYS_ADMIN) on Linux; where that is missing, the caller gets the reason
// and skips with it, so a missing full disk never passes silently.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FullDisk {
  /** The mount point: every write of file content under it fails with ENOSPC. */
  dir: string;
  /** The file that fills the disk (the only file the disk held before the test). */
  filler: string;
  /** Files under `dir` other than the filler and the folders made before filling. */
  strayFiles(): string[];
  /** Unmounts (lazily, so an open file cannot keep it mounted) and removes the mount point. */
  release(): void;
}

export type FullDiskOrReason = { disk: FullDisk; reason?: undefined } | { disk?: undefined; reason: string };

const mounted = new Set<string>();
// A test run that dies before its `after` hook still leaves no mount behind.
process.on('exit', () => {
  for (const dir of mounted) unmount(dir);
});

function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // already unmounted
  }
  mounted.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes to `fd` until the file system refuses with ENOSPC; the chunk shrinks to 1 byte to use up the last page. */
function fillUntilEnospc(fd: number): void {
  for (const size of [64 * 1024, 4096, 1]) {
    const chunk = Buffer.alloc(size, 0x5a);
    for (;;) {
      try {
        if (fs.writeSync(fd, chunk) === 0) break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw error;
      }
    }
  }
}

/** True when writing even one byte of a new file under `dir` fails with ENOSPC. */
function refusesOneByte(dir: string): boolean {
  const probe = path.join(dir, '.probe');
  try {
    fs.writeFileSync(probe, 'x');
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOSPC';
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/**
 * Mounts a 64 KiB tmpfs (mode 0700) on a fresh folder, makes `folders` in it (a full tmpfs still
 * takes folders, but they are made first so nothing depends on that), then fills it.
 * Returns the reason instead when this machine cannot mount one.
 */
export function mountFullDisk(prefix: string, folders: string[] = []): FullDiskOrReason {
  if (process.platform !== 'linux') return { reason: `a full disk is simulated with a tmpfs mount, which needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { reason: `mounting a tmpfs to fill needs root (CAP_SYS_ADMIN); this process runs as uid ${process.getuid?.()}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `csk-full-${prefix}-`));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return { reason: `mount -t tmpfs failed (${stderr || (error as Error).message}); a container without CAP_SYS_ADMIN cannot simulate a full disk` };
  }
  mounted.add(dir);
  try {
    for (const folder of folders) fs.mkdirSync(path.join(dir, folder), { recursive: true, mode: 0o700 });
    const filler = path.join(dir, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      fillUntilEnospc(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (!refusesOneByte(dir)) throw new Error(`${dir} was filled but still takes a 1-byte file`);
    // The filler, the folders made and their parents: anything else was left by the test.
    const expected = new Set([filler]);
    for (const folder of folders) for (let f = path.join(dir, folder); f !== dir; f = path.dirname(f)) expected.add(f);
    const strayFiles = () => (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => !expected.has(f));
    return { disk: { dir, filler, strayFiles, release: () => unmount(dir) } };
  } catch (error) {
    unmount(dir);
    throw error;
  }
}
