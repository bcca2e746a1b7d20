// Rename / Edit Description of a cloud key pair (ModifyKeyPairAttribute on Tencent).
import * as vscode from 'vscode';
import { shownText } from '../platform/shown-text';
import { type CloudCommandServices, askKeyName, keyPairNode, takenNameCheck } from './cloud-common';
import { runCloudStep } from './run-cloud-step';

export async function renameCloudKeyPair(s: CloudCommandServices, node: unknown): Promise<boolean> {
  const n = keyPairNode(s.ui, node);
  if (!n) return false;
  const title = vscode.l10n.t('Rename {0}', shownText(n.keyPair.name));
  // A cloud that cannot rename (the menus hide it; the palette does not): its provider says why, before any question.
  if (!n.account.descriptor.capabilities.rename) return modify(s, n, title, { name: n.keyPair.name });
  // The box refuses what the cloud's rules refuse, as the user types.
  const taken = takenNameCheck(s, n.account, [n.keyPair.region], { except: n.keyPair.id });
  const name = await askKeyName(s.ui, n.account, title, n.keyPair.name, (v) => (v === n.keyPair.name ? vscode.l10n.t('Enter a new name.') : taken(v)));
  if (name === undefined || name === n.keyPair.name) return false;
  return modify(s, n, title, { name });
}

export async function editCloudKeyPairDescription(s: CloudCommandServices, node: unknown): Promise<boolean> {
  const n = keyPairNode(s.ui, node);
  if (!n) return false;
  const max = n.account.descriptor.descriptionMaxLength;
  const title = vscode.l10n.t('Edit the description of {0}', shownText(n.keyPair.name));
  if (!n.account.descriptor.capabilities.editDescription) return modify(s, n, title, { description: n.keyPair.description });
  const description = await s.ui.showInputBox({
    title,
    value: n.keyPair.description,
    prompt: vscode.l10n.t('At most {0} characters.', max),
    validateInput: (v) => (v.length > max ? vscode.l10n.t('At most {0} characters ({1} now).', max, v.length) : undefined),
    ignoreFocusOut: true,
  });
  if (description === undefined || description === n.keyPair.description) return false;
  return modify(s, n, title, { description });
}

async function modify(
  s: CloudCommandServices,
  n: NonNullable<ReturnType<typeof keyPairNode>>,
  title: string,
  change: { name?: string; description?: string },
): Promise<boolean> {
  const step = await runCloudStep(s, title, async (signal) =>
    (await n.account.provider()).modifyKeyPair({ region: n.keyPair.region, id: n.keyPair.id, ...change }, { signal }),
  );
  if (!step.ok) return false;
  s.log.info(shownText(`Modified ${n.keyPair.id} in ${n.keyPair.region}: ${Object.keys(change).join(', ')}`));
  s.cloudKeys.refresh();
  return true;
}
