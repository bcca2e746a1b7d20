// Connect: on an instance (or a key pair bound to one), write its Host entry and offer the ways in —
// an SSH terminal, a Remote-SSH window, the ssh command — and the login user, which the user can
// change per instance (remembered).
import * as vscode from 'vscode';
import { isSafeUserName } from '../keys/ssh-config';
import { shownInQuickPick, shownText } from '../platform/shown-text';
import { walkthroughStepDone } from '../platform/walkthrough';
import { copyCommandFor } from './copy-ssh-command';
import { type ConnectServices, type ReadyConnection, prepareConnection } from './instance-connection';
import { openWindowFor, remoteSshExtension } from './open-remote-ssh-window';
import { openTerminalFor } from './open-ssh-terminal';

type Way = 'terminal' | 'window' | 'copy' | 'user';

export async function connectToInstance(s: ConnectServices, node: unknown): Promise<ReadyConnection | undefined> {
  let ready = await prepareConnection(s, node);
  while (ready) {
    const { host, instance, connection } = ready;
    const userNote =
      connection.userSource === 'image-default'
        ? vscode.l10n.t("{0} (the image's documented default)", host.user)
        : connection.userSource === 'override'
          ? vscode.l10n.t('{0} (your choice)', host.user)
          : host.user;
    const items: Array<vscode.QuickPickItem & { way: Way }> = [
      { label: `$(terminal) ${vscode.l10n.t('Open SSH Terminal')}`, description: `ssh ${host.alias}`, way: 'terminal' },
      ...(remoteSshExtension() ? [{ label: `$(remote) ${vscode.l10n.t('Open in Remote-SSH Window')}`, description: `ssh-remote+${host.alias}`, way: 'window' as const }] : []),
      { label: `$(copy) ${vscode.l10n.t('Copy SSH Command')}`, way: 'copy' },
      { label: `$(person) ${vscode.l10n.t('Change Login User…')}`, description: shownInQuickPick(userNote), way: 'user' },
    ];
    const picked = await s.ui.showQuickPick(items, {
      title: vscode.l10n.t('Connect to {0}', shownText(instance.name || instance.id)),
      placeHolder: shownInQuickPick(`${host.user}@${host.hostName}${host.port !== 22 ? `:${host.port}` : ''} · ${connection.identityFile}`),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.way === 'terminal') openTerminalFor(s, ready);
    else if (picked.way === 'window') await openWindowFor(s, ready);
    else if (picked.way === 'copy') await copyCommandFor(s, ready);
    else {
      if (!(await changeLoginUser(s, ready))) continue;
      ready = await prepareConnection(s, node); // the entry is rewritten with the new user
      continue;
    }
    walkthroughStepDone('connected');
    return ready;
  }
  return undefined;
}

/** Asks for the login user of this instance (empty: back to what the cloud says); remembered. */
export async function changeLoginUser(s: ConnectServices, ready: ReadyConnection): Promise<boolean> {
  const user = await s.ui.showInputBox({
    title: vscode.l10n.t('Login user for {0}', shownText(ready.instance.name || ready.instance.id)),
    value: ready.host.user,
    prompt: vscode.l10n.t('Leave empty to use what {0} says ({1}).', ready.account.descriptor.displayName, ready.account.descriptor.defaultLoginUser(ready.instance) ?? '—'),
    validateInput: (v) => (v.trim() === '' || isSafeUserName(v.trim()) ? undefined : vscode.l10n.t('A user name: letters, digits, "_", "." and "-", starting with a letter or "_".')),
    ignoreFocusOut: true,
  });
  if (user === undefined) return false;
  await s.sshConfig.rememberLoginUser(ready.account, ready.instance, user.trim() || undefined);
  return true;
}
