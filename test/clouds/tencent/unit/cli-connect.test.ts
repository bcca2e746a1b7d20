// `tencent instances` and `tencent ssh-config` (the shared contract, test/contract/cli-connect-contract.ts)
// against the fake CVM: DescribeInstances reports each instance's login user (DefaultLoginUser).
import { describeCliConnectContract } from '../../../contract/cli-connect-contract';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';

const cvm = (fake: unknown) => fake as FakeTencentCvm;

describeCliConnectContract({
  word: 'tencent',
  cloud: 'Tencent Cloud CVM',
  region: 'ap-guangzhou',
  newFake: () => new FakeTencentCvm({ acceptUndocumentedKeyTypes: true }),
  credentials: { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey },
  secrets: [FAKE_TEST_CREDENTIAL.secretKey],
  keyType: 'ed25519',
  keyName: (base) => `${base}_key`,
  seedInstance: (fake, seed) => {
    const instance = cvm(fake).seedInstance({
      InstanceName: seed.name,
      region: seed.region,
      KeyIds: seed.keyId ? [seed.keyId] : [],
      DefaultLoginUser: seed.loginUser,
      ...(seed.publicIp ? { PublicIpAddresses: [seed.publicIp] } : {}),
    });
    return { instanceId: instance.InstanceId, loginUser: seed.loginUser };
  },
  bind: (fake, instanceId, keyId) => {
    cvm(fake).instance(instanceId)!.KeyIds = keyId ? [keyId] : [];
  },
  instanceIds: (fake, region) => cvm(fake).account.instancesIn(region).map((i) => i.InstanceId),
  keyPairsField: (keyIds) => ({ KeyIds: keyIds }),
  // 127.0.3.x for this suite's sshd (the fakes' instances are at 127.0.<block>.2 and up; other suites' sshd at 127.0.0–2.x).
  sshdAddress: '127.0.3.231',
});
