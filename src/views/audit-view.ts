// The Key Audit view: the findings of src/cloud/audit.ts, grouped by kind with counts. Its input is
// what the other views already hold: the Local Keys scan, and the Cloud Key Pairs view's listings
// (each account's key pairs per region, its instances per region, listed once until a refresh), so
// an audit does not ask the clouds again what they were just asked. Findings are nodes the existing
// commands take: a cloud key pair's is a Cloud Key Pairs `keyPair` node (Delete, Rotate), a local
// key's a Local Keys `pair` node (Derive, Import). After an action the views reload, and so does this.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AuditAccountInput, AuditFinding, AuditKind, AuditRegionInput } from '../cloud/audit';

/** The audit itself (src/cloud/audit.ts), given by the caller: it loads with the cloud flows when it first runs, so activation stays small. */
export type AuditEngine = Pick<typeof import('../cloud/audit'), 'auditKeys' | 'countByKind' | 'DEFAULT_MAX_KEY_AGE_DAYS'>;
import type { CloudInstance, KeyPair } from '../cloud/provider';
import type { LocalKeyPair } from '../keys/scan';
import type { CloudAccount } from '../platform/cloud-account';
import { cloudErrorReason } from '../platform/cloud-errors';
import { shownText } from '../platform/shown-text';
import type { CloudKeysProvider } from './cloud-keys-view';
import type { LocalKeysProvider } from './local-keys-view';

export const AUDIT_VIEW_ID = 'cloudSshKeys.audit';
/** Set once an audit has run: the welcome content shows until then. */
const RAN_CONTEXT_KEY = 'cloudSshKeys.audit.ran';

/** What the Rotate command takes (src/commands/rotate-key-pair.ts), besides the node's own fields. */
interface RotateTarget {
  cloud: string;
  accountId: string;
  region: string;
  keyPairId: string;
}

export type AuditNode =
  | { kind: 'auditGroup'; auditKind: AuditKind; findings: AuditFinding[] }
  | ({ kind: 'keyPair'; account: CloudAccount; keyPair: KeyPair; finding: AuditFinding } & RotateTarget)
  | ({ kind: 'instance'; account: CloudAccount; instance: CloudInstance; keyPairs: KeyPair[]; finding: AuditFinding } & RotateTarget)
  | { kind: 'pair'; pair: LocalKeyPair; finding: AuditFinding }
  | { kind: 'folder'; path: string; finding: AuditFinding }
  | { kind: 'auditProblem'; finding: AuditFinding }
  | { kind: 'notAudited'; account: CloudAccount };

type FindingNode = Exclude<AuditNode, { kind: 'auditGroup' } | { kind: 'notAudited' }>;

/** The kinds as the view names them. */
function kindTitle(kind: AuditKind): string {
  switch (kind) {
    case 'region-failed': return vscode.l10n.t('Regions that could not be audited');
    case 'weak-key': return vscode.l10n.t('Weak keys');
    case 'unsafe-permissions': return vscode.l10n.t('Unsafe file permissions');
    case 'instance-without-local-key': return vscode.l10n.t('Instances no local key logs in to');
    case 'no-local-private-key': return vscode.l10n.t('Key pairs without a local private key');
    case 'no-passphrase': return vscode.l10n.t('Private keys without a passphrase');
    case 'old-key-pair': return vscode.l10n.t('Old key pairs');
    case 'unbound-key-pair': return vscode.l10n.t('Key pairs bound to nothing');
    case 'same-key-different-names': return vscode.l10n.t('The same key under different names');
    case 'imported-nowhere': return vscode.l10n.t('Local keys imported nowhere');
  }
}

export class AuditProvider implements vscode.TreeDataProvider<AuditNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AuditNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: FindingNode[] | undefined;
  private notAudited: CloudAccount[] = [];
  private running: Promise<AuditFinding[]> | undefined;
  private again = false;
  /** Whether every run asked for meanwhile was a background one (then the next sends no request either). */
  private againInBackground = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** The clock of the last run (tests audit "in the future" to see old key pairs). */
  private now: (() => number) | undefined;

  constructor(
    private readonly accounts: readonly CloudAccount[],
    private readonly cloudKeys: CloudKeysProvider,
    private readonly localKeys: LocalKeysProvider,
    private readonly log: vscode.LogOutputChannel,
    private readonly engine: () => AuditEngine,
  ) {
    // After an action (chmod, derive, import, delete, rotate) the views reload: so does the audit.
    const soon = () => this.refreshSoon();
    this.subscriptions = [localKeys.onDidScan(soon), cloudKeys.onDidLoad(soon)];
  }

  /** The findings of the last audit (undefined before the first). */
  get findings(): AuditFinding[] | undefined {
    return this.nodes?.map((n) => n.finding);
  }

  private refreshSoon(): void {
    if (!this.nodes) return; // never run: nothing to refresh
    clearTimeout(this.timer);
    // In the background the audit only reads what the views have listed: it sends no request itself.
    this.timer = setTimeout(() => void this.run({ background: true }), 300);
  }

  /** Audits now (once more after the running one, if one is running); resolves with the findings. */
  run(options: { now?: () => number; background?: boolean } = {}): Promise<AuditFinding[]> {
    if (options.now) this.now = options.now;
    const background = options.background === true;
    if (this.running) {
      this.again = true;
      this.againInBackground &&= background;
      return this.running;
    }
    this.running = this.audit(background).finally(() => {
      this.running = undefined;
      if (this.again) {
        const inBackground = this.againInBackground;
        this.again = false;
        this.againInBackground = true;
        void this.run({ background: inBackground });
      }
    });
    return this.running;
  }

  private async audit(background: boolean): Promise<AuditFinding[]> {
    const started = Date.now();
    const scan = await this.localKeys.currentScan();
    const keyPairsByPlace = new Map<string, { account: CloudAccount; keyPair: KeyPair }>();
    const instancesByPlace = new Map<string, { account: CloudAccount; instance: CloudInstance; keyPairs: KeyPair[] }>();
    const inputs: AuditAccountInput[] = [];
    const notAudited: CloudAccount[] = [];
    for (const account of this.accounts) {
      if (!(await account.credentials().catch(() => undefined))) {
        notAudited.push(account);
        continue;
      }
      const input = await this.accountInput(account, background);
      inputs.push(input);
      const all = input.regions.flatMap((r) => r.keyPairs ?? []);
      for (const k of all) keyPairsByPlace.set(`${account.id}\u0000${k.region}\u0000${k.id}`, { account, keyPair: k });
      for (const r of input.regions) {
        for (const instance of r.instances ?? []) {
          const keyPairs = (account.accountWide ? all : all.filter((k) => k.region === instance.region)).filter((k) => instance.keyIds.includes(k.id));
          instancesByPlace.set(`${account.id}\u0000${instance.region}\u0000${instance.id}`, { account, instance, keyPairs });
        }
      }
    }
    const directories = await Promise.all(scan.directories.map(async (dir) => ({ path: dir, mode: (await fs.promises.stat(dir).catch(() => undefined))?.mode })));
    const { auditKeys, DEFAULT_MAX_KEY_AGE_DAYS } = this.engine();
    const maxKeyAgeDays = Math.max(1, vscode.workspace.getConfiguration('cloudSshKeys').get<number>('audit.maxKeyAgeDays', DEFAULT_MAX_KEY_AGE_DAYS) || DEFAULT_MAX_KEY_AGE_DAYS);
    const findings = auditKeys({ pairs: scan.pairs, directories, accounts: inputs, platform: process.platform }, { maxKeyAgeDays, now: (this.now ?? Date.now)() });
    const pairByPath = new Map<string, LocalKeyPair>();
    for (const p of scan.pairs) for (const f of [p.privateKey, p.publicKey]) if (f) pairByPath.set(f.path, p);
    this.nodes = findings.map((finding): FindingNode => {
      const s = finding.subject;
      if (s.type === 'local') {
        const pair = pairByPath.get(s.path);
        return pair ? { kind: 'pair', pair, finding } : { kind: 'folder', path: s.path, finding };
      }
      if (s.type === 'keyPair') {
        const found = keyPairsByPlace.get(`${s.accountId}\u0000${s.region}\u0000${s.keyPairId}`)!;
        return { kind: 'keyPair', ...found, finding, cloud: s.cloud, accountId: s.accountId, region: s.region, keyPairId: s.keyPairId };
      }
      if (s.type === 'instance') {
        const found = instancesByPlace.get(`${s.accountId}\u0000${s.region}\u0000${s.instanceId}`)!;
        const keyPairId = found.keyPairs[0]?.id ?? s.keyPairIds[0];
        // Rotate acts on a key pair: the node carries the instance's first bound one.
        return { kind: 'instance', ...found, finding, cloud: s.cloud, accountId: s.accountId, region: found.keyPairs[0]?.region ?? s.region, keyPairId };
      }
      return { kind: 'auditProblem', finding };
    });
    this.notAudited = notAudited;
    this.log.info(`Audited ${scan.pairs.length} local keys and ${inputs.length} cloud accounts in ${Date.now() - started} ms: ${findings.length} findings`);
    void vscode.commands.executeCommand('setContext', RAN_CONTEXT_KEY, true);
    this.changed.fire(undefined);
    return findings;
  }

  /** One account from the Cloud Key Pairs view's listings (listing what it has not listed yet). */
  private async accountInput(account: CloudAccount, background: boolean): Promise<AuditAccountInput> {
    const regions: AuditRegionInput[] = [];
    const data = await this.cloudKeys.load(account);
    const input: AuditAccountInput = {
      cloud: account.descriptor.id, cloudName: account.descriptor.displayName, accountId: account.id, accountLabel: account.label ?? account.descriptor.id,
      accountWide: account.accountWide, regions,
    };
    if (data.regionProblem) {
      regions.push({ region: account.accountWide ? account.defaultRegion : '(regions)', error: data.regionProblem });
      return input;
    }
    let regionIds = data.regions.map((r) => r.id);
    if (account.accountWide) {
      regions.push({ region: account.defaultRegion, keyPairs: data.keyPairs.get(''), error: data.problems.get('') });
      regionIds = await account.regions().then((rs) => rs.map((r) => r.id), () => [account.defaultRegion]);
    }
    for (const id of regionIds) {
      let row = regions.find((r) => r.region === id);
      if (!row) {
        row = { region: id, keyPairs: data.keyPairs.get(id), error: data.problems.get(id) };
        regions.push(row);
      }
      try {
        row.instances = background ? this.cloudKeys.listedInstances(account, id) : await this.cloudKeys.instances(account, id);
      } catch (error) {
        const reason = cloudErrorReason(error);
        row.error = row.error ? `${row.error}; ${reason}` : reason;
      }
    }
    return input;
  }

  getChildren(node?: AuditNode): AuditNode[] {
    if (!this.nodes) return [];
    if (!node) {
      const groups = this.engine().countByKind(this.nodes.map((n) => n.finding)).map(({ kind }): AuditNode => ({
        kind: 'auditGroup', auditKind: kind, findings: this.nodes!.filter((n) => n.finding.kind === kind).map((n) => n.finding),
      }));
      return [...groups, ...this.notAudited.map((account): AuditNode => ({ kind: 'notAudited', account }))];
    }
    if (node.kind === 'auditGroup') return this.nodes.filter((n) => n.finding.kind === node.auditKind);
    return [];
  }

  getTreeItem(node: AuditNode): vscode.TreeItem {
    if (node.kind === 'auditGroup') {
      const item = new vscode.TreeItem(kindTitle(node.auditKind), vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.findings.length);
      item.contextValue = 'auditGroup';
      item.iconPath = new vscode.ThemeIcon(node.findings[0]?.severity === 'error' ? 'error' : node.findings[0]?.severity === 'warning' ? 'warning' : 'info');
      return item;
    }
    if (node.kind === 'notAudited') {
      const item = new vscode.TreeItem(vscode.l10n.t('{0}: not audited (not signed in)', shownText(node.account.displayName)));
      item.contextValue = 'auditNotAudited';
      item.iconPath = new vscode.ThemeIcon('circle-slash');
      return item;
    }
    const { finding } = node;
    const s = finding.subject;
    let label: string;
    let description: string | undefined;
    if (s.type === 'local') {
      label = s.name.split(/[\\/]/).pop() || s.name;
      description = s.path;
    } else if (s.type === 'keyPair') {
      label = shownText(s.keyPairName || s.keyPairId);
      description = shownText(`${s.keyPairId} · ${s.region} · ${s.accountLabel}`);
    } else if (s.type === 'instance') {
      label = shownText(s.instanceName || s.instanceId);
      description = shownText(`${s.instanceId} · ${s.region} · ${s.accountLabel}`);
    } else {
      label = shownText(s.region);
      description = shownText(`${s.cloud} · ${s.accountLabel}`);
    }
    const item = new vscode.TreeItem(label);
    item.description = description;
    // The message holds cloud names and errors as the cloud sent them.
    item.tooltip = shownText(finding.message);
    item.contextValue = ['auditFinding', `kind-${finding.kind}`, ...finding.actions.map((a) => `action-${a}`)].join(' ');
    item.iconPath = new vscode.ThemeIcon(finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'info');
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
  }
}
