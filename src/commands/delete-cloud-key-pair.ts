// Delete a cloud key pair, after a modal confirmation. A bound key pair cannot be deleted: say why.
import * as vscode from 'vscode';
import { shownText } from '../platform/shown-text';
import { bindCloudKeyPair } from './bind-cloud-key-pair';
import { type CloudCommandServices, keyPairNode } from './cloud-common';
import { runCloudStep } from './run-cloud-step';

export async function deleteCloudKeyPair(s: CloudCommandServices, node: unknown): Promise<boolean> {
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
  s.cloudKeys.refresh();
  if (!step.ok) return false;
  if (step.value.inUse.includes(keyPair.id)) {
    void explainBound([]);
    return false;
  }
  s.log.info(`Deleted ${id} from ${displayName} ${region}`);
  void s.ui.showInformationMessage(vscode.l10n.t('Deleted the key pair {0} ({1}) from {2} {3}.', name, id, displayName, region));
  return true;
}
