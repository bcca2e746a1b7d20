import * as vscode from 'vscode';
import { shownText } from './shown-text';
import { type CloudProviderDescriptor, credentialsFromEnvironment } from '../cloud/descriptors';
import { isLoopbackEndpoint } from '../cloud/loopback';
import type { CloudKeyProvider, CloudRegion } from '../cloud/provider';
import { loadCloudChunk } from '../cloud/chunk-loader';
import { CloudError } from '../cloud/errors';
import { type ProfileContext, ProfileError, presentValues } from '../cloud/profile-files';

/** Credential values by CredentialField id (`secretId`, `secretKey`, `token`). Never logged. */
export type CredentialValues = Record<string, string>;

export interface ResolvedCredentials {
  values: CredentialValues;
  /**
   * `secrets`: set with the command, in SecretStorage; `environment`: from the descriptor's
   * variables; `profile`: from a profile file of the cloud's own CLI (read-only, never copied).
   */
  source: 'secrets' | 'environment' | 'profile';
}

/**
 * Which of a cloud's accounts this is. `main`: SecretStorage under the descriptor's key, else the
 * environment (as before there were several). `stored`: added with Add Account, SecretStorage under
 * its own key. `profile`: a profile of the cloud's own CLI (tccli, aliyun), read from its file.
 */
export type AccountSlot = { kind: 'main' } | { kind: 'stored'; label: string } | { kind: 'profile'; name: string; file: string };

/** What a profile account reads its file with: the home folder and environment of this window. */
export type ProfileContextSource = () => ProfileContext;

/** A CloudError-shaped failure raised here (kind `config`), translated like the provider's own. */
export function localCloudError(code: string, template: string, args: Array<string | number> = []): CloudError {
  return new CloudError({ kind: 'config', code, template, args });
}

const REGION_CACHE_MS = 7 * 24 * 3600 * 1000;

/**
 * One cloud account as the VS Code layer sees it: where its credentials are (SecretStorage, else the
 * environment), its machine-scoped settings, its regions, and a provider made from them on demand.
 */
export class CloudAccount implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Credentials, settings or the cached regions changed: views redraw. */
  readonly onDidChange = this.changed.event;
  private cachedProvider: Promise<CloudKeyProvider> | undefined;
  private storedRead: Promise<string | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Why SecretStorage could not be read, when it could not (no keyring on Linux). */
  secretStorageProblem: string | undefined;
  /** Why the profile's credentials cannot be used (a broken file, an unsupported mode), when they cannot. */
  profileProblem: string | undefined;

  constructor(
    readonly descriptor: CloudProviderDescriptor,
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    readonly slot: AccountSlot = { kind: 'main' },
    private readonly profileContext?: ProfileContextSource,
  ) {
    this.disposables.push(
      // Another window (or Sign Out there) changed the credentials.
      secrets.onDidChange((e) => {
        if (e.key === this.secretKey) this.invalidate();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`cloudSshKeys.${descriptor.settingsSection}`)) this.invalidate();
      }),
    );
  }

  /** Stable across windows: `tencent`, `tencent#work` (added), `tencent@profile:work`. */
  get id(): string {
    const { slot, descriptor } = this;
    return slot.kind === 'main' ? descriptor.id : slot.kind === 'stored' ? `${descriptor.id}#${slot.label}` : `${descriptor.id}@profile:${slot.name}`;
  }

  /** The account's own name beside the cloud's ("work", "tccli profile default"); undefined for the main account. */
  get label(): string | undefined {
    const { slot } = this;
    return slot.kind === 'main' ? undefined : slot.kind === 'stored' ? slot.label : vscode.l10n.t('profile {0}', slot.name);
  }

  /** The cloud's name with the account's: "Tencent Cloud", "Tencent Cloud (work)". */
  get displayName(): string {
    return this.label ? `${this.descriptor.displayName} (${this.label})` : this.descriptor.displayName;
  }

  /**
   * The account's name in the managed SSH config (its tags and aliases): the cloud's id for the main
   * account, `tencent-work` for another, so that two accounts' instances never share an entry.
   */
  get sshConfigCloudId(): string {
    const { descriptor } = this;
    if (this.slot.kind === 'main') return descriptor.id;
    const name = this.slot.kind === 'stored' ? this.slot.label : this.slot.name;
    const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'account';
    return `${descriptor.id}-${this.slot.kind === 'profile' ? 'p-' : ''}${slug}`.slice(0, 32).replace(/-+$/, '');
  }

  /** Where this account's credentials are kept in SecretStorage; undefined for a profile (its file keeps them). */
  get secretKey(): string | undefined {
    const { slot, descriptor } = this;
    return slot.kind === 'main' ? descriptor.secretKey : slot.kind === 'stored' ? `${descriptor.secretKey}#${slot.label}` : undefined;
  }

  /** A setting's user (machine) value, else its default: a workspace value never takes effect. */
  private setting<T>(key: string, fallback: T): T {
    const inspected = vscode.workspace.getConfiguration('cloudSshKeys').inspect<T>(`${this.descriptor.settingsSection}.${key}`);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }

  get endpoint(): string {
    const value = this.setting<string>('endpoint', '');
    return typeof value === 'string' ? value.trim() : '';
  }

  /** The cloud holds one set of key pairs for the whole account (no region to choose or list by). */
  get accountWide(): boolean {
    return this.descriptor.capabilities.keyPairScope === 'account';
  }

  /** The endpoint is this machine: a sandbox (the fake server), never the real cloud. */
  get isSandbox(): boolean {
    return isLoopbackEndpoint(this.endpoint);
  }

  get defaultRegion(): string {
    // A profile's own region (tccli's NAME.configure, aliyun's region_id) is where its tool works.
    const fromProfile = this.slot.kind === 'profile' ? this.profileRegion : undefined;
    if (fromProfile && this.descriptor.knownRegions.includes(fromProfile)) return fromProfile;
    const value = this.setting<string>('defaultRegion', this.descriptor.defaultRegion);
    return typeof value === 'string' && value.trim() ? value.trim() : this.descriptor.defaultRegion;
  }

  /** Where new key pairs go (the descriptor's projectSetting: a project, a resource group), empty for the cloud's default. */
  get projectId(): string {
    const setting = this.descriptor.projectSetting;
    if (!setting) return '';
    if (setting.numeric) {
      const value = this.setting<number | string>(setting.key, 0);
      return String(Number.isFinite(Number(value)) ? Number(value) : 0);
    }
    const value = this.setting<string>(setting.key, '');
    return typeof value === 'string' ? value.trim() : '';
  }

  /** The regions the user chose to see; empty means "every region the cloud lists". */
  get configuredRegions(): string[] {
    const value = this.setting<string[]>('regions', []);
    return Array.isArray(value) ? [...new Set(value.filter((r) => typeof r === 'string' && r.trim()).map((r) => r.trim()))] : [];
  }

  get language(): 'en-US' | 'zh-CN' {
    return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
  }

  /** The profile's region, as last read from its file. */
  profileRegion: string | undefined;

  /** The profile's file as last read (until the file changes: invalidate()); the view asks on every redraw. */
  private profileRead: { credentials: ResolvedCredentials | undefined } | undefined;

  /** A profile's credentials, read from its file (never stored); undefined with `profileProblem` set when unusable. */
  private profileCredentials(): ResolvedCredentials | undefined {
    const { slot, descriptor } = this;
    if (slot.kind !== 'profile' || !descriptor.profiles || !this.profileContext) return undefined;
    if (this.profileRead) return this.profileRead.credentials;
    const ctx = this.profileContext();
    let credentials: ResolvedCredentials | undefined;
    try {
      this.profileRegion = descriptor.profiles.list(ctx).find((p) => p.name === slot.name)?.region;
      credentials = { values: presentValues(descriptor.profiles.read(slot.name, ctx)), source: 'profile' };
      this.profileProblem = undefined;
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      // The message names the file and the field, never a value.
      this.profileProblem = error.message;
    }
    this.profileRead = { credentials };
    return credentials;
  }

  /** The credentials in use: a profile's from its file; else SecretStorage, then (main account) the environment. */
  async credentials(): Promise<ResolvedCredentials | undefined> {
    if (this.slot.kind === 'profile') return this.profileCredentials();
    const required = this.descriptor.credentialFields.filter((f) => !f.optional);
    const secretKey = this.secretKey!;
    let stored: string | undefined;
    try {
      // Read once until the secret changes (SecretStorage.onDidChange, Set Credentials, Sign Out):
      // each read is a round trip to the window, and the view asks on every redraw.
      this.storedRead ??= Promise.resolve(this.secrets.get(secretKey));
      stored = await this.storedRead;
      this.secretStorageProblem = undefined;
    } catch (error) {
      this.storedRead = undefined;
      this.secretStorageProblem = error instanceof Error ? error.message : String(error);
      this.log.warn(`Cannot read the ${this.descriptor.displayName} credentials from SecretStorage: ${this.secretStorageProblem}`);
    }
    if (stored) {
      try {
        const values = JSON.parse(stored) as CredentialValues;
        if (required.every((f) => typeof values[f.id] === 'string' && values[f.id])) return { values, source: 'secrets' };
      } catch {
        this.log.warn(`The stored ${this.descriptor.displayName} credentials are unreadable; ignoring them.`);
      }
    }
    // The environment belongs to the main account only: an added account has its own secret or none.
    if (this.slot.kind !== 'main') return undefined;
    const fromEnv = credentialsFromEnvironment(this.descriptor, process.env);
    return fromEnv.missing.length === 0 ? { values: fromEnv.values, source: 'environment' } : undefined;
  }

  /**
   * Who the account is, without a secret: the endpoint and the credential's non-secret part (the
   * SecretId, the AccessKey ID). Names the account's cached listing (hashed); undefined when signed out.
   */
  async identity(): Promise<string | undefined> {
    const credentials = await this.credentials();
    if (!credentials) return undefined;
    const visible = this.descriptor.credentialFields.filter((f) => !f.secret && !f.optional).map((f) => credentials.values[f.id] ?? '');
    return [this.endpoint || 'default', ...visible].join('\n');
  }

  /** The environment variables of this cloud's credentials that are set (never their values). */
  setEnvironmentVariables(env: NodeJS.ProcessEnv = process.env): string[] {
    return this.descriptor.credentialFields.filter((f) => env[f.envVar]?.trim()).map((f) => f.envVar);
  }

  /** Stores credentials in SecretStorage only. Rejects when SecretStorage is unavailable: never falls back to plain text. */
  async storeCredentials(values: CredentialValues): Promise<void> {
    const key = this.secretKey;
    if (!key) throw new Error(`${this.displayName} reads its credentials from ${this.slot.kind === 'profile' ? this.slot.file : 'its profile file'}; nothing is stored for it.`);
    await this.secrets.store(key, JSON.stringify(values));
    this.invalidate();
  }

  async deleteCredentials(): Promise<void> {
    const key = this.secretKey;
    if (key) await this.secrets.delete(key);
    this.invalidate();
  }

  /** A provider for these credentials and the current settings (e.g. to check new credentials before storing them). */
  connect(values: CredentialValues): CloudKeyProvider {
    // The cloud's chunk (and its SDK) loads here, at the first cloud call, never at activation.
    // Read-only answers go to trace, except a connection's first (it shows the credentials work).
    let first = true;
    return loadCloudChunk(this.descriptor.id).createProvider({
      credentials: values,
      endpoint: this.endpoint,
      language: this.language,
      onResponse: (line, level = 'info') => {
        this.log[first ? 'info' : level](shownText(line));
        first = false;
      },
    });
  }

  /** The provider for the credentials in use; rejects (kind `config`) when there are none. */
  provider(): Promise<CloudKeyProvider> {
    // One provider per set of credentials, even for callers that ask at the same moment: it holds
    // the pacing and the imports in flight, which only work when shared.
    if (!this.cachedProvider) {
      const made = this.makeProvider();
      this.cachedProvider = made;
      made.catch(() => {
        if (this.cachedProvider === made) this.cachedProvider = undefined; // ask again next time
      });
    }
    return this.cachedProvider;
  }

  private async makeProvider(): Promise<CloudKeyProvider> {
    const credentials = await this.credentials();
    if (!credentials && this.slot.kind === 'profile') {
      throw localCloudError('ProfileUnusable', 'The {0} credentials of {1} cannot be used: {2}', [this.descriptor.displayName, this.label ?? '', this.profileProblem ?? '']);
    }
    if (!credentials) {
      throw localCloudError('NotSignedIn', 'No {0} credentials are set. Run "Set {0} Credentials", or set the {1} and {2} environment variables.', [
        this.descriptor.displayName,
        ...this.descriptor.credentialFields.filter((f) => !f.optional).map((f) => f.envVar),
      ]);
    }
    return this.connect(credentials.values);
  }

  private regionCacheKey(): string {
    return `cloudSshKeys.${this.descriptor.settingsSection}.regions@${this.endpoint || 'default'}`;
  }

  /** Regions as the cloud names them: the configured ones, else DescribeRegions (cached for a week). */
  async regions(signal?: AbortSignal): Promise<CloudRegion[]> {
    const cached = this.globalState.get<{ time: number; regions: CloudRegion[] }>(this.regionCacheKey());
    const known = cached && Date.now() - cached.time < REGION_CACHE_MS ? cached.regions : undefined;
    const configured = this.configuredRegions;
    if (configured.length) {
      const names = new Map((known ?? []).map((r) => [r.id, r.name]));
      return configured.map((id) => ({ id, name: names.get(id) ?? id, available: true }));
    }
    if (known?.length) return known;
    const regions = (await (await this.provider()).listRegions({ signal })).filter((r) => r.id && r.available);
    if (regions.length) await this.globalState.update(this.regionCacheKey(), { time: Date.now(), regions });
    return regions.length ? regions : this.descriptor.knownRegions.map((id) => ({ id, name: id, available: true }));
  }

  /** Forgets the provider (and with it the credentials it holds) and tells the views. */
  invalidate(): void {
    this.cachedProvider = undefined;
    this.storedRead = undefined;
    this.profileRead = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
