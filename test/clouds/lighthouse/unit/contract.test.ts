// The shared provider contract (test/contract/provider-contract.ts) for Lighthouse: the SDK's generic client through our transport, against the fake Lighthouse.
import { RateLimiter } from '../../../../src/cloud/retry';
import { LighthouseProvider } from '../../../../src/clouds/lighthouse/provider';
import { describeProviderContract, keygenPublicKeys, startContractFake } from '../../../contract/provider-contract';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';

describeProviderContract({
  cloud: 'Tencent Cloud Lighthouse',
  region: 'ap-guangzhou',
  startFake() {
    const fake = new FakeLighthouse({ acceptUndocumentedKeyTypes: true });
    // Account-wide: every key pair counts, whatever the region.
    return startContractFake(fake, () => fake.keyPairs().length);
  },
  provider: (url, options) => new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new RateLimiter(), ...options }),
  newPublicKey: keygenPublicKeys('rsa'),
  keyName: (base) => `${base}_key`,
  malformedKeyPairId: (value) => ({ set: { 'Response.KeyPairSet.0.KeyId': value }, field: 'KeyPairSet[0].KeyId' }),
});
