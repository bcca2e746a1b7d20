// Headless entry over the same src/keys code the extension uses, for scripts and tests.
//   node dist/cli.js inspect PATH... [--json]
//   node dist/cli.js scan [DIR...] [--json]
//   node dist/cli.js audit [--ssh-dir DIR]... [--cloud CLOUD]... [--json]   (src/cli/audit.ts)
//   node dist/cli.js <cloud> import|create|list|delete|instances|ssh-config …   (src/clouds/<cloud>/cli.ts, listed in src/clouds/cli-registry.ts)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseKeyText } from './keys/parse';
import { MAX_KEY_FILE_BYTES, scanKeyDirectories } from './keys/scan';
import { expandHome, nodeScanFileSystem, readKeyFileSync } from './keys/scan-fs';
import { displayKeyType } from './keys/key-labels';
import { roleForFileName } from './keys/key-text-role';
import type { KeyFacts, Problem } from './keys/types';
import { visibleText } from './keys/visibleText';
import { UsageError } from './cli/common';
import { AUDIT_USAGE, auditCommand } from './cli/audit';
import { CLOUD_CLIS } from './clouds/cli-registry';

declare const CLI_VERSION: string | undefined;

const USAGE = `Usage: cloud-ssh-keys <command> [options]

Commands:
  inspect PATH... [--json]  Type, bits, comment, SHA256/MD5 fingerprints and problems of each key
                            file (a folder means every file in it). Exit 0 when every file could
                            be read, 1 when some could not, 2 on usage errors.
  scan [DIR...] [--json]    Key pairs in the folders (default ~/.ssh), paired as the Local Keys
                            view pairs them.
${AUDIT_USAGE}
  help                      This text.

${CLOUD_CLIS.map((c) => c.usage).join('\n\n')}
`;

/** A diagnostic as the CLI prints it: 1-based line and columns, `endColumn` exclusive. */
export interface CliDiagnostic {
  code: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Problem['severity'];
  message: string;
}

export interface InspectReport {
  path: string;
  ok: boolean;
  /** False when the file could not be read at all (missing, permission, not a regular file). */
  readable: boolean;
  kind?: KeyFacts['kind'];
  type?: string;
  bits?: number;
  comment?: string;
  sha256?: string;
  md5?: string;
  encrypted?: boolean;
  /** Every key in the file (more than one in an authorized_keys file). */
  keys: Array<Pick<KeyFacts, 'kind' | 'type' | 'bits' | 'comment' | 'sha256' | 'md5' | 'encrypted'> & { line: number }>;
  diagnostics: CliDiagnostic[];
}

function toCliDiagnostic(p: Problem): CliDiagnostic {
  return {
    code: p.code,
    line: p.line + 1,
    column: p.column + 1,
    endLine: p.endLine + 1,
    endColumn: p.endColumn + 1,
    severity: p.severity,
    message: p.message,
  };
}

function unreadable(file: string, reason: string): InspectReport {
  return {
    path: file,
    ok: false,
    readable: false,
    keys: [],
    diagnostics: [{ code: 'unreadable', line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', message: reason }],
  };
}

/** Inspects one file: never throws. Synchronous: for a CLI that reads many small files it is several times faster. */
export function inspectFile(file: string): InspectReport {
  const read = readKeyFileSync(file, MAX_KEY_FILE_BYTES);
  if (read.kind === 'error') return unreadable(file, `Cannot read the file: ${read.code}.`);
  if (read.kind !== 'file') return unreadable(file, `Not a regular file (${read.kind}); nothing was read.`);
  if (!read.bytes) {
    return {
      path: file,
      ok: false,
      readable: true,
      keys: [],
      diagnostics: [{
        code: 'too-large', line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error',
        message: `The file has ${read.size} bytes; a key file has at most ${MAX_KEY_FILE_BYTES}. It was not read: check that this is the file you meant.`,
      }],
    };
  }
  const parsed = parseKeyText(read.bytes.toString('utf8'), roleForFileName(file, 'auto'));
  const first = parsed.keys[0];
  const diagnostics = parsed.problems.map(toCliDiagnostic);
  return {
    path: file,
    ok: !diagnostics.some((d) => d.severity === 'error'),
    readable: true,
    kind: first?.kind,
    type: first?.type,
    bits: first?.bits,
    comment: first?.comment,
    sha256: first?.sha256,
    md5: first?.md5,
    encrypted: first?.kind === 'private' ? !!first.encrypted : undefined,
    keys: parsed.keys.map((k) => ({
      kind: k.kind, type: k.type, bits: k.bits, comment: k.comment, sha256: k.sha256, md5: k.md5,
      encrypted: k.kind === 'private' ? !!k.encrypted : undefined, line: k.line + 1,
    })),
    diagnostics,
  };
}

/** Expands folders into the regular files directly inside them (FIFOs and sockets are never listed). */
function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch {
      files.push(p); // not a folder: inspected (or reported unreadable) as a file
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      // A symlink is followed once to see what it points at.
      const isFile = e.isFile() || (e.isSymbolicLink() && (() => { try { return fs.statSync(child).isFile(); } catch { return false; } })());
      if (isFile) files.push(child);
    }
  }
  return files;
}

async function inspectCommand(paths: string[], json: boolean, out: (s: string) => void): Promise<number> {
  if (paths.length === 0) throw new UsageError('inspect needs at least one PATH');
  const reports = expandPaths(paths).map(inspectFile);
  if (json) {
    out(JSON.stringify(reports, null, 2));
  } else {
    for (const r of reports) {
      // Text output goes to a terminal: escape what could hide or recolour it (JSON output is exact).
      const shownPath = visibleText(r.path);
      if (r.sha256) out(`${r.bits ?? '?'} ${r.sha256} ${visibleText(r.comment || 'no comment')} (${displayKeyType({ type: r.type, kind: r.kind })})${r.kind === 'private' ? ' private' : ''}${r.encrypted ? ', encrypted' : ''}  ${shownPath}`);
      else if (r.kind) out(`${r.type} ${r.kind}${r.encrypted ? ', encrypted' : ''} (fingerprint needs the passphrase)  ${shownPath}`);
      for (const d of r.diagnostics) out(`${shownPath}:${d.line}:${d.column}: ${d.severity}: ${visibleText(d.message)}`);
    }
  }
  return reports.every((r) => r.readable) ? 0 : 1;
}

async function scanCommand(dirs: string[], json: boolean, out: (s: string) => void): Promise<number> {
  const directories = (dirs.length ? dirs : ['~/.ssh']).map((d) => path.resolve(expandHome(d)));
  const result = await scanKeyDirectories(directories, nodeScanFileSystem);
  if (json) {
    out(JSON.stringify({
      directories: result.directories,
      missingDirectories: result.missingDirectories,
      skipped: result.skipped,
      pairs: result.pairs.map((p) => ({
        name: p.name,
        privateKey: p.privateKey?.path,
        publicKey: p.publicKey?.path,
        certificates: p.certificates.map((c) => c.path),
        type: p.facts.type, bits: p.facts.bits, comment: p.facts.comment, sha256: p.facts.sha256, md5: p.facts.md5,
        encrypted: !!p.facts.encrypted, unsafePermissions: p.unsafePermissions, publicKeyMismatch: p.publicKeyMismatch,
        // Other files holding the same key, and .pub files holding its PRIVATE key (a secret where a shareable file is expected).
        publicCopies: p.publicCopies.map((c) => c.path),
        privateKeysInPublicFiles: p.privateKeysInPublicFiles.map((f) => f.path),
      })),
      brokenPublicKeyFiles: result.brokenPublicKeyFiles.map((f) => ({ path: f.path, problems: f.problems.map(toCliDiagnostic) })),
    }, null, 2));
  } else {
    for (const dir of result.missingDirectories) out(`missing folder: ${visibleText(dir)}`);
    for (const p of result.pairs) {
      const marks = [!p.privateKey && !p.publicKey && p.privateKeysInPublicFiles.length && 'private key in .pub only',
        !p.privateKey && p.publicKey && 'public only', !p.publicKey && p.privateKey && 'private only', p.facts.encrypted && 'passphrase',
        p.unsafePermissions && 'UNSAFE PERMISSIONS', p.publicKeyMismatch && '.pub MISMATCH',
        p.publicCopies.length && `${p.publicCopies.length} ${p.publicCopies.length === 1 ? 'copy' : 'copies'}`].filter(Boolean);
      out(`${visibleText(p.name)}\t${displayKeyType(p.facts)} ${p.facts.bits ?? '?'}\t${p.facts.sha256 ?? '(fingerprint unknown)'}\t${visibleText(p.facts.comment)}${marks.length ? `\t[${marks.join(', ')}]` : ''}`);
      for (const copy of p.publicCopies) out(`  copy of its public key: ${visibleText(copy.path)}`);
      for (const leaked of p.privateKeysInPublicFiles) {
        out(`  DANGER: ${visibleText(leaked.path)} holds the PRIVATE key: move it to a file without .pub, chmod 600, and never share it`);
      }
    }
    for (const broken of result.brokenPublicKeyFiles) {
      const first = broken.problems.find((pr) => pr.severity === 'error') ?? broken.problems[0];
      out(`${visibleText(broken.path)}\t[no key could be read]${first ? `\t${first.line + 1}:${first.column + 1} ${visibleText(first.message)}` : ''}`);
    }
  }
  return 0;
}

/**
 * The safety net under every cloud command: should Node run out of work while the command is still
 * waiting (a request that can never settle), it must not exit 0 having printed nothing. The
 * transport's and the operation's timers make this unreachable; this says so if it ever is not.
 */
function exitLoudlyIfAbandoned(cloud: string, err: (s: string) => void): () => void {
  const onBeforeExit = () => {
    err(`cloud-ssh-keys: NoAnswer: the ${cloud} command ended without an answer or an error: nothing was left to wait for. Whether a request took effect is unknown: check with "${cloud} list" before trying again.`);
    process.exit(1);
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.off('beforeExit', onBeforeExit);
}

/** Runs the CLI; returns the exit code. Exported for tests. */
export async function main(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  const [command, ...rest] = argv;
  const cloud = CLOUD_CLIS.find((c) => c.command === command);
  if (cloud) {
    try {
      if (rest.includes('--help') || rest.includes('-h')) {
        out(cloud.usage);
        return 0;
      }
      const release = exitLoudlyIfAbandoned(command, err);
      try {
        return await cloud.run(rest, { out, err, env: process.env });
      } finally {
        release();
      }
    } catch (e) {
      if (e instanceof UsageError) {
        err(`cloud-ssh-keys: ${e.message}\n\n${cloud.usage}`);
        return 2;
      }
      err(`cloud-ssh-keys: ${visibleText((e as Error).message)}`);
      return 1;
    }
  }
  if (command === 'audit') {
    try {
      return await auditCommand(rest, { out, err, env: process.env }, CLOUD_CLIS.map((c) => ({ word: c.command, ...c.cloud })));
    } catch (e) {
      if (e instanceof UsageError) {
        err(`cloud-ssh-keys: ${e.message}\n\n${AUDIT_USAGE}`);
        return 2;
      }
      err(`cloud-ssh-keys: ${visibleText((e as Error).message)}`);
      return 1;
    }
  }
  const json = rest.includes('--json');
  const unknown = rest.find((a) => a.startsWith('--') && a !== '--json');
  const args = rest.filter((a) => !a.startsWith('--'));
  try {
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    switch (command) {
      case 'inspect':
        return await inspectCommand(args, json, out);
      case 'scan':
        return await scanCommand(args, json, out);
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      case '--version':
        out(typeof CLI_VERSION === 'string' ? CLI_VERSION : 'dev');
        return 0;
      default:
        throw new UsageError(command ? `unknown command ${command}` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cloud-ssh-keys: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    err(`cloud-ssh-keys: ${visibleText((e as Error).message)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
