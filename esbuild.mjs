// Bundles the extension and the CLI. `vscode` is provided by the host; cloud SDKs go into
// chunks of their own that load only when a cloud command runs (never at activation).
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
/** Every folder of src/clouds/ with a chunk.ts entry: the registry's clouds. */
const cloudChunks = readdirSync('src/clouds', { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(`src/clouds/${e.name}/chunk.ts`))
  .map((e) => e.name)
  .sort();
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !process.argv.includes('--dev'),
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
};
/**
 * sshpk (with tweetnacl, jsbn, bcrypt-pbkdf: ~190 KB) serves only deriving from encrypted OpenSSH keys
 * and writing passphrase-protected ones. It is required inside those functions, so every bundle
 * points `require('sshpk')` at one shared chunk, dist/sshpk.js, loaded on that first use.
 */
const sshpkChunk = {
  name: 'sshpk-chunk',
  setup(build) {
    build.onResolve({ filter: /^sshpk$/ }, () => ({ path: './sshpk.js', external: true }));
  },
};
const builds = [
  // The banner stamps the moment the bundle starts loading, before any bundled module initializes:
  // activation time is measured from there (src/extension.ts, npm run bench).
  {
    ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'],
    banner: { js: 'globalThis.__cloudSshKeysLoadStart = performance.now();' },
  },
  // Each cloud's provider (its SDK or own signer): src/clouds/<cloud>/chunk.ts → dist/<cloud>.js,
  // required at that cloud's first call (src/cloud/chunk-loader.ts), never at activation.
  ...cloudChunks.map((cloud) => ({ ...common, entryPoints: { [cloud]: `src/clouds/${cloud}/chunk.ts` }, outdir: 'dist' })),
  // The cloud flows (commands), loaded at the first cloud command: activation stays small.
  { ...common, entryPoints: { 'cloud-commands': 'src/commands/cloud-chunk.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { sshpk: 'node_modules/sshpk/lib/index.js' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, define: { CLI_VERSION: JSON.stringify(version) } },
];
/** Every bundle but the sshpk chunk itself loads sshpk from the shared chunk. */
function withSharedChunks(build) {
  return build.entryPoints.sshpk ? build : { ...build, plugins: [sshpkChunk] };
}
if (watch) {
  for (const b of builds) await (await esbuild.context(withSharedChunks(b))).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(withSharedChunks(b))));
  for (const r of results) {
    for (const [file, out] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`${file.padEnd(28)} ${(out.bytes / 1024).toFixed(1)} KB`);
    }
  }
}
