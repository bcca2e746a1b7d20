import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');

describe('the activation bundle', () => {
  it('dist/extension.js contains no cloud SDK code (activation must not load one)', () => {
    const bundle = path.join(root, 'dist', 'extension.js');
    if (!fs.existsSync(bundle)) execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    const text = fs.readFileSync(bundle, 'utf8');
    for (const marker of ['tencentcloud', '@alicloud', 'TencentCloudSDKHttpException', 'X-TC-Action']) {
      assert.equal(text.includes(marker), false, `dist/extension.js contains ${marker}`);
    }
    assert.ok(fs.statSync(bundle).size < 300 * 1024, 'dist/extension.js must stay under 300 KB');
  });
});
