// Loads a cloud's chunk at its first use, never at activation or CLI start: dist/<cloud>.js beside
// the running bundle (dist/extension.js or dist/cli.js). Run from tsc's out/ folder (the tests;
// never shipped), it is the compiled src/clouds/<cloud>/chunk.js. A computed path keeps esbuild
// from bundling the chunk into its caller.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudChunk } from './provider';

const loaded = new Map<string, unknown>();

export function loadCloudChunk<T = CloudChunk>(cloudId: string): T {
  // The id comes from the registry, never from input; still, it becomes a path.
  if (!/^[a-z][a-z0-9]*$/.test(cloudId)) throw new Error(`"${cloudId}" is not a cloud id`);
  let chunk = loaded.get(cloudId);
  if (chunk === undefined) {
    const bundled = path.join(__dirname, `${cloudId}.js`);
    chunk = require(fs.existsSync(bundled) ? bundled : path.join(__dirname, '..', 'clouds', cloudId, 'chunk.js')) as unknown;
    loaded.set(cloudId, chunk);
  }
  return chunk as T;
}
