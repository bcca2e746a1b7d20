// The README's Reliability section is written from the tests' title tags (scripts/reliability-report.mjs):
// it must flag a promise no test carries and a tag it cannot describe, and every catalog line must
// have tagged tests in the sources (so a renamed tag fails here, before the long suites run).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
interface Report {
  CATALOG: Array<{ title: string; rows: Array<[string, string, string]> }>;
  START: string;
  END: string;
  renderReliability(suites: Record<string, Record<string, number>>): { section: string; problems: string[] };
  withSection(readme: string, section: string): string;
  tagsOfTitle(title: string): string[];
}
// An ES module from this CommonJS build: a real dynamic import (tsc would turn `import()` into require).
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Report>;
const load = () => importModule(path.join(REPO, 'scripts/reliability-report.mjs'));

/** Every `@tag` at the end of an it(…) / step title in the test sources. */
function tagsInSources(): Set<string> {
  const tags = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mjs)$/.test(entry.name)) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:it\(|name: )(['"`])((?:(?!\1).)*)\1/g)) {
          for (const t of m[2].matchAll(/(?:^|\s)@([a-z0-9-]+)/g)) tags.add(t[1]);
        }
      }
    }
  };
  for (const dir of ['test/unit', 'test/contract', 'test/integration', 'test/e2e', 'test/clouds']) walk(path.join(REPO, dir));
  return tags;
}

describe('README Reliability section from test tags', () => {
  it('counts passing tests per tag and suite, and names a promise no passing test carries', async () => {
    const { CATALOG, renderReliability } = await load();
    const all = Object.fromEntries(CATALOG.flatMap((g) => g.rows.map((r) => [r[0], 1])));
    const { section, problems } = renderReliability({ unit: { ...all, throttle: 3 }, integration: { throttle: 2 } });
    assert.deepEqual(problems, []);
    assert.match(section, /\| 5 \(3 unit, 2 in-host\) `@throttle` \|/);
    const missing = renderReliability({ unit: { ...all, timeout: 0 } });
    assert.ok(missing.problems.some((p) => p.includes('@timeout')), JSON.stringify(missing.problems));
  });

  it('refuses a tag it does not describe', async () => {
    const { renderReliability } = await load();
    const { problems } = renderReliability({ unit: { 'no-such-promise': 1 } });
    assert.ok(problems.some((p) => p.includes('@no-such-promise')), JSON.stringify(problems));
  });

  it('replaces only the text between the markers, and needs them', async () => {
    const { START, END, withSection } = await load();
    assert.equal(withSection(`a\n${START}\nold\n${END}\nb`, `${START}\nnew\n${END}`), `a\n${START}\nnew\n${END}\nb`);
    assert.throws(() => withSection('no markers', 'x'), /markers/);
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    assert.ok(readme.includes(START) && readme.includes(END), 'README.md lost its Reliability markers');
  });

  it('every catalog line has tagged tests in the sources, and every tag used is in the catalog', async () => {
    const { CATALOG, tagsOfTitle } = await load();
    assert.deepEqual(tagsOfTitle('retries @throttle @reset'), ['throttle', 'reset']);
    assert.deepEqual(tagsOfTitle('mail me at a@b.c'), []);
    const known = new Set(CATALOG.flatMap((g) => g.rows.map((r) => r[0])));
    const used = tagsInSources();
    assert.deepEqual([...known].filter((t) => !used.has(t)), [], 'catalog lines no test carries');
    assert.deepEqual([...used].filter((t) => !known.has(t)), [], 'tags the catalog does not describe');
  });
});
