// The shared instance contract (test/contract/instance-contract.ts) for ECS, against the fake ECS.
import { RateLimiter } from '../../../../src/cloud/retry';
import { AlibabaEcsProvider } from '../../../../src/clouds/alibaba/provider';
import { ALIBABA_DESCRIPTOR } from '../../../../src/clouds/alibaba/descriptor';
import { CONTRACT_RETRY, keygenPublicKeys } from '../../../contract/provider-contract';
import { describeInstanceContract } from '../../../contract/instance-contract';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';
import { ECS_ADDRESS_BLOCK } from '../fake/state';

describeInstanceContract({
  cloud: 'Alibaba Cloud ECS',
  region: 'cn-hangzhou',
  newFake: () => new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true }),
  provider: (url) => new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: url, rateLimiter: new RateLimiter(), retry: CONTRACT_RETRY, timeoutSeconds: 5 }),
  newPublicKey: keygenPublicKeys('ed25519'),
  keyName: (base) => `${base}-key`,
  addressBlock: ECS_ADDRESS_BLOCK,
  defaultLoginUser: ALIBABA_DESCRIPTOR.defaultLoginUser,
  // The running instance was created to log in as ecs-user (ImageOptions.LoginAsNonRoot).
  firstInstance: { path: 'Instances.Instance.0', field: 'Instances.Instance[0]', id: 'i-bp1runlinux000001', loginUser: 'ecs-user' },
  fields: { publicIps: 'PublicIpAddress.IpAddress', privateIps: 'VpcAttributes.PrivateIpAddress.IpAddress', imageId: 'ImageId' },
  stoppedLinuxInstance: 'i-bp1stoplinux00001',
  // AttachKeyPair and DetachKeyPair reach the OS at the next start or restart.
  applyBinding: async (fake, instanceId) => {
    const response = await fetch(new URL(`/__admin/instances/${instanceId}/reboot`, fake.url), { method: 'POST' });
    if (response.status !== 200) throw new Error(`reboot: HTTP ${response.status}`);
  },
  seedInstances: (fake, count) => {
    for (let i = 0; i < count; i++) (fake as FakeAlibabaEcs).seedInstance({ Status: 'Stopped' });
  },
  pagingOf: (fake) => (fake as FakeAlibabaEcs).requests.filter((r) => r.action === 'DescribeInstances').map((r) => r.params ?? {}),
  fullPage: { MaxResults: '100' },
});
