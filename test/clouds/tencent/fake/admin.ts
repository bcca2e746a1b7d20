// The fake CVM's admin endpoints (see fake-admin.ts for the routes), shared with the fake ECS.
// Instance states here are CVM's: "RUNNING" | "STOPPED".

import type * as http from 'node:http';
import { handleAdmin } from '../../../fakes/fake-admin';
import type { FakeTencentCvm } from './server';
import { CVM_INSTANCE_STATES, type FakeInstanceState } from './state';

/** Answers one `/__admin/...` request. */
export function handleAdminRequest(fake: FakeTencentCvm, method: string, path: string, body: Buffer, res: http.ServerResponse): Promise<void> {
  return handleAdmin(
    {
      get requests() {
        return fake.requests;
      },
      clearRequests: () => fake.clearRequests(),
      faults: fake.faults,
      adminState: () => ({
        keyPairs: [...fake.account.keyPairs.values()].map(({ blobBase64: _blob, ...publicData }) => publicData),
        instances: [...fake.account.instances.values()],
      }),
      reset: () => fake.reset(),
      setRateLimit: (perSecond) => fake.setRateLimit(perSecond),
      setOptions: (options) => fake.setOptions(options),
      instanceStates: CVM_INSTANCE_STATES,
      hasInstance: (id) => fake.instance(id) !== undefined,
      setInstanceState: (id, state) => fake.setInstanceState(id, state as FakeInstanceState),
      createInstance: (request) => fake.createInstance(request),
      deleteInstance: (id) => fake.deleteInstance(id),
      setInstanceAddresses: (id, addresses) => fake.setInstanceAddresses(id, addresses),
      rebootInstance: (id) => fake.rebootInstance(id),
      instanceHosts: () => fake.instanceHosts(),
      syncAuthorizedKeys: () => fake.syncAuthorizedKeys(),
    },
    method,
    path,
    body,
    res,
  );
}
