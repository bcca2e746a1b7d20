// Delete several cloud key pairs selected together in the Cloud Key Pairs view: one confirmation
// naming the count, then one DeleteKeyPairs per region (at most 100 ids each), and one summary.
import * as vscode from 'vscode';
import type { CloudAccount } from '../platform/cloud-account';
import { shownText } from '../platform/shown-text';
import type { CloudKeysNode } from '../views/cloud-keys-view';
import type { CloudCommandServices } from './cloud-common';
import { runCloudStep } from './run-cloud-step';

type KeyPairNode = Extract<CloudKeysNode, { kind: 'keyPair' }>;

/** DeleteKeyPairs takes at most 100 ids (CVM KeyIds, ECS KeyPairNames) per call. */
const IDS_PER_CALL = 100;

const isKeyPairNode = (n: unknown): n is KeyPairNode =>
  typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'keyPair' && typeof (n as KeyPairNode).keyPair?.id === 'string';

/**
 * The key pairs a delete applies to: the selection when the clicked item is part of it (VS Code
 * passes (item, selectedItems)), else the item alone; each once.
 */
export function selectedKeyPairs(node: unknown, selected: unknown): KeyPairNode[] {
  const all = Array.isArray(selected) && selected.includes(node) ? selected : [node];
  const seen = new Set<string>();
  return all.filter(isKeyPairNode).filter((n) => {
    const key = `${n.account.descriptor.id}\n${n.keyPair.region}\n${n.keyPair.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface DeleteManyOutcome {
  deleted: string[];
  /** Bound to an instance (before or as the cloud said): kept. */
  kept: string[];
  /** No longer in the cloud when the call was made (deleted elsewhere): nothing to delete. */
  missing: string[];
  /** Regions whose call failed (the error was shown). */
  failed: string[];
}

/** Deletes `nodes` (key pairs of any clouds and regions) after one modal confirmation. */
export async function deleteCloudKeyPairs(s: CloudCommandServices, nodes: readonly KeyPairNode[]): Promise<DeleteManyOutcome | undefined> {
  const bound = nodes.filter((n) => n.keyPair.associatedInstanceIds.length > 0);
  const free = nodes.filter((n) => n.keyPair.associatedInstanceIds.length === 0);
  const names = (list: readonly KeyPairNode[]) => shownText(list.map((n) => n.keyPair.name || n.keyPair.id).join(', '));
  if (!free.length) {
    void s.ui.showWarningMessage(vscode.l10n.t('None of the {0} selected key pairs can be deleted: they are bound to instances ({1}). Unbind them first.', nodes.length, names(bound)));
    return undefined;
  }
  // Grouped by cloud and region: one call per region.
  const groups = new Map<string, { account: CloudAccount; region: string; nodes: KeyPairNode[] }>();
  for (const n of free) {
    const key = `${n.account.descriptor.id}\n${n.keyPair.region}`;
    const group = groups.get(key) ?? { account: n.account, region: n.keyPair.region, nodes: [] };
    group.nodes.push(n);
    groups.set(key, group);
  }
  const where = [...groups.values()].map((g) => `${g.account.descriptor.displayName} ${shownText(g.region)} (${g.nodes.length})`).join(', ');
  const del = vscode.l10n.t('Delete');
  const detail = [
    names(free.slice(0, 20)) + (free.length > 20 ? ` … (+${free.length - 20})` : ''),
    bound.length ? vscode.l10n.t('Kept, as they are bound to instances: {0}.', names(bound)) : undefined,
    vscode.l10n.t('Your local key files are not touched.'),
  ]
    .filter(Boolean)
    .join('\n\n');
  const choice = await s.ui.showWarningMessage(vscode.l10n.t('Delete {0} key pairs from {1}?', free.length, where), { modal: true, detail }, del);
  if (choice !== del) return undefined;

  const outcome: DeleteManyOutcome = { deleted: [], kept: bound.map((n) => n.keyPair.id), missing: [], failed: [] };
  const title = vscode.l10n.t('Delete {0} key pairs', free.length);
  await Promise.all(
    [...groups.values()].map(async (g) => {
      const ids = g.nodes.map((n) => n.keyPair.id);
      const step = await runCloudStep(s, `${title}: ${g.account.descriptor.displayName} ${shownText(g.region)}`, async (signal) => {
        const provider = await g.account.provider();
        const result = { deleted: [] as string[], inUse: [] as string[], missing: [] as string[] };
        for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
          const part = await provider.deleteKeyPairs({ region: g.region, ids: ids.slice(i, i + IDS_PER_CALL) }, { signal });
          result.deleted.push(...part.deleted);
          result.inUse.push(...part.inUse);
          result.missing.push(...part.missing);
        }
        return result;
      });
      if (!step.ok) {
        outcome.failed.push(g.region);
        return;
      }
      const { inUse, missing } = step.value;
      outcome.kept.push(...inUse);
      outcome.missing.push(...missing);
      const deleted = ids.filter((id) => !inUse.includes(id) && !missing.includes(id));
      outcome.deleted.push(...deleted);
      s.log.info(shownText(`Deleted ${deleted.length} key pairs from ${g.account.descriptor.displayName} ${g.region}${missing.length ? `; already gone: ${missing.join(', ')}` : ''}`));
    }),
  );
  // The view shows the regions as they are now before the command ends.
  await Promise.all([...groups.values()].map((g) => s.cloudKeys.refreshRegions(g.account, [g.region])));
  const message = vscode.l10n.t('Deleted {0} of {1} key pairs.', outcome.deleted.length, nodes.length);
  const kept = outcome.kept.length ? ` ${vscode.l10n.t('Kept {0}: bound to instances.', shownText(outcome.kept.join(', ')))}` : '';
  // Deleted elsewhere before this call: not an error, but the count would not add up without it.
  const gone = outcome.missing.length ? ` ${vscode.l10n.t('{0} no longer existed (already deleted): {1}.', outcome.missing.length, shownText(outcome.missing.join(', ')))}` : '';
  void (outcome.kept.length || outcome.failed.length ? s.ui.showWarningMessage(message + kept + gone) : s.ui.showInformationMessage(message + gone));
  return outcome;
}
