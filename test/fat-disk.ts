// A real file system without hard links or Unix modes for tests: an 8 MiB FAT image made by
// mkfs.fat and mounted through FUSE (fusefat), as a USB stick or a Windows share would be. There
// link(2) fails with EPERM and fchmod(2) with ENOSYS, the two things the atomic key write relies on.
// The Debian packages dosfstools and fusefat come from scripts/bootstrap.sh; where they, /dev/fuse
// or the right to mount are missing, the caller gets the reason and skips with it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FatDisk {
  /** The mount point. */
  dir: string;
  /** Every file and folder under `dir`. */
  entries(): string[];
  /** Unmounts (lazily) and removes the mount point and the image. */
  release(): void;
}

export type FatDiskOrReason = { disk: FatDisk; reason?: undefined } | { disk?: undefined; reason: string };

const mounted = new Set<string>();
process.on('exit', () => {
  for (const dir of mounted) unmount(dir);
});

function unmount(dir: string): void {
  try {
    execFileSync('fusermount', ['-u', '-z', dir], { stdio: 'pipe' });
  } catch {
    // already unmounted
  }
  mounted.delete(dir);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

/** Makes and mounts a FAT image with `folders` in it; returns the reason instead when this machine cannot. */
export function mountFatDisk(prefix: string, folders: string[] = []): FatDiskOrReason {
  if (process.platform !== 'linux') return { reason: `a FAT disk is mounted through FUSE, which needs Linux (this is ${process.platform})` };
  const searchPath = `${process.env.PATH ?? ''}${path.delimiter}/usr/sbin${path.delimiter}/sbin`;
  const env = { ...process.env, PATH: searchPath };
  const missing = ['mkfs.fat', 'fusefat', 'fusermount'].filter((c) => !searchPath.split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, c))));
  if (missing.length) return { reason: `${missing.join(', ')} not installed (bash scripts/bootstrap.sh installs dosfstools and fusefat)` };
  if (!fs.existsSync('/dev/fuse')) return { reason: 'this machine has no /dev/fuse' };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `csk-fat-${prefix}-`));
  const image = path.join(root, 'fat.img');
  const dir = path.join(root, 'mnt');
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(image, '');
    fs.truncateSync(image, 8 * 1024 * 1024);
    execFileSync('mkfs.fat', [image], { stdio: 'pipe', env });
    execFileSync('fusefat', ['-o', 'rw+', image, dir], { stdio: 'pipe', env });
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return { reason: `mounting a FAT image failed (${stderr || (error as Error).message})` };
  }
  mounted.add(dir);
  try {
    for (const folder of folders) fs.mkdirSync(path.join(dir, folder), { recursive: true });
    return {
      disk: {
        dir,
        entries: () => (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).sort(),
        release: () => unmount(dir),
      },
    };
  } catch (error) {
    unmount(dir);
    throw error;
  }
}
