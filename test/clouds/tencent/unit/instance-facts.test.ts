// CVM's own part of what connecting reads: the login user rule (DefaultLoginUser when reported,
// else the image's documented user), DescribeInstances as the fake serves it (documented fields,
// Limit at most 100, the address filters), and a forced bind of a running instance as the
// authorized keys listener hears it.

import * as assert from 'node:assert/strict';
import type { CloudInstance } from '../../../../src/cloud/provider';
import { defaultLoginUser } from '../../../../src/clouds/tencent/login-user';
import { readInstancePage } from '../../../../src/clouds/tencent/answers';
import { RateLimiter } from '../../../../src/cloud/retry';
import { TencentCvmProvider } from '../../../../src/clouds/tencent/provider';
import { CONTRACT_RETRY, keygenPublicKeys } from '../../../contract/provider-contract';
import { sendRawTc3Request } from '../../../fakes/raw-tc3-client';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';

const instance = (facts: Partial<CloudInstance>): CloudInstance => ({ id: 'ins-abcdefgh', name: '', region: 'ap-guangzhou', state: 'RUNNING', osName: '', platform: 'linux', keyIds: [], ...facts });

describe('CVM login user rule', () => {
  it('takes the DefaultLoginUser the cloud reports', () => {
    assert.equal(defaultLoginUser(instance({ osName: 'Ubuntu Server 22.04 LTS 64bit', loginUser: 'root' })), 'root');
    assert.equal(defaultLoginUser(instance({ osName: 'CentOS 7.9 64bit', loginUser: 'deploy' })), 'deploy');
  });

  it('else logs in to Ubuntu images as ubuntu and to the other Linux images as root; Windows has no SSH user', () => {
    assert.equal(defaultLoginUser(instance({ osName: 'Ubuntu Server 24.04 LTS 64bit' })), 'ubuntu');
    assert.equal(defaultLoginUser(instance({ osName: 'TencentOS Server 3.1 (TK4)' })), 'root');
    assert.equal(defaultLoginUser(instance({ osName: 'CentOS Stream 9 64bit' })), 'root');
    assert.equal(defaultLoginUser(instance({ osName: 'Windows Server 2022 DataCenter 64bit', platform: 'windows', loginUser: 'Administrator' })), undefined);
  });

  it('reads a DescribeInstances answer of the documented shape, null addresses as none', () => {
    const { items } = readInstancePage(
      {
        TotalCount: 1,
        InstanceSet: [
          {
            InstanceId: 'ins-abcdefgh', InstanceState: 'RUNNING', OsName: 'Ubuntu Server 22.04 LTS 64bit', ImageId: 'img-487zeit5',
            PrivateIpAddresses: ['172.16.0.4'], PublicIpAddresses: null, DefaultLoginUser: 'ubuntu', DefaultLoginPort: 22, LoginSettings: { KeyIds: null },
          },
        ],
      },
      'ap-guangzhou',
    );
    assert.deepEqual(
      [items[0].privateIps, items[0].publicIps, items[0].loginUser, items[0].loginPort, items[0].imageId, items[0].keyIds],
      [['172.16.0.4'], [], 'ubuntu', 22, 'img-487zeit5', []],
    );
  });
});

describe('fake CVM: DescribeInstances and the authorized keys of a forced bind', function () {
  this.timeout(30_000);
  let fake: FakeTencentCvm;
  const newPublicKey = keygenPublicKeys('ed25519');
  const describeInstances = async (params: unknown) =>
    (await sendRawTc3Request({ url: fake.url, action: 'DescribeInstances', service: 'cvm', region: 'ap-guangzhou', params, ...FAKE_TEST_CREDENTIAL })).response!;

  before(async () => {
    fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    await fake.setAuthorizedKeysListener(undefined);
    fake.reset();
  });

  it('answers the documented fields: addresses, image, DefaultLoginUser and DefaultLoginPort', async () => {
    const answer = await describeInstances({ InstanceIds: ['ins-lnxrun01', 'ins-winstp01'] });
    const [linux, windows] = answer.InstanceSet as Array<Record<string, unknown>>;
    assert.deepEqual(
      [linux.PublicIpAddresses, linux.PrivateIpAddresses, linux.DefaultLoginUser, linux.DefaultLoginPort, linux.ImageId],
      [['127.0.1.2'], ['127.1.1.2'], 'ubuntu', 22, 'img-487zeit5'],
    );
    assert.deepEqual([windows.DefaultLoginUser, windows.DefaultLoginPort], ['Administrator', 3389]);
  });

  it('refuses a Limit above 100 and more than 100 InstanceIds, and filters by address', async () => {
    assert.equal((await describeInstances({ Limit: 101 })).Error?.Code, 'InvalidParameterValue');
    assert.equal((await describeInstances({ Limit: 0 })).Error?.Code, 'InvalidParameterValue');
    assert.equal((await describeInstances({ InstanceIds: Array(101).fill('ins-lnxrun01') })).Error?.Code, 'InvalidParameterValue.LimitExceeded');
    assert.equal(((await describeInstances({ Limit: 100 })).InstanceSet as unknown[]).length, 4);
    const byAddress = await describeInstances({ Filters: [{ Name: 'public-ip-address', Values: ['127.0.1.3'] }] });
    assert.deepEqual((byAddress.InstanceSet as Array<{ InstanceId: string }>).map((i) => i.InstanceId), ['ins-lnxstp01']);
    assert.equal((await describeInstances({ Filters: [{ Name: 'toString', Values: ['x'] }] })).Error?.Code, 'InvalidFilter');
  });

  it('a ForceStop bind of a running instance replaces its keys at once, and it runs again', async () => {
    const cvm = new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: fake.url, rateLimiter: new RateLimiter(), retry: CONTRACT_RETRY });
    const [a, b] = [newPublicKey('a'), newPublicKey('b')];
    const keyA = (await cvm.importKeyPair({ region: 'ap-guangzhou', name: 'key_a', publicKey: a })).keyPair.id;
    const keyB = (await cvm.importKeyPair({ region: 'ap-guangzhou', name: 'key_b', publicKey: b })).keyPair.id;
    const heard: Array<[string, string[]]> = [];
    await fake.setAuthorizedKeysListener((id, keys) => void (id === 'ins-lnxrun01' && heard.push([id, keys])));
    heard.length = 0;
    await cvm.associateKeyPairs({ region: 'ap-guangzhou', keyIds: [keyA, keyB], instanceIds: ['ins-lnxrun01'], forceStop: true });
    assert.deepEqual(heard, [['ins-lnxrun01', [a, b].map((line) => line.split(' ').slice(0, 2).join(' '))]]);
    assert.equal(fake.instance('ins-lnxrun01')?.InstanceState, 'RUNNING');
    await cvm.disassociateKeyPairs({ region: 'ap-guangzhou', keyIds: [keyA], instanceIds: ['ins-lnxrun01'], forceStop: true });
    assert.deepEqual(heard[1], ['ins-lnxrun01', [b.split(' ').slice(0, 2).join(' ')]]);
  });
});
