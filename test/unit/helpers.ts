import { execFileSync, spawn } from 'node:child_process';
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

/** The checkout (tests run from out/test/unit). */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
/** The built CLI the tests run as a process. */
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** What a CLI run printed, and how it ended. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Newest modification time of the sources the bundles are built from. */
function newestSource(): number {
  let newest = 0;
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true }) as string[]) {
    if (entry.endsWith('.ts')) newest = Math.max(newest, fs.statSync(path.join(REPO_ROOT, 'src', entry)).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when any of `bundles` (names in dist/) is missing or older than the sources (a unit run may come before the build). */
export function ensureBuilt(bundles: string[]): void {
  const built = bundles.map((f) => path.join(REPO_ROOT, 'dist', f)).map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0));
  if (Math.min(...built) < newestSource()) execFileSync('node', ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/**
 * Runs `node dist/cli.js ARGS` without blocking this process (a fake server in this process has to
 * answer it). `check` sees every run's output (e.g. that no secret was printed) before it resolves.
 */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv, options: { check?: (run: CliRun) => void; onSpawn?: () => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => {
      const run = { status, stdout, stderr };
      try {
        options.check?.(run);
      } catch (error) {
        reject(error);
        return;
      }
      resolve(run);
    });
    options.onSpawn?.();
  });
}

/** `ssh-keygen -y`: the public half of a private key file, as `type base64`. */
export function keygenPublic(file: string): string {
  return execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
}

/** The base64 key blob of an OpenSSH public key line. */
export const blobOf = (line: string): string => line.trim().split(/\s+/)[1];

/**
 * The environment for a CLI run: this one without any cloud credentials or proxy of the machine
 * (the fakes answer on loopback), with HOME and the C locale, plus `credentials`.
 */
export function cliEnv(home: string, credentials: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(TENCENTCLOUD_|ALIBABA_CLOUD_)/.test(key) || /^https?_proxy$/i.test(key)) delete env[key];
  return { ...env, HOME: home, LANG: 'C', ...credentials };
}
