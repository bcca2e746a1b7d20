// Every registered cloud's fake server for the real-host suites and the host benchmark — each
// cloud's SANDBOX (test/clouds/<cloud>/fake/sandbox.ts), started in the harness process on
// 127.0.0.1 so that steps can read request logs and state directly. The in-host suite finds each
// URL in the cloud's test variable (CLOUD_SSH_KEYS_TEST_CVM_URL, …) and uses the admin endpoints.
//
// With `instanceServers`, every fake Linux instance is also a real sshd (instance-servers.mjs) on
// its loopback address, letting in the keys bound to it; each suite has its own address block
// (ADDRESS_OFFSETS, the plan in README.md "Instance servers"), so suites running at the same time
// never share an address.
import path from 'node:path';
import { compiledSandboxes } from '../../scripts/sandbox.mjs';
import { instanceServersLoginUser, instanceServersUnavailable, startFakeInstanceServersOrNote } from './instance-servers.mjs';

/**
 * Added to each fake's own loopback block (CVM 1, Lighthouse 2, ECS 3): the in-host suite's
 * instances are at 127.0.11–13.n, the browser suite's at 127.0.21–23.n (npm start's sandbox:
 * scripts/sandbox.mjs SANDBOX_ADDRESS_OFFSET, 127.0.31–33.n).
 */
export const ADDRESS_OFFSETS = Object.freeze({ integration: 10, e2e: 20 });

/** What a runner that passes no options gets, by its script's name (the runners call startFakeClouds() bare). */
function defaultsForThisRunner() {
  const script = path.basename(process.argv[1] ?? '');
  if (script === 'run-integration.mjs') return { addressOffset: ADDRESS_OFFSETS.integration, instanceServers: true };
  if (script === 'run-e2e.mjs') return { addressOffset: ADDRESS_OFFSETS.e2e, instanceServers: true };
  return { addressOffset: 0, instanceServers: false };
}

/**
 * Starts a fresh fake of every cloud: { [cloud]: { url, fake, hosts, credential, env, stop, sandbox, instanceServers } }.
 * Options (each defaults by the runner: run-integration.mjs → offset 10 with servers, run-e2e.mjs →
 * offset 20 with servers, anything else (the host benchmark) → the fakes' own blocks, no servers):
 *   addressOffset    added to each fake's loopback block
 *   instanceServers  true: an sshd per fake Linux instance (root only: otherwise, or when they do not
 *                    come up, one line says so and the fakes run without them)
 *   home             a HOME whose ~/.ssh/known_hosts gets the instances' host keys (a marked block)
 *   say              where the harness's lines go (default console.log)
 * The servers' handle (instance-servers.mjs, or undefined) is each cloud's `instanceServers` and the
 * returned object's (not enumerable) `instanceServers`; stopFakeClouds stops them first.
 */
export async function startFakeClouds(options = {}) {
  const defaults = defaultsForThisRunner();
  const {
    addressOffset = defaults.addressOffset,
    instanceServers = defaults.instanceServers,
    home,
    say = (...m) => console.log('[fake-clouds]', ...m),
  } = options;
  // The sshds let in the user running them: the fakes report that user for their Linux instances,
  // but only when there will be sshds (as another user the fakes keep their images' users).
  const loginUser = instanceServers && !instanceServersUnavailable() ? instanceServersLoginUser() : undefined;
  const fakes = {};
  let servers;
  Object.defineProperty(fakes, 'instanceServers', { get: () => servers, enumerable: false });
  try {
    for (const sandbox of compiledSandboxes()) {
      fakes[sandbox.cloud] = { ...(await sandbox.start({ addressOffset, loginUser })), sandbox };
    }
    if (instanceServers) {
      servers = await startFakeInstanceServersOrNote(fakes, {
        knownHostsFiles: home ? [path.join(home, '.ssh', 'known_hosts')] : [],
        note: path.basename(process.argv[1] ?? 'harness'),
        say,
      });
      if (servers) {
        const addresses = servers.servers().map((s) => s.address);
        say(`instance servers: ${addresses.length} sshd (${addresses.join(', ')}) in ${servers.startMs} ms; login as ${servers.loginUser}; known_hosts ${servers.knownHostsFile}`);
      }
      for (const cloud of Object.keys(fakes)) fakes[cloud].instanceServers = servers;
    }
  } catch (error) {
    await stopFakeClouds(fakes);
    throw error;
  }
  return fakes;
}

export async function stopFakeClouds(fakes) {
  await fakes?.instanceServers?.stop();
  for (const started of Object.values(fakes ?? {})) await started.stop();
}

/**
 * What the in-host suite reads: each fake's URL in its cloud's variable, and, with instance servers,
 * CLOUD_SSH_KEYS_TEST_KNOWN_HOSTS (their host keys) and CLOUD_SSH_KEYS_TEST_SSH_USER (whom they let in).
 */
export function fakeUrlEnvironment(fakes) {
  const env = Object.fromEntries(Object.values(fakes).map((f) => [f.sandbox.testUrlVariable, f.url]));
  const servers = fakes.instanceServers;
  if (servers) Object.assign(env, { CLOUD_SSH_KEYS_TEST_KNOWN_HOSTS: servers.knownHostsFile, CLOUD_SSH_KEYS_TEST_SSH_USER: servers.loginUser });
  return env;
}

/** The machine settings pointing each cloud at its fake (and the regions the browser suite shows). */
export function fakeCloudSettings(fakes) {
  return Object.assign({}, ...Object.values(fakes).map((f) => f.sandbox.testSettings(f.url)));
}

