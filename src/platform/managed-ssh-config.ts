// The Connect side of the user's SSH config: which login user the user chose per instance
// (remembered), and the managed block (src/keys/ssh-config*.ts) kept in step with what the cloud
// lists — an instance connected to gets its Host entry, an entry whose instance changed address is
// rewritten, one whose instance is gone (or lost its key) is removed. Nothing is created in the
// file before the user connects to something.
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { type ConnectionPlan, type LocalPrivateKey, planConnection } from '../cloud/connect-plan';
import type { CloudInstance, KeyPair } from '../cloud/provider';
import { type InstanceHost, type ManagedHost, readManagedHosts, type SshConfigScope } from '../keys/ssh-config';
import { type SshConfigFileResult, updateSshConfigFile } from '../keys/ssh-config-file';
import type { CloudAccount } from './cloud-account';
import type { Config } from './config';

const USERS_KEY = 'cloudSshKeys.connect.loginUsers';
/** Key files the user picked for an instance (kept outside the SSH folders), with the blob they hold. */
const KEY_FILES_KEY = 'cloudSshKeys.connect.keyFiles';

export class ManagedSshConfig {
  constructor(
    private readonly config: Config,
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get file(): string {
    return this.config.sshConfigFile;
  }

  /** The login user the user chose for this instance, if they did. */
  loginUserOverride(account: CloudAccount, instance: CloudInstance): string | undefined {
    return this.globalState.get<Record<string, string>>(USERS_KEY, {})[userKey(account, instance)];
  }

  /** Remembers (or, with undefined, forgets) the user's login user for this instance. */
  async rememberLoginUser(account: CloudAccount, instance: CloudInstance, user: string | undefined): Promise<void> {
    const users = { ...this.globalState.get<Record<string, string>>(USERS_KEY, {}) };
    if (user) users[userKey(account, instance)] = user;
    else delete users[userKey(account, instance)];
    await this.globalState.update(USERS_KEY, users);
  }

  /** Remembers the private key file the user picked for this instance (its public blob was checked, or trusted). */
  async rememberKeyFile(account: CloudAccount, instance: CloudInstance, key: LocalPrivateKey): Promise<void> {
    await this.globalState.update(KEY_FILES_KEY, { ...this.globalState.get<Record<string, LocalPrivateKey>>(KEY_FILES_KEY, {}), [userKey(account, instance)]: key });
  }

  /** How to log in to `instance`, from the listed key pairs and the local keys (and a key file the user picked for it). */
  plan(account: CloudAccount, instance: CloudInstance, keyPairs: readonly KeyPair[], localKeys: readonly LocalPrivateKey[]): ConnectionPlan {
    return planConnection({
      instance,
      keyPairs,
      localKeys: [...localKeys, ...this.pickedKeyFile(account, instance)],
      loginUser: account.descriptor.defaultLoginUser,
      userOverride: this.loginUserOverride(account, instance),
      preferPrivateIp: this.config.preferPrivateIp,
    });
  }

  private pickedKeyFile(account: CloudAccount, instance: CloudInstance): LocalPrivateKey[] {
    const picked = this.globalState.get<Record<string, LocalPrivateKey>>(KEY_FILES_KEY, {})[userKey(account, instance)];
    return picked && fs.existsSync(picked.path) ? [picked] : [];
  }

  /** The entries the block holds now (none when the file is missing or unreadable). */
  managedHosts(): ManagedHost[] {
    let text: Buffer;
    try {
      text = fs.readFileSync(this.file);
    } catch {
      return [];
    }
    const read = readManagedHosts(text);
    return read.ok ? read.hosts : [];
  }

  /**
   * Writes the block for one scope (cloud + region): `connected` (when given) joins the entries
   * already there, each kept only while the listing still has its instance with a way in.
   */
  update(scope: SshConfigScope, listed: readonly CloudInstance[], hostOf: (instance: CloudInstance) => InstanceHost | undefined, connected?: InstanceHost): SshConfigFileResult | undefined {
    const inScope = this.managedHosts().filter((h) => h.cloud === scope.cloud && h.region === scope.region);
    if (!connected && inScope.length === 0) return undefined; // nothing of ours to follow: the file stays untouched
    const hosts = new Map<string, InstanceHost>();
    for (const entry of inScope) {
      const instance = listed.find((i) => i.id === entry.instanceId);
      const host = instance && hostOf(instance);
      if (host) hosts.set(host.instanceId, host);
      else this.log.info(`SSH config: removing ${entry.alias} (${entry.instanceId} is ${instance ? 'no longer reachable with a local key' : 'gone'})`);
    }
    if (connected) hosts.set(connected.instanceId, connected);
    const result = updateSshConfigFile(this.file, scope, [...hosts.values()]);
    if (result.ok && result.changed) this.log.info(`SSH config: updated the managed block of ${this.file} for ${scope.cloud} ${scope.region}`);
    if (!result.ok) this.log.warn(`SSH config: ${this.file} was not changed: ${result.problem.message}`);
    return result;
  }
}

function userKey(account: CloudAccount, instance: CloudInstance): string {
  return `${account.descriptor.id}/${instance.region}/${instance.id}`;
}
