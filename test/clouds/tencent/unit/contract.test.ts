// The shared provider contract (test/contract/provider-contract.ts) for CVM: the real SDK through our transport, against the fake CVM.
import { RateLimiter } from '../../../../src/cloud/retry';
import { TencentCvmProvider } from '../../../../src/clouds/tencent/provider';
import { describeProviderContract, keygenPublicKeys, startContractFake } from '../../../contract/provider-contract';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';

describeProviderContract({
  cloud: 'Tencent Cloud CVM',
  region: 'ap-guangzhou',
  startFake() {
    const fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true });
    return startContractFake(fake, (region) => fake.keyPairsIn(region).length);
  },
  provider: (url, options) => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new RateLimiter(), ...options }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}_key`,
  malformedKeyPairId: (value) => ({ set: { 'Response.KeyPairSet.0.KeyId': value }, field: 'KeyPairSet[0].KeyId' }),
});
