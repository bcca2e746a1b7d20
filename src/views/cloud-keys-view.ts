import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type CachedListing, type KeptListing, listingFileName, listingTimeText, readKeptIndex, readListingSync, updateKeptIndex, writeListing } from './cloud-listing-cache';
import { localTime, regionDisplayName } from './cloud-text';
import type { CallerIdentity, CloudInstance, CloudRegion, KeyPair } from '../cloud/provider';
import { isCloudError } from '../cloud/errors';
import { keyPairContextValue } from '../cloud/descriptors';
import type { LocalKeyPair, ScanResult } from '../keys/scan';
import type { CloudAccount, ResolvedCredentials } from '../platform/cloud-account';
import { cloudErrorReason, logCloudError } from '../platform/cloud-errors';
import { shownText } from '../platform/shown-text';

export const CLOUD_KEYS_VIEW_ID = 'cloudSshKeys.cloudKeys';
/** `true` when some cloud has credentials (else the welcome view with "Set Credentials" shows). */
const SIGNED_IN_CONTEXT_KEY = 'cloudSshKeys.cloudKeys.signedIn';
/** `true` when SecretStorage (the system keychain) could not be read. */
const KEYCHAIN_CONTEXT_KEY = 'cloudSshKeys.cloudKeys.keychainUnavailable';
/** `true` while empty regions are shown (the title bar offers "Hide Empty Regions" then). */
export const SHOW_EMPTY_CONTEXT_KEY = 'cloudSshKeys.cloudKeys.showEmptyRegions';
/** Where the toggle is remembered (globalState). */
const SHOW_EMPTY_STATE_KEY = 'cloudSshKeys.cloudKeys.showEmptyRegions';

/**
 * globalState: each account's identity as STS GetCallerIdentity named it, by account.id, with a hash
 * of the credentials' non-secret part it belongs to (no secret): a reload shows it at once.
 */
const IDENTITY_STATE_KEY = 'cloudSshKeys.cloudKeys.callerIdentities';

interface KeptIdentity extends CallerIdentity {
  /** Hash of the endpoint and the SecretId / AccessKey ID it was fetched with. */
  credential: string;
}

/** The kept identities as read back (globalState is checked like any input: digits for the account, short printable text else). */
function readKeptIdentities(value: unknown): Map<string, KeptIdentity> {
  const out = new Map<string, KeptIdentity>();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  const text = (v: unknown) => (typeof v === 'string' && /^[\x21-\x7e]{1,512}$/.test(v) ? v : undefined);
  for (const [id, raw] of Object.entries(value as Record<string, unknown>)) {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.accountId !== 'string' || !/^[0-9]{5,20}$/.test(r.accountId) || typeof r.credential !== 'string' || !/^[0-9a-f]{32}$/.test(r.credential)) continue;
    const accountIdName = r.accountIdName === 'uin' || r.accountIdName === 'account-id' ? r.accountIdName : undefined;
    out.set(id, { accountId: r.accountId, accountIdName, principalId: text(r.principalId), arn: text(r.arn), type: text(r.type), credential: r.credential });
  }
  return out;
}

/** The account number as the cloud calls it (its provider says which): a UIN on Tencent Cloud, an account ID elsewhere. */
function accountIdText(identity: CallerIdentity, accountId: string): string {
  return identity.accountIdName === 'uin' ? vscode.l10n.t('UIN {0}', accountId) : vscode.l10n.t('Account ID {0}', accountId);
}

type CredentialSource = ResolvedCredentials['source'];
/** The credential sources a kept listing may name (its cloud's node is painted with it). */
const CREDENTIAL_SOURCES: readonly CredentialSource[] = ['secrets', 'environment', 'profile'];

/** Where the provider keeps what outlives a window: the toggle, and the last listing of each account. */
export interface CloudKeysStorage {
  globalState: vscode.Memento;
  /** A folder for the cached listings (under context.globalStorageUri); none: nothing is cached. */
  directory?: string;
}

/** The accounts come and go (profiles of the clouds' CLIs, added accounts): src/platform/cloud-accounts.ts. */
export interface AccountSource {
  /** Reads the profile files once (the first roots), so that their accounts are known. */
  ensureProfiles(): void;
  /** Reads them again (Refresh). */
  refreshProfiles(): void;
  onDidChange: vscode.Event<void>;
}

export type CloudKeysNode =
  | { kind: 'provider'; account: CloudAccount; source: CredentialSource }
  | { kind: 'region'; account: CloudAccount; region: CloudRegion; keyPairs: KeyPair[] }
  | { kind: 'keyPair'; account: CloudAccount; keyPair: KeyPair; local?: LocalKeyPair }
  /** The instances of a region (listed when expanded). */
  | { kind: 'instances'; account: CloudAccount; region: CloudRegion }
  | { kind: 'instance'; account: CloudAccount; instance: CloudInstance; keyPairs: KeyPair[] }
  | { kind: 'problem'; account: CloudAccount; region?: CloudRegion; message: string }
  /** Every region is empty and hidden: says so (clicking shows them). */
  | { kind: 'note'; account: CloudAccount; hidden: number };

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
  /** When each region's listing was asked for: of two listings of a region, the later one wins. */
  startedAt: Map<string, number>;
}

const emptyData = (): AccountData => ({ regions: [], keyPairs: new Map(), problems: new Map(), startedAt: new Map() });

/** Where an account-wide cloud's key pairs are kept in AccountData (no region holds them). */
const ACCOUNT_WIDE = '';

/** The Cloud Key Pairs view: cloud → region → key pairs (or cloud → key pairs, for an account-wide cloud), each matched to a local key by its blob. */
export class CloudKeysProvider implements vscode.TreeDataProvider<CloudKeysNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CloudKeysNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<void>();
  /** Fires when key pairs were (re)listed: the Local Keys view shows where keys are imported. */
  readonly onDidLoad = this.loaded.event;
  /** The listing in progress or done of each account (a refresh replaces it). */
  private readonly data = new Map<CloudAccount, Promise<AccountData>>();
  /** What the view shows of each account: every listing merged, region by region the latest asked for. */
  private readonly settled = new Map<CloudAccount, AccountData>();
  /** Bumped when an account's credentials change: listings begun before are of another account. */
  private readonly epochs = new Map<CloudAccount, number>();
  /** Accounts listed at least once in this window: the cached listing only paints the first open. */
  private readonly listedOnce = new Set<CloudAccount>();
  /** The cached listing shown while the first listing runs. */
  private readonly painting = new Map<CloudAccount, CachedListing>();
  private readonly cacheReads = new Map<CloudAccount, Promise<CachedListing | undefined>>();
  private readonly cacheWrites = new Map<CloudAccount, ReturnType<typeof setTimeout>>();
  /** The listing behind a painted cached one, due soon. */
  private readonly listingTimers = new Map<CloudAccount, { timer: ReturnType<typeof setTimeout>; due: number }>();
  /** The file each early root was painted from. */
  private readonly paintedFile = new Map<CloudAccount, string>();
  /** The window's first roots, from the kept listings, while the keychain has not answered yet. */
  private earlyRoots: Array<Extract<CloudKeysNode, { kind: 'provider' }>> | undefined;
  /** Resolves once the first roots were checked against the credentials (at once when none were painted early). */
  private rootsChecked: Promise<void> | undefined;
  private pendingWrites: Promise<void> = Promise.resolve();
  /** One node object per cloud, per region and per key pair, so that the tree keeps finding them. */
  private readonly providerNodes = new Map<CloudAccount, Extract<CloudKeysNode, { kind: 'provider' }>>();
  private readonly regionNodes = new Map<string, Extract<CloudKeysNode, { kind: 'region' }>>();
  private readonly keyPairNodesOf = new Map<string, Map<string, Extract<CloudKeysNode, { kind: 'keyPair' }>>>();
  /** The clouds the tree last got as its roots: only these are named in change events. */
  private shownRoots = new Set<CloudAccount>();
  private showEmpty: boolean;
  private readonly disposables: vscode.Disposable[] = [];
  /** Each region's instance listing (`cloud:region`), made when something needs it. */
  private readonly instanceLists = new Map<string, Promise<CloudInstance[]>>();
  /** The last completed instance listing of each region (kept while a new one runs). */
  private readonly settledInstances = new Map<string, { account: CloudAccount; instances: CloudInstance[] }>();
  private readonly instancesListed = new vscode.EventEmitter<ListedInstances>();
  /** Fires when a region's instances were (re)listed: the SSH config block follows them. */
  readonly onDidListInstances = this.instancesListed.event;
  /** Each account's identity (STS GetCallerIdentity), by account.id: shown on its node. */
  private readonly identities: Map<string, KeptIdentity>;
  /** The identities asked for in this window (`account.id` and credential hash): once each, answered or not. */
  private readonly identityAsked = new Set<string>();

  constructor(
    private readonly accounts: readonly CloudAccount[],
    private readonly lastScan: () => ScanResult | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly storage?: CloudKeysStorage,
    private readonly accountSource?: AccountSource,
  ) {
    this.showEmpty = storage?.globalState.get<boolean>(SHOW_EMPTY_STATE_KEY) === true;
    this.identities = readKeptIdentities(storage?.globalState.get<unknown>(IDENTITY_STATE_KEY));
    void vscode.commands.executeCommand('setContext', SHOW_EMPTY_CONTEXT_KEY, this.showEmpty);
    for (const account of accounts) this.follow(account);
    if (accountSource) {
      // An account added or gone: follow the new ones, redraw the roots.
      this.disposables.push(
        accountSource.onDidChange(() => {
          for (const account of this.accounts) if (!this.followed.has(account)) this.follow(account);
          this.changed.fire(undefined);
        }),
      );
    }
  }

  private readonly followed = new Set<CloudAccount>();

  /** Credentials or settings of `account` changed: what was listed is forgotten, and the view redraws. */
  private follow(account: CloudAccount): void {
    this.followed.add(account);
    this.disposables.push(
      account.onDidChange(() => {
        // Other credentials may be another account: what was listed no longer says where keys are.
        this.epochs.set(account, this.epoch(account) + 1);
        this.settled.delete(account);
        this.painting.delete(account);
        this.cacheReads.delete(account);
        // Its kept listing may be another account's now: the next window waits for the credentials.
        this.nameKept(account, undefined);
        for (const [key, listed] of this.settledInstances) if (listed.account === account) this.settledInstances.delete(key);
        // Not refresh(): that reads the profile files again, which changes the profile accounts (a loop).
        this.forgetListings();
        // Other credentials: the identity shown was another account's.
        void this.checkIdentity(account);
      }),
    );
  }

  private epoch(account: CloudAccount): number {
    return this.epochs.get(account) ?? 0;
  }

  /** Forgets what was listed (of one account, or all) and redraws, listing again when the view asks. */
  refresh(account?: CloudAccount): void {
    // The whole view: the profile files may have changed too.
    if (!account) this.accountSource?.refreshProfiles();
    this.forgetListings(account);
  }

  private forgetListings(account?: CloudAccount): void {
    for (const a of account ? [account] : this.accounts) this.data.delete(a);
    if (!account) this.instanceLists.clear();
    else for (const key of [...this.instanceLists.keys()]) if (key.startsWith(`${account.id}:`)) this.instanceLists.delete(key);
    this.fireFor(account);
  }

  /** Redraws without listing again (e.g. the local keys changed). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Redraws one cloud (its node, when the tree shows it), else the whole tree: never a node the tree may not hold. */
  private fireFor(account: CloudAccount | undefined): void {
    const node = account && this.shownRoots.has(account) ? this.providerNodes.get(account) : undefined;
    this.changed.fire(node);
  }

  get showEmptyRegions(): boolean {
    return this.showEmpty;
  }

  /** Shows or hides the regions without key pairs (remembered across windows). */
  async setShowEmptyRegions(show: boolean): Promise<void> {
    this.showEmpty = show;
    await vscode.commands.executeCommand('setContext', SHOW_EMPTY_CONTEXT_KEY, show);
    await this.storage?.globalState.update(SHOW_EMPTY_STATE_KEY, show);
    this.changed.fire(undefined);
  }

  /** Lists every region of an account (in parallel; the provider paces the requests). */
  load(account: CloudAccount): Promise<AccountData> {
    let pending = this.data.get(account);
    if (!pending) {
      const epoch = this.epoch(account);
      pending = this.list(account).then((data) => {
        if (epoch === this.epoch(account)) {
          this.absorb(account, data, false);
          // Listed: the cloud's SDK is loaded and the credentials work, so now is when to ask who they are.
          if (!data.regionProblem && data.keyPairs.size > 0) void this.fetchIdentity(account);
        }
        return data;
      });
      this.data.set(account, pending);
    }
    return pending;
  }

  /**
   * Lists `regions` of an account again (after an import, create or delete there) and redraws its
   * cloud; resolves when the view shows the result. The other regions are not asked again.
   */
  async refreshRegions(account: CloudAccount, regions: readonly string[]): Promise<void> {
    const epoch = this.epoch(account);
    const keys = account.accountWide ? [ACCOUNT_WIDE] : [...new Set(regions)];
    const partial = emptyData();
    let provider;
    try {
      provider = await account.provider();
    } catch {
      return; // signed out meanwhile: nothing to show
    }
    await Promise.all(keys.map((key) => this.listRegion(account, provider, key, partial)));
    if (epoch !== this.epoch(account)) return;
    if (!this.settled.has(account)) {
      // The first listing is still running (it may have asked before the change): merge into it once it lands.
      const first = this.data.get(account);
      if (!first) return; // never opened: the first open lists it
      await first;
      if (epoch !== this.epoch(account) || !this.settled.has(account)) return;
    }
    this.absorb(account, partial, true);
    // Whoever waits for a listing from now on gets the merged one (and an older listing still running first).
    const previous = this.data.get(account) ?? Promise.resolve(partial);
    this.data.set(account, previous.then((raw) => this.settled.get(account) ?? raw));
  }

  /** Merges a listing into what the view shows: per region, the one asked for later wins. */
  private absorb(account: CloudAccount, incoming: AccountData, partial: boolean): void {
    const old = this.settled.get(account);
    let merged = incoming;
    if (old) {
      merged = { ...emptyData(), regions: partial ? old.regions : incoming.regions, regionProblem: partial ? old.regionProblem : incoming.regionProblem };
      const keys = new Set(partial ? [...old.startedAt.keys(), ...incoming.startedAt.keys()] : [...incoming.startedAt.keys()]);
      for (const key of keys) {
        const fresh = incoming.startedAt.has(key) && (incoming.startedAt.get(key) ?? 0) >= (old.startedAt.get(key) ?? -Infinity);
        const from = fresh ? incoming : old;
        merged.startedAt.set(key, from.startedAt.get(key)!);
        const list = from.keyPairs.get(key);
        if (list) merged.keyPairs.set(key, list);
        const problem = from.problems.get(key);
        if (problem) merged.problems.set(key, problem);
      }
    } else if (partial) {
      return;
    }
    this.settled.set(account, merged);
    this.listedOnce.add(account);
    this.painting.delete(account);
    this.loaded.fire();
    this.fireFor(account);
    if (!merged.regionProblem) this.scheduleCacheWrite(account);
  }

  private async listRegion(account: CloudAccount, provider: Awaited<ReturnType<CloudAccount['provider']>>, key: string, into: AccountData): Promise<void> {
    const region = key === ACCOUNT_WIDE ? account.defaultRegion : key;
    into.startedAt.set(key, Date.now());
    try {
      into.keyPairs.set(key, await provider.listKeyPairs({ region }));
    } catch (error) {
      logCloudError(this.log, `Listing the key pairs of ${account.descriptor.displayName}${key === ACCOUNT_WIDE ? '' : ` ${region}`}`, error);
      into.problems.set(key, cloudErrorReason(error));
    }
  }

  private async list(account: CloudAccount): Promise<AccountData> {
    const result = emptyData();
    const started = Date.now();
    try {
      const provider = await account.provider();
      if (account.accountWide) {
        // One set of key pairs for the whole account: listed once, shown under the cloud itself.
        await this.listRegion(account, provider, ACCOUNT_WIDE, result);
        this.log.info(`Listed ${result.keyPairs.get(ACCOUNT_WIDE)?.length ?? 0} ${account.descriptor.displayName} key pairs (account-wide) in ${Date.now() - started} ms`);
        return result;
      }
      result.regions = await account.regions();
      await Promise.all(result.regions.map((region) => this.listRegion(account, provider, region.id, result)));
      const count = [...result.keyPairs.values()].reduce((n, list) => n + list.length, 0);
      this.log.info(`Listed ${count} ${account.descriptor.displayName} key pairs in ${result.regions.length} regions in ${Date.now() - started} ms`);
    } catch (error) {
      logCloudError(this.log, `Listing the ${account.descriptor.displayName} regions`, error);
      result.regionProblem = cloudErrorReason(error);
    }
    return result;
  }

  // ---- who the account is (STS GetCallerIdentity), kept per account.id ----

  /** A hash of the account's non-secret identity (endpoint, SecretId / AccessKey ID); undefined when signed out. */
  private async credentialHash(account: CloudAccount): Promise<string | undefined> {
    const identity = await account.identity();
    return identity === undefined ? undefined : createHash('sha256').update(`${account.descriptor.id}\n${account.id}\n${identity}`).digest('hex').slice(0, 32);
  }

  /** Forgets the kept identity when the credentials are not those it was fetched with; resolves with their hash. */
  private async checkIdentity(account: CloudAccount): Promise<string | undefined> {
    const hash = await this.credentialHash(account).catch(() => undefined);
    const kept = this.identities.get(account.id);
    if (kept && kept.credential !== hash) {
      this.identities.delete(account.id);
      await this.saveIdentities();
      this.fireFor(account);
    }
    return hash;
  }

  /** Asks the cloud who the account's credentials are, once per credentials (a failure: nothing shown, one log line). */
  private async fetchIdentity(account: CloudAccount): Promise<void> {
    const hash = await this.checkIdentity(account);
    if (!hash || this.identities.has(account.id)) return;
    const key = `${account.id}\n${hash}`;
    if (this.identityAsked.has(key)) return;
    this.identityAsked.add(key);
    try {
      const provider = await account.provider();
      if (!provider.getCallerIdentity) return;
      const { accountId, accountIdName, principalId, arn, type } = await provider.getCallerIdentity();
      // The credentials changed meanwhile: the answer is about the old ones.
      if ((await this.credentialHash(account)) !== hash) return;
      this.identities.set(account.id, { accountId, accountIdName, principalId, arn, type, credential: hash });
      await this.saveIdentities();
      this.fireFor(account);
    } catch (error) {
      const details = isCloudError(error) ? ` [code ${error.code}${error.requestId ? `, RequestId ${error.requestId}` : ''}]` : '';
      this.log.warn(shownText(`Not showing the ${account.displayName} account ID (STS GetCallerIdentity failed): ${error instanceof Error ? error.message : String(error)}${details}`));
    }
  }

  private async saveIdentities(): Promise<void> {
    const value = Object.fromEntries([...this.identities].filter(([id]) => this.accounts.some((a) => a.id === id)));
    await Promise.resolve(this.storage?.globalState.update(IDENTITY_STATE_KEY, value)).catch((error) =>
      this.log.warn(`Could not keep the account IDs: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** The account's identity as last fetched (no request). */
  callerIdentity(account: CloudAccount): CallerIdentity | undefined {
    const kept = this.identities.get(account.id);
    return kept && { accountId: kept.accountId, accountIdName: kept.accountIdName, principalId: kept.principalId, arn: kept.arn, type: kept.type };
  }

  // ---- the cached listing (a file per account, named by a hash of its non-secret identity) ----

  private async cacheFile(account: CloudAccount): Promise<string | undefined> {
    const directory = this.storage?.directory;
    const identity = directory ? await account.identity() : undefined;
    return directory && identity ? path.join(directory, listingFileName(account.descriptor.id, `${account.id}\n${identity}`)) : undefined;
  }

  private readCache(account: CloudAccount): Promise<CachedListing | undefined> {
    let read = this.cacheReads.get(account);
    if (!read) {
      read = this.cacheFile(account).then((file) => (file ? readListingSync(file) : undefined));
      this.cacheReads.set(account, read);
    }
    return read;
  }

  private scheduleCacheWrite(account: CloudAccount): void {
    if (!this.storage?.directory) return;
    clearTimeout(this.cacheWrites.get(account));
    const epoch = this.epoch(account);
    this.cacheWrites.set(
      account,
      setTimeout(() => {
        this.cacheWrites.delete(account);
        const data = this.settled.get(account);
        if (!data || epoch !== this.epoch(account)) return;
        // Regions whose listing failed are left out (their key pairs are unknown), not written as empty.
        const listing: CachedListing = { time: Date.now(), regions: data.regions, keyPairs: new Map(data.keyPairs) };
        this.pendingWrites = this.pendingWrites
          .then(async () => {
            const file = await this.cacheFile(account);
            if (!file || epoch !== this.epoch(account)) return;
            await writeListing(file, listing);
            const source = (await account.credentials())?.source;
            // Named for the next window, which paints it before the keychain answers.
            if (source && epoch === this.epoch(account) && this.storage?.directory) await updateKeptIndex(this.storage.directory, account.id, { file: path.basename(file), source });
          })
          .catch((error) => this.log.warn(`Could not keep the ${account.descriptor.displayName} listing: ${error instanceof Error ? error.message : String(error)}`));
      }, 300),
    );
  }

  /** Resolves when every cached listing due has been written (the benchmark and the tests wait for it). */
  async flushCache(): Promise<void> {
    while (this.cacheWrites.size) await new Promise((r) => setTimeout(r, 50));
    await this.pendingWrites;
  }

  /**
   * What the cloud's node shows: the merged listing; on the first open of this window, the cached
   * listing at once while the first listing runs (the view redraws when it lands).
   */
  private async shownData(account: CloudAccount): Promise<{ data: AccountData; cachedTime?: number }> {
    await this.paintFromCache(account);
    const painted = this.settled.has(account) ? undefined : this.painting.get(account);
    if (painted) return { data: { ...emptyData(), regions: painted.regions, keyPairs: painted.keyPairs }, cachedTime: painted.time };
    const raw = await this.load(account);
    return { data: this.settled.get(account) ?? raw };
  }

  /** On the first open of this window: reads the cached listing to show, then starts listing behind it. */
  private async paintFromCache(account: CloudAccount): Promise<void> {
    if (this.settled.has(account) || this.listedOnce.has(account) || this.painting.has(account)) return;
    if (this.data.has(account) || !this.storage?.directory) return; // already listing: wait for it
    const cached = await this.readCache(account);
    if (!cached || this.settled.has(account) || this.data.has(account)) return;
    this.paint(account, cached);
  }

  /**
   * Shows a cached listing until the first listing lands. That listing starts once the cloud's
   * children were drawn from it (loading the cloud's SDK blocks for a moment), or soon anyway when
   * the tree does not ask for them (the cloud's node is collapsed).
   */
  private paint(account: CloudAccount, cached: CachedListing): void {
    this.painting.set(account, cached);
    this.listSoon(account, 1000);
  }

  /** Starts the listing behind a painted one in `ms` (or sooner, if it is due sooner already). */
  private listSoon(account: CloudAccount, ms: number): void {
    const due = Date.now() + ms;
    const pending = this.listingTimers.get(account);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.listingTimers.delete(account);
      // Not before the credentials confirmed the painted account (else the redraw lists it).
      void (this.rootsChecked ?? Promise.resolve()).then(() => {
        if (this.painting.has(account) && !this.settled.has(account)) void this.load(account);
      });
    }, ms);
    this.listingTimers.set(account, { timer, due });
  }

  /** Names (undefined: forgets) the account's kept listing for the next window, after the writes before. */
  private nameKept(account: CloudAccount, kept: KeptListing | undefined): void {
    const directory = this.storage?.directory;
    if (!directory) return;
    this.pendingWrites = this.pendingWrites
      .then(() => updateKeptIndex(directory, account.id, kept))
      .catch((error) => this.log.warn(`Could not name the kept ${account.descriptor.displayName} listing: ${error instanceof Error ? error.message : String(error)}`));
  }

  private providerNode(account: CloudAccount, source: CredentialSource): Extract<CloudKeysNode, { kind: 'provider' }> {
    let root = this.providerNodes.get(account);
    if (!root) this.providerNodes.set(account, (root = { kind: 'provider', account, source }));
    root.source = source;
    return root;
  }

  /**
   * The window's first roots, before the keychain answers (a round trip to the window, slow while
   * it starts): the clouds whose listing the last window kept, painted from it. Undefined when none was kept.
   */
  private paintKept(): Array<Extract<CloudKeysNode, { kind: 'provider' }>> | undefined {
    const directory = this.storage?.directory;
    if (!directory) return undefined;
    const roots: Array<Extract<CloudKeysNode, { kind: 'provider' }>> = [];
    const clouds = new Map(this.accounts.map((a) => [a.id, a.descriptor.id]));
    const index = readKeptIndex(directory, (id) => clouds.get(id) ?? '');
    for (const account of this.accounts) {
      const kept = index.get(account.id);
      const source = kept && CREDENTIAL_SOURCES.find((s) => s === kept.source);
      const cached = kept && source ? readListingSync(path.join(directory, kept.file)) : undefined;
      if (!kept || !source || !cached) continue;
      this.cacheReads.set(account, Promise.resolve(cached));
      this.paint(account, cached);
      this.paintedFile.set(account, kept.file);
      roots.push(this.providerNode(account, source));
    }
    return roots.length ? roots : undefined;
  }

  /** Once the credentials are read: drops what was painted of another account (or of none), and redraws when the roots differ. */
  private async checkEarlyRoots(early: ReadonlyArray<Extract<CloudKeysNode, { kind: 'provider' }>>): Promise<void> {
    const found = await Promise.all(this.accounts.map((account) => account.credentials()));
    let differs = false;
    for (const [i, account] of this.accounts.entries()) {
      const credentials = found[i];
      const shown = early.find((n) => n.account === account);
      if (!shown) {
        differs ||= credentials !== undefined;
        continue;
      }
      if (!credentials || credentials.source !== shown.source) differs = true;
      const file = credentials ? await this.cacheFile(account) : undefined;
      if (this.painting.has(account) && (!file || path.basename(file) !== this.paintedFile.get(account))) {
        this.painting.delete(account);
        this.cacheReads.delete(account);
        differs = true;
      }
    }
    this.earlyRoots = undefined;
    void vscode.commands.executeCommand('setContext', KEYCHAIN_CONTEXT_KEY, this.accounts.some((a) => a.secretStorageProblem !== undefined));
    if (differs) this.changed.fire(undefined);
  }

  /**
   * The instances of one region (all pages), listed once until the next refresh (`fresh`: listed
   * again now, as Connect needs the addresses the cloud gives at this moment); rejects with the cloud's error.
   */
  instances(account: CloudAccount, region: string, { fresh = false } = {}): Promise<CloudInstance[]> {
    const key = `${account.id}:${region}`;
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

  /** The instances of `region` as last listed (no request; undefined when they were not listed). */
  listedInstances(account: CloudAccount, region: string): CloudInstance[] | undefined {
    return this.settledInstances.get(`${account.id}:${region}`)?.instances;
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
        for (const k of list) if (k.blobBase64 === blobBase64) out.push({ provider: account.displayName, region, keyId: k.id, keyName: k.name });
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

  /** Whether a region has something to show: key pairs, a problem, or instances listed there. */
  private regionHasContent(account: CloudAccount, data: AccountData, region: CloudRegion): boolean {
    return (data.keyPairs.get(region.id)?.length ?? 0) > 0 || data.problems.has(region.id) || (this.settledInstances.get(`${account.id}:${region.id}`)?.instances.length ?? 0) > 0;
  }

  /** How many regions of an account the view hides (no key pairs, and "Show Empty Regions" is off). */
  hiddenRegions(account: CloudAccount): number {
    const data = this.settled.get(account) ?? (this.painting.get(account) && { ...emptyData(), ...this.painting.get(account)! });
    if (!data || this.showEmpty || account.accountWide) return 0;
    return data.regions.filter((r) => !this.regionHasContent(account, data, r)).length;
  }

  async getChildren(node?: CloudKeysNode): Promise<CloudKeysNode[]> {
    if (!node) {
      this.accountSource?.ensureProfiles();
      if (!this.rootsChecked) {
        // The window's first roots: from the kept listings at once, checked when the credentials are read.
        const early = this.paintKept();
        this.earlyRoots = early;
        this.rootsChecked = early ? this.checkEarlyRoots(early) : Promise.resolve();
      }
      if (this.earlyRoots) {
        this.shownRoots = new Set(this.earlyRoots.map((n) => n.account));
        void vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT_KEY, true);
        return [...this.earlyRoots];
      }
      const roots: CloudKeysNode[] = [];
      const shown = new Set<CloudAccount>();
      const found = await Promise.all(this.accounts.map((account) => account.credentials()));
      for (const [i, account] of this.accounts.entries()) {
        const credentials = found[i];
        // A profile that cannot be used (a broken file, an unsupported mode) is shown, saying why.
        if (!credentials && !(account.slot.kind === 'profile' && account.profileProblem)) continue;
        roots.push(this.providerNode(account, credentials?.source ?? 'profile'));
        shown.add(account);
      }
      // Read before the cloud's item is drawn, so that it can say "cached".
      await Promise.all([...shown].map((account) => this.paintFromCache(account)));
      // An identity kept by an earlier window is shown only while the credentials are the same.
      for (const account of shown) void this.checkIdentity(account);
      this.shownRoots = shown;
      void vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT_KEY, roots.length > 0);
      // No keyring (Linux): the welcome view says so and what to do.
      void vscode.commands.executeCommand('setContext', KEYCHAIN_CONTEXT_KEY, this.accounts.some((a) => a.secretStorageProblem !== undefined));
      return roots;
    }
    if (node.kind === 'provider') {
      if (node.account.slot.kind === 'profile' && !(await node.account.credentials())) {
        return [{ kind: 'problem', account: node.account, message: vscode.l10n.t('The profile cannot be used: {0}', node.account.profileProblem ?? '') }];
      }
      const { data, cachedTime } = await this.shownData(node.account);
      // Drawn from the cache: the listing may start now.
      if (cachedTime !== undefined) this.listSoon(node.account, 50);
      if (data.regionProblem) return [{ kind: 'problem', account: node.account, message: data.regionProblem }];
      if (node.account.accountWide) {
        // Key pairs are the account's; instances are regional: one Instances group per region.
        const groups = (await this.instanceRegions(node.account, data)).map((region): CloudKeysNode => ({ kind: 'instances', account: node.account, region }));
        return [...this.keyPairNodes(node.account, data, ACCOUNT_WIDE), ...groups];
      }
      const shown = this.showEmpty ? data.regions : data.regions.filter((r) => this.regionHasContent(node.account, data, r));
      const nodes: CloudKeysNode[] = shown.map((region) => this.regionNode(node.account, region, data.keyPairs.get(region.id) ?? []));
      if (!nodes.length && data.regions.length) nodes.push({ kind: 'note', account: node.account, hidden: data.regions.length });
      return nodes;
    }
    if (node.kind === 'region') {
      // Painted from the cache: its key pairs as cached, until the listing lands and redraws.
      const painted = this.settled.has(node.account) ? undefined : this.painting.get(node.account);
      const data = painted ? { ...emptyData(), regions: painted.regions, keyPairs: painted.keyPairs } : (this.settled.get(node.account) ?? (await this.load(node.account)));
      // A listing in progress (a refresh) is waited for: the region then shows what it found.
      const current = painted ? data : (await this.load(node.account), this.settled.get(node.account) ?? data);
      return [...this.keyPairNodes(node.account, current, node.region.id, node.region), { kind: 'instances', account: node.account, region: node.region }];
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

  /** The region's node object (the same one each time, its count updated). */
  private regionNode(account: CloudAccount, region: CloudRegion, keyPairs: KeyPair[]): Extract<CloudKeysNode, { kind: 'region' }> {
    const key = `${account.id}:${region.id}`;
    let node = this.regionNodes.get(key);
    if (!node || node.account !== account) this.regionNodes.set(key, (node = { kind: 'region', account, region, keyPairs }));
    node.region = region;
    node.keyPairs = keyPairs;
    return node;
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

  /** The key pairs listed under `key` (a region id, or ACCOUNT_WIDE), by name, or the problem listing them; the same node objects each time. */
  private keyPairNodes(account: CloudAccount, data: AccountData, key: string, region?: CloudRegion): CloudKeysNode[] {
    const problem = data.problems.get(key);
    if (problem) return [{ kind: 'problem', account, region, message: problem }];
    const cacheKey = `${account.id}:${key}`;
    const before = this.keyPairNodesOf.get(cacheKey);
    const now = new Map<string, Extract<CloudKeysNode, { kind: 'keyPair' }>>();
    const nodes = (data.keyPairs.get(key) ?? [])
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((keyPair) => {
        let node = before?.get(keyPair.id);
        if (!node || node.account !== account) node = { kind: 'keyPair', account, keyPair };
        node.keyPair = keyPair;
        node.local = this.localMatch(keyPair);
        now.set(keyPair.id, node);
        return node;
      });
    this.keyPairNodesOf.set(cacheKey, now);
    return nodes;
  }

  getTreeItem(node: CloudKeysNode): vscode.TreeItem {
    switch (node.kind) {
      case 'provider': {
        const painted = this.painting.get(node.account);
        return providerItem(node.account, node.source, painted && !this.settled.has(node.account) ? painted.time : undefined, this.hiddenRegions(node.account), this.callerIdentity(node.account));
      }
      case 'region':
        return regionItem(node.account, node.region, node.keyPairs.length);
      case 'keyPair':
        return keyPairItem(node.account, node.keyPair, node.local);
      case 'instances': {
        const item = new vscode.TreeItem(node.account.accountWide ? vscode.l10n.t('Instances in {0}', shownText(node.region.id)) : vscode.l10n.t('Instances'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `instances:${node.account.id}:${node.region.id}`;
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
      case 'note': {
        const item = new vscode.TreeItem(
          node.hidden === 1 ? vscode.l10n.t('No key pairs in the 1 region listed') : vscode.l10n.t('No key pairs in the {0} regions listed', node.hidden),
          vscode.TreeItemCollapsibleState.None,
        );
        item.id = `note:${node.account.id}`;
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = vscode.l10n.t('Empty regions are hidden. "Show Empty Regions" in the view\'s title bar shows them.');
        item.command = { command: 'cloudSshKeys.showEmptyRegions', title: vscode.l10n.t('Show Empty Regions') };
        item.contextValue = 'cloudNote';
        return item;
      }
    }
  }

  dispose(): void {
    for (const timer of this.cacheWrites.values()) clearTimeout(timer);
    for (const { timer } of this.listingTimers.values()) clearTimeout(timer);
    this.changed.dispose();
    this.loaded.dispose();
    this.instancesListed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function providerItem(account: CloudAccount, source: CredentialSource, cachedTime: number | undefined, hidden: number, identity?: CallerIdentity): vscode.TreeItem {
  // A profile's name comes from a file name: shown as text, never as markup.
  const item = new vscode.TreeItem(shownText(account.displayName), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `provider:${account.id}`;
  // Only the variables that are set (an unset optional token is not "used").
  const variables = account.setEnvironmentVariables().join(', ');
  const parts: string[] = [];
  // The cloud's text, checked as digits at the trust boundary (and again when read back), shown escaped all the same.
  const accountNumber = identity ? accountIdText(identity, shownText(identity.accountId)) : undefined;
  if (accountNumber) parts.push(accountNumber);
  if (cachedTime !== undefined) parts.push(vscode.l10n.t('cached {0}', listingTimeText(cachedTime)));
  if (account.isSandbox) parts.push(vscode.l10n.t('Sandbox: {0}', account.endpoint));
  if (source === 'environment') parts.push(vscode.l10n.t('credentials from the environment ({0})', variables));
  const profileFile = account.slot.kind === 'profile' ? shownText(account.slot.file) : undefined;
  if (profileFile) parts.push(vscode.l10n.t('credentials from {0}', profileFile));
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(account.isSandbox ? 'beaker' : 'cloud');
  item.tooltip = [
    account.descriptor.displayName,
    accountNumber ? vscode.l10n.t('{0}, as STS GetCallerIdentity names the account of these credentials', accountNumber) : undefined,
    identity?.principalId && identity.principalId !== identity.accountId
      ? vscode.l10n.t('Signed in as {0} ({1})', shownText(identity.principalId), shownText(identity.type ?? '?'))
      : undefined,
    account.isSandbox ? vscode.l10n.t('Sandbox: requests go to {0} on this computer, not to the real cloud.', account.endpoint) : account.endpoint || undefined,
    profileFile
      ? vscode.l10n.t("Using the credentials of the profile in {0}, read from the file (the cloud's own CLI keeps it), never copied.", profileFile)
      : source === 'environment'
        ? vscode.l10n.t('Using the credentials of the environment variables {0}.', variables)
        : vscode.l10n.t('Using the credentials stored in the system keychain (SecretStorage).'),
    cachedTime !== undefined ? vscode.l10n.t('Shown as listed at {0}; listing again…', listingTimeText(cachedTime, Date.now(), { withDate: true })) : undefined,
    hidden === 1 ? vscode.l10n.t('1 empty region is hidden.') : hidden > 1 ? vscode.l10n.t('{0} empty regions are hidden.', hidden) : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  item.contextValue = `cloudProvider ${account.descriptor.id}${account.slot.kind === 'main' ? '' : ` ${account.slot.kind}`}`;
  return item;
}

function regionItem(account: CloudAccount, region: CloudRegion, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(shownText(region.id), count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  // A stable id: the tree keeps finding the region as its key pairs come and go.
  item.id = `region:${account.id}:${region.id}`;
  item.description = [region.name !== region.id ? shownText(regionDisplayName(region.name)) : undefined, count === 1 ? vscode.l10n.t('1 key pair') : vscode.l10n.t('{0} key pairs', count)].filter(Boolean).join(' · ');
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
  item.id = `keyPair:${account.id}:${keyPair.region}:${keyPair.id}:${bound > 0 ? 'bound' : 'free'}`;
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
  if (keyPair.createdTime) md.appendText(`${vscode.l10n.t('Created')}: ${shownText(localTime(keyPair.createdTime, vscode.env.language))}\n\n`);
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
  item.id = `instance:${account.id}:${instance.region}:${instance.id}`;
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
