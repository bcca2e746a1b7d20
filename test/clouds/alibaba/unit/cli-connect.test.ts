// `alibaba instances` and `alibaba ssh-config` (the shared contract, test/contract/cli-connect-contract.ts)
// against the fake ECS: an instance has at most one key pair (KeyPairName), and ECS reports no login
// user, so a Linux instance not set up for ecs-user logs in as root (src/clouds/alibaba/login-user.ts).
import { describeCliConnectContract } from '../../../contract/cli-connect-contract';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';

const ecs = (fake: unknown) => fake as FakeAlibabaEcs;

describeCliConnectContract({
  word: 'alibaba',
  cloud: 'Alibaba Cloud ECS',
  region: 'cn-hangzhou',
  newFake: () => new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true }),
  credentials: { ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret },
  secrets: [FAKE_ECS_ACCESS_KEY.accessKeySecret],
  keyType: 'ed25519',
  keyName: (base) => `${base}-key`,
  seedInstance: (fake, seed) => {
    const instance = ecs(fake).seedInstance({
      InstanceName: seed.name,
      RegionId: seed.region,
      KeyPairName: seed.keyId ?? '',
      LoginAsNonRoot: false,
      ...(seed.publicIp ? { PublicIpAddress: [seed.publicIp] } : {}),
    });
    return { instanceId: instance.InstanceId, loginUser: 'root' };
  },
  bind: (fake, instanceId, keyId) => {
    ecs(fake).instance(instanceId)!.KeyPairName = keyId ?? '';
  },
  instanceIds: (fake, region) => [...ecs(fake).account.instances.values()].filter((i) => i.RegionId === region).map((i) => i.InstanceId),
  keyPairsField: (keyIds) => ({ KeyPairName: keyIds[0] ?? null }),
  // 127.0.4.x for this suite's sshd (the fakes' instances are at 127.0.<block>.2 and up; other suites' sshd at 127.0.0–2.x).
  sshdAddress: '127.0.4.231',
});
