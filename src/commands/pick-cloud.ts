// Which cloud a cloud-wide command is for: the cloud node it was run on, else a quick pick of the
// clouds (signed-in ones first), as the Cloud Key Pairs title bar's "+" asks.
import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloud-account';
import type { UserInput } from '../platform/user-input';

/** The account of a Cloud Key Pairs node (a cloud, region or key pair node), if `node` is one of ours. */
export function accountOfNode(accounts: readonly CloudAccount[], node: unknown): CloudAccount | undefined {
  const account = typeof node === 'object' && node !== null ? (node as { account?: unknown }).account : undefined;
  return accounts.find((a) => a === account);
}

export async function pickCloud(ui: UserInput, accounts: readonly CloudAccount[], title: string, placeHolder = vscode.l10n.t('Select a cloud')): Promise<CloudAccount | undefined> {
  const signedIn = await Promise.all(accounts.map(async (a) => (await a.credentials().catch(() => undefined)) !== undefined));
  const items = accounts
    .map((account, i) => ({
      // Several accounts of a cloud: each by its name ("Tencent CVM (profile work)").
      label: account.label ? `${account.descriptor.serviceName} (${account.label})` : account.descriptor.serviceName,
      description: signedIn[i] ? vscode.l10n.t('signed in') : vscode.l10n.t('not signed in'),
      account,
      signedIn: signedIn[i],
    }))
    .sort((a, b) => Number(b.signedIn) - Number(a.signedIn));
  const picked = await ui.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked?.account;
}
