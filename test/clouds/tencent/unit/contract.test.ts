// The shared provider contract (test/contract/provider-contract.ts) for CVM: the real SDK through our transport, against the fake CVM.
import { RateLimiter } from '../../../../src/cloud/retry';
import { TencentCvmProvider } from '../../../../src/clouds/tencent/provider';
import { describeProviderContract, keygenPublicKeys } from '../../../contract/provider-contract';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';

describeProviderContract({
  cloud: 'Tencent Cloud CVM',
  region: 'ap-guangzhou',
  async startFake() {
    const fake = new FakeTencentCvm();
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
  provider: (url, options) => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new RateLimiter(), ...options }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}_key`,
  malformedKeyPairId: (value) => ({ set: { 'Response.KeyPairSet.0.KeyId': value }, field: 'KeyPairSet[0].KeyId' }),
});
