// Bind to Instances / Unbind: pick instances of the key pair's region; a running instance needs
// a forced shutdown, which is asked for, never assumed.
import * as vscode from 'vscode';
import type { CloudInstance, KeyPairBindingResult } from '../cloud/provider';
import { shownInQuickPick, shownText } from '../platform/shown-text';
import { type CloudCommandServices, keyPairNode, pickRegions } from './cloud-common';
import { runCloudStep } from './run-cloud-step';

export async function bindCloudKeyPair(s: CloudCommandServices, node: unknown, bind: boolean): Promise<boolean> {
  const n = keyPairNode(s.ui, node);
  if (!n) return false;
  const { keyPair, account } = n;
  // An account-wide key pair binds to instances of any region: ask which (a regional one, its own).
  const instanceRegion = account.accountWide
    ? (await pickRegions(s.ui, account, bind ? vscode.l10n.t('Bind {0}: region of the instances', shownText(keyPair.name)) : vscode.l10n.t('Unbind {0}: region of the instances', shownText(keyPair.name)), false))?.[0]
    : keyPair.region;
  if (!instanceRegion) return false;
  // The cloud's names and ids as messages show them.
  const [name, region] = [keyPair.name, instanceRegion].map(shownText);
  const shownList = (items: string[]) => shownText(items.join(', '));
  const title = bind ? vscode.l10n.t('Bind {0} to instances', name) : vscode.l10n.t('Unbind {0} from instances', name);
  const listed = await runCloudStep(
    s,
    title,
    async (signal) => (await account.provider()).listInstances({ region: instanceRegion, ids: bind ? undefined : keyPair.associatedInstanceIds }, { signal }),
    { progress: vscode.l10n.t('Listing the instances of {0}…', region) },
  );
  if (!listed.ok) return false;
  const instances = listed.value;
  const candidates = instances.filter((i) => (bind ? !i.keyIds.includes(keyPair.id) : i.keyIds.includes(keyPair.id) || keyPair.associatedInstanceIds.includes(i.id)));
  if (candidates.length === 0) {
    void s.ui.showInformationMessage(
      bind ? vscode.l10n.t('No instance in {0} to bind {1} to.', region, name) : vscode.l10n.t('{0} is bound to no instance.', name),
    );
    return false;
  }
  const picked = await s.ui.showQuickPick(
    candidates.map((i) => ({
      label: shownInQuickPick(i.name || i.id),
      description: shownInQuickPick([i.id, i.state, i.osName].filter(Boolean).join(' · ')),
      detail: i.platform === 'windows' ? vscode.l10n.t('Windows instances cannot use SSH key pairs.') : undefined,
      instance: i,
    })),
    { title, canPickMany: true, ignoreFocusOut: true, placeHolder: vscode.l10n.t('Select the instances') },
  );
  if (!picked?.length) return false;
  const chosen: CloudInstance[] = picked.map((p) => p.instance);
  const running = chosen.filter((i) => i.state === 'RUNNING');
  // Only a cloud that needs the instance stopped asks (ECS changes a running instance's key).
  const forceStop = running.length > 0 && account.descriptor.capabilities.bindStopsRunningInstances;
  if (forceStop) {
    const stop = vscode.l10n.t('Shut Down and Continue');
    const choice = await s.ui.showWarningMessage(
      vscode.l10n.t(
        'These instances are running: {0}. The cloud changes key pairs only on stopped instances; it can shut them down (ForceStop, which may lose unsaved data) and you then start them again. Continue?',
        shownList(running.map((i) => i.name || i.id)),
      ),
      { modal: true },
      stop,
    );
    if (choice !== stop) return false;
  }
  const ids = chosen.map((i) => i.id);
  const step = await runCloudStep(s, title, async (signal) => {
    const provider = await account.provider();
    const request = { region: instanceRegion, keyIds: [keyPair.id], instanceIds: ids, forceStop };
    return bind ? provider.associateKeyPairs(request, { signal }) : provider.disassociateKeyPairs(request, { signal });
  });
  if (!step.ok) return false;
  const result: KeyPairBindingResult | void = step.value;
  s.log.info(shownText(`${bind ? 'Bound' : 'Unbound'} ${keyPair.id} ${bind ? 'to' : 'from'} ${ids.join(', ')} (ForceStop ${forceStop})`));
  const done = bind ? vscode.l10n.t('Bound {0} to {1}.', name, shownList(ids)) : vscode.l10n.t('Unbound {0} from {1}.', name, shownList(ids));
  // Clouds that change the key on running instances (Alibaba ECS) apply it at their next restart: say which.
  const restart = result?.restartRequired ?? [];
  if (restart.length > 0) {
    s.log.info(`Restart needed for the change to take effect: ${shownList(restart)}`);
    void s.ui.showWarningMessage(
      `${done} ${vscode.l10n.t('It takes effect after these instances restart: {0}. Restart them from the cloud console when convenient.', shownList(restart))}`,
    );
  } else {
    void s.ui.showInformationMessage(done);
  }
  s.cloudKeys.refresh();
  return true;
}
