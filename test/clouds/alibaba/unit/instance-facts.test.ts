// ECS's own part of what connecting reads: the login user rule (ecs-user on an instance created to
// log in as it, else root) and the fields of its Instance only ECS has: the EIP, ImageOptions, NextToken.

import * as assert from 'node:assert/strict';
import { MalformedField } from '../../../../src/cloud/answer-fields';
import type { CloudInstance } from '../../../../src/cloud/provider';
import { readEcsInstancePage } from '../../../../src/clouds/alibaba/answers';
import { defaultLoginUser } from '../../../../src/clouds/alibaba/login-user';
import { AlibabaEcsProvider, instanceFromEcs } from '../../../../src/clouds/alibaba/provider';
import { RateLimiter } from '../../../../src/cloud/retry';
import { CONTRACT_RETRY } from '../../../contract/provider-contract';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';

const instance = (facts: Partial<CloudInstance>): CloudInstance => ({ id: 'i-abc', name: '', region: 'cn-hangzhou', state: 'Running', osName: '', platform: 'linux', keyIds: [], ...facts });
const page = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  readEcsInstancePage({ RequestId: 'r', Instances: { Instance: [{ InstanceId: 'i-bp1abc', ...fields }] }, ...extra });
const malformedField = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof MalformedField, String(error));
    return error.field;
  }
  assert.fail('expected a MalformedField');
};

describe('ECS login user rule and instance answers', () => {
  it('logs in as ecs-user where the instance was created to (ImageOptions.LoginAsNonRoot), else as root; Windows has no SSH user', () => {
    assert.equal(defaultLoginUser(instance({ loginAsNonRoot: true })), 'ecs-user');
    assert.equal(defaultLoginUser(instance({ loginAsNonRoot: false, osName: 'Ubuntu 22.04 64位' })), 'root');
    assert.equal(defaultLoginUser(instance({})), 'root');
    assert.equal(defaultLoginUser(instance({ platform: 'windows' })), undefined);
  });

  it('reads the public address and the EIP as public addresses, the VPC and classic ones as private, LoginAsNonRoot as sent ("true" too)', () => {
    const { items, nextToken } = page(
      {
        PublicIpAddress: { IpAddress: ['203.0.113.5'] },
        EipAddress: { IpAddress: '198.51.100.7', AllocationId: 'eip-x' },
        VpcAttributes: { PrivateIpAddress: { IpAddress: ['172.16.0.9'] } },
        InnerIpAddress: { IpAddress: ['10.1.2.3'] },
        ImageOptions: { LoginAsNonRoot: 'true' },
        ImageId: 'ubuntu_22_04_x64_20G_alibase_20240710.vhd',
      },
      { NextToken: 'caeba0bbb2be03f84eb48b699f0a4883' },
    );
    const read = instanceFromEcs('cn-hangzhou', items[0]);
    assert.deepEqual([read.publicIps, read.privateIps, read.loginAsNonRoot, read.imageId], [['203.0.113.5', '198.51.100.7'], ['172.16.0.9', '10.1.2.3'], true, 'ubuntu_22_04_x64_20G_alibase_20240710.vhd']);
    assert.equal(nextToken, 'caeba0bbb2be03f84eb48b699f0a4883');
    assert.equal(page({}, { NextToken: '' }).nextToken, undefined, 'an empty NextToken is the last page');
  });

  it('names a hostile EIP, LoginAsNonRoot or NextToken', () => {
    assert.equal(malformedField(() => page({ EipAddress: { IpAddress: '1.2.3.4 -oProxyCommand=x' } })), 'Instances.Instance[0].EipAddress.IpAddress');
    assert.equal(malformedField(() => page({ EipAddress: { IpAddress: ['1.2.3.4'] } })), 'Instances.Instance[0].EipAddress.IpAddress');
    assert.equal(malformedField(() => page({ ImageOptions: { LoginAsNonRoot: 'yes' } })), 'Instances.Instance[0].ImageOptions.LoginAsNonRoot');
    assert.equal(malformedField(() => page({ InnerIpAddress: { IpAddress: ['10.0.0.1\nx'] } })), 'Instances.Instance[0].InnerIpAddress.IpAddress[0]');
    assert.equal(malformedField(() => page({}, { NextToken: 'a b' })), 'NextToken');
    assert.equal(malformedField(() => page({}, { NextToken: 'x'.repeat(300) })), 'NextToken');
    assert.equal(malformedField(() => page({}, { NextToken: 7 })), 'NextToken');
  });
});

describe('ECS listing instances by NextToken against a server that pages in a circle', function () {
  this.timeout(20_000);
  let fake: FakeAlibabaEcs;
  before(async () => {
    fake = new FakeAlibabaEcs({ acceptUndocumentedKeyTypes: true });
    await fake.start();
  });
  after(() => fake.stop());

  it('stops at a NextToken it was given before, and lists each instance once', async () => {
    for (let i = 0; i < 120; i++) fake.seedInstance({});
    // Every answer points back to the first page.
    fake.faults.add({ fault: { kind: 'rewrite', set: { NextToken: fake.account.newPageToken(0) } }, action: 'DescribeInstances' });
    const ecs = new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: fake.url, rateLimiter: new RateLimiter(), retry: CONTRACT_RETRY });
    const instances = await ecs.listInstances({ region: 'cn-hangzhou' });
    assert.equal(fake.requests.filter((r) => r.action === 'DescribeInstances').length, 2);
    assert.equal(instances.length, 100);
    assert.equal(new Set(instances.map((i) => i.id)).size, 100);
  });
});
