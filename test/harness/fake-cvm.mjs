// The fake cloud servers for the real-host suites — Tencent CVM (test/clouds/tencent/fake/server.ts) and
// Alibaba ECS (test/clouds/alibaba/fake/server.ts): started in the harness process on 127.0.0.1, so steps
// can read their request logs and state directly; the in-host suite finds their URLs in
// CLOUD_SSH_KEYS_TEST_CVM_URL / CLOUD_SSH_KEYS_TEST_ECS_URL and uses the admin endpoints.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from './common.mjs';

export const FAKE_CVM_ENV = 'CLOUD_SSH_KEYS_TEST_CVM_URL';
export const FAKE_ECS_ENV = 'CLOUD_SSH_KEYS_TEST_ECS_URL';

/** A compiled fake's module; compiles the tests first when they are missing (npm run test:e2e does not run tsc). */
function loadCompiledFake(name) {
  const compiled = path.join(REPO, 'out/test/clouds', name, 'fake', 'server.js');
  if (!fs.existsSync(compiled)) {
    execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: REPO, stdio: 'inherit' });
  }
  return createRequire(import.meta.url)(compiled);
}

/** Starts a fresh fake CVM. */
export async function startFakeCvm() {
  const { FakeTencentCvm, FAKE_TEST_CREDENTIAL, FAKE_SECOND_CREDENTIAL } = loadCompiledFake('tencent');
  // Two API keys of one account, so that a suite can rotate the credentials mid-operation.
  const fake = new FakeTencentCvm({ credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }] });
  const url = await fake.start();
  return { fake, url, credential: { ...FAKE_TEST_CREDENTIAL }, stop: () => fake.stop() };
}

/** Starts a fresh fake ECS; `credential` is the test AccessKey pair it accepts (not a real secret). */
export async function startFakeEcs() {
  const { FakeAlibabaEcs, FAKE_ECS_ACCESS_KEY } = loadCompiledFake('alibaba');
  const fake = new FakeAlibabaEcs();
  const url = await fake.start();
  return { fake, url, credential: { ...FAKE_ECS_ACCESS_KEY }, stop: () => fake.stop() };
}
