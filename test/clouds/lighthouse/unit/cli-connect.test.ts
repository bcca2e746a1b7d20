// `lighthouse instances` and `lighthouse ssh-config` (the shared contract, test/contract/cli-connect-contract.ts)
// against the fake Lighthouse. Key pairs belong to the account and are listed with the default
// region, so the instances here are in another region (ap-shanghai). Lighthouse reports no login
// user: the blueprint decides (Ubuntu logs in as ubuntu, the other Linux images as root).
import { describeCliConnectContract } from '../../../contract/cli-connect-contract';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';

const lighthouse = (fake: unknown) => fake as FakeLighthouse;

describeCliConnectContract({
  word: 'lighthouse',
  cloud: 'Tencent Cloud Lighthouse',
  region: 'ap-shanghai',
  newFake: () => new FakeLighthouse({ acceptUndocumentedKeyTypes: true }),
  credentials: { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey },
  secrets: [FAKE_TEST_CREDENTIAL.secretKey],
  // ImportKeyPair takes "the OpenSSH RSA format" only.
  keyType: 'rsa',
  keyName: (base) => `${base}_key`,
  seedInstance: (fake, seed) => {
    const ubuntu = seed.loginUser === 'ubuntu';
    const image = ubuntu
      ? { Platform: 'UBUNTU', OsName: 'Ubuntu Server 22.04 LTS 64bit', BlueprintId: 'lhbp-ubuntu22' }
      : { Platform: 'CENTOS', OsName: 'CentOS 7.9 64bit', BlueprintId: 'lhbp-centos79' };
    const instance = lighthouse(fake).seedInstance({
      InstanceName: seed.name,
      region: seed.region,
      KeyIds: seed.keyId ? [seed.keyId] : [],
      ...image,
      ...(seed.publicIp ? { PublicAddresses: [seed.publicIp] } : {}),
    });
    return { instanceId: instance.InstanceId, loginUser: ubuntu ? 'ubuntu' : 'root' };
  },
  bind: (fake, instanceId, keyId) => {
    lighthouse(fake).instance(instanceId)!.KeyIds = keyId ? [keyId] : [];
  },
  instanceIds: (fake, region) => lighthouse(fake).instancesIn(region).map((i) => i.InstanceId),
  keyPairsField: (keyIds) => ({ KeyIds: keyIds }),
  // 127.0.5.x for this suite's sshd (the fakes' instances are at 127.0.<block>.2 and up; other suites' sshd at 127.0.0–2.x).
  sshdAddress: '127.0.5.231',
});
