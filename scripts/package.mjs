// `npm run package`: `vsce package --no-dependencies` (esbuild bundles every dependency into dist/;
// vsce runs the `vscode:prepublish` script, i.e. the build, first), then checks what went in:
// the .vsix must hold the bundles and the manifest, and no sources, tests, maps or node_modules.
// Produces <name>-<version>.vsix in the repository root and prints its path.
// usage: node scripts/package.mjs [--quiet]        (importable: packageVsix())
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VSCE = path.join(REPO, 'node_modules/@vscode/vsce/vsce');

const REQUIRED = ['package.json', 'dist/extension.js'];

/** Every file package.json points at (main, icons, grammars, language configurations, l10n…). */
function referencedFiles(pkg) {
  const refs = [];
  const add = (p) => {
    if (typeof p === 'string' && !p.startsWith('$(') && !/^[a-z]+:/i.test(p)) refs.push(path.posix.normalize(p.replace(/^\.\//, '')));
    else if (p && typeof p === 'object') for (const v of Object.values(p)) add(v); // { light, dark }
  };
  const c = pkg.contributes ?? {};
  add(pkg.main);
  add(pkg.browser);
  add(pkg.icon);
  for (const cmd of c.commands ?? []) add(cmd.icon);
  for (const list of Object.values(c.viewsContainers ?? {})) for (const v of list) add(v.icon);
  for (const list of Object.values(c.views ?? {})) for (const v of list) add(v.icon);
  for (const l of c.languages ?? []) {
    add(l.configuration);
    add(l.icon);
  }
  for (const g of c.grammars ?? []) add(g.path);
  for (const s of c.snippets ?? []) add(s.path);
  for (const j of c.jsonValidation ?? []) add(j.url);
  return [...new Set(refs)].map((f) => (f.endsWith('.js') || path.extname(f) ? f : `${f}.js`));
}
const FORBIDDEN = [/\.map$/, /^src\//, /^test\//, /^out\//, /^node_modules\//, /^scripts\//, /\.ts$/, /\.vsix$/, /^\.test-artifacts\//, /(^|\/)\.env/];

function vsce(args, { quiet } = {}) {
  const r = spawnSync(process.execPath, [VSCE, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    // never wait for an answer to a prompt: with no input vsce answers "no" and fails
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    throw new Error(`vsce ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${output.trim()}`);
  }
  if (!quiet) process.stdout.write(output);
  return output;
}

export function packageVsix({ quiet = false } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const vsix = path.join(REPO, `${pkg.name}-${pkg.version}.vsix`);
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(REPO, f)))) {
    if (!process.env.CLOUD_SSH_KEYS_SKIP_LICENSE) {
      throw new Error('LICENSE is missing: vsce will not package without it (set CLOUD_SSH_KEYS_SKIP_LICENSE=1 for a local try).');
    }
  }
  const extra = process.env.CLOUD_SSH_KEYS_SKIP_LICENSE ? ['--skip-license'] : [];
  // README's images (docs/images, taken by the e2e suite) are relative: the marketplace page needs
  // them under the repository's URL, which vsce only guesses for GitHub and GitLab.
  const repository = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/\.git$/, '');
  if (repository) extra.push('--baseImagesUrl', `${repository}/raw/HEAD/`, '--baseContentUrl', `${repository}/blob/HEAD/`);
  fs.rmSync(vsix, { force: true });
  vsce(['package', '--no-dependencies', '--out', vsix, ...extra], { quiet });
  if (!fs.existsSync(vsix)) throw new Error(`vsce reported success but ${vsix} does not exist`);

  // What is inside: `vsce ls` applies the same .vscodeignore as `vsce package`.
  const files = vsce(['ls', '--no-dependencies'], { quiet: true })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(WARNING|INFO|Executing|>|npm )/.test(l));
  const missing = [...new Set([...REQUIRED, ...referencedFiles(pkg)])].filter((f) => !files.includes(f));
  if (pkg.l10n && fs.readdirSync(path.join(REPO, pkg.l10n)).some((f) => f.endsWith('.json'))) {
    const dir = path.posix.normalize(pkg.l10n.replace(/^\.\//, ''));
    if (!files.some((f) => f.startsWith(`${dir}/`))) missing.push(`${dir}/*.json`);
  }
  const unwanted = files.filter((f) => FORBIDDEN.some((re) => re.test(f)));
  if (missing.length || unwanted.length) {
    throw new Error(
      `${path.basename(vsix)} has the wrong files (check .vscodeignore):` +
        (missing.length ? `\n  missing: ${missing.join(', ')}` : '') +
        (unwanted.length ? `\n  must not be packaged: ${unwanted.join(', ')}` : '') +
        `\n  contents: ${files.join(', ')}`,
    );
  }
  const kb = (fs.statSync(vsix).size / 1024).toFixed(1);
  console.log(`packaged ${path.relative(process.cwd(), vsix) || vsix} (${kb} KB, ${files.length} files: ${files.join(', ')})`);
  return vsix;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    packageVsix({ quiet: process.argv.includes('--quiet') });
  } catch (err) {
    console.error(`package: ${err.message}`);
    process.exit(1);
  }
}
