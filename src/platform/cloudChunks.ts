import * as path from 'node:path';
import type * as AlibabaChunk from '../clouds/alibaba/chunk';
import type * as TencentChunk from '../clouds/tencent/chunk';
import type * as CloudCommands from '../commands/cloud-chunk';

let tencent: typeof TencentChunk | undefined;

/**
 * The Tencent Cloud provider and its SDK, from dist/tencent.js (built from src/clouds/tencent/chunk.ts).
 * Required at the first cloud call, never at activation: the SDK takes 60–100 ms to load.
 */
export function loadTencentChunk(): typeof TencentChunk {
  // A computed path keeps esbuild from bundling the chunk into dist/extension.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tencent ??= require(path.join(__dirname, 'tencent.js')) as typeof TencentChunk;
  return tencent;
}

let alibaba: typeof AlibabaChunk | undefined;

/** The Alibaba Cloud ECS provider (own signer and HTTPS client), from dist/alibaba.js (src/clouds/alibaba/chunk.ts), at the first Alibaba call. */
export function loadAlibabaChunk(): typeof AlibabaChunk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  alibaba ??= require(path.join(__dirname, 'alibaba.js')) as typeof AlibabaChunk;
  return alibaba;
}

let commands: typeof CloudCommands | undefined;

/** The cloud flows (import, create, rename, bind, delete, credentials), from dist/cloud-commands.js, at the first cloud command. */
export function loadCloudCommands(): typeof CloudCommands {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  commands ??= require(path.join(__dirname, 'cloud-commands.js')) as typeof CloudCommands;
  return commands;
}
