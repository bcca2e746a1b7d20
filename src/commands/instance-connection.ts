// What every Connect action starts with: the instance the command was run on (an instance item, or
// a key pair item bound to instances), how to log in to it (src/cloud/connect-plan.ts), and its
// Host entry in the managed SSH config block. When there is no way in, it says why and offers the fix.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Connection, localPrivateKeys } from '../cloud/connect-plan';
import type { CloudInstance, KeyPair } from '../cloud/provider';
import { parseKeyText } from '../keys/parse';
import { MAX_KEY_FILE_BYTES } from '../keys/scan';
import type { ManagedHost } from '../keys/ssh-config';
import type { CloudAccount } from '../platform/cloud-account';
import type { ManagedSshConfig } from '../platform/managed-ssh-config';
import { shownInQuickPick, shownText } from '../platform/shown-text';
import type { CloudKeysNode } from '../views/cloud-keys-view';
import type { CloudCommandServices } from './cloud-common';
import { runCloudStep } from './run-cloud-step';

export interface ConnectServices extends CloudCommandServices {
  sshConfig: ManagedSshConfig;
}

/** An instance ready to log in to: the plan, and its Host entry as written. */
export interface ReadyConnection {
  account: CloudAccount;
  instance: CloudInstance;
  connection: Connection;
  host: ManagedHost;
  /** The SSH config file holding `host` (pass `-F` when it is not ssh's default). */
  configFile: string;
  usesDefaultConfig: boolean;
}

type InstanceTarget = { account: CloudAccount; instance: CloudInstance; keyPairs: KeyPair[] };

/** The instance a command was run on; a key pair item stands for its bound instance (asked when several). */
async function targetOf(s: ConnectServices, node: unknown): Promise<InstanceTarget | undefined> {
  const n = node as CloudKeysNode | undefined;
  if (n?.kind === 'instance') return n;
  if (n?.kind === 'keyPair') {
    const children = (await s.cloudKeys.getChildren(n)).filter((c): c is Extract<CloudKeysNode, { kind: 'instance' }> => c.kind === 'instance');
    if (children.length === 0) {
      void s.ui.showInformationMessage(
        vscode.l10n.t('{0} is bound to no instance that is listed: bind it first ("Bind to Instances").', shownText(n.keyPair.name)),
      );
      return undefined;
    }
    if (children.length === 1) return children[0];
    const picked = await s.ui.showQuickPick(
      children.map((c) => ({ label: shownInQuickPick(c.instance.name || c.instance.id), description: shownInQuickPick([c.instance.id, c.instance.state, c.instance.publicIps?.[0]].filter(Boolean).join(' · ')), c })),
      { title: vscode.l10n.t('Connect with {0}: which instance?', shownText(n.keyPair.name)), ignoreFocusOut: true },
    );
    return picked?.c;
  }
  void s.ui.showInformationMessage(vscode.l10n.t('Run this on an instance (or a bound key pair) in the Cloud Key Pairs view.'));
  return undefined;
}

/**
 * Resolves the instance, plans the login and writes its Host entry; undefined (after telling the
 * user why, with the fixes) when there is no way in.
 */
export async function prepareConnection(s: ConnectServices, node: unknown): Promise<ReadyConnection | undefined> {
  const target = await targetOf(s, node);
  if (!target) return undefined;
  const { account, instance } = target;
  const name = shownText(instance.name || instance.id);
  // Listed afresh: the entry must carry the address the cloud gives now (it changes on stop/start).
  const listed = await runCloudStep(s, vscode.l10n.t('Connect to {0}', name), () => s.cloudKeys.instances(account, instance.region, { fresh: true }), {
    progress: vscode.l10n.t('Looking up {0}…', name),
  });
  if (!listed.ok) return undefined;
  const current = listed.value.find((i) => i.id === instance.id);
  if (!current) {
    void s.ui.showWarningMessage(vscode.l10n.t('{0} ({1}) is no longer in {2} {3}: it may have been released. Refresh the view.', name, shownText(instance.id), account.descriptor.displayName, shownText(instance.region)));
    return undefined;
  }
  const keyPairs = await s.cloudKeys.keyPairsFor(account, current.region);
  const localKeys = localPrivateKeys((s.localKeys.lastScan ?? (await s.localKeys.currentScan())).pairs);
  let plan = s.sshConfig.plan(account, current, keyPairs, localKeys);
  if (!plan.ok && plan.reason === 'no-local-key') {
    const picked = await offerKeyFixes(s, account, current, plan.keyPairs);
    if (!picked) return undefined;
    plan = picked;
  }
  if (!plan.ok) {
    explainNoConnection(s, account, current, plan.reason);
    return undefined;
  }
  const scope = { cloud: account.sshConfigCloudId, region: current.region };
  const hostOf = (i: CloudInstance) => {
    const p = i.id === current.id ? plan : s.sshConfig.plan(account, i, keyPairs, localKeys);
    return p.ok ? p.host : undefined;
  };
  const written = s.sshConfig.update(scope, listed.value, hostOf, plan.host);
  if (!written?.ok) {
    const why = written && !written.ok ? written.problem.message : '';
    void s.ui.showErrorMessage(vscode.l10n.t('The SSH config {0} was not changed: {1}. Nothing was lost; fix the file (or choose another one in the setting cloudSshKeys.connect.sshConfigFile) and connect again.', s.sshConfig.file, shownText(why)));
    return undefined;
  }
  const rejected = written.rejected.find((r) => r.instanceId === current.id);
  const host = written.hosts.find((h) => h.instanceId === current.id);
  if (!host) {
    // The cloud's values did not pass the checks that keep config lines ours.
    void s.ui.showErrorMessage(vscode.l10n.t('{0} cannot be written to the SSH config: {1}', name, shownText(rejected?.reason ?? vscode.l10n.t('its entry was refused'))));
    return undefined;
  }
  const configFile = s.sshConfig.file;
  return { account, instance: current, connection: plan, host, configFile, usesDefaultConfig: isDefaultSshConfig(configFile) };
}

/** The ssh command line for a ready connection: `ssh <alias>`, with `-F` when the block is not in ssh's default file. */
export function sshArguments(ready: ReadyConnection): string[] {
  return [...(ready.usesDefaultConfig ? [] : ['-F', ready.configFile]), ready.host.alias];
}

/** ssh's own default: it finds ~ from the passwd entry, not $HOME, so a HOME of another folder still needs -F. */
function isDefaultSshConfig(file: string): boolean {
  return path.resolve(file) === path.join(os.userInfo().homedir, '.ssh', 'config');
}

function explainNoConnection(s: ConnectServices, account: CloudAccount, instance: CloudInstance, reason: 'windows' | 'no-key-pair' | 'no-address' | 'no-login-user' | 'no-local-key'): void {
  const name = shownText(instance.name || instance.id);
  const sentences: Record<typeof reason, string> = {
    windows: vscode.l10n.t('{0} runs Windows: SSH key pairs do not log in to Windows instances.', name),
    'no-key-pair': vscode.l10n.t('No key pair is bound to {0}, so no key logs in. Bind one of your keys to it ("Bind to Instances" on a key pair), then connect.', name),
    'no-address': vscode.l10n.t('{0} has no public or private IP address in {1}\'s listing (is it running?).', name, account.descriptor.displayName),
    'no-login-user': vscode.l10n.t('The login user of {0} is not known. Use "Change Login User" to set it.', name),
    'no-local-key': vscode.l10n.t('No local private key matches the key pair bound to {0}.', name),
  };
  void s.ui.showWarningMessage(sentences[reason]);
}

/**
 * No local private key holds the bound key pair: say so, and offer the fixes — pick the key file
 * (e.g. kept outside the SSH folders), or import a local key and bind it instead.
 */
async function offerKeyFixes(s: ConnectServices, account: CloudAccount, instance: CloudInstance, bound: KeyPair[]) {
  const name = shownText(instance.name || instance.id);
  const pick = vscode.l10n.t('Pick Key File…');
  const importKey = vscode.l10n.t('Import a Local Key…');
  const names = bound.map((k) => shownText(k.name)).join(', ') || shownText(instance.keyIds.join(', '));
  const choice = await s.ui.showWarningMessage(
    vscode.l10n.t('No private key in your SSH folders matches {0}, the key pair bound to {1}.', names, name),
    {
      modal: true,
      detail: vscode.l10n.t('Pick the private key file if you keep it elsewhere, or import one of your keys to {0} and bind it to {1} ("Bind to Instances"), then connect again.', account.descriptor.serviceName, name),
    },
    pick,
    importKey,
  );
  if (choice === importKey) {
    void vscode.commands.executeCommand(`cloudSshKeys.${account.descriptor.id}.importKeyPair`);
    return undefined;
  }
  if (choice !== pick) return undefined;
  const [uri] = (await s.ui.showOpenDialog({ title: vscode.l10n.t('The private key that opens {0}', name), canSelectMany: false, openLabel: vscode.l10n.t('Use This Key') })) ?? [];
  if (!uri) return undefined;
  const blob = privateKeyBlob(uri.fsPath);
  const match = bound.find((k) => k.blobBase64 && k.blobBase64 === blob);
  if (blob && !match) {
    void s.ui.showErrorMessage(vscode.l10n.t('{0} is not the private key of {1}: its public half differs, so the server would refuse it.', shownText(uri.fsPath), names));
    return undefined;
  }
  // An encrypted key without its .pub cannot be checked here: ssh will tell.
  const keyPair = match ?? bound[0];
  if (!keyPair?.blobBase64) return undefined;
  await s.sshConfig.rememberKeyFile(account, instance, { path: uri.fsPath, blobBase64: keyPair.blobBase64 });
  return s.sshConfig.plan(account, instance, [keyPair], []);
}

/** The public blob of a private key file (or of its .pub), when readable. */
function privateKeyBlob(file: string): string | undefined {
  for (const candidate of [file, `${file}.pub`]) {
    try {
      if (fs.statSync(candidate).size > MAX_KEY_FILE_BYTES) continue;
      const key = parseKeyText(fs.readFileSync(candidate, 'utf8'), 'auto').keys[0];
      if (key?.blobBase64) return key.blobBase64;
    } catch {
      // missing or unreadable: try the next
    }
  }
  return undefined;
}
