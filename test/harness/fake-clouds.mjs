// Every registered cloud's fake server for the real-host suites and the host benchmark — each
// cloud's SANDBOX (test/clouds/<cloud>/fake/sandbox.ts), started in the harness process on
// 127.0.0.1 so that steps can read request logs and state directly. The in-host suite finds each
// URL in the cloud's test variable (CLOUD_SSH_KEYS_TEST_CVM_URL, …) and uses the admin endpoints.
import { compiledSandboxes } from '../../scripts/sandbox.mjs';

/** Starts a fresh fake of every cloud: { [cloud]: { url, fake, credential, env, stop, sandbox } }. */
export async function startFakeClouds() {
  const fakes = {};
  try {
    for (const sandbox of compiledSandboxes()) fakes[sandbox.cloud] = { ...(await sandbox.start()), sandbox };
  } catch (error) {
    await stopFakeClouds(fakes);
    throw error;
  }
  return fakes;
}

export async function stopFakeClouds(fakes) {
  for (const started of Object.values(fakes ?? {})) await started.stop();
}

/** What the in-host suite reads: each fake's URL in its cloud's variable. */
export function fakeUrlEnvironment(fakes) {
  return Object.fromEntries(Object.values(fakes).map((f) => [f.sandbox.testUrlVariable, f.url]));
}

/** The machine settings pointing each cloud at its fake (and the regions the browser suite shows). */
export function fakeCloudSettings(fakes) {
  return Object.assign({}, ...Object.values(fakes).map((f) => f.sandbox.testSettings(f.url)));
}
