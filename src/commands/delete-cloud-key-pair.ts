// Delete a cloud key pair, after a modal confirmation. A bound key pair cannot be deleted: say why.
import * as vscode from 'vscode';
import { shownText } from '../platform/shown-text';
import { bindCloudKeyPair } from './bind-cloud-key-pair';
import { type CloudCommandServices, keyPairNode } from './cloud-common';
import { deleteCloudKeyPairs, selectedKeyPairs } from './delete-cloud-key-pairs';
import { runCloudStep } from './run-cloud-step';

/** `selected`: the view's selection (VS Code passes (item, selectedItems)); several key pairs are deleted together. */
export async function deleteCloudKeyPair(s: CloudCommandServices, node: unknown, selected?: unknown): Promise<boolean> {
  const many = selectedKeyPairs(node, selected);
  if (many.length > 1) {
    // True when none of them is left (already gone counts, as for one key pair below).
    const outcome = await deleteCloudKeyPairs(s, many);
    return outcome !== undefined && outcome.deleted.length + outcome.missing.length === many.length;
  }
  const n = keyPairNode(s.ui, node);
  if (!n) return false;
  const { keyPair, account } = n;
  const { displayName } = account.descriptor;
  // The cloud's names and ids as messages show them.
  const [name, id, region] = [keyPair.name, keyPair.id, keyPair.region].map(shownText);
  const title = vscode.l10n.t('Delete {0}', name);
  const unbind = vscode.l10n.t('Unbind from Instances…');
  const explainBound = (instances: string[]) =>
    s.ui.showWarningMessage(
      vscode.l10n.t(
        '{0} ({1}) cannot be deleted: it is bound to {2}. {3} does not delete a key pair in use; unbind it first ("Unbind from Instances").',
        name,
        id,
        instances.length ? shownText(instances.join(', ')) : vscode.l10n.t('an instance or image'),
        displayName,
      ),
      unbind,
    );
  if (keyPair.associatedInstanceIds.length > 0) {
    // Offer the way out right there: unbind, then (if nothing is bound any more) delete.
    if ((await explainBound(keyPair.associatedInstanceIds)) !== unbind || !(await bindCloudKeyPair(s, n, false))) return false;
    const listed = await runCloudStep(s, title, async (signal) => (await account.provider()).listKeyPairs({ region: keyPair.region }, { signal }));
    const now = listed.ok ? listed.value.find((k) => k.id === keyPair.id) : undefined;
    if (!now) return false;
    if (now.associatedInstanceIds.length > 0) {
      void explainBound(now.associatedInstanceIds);
      return false;
    }
  }
  const del = vscode.l10n.t('Delete');
  const choice = await s.ui.showWarningMessage(
    vscode.l10n.t('Delete the key pair {0} ({1}) from {2} {3}?', name, id, displayName, region),
    { modal: true, detail: vscode.l10n.t('Your local key files are not touched.') },
    del,
  );
  if (choice !== del) return false;
  const step = await runCloudStep(s, title, async (signal) => (await account.provider()).deleteKeyPairs({ region: keyPair.region, ids: [keyPair.id] }, { signal }));
  await s.cloudKeys.refreshRegions(account, [keyPair.region]); // the view shows it before the command ends
  if (!step.ok) return false;
  if (step.value.inUse.includes(keyPair.id)) {
    void explainBound([]);
    return false;
  }
  // Gone before the call (deleted elsewhere): nothing to delete; the refreshed list no longer shows it.
  if (step.value.missing.includes(keyPair.id)) {
    s.log.info(`${id} was no longer in ${displayName} ${region}: nothing to delete`);
    void s.ui.showInformationMessage(vscode.l10n.t('The key pair {0} ({1}) is no longer in {2} {3}: it was already deleted.', name, id, displayName, region));
    return true;
  }
  s.log.info(`Deleted ${id} from ${displayName} ${region}`);
  void s.ui.showInformationMessage(vscode.l10n.t('Deleted the key pair {0} ({1}) from {2} {3}.', name, id, displayName, region));
  return true;
}
