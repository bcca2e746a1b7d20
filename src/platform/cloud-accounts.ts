// Every cloud account the extension knows, for all clouds: each cloud's main account (SecretStorage,
// else the environment), the accounts the user added (each with its own SecretStorage key), and one
// account per profile of the cloud's own CLI (tccli, aliyun). Views and commands hold `all`, which
// changes in place (same array, same CloudAccount objects for the accounts that stay).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CloudProviderDescriptor } from '../cloud/descriptors';
import { type ProfileContext, type ProfileSummary, ProfileError } from '../cloud/profile-files';
import { CloudAccount } from './cloud-account';

/** globalState: the labels of the accounts added per cloud (names only: the secrets are in SecretStorage). */
const ADDED_KEY = (cloud: string) => `cloudSshKeys.${cloud}.addedAccounts`;
/** globalState: the profiles the user signed out of (hidden from the view; their files are not touched). */
const HIDDEN_KEY = (cloud: string) => `cloudSshKeys.${cloud}.hiddenProfiles`;

/** An added account's label: short, printable, no path or key separators. */
export const ACCOUNT_LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,39}$/u;

export class CloudAccounts implements vscode.Disposable {
  /** Every account, main accounts first in the clouds' order; changes in place. */
  readonly all: CloudAccount[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** An account was added or removed (a profile appeared or went, Add Account, Sign Out). */
  readonly onDidChange = this.changed.event;
  private readonly watchers: fs.FSWatcher[] = [];
  private watchTimer: ReturnType<typeof setTimeout> | undefined;
  private profilesRead = false;
  /** Why a profile file could not be listed, by cloud (shown on that cloud's node). */
  readonly profileListProblems = new Map<string, string>();

  constructor(
    private readonly descriptors: readonly CloudProviderDescriptor[],
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly profileContext: () => ProfileContext = () => ({ home: os.homedir(), env: process.env }),
  ) {
    for (const descriptor of descriptors) this.all.push(this.make(descriptor, { kind: 'main' }));
    // Added accounts are known from globalState at once (no file read at activation).
    for (const descriptor of descriptors) {
      for (const label of this.addedLabels(descriptor)) this.all.push(this.make(descriptor, { kind: 'stored', label }));
    }
  }

  private make(descriptor: CloudProviderDescriptor, slot: CloudAccount['slot']): CloudAccount {
    return new CloudAccount(descriptor, this.secrets, this.globalState, this.log, slot, this.profileContext);
  }

  /** The main account of a cloud (the one `accounts.tencent` names in the test API). */
  main(cloudId: string): CloudAccount {
    return this.all.find((a) => a.descriptor.id === cloudId && a.slot.kind === 'main')!;
  }

  /** A cloud's accounts, main first. */
  of(cloudId: string): CloudAccount[] {
    return this.all.filter((a) => a.descriptor.id === cloudId);
  }

  private addedLabels(descriptor: CloudProviderDescriptor): string[] {
    const value = this.globalState.get<unknown>(ADDED_KEY(descriptor.id));
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && ACCOUNT_LABEL_PATTERN.test(v)) : [];
  }

  private hiddenProfiles(descriptor: CloudProviderDescriptor): string[] {
    const value = this.globalState.get<unknown>(HIDDEN_KEY(descriptor.id));
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  /** The profiles of a cloud's CLI on this machine, hidden ones included (Set Credentials offers them all). */
  profiles(descriptor: CloudProviderDescriptor): ProfileSummary[] {
    if (!descriptor.profiles) return [];
    const ctx = this.profileContext();
    if (descriptor.profiles.disabledBy?.(ctx.env)) return [];
    try {
      this.profileListProblems.delete(descriptor.id);
      return descriptor.profiles.list(ctx);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      this.profileListProblems.set(descriptor.id, error.message);
      return [];
    }
  }

  /**
   * Reads the profile files (first call: at the view's first paint, never at activation) and makes
   * the accounts match them: one per profile not hidden; the ones that stay keep their objects.
   */
  refreshProfiles(): void {
    const first = !this.profilesRead;
    this.profilesRead = true;
    let changed = false;
    for (const descriptor of this.descriptors) {
      const hidden = new Set(this.hiddenProfiles(descriptor));
      const wanted = this.profiles(descriptor).filter((p) => !hidden.has(p.name));
      for (const account of this.all.filter((a) => a.descriptor === descriptor && a.slot.kind === 'profile')) {
        const profile = wanted.find((p) => account.slot.kind === 'profile' && p.name === account.slot.name);
        if (!profile || (account.slot.kind === 'profile' && account.slot.file !== profile.file)) {
          this.all.splice(this.all.indexOf(account), 1);
          account.dispose();
          changed = true;
        }
      }
      for (const profile of wanted) {
        if (this.all.some((a) => a.descriptor === descriptor && a.slot.kind === 'profile' && a.slot.name === profile.name)) continue;
        this.all.push(this.make(descriptor, { kind: 'profile', name: profile.name, file: profile.file }));
        changed = true;
      }
    }
    // A changed file changes the credentials of the profiles that stay, too.
    for (const account of this.all) if (account.slot.kind === 'profile') account.invalidate();
    if (first) this.watchProfileFolders();
    if (changed) this.changed.fire();
  }

  /** Lists the profile files once (the view's first paint); later calls do nothing. */
  ensureProfiles(): void {
    if (!this.profilesRead) this.refreshProfiles();
  }

  /** The files change under tccli configure / aliyun configure: follow them (debounced). */
  private watchProfileFolders(): void {
    const ctx = this.profileContext();
    const folders = [...new Set(this.descriptors.flatMap((d) => d.profiles?.folders(ctx) ?? []))];
    const soon = () => {
      clearTimeout(this.watchTimer);
      this.watchTimer = setTimeout(() => this.refreshProfiles(), 200);
    };
    const watch = (folder: string, onEvent: (file: string | null) => void): boolean => {
      try {
        const watcher = fs.watch(folder, (_event, file) => onEvent(typeof file === 'string' ? file : null));
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
        return true;
      } catch {
        return false; // no such folder (yet)
      }
    };
    const watched = new Set<string>();
    const watchFolder = (folder: string) => {
      if (!watched.has(folder) && watch(folder, soon)) watched.add(folder);
    };
    for (const folder of folders) watchFolder(folder);
    // A folder made later (the first tccli configure): its parent says so; one non-recursive watch each.
    for (const parent of new Set(folders.filter((f) => !watched.has(f)).map((f) => path.dirname(f)))) {
      watch(parent, (file) => {
        const made = folders.find((f) => path.dirname(f) === parent && (file === null || path.basename(f) === file) && !watched.has(f));
        if (!made || !fs.existsSync(made)) return;
        watchFolder(made);
        soon();
      });
    }
  }

  /** Adds an account under `label` (its credentials are stored by the caller, under its own key). */
  async add(descriptor: CloudProviderDescriptor, label: string): Promise<CloudAccount> {
    const existing = this.all.find((a) => a.descriptor === descriptor && a.slot.kind === 'stored' && a.slot.label === label);
    if (existing) return existing;
    await this.globalState.update(ADDED_KEY(descriptor.id), [...this.addedLabels(descriptor), label]);
    const account = this.make(descriptor, { kind: 'stored', label });
    this.all.push(account);
    this.changed.fire();
    return account;
  }

  /** After Sign Out: an added account goes, a profile is hidden (its file stays as it is). */
  async forget(account: CloudAccount): Promise<void> {
    const { slot, descriptor } = account;
    if (slot.kind === 'main') return;
    if (slot.kind === 'stored') {
      await this.globalState.update(ADDED_KEY(descriptor.id), this.addedLabels(descriptor).filter((l) => l !== slot.label));
    } else {
      await this.globalState.update(HIDDEN_KEY(descriptor.id), [...new Set([...this.hiddenProfiles(descriptor), slot.name])]);
    }
    const i = this.all.indexOf(account);
    if (i >= 0) this.all.splice(i, 1);
    account.dispose();
    this.changed.fire();
  }

  /** Shows a hidden profile again (Set Credentials → Use the profile). */
  async showProfile(descriptor: CloudProviderDescriptor, name: string): Promise<CloudAccount | undefined> {
    await this.globalState.update(HIDDEN_KEY(descriptor.id), this.hiddenProfiles(descriptor).filter((n) => n !== name));
    this.refreshProfiles();
    return this.all.find((a) => a.descriptor === descriptor && a.slot.kind === 'profile' && a.slot.name === name);
  }

  dispose(): void {
    clearTimeout(this.watchTimer);
    for (const w of this.watchers) w.close();
    for (const a of this.all) a.dispose();
    this.changed.dispose();
  }
}
