import * as path from 'node:path';
import * as vscode from 'vscode';
import { shownText } from '../platform/shown-text';
import { scanKeyDirectories, type KeyFile, type LocalKeyPair, type PublicKeyFile, type ScanResult } from '../keys/scan';
import type { ScanFileSystem } from '../keys/scan-fs';
import type { Problem } from '../keys/types';
import { problemMessage } from '../platform/messages';
import { visibleText } from '../keys/visibleText';
import type { Config } from '../platform/config';
import { displayKeyType, importedSummary, shortFingerprint } from '../keys/key-labels';

export const LOCAL_KEYS_VIEW_ID = 'cloudSshKeys.localKeys';
/** Drives the welcome views: `missing` (no folder), `empty` (no keys), `ready`. */
const STATE_CONTEXT_KEY = 'cloudSshKeys.localKeys.state';

export type LocalKeysNode =
  | { kind: 'directory'; directory: string }
  | { kind: 'pair'; pair: LocalKeyPair }
  /** `copy`: another `.pub` of the same key; `danger`: a `.pub` holding the private key. */
  | { kind: 'file'; pair: LocalKeyPair; file: KeyFile; role: FileRole }
  /** A `.pub` in which no key could be read: listed so that it is not silently missing. */
  | { kind: 'broken'; file: PublicKeyFile };

type FileRole = 'private' | 'public' | 'copy' | 'danger' | 'certificate';

/** Shows every key pair in the configured SSH folders. */
export class LocalKeysProvider implements vscode.TreeDataProvider<LocalKeysNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LocalKeysNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private scan: Promise<ScanResult> | undefined;
  private latest: ScanResult | undefined;
  private readonly scanned = new vscode.EventEmitter<ScanResult>();
  /** Fires after every completed scan (other views match cloud keys against it). */
  readonly onDidScan = this.scanned.event;
  /** Where a key (by blob) is imported in the clouds, as far as the Cloud Key Pairs view has listed. */
  private cloudLocations: (blobBase64: string | undefined) => Array<{ provider: string; region: string; keyId: string }> = () => [];

  constructor(
    private readonly config: Config,
    private readonly fileSystem: ScanFileSystem,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Lets pair items say where their key is imported (provider, region, KeyId). */
  setCloudLocations(locate: (blobBase64: string | undefined) => Array<{ provider: string; region: string; keyId: string }>): void {
    this.cloudLocations = locate;
  }

  /** Which listed instances a key (by blob) opens: shown on its item (src/views/cloud-keys-view.ts knows). */
  private openedInstances: (blobBase64: string | undefined) => string[] = () => [];

  setOpenedInstances(opened: (blobBase64: string | undefined) => string[]): void {
    this.openedInstances = opened;
  }

  /** Redraws without scanning again (e.g. the cloud listing changed). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** The result of the last completed scan, if any. */
  get lastScan(): ScanResult | undefined {
    return this.latest;
  }

  /** Re-reads the folders and redraws the view; resolves when the new data is ready. */
  refresh(): Promise<ScanResult> {
    this.scan = undefined;
    const result = this.currentScan();
    this.changed.fire(undefined);
    return result;
  }

  /** The running or last scan, starting one if there is none. */
  currentScan(): Promise<ScanResult> {
    if (!this.scan) {
      const started = Date.now();
      const directories = this.config.sshDirectories;
      this.scan = scanKeyDirectories(directories, this.fileSystem).then((result) => {
        this.latest = result;
        this.log.info(`Scanned ${directories.join(', ')}: ${result.pairs.length} key pairs in ${Date.now() - started} ms`);
        for (const dir of result.missingDirectories) this.log.info(`SSH folder not found: ${dir}`);
        for (const s of result.skipped) this.log.debug(`Skipped ${s.path}: ${s.reason}`);
        const empty = result.pairs.length === 0 && result.brokenPublicKeyFiles.length === 0;
        const state = result.directories.length === 0 ? 'missing' : empty ? 'empty' : 'ready';
        void vscode.commands.executeCommand('setContext', STATE_CONTEXT_KEY, state);
        this.scanned.fire(result);
        return result;
      });
    }
    return this.scan;
  }

  async getChildren(node?: LocalKeysNode): Promise<LocalKeysNode[]> {
    const result = await this.currentScan();
    if (!node) {
      // One folder: the pairs directly. Several: a level per folder.
      if (result.directories.length > 1) return result.directories.map((directory) => ({ kind: 'directory', directory }));
      return rowsOf(result);
    }
    if (node.kind === 'directory') return rowsOf(result, node.directory);
    if (node.kind === 'pair') {
      const { pair } = node;
      const files: LocalKeysNode[] = [];
      if (pair.privateKey) files.push({ kind: 'file', pair, file: pair.privateKey, role: 'private' });
      if (pair.publicKey) files.push({ kind: 'file', pair, file: pair.publicKey, role: 'public' });
      for (const copy of pair.publicCopies) files.push({ kind: 'file', pair, file: copy, role: 'copy' });
      for (const leaked of pair.privateKeysInPublicFiles) files.push({ kind: 'file', pair, file: leaked, role: 'danger' });
      for (const cert of pair.certificates) files.push({ kind: 'file', pair, file: cert, role: 'certificate' });
      return files;
    }
    return [];
  }

  getTreeItem(node: LocalKeysNode): vscode.TreeItem {
    if (node.kind === 'directory') {
      const item = new vscode.TreeItem(node.directory, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.resourceUri = vscode.Uri.file(node.directory);
      item.contextValue = 'sshDirectory';
      return item;
    }
    if (node.kind === 'file') return fileItem(node.file, node.role);
    if (node.kind === 'broken') return brokenItem(node.file);
    return pairItem(node.pair, this.cloudLocations(node.pair.facts.blobBase64), node.pair.privateKey ? this.openedInstances(node.pair.facts.blobBase64) : []);
  }

  dispose(): void {
    this.changed.dispose();
    this.scanned.dispose();
  }
}

/** The rows of a folder (all folders when `dir` is undefined): key pairs and unreadable `.pub` files, by name. */
function rowsOf(result: ScanResult, dir?: string): LocalKeysNode[] {
  const rows: Array<{ name: string; node: LocalKeysNode }> = [
    ...result.pairs.filter((p) => !dir || isInside(p.directory, dir)).map((pair) => ({ name: pair.name, node: { kind: 'pair', pair } as const })),
    ...result.brokenPublicKeyFiles
      .filter((f) => !dir || isInside(f.path, dir))
      .map((file) => ({ name: path.basename(file.path), node: { kind: 'broken', file } as const })),
  ];
  return rows.sort((a, b) => a.name.localeCompare(b.name)).map((r) => r.node);
}

/** Problems worth a mark on the row (information, e.g. "RFC 4716, converted on import", is not). */
function seriousProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity !== 'info').sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
}

/** The `.pub` files of a pair that carry problems (the private key in a `.pub` has its own marker). */
function publicFilesWithProblems(pair: LocalKeyPair): KeyFile[] {
  return [pair.publicKey, ...pair.publicCopies, ...pair.certificates].filter((f): f is KeyFile => !!f && seriousProblems(f.problems).length > 0);
}

/** `line 3: Bad base64 character…`: a problem as the tooltip lists it (lines count from 1, as in the editor). */
function problemLine(problem: Problem): string {
  return vscode.l10n.t('line {0}: {1}', problem.line + 1, shownProblem(problem));
}

/** A problem's message made safe to show: it may quote characters of the (untrusted) file. */
function shownProblem(problem: Problem): string {
  return visibleText(problemMessage(problem));
}

/** Opens a file with the problem selected: the same place its Problems panel entry goes to. */
function openAtProblem(file: string, problem: Problem | undefined): vscode.Command {
  const selection = problem ? new vscode.Range(problem.line, problem.column, problem.endLine, problem.endColumn) : undefined;
  return { command: 'vscode.open', title: vscode.l10n.t('Open File'), arguments: [vscode.Uri.file(file), { selection, preview: true }] };
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The markers a pair carries, in the user's language. */
export function pairMarkers(pair: LocalKeyPair): string[] {
  const markers: string[] = [];
  const leaked = pair.privateKeysInPublicFiles.length > 0;
  // The danger first: a secret in a file people share.
  if (leaked) markers.push(vscode.l10n.t('private key in .pub'));
  if (pair.facts.kind === 'certificate' && !pair.privateKey && !pair.publicKey) markers.push(vscode.l10n.t('certificate only'));
  else if (leaked && !pair.privateKey && !pair.publicKey) {
    // Neither "public only" nor "private only": the private key file proper is not here.
  } else if (!pair.privateKey) markers.push(vscode.l10n.t('public only'));
  else if (!pair.publicKey) markers.push(vscode.l10n.t('private only'));
  if (pair.facts.encrypted) markers.push(vscode.l10n.t('passphrase-protected'));
  if (pair.unsafePermissions) markers.push(vscode.l10n.t('unsafe permissions'));
  if (pair.publicKeyMismatch) markers.push(vscode.l10n.t('.pub does not match'));
  const problems = publicFilesWithProblems(pair).flatMap((f) => f.problems);
  if (problems.some((p) => p.severity === 'error')) markers.push(vscode.l10n.t('.pub has errors'));
  else if (problems.some((p) => p.severity === 'warning')) markers.push(vscode.l10n.t('.pub has warnings'));
  return markers;
}

function pairItem(pair: LocalKeyPair, imported: Array<{ provider: string; region: string; keyId: string }> = [], opens: string[] = []): vscode.TreeItem {
  const { facts } = pair;
  const item = new vscode.TreeItem(visibleText(pair.name), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `pair:${pair.id}`;
  const typeAndBits = facts.bits ? `${displayKeyType(facts)} ${facts.bits}` : displayKeyType(facts);
  const markers = pairMarkers(pair);
  const cloud = imported.map((l) => [l.provider, l.region, l.keyId].filter(Boolean).join(' '));
  item.description = [
    typeAndBits,
    shortFingerprint(facts.sha256),
    facts.comment ? visibleText(facts.comment) : undefined,
    ...markers.map((m) => `[${m}]`),
    // One or two places in full; more as a count per cloud (the tooltip lists each), so the row stays short.
    ...(cloud.length <= 2 ? cloud.map((c) => `[${c}]`) : [`[${importedSummary(imported)}]`]),
    opens.length === 1 ? vscode.l10n.t('opens {0}', visibleText(opens[0])) : opens.length > 1 ? vscode.l10n.t('opens {0} instances', opens.length) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const problems = publicFilesWithProblems(pair).flatMap((f) => f.problems);
  item.iconPath =
    pair.privateKeysInPublicFiles.length > 0 || problems.some((p) => p.severity === 'error')
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : new vscode.ThemeIcon(pair.unsafePermissions || pair.publicKeyMismatch || problems.length ? 'warning' : facts.encrypted ? 'lock' : 'key');
  item.tooltip = pairTooltip(pair, typeAndBits, markers);
  if (cloud.length) item.tooltip.appendMarkdown(`${vscode.l10n.t('Imported to')}: ${cloud.map((c) => escapeMarkdown(shownText(c))).join(', ')}\n\n`);
  if (opens.length) item.tooltip.appendMarkdown(`${vscode.l10n.t('Opens')}: ${opens.map((o) => escapeMarkdown(shownText(o))).join(', ')}\n\n`);
  item.contextValue = [
    'keyPair',
    pair.publicKey || facts.openssh ? 'hasPublicKey' : undefined,
    pair.privateKey ? 'hasPrivateKey' : undefined,
    !pair.publicKey && pair.privateKey ? 'privateOnly' : undefined,
    cloud.length ? 'imported' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return item;
}

function pairTooltip(pair: LocalKeyPair, typeAndBits: string, markers: string[]): vscode.MarkdownString {
  const { facts } = pair;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(pair.name)}** — ${escapeMarkdown(typeAndBits)}\n\n`);
  if (facts.comment) md.appendMarkdown(`${vscode.l10n.t('Comment')}: ${escapeMarkdown(visibleText(facts.comment))}\n\n`);
  if (facts.sha256) md.appendMarkdown(`\`${facts.sha256}\`\n\n`);
  else md.appendMarkdown(`${vscode.l10n.t('Fingerprint unknown: the private key is encrypted and has no .pub beside it.')}\n\n`);
  if (facts.md5) md.appendMarkdown(`\`${facts.md5}\`\n\n`);
  if (pair.privateKey) md.appendMarkdown(`${vscode.l10n.t('Private key')}: \`${pair.privateKey.path}\`\n\n`);
  if (pair.publicKey) md.appendMarkdown(`${vscode.l10n.t('Public key')}: \`${pair.publicKey.path}\`\n\n`);
  for (const copy of pair.publicCopies) md.appendMarkdown(`${vscode.l10n.t('Copy of the public key')}: \`${copy.path}\`\n\n`);
  for (const leaked of pair.privateKeysInPublicFiles) md.appendMarkdown(`${vscode.l10n.t('PRIVATE key in a .pub file')}: \`${leaked.path}\`\n\n`);
  for (const cert of pair.certificates) md.appendMarkdown(`${vscode.l10n.t('Certificate')}: \`${cert.path}\`\n\n`);
  if (markers.length) md.appendMarkdown(markers.map(escapeMarkdown).join(' · ') + '\n\n');
  if (pair.unsafePermissions && pair.privateKey) {
    md.appendMarkdown(
      vscode.l10n.t(
        'The private key can be read by other users (mode {0}); ssh refuses to use it. Run: chmod 600 {1}',
        (pair.privateKey.mode & 0o777).toString(8).padStart(3, '0'),
        pair.privateKey.path,
      ) + '\n\n',
    );
  }
  if (pair.publicKeyMismatch) {
    md.appendMarkdown(vscode.l10n.t('The .pub file holds a different key than the private key beside it.') + '\n\n');
  }
  for (const leaked of pair.privateKeysInPublicFiles) {
    md.appendMarkdown(
      vscode.l10n.t(
        'Danger: {0} is named like a public key but holds the PRIVATE key. Whoever gets a copy can log in wherever this key is accepted. Delete it (or move it out of the SSH folder) and use "Derive Public Key" to write a real .pub.',
        leaked.path,
      ) + '\n\n',
    );
  }
  for (const file of publicFilesWithProblems(pair)) {
    const lines = seriousProblems(file.problems).map((p) => `- ${escapeMarkdown(problemLine(p))}`);
    md.appendMarkdown(`${vscode.l10n.t('Problems in {0} (see the Problems panel):', `\`${file.path}\``)}\n\n${lines.join('\n')}\n\n`);
  }
  return md;
}

function fileItem(file: KeyFile, role: FileRole): vscode.TreeItem {
  const item = new vscode.TreeItem(visibleText(path.basename(file.path)), vscode.TreeItemCollapsibleState.None);
  item.id = `file:${file.path}`;
  item.resourceUri = vscode.Uri.file(file.path);
  const problems = role === 'private' ? [] : seriousProblems(file.problems);
  const roleText = {
    private: vscode.l10n.t('private key'),
    public: vscode.l10n.t('public key'),
    copy: vscode.l10n.t('copy of the public key'),
    danger: vscode.l10n.t('PRIVATE key in a .pub file'),
    certificate: vscode.l10n.t('certificate'),
  }[role];
  // The private key in a .pub has its own danger text; other problems are named on the row.
  const firstProblem = role === 'danger' ? undefined : problems[0];
  item.description = [roleText, firstProblem ? shownProblem(firstProblem) : undefined].filter(Boolean).join(' · ');
  item.iconPath =
    role === 'danger' || firstProblem?.severity === 'error'
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : firstProblem
        ? new vscode.ThemeIcon('warning')
        : new vscode.ThemeIcon(role === 'private' ? 'lock' : role === 'certificate' ? 'verified' : 'file');
  item.tooltip = [file.path, ...(role === 'danger' ? problems.slice(0, 1).map(shownProblem) : problems.map(problemLine))].join('\n');
  item.contextValue = `keyFile ${role}`;
  if (role === 'danger') {
    // Opening it would put the secret on screen: go to its Problems panel entry instead (Open File is still in the menu).
    item.command = { command: 'workbench.actions.view.problems', title: vscode.l10n.t('Show the problem') };
  } else if (role !== 'private') {
    // Opening a public key is harmless; a private key is opened only on an explicit "Open File".
    item.command = openAtProblem(file.path, firstProblem);
  }
  return item;
}

/** A `.pub` in which no key could be read: its first problem on the row, all of them in the tooltip; a click goes to it. */
function brokenItem(file: PublicKeyFile): vscode.TreeItem {
  const name = path.basename(file.path);
  const item = new vscode.TreeItem(visibleText(name), vscode.TreeItemCollapsibleState.None);
  item.id = `broken:${file.path}`;
  item.resourceUri = vscode.Uri.file(file.path);
  const problems = [...file.problems].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  const first = problems[0];
  item.description = [`[${vscode.l10n.t('no key could be read')}]`, first ? shownProblem(first) : undefined].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(visibleText(name))}** — ${escapeMarkdown(vscode.l10n.t('no key could be read'))}\n\n`);
  md.appendMarkdown(`\`${file.path}\`\n\n`);
  if (problems.length) md.appendMarkdown(problems.map((p) => `- ${escapeMarkdown(problemLine(p))}`).join('\n') + '\n\n');
  md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Click to open it at the problem; the Problems panel lists it too.')) + '\n\n');
  item.tooltip = md;
  item.contextValue = 'unreadableKeyFile';
  item.command = openAtProblem(file.path, first);
  return item;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

