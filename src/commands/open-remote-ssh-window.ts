// Open in Remote-SSH Window: a new VS Code window on the instance, through Microsoft's Remote - SSH
// (or Open Remote - SSH in VSCodium and code-server), using the managed Host entry's alias.
import * as vscode from 'vscode';
import { type ConnectServices, type ReadyConnection, prepareConnection } from './instance-connection';
import { walkthroughStepDone } from '../platform/walkthrough';

/** The Remote-SSH extensions that open `ssh-remote+<host>` windows. */
export const REMOTE_SSH_EXTENSIONS = ['ms-vscode-remote.remote-ssh', 'jeanp413.open-remote-ssh'] as const;

export function remoteSshExtension(): vscode.Extension<unknown> | undefined {
  for (const id of REMOTE_SSH_EXTENSIONS) {
    const extension = vscode.extensions.getExtension(id);
    if (extension) return extension;
  }
  return undefined;
}

export async function openRemoteSshWindow(s: ConnectServices, node: unknown): Promise<boolean> {
  if (!remoteSshExtension()) {
    const install = vscode.l10n.t('Show Remote - SSH');
    const choice = await s.ui.showInformationMessage(
      vscode.l10n.t('Opening a window on the instance needs a Remote-SSH extension (Remote - SSH, or Open Remote - SSH in VSCodium and code-server). Open SSH Terminal works without it.'),
      install,
    );
    if (choice === install) void vscode.commands.executeCommand('workbench.extensions.search', REMOTE_SSH_EXTENSIONS.join(' '));
    return false;
  }
  const ready = await prepareConnection(s, node);
  return ready ? openWindowFor(s, ready) : false;
}

export async function openWindowFor(s: ConnectServices, ready: ReadyConnection): Promise<boolean> {
  if (!ready.usesDefaultConfig) {
    // Remote-SSH reads its own setting for the config file; say so rather than fail mysteriously.
    void s.ui.showInformationMessage(
      vscode.l10n.t('The Host entry {0} is in {1}: set Remote-SSH\'s "remote.SSH.configFile" to that file if the window cannot find the host.', ready.host.alias, ready.configFile),
    );
  }
  await vscode.commands.executeCommand('vscode.newWindow', { remoteAuthority: `ssh-remote+${ready.host.alias}`, reuseWindow: false });
  s.log.info(`Opened a Remote-SSH window on ${ready.host.alias}`);
  walkthroughStepDone('connected');
  return true;
}
