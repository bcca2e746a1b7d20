import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cloud-ssh-keys-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the real ssh-keygen to make a key: the reference every fingerprint is checked against. */
export function sshKeygen(file: string, type: string, extra: string[] = [], comment = path.basename(file)): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-f', file, '-N', '', '-C', comment, ...extra], { stdio: 'pipe' });
}

/** What `ssh-keygen -l` prints for a file: bits, fingerprint, comment and type. */
export function keygenFingerprint(file: string, hash: 'sha256' | 'md5' = 'sha256'): { bits: number; fingerprint: string; type: string } {
  const out = execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
  const m = /^(\d+) (\S+) .*\((\S+)\)$/.exec(out);
  if (!m) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return { bits: Number(m[1]), fingerprint: m[2], type: m[3] };
}
