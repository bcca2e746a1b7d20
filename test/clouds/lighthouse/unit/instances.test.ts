// The shared instance contract (test/contract/instance-contract.ts) for Lighthouse, against the fake Lighthouse.
import { RateLimiter } from '../../../../src/cloud/retry';
import { LighthouseProvider } from '../../../../src/clouds/lighthouse/provider';
import { LIGHTHOUSE_DESCRIPTOR } from '../../../../src/clouds/lighthouse/descriptor';
import { CONTRACT_RETRY, keygenPublicKeys } from '../../../contract/provider-contract';
import { describeInstanceContract } from '../../../contract/instance-contract';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';
import { LIGHTHOUSE_ADDRESS_BLOCK } from '../fake/state';

describeInstanceContract({
  cloud: 'Tencent Cloud Lighthouse',
  region: 'ap-guangzhou',
  newFake: () => new FakeLighthouse({ acceptUndocumentedKeyTypes: true }),
  provider: (url) => new LighthouseProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new RateLimiter(), retry: CONTRACT_RETRY, timeoutSeconds: 5 }),
  // ImportKeyPair takes "the OpenSSH RSA format" only.
  newPublicKey: keygenPublicKeys('rsa'),
  keyName: (base) => `${base}_key`,
  addressBlock: LIGHTHOUSE_ADDRESS_BLOCK,
  defaultLoginUser: LIGHTHOUSE_DESCRIPTOR.defaultLoginUser,
  // Newest first; an Ubuntu blueprint (Platform UBUNTU), and no login user or port in the answer.
  firstInstance: { path: 'Response.InstanceSet.0', field: 'InstanceSet[0]', id: 'lhins-lnxrun01', loginUser: 'ubuntu' },
  fields: { publicIps: 'PublicAddresses', privateIps: 'PrivateAddresses', imageId: 'BlueprintId' },
  stoppedLinuxInstance: 'lhins-lnxstp01',
  seedInstances: (fake, count) => {
    for (let i = 0; i < count; i++) (fake as FakeLighthouse).seedInstance({ InstanceState: 'STOPPED', CreatedTime: '2023-01-01T00:00:00Z' });
  },
  pagingOf: (fake) => (fake as FakeLighthouse).requests.filter((r) => r.action === 'DescribeInstances').map((r) => r.params as Record<string, unknown>),
  fullPage: { Limit: 100 },
});
