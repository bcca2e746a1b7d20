// The shared instance contract (test/contract/instance-contract.ts) for CVM: the real SDK through our transport, against the fake CVM.
import { RateLimiter } from '../../../../src/cloud/retry';
import { TencentCvmProvider } from '../../../../src/clouds/tencent/provider';
import { TENCENT_DESCRIPTOR } from '../../../../src/clouds/tencent/descriptor';
import { CONTRACT_RETRY, keygenPublicKeys } from '../../../contract/provider-contract';
import { describeInstanceContract } from '../../../contract/instance-contract';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { CVM_ADDRESS_BLOCK } from '../fake/state';

describeInstanceContract({
  cloud: 'Tencent Cloud CVM',
  region: 'ap-guangzhou',
  newFake: () => new FakeTencentCvm({ acceptUndocumentedKeyTypes: true }),
  provider: (url) => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: url, rateLimiter: new RateLimiter(), retry: CONTRACT_RETRY, timeoutSeconds: 5 }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}_key`,
  addressBlock: CVM_ADDRESS_BLOCK,
  defaultLoginUser: TENCENT_DESCRIPTOR.defaultLoginUser,
  // DescribeInstances reports the Ubuntu image's DefaultLoginUser and DefaultLoginPort.
  firstInstance: { path: 'Response.InstanceSet.0', field: 'InstanceSet[0]', id: 'ins-lnxrun01', loginUser: 'ubuntu', loginPort: 22 },
  fields: { publicIps: 'PublicIpAddresses', privateIps: 'PrivateIpAddresses', imageId: 'ImageId', loginUser: 'DefaultLoginUser', loginPort: 'DefaultLoginPort' },
  stoppedLinuxInstance: 'ins-lnxstp01',
  seedInstances: (fake, count) => {
    for (let i = 0; i < count; i++) (fake as FakeTencentCvm).seedInstance({ InstanceState: 'STOPPED' });
  },
  pagingOf: (fake) => (fake as FakeTencentCvm).requests.filter((r) => r.action === 'DescribeInstances').map((r) => r.params as Record<string, unknown>),
  fullPage: { Limit: 100 },
});
