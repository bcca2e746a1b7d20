// The shared provider contract (test/contract/provider-contract.ts) for ECS: our ACS3 client, against the fake ECS.
import { RateLimiter } from '../../../../src/cloud/retry';
import { AlibabaEcsProvider } from '../../../../src/clouds/alibaba/provider';
import { describeProviderContract, keygenPublicKeys, startContractFake } from '../../../contract/provider-contract';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';

describeProviderContract({
  cloud: 'Alibaba Cloud ECS',
  region: 'cn-hangzhou',
  startFake() {
    const fake = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true });
    return startContractFake(fake, (region) => fake.keyPairsIn(region).length);
  },
  provider: (url, options) => new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: url, rateLimiter: new RateLimiter(), ...options }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}-key`,
  malformedKeyPairId: (value) => ({ set: { 'KeyPairs.KeyPair.0.KeyPairId': value }, field: 'KeyPairs.KeyPair[0].KeyPairId' }),
});
