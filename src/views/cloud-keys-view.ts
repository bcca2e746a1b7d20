import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CloudInstance, CloudRegion, KeyPair } from '../cloud/provider';
import { keyPairContextValue } from '../cloud/descriptors';
import type { LocalKeyPair, ScanResult } from '../keys/scan';
import type { CloudAccount } from '../platform/cloud-account';
import { cloudErrorReason, logCloudError } from '../platform/cloud-errors';
import { shownText } from '../platform/shown-text';

export const CLOUD_KEYS_VIEW_ID = 'cloudSshKeys.cloudKeys';
/** `true` when some cloud has credentials (else the welcome view with "Set Credentials" shows). */
const SIGNED_IN_CONTEXT_KEY = 'cloudSshKeys.cloudKeys.signedIn';
/** `true` when SecretStorage (the system keychain) could not be read. */
const KEYCHAIN_CONTEXT_KEY = 'cloudSshKeys.cloudKeys.keychainUnavailable';

export type CloudKeysNode =
  | { kind: 'provider'; account: CloudAccount; source: 'secrets' | 'environment' }
  | { kind: 'region'; account: CloudAccount; region: CloudRegion; keyPairs: KeyPair[] }
  | { kind: 'keyPair'; account: CloudAccount; keyPair: KeyPair; local?: LocalKeyPair }
  /** The instances of a region (listed when expanded). */
  | { kind: 'instances'; account: CloudAccount; region: CloudRegion }
  | { kind: 'instance'; account: CloudAccount; instance: CloudInstance; keyPairs: KeyPair[] }
  | { kind: 'problem'; account: CloudAccount; region?: CloudRegion; message: string };

/** One region's instances as listed, for Connect and the SSH config. */
export interface ListedInstances {
  account: CloudAccount;
  region: string;
  instances: CloudInstance[];
  /** The key pairs their keyIds refer to (the region's, or the account's for an account-wide cloud). */
  keyPairs: KeyPair[];
}

/** Where a local key is imported: shown on Local Keys items. */
export interface CloudLocation {
  provider: string;
  region: string;
  keyId: string;
  keyName: string;
}

interface AccountData {
  regions: CloudRegion[];
  keyPairs: Map<string, KeyPair[]>;
  problems: Map<string, string>;
  regionProblem?: string;
}

/** Where an account-wide cloud's key pairs are kept in AccountData (no region holds them). */
const ACCOUNT_WIDE = '';

/** The Cloud Key Pairs view: cloud → region → key pairs (or cloud → key pairs, for an account-wide cloud), each matched to a local key by its blob. */
export class CloudKeysProvider implements vscode.TreeDataProvider<CloudKeysNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CloudKeysNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<void>();
  /** Fires when key pairs were (re)listed: the Local Keys view shows where keys are imported. */
  readonly onDidLoad = this.loaded.event;
  private readonly data = new Map<CloudAccount, Promise<AccountData>>();
  /** The last completed listing of each account (kept while a new one runs). */
  private readonly settled = new Map<CloudAccount, AccountData>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Each region's instance listing (`cloud:region`), made when something needs it. */
  private readonly instanceLists = new Map<string, Promise<CloudInstance[]>>();
  /** The last completed instance listing of each region (kept while a new one runs). */
  private readonly settledInstances = new Map<string, { account: CloudAccount; instances: CloudInstance[] }>();
  private readonly instancesListed = new vscode.EventEmitter<ListedInstances>();
  /** Fires when a region's instances were (re)listed: the SSH config block follows them. */
  readonly onDidListInstances = this.instancesListed.event;

  constructor(
    private readonly accounts: readonly CloudAccount[],
    private readonly lastScan: () => ScanResult | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const account of accounts) {
      this.disposables.push(
        account.onDidChange(() => {
          // Other credentials may be another account: what was listed no longer says where keys are.
          this.settled.delete(account);
          for (const [key, listed] of this.settledInstances) if (listed.account === account) this.settledInstances.delete(key);
          this.refresh();
        }),
      );
    }
  }

  /** Forgets what was listed and redraws (listing again when the view asks). */
  refresh(): void {
    this.data.clear();
    this.instanceLists.clear();
    this.changed.fire(undefined);
  }

  /** Redraws without listing again (e.g. the local keys changed). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Lists every region of an account (in parallel; the provider paces the requests). */
  load(account: CloudAccount): Promise<AccountData> {
    let pending = this.data.get(account);
    if (!pending) {
      pending = this.list(account);
      this.data.set(account, pending);
      const listing = pending;
      void listing.then((data) => {
        // A listing overtaken by a refresh (an import landed, the credentials changed) is stale.
        if (this.data.get(account) !== listing && this.settled.has(account)) return;
        this.settled.set(account, data);
        this.loaded.fire();
      });
    }
    return pending;
  }

  private async list(account: CloudAccount): Promise<AccountData> {
    const result: AccountData = { regions: [], keyPairs: new Map(), problems: new Map() };
    const started = Date.now();
    try {
      const provider = await account.provider();
      if (account.accountWide) {
        // One set of key pairs for the whole account: listed once, shown under the cloud itself.
        try {
          result.keyPairs.set(ACCOUNT_WIDE, await provider.listKeyPairs({ region: account.defaultRegion }));
        } catch (error) {
          logCloudError(this.log, `Listing the key pairs of ${account.descriptor.displayName}`, error);
          result.problems.set(ACCOUNT_WIDE, cloudErrorReason(error));
        }
        this.log.info(`Listed ${result.keyPairs.get(ACCOUNT_WIDE)?.length ?? 0} ${account.descriptor.displayName} key pairs (account-wide) in ${Date.now() - started} ms`);
        return result;
      }
      result.regions = await account.regions();
      await Promise.all(
        result.regions.map(async (region) => {
          try {
            result.keyPairs.set(region.id, await provider.listKeyPairs({ region: region.id }));
          } catch (error) {
            logCloudError(this.log, `Listing the key pairs of ${account.descriptor.displayName} ${region.id}`, error);
            result.problems.set(region.id, cloudErrorReason(error));
          }
        }),
      );
      const count = [...result.keyPairs.values()].reduce((n, list) => n + list.length, 0);
      this.log.info(`Listed ${count} ${account.descriptor.displayName} key pairs in ${result.regions.length} regions in ${Date.now() - started} ms`);
    } catch (error) {
      logCloudError(this.log, `Listing the ${account.descriptor.displayName} regions`, error);
      result.regionProblem = cloudErrorReason(error);
    }
    return result;
  }

  /**
   * The instances of one region (all pages), listed once until the next refresh (`fresh`: listed
   * again now, as Connect needs the addresses the cloud gives at this moment); rejects with the cloud's error.
   */
  instances(account: CloudAccount, region: string, { fresh = false } = {}): Promise<CloudInstance[]> {
    const key = `${account.descriptor.id}:${region}`;
    if (fresh) this.instanceLists.delete(key);
    let pending = this.instanceLists.get(key);
    if (!pending) {
      const started = Date.now();
      pending = account.provider().then((provider) => provider.listInstances({ region }));
      this.instanceLists.set(key, pending);
      const listing = pending;
      listing.then(
        async (instances) => {
          this.log.info(`Listed ${instances.length} ${account.descriptor.displayName} instances in ${region} in ${Date.now() - started} ms`);
          if (this.instanceLists.get(key) !== listing) return; // overtaken by a refresh
          this.settledInstances.set(key, { account, instances });
          this.instancesListed.fire({ account, region, instances, keyPairs: await this.keyPairsFor(account, region) });
          this.loaded.fire();
        },
        (error) => logCloudError(this.log, `Listing the ${account.descriptor.displayName} instances of ${region}`, error),
      );
    }
    return pending;
  }

  /** The key pairs an instance of `region` can be bound to: the region's, or all of an account-wide cloud's. */
  async keyPairsFor(account: CloudAccount, region: string): Promise<KeyPair[]> {
    const data = await this.load(account);
    return data.keyPairs.get(account.accountWide ? ACCOUNT_WIDE : region) ?? [];
  }

  /** The key pairs of `region` as last listed (no request; undefined when it was not listed). */
  listedKeyPairs(account: CloudAccount, region: string): KeyPair[] | undefined {
    return this.settled.get(account)?.keyPairs.get(account.accountWide ? ACCOUNT_WIDE : region);
  }

  /** The regions whose instances an account's key pairs may be bound to. */
  private async instanceRegions(account: CloudAccount, data: AccountData): Promise<CloudRegion[]> {
    if (!account.accountWide) return data.regions;
    try {
      return await account.regions();
    } catch {
      return [{ id: account.defaultRegion, name: account.defaultRegion, available: true }];
    }
  }

  /** The instances listed so far whose bound key pairs hold this key (by blob): what a local key opens. */
  instancesOpenedBy(blobBase64: string | undefined): Array<{ account: CloudAccount; instance: CloudInstance }> {
    if (!blobBase64) return [];
    const out: Array<{ account: CloudAccount; instance: CloudInstance }> = [];
    for (const { account, instances } of this.settledInstances.values()) {
      const ids = new Set([...(this.settled.get(account)?.keyPairs.values() ?? [])].flat().filter((k) => k.blobBase64 === blobBase64).map((k) => k.id));
      for (const instance of instances) if (instance.keyIds.some((id) => ids.has(id))) out.push({ account, instance });
    }
    return out;
  }

  /** Every loaded key pair of an account (lists first if needed). */
  async keyPairs(account: CloudAccount): Promise<KeyPair[]> {
    const data = await this.load(account);
    return [...data.keyPairs.values()].flat();
  }

  /** Where a local key (by blob) is imported, from what has been listed so far (no request). */
  locationsOf(blobBase64: string | undefined): CloudLocation[] {
    if (!blobBase64) return [];
    const out: CloudLocation[] = [];
    for (const account of this.accounts) {
      const data = this.settled.get(account);
      if (!data) continue;
      for (const [region, list] of data.keyPairs) {
        for (const k of list) if (k.blobBase64 === blobBase64) out.push({ provider: account.descriptor.displayName, region, keyId: k.id, keyName: k.name });
      }
    }
    return out;
  }

  /** The local key pair that opens an instance: one holding a key pair bound to it. */
  private localMatchOf(instance: CloudInstance, keyPairs: readonly KeyPair[]): LocalKeyPair | undefined {
    for (const keyPair of keyPairs) {
      if (!instance.keyIds.includes(keyPair.id)) continue;
      const local = this.localMatch(keyPair);
      if (local?.privateKey) return local;
    }
    return undefined;
  }

  /** The local key pair holding the same key as a cloud key pair. */
  localMatch(keyPair: KeyPair): LocalKeyPair | undefined {
    if (!keyPair.blobBase64) return undefined;
    return this.lastScan()?.pairs.find((p) => p.facts.blobBase64 === keyPair.blobBase64);
  }

  async getChildren(node?: CloudKeysNode): Promise<CloudKeysNode[]> {
    if (!node) {
      const roots: CloudKeysNode[] = [];
      for (const account of this.accounts) {
        const credentials = await account.credentials();
        if (credentials) roots.push({ kind: 'provider', account, source: credentials.source });
      }
      void vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT_KEY, roots.length > 0);
      // No keyring (Linux): the welcome view says so and what to do.
      void vscode.commands.executeCommand('setContext', KEYCHAIN_CONTEXT_KEY, this.accounts.some((a) => a.secretStorageProblem !== undefined));
      return roots;
    }
    if (node.kind === 'provider') {
      const data = await this.load(node.account);
      if (data.regionProblem) return [{ kind: 'problem', account: node.account, message: data.regionProblem }];
      if (node.account.accountWide) {
        // Key pairs are the account's; instances are regional: one Instances group per region.
        const groups = (await this.instanceRegions(node.account, data)).map((region): CloudKeysNode => ({ kind: 'instances', account: node.account, region }));
        return [...this.keyPairNodes(node.account, data, ACCOUNT_WIDE), ...groups];
      }
      return data.regions.map((region) => ({ kind: 'region', account: node.account, region, keyPairs: data.keyPairs.get(region.id) ?? [] }));
    }
    if (node.kind === 'region') {
      return [...this.keyPairNodes(node.account, await this.load(node.account), node.region.id, node.region), { kind: 'instances', account: node.account, region: node.region }];
    }
    if (node.kind === 'instances') return this.instanceNodes(node.account, [node.region], () => true);
    if (node.kind === 'keyPair' && node.keyPair.associatedInstanceIds.length > 0) {
      // Its bound instances: in its region, or in any region of an account-wide cloud.
      const data = await this.load(node.account);
      const regions = node.account.accountWide ? await this.instanceRegions(node.account, data) : [{ id: node.keyPair.region, name: node.keyPair.region, available: true }];
      return this.instanceNodes(node.account, regions, (i) => node.keyPair.associatedInstanceIds.includes(i.id) || i.keyIds.includes(node.keyPair.id));
    }
    return [];
  }

  /** The instances of `regions` that `keep` accepts, by name, or the problem listing them. */
  private async instanceNodes(account: CloudAccount, regions: readonly CloudRegion[], keep: (instance: CloudInstance) => boolean): Promise<CloudKeysNode[]> {
    const nodes: CloudKeysNode[] = [];
    for (const region of regions) {
      try {
        const keyPairs = await this.keyPairsFor(account, region.id);
        const instances = (await this.instances(account, region.id)).filter(keep).sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id));
        nodes.push(...instances.map((instance): CloudKeysNode => ({ kind: 'instance', account, instance, keyPairs })));
      } catch (error) {
        nodes.push({ kind: 'problem', account, region, message: cloudErrorReason(error) });
      }
    }
    return nodes;
  }

  /** The key pairs listed under `key` (a region id, or ACCOUNT_WIDE), by name, or the problem listing them. */
  private keyPairNodes(account: CloudAccount, data: AccountData, key: string, region?: CloudRegion): CloudKeysNode[] {
    const problem = data.problems.get(key);
    if (problem) return [{ kind: 'problem', account, region, message: problem }];
    return (data.keyPairs.get(key) ?? [])
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((keyPair) => ({ kind: 'keyPair', account, keyPair, local: this.localMatch(keyPair) }));
  }

  getTreeItem(node: CloudKeysNode): vscode.TreeItem {
    switch (node.kind) {
      case 'provider':
        return providerItem(node.account, node.source);
      case 'region':
        return regionItem(node.account, node.region, node.keyPairs.length);
      case 'keyPair':
        return keyPairItem(node.account, node.keyPair, node.local);
      case 'instances': {
        const item = new vscode.TreeItem(node.account.accountWide ? vscode.l10n.t('Instances in {0}', shownText(node.region.id)) : vscode.l10n.t('Instances'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `instances:${node.account.descriptor.id}:${node.region.id}`;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = `cloudInstances ${node.account.descriptor.id}`;
        return item;
      }
      case 'instance':
        return instanceItem(node.account, node.instance, node.keyPairs, this.localMatchOf(node.instance, node.keyPairs));
      case 'problem': {
        const message = shownText(node.message);
        const item = new vscode.TreeItem(message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error');
        item.tooltip = message;
        item.contextValue = 'cloudProblem';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.loaded.dispose();
    this.instancesListed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function providerItem(account: CloudAccount, source: 'secrets' | 'environment'): vscode.TreeItem {
  const item = new vscode.TreeItem(account.descriptor.displayName, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `provider:${account.descriptor.id}`;
  const parts: string[] = [];
  if (account.isSandbox) parts.push(vscode.l10n.t('Sandbox: {0}', account.endpoint));
  if (source === 'environment') {
    parts.push(vscode.l10n.t('credentials from the environment ({0})', account.descriptor.credentialFields.filter((f) => !f.optional).map((f) => f.envVar).join(', ')));
  }
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(account.isSandbox ? 'beaker' : 'cloud');
  item.tooltip = [
    account.descriptor.displayName,
    account.isSandbox ? vscode.l10n.t('Sandbox: requests go to {0} on this computer, not to the real cloud.', account.endpoint) : account.endpoint || undefined,
    source === 'environment'
      ? vscode.l10n.t('Using the credentials of the environment variables {0}.', account.descriptor.credentialFields.map((f) => f.envVar).join(', '))
      : vscode.l10n.t('Using the credentials stored in the system keychain (SecretStorage).'),
  ]
    .filter(Boolean)
    .join('\n');
  item.contextValue = `cloudProvider ${account.descriptor.id}`;
  return item;
}

function regionItem(account: CloudAccount, region: CloudRegion, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(shownText(region.id), count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  // The id changes when a region gains its first key pair, so that it opens to show it.
  item.id = `region:${account.descriptor.id}:${region.id}:${count > 0 ? 'keys' : 'empty'}`;
  item.description = [region.name !== region.id ? shownText(region.name) : undefined, count === 1 ? vscode.l10n.t('1 key pair') : vscode.l10n.t('{0} key pairs', count)].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('globe');
  item.contextValue = `cloudRegion ${account.descriptor.id}`;
  return item;
}

function keyPairItem(account: CloudAccount, keyPair: KeyPair, local: LocalKeyPair | undefined): vscode.TreeItem {
  // Every field but sha256 (computed here) is the cloud's text, shown escaped.
  const [name, id, region] = [keyPair.name, keyPair.id, keyPair.region].map(shownText);
  const bound = keyPair.associatedInstanceIds.length;
  // A bound key pair opens to show the instances it is bound to.
  const item = new vscode.TreeItem(name, bound > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `keyPair:${account.descriptor.id}:${keyPair.region}:${keyPair.id}:${bound > 0 ? 'bound' : 'free'}`;
  item.description = [
    // Alibaba names a key pair by its name: no second id to show.
    keyPair.id !== keyPair.name ? id : keyPair.sha256,
    bound === 1 ? vscode.l10n.t('1 instance') : bound ? vscode.l10n.t('{0} instances', bound) : undefined,
    local ? vscode.l10n.t('local: {0}', shownText(local.name)) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = new vscode.ThemeIcon(local ? 'key' : 'cloud');
  // appendText escapes Markdown (and icons); no command links, no HTML.
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendText(keyPair.id !== keyPair.name ? `${name} — ${id}\n\n` : `${name}${keyPair.cloudKeyPairId ? ` — ${shownText(keyPair.cloudKeyPairId)}` : ''}\n\n`);
  md.appendText(`${vscode.l10n.t('Region')}: ${region}\n\n`);
  if (keyPair.createdTime) md.appendText(`${vscode.l10n.t('Created')}: ${shownText(keyPair.createdTime)}\n\n`);
  if (account.descriptor.projectSetting?.key === 'resourceGroupId' && keyPair.projectId) md.appendText(`${vscode.l10n.t('Resource group')}: ${shownText(keyPair.projectId)}\n\n`);
  if (keyPair.cloudFingerprint) md.appendText(`${vscode.l10n.t('Fingerprint (as the cloud reports it)')}: ${shownText(keyPair.cloudFingerprint)}\n\n`);
  if (keyPair.description) md.appendText(`${vscode.l10n.t('Description')}: ${shownText(keyPair.description)}\n\n`);
  md.appendText(`${vscode.l10n.t('Bound instances')}: ${bound ? shownText(keyPair.associatedInstanceIds.join(', ')) : '0'}\n\n`);
  if (keyPair.sha256) md.appendText(`${keyPair.sha256}\n\n`);
  md.appendText(
    local
      ? vscode.l10n.t('Local key: {0}', shownText(local.publicKey?.path ?? local.privateKey?.path ?? path.join(local.directory, local.name)))
      : vscode.l10n.t('No local key holds this key.'),
  );
  item.tooltip = md;
  // Menus decide by what the cloud can do, never by its name.
  item.contextValue = keyPairContextValue(account.descriptor.capabilities, account.descriptor.id, bound > 0, Boolean(local));
  return item;
}

function instanceItem(account: CloudAccount, instance: CloudInstance, keyPairs: readonly KeyPair[], local: LocalKeyPair | undefined): vscode.TreeItem {
  // Every field is the cloud's text (addresses were checked as IPs), shown escaped.
  const item = new vscode.TreeItem(shownText(instance.name || instance.id), vscode.TreeItemCollapsibleState.None);
  item.id = `instance:${account.descriptor.id}:${instance.region}:${instance.id}`;
  const address = instance.publicIps?.[0] ?? instance.privateIps?.[0];
  const bound = keyPairs.filter((k) => instance.keyIds.includes(k.id));
  const keyNames = bound.length ? bound.map((k) => k.name) : instance.keyIds;
  item.description = [shownText(instance.state), address, keyNames.length ? vscode.l10n.t('key: {0}', shownText(keyNames.join(', '))) : vscode.l10n.t('no key pair')]
    .filter(Boolean)
    .join(' · ');
  const windows = instance.platform === 'windows';
  item.iconPath = new vscode.ThemeIcon(windows ? 'window' : local ? 'vm-connect' : 'vm', instance.state === 'RUNNING' || /^running$/i.test(instance.state) ? undefined : new vscode.ThemeColor('disabledForeground'));
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendText(`${shownText(instance.name || instance.id)} — ${shownText(instance.id)}\n\n`);
  md.appendText(`${vscode.l10n.t('Region')}: ${shownText(instance.region)} · ${vscode.l10n.t('State')}: ${shownText(instance.state)}\n\n`);
  if (instance.osName) md.appendText(`${vscode.l10n.t('OS')}: ${shownText(instance.osName)}\n\n`);
  md.appendText(`${vscode.l10n.t('Public IP')}: ${instance.publicIps?.join(', ') || '—'}\n\n`);
  md.appendText(`${vscode.l10n.t('Private IP')}: ${instance.privateIps?.join(', ') || '—'}\n\n`);
  const user = account.descriptor.defaultLoginUser(instance);
  if (user) md.appendText(`${vscode.l10n.t('Login user')}: ${shownText(user)}${instance.loginUser ? '' : ` (${vscode.l10n.t("the image's documented default")})`}\n\n`);
  md.appendText(`${vscode.l10n.t('Key pairs')}: ${keyNames.length ? shownText(keyNames.join(', ')) : '—'}\n\n`);
  md.appendText(
    windows
      ? vscode.l10n.t('Windows instances do not log in with SSH key pairs.')
      : local
        ? vscode.l10n.t('Opens with the local key {0}.', shownText(local.privateKey?.path ?? local.name))
        : vscode.l10n.t('No local private key matches its key pair.'),
  );
  item.tooltip = md;
  item.contextValue = ['cloudInstance', account.descriptor.id, windows ? 'windows' : 'canConnect', local ? 'hasLocalKey' : 'noLocalKey'].join(' ');
  return item;
}
