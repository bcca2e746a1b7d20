import * as vscode from 'vscode';
import { shownText } from './shown-text';
import { type CloudProviderDescriptor, credentialsFromEnvironment } from '../cloud/descriptors';
import { isLoopbackEndpoint } from '../cloud/loopback';
import type { CloudKeyProvider, CloudRegion } from '../cloud/provider';
import { loadCloudChunk } from '../cloud/chunk-loader';
import { CloudError } from '../cloud/errors';

/** Credential values by CredentialField id (`secretId`, `secretKey`, `token`). Never logged. */
export type CredentialValues = Record<string, string>;

export interface ResolvedCredentials {
  values: CredentialValues;
  /** `secrets`: set with the command, in SecretStorage; `environment`: from the descriptor's variables. */
  source: 'secrets' | 'environment';
}

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

  constructor(
    readonly descriptor: CloudProviderDescriptor,
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // Another window (or Sign Out there) changed the credentials.
      secrets.onDidChange((e) => {
        if (e.key === descriptor.secretKey) this.invalidate();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`cloudSshKeys.${descriptor.settingsSection}`)) this.invalidate();
      }),
    );
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

  /** The credentials in use: SecretStorage first, then the environment. */
  async credentials(): Promise<ResolvedCredentials | undefined> {
    const required = this.descriptor.credentialFields.filter((f) => !f.optional);
    let stored: string | undefined;
    try {
      // Read once until the secret changes (SecretStorage.onDidChange, Set Credentials, Sign Out):
      // each read is a round trip to the window, and the view asks on every redraw.
      this.storedRead ??= Promise.resolve(this.secrets.get(this.descriptor.secretKey));
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
    await this.secrets.store(this.descriptor.secretKey, JSON.stringify(values));
    this.invalidate();
  }

  async deleteCredentials(): Promise<void> {
    await this.secrets.delete(this.descriptor.secretKey);
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
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
