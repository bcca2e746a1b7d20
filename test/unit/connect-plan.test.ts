import * as assert from 'node:assert/strict';
import { localPrivateKeys, planConnection, type ConnectionInputs } from '../../src/cloud/connect-plan';
import type { CloudInstance, KeyPair } from '../../src/cloud/provider';

const keyPair = (id: string, blobBase64: string): KeyPair => ({
  id, name: id, region: 'ap-guangzhou', publicKey: `ssh-ed25519 ${blobBase64}`, blobBase64, createdTime: '', description: '', associatedInstanceIds: [], projectId: '0',
});
const instance = (over: Partial<CloudInstance> = {}): CloudInstance => ({
  id: 'ins-abc12345', name: 'web-1', region: 'ap-guangzhou', state: 'RUNNING', osName: 'Ubuntu Server 22.04', platform: 'linux',
  keyIds: ['skey-aaaaaaaa'], publicIps: ['203.0.113.7'], privateIps: ['10.0.0.7'], ...over,
});
const inputs = (over: Partial<ConnectionInputs> = {}): ConnectionInputs => ({
  instance: instance(),
  keyPairs: [keyPair('skey-aaaaaaaa', 'AAAA1'), keyPair('skey-bbbbbbbb', 'BBBB2')],
  localKeys: [{ path: '/home/u/.ssh/other', blobBase64: 'BBBB2' }, { path: '/home/u/.ssh/work', blobBase64: 'AAAA1' }],
  loginUser: (i) => i.loginUser ?? (/ubuntu/i.test(i.osName) ? 'ubuntu' : 'root'),
  ...over,
});

describe('planConnection: from a listed instance and the local keys to a login', () => {
  it('picks the private key whose public half is the bound key pair, by blob (not by name), the public address and the image user', () => {
    const plan = planConnection(inputs());
    assert.ok(plan.ok);
    assert.equal(plan.identityFile, '/home/u/.ssh/work');
    assert.equal(plan.keyPair.id, 'skey-aaaaaaaa');
    assert.deepEqual([plan.hostName, plan.addressKind, plan.user, plan.userSource, plan.port], ['203.0.113.7', 'public', 'ubuntu', 'image-default', 22]);
    assert.deepEqual(plan.host, { instanceId: 'ins-abc12345', instanceName: 'web-1', hostName: '203.0.113.7', user: 'ubuntu', port: 22, identityFile: '/home/u/.ssh/work' });
  });

  it('the user and port the cloud reports win over the image default; a remembered override wins over both', () => {
    const reported = planConnection(inputs({ instance: instance({ loginUser: 'lighthouse', loginPort: 2222 }) }));
    assert.ok(reported.ok);
    assert.deepEqual([reported.user, reported.userSource, reported.port], ['lighthouse', 'cloud', 2222]);
    const overridden = planConnection(inputs({ instance: instance({ loginUser: 'lighthouse' }), userOverride: 'deploy' }));
    assert.ok(overridden.ok);
    assert.deepEqual([overridden.user, overridden.userSource], ['deploy', 'override']);
  });

  it('the private address when there is no public one, or when the user prefers it', () => {
    const noPublic = planConnection(inputs({ instance: instance({ publicIps: [] }) }));
    assert.ok(noPublic.ok);
    assert.deepEqual([noPublic.hostName, noPublic.addressKind], ['10.0.0.7', 'private']);
    const preferred = planConnection(inputs({ preferPrivateIp: true }));
    assert.ok(preferred.ok);
    assert.equal(preferred.hostName, '10.0.0.7');
    const onlyPublic = planConnection(inputs({ preferPrivateIp: true, instance: instance({ privateIps: [] }) }));
    assert.ok(onlyPublic.ok);
    assert.equal(onlyPublic.hostName, '203.0.113.7');
  });

  it('says why it cannot: Windows, no key pair bound, no local key for the bound one, no address, no user', () => {
    assert.deepEqual(planConnection(inputs({ instance: instance({ platform: 'windows' }) })), { ok: false, reason: 'windows' });
    assert.deepEqual(planConnection(inputs({ instance: instance({ keyIds: [] }) })), { ok: false, reason: 'no-key-pair' });
    const noLocal = planConnection(inputs({ localKeys: [{ path: '/x', blobBase64: 'ZZZZ' }] }));
    assert.equal(noLocal.ok, false);
    assert.equal(!noLocal.ok && noLocal.reason, 'no-local-key');
    assert.deepEqual(!noLocal.ok && noLocal.reason === 'no-local-key' && noLocal.keyPairs.map((k) => k.id), ['skey-aaaaaaaa']);
    assert.deepEqual(planConnection(inputs({ instance: instance({ publicIps: [], privateIps: [] }) })), { ok: false, reason: 'no-address' });
    assert.deepEqual(planConnection(inputs({ loginUser: () => undefined })), { ok: false, reason: 'no-login-user' });
  });

  it('localPrivateKeys keeps only pairs with a private key whose public half is known', () => {
    const keys = localPrivateKeys([
      { privateKey: { path: '/a' }, facts: { blobBase64: 'A' } },
      { facts: { blobBase64: 'B' } },
      { privateKey: { path: '/c' }, facts: {} },
    ]);
    assert.deepEqual(keys, [{ path: '/a', blobBase64: 'A' }]);
  });
});
