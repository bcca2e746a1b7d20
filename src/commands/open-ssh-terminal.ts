// Open SSH Terminal: an integrated terminal running `ssh <alias>` against the managed Host entry.
// A passphrase-protected key is fine: ssh asks in the terminal, or the agent has it.
import * as vscode from 'vscode';
import { shownText } from '../platform/shown-text';
import { walkthroughStepDone } from '../platform/walkthrough';
import { type ConnectServices, type ReadyConnection, prepareConnection, sshArguments } from './instance-connection';

export async function openSshTerminal(s: ConnectServices, node: unknown): Promise<vscode.Terminal | undefined> {
  const ready = await prepareConnection(s, node);
  return ready ? openTerminalFor(s, ready) : undefined;
}

export function openTerminalFor(s: ConnectServices, ready: ReadyConnection): vscode.Terminal {
  const terminal = vscode.window.createTerminal({
    name: `SSH ${ready.host.alias}`,
    shellPath: 'ssh',
    shellArgs: sshArguments(ready),
    iconPath: new vscode.ThemeIcon('vm-connect'),
  });
  terminal.show();
  walkthroughStepDone('connected');
  s.log.info(shownText(`Opened an SSH terminal to ${ready.host.alias} (${ready.host.user}@${ready.host.hostName}:${ready.host.port}, ${ready.host.identityFile})`));
  return terminal;
}
