// Lighthouse's own part of what connecting reads: no login user in its Instance, so the image decides
// (Platform UBUNTU: ubuntu; other Linux: root), and its Platform and PlatformType are read as words.

import * as assert from 'node:assert/strict';
import { MalformedField } from '../../../../src/cloud/answer-fields';
import { readInstancePage } from '../../../../src/clouds/lighthouse/answers';
import { LIGHTHOUSE_DESCRIPTOR } from '../../../../src/clouds/lighthouse/descriptor';

const page = (fields: Record<string, unknown>) =>
  readInstancePage({ TotalCount: 1, InstanceSet: [{ InstanceId: 'lhins-abcdefgh', PlatformType: 'LINUX_UNIX', ...fields }] }, 'ap-guangzhou');

describe('Lighthouse login user rule and instance answers', () => {
  it('logs in to Ubuntu blueprints as ubuntu (by Platform, whatever the OS name says), to the other Linux ones as root; Windows has no SSH user', () => {
    const login = (fields: Record<string, unknown>) => LIGHTHOUSE_DESCRIPTOR.defaultLoginUser(page(fields).items[0]);
    assert.equal(login({ Platform: 'UBUNTU', OsName: 'Ubuntu Server 22.04 LTS 64bit' }), 'ubuntu');
    assert.equal(login({ Platform: 'UBUNTU', OsName: 'WordPress 6.4' }), 'ubuntu');
    assert.equal(login({ Platform: 'CENTOS', OsName: 'CentOS 7.9 64bit' }), 'root');
    assert.equal(login({ Platform: 'DEBIAN', OsName: 'Debian 12' }), 'root');
    assert.equal(login({ PlatformType: 'WINDOWS', Platform: 'WINDOWS_SERVER_2022', OsName: 'Windows Server 2022' }), undefined);
  });

  it('reads the documented fields and no login user or port, whatever an answer adds', () => {
    const [instance] = page({ PublicAddresses: ['203.0.113.8'], PrivateAddresses: ['10.0.0.8'], BlueprintId: 'lhbp-ubuntu22', Platform: 'UBUNTU', DefaultLoginUser: '-oProxyCommand=x', DefaultLoginPort: 0 }).items;
    assert.deepEqual(
      [instance.publicIps, instance.privateIps, instance.imageId, instance.osFamily, instance.loginUser, instance.loginPort],
      [['203.0.113.8'], ['10.0.0.8'], 'lhbp-ubuntu22', 'UBUNTU', undefined, undefined],
    );
  });

  it('names a Platform or PlatformType that is no upper-case word', () => {
    for (const fields of [{ Platform: 'ubuntu; id' }, { Platform: 'UBUNTU\nX' }, { PlatformType: 'LINUX UNIX' }, { Platform: 7 }]) {
      assert.throws(() => page(fields), (e: unknown) => e instanceof MalformedField && /^InstanceSet\[0\]\.Platform(Type)?$/.test(e.field), JSON.stringify(fields));
    }
  });
});
