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
  // Only what the API would accept can be picked: no Windows instance, no state it refuses.
  const states = account.descriptor.bindableInstanceStates;
  const windows = candidates.filter((i) => i.platform === 'windows');
  const otherState = candidates.filter((i) => i.platform !== 'windows' && !states.includes(i.state));
  const offered = candidates.filter((i) => i.platform !== 'windows' && states.includes(i.state));
  const notShown = [
    windows.length ? vscode.l10n.t('Windows instances (SSH key pairs are for Linux): {0}', shownList(windows.map((i) => i.name || i.id))) : undefined,
    otherState.length ? vscode.l10n.t('instances in a state {0} refuses ({1}): {2}', account.descriptor.serviceName, states.join(', '), shownList(otherState.map((i) => `${i.name || i.id} ${i.state}`))) : undefined,
  ].filter(Boolean);
  if (offered.length === 0) {
    void s.ui.showInformationMessage(vscode.l10n.t('No instance in {0} can take {1} now: {2}.', region, name, notShown.join('; ')));
    return false;
  }
  const picked = await s.ui.showQuickPick(
    offered.map((i) => ({
      label: shownInQuickPick(i.name || i.id),
      description: shownInQuickPick([i.id, i.state, i.publicIps?.[0] ?? i.privateIps?.[0], i.osName].filter(Boolean).join(' · ')),
      instance: i,
    })),
    {
      title,
      canPickMany: true,
      ignoreFocusOut: true,
      placeHolder: notShown.length ? vscode.l10n.t('Select the instances (not offered: {0})', notShown.join('; ')) : vscode.l10n.t('Select the instances'),
    },
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
        'These instances are running: {0}. {1} changes key pairs only on stopped instances: it shuts them down first (a forced shutdown, which may lose unsaved data), changes the key pair and starts them again. Continue?',
        shownList(running.map((i) => i.name || i.id)),
        account.descriptor.serviceName,
      ),
      { modal: true, detail: bind && account.descriptor.bindNote ? vscode.l10n.t(account.descriptor.bindNote) : undefined },
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
  const note = bind && account.descriptor.bindNote ? ` ${vscode.l10n.t(account.descriptor.bindNote)}` : '';
  const done = bind ? vscode.l10n.t('Bound {0} to {1}.', name, shownList(ids)) + note : vscode.l10n.t('Unbound {0} from {1}.', name, shownList(ids));
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
