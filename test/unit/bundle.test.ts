import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');

describe('the activation bundle', () => {
  it('dist/extension.js contains no cloud SDK code (activation must not load one)', () => {
    const bundle = path.join(root, 'dist', 'extension.js');
    if (!fs.existsSync(bundle)) execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    // The profile readers name Tencent's credentials file (~/.tencentcloud/credentials): a path, not SDK code.
    const text = fs.readFileSync(bundle, 'utf8').replace(/(\/etc\/tencentcloud\/credentials|~\/\.tencentcloud\/credentials|"\.tencentcloud")/g, '');
    for (const marker of ['tencentcloud', '@alicloud', 'TencentCloudSDKHttpException', 'AbstractClient', 'sdkVersion', 'X-TC-Action']) {
      assert.equal(text.includes(marker), false, `dist/extension.js contains ${marker}`);
    }
    assert.ok(fs.statSync(bundle).size < 300 * 1024, 'dist/extension.js must stay under 300 KB');
  });

  it('the Alibaba ECS client (ACS3 signer, aliyuncs endpoints) is in dist/alibaba.js only, never in dist/extension.js', () => {
    const extension = path.join(root, 'dist', 'extension.js');
    const alibaba = path.join(root, 'dist', 'alibaba.js');
    if (!fs.existsSync(extension) || !fs.existsSync(alibaba)) execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    const markers = ['aliyuncs', 'ACS3-HMAC-SHA256', 'x-acs-signature-nonce'];
    const chunk = fs.readFileSync(alibaba, 'utf8');
    // The markers are real: the chunk holds them, so their absence from the activation bundle means something.
    for (const marker of markers) assert.ok(chunk.includes(marker), `dist/alibaba.js lacks ${marker}`);
    const text = fs.readFileSync(extension, 'utf8');
    for (const marker of markers) assert.equal(text.includes(marker), false, `dist/extension.js contains ${marker}`);
  });
});
