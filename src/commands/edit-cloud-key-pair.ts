// Rename / Edit Description of a cloud key pair (ModifyKeyPairAttribute on Tencent).
import * as vscode from 'vscode';
import { abortSignalFor, showCloudError } from '../platform/cloud-errors';
import { shownText } from '../platform/shown-text';
import { type CloudCommandServices, askKeyName, keyNameMessage, keyPairNode } from './cloud-common';

export async function renameCloudKeyPair(s: CloudCommandServices, node: unknown, preset?: { name?: string }): Promise<boolean> {
  const n = keyPairNode(node);
  if (!n) return false;
  const title = vscode.l10n.t('Rename {0}', shownText(n.keyPair.name));
  const name = preset?.name ?? (await askKeyName(n.account, title, n.keyPair.name, (v) => (v === n.keyPair.name ? vscode.l10n.t('Enter a new name.') : undefined)));
  if (name === undefined || name === n.keyPair.name) return false;
  const problem = keyNameMessage(n.account, name);
  if (problem) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', title, problem));
    return false;
  }
  return modify(s, n, title, { name });
}

export async function editCloudKeyPairDescription(s: CloudCommandServices, node: unknown, preset?: { description?: string }): Promise<boolean> {
  const n = keyPairNode(node);
  if (!n) return false;
  const max = n.account.descriptor.descriptionMaxLength;
  const title = vscode.l10n.t('Edit the description of {0}', shownText(n.keyPair.name));
  const description =
    preset?.description ??
    (await vscode.window.showInputBox({
      title,
      value: n.keyPair.description,
      prompt: vscode.l10n.t('At most {0} characters.', max),
      validateInput: (v) => (v.length > max ? vscode.l10n.t('At most {0} characters ({1} now).', max, v.length) : undefined),
      ignoreFocusOut: true,
    }));
  if (description === undefined || description === n.keyPair.description) return false;
  if (description.length > max) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', title, vscode.l10n.t('At most {0} characters ({1} now).', max, description.length)));
    return false;
  }
  return modify(s, n, title, { description });
}

async function modify(
  s: CloudCommandServices,
  n: NonNullable<ReturnType<typeof keyPairNode>>,
  title: string,
  change: { name?: string; description?: string },
): Promise<boolean> {
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      const abort = abortSignalFor(token);
      try {
        const provider = await n.account.provider();
        await provider.modifyKeyPair({ region: n.keyPair.region, id: n.keyPair.id, ...change }, { signal: abort.signal });
      } finally {
        abort.dispose();
      }
    });
  } catch (error) {
    showCloudError(s.log, title, error);
    return false;
  }
  s.log.info(shownText(`Modified ${n.keyPair.id} in ${n.keyPair.region}: ${Object.keys(change).join(', ')}`));
  s.cloudKeys.refresh();
  return true;
}
