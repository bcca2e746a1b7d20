// The cloud flows (import, create, rename, bind, delete, credentials) live in dist/cloud-commands.js
// (built from ./cloud-chunk.ts) and load at the first cloud command: activation stays small.
import * as path from 'node:path';
import type * as CloudCommands from './cloud-chunk';

let commands: typeof CloudCommands | undefined;

export function loadCloudCommands(): typeof CloudCommands {
  // A computed path keeps esbuild from bundling the flows into dist/extension.js.
  commands ??= require(path.join(__dirname, 'cloud-commands.js')) as typeof CloudCommands;
  return commands;
}
