import * as path from 'node:path';
import type { KeyTextRole } from './types';

export const SSH_PUBLIC_KEY_LANGUAGE = 'ssh-public-key';

/**
 * How to read a file by its name: `authorized_keys` allows options and many keys, a `.pub` holds one
 * public key, anything else is `otherwise` (the editor's language mode says `public`; the CLI,
 * inspecting any file, says `auto`).
 */
export function roleForFileName(fileName: string, otherwise: KeyTextRole = 'public'): KeyTextRole {
  const base = path.basename(fileName);
  if (base.startsWith('authorized_keys')) return 'authorized_keys';
  return base.endsWith('.pub') ? 'public' : otherwise;
}
