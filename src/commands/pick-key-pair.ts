import * as vscode from 'vscode';
import type { LocalKeyPair } from '../keys/scan';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysNode, LocalKeysProvider } from '../views/local-keys-view';
import { displayKeyType, importedSummary } from '../keys/key-labels';

/** Where a key (by blob) is already imported, as the Cloud Key Pairs view last listed it (one entry per region). */
export type ImportedLocations = (blobBase64: string | undefined) => ReadonlyArray<{ provider: string }>;

/**
 * The pair a command acts on: the tree item it was invoked on, else one the user picks. With
 * `imported`, each key in the picker says where it is already imported ("in Tencent Cloud ×2").
 */
export async function pairFromArgument(
  ui: UserInput,
  provider: LocalKeysProvider,
  node: LocalKeysNode | undefined,
  filter: (pair: LocalKeyPair) => boolean = () => true,
  placeHolder = vscode.l10n.t('Select a key pair'),
  imported?: ImportedLocations,
): Promise<LocalKeyPair | undefined> {
  if (node && (node.kind === 'pair' || node.kind === 'file')) return node.pair;
  const result = await provider.currentScan();
  const candidates = result.pairs.filter(filter);
  if (candidates.length === 0) {
    void ui.showInformationMessage(vscode.l10n.t('No suitable key pair in {0}.', result.directories.join(', ') || '~/.ssh'));
    return undefined;
  }
  const picked = await ui.showQuickPick(
    candidates.map((pair) => {
      const places = imported?.(pair.facts.blobBase64) ?? [];
      return {
        label: pair.name,
        description: [displayKeyType(pair.facts), pair.facts.sha256, pair.facts.comment, places.length ? vscode.l10n.t('in {0}', importedSummary(places)) : undefined].filter(Boolean).join(' · '),
        detail: pair.directory,
        pair,
      };
    }),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.pair;
}
