// The fake Lighthouse's admin endpoints: the routes every fake offers (test/fakes/fake-admin.ts),
// with Lighthouse's instance states, plus POST /__admin/options for its switches:
//   {"errors": [{"code": "UnauthorizedOperation.MFAExpired", "action": "ImportKeyPair", "times": 1}]}
//   {"clearErrors": true} {"operationMs": 2000} {"listingLagMs": 500} {"keyPairLimit": 3}
//   {"acceptedKeyTypes": ["ssh-rsa", "ssh-ed25519"]} or {"acceptUndocumentedKeyTypes": true}

import type * as http from 'node:http';
import { handleAdmin } from '../../../fakes/fake-admin';
import type { FakeLighthouse, FakeLighthouseSwitches } from './server';
import { type FakeLighthouseInstanceState, LIGHTHOUSE_INSTANCE_STATES } from './state';

/** Answers one `/__admin/...` request. */
export function handleAdminRequest(fake: FakeLighthouse, method: string, path: string, body: Buffer, res: http.ServerResponse): Promise<void> {
  return handleAdmin(
    {
      get requests() {
        return fake.requests;
      },
      clearRequests: () => fake.clearRequests(),
      faults: fake.faults,
      adminState: () => {
        fake.account.settle();
        return {
          keyPairs: fake.keyPairs().map(({ blobBase64: _blob, ...publicData }) => publicData),
          instances: [...fake.account.instances.values()],
        };
      },
      reset: () => fake.reset(),
      setRateLimit: (perSecond) => fake.setRateLimit(perSecond),
      instanceStates: LIGHTHOUSE_INSTANCE_STATES,
      hasInstance: (id) => fake.instance(id) !== undefined,
      setInstanceState: (id, state) => fake.setInstanceState(id, state as FakeLighthouseInstanceState),
      setOptions: (options) => fake.setSwitches(options as FakeLighthouseSwitches),
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
