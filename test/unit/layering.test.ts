// The layering of src/ (test/unit/import-graph.ts), checked on the tree as it is and shown to fail
// when a violation is added on purpose: a vscode import in a pure folder, an upward import, a cycle,
// a type-only one, and a reach into a cloud's folder from outside the registry.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { CLOUDS } from '../../src/clouds/registry';
import { REGISTRY_FILES, cloudOf, layeringViolations, sourceTree, withoutComments } from './import-graph';

const REPO = path.resolve(__dirname, '../../..');

describe('layering of src/ (import graph)', () => {
  const tree = sourceTree(REPO);
  /** The tree with `extra` appended to `file` (created when absent). */
  const withAdded = (file: string, extra: string) => new Map(tree).set(file, `${tree.get(file) ?? ''}\n${extra}\n`);

  it('the tree keeps every rule: pure folders import no vscode, nothing imports upward, no cycles, clouds only through the registry', () => {
    assert.ok(tree.size > 80, `only ${tree.size} files found under src/`);
    assert.deepEqual(layeringViolations(tree), []);
  });

  it('fails on a vscode import in a pure folder (src/keys, src/cloud, src/clouds, src/cli)', () => {
    for (const file of ['src/keys/parse.ts', 'src/cloud/retry.ts', 'src/cli/common.ts']) {
      const problems = layeringViolations(withAdded(file, "import * as vscode from 'vscode';"));
      assert.ok(problems.some((p) => p.startsWith(`${file} imports vscode`)), `${file}: ${JSON.stringify(problems)}`);
    }
  });

  it('fails on an upward import, type-only ones included', () => {
    const problems = layeringViolations(withAdded('src/keys/parse.ts', "import type { CommandServices } from '../commands/register-commands';"));
    assert.ok(problems.some((p) => p.includes('src/keys/parse.ts imports src/commands/register-commands.ts: an upward import')), JSON.stringify(problems));
    const platform = layeringViolations(withAdded('src/platform/config.ts', "import type * as Flows from '../commands/cloud-chunk';"));
    assert.ok(platform.some((p) => p.includes('an upward import')), JSON.stringify(platform));
  });

  it('fails on an import cycle, even within one folder and through types only', () => {
    const cyclic = withAdded('src/keys/base64.ts', "import type { KeyFacts } from './parse';");
    const problems = layeringViolations(cyclic);
    assert.ok(problems.some((p) => p.startsWith('import cycle:') && p.includes('src/keys/base64.ts') && p.includes('src/keys/parse.ts')), JSON.stringify(problems));
  });

  it('fails when code outside src/clouds reaches into a cloud folder, or a cloud into another', () => {
    const outside = layeringViolations(withAdded('src/platform/config.ts', "import { TencentCvmProvider } from '../clouds/tencent/provider';"));
    assert.ok(outside.some((p) => p.includes('only the registry')), JSON.stringify(outside));
    const sideways = layeringViolations(withAdded('src/clouds/alibaba/chunk.ts', "import { parseTencentEndpoint } from '../tencent/endpoint';"));
    assert.ok(sideways.some((p) => p.includes('src/clouds/alibaba/chunk.ts imports src/clouds/tencent/endpoint.ts')), JSON.stringify(sideways));
  });

  it('fails on an import of a file that is not there', () => {
    const problems = layeringViolations(withAdded('src/keys/parse.ts', "import { gone } from './no-such-file';"));
    assert.ok(problems.some((p) => p.includes('no file of the tree')), JSON.stringify(problems));
  });

  /** The words that name a registered cloud: its id and its brand and service names (`tencent`, `CVM`), not the generic `Cloud`. */
  const cloudWords = [...new Set(CLOUDS.flatMap((d) => [d.id, ...`${d.displayName} ${d.serviceName}`.split(/\s+/)]).filter((w) => !/^cloud$/i.test(w)))];
  const namesACloud = new RegExp(`\\b(?:${cloudWords.join('|')})`, 'i');

  /** Code outside the clouds' folders and the registry: all of src/, the build, the start and sandbox scripts, the harness, the shared fakes. */
  function sharedSourceFiles(): string[] {
    const listed = (dir: string, ext: RegExp) => fs.readdirSync(path.join(REPO, dir)).filter((f) => ext.test(f)).map((f) => `${dir}/${f}`);
    return [
      ...[...tree.keys()].filter((f) => !cloudOf(f) && !REGISTRY_FILES.has(f)),
      'esbuild.mjs',
      ...listed('scripts', /\.mjs$/),
      ...listed('test/harness', /\.(mjs|cjs)$/),
      ...listed('test/fakes', /\.ts$/),
    ];
  }

  it('outside each cloud\'s folders and the registry, no source file names a cloud in code (comments aside)', () => {
    assert.ok(cloudWords.length >= 4, JSON.stringify(cloudWords));
    const naming = sharedSourceFiles().flatMap((file) => {
      const code = withoutComments(fs.readFileSync(path.join(REPO, file), 'utf8'));
      return code.split('\n').flatMap((line, i) => (namesACloud.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
    assert.deepEqual(naming, []);
  });

  it('the cloud-name check finds a cloud named in shared code', () => {
    const code = withoutComments("const fallback = 'tencent'; // a comment naming Alibaba is fine");
    assert.ok(namesACloud.test(code));
    assert.ok(!namesACloud.test(withoutComments('// Tencent Cloud CVM, in a comment')));
  });
});
