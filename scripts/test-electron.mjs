// `npm run test:electron`: the same in-host suite (out/test/integration/index.js) in a desktop
// VS Code downloaded by @vscode/test-electron — for a desktop machine (Linux or macOS) with internet
// access; on a headless Linux run it under xvfb-run. `npm test` does not call this (offline machines
// use code-server: test/harness/run-integration.mjs).
//
// env: VSCODE_TEST_VERSION (default "stable"; e.g. "insiders" or "1.90.0" for the oldest supported),
//      VSCODE_EXECUTABLE (use this VS Code instead of downloading one),
//      CLOUD_SSH_KEYS_TEST_GREP (mocha --grep), CLOUD_SSH_KEYS_KEEP_TMP=1 (keep the temporary HOME).
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, REPO, makeRunDir } from '../test/harness/common.mjs';
import { FIXTURE_ENV, createFixture } from '../test/harness/fixture.mjs';

const testsModule = path.join(REPO, 'out/test/integration/index.js');
for (const f of [path.join(REPO, 'dist/extension.js'), testsModule]) {
  if (!fs.existsSync(f)) {
    console.error(`${path.relative(REPO, f)} is missing: run npm run build && npx tsc -p .`);
    process.exit(1);
  }
}

// The extension host gets the fixture HOME (os.homedir() follows it); VS Code's own state goes to
// throw-away user-data and extensions folders, so the machine's VS Code profile is never touched.
const run = makeRunDir('electron');
const { fixture, file: fixtureFile } = createFixture(run.home, run.root);
const resultsFile = path.join(run.root, 'results.json');
let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    // downloads go to the per-user cache (not .vscode-test/ in the clone)
    cachePath: path.join(CACHE, 'vscode-test'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: testsModule,
    extensionTestsEnv: {
      HOME: run.home,
      USERPROFILE: run.home,
      [FIXTURE_ENV]: fixtureFile,
      CLOUD_SSH_KEYS_TEST_RESULTS: resultsFile,
      ...(process.env.CLOUD_SSH_KEYS_TEST_GREP ? { CLOUD_SSH_KEYS_TEST_GREP: process.env.CLOUD_SSH_KEYS_TEST_GREP } : {}),
    },
    launchArgs: [
      fixture.workspace,
      '--user-data-dir', run.userData,
      '--extensions-dir', run.extensions,
      '--disable-extensions', // other extensions; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
    ],
  });
} catch (err) {
  console.error(`test-electron: ${err?.message ?? err}`);
  code = 1;
} finally {
  if (fs.existsSync(resultsFile)) {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    console.log(`${r.passed} passed, ${r.failed} failed`);
  }
  run.remove();
}
process.exit(code ? 1 : 0);
