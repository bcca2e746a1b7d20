// The fake Tencent CVM server (test/fakes/tencent-cvm.ts) for the real-host suites: started in the
// harness process on 127.0.0.1, so steps can read its request log and state directly; the in-host
// suite finds its URL in CLOUD_SSH_KEYS_TEST_CVM_URL and uses the admin endpoints.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from './common.mjs';

export const FAKE_CVM_ENV = 'CLOUD_SSH_KEYS_TEST_CVM_URL';
const COMPILED = path.join(REPO, 'out/test/fakes/tencent-cvm.js');

/** Starts a fresh fake; compiles the tests first when they are missing (npm run test:e2e does not run tsc). */
export async function startFakeCvm() {
  if (!fs.existsSync(COMPILED)) {
    execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: REPO, stdio: 'inherit' });
  }
  const { FakeTencentCvm, FAKE_TEST_CREDENTIAL } = createRequire(import.meta.url)(COMPILED);
  const fake = new FakeTencentCvm();
  const url = await fake.start();
  return { fake, url, credential: { ...FAKE_TEST_CREDENTIAL }, stop: () => fake.stop() };
}
