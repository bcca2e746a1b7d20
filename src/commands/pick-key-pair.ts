import * as vscode from 'vscode';
import type { LocalKeyPair } from '../keys/scan';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { displayKeyType } from '../keys/key-labels';

/** The pair a command acts on: the tree item it was invoked on, else one the user picks. */
export async function pairFromArgument(
  ui: UserInput,
  provider: LocalKeysProvider,
  node: LocalKeysNode | undefined,
  filter: (pair: LocalKeyPair) => boolean = () => true,
  placeHolder = vscode.l10n.t('Select a key pair'),
): Promise<LocalKeyPair | undefined> {
  if (node && (node.kind === 'pair' || node.kind === 'file')) return node.pair;
  const result = await provider.currentScan();
  const candidates = result.pairs.filter(filter);
  if (candidates.length === 0) {
    void ui.showInformationMessage(vscode.l10n.t('No suitable key pair in {0}.', result.directories.join(', ') || '~/.ssh'));
    return undefined;
  }
  const picked = await ui.showQuickPick(
    candidates.map((pair) => ({
      label: pair.name,
      description: [displayKeyType(pair.facts), pair.facts.sha256, pair.facts.comment].filter(Boolean).join(' · '),
      detail: pair.directory,
      pair,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.pair;
}
