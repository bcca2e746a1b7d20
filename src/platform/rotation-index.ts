// Where the unfinished key rotations are listed (globalState): state file → what it rotates. Kept
// apart from the rotation itself (src/commands/rotate-key-pair.ts, loaded with the cloud flows) so
// that activation can say an unfinished one exists without loading it.
import * as fs from 'node:fs';
import type * as vscode from 'vscode';

export const ROTATIONS_KEY = 'cloudSshKeys.rotations';

export interface RotationIndexEntry {
  accountId: string;
  keyPairIds: string[];
  startedAt: string;
}

export function rotationIndex(globalState: vscode.Memento): Record<string, RotationIndexEntry> {
  return globalState.get<Record<string, RotationIndexEntry>>(ROTATIONS_KEY, {});
}

/** The state files of the rotations that did not finish and are still on disk. */
export function unfinishedRotations(globalState: vscode.Memento): string[] {
  return Object.keys(rotationIndex(globalState)).filter((file) => fs.existsSync(file));
}
