import * as path from 'node:path';
import type { KeyTextRole } from '../keys/types';

export const SSH_PUBLIC_KEY_LANGUAGE = 'ssh-public-key';

/** `authorized_keys` allows options and many keys; any other file of the language is a `.pub`. */
export function roleForFileName(fileName: string): KeyTextRole {
  return path.basename(fileName).startsWith('authorized_keys') ? 'authorized_keys' : 'public';
}
