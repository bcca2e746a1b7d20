import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Every string literal passed as the first argument of `vscode.l10n.t(...)` in src/. */
export function l10nKeys(): string[] {
  const keys = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gs)) {
      keys.add(m[2].replace(/\\(['"`\\])/g, '$1'));
    }
  }
  return [...keys];
}

describe('translations', () => {
  it('package.json names only keys that package.nls.json defines', () => {
    const nls = readJson('package.nls.json');
    const used = [...fs.readFileSync(path.join(root, 'package.json'), 'utf8').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(used.length > 10);
    for (const key of used) assert.ok(key in nls, `package.nls.json lacks ${key}`);
  });

  it('package.nls.zh-cn.json translates every key of package.nls.json', () => {
    const en = readJson('package.nls.json');
    const zh = readJson('package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  });

  it('the zh-cn bundle translates every vscode.l10n.t string in src/', () => {
    const bundle = readJson('l10n/bundle.l10n.zh-cn.json');
    const keys = l10nKeys();
    assert.ok(keys.length > 20, `found only ${keys.length} l10n strings`);
    const missing = keys.filter((k) => !(k in bundle));
    assert.deepEqual(missing, [], 'untranslated strings');
    for (const [en, zh] of Object.entries(bundle)) {
      const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(placeholders(zh as string), placeholders(en), `placeholders differ in: ${en}`);
    }
  });
});

describe('translations of the pure layers', () => {
  it('the zh-cn bundle translates every parser message, quick-fix title and cloud error template', () => {
    const bundle = readJson('l10n/bundle.l10n.zh-cn.json');
    const { MESSAGES } = require('../../src/keys/problems');
    const { FIX_TITLES } = require('../../src/keys/fixes');
    const { DERIVE_MESSAGES } = require('../../src/keys/derive');
    const templates = [...Object.values(MESSAGES), ...Object.values(FIX_TITLES), ...Object.values(DERIVE_MESSAGES)] as string[];
    assert.ok(templates.length > 40);
    assert.deepEqual(templates.filter((t) => !(t in bundle)), []);
  });
});

describe('translations of the cloud layer', () => {
  /** English templates a CloudError can carry: the `template:` fields and the SDK failure sentences in src/cloud and src/clouds, and the local ones of src/platform. */
  function inlineCloudTemplates(): string[] {
    const found = new Set<string>();
    const files = ['cloud', 'clouds', 'platform'].flatMap((folder) => sourceFiles(path.join(root, 'src', folder)));
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const patterns = [
        /template:\s*\n?\s*(['"])((?:\\.|(?!\1).)*)\1/g,
        /\blocal\(\s*'[\w-]+',\s*'\w+',\s*(['"])((?:\\.|(?!\1).)*)\1/g,
        /localCloudError\(\s*'\w+',\s*(['"])((?:\\.|(?!\1).)*)\1/g,
      ];
      for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.add(m[2].replace(/\\(['"`\\])/g, '$1'));
    }
    return [...found];
  }

  /** Every `*_MESSAGES` table exported by a cloud's errors.ts or descriptor.ts, by cloud. */
  function cloudMessageTables(): Array<{ cloud: string; table: string; templates: string[] }> {
    const cloudsDir = path.join(root, 'src', 'clouds');
    return fs.readdirSync(cloudsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) =>
      ['errors', 'descriptor'].flatMap((file) => {
        if (!fs.existsSync(path.join(cloudsDir, e.name, `${file}.ts`))) return [];
        const module = require(path.join(root, 'out', 'src', 'clouds', e.name, file)) as Record<string, unknown>;
        return Object.entries(module)
          .filter(([name, value]) => name.endsWith('_MESSAGES') && value && typeof value === 'object')
          .map(([name, value]) => ({ cloud: e.name, table: name, templates: Object.values(value as Record<string, string>) }));
      }),
    );
  }

  it('the zh-cn bundle translates every key-name message and inline cloud error template', () => {
    const bundle = readJson('l10n/bundle.l10n.zh-cn.json');
    const { KEY_NAME_MESSAGES } = require('../../src/cloud/descriptors');
    const inline = inlineCloudTemplates();
    assert.ok(inline.length >= 10, `found only ${inline.length} inline cloud templates`);
    const templates = [...Object.values(KEY_NAME_MESSAGES), ...inline] as string[];
    assert.deepEqual(templates.filter((t) => !(t in bundle)), [], 'untranslated cloud templates');
  });

  it('the zh-cn bundle translates every template of every cloud\'s message tables, with the same placeholders', () => {
    const bundle = readJson('l10n/bundle.l10n.zh-cn.json');
    const tables = cloudMessageTables();
    assert.ok(new Set(tables.map((t) => t.cloud)).size >= 2, `message tables of only ${JSON.stringify(tables.map((t) => t.cloud))}`);
    const placeholders = (text: string) => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
    for (const { cloud, table, templates } of tables) {
      assert.ok(templates.length > 0, `${cloud}'s ${table} is empty`);
      assert.deepEqual(templates.filter((t) => !(t in bundle)), [], `untranslated templates of ${cloud}'s ${table}`);
      for (const t of templates) assert.deepEqual(placeholders(bundle[t]), placeholders(t), `placeholders differ in: ${t}`);
    }
  });
});
