// Pieces the provider-neutral cloud flows share: the services they need, the region and
// key-name questions (with the cloud's own name rules), and the KeyId notification.
import * as vscode from 'vscode';
import type { CloudRegion } from '../cloud/provider';
import type { CloudAccount } from '../platform/cloud-account';
import type { Config } from '../platform/config';
import { shownInQuickPick } from '../platform/shown-text';
import type { UserInput } from '../platform/user-input';
import type { CloudKeysNode, CloudKeysProvider } from '../views/cloud-keys-view';
import type { LocalKeysProvider } from '../views/local-keys-view';

export interface CloudCommandServices {
  /** Every question and notification (tests answer them: test/integration/test-user-input.ts). */
  ui: UserInput;
  config: Config;
  localKeys: LocalKeysProvider;
  cloudKeys: CloudKeysProvider;
  log: vscode.LogOutputChannel;
}

/** Why the cloud would refuse `name`, in the user's language; undefined when it is fine. */
export function keyNameMessage(account: CloudAccount, name: string): string | undefined {
  const problem = account.descriptor.keyNameProblem(name);
  return problem ? vscode.l10n.t(problem.template, ...problem.args) : undefined;
}

/** The regions to pick from: the account's regions, else the ones the descriptor knows. */
export async function regionChoices(account: CloudAccount, signal?: AbortSignal): Promise<CloudRegion[]> {
  try {
    return await account.regions(signal);
  } catch {
    return account.descriptor.knownRegions.map((id) => ({ id, name: id, available: true }));
  }
}

/** Asks for one or several regions; the default region comes first and is preselected. */
export async function pickRegions(ui: UserInput, account: CloudAccount, title: string, many: boolean): Promise<string[] | undefined> {
  const regions = await regionChoices(account);
  const preferred = account.defaultRegion;
  // The labels show the cloud's region list escaped; `id` is what is sent.
  const items = regions
    .map((r) => ({ label: shownInQuickPick(r.id), description: r.name !== r.id ? shownInQuickPick(r.name) : undefined, picked: r.id === preferred, id: r.id }))
    .sort((a, b) => Number(b.picked) - Number(a.picked));
  if (many) {
    const picked = await ui.showQuickPick(items, {
      title,
      canPickMany: true,
      placeHolder: vscode.l10n.t('Select the regions (Space toggles, Enter accepts)'),
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    return picked && picked.length > 0 ? picked.map((p) => p.id) : undefined;
  }
  const picked = await ui.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Select a region'), matchOnDescription: true, ignoreFocusOut: true });
  return picked ? [picked.id] : undefined;
}

/** Asks for a key pair name, validated as the user types with the cloud's rules (and `extra`). */
export async function askKeyName(
  ui: UserInput,
  account: CloudAccount,
  title: string,
  value: string,
  extra: (name: string) => string | undefined = () => undefined,
): Promise<string | undefined> {
  const name = await ui.showInputBox({
    title,
    value,
    prompt: account.descriptor.keyNameHint
      ? vscode.l10n.t(account.descriptor.keyNameHint)
      : vscode.l10n.t('Letters, digits and underscores, at most {0} characters.', account.descriptor.keyNameMaxLength),
    validateInput: (v) => keyNameMessage(account, v.trim()) ?? extra(v.trim()),
    ignoreFocusOut: true,
  });
  return name?.trim();
}

/**
 * A check for the name box: refuses a name that a key pair holding another key already has in one of
 * `regions`, as the view last listed them (no request; a region not listed yet is left to the cloud,
 * whose refusal offers another name).
 * `blobBase64`: the key being imported (the same key under that name is fine); `except`: the key pair being renamed.
 */
export function takenNameCheck(
  s: CloudCommandServices,
  account: CloudAccount,
  regions: readonly string[],
  { blobBase64, except }: { blobBase64?: string; except?: string } = {},
): (name: string) => string | undefined {
  const listed = regions.map((region) => ({ region, keyPairs: s.cloudKeys.listedKeyPairs(account, region) ?? [] }));
  return (name) => {
    const taken = listed.filter(({ keyPairs }) => keyPairs.some((k) => k.name === name && k.id !== except && (!blobBase64 || k.blobBase64 !== blobBase64))).map((l) => l.region);
    if (taken.length === 0) return undefined;
    return account.accountWide
      ? vscode.l10n.t('A key pair named "{0}" already exists in {1}; choose another name.', name, account.descriptor.displayName)
      : vscode.l10n.t('A key pair named "{0}" already exists in {1}; choose another name.', name, taken.join(', '));
  };
}

/** "… KeyId skey-…" with a "Copy KeyId" action. */
export function notifyKeyId(ui: UserInput, account: CloudAccount, message: string, keyId: string): void {
  const copy = vscode.l10n.t('Copy {0}', account.descriptor.keyIdLabel);
  void ui.showInformationMessage(message, copy).then((choice) => (choice === copy ? vscode.env.clipboard.writeText(keyId) : undefined));
}

/** The key pair node a view action was run on; the palette has no item, so say where to run it. */
export function keyPairNode(ui: UserInput, node: unknown): Extract<CloudKeysNode, { kind: 'keyPair' }> | undefined {
  const n = node as CloudKeysNode | undefined;
  if (n && n.kind === 'keyPair') return n;
  void ui.showInformationMessage(vscode.l10n.t('Run this on a key pair in the Cloud Key Pairs view.'));
  return undefined;
}
