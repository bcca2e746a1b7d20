// Where a rotation (./rotation.ts) keeps its plan and progress: `<new key>.rotation.json` beside the
// new key, mode 0600, no secret. The CLI and the extension read and write the same file, so either
// resumes what the other started.
import * as fs from 'node:fs';
import { writeNewFileAtomic } from '../keys/save-key-files';
import { ROTATION_STATE_VERSION, type RotationState } from './rotation';

/** The state file of a rotation whose new key goes to `keyPath`. */
export function rotationStateFile(keyPath: string): string {
  return `${keyPath}.rotation.json`;
}

/** Saves atomically (a rename), so a process killed mid-write leaves the previous state. */
export function saveRotationState(file: string, state: RotationState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  writeNewFileAtomic(tmp, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  fs.renameSync(tmp, file);
}

/** Why a state file could not be used: it could not be read (`code`), is no JSON, or is no state this version reads. */
export type RotationStateProblem = { kind: 'unreadable'; code: string } | { kind: 'not-json' } | { kind: 'other-version' };

/** The state in `file`; `state` undefined and no problem when there is no such file. */
export function readRotationState(file: string): { state?: RotationState; problem?: RotationStateProblem } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' ? {} : { problem: { kind: 'unreadable', code } };
  }
  let state: RotationState;
  try {
    state = JSON.parse(text) as RotationState;
  } catch {
    return { problem: { kind: 'not-json' } };
  }
  if (!state || state.version !== ROTATION_STATE_VERSION || !Array.isArray(state.targets) || !Array.isArray(state.occurrences) || !Array.isArray(state.finished)) {
    return { problem: { kind: 'other-version' } };
  }
  return { state };
}
