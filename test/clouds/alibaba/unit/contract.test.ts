// The shared provider contract (test/contract/provider-contract.ts) for ECS: our ACS3 client, against the fake ECS.
import { RateLimiter } from '../../../../src/cloud/retry';
import { AlibabaEcsProvider } from '../../../../src/clouds/alibaba/provider';
import { describeProviderContract, keygenPublicKeys } from '../../../contract/provider-contract';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';

describeProviderContract({
  cloud: 'Alibaba Cloud ECS',
  region: 'cn-hangzhou',
  async startFake() {
    const fake = new FakeAlibabaEcs();
    const url = await fake.start();
    return {
      url,
      requests: () => fake.requests,
      clearRequests: () => fake.clearRequests(),
      addFault: (rule) => fake.faults.add(rule),
      keyPairCount: (region) => fake.keyPairsIn(region).length,
      reset: () => fake.reset(),
      stop: () => fake.stop(),
    };
  },
  provider: (url, options) => new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: url, rateLimiter: new RateLimiter(), ...options }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}-key`,
  malformedKeyPairId: (value) => ({ set: { 'KeyPairs.KeyPair.0.KeyPairId': value }, field: 'KeyPairs.KeyPair[0].KeyPairId' }),
});
