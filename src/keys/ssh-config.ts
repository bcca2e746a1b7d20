// The managed block of Host entries that the Connect feature keeps in the user's SSH config: text
// in, text out, no file I/O (ssh-config-file.ts reads and writes). Only the block's lines are ours:
// the user's lines are never parsed into a model and written back, so every byte outside the block
// (comments, Include, Match, BOM, CRLF, tabs, a missing final newline) stays exactly as it was.
//
// Placement. ssh takes the first value it obtains for each option, so a new block goes at the top
// of the file: appended at the end, a user's earlier `Host *` with `User x` would win over ours.
// At the top, the user's leading global options (lines before any Host or Match) would fall into
// our last Host entry, so the block ends with `Match all`, which hands every host back to the rest
// of the file exactly as before. A block the user moved elsewhere is replaced where it is.
//
// Aliases. `<cloud>-<region>-<name>`, the instance name lowercased, accents dropped, every run of
// other characters made one `-`, cut to 48 characters (e.g. `tencent-ap-guangzhou-web-1`). When the
// name leaves nothing, the instance id (slugified) takes its place; when two instances (or an entry
// of another scope already in the block) would share an alias, each of them gets `-<instance id>`
// appended (unless the alias already ends with it), so the same instance set always gives the same
// aliases, whatever order the cloud lists them in, and an alias that became ambiguous stops
// resolving instead of silently reaching another machine. Entries are written sorted by cloud,
// region and alias, so the same data always gives the same bytes.

import * as net from 'node:net';
import { visibleText } from './visibleText';

/** The first line of the block. */
export const MANAGED_BLOCK_BEGIN = '# >>> Cloud SSH Keys: managed block, edits inside are replaced >>>';
/** The last line of the block. */
export const MANAGED_BLOCK_END = '# <<< Cloud SSH Keys: end of managed block <<<';
const BLOCK_HEADER = [
  '# The extension rewrites these lines when you connect to a cloud instance. They stay first so',
  '# their values win (ssh uses the first value it reads for each option); "Match all" at the end',
  '# hands every host back to the rest of this file as if the block were not there.',
];
const BLOCK_CLOSE = 'Match all';
const TAG_PREFIX = '# cloud-ssh-keys:';
// Loose on purpose: a marker someone re-indented or retyped is still found, so it is never taken
// for a user's comment and a second block written beside it.
const BEGIN_LIKE = /^\s*#\s*>>>\s*cloud ssh keys\b/i;
const END_LIKE = /^\s*#\s*<<<\s*cloud ssh keys\b/i;

const MAX_NAME_SLUG = 48;
const CLOUD_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const REGION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ALIAS = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Debian's NAME_REGEX widened to capitals and dots (Administrator, first.last): nothing ssh reads as syntax.
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_NAME = new RegExp(`^(?=.{1,253}\\.?$)${DNS_LABEL}(?:\\.${DNS_LABEL})*\\.?$`);
// C0 and C1 controls (U+0085 is a line break to some readers), DEL, line and paragraph separators, lone surrogates.
const UNSAFE_PATH_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PLAIN_PATH = /^[A-Za-z0-9_./~:+@-]+$/;

/** Which entries an update covers: one cloud's region (an account may be added later). */
export interface SshConfigScope {
  /** The cloud's id, e.g. `tencent`. */
  cloud: string;
  /** The region's id, e.g. `ap-guangzhou`. */
  region: string;
}

/** An instance to connect to, as the cloud described it (untrusted) plus the key file we chose. */
export interface InstanceHost {
  instanceId: string;
  /** The instance's display name; only its slug reaches the file. */
  instanceName: string;
  /** The address to connect to: an IPv4 or IPv6 address or a DNS name. */
  hostName: string;
  user: string;
  /** 22 when absent. */
  port?: number;
  /** The private key's local path (absolute, or `~/…`). */
  identityFile: string;
}

/** One Host entry of the block, as written. */
export interface ManagedHost extends SshConfigScope {
  instanceId: string;
  alias: string;
  hostName: string;
  user: string;
  port: number;
  identityFile: string;
}

/** An instance that was not written, and why (its old entry, if any, is removed). */
export interface RejectedHost {
  instanceId: string;
  field: 'instanceId' | 'hostName' | 'user' | 'port' | 'identityFile' | 'alias';
  reason: string;
}

export type SshConfigProblemCode = 'not-utf8' | 'unterminated-block' | 'end-before-begin' | 'end-without-begin' | 'several-blocks' | 'invalid-scope';

/** Why the config was left alone: nothing is written while one exists. `line` is 1-based. */
export interface SshConfigProblem {
  code: SshConfigProblemCode;
  message: string;
  line?: number;
}

export type SshConfigWarningCode = 'bom' | 'block-not-first' | 'edited-lines-replaced' | 'entry-dropped';

/** Something the user may want to know; the update went ahead. `line` is 1-based. */
export interface SshConfigWarning {
  code: SshConfigWarningCode;
  message: string;
  line?: number;
}

export type SshConfigUpdateResult =
  | {
      ok: true;
      /** The whole new config text. */
      text: string;
      /** False when `text` is exactly the old text. */
      changed: boolean;
      /** The scope's entries now in the block, by alias. */
      hosts: ManagedHost[];
      rejected: RejectedHost[];
      warnings: SshConfigWarning[];
    }
  | { ok: false; problem: SshConfigProblem };

/** What the block holds now, for finding an instance's alias. */
export type ManagedHostsResult = { ok: true; hosts: ManagedHost[]; warnings: SshConfigWarning[] } | { ok: false; problem: SshConfigProblem };

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset just past its `\n`, or the text's length on a last line without one. */
  next: number;
  /** Without `\r\n` / `\n`. */
  content: string;
}

/** Lines as ssh reads them: split at `\n` only (U+2028, U+0085 and a lone `\r` end no line for ssh). */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const next = newline < 0 ? text.length : newline + 1;
    const end = newline < 0 ? text.length : newline > start && text[newline - 1] === '\r' ? newline - 1 : newline;
    lines.push({ start, next, content: text.slice(start, end) });
    start = next;
  }
  return lines;
}

/** A value shown in a message: controls escaped, long values cut. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return `"${visibleText(cut)}"`;
}

/** Decodes the file's bytes; a BOM stays in the text (as U+FEFF) so it is written back. */
function decode(current: Uint8Array | string | undefined): string | SshConfigProblem {
  if (current === undefined) return '';
  if (typeof current === 'string') return current;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(current);
  } catch {
    return { code: 'not-utf8', message: 'The SSH config is not valid UTF-8 text, so it was left unchanged: save it as UTF-8 and try again.' };
  }
}

function scopeProblem(scope: SshConfigScope): SshConfigProblem | undefined {
  if (typeof scope.cloud !== 'string' || !CLOUD_ID.test(scope.cloud) || scope.cloud.length > 32) {
    return { code: 'invalid-scope', message: `The cloud id is not lowercase letters, digits and dashes: ${shown(scope.cloud)}` };
  }
  if (typeof scope.region !== 'string' || !REGION_ID.test(scope.region) || scope.region.length > 64) {
    return { code: 'invalid-scope', message: `The region id is not lowercase letters, digits and dashes: ${shown(scope.region)}` };
  }
  return undefined;
}

/**
 * The readable part of an alias: lowercase ASCII letters, digits and single dashes, at most 48
 * characters; empty when nothing of `text` is left (e.g. a name written only in Chinese).
 */
export function slugify(text: string): string {
  const ascii = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_NAME_SLUG).replace(/-+$/, '');
}

/** The alias an instance gets when nothing collides with it: `<cloud>-<region>-<name slug or id>`. */
export function baseHostAlias(scope: SshConfigScope, instanceName: string, instanceId: string): string {
  const name = typeof instanceName === 'string' ? slugify(instanceName) : '';
  return `${scope.cloud}-${scope.region}-${name || slugify(instanceId)}`;
}

/** Checks `HostName`: an IP address (no zone: `%` is ssh's token character) or a conservative DNS name. */
export function isSafeHostName(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (net.isIP(value) !== 0) return !value.includes('%');
  return DNS_NAME.test(value) && !/^[0-9.]+$/.test(value);
}

/** Checks `User`: a conservative POSIX user name (letters, digits, `_`, `.`, `-`; at most 32). */
export function isSafeUserName(value: unknown): value is string {
  return typeof value === 'string' && USER_NAME.test(value);
}

/** Why `path` cannot be an `IdentityFile`, or undefined when it can. */
export function identityFileProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'the key file path is empty';
  if (path.length > 4096) return 'the key file path is longer than 4096 characters';
  if (UNSAFE_PATH_CHARACTER.test(path)) return `the key file path holds a control or line-separator character: ${shown(path)}`;
  if (path.includes('"')) return `the key file path holds a double quote: ${shown(path)}`;
  // ssh expands ${NAME} in IdentityFile and has no escape for it.
  if (path.includes('${')) return `the key file path holds "\${", which ssh would expand: ${shown(path)}`;
  if (!/^(?:\/|~\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) return `the key file path is not absolute: ${shown(path)}`;
  return undefined;
}

/** `IdentityFile`'s argument: `%` doubled (ssh's token escape), `\` doubled (ssh's quoting), quoted unless plain. */
function identityFileArgument(path: string): string {
  const escaped = path.replace(/\\/g, '\\\\').replace(/%/g, '%%');
  return PLAIN_PATH.test(path) ? escaped : `"${escaped}"`;
}

/** The reverse of identityFileArgument, for entries read back from the block. */
function parseIdentityFileArgument(argument: string): string | undefined {
  let inner = argument;
  if (argument.startsWith('"')) {
    if (argument.length < 2 || !argument.endsWith('"')) return undefined;
    inner = argument.slice(1, -1);
  } else if (/\s/.test(argument)) return undefined;
  if (/(?:^|[^\\])(?:\\\\)*\\(?!\\)/.test(inner) || /(?:^|[^%])(?:%%)*%(?!%)/.test(inner)) return undefined;
  return inner.replace(/\\\\/g, '\\').replace(/%%/g, '%');
}

function hostLines(host: ManagedHost): string[] {
  return [
    `${TAG_PREFIX} ${host.cloud} ${host.region} ${host.instanceId}`,
    `Host ${host.alias}`,
    `  HostName ${host.hostName}`,
    `  User ${host.user}`,
    ...(host.port === 22 ? [] : [`  Port ${host.port}`]),
    `  IdentityFile ${identityFileArgument(host.identityFile)}`,
    '  IdentitiesOnly yes',
  ];
}

/** The block's text; empty when there are no hosts (the block is then removed). */
function renderBlock(hosts: ManagedHost[], eol: string, finalEol: boolean): string {
  if (hosts.length === 0) return '';
  const lines = [MANAGED_BLOCK_BEGIN, ...BLOCK_HEADER];
  for (const host of hosts) lines.push('', ...hostLines(host));
  lines.push('', BLOCK_CLOSE, MANAGED_BLOCK_END);
  return lines.join(eol) + (finalEol ? eol : '');
}

function compareHosts(a: ManagedHost, b: ManagedHost): number {
  const key = (h: ManagedHost) => [h.cloud, h.region, h.alias];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** Why an instance cannot be written (the first bad field), or undefined. Aliases are checked later. */
function instanceProblem(instance: InstanceHost): Omit<RejectedHost, 'instanceId'> | undefined {
  if (typeof instance.instanceId !== 'string' || !INSTANCE_ID.test(instance.instanceId)) {
    return { field: 'instanceId', reason: `the instance id is not letters, digits, "_", "." and "-": ${shown(instance.instanceId)}` };
  }
  if (!isSafeHostName(instance.hostName)) return { field: 'hostName', reason: `the address is not an IP address or a DNS name: ${shown(instance.hostName)}` };
  if (!isSafeUserName(instance.user)) return { field: 'user', reason: `the user name is not a plain POSIX user name: ${shown(instance.user)}` };
  const port = instance.port ?? 22;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return { field: 'port', reason: `the port is not a whole number from 1 to 65535: ${shown(port)}` };
  }
  const pathProblem = identityFileProblem(instance.identityFile);
  if (pathProblem) return { field: 'identityFile', reason: pathProblem };
  return undefined;
}

interface FoundBlock {
  /** Offsets of the block in the text: from its begin line to past its end line's line break. */
  start: number;
  next: number;
  /** Whether the end line had a line break (a block at the end of a file without one keeps that). */
  finalEol: boolean;
  /** 0-based line numbers. */
  beginLine: number;
  inner: Line[];
}

function findBlock(lines: Line[]): FoundBlock | undefined | SshConfigProblem {
  const begins: number[] = [];
  const ends: number[] = [];
  lines.forEach((line, i) => {
    if (BEGIN_LIKE.test(line.content)) begins.push(i);
    else if (END_LIKE.test(line.content)) ends.push(i);
  });
  if (begins.length === 0 && ends.length === 0) return undefined;
  if (begins.length > 1 || ends.length > 1) {
    const line = (begins.length > 1 ? begins[1] : ends[1]) + 1;
    return { code: 'several-blocks', line, message: `The SSH config has more than one Cloud SSH Keys block, so it was left unchanged: remove all but one (line ${line}).` };
  }
  if (begins.length === 0) {
    return { code: 'end-without-begin', line: ends[0] + 1, message: `The SSH config has the end line of a Cloud SSH Keys block but not its first line, so it was left unchanged: remove it (line ${ends[0] + 1}).` };
  }
  if (ends.length === 0) {
    return { code: 'unterminated-block', line: begins[0] + 1, message: `The Cloud SSH Keys block in the SSH config has no end line, so it was left unchanged: restore "${MANAGED_BLOCK_END}" or remove the block (line ${begins[0] + 1}).` };
  }
  const [begin, end] = [begins[0], ends[0]];
  if (end < begin) {
    return { code: 'end-before-begin', line: end + 1, message: `The end line of the Cloud SSH Keys block comes before its first line, so the SSH config was left unchanged: fix their order (line ${end + 1}).` };
  }
  const endLine = lines[end];
  return {
    start: lines[begin].start,
    next: endLine.next,
    finalEol: endLine.next > endLine.start + endLine.content.length,
    beginLine: begin,
    inner: lines.slice(begin + 1, end),
  };
}

/** `Keyword value` or `Keyword=value`, as ssh splits them. */
function keywordLine(content: string): { keyword: string; value: string } | undefined {
  const m = /^\s*([A-Za-z]+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(content);
  return m ? { keyword: m[1].toLowerCase(), value: m[2] } : undefined;
}

/** Records one of our entry's lines in `fields`; false for a line we never write, or a repeated one. */
function takeOption(fields: Partial<ManagedHost>, keyword: string, value: string): boolean {
  switch (keyword) {
    case 'host':
      return fields.alias === undefined && ((fields.alias = value), true);
    case 'hostname':
      return fields.hostName === undefined && ((fields.hostName = value), true);
    case 'user':
      return fields.user === undefined && ((fields.user = value), true);
    case 'port':
      return fields.port === undefined && /^\d{1,5}$/.test(value) && ((fields.port = Number(value)), true);
    case 'identityfile': {
      const path = parseIdentityFileArgument(value);
      return fields.identityFile === undefined && path !== undefined && ((fields.identityFile = path), true);
    }
    case 'identitiesonly':
      return value === 'yes';
    default:
      return false;
  }
}

interface ParsedBlock {
  hosts: ManagedHost[];
  warnings: SshConfigWarning[];
}

/**
 * Reads our entries back from the block's lines. Each is checked as a new one would be; one that
 * fails (someone edited it) is dropped, and lines that are not ours are reported (they are replaced).
 */
function parseBlock(inner: Line[], firstLineNumber: number): ParsedBlock {
  const hosts: ManagedHost[] = [];
  const warnings: SshConfigWarning[] = [];
  const foreignLines: number[] = [];
  let current: { line: number; fields: Partial<ManagedHost>; bad?: string } | undefined;
  const finish = () => {
    if (!current) return;
    const { line, fields } = current;
    const host = { port: 22, ...fields } as ManagedHost;
    const problem =
      current.bad ??
      (!host.alias || !ALIAS.test(host.alias) ? 'its Host line is missing or not an alias of ours' : undefined) ??
      instanceProblem({ ...host, instanceName: '' })?.reason;
    if (problem) warnings.push({ code: 'entry-dropped', line, message: `An entry of the Cloud SSH Keys block was edited and is removed (connect again to write it anew): ${problem} (line ${line}).` });
    else if (hosts.some((h) => h.alias === host.alias || (h.cloud === host.cloud && h.region === host.region && h.instanceId === host.instanceId))) {
      warnings.push({ code: 'entry-dropped', line, message: `An entry of the Cloud SSH Keys block repeats an alias or instance and is removed (line ${line}).` });
    } else hosts.push(host);
    current = undefined;
  };
  const header = new Set(BLOCK_HEADER);
  inner.forEach((line, index) => {
    const number = firstLineNumber + index;
    const text = line.content.trim();
    if (text.startsWith(TAG_PREFIX)) {
      finish();
      const tag = /^# cloud-ssh-keys: (\S+) (\S+) (\S+)$/.exec(text);
      const scopeOk = tag && !scopeProblem({ cloud: tag[1], region: tag[2] });
      current = { line: number, fields: tag ? { cloud: tag[1], region: tag[2], instanceId: tag[3] } : {}, bad: scopeOk ? undefined : 'its "# cloud-ssh-keys:" line is not "cloud region instance-id"' };
      return;
    }
    if (text === '' || header.has(text)) return;
    if (text === BLOCK_CLOSE) {
      finish();
      return;
    }
    const option = keywordLine(line.content);
    if (current && option && takeOption(current.fields, option.keyword, option.value)) return;
    foreignLines.push(number);
  });
  finish();
  if (foreignLines.length > 0) {
    const list = foreignLines.slice(0, 10).join(', ') + (foreignLines.length > 10 ? ', …' : '');
    warnings.push({
      code: 'edited-lines-replaced',
      line: foreignLines[0],
      message: `Lines inside the Cloud SSH Keys block that it did not write are replaced; put your own settings outside the block: line ${list}.`,
    });
  }
  return { hosts, warnings };
}

/** The line break the file uses (its first one outside the block), `\n` for a file that has none. */
function lineEndingOf(outside: string, block: string): string {
  for (const text of [outside, block]) {
    const newline = text.indexOf('\n');
    if (newline >= 0) return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
  }
  return '\n';
}

/** Warnings about where the block is in the new text. */
function placementWarnings(text: string, blockStart: number): SshConfigWarning[] {
  const warnings: SshConfigWarning[] = [];
  if (text.startsWith('\ufeff')) {
    warnings.push({ code: 'bom', line: 1, message: 'The SSH config starts with a byte order mark (BOM), which OpenSSH reads as part of the first line and rejects: save the file as UTF-8 without BOM.' });
  }
  const before = splitLines(text.slice(0, blockStart));
  const first = before.findIndex((line, i) => {
    const content = (i === 0 ? line.content.replace(/^\ufeff/, '') : line.content).trim();
    return content !== '' && !content.startsWith('#');
  });
  if (first >= 0) {
    warnings.push({
      code: 'block-not-first',
      line: first + 1,
      message: `Settings come before the Cloud SSH Keys block, and ssh uses the first value it reads, so they win over the block's for its hosts: move the block to the top (line ${first + 1}).`,
    });
  }
  return warnings;
}

/** Reads the hosts the block holds now (all scopes). A file without a block has none. */
export function readManagedHosts(current: Uint8Array | string | undefined): ManagedHostsResult {
  const text = decode(current);
  if (typeof text !== 'string') return { ok: false, problem: text };
  const lines = splitLines(text);
  const block = findBlock(lines);
  if (block && 'code' in block) return { ok: false, problem: block };
  if (!block) return { ok: true, hosts: [], warnings: [] };
  const parsed = parseBlock(block.inner, block.beginLine + 2);
  return { ok: true, hosts: parsed.hosts.sort(compareHosts), warnings: parsed.warnings };
}

/**
 * Gives `scope` exactly the entries for `instances` in the managed block of the config text
 * `current` (the file's bytes, or undefined for a missing file): entries of the scope for other
 * instances are removed, changed ones rewritten, other scopes' entries kept. Instances with an
 * unsafe field are returned in `rejected` and never written. A block left with no entries is
 * removed; a new one is inserted at the top (after a BOM). Every byte outside the block is kept.
 * On a problem (not UTF-8, broken markers, a bad scope) nothing is computed.
 */
export function updateManagedBlock(current: Uint8Array | string | undefined, scope: SshConfigScope, instances: readonly InstanceHost[]): SshConfigUpdateResult {
  const badScope = scopeProblem(scope);
  if (badScope) return { ok: false, problem: badScope };
  const text = decode(current);
  if (typeof text !== 'string') return { ok: false, problem: text };
  const lines = splitLines(text);
  const block = findBlock(lines);
  if (block && 'code' in block) return { ok: false, problem: block };

  const parsed = block ? parseBlock(block.inner, block.beginLine + 2) : { hosts: [], warnings: [] };
  const kept = parsed.hosts.filter((h) => h.cloud !== scope.cloud || h.region !== scope.region);
  const { hosts, rejected } = scopeHosts(scope, instances, new Set(kept.map((h) => h.alias)));
  const all = [...kept, ...hosts].sort(compareHosts);

  const bomLength = text.startsWith('\ufeff') ? 1 : 0;
  // JavaScript's \s matches U+FEFF, so a block at the very top is found with the BOM on its first line.
  const start = block ? Math.max(block.start, bomLength) : bomLength;
  const next = block ? block.next : bomLength;
  const before = text.slice(0, start);
  const after = text.slice(next);
  const eol = lineEndingOf(before + after, text.slice(start, next));
  const newBlock = renderBlock(all, eol, block ? block.finalEol : true);
  const newText = before + newBlock + after;
  const warnings = [...parsed.warnings, ...(newBlock ? placementWarnings(newText, start) : [])];
  return { ok: true, text: newText, changed: newText !== text, hosts: hosts.sort(compareHosts), rejected, warnings };
}

/** The scope's new entries with their aliases (see the rule at the top), and the instances refused. */
function scopeHosts(scope: SshConfigScope, instances: readonly InstanceHost[], takenAliases: ReadonlySet<string>): { hosts: ManagedHost[]; rejected: RejectedHost[] } {
  const rejected: RejectedHost[] = [];
  const valid: Array<{ instance: InstanceHost; base: string }> = [];
  const idCount = new Map<string, number>();
  for (const instance of instances) idCount.set(instance.instanceId, (idCount.get(instance.instanceId) ?? 0) + 1);
  for (const instance of instances) {
    const problem = instanceProblem(instance);
    const instanceId = typeof instance.instanceId === 'string' ? instance.instanceId : String(instance.instanceId);
    if (problem) rejected.push({ instanceId, ...problem });
    else if (idCount.get(instance.instanceId)! > 1) rejected.push({ instanceId, field: 'instanceId', reason: `the instance is listed more than once: ${shown(instanceId)}` });
    else valid.push({ instance, base: baseHostAlias(scope, instance.instanceName, instance.instanceId) });
  }
  const baseCount = new Map<string, number>();
  for (const { base } of valid) baseCount.set(base, (baseCount.get(base) ?? 0) + 1);
  const withAlias = valid.map(({ instance, base }) => {
    const collides = baseCount.get(base)! > 1 || takenAliases.has(base);
    const idSlug = slugify(instance.instanceId);
    return { instance, alias: collides && !base.endsWith(`-${idSlug}`) ? `${base}-${idSlug}` : base };
  });
  const aliasCount = new Map<string, number>();
  for (const { alias } of withAlias) aliasCount.set(alias, (aliasCount.get(alias) ?? 0) + 1);
  const hosts: ManagedHost[] = [];
  for (const { instance, alias } of withAlias) {
    if (aliasCount.get(alias)! > 1 || takenAliases.has(alias)) {
      rejected.push({ instanceId: instance.instanceId, field: 'alias', reason: `another entry already has the alias, even with the instance id added: ${shown(alias)}` });
      continue;
    }
    hosts.push({
      cloud: scope.cloud,
      region: scope.region,
      instanceId: instance.instanceId,
      alias,
      hostName: instance.hostName,
      user: instance.user,
      port: instance.port ?? 22,
      identityFile: instance.identityFile,
    });
  }
  rejected.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  return { hosts, rejected };
}
