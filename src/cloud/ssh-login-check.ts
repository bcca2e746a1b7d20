// Whether a real SSH login with one particular key works: `ssh` itself, non-interactive
// (BatchMode, no agent, no password), with a deadline, through an SSH config text the caller gives
// (the user's config with the managed block as it would be), checking from ssh's own debug output
// which key the server accepted — a login that went in with some other key (an IdentityFile of a
// `Host *` section, say) does not count. Key rotation (./rotation.ts) uses it before it takes the
// old key away, and to show that the old key is refused afterwards.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LoginCheckRequest {
  /** The whole SSH config ssh reads (`-F`): it holds the Host entry of `alias`. */
  configText: string;
  alias: string;
  /** The SHA256 fingerprint (`SHA256:…`) of the key that must be the one accepted. */
  expectedSha256: string;
  /** The whole check, connection included. */
  timeoutSeconds: number;
  /** `ssh` unless the user named another client. */
  sshCommand?: string;
  signal?: AbortSignal;
}

/**
 * - `accepted`: logged in with the expected key;
 * - `other-key`: logged in, but with another key (so the check proves nothing about this one);
 * - `refused`: the server turned the key down;
 * - `host-key`: the server's host key is unknown or changed (ssh never logs in then);
 * - `unreachable`: no connection (refused, timed out, no route, name unknown);
 * - `error`: anything else (ssh missing, a config error), with ssh's own words.
 */
export type LoginCheckOutcome = 'accepted' | 'other-key' | 'refused' | 'host-key' | 'unreachable' | 'error';

export interface LoginCheckResult {
  outcome: LoginCheckOutcome;
  /** One line for the user: what ssh said. */
  detail: string;
}

/** Reads ssh's `-v` output and exit status into an outcome. */
export function loginCheckOutcome(status: number | null, stderr: string, expectedSha256: string, timedOut: boolean): LoginCheckResult {
  const lines = stderr.split(/\r?\n/);
  const accepted = lines.map((l) => /Server accepts key: .*?(SHA256:[A-Za-z0-9+/]+)/.exec(l)?.[1]).filter((f): f is string => !!f);
  const authenticated = lines.some((l) => /Authenticated to /.test(l));
  const last = lines.filter((l) => l.trim() && !l.startsWith('debug') && !l.startsWith('OpenSSH_')).pop()?.trim() ?? '';
  if (authenticated && status === 0) {
    if (accepted.includes(expectedSha256)) return { outcome: 'accepted', detail: `logged in with ${expectedSha256}` };
    return { outcome: 'other-key', detail: `logged in, but with ${accepted[0] ?? 'another method'}, not ${expectedSha256}` };
  }
  if (timedOut) return { outcome: 'unreachable', detail: 'no answer before the deadline' };
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(stderr)) {
    return { outcome: 'host-key', detail: "the instance's host key is not in known_hosts (or changed): connect once to check and accept it" };
  }
  if (/Permission denied \(/.test(stderr)) return { outcome: 'refused', detail: last || 'Permission denied' };
  if (/Connection refused|Connection timed out|timed out|No route to host|Could not resolve hostname|Network is unreachable|Connection closed by|Connection reset/i.test(stderr)) {
    return { outcome: 'unreachable', detail: last || 'no connection' };
  }
  return { outcome: 'error', detail: last || `ssh exited with ${status}` };
}

/** Runs one check (see the file comment). Never throws for what ssh says; rejects only when cancelled. */
export async function checkSshLogin(request: LoginCheckRequest): Promise<LoginCheckResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-check-'));
  const configFile = path.join(dir, 'config');
  fs.writeFileSync(configFile, request.configText, { mode: 0o600 });
  const args = [
    '-F', configFile, '-v',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.min(30, Math.floor(request.timeoutSeconds)))}`,
    '-o', 'IdentityAgent=none',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-o', 'PreferredAuthentications=publickey',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '--', request.alias, 'true',
  ];
  try {
    return await new Promise<LoginCheckResult>((resolve, reject) => {
      let stderr = '';
      let timedOut = false;
      const child = spawn(request.sshCommand || 'ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, request.timeoutSeconds * 1000);
      const onAbort = () => {
        child.kill('SIGKILL');
        reject(Object.assign(new Error('The login check was cancelled.'), { name: 'AbortError' }));
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 256 * 1024) stderr += chunk.toString('utf8');
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        resolve({ outcome: 'error', detail: error.code === 'ENOENT' ? `${request.sshCommand || 'ssh'} is not installed (or not on PATH)` : error.message });
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        resolve(loginCheckOutcome(status, stderr, request.expectedSha256, timedOut));
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
