// The fake CVM's admin endpoints (see fake-admin.ts for the routes), shared with the fake ECS.
// Instance states here are CVM's: "RUNNING" | "STOPPED".
// The fake CVM holds several accounts (one per ownerUin of its credentials), so besides the shared routes:
//   GET  /__admin/state                    the default account's {ownerUin, keyPairs, instances}, and
//                                          `accounts`: every account's {ownerUin, keyPairs, instances}
//   GET  /__admin/state?account=<ownerUin> that account's {ownerUin, keyPairs, instances} (404 for no such account)
//   POST /__admin/instances                also takes "ownerUin": the account the instance is created in (default: the default account)
//   POST /__admin/reset                    resets every account
// Key pairs are seeded in-process (FakeTencentCvm.seedKeyPair, with an optional ownerUin); no admin route does it.

import type * as http from 'node:http';
import { type AdminTarget, handleAdmin } from '../../../fakes/fake-admin';
import type { FakeTencentCvm } from './server';
import { CVM_INSTANCE_STATES, type FakeCvmAccount, type FakeInstanceState } from './state';

/** An account as the admin API shows it: key pairs with public data only. */
function accountState(account: FakeCvmAccount): { ownerUin: string; keyPairs: unknown[]; instances: unknown[] } {
  return {
    ownerUin: account.ownerUin,
    keyPairs: [...account.keyPairs.values()].map(({ blobBase64: _blob, ...publicData }) => publicData),
    instances: [...account.instances.values()],
  };
}

function reply(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value, null, 2));
}

function knownAccounts(fake: FakeTencentCvm): string {
  return [...fake.accounts.keys()].join(', ');
}

/** Answers one `/__admin/...` request. */
export async function handleAdminRequest(fake: FakeTencentCvm, method: string, url: URL, body: Buffer, res: http.ServerResponse): Promise<void> {
  const path = url.pathname;
  const account = url.searchParams.get('account');
  if (method === 'GET' && path === '/__admin/state' && account !== null) {
    const owned = fake.accounts.get(account);
    if (!owned) reply(res, 404, { error: `no account ${account}; the fake has ${knownAccounts(fake)}` });
    else reply(res, 200, accountState(owned));
    return;
  }

  // POST /__admin/instances: take "ownerUin" off the body here; the shared route checks the rest.
  let ownerUin: string | undefined;
  if (method === 'POST' && path === '/__admin/instances') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || 'null');
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'ownerUin' in parsed) {
      const { ownerUin: owner, ...rest } = parsed as Record<string, unknown>;
      if (typeof owner !== 'string' || !fake.accounts.has(owner)) {
        reply(res, 400, { error: `ownerUin must name an account of the fake: ${knownAccounts(fake)}` });
        return;
      }
      ownerUin = owner;
      body = Buffer.from(JSON.stringify(rest));
    }
  }

  const target: AdminTarget = {
    get requests() {
      return fake.requests;
    },
    clearRequests: () => fake.clearRequests(),
    faults: fake.faults,
    adminState: () => ({
      ...accountState(fake.account),
      accounts: [...fake.accounts.values()].map(accountState),
    }),
    reset: () => fake.reset(),
    setRateLimit: (perSecond) => fake.setRateLimit(perSecond),
    setOptions: (options) => fake.setOptions(options),
    instanceStates: CVM_INSTANCE_STATES,
    hasInstance: (id) => fake.instance(id) !== undefined,
    setInstanceState: (id, state) => fake.setInstanceState(id, state as FakeInstanceState),
    createInstance: (request) => fake.createInstance(request, ownerUin),
    deleteInstance: (id) => fake.deleteInstance(id),
    setInstanceAddresses: (id, addresses) => fake.setInstanceAddresses(id, addresses),
    rebootInstance: (id) => fake.rebootInstance(id),
    instanceHosts: () => fake.instanceHosts(),
    syncAuthorizedKeys: () => fake.syncAuthorizedKeys(),
  };
  return handleAdmin(target, method, path, body, res);
}
