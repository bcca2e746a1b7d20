// The source tree's import graph and the rules it must keep (test/unit/layering.test.ts):
// pure folders import no `vscode`, no import runs up the layers, a cloud's folder imports no other
// cloud's (but its declared family), code outside src/clouds reaches a cloud only through the
// registry, and there are no cycles. Type-only imports count: they couple files all the same.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Lowest first: a file may import its own layer or a lower one. Folders under src/ (and the two entry files). */
export const LAYERS: readonly string[][] = [
  ['keys'],
  ['cloud'],
  ['cli'],
  ['clouds'],
  ['cli.ts', 'platform'],
  ['views', 'diagnostics'],
  ['commands'],
  ['extension.ts'],
];

/** Never import `vscode`: the CLI and the unit tests run them in plain Node. */
export const PURE = new Set(['keys', 'cloud', 'cli', 'clouds', 'cli.ts']);

/** The files of src/clouds/ that list every cloud; the only way in from outside. */
export const REGISTRY_FILES = new Set(['src/clouds/registry.ts', 'src/clouds/cli-registry.ts']);

/** A cloud may build on another of the same account (Lighthouse on Tencent Cloud's API 3.0 pieces). */
export const CLOUD_FAMILY: Readonly<Record<string, readonly string[]>> = { lighthouse: ['tencent'] };

export interface SourceImport {
  from: string;
  /** The imported file (repo-relative), or the package name. */
  to: string;
  spec: string;
}

const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Every src/**.ts file (repo-relative, forward slashes) with its text. */
export function sourceTree(repo: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) files.set(rel, fs.readFileSync(path.join(repo, rel), 'utf8'));
    }
  };
  walk('src');
  return files;
}

/** The text without comments, so that a comment mentioning `import('x')` is no import. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every import of every file; relative ones resolved to files of the tree (unresolved ones keep `to` = the spec with a `?`). */
export function importsOf(files: Map<string, string>): SourceImport[] {
  const found: SourceImport[] = [];
  for (const [file, text] of files) {
    for (const m of withoutComments(text).matchAll(SPEC)) {
      const spec = m[1];
      if (!spec.startsWith('.')) {
        found.push({ from: file, to: spec, spec });
        continue;
      }
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const to = [`${base}.ts`, base, `${base}/index.ts`].find((c) => files.has(c));
      found.push({ from: file, to: to ?? `?${base}`, spec });
    }
  }
  return found;
}

/** `keys`, `cloud`, …, or `cli.ts` / `extension.ts` for the entry files. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? parts[1] : parts[1];
}

/** The cloud whose folder holds `file` (`src/clouds/tencent/x.ts` → `tencent`), if any. */
export function cloudOf(file: string): string | undefined {
  const m = /^src\/clouds\/([^/]+)\//.exec(file);
  return m ? m[1] : undefined;
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Every rule broken, as one sentence each; empty when the tree keeps them all. */
export function layeringViolations(files: Map<string, string>): string[] {
  const problems: string[] = [];
  const imports = importsOf(files);
  for (const { from, to, spec } of imports) {
    const folder = folderOf(from);
    if (to === 'vscode') {
      if (PURE.has(folder)) problems.push(`${from} imports vscode, but src/${folder} is pure (runs in plain Node)`);
      continue;
    }
    if (to.startsWith('?')) {
      problems.push(`${from} imports ${spec}, which is no file of the tree`);
      continue;
    }
    if (!to.startsWith('src/')) continue; // a package
    const target = folderOf(to);
    if (layerOf(folder) < 0) problems.push(`${from}: src/${folder} is in no layer (test/unit/import-graph.ts LAYERS)`);
    else if (layerOf(target) > layerOf(folder)) problems.push(`${from} imports ${to}: an upward import (src/${folder} is below src/${target})`);
    const fromCloud = cloudOf(from);
    const toCloud = cloudOf(to);
    if (toCloud && fromCloud !== toCloud) {
      const allowed = fromCloud ? CLOUD_FAMILY[fromCloud]?.includes(toCloud) : REGISTRY_FILES.has(from);
      if (!allowed) problems.push(`${from} imports ${to}: only the registry (${[...REGISTRY_FILES].join(', ')}) reaches into a cloud's folder`);
    }
    if (REGISTRY_FILES.has(to) && fromCloud) problems.push(`${from} imports ${to}: a cloud's folder must not depend on the registry that lists it`);
  }
  for (const cycle of importCycles(files, imports)) problems.push(`import cycle: ${cycle.join(' → ')} → ${cycle[0]}`);
  return problems;
}

/** Each strongly connected set of files (more than one file, or a file importing itself), as a loop. */
export function importCycles(files: Map<string, string>, imports = importsOf(files)): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) if (files.has(to)) edges.set(from, [...(edges.get(from) ?? []), to]);
  // Tarjan's algorithm, iteratively deep enough for this tree.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.reverse());
    }
  };
  for (const file of [...files.keys()].sort()) if (!order.has(file)) visit(file);
  return cycles;
}
