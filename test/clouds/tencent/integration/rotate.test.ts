// Rotate Key Pair in the real extension host, against the fake CVM whose Linux instances are real
// sshd servers: the user answers the questions (type, passphrase, file, the plan), the key pair
// bound to a running and a stopped instance is rotated, the new key logs in with the real ssh and
// the old one is refused, and the old key pair is deleted as agreed. A rotation that could not
// prove one instance is offered again, and Roll Back puts that instance back on the old key.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../fake/server';
import { CHOICES, api, asUser, cvmAdmin, fixture, signInToFakeCvm, signOutOfFakeCvm } from '../../../integration/helpers';
import { user } from '../../../integration/test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const KNOWN_HOSTS = process.env.CLOUD_SSH_KEYS_TEST_KNOWN_HOSTS;
const REGION = 'ap-guangzhou';

interface FakeInstance {
  InstanceId: string;
  InstanceName: string;
  KeyIds: string[];
  PublicIpAddresses: string[];
}
interface FakeKeyPair {
  KeyId: string;
  KeyName: string;
}
const state = () => cvmAdmin<{ instances: FakeInstance[]; keyPairs: FakeKeyPair[] }>(CVM_URL!, 'state');

async function keyPairNode(keyId: string): Promise<CloudKeysNode> {
  const { cloudKeys } = await api();
  cloudKeys!.refresh();
  const provider = (await cloudKeys!.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent')!;
  const region = (await cloudKeys!.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION)!;
  const node = (await cloudKeys!.getChildren(region)).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId);
  assert.ok(node, `${keyId} is not listed`);
  return node;
}

describe('Rotate Key Pair (fake CVM, real sshd)', function () {
  this.timeout(180_000);
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-rotate-'));
  const sshConfig = path.join(scratch, 'ssh_config');
  const sshDir = () => fixture().sshDir;
  const created: string[] = [];
  let names: string[] = [];
  let ids: string[] = [];

  const logsIn = (instanceId: string, key: string, instances: FakeInstance[]) => {
    const address = instances.find((i) => i.InstanceId === instanceId)!.PublicIpAddresses[0];
    const r = spawnSync('ssh', ['-F', '/dev/null', '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', `UserKnownHostsFile=${KNOWN_HOSTS}`, '-o', 'StrictHostKeyChecking=yes', `${os.userInfo().username}@${address}`, 'echo ok'], { encoding: 'utf8', timeout: 30_000 });
    return r.stdout === 'ok\n';
  };

  /** A key made by ssh-keygen, imported through the extension and bound to both instances (the running one shut down, as agreed). */
  async function boundKey(name: string): Promise<{ file: string; keyId: string }> {
    const file = path.join(sshDir(), name);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', `${name}@test`, '-f', file]);
    created.push(file, `${file}.pub`);
    await (await api()).localKeys.refresh();
    const [imported] = (await asUser<ImportOutcome[]>([[REGION], name], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${file}.pub`))) ?? [];
    assert.ok(imported?.keyId, JSON.stringify(imported));
    assert.equal(await asUser([names, CHOICES.shutDown], 'cloudSshKeys.bindCloudKeyPair', await keyPairNode(imported.keyId)), true);
    const instances = (await state()).instances;
    for (const id of ids) assert.ok(logsIn(id, file, instances), `${name} does not log in to ${id} before the rotation`);
    return { file, keyId: imported.keyId };
  }

  before(async function () {
    if (!CVM_URL || !KNOWN_HOSTS) this.skip();
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
    // Our own two instances: one running (its bind needs a shutdown), one stopped.
    for (const [name, st] of [['rot-web', 'RUNNING'], ['rot-db', 'STOPPED']]) {
      const { instanceId } = await cvmAdmin<{ instanceId: string }>(CVM_URL, 'instances', 'POST', { name, region: REGION, state: st });
      ids.push(instanceId);
    }
    names = ['rot-web', 'rot-db'];
    fs.writeFileSync(sshConfig, `UserKnownHostsFile ${KNOWN_HOSTS}\n`, { mode: 0o600 });
    await config().update('connect.sshConfigFile', sshConfig, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!CVM_URL || !KNOWN_HOSTS) return;
    await config().update('connect.sshConfigFile', undefined, vscode.ConfigurationTarget.Global);
    for (const f of created) fs.rmSync(f, { force: true });
    await signOutOfFakeCvm(CVM_URL);
    ids = [];
  });

  it('rotates a key pair bound to a running and a stopped instance: plan shown, the new key logs in, the old one is refused, the old key pair deleted @connect', async () => {
    const old = await boundKey('rot_old');
    const target = path.join(sshDir(), 'rot_new');
    created.push(target, `${target}.pub`);
    const mark = user.mark();
    const ok = await asUser<boolean>(['RSA 3072', '', target, 'Rotate and Delete the Old Key Pair'], 'cloudSshKeys.rotateKeyPair', await keyPairNode(old.keyId));
    const shown = mark.shown();
    assert.equal(ok, true, JSON.stringify(shown));
    // The plan named both instances and the shutdown before anything happened.
    const plan = shown.find((m) => m.startsWith('Rotate rot_old on 2 instance(s)?'));
    assert.ok(plan && plan.includes('rot-web'), JSON.stringify(shown));
    assert.ok(shown.some((m) => m.startsWith('Rotated: the new key logs in on all 2 instance(s)')), JSON.stringify(shown));
    const after = await state();
    const newPair = after.keyPairs.find((k) => k.KeyName === 'rot_new');
    assert.ok(newPair, 'the new key pair is not in the cloud');
    assert.ok(!after.keyPairs.some((k) => k.KeyId === old.keyId), 'the old key pair was not deleted');
    for (const id of ids) {
      assert.deepEqual(after.instances.find((i) => i.InstanceId === id)!.KeyIds, [newPair.KeyId]);
      assert.ok(logsIn(id, target, after.instances), `the new key does not log in to ${id}`);
      assert.ok(!logsIn(id, old.file, after.instances), `the old key still logs in to ${id}`);
    }
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(sshConfig, 'utf8'), new RegExp(`IdentityFile ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(!fs.existsSync(`${target}.rotation.json`), 'a finished rotation leaves no state');
  });

  it('an instance the new key cannot be proven on keeps the old key; the rotation is offered again, and Roll Back undoes it', async () => {
    const old = await boundKey('rot2_old');
    const target = path.join(sshDir(), 'rot2_new');
    created.push(target, `${target}.pub`, `${target}.rotation.json`);
    // rot-db at a documentation address no sshd follows: the login check fails there.
    const original = (await state()).instances.find((i) => i.InstanceId === ids[1])!.PublicIpAddresses;
    await cvmAdmin(CVM_URL!, `instances/${ids[1]}/addresses`, 'POST', { publicIps: ['192.0.2.1'] });
    try {
      const mark = user.mark();
      const ok = await asUser<boolean>(['RSA 3072', '', target, 'Rotate'], 'cloudSshKeys.rotateKeyPair', await keyPairNode(old.keyId));
      assert.equal(ok, false);
      assert.ok(mark.shown().some((m) => m.startsWith('Rotated 1 of 2 instance(s); the others keep the old key.')), JSON.stringify(mark.shown()));
      const mid = await state();
      assert.ok(mid.instances.find((i) => i.InstanceId === ids[1])!.KeyIds.includes(old.keyId), 'the unproven instance lost its old key');
      assert.ok(fs.existsSync(`${target}.rotation.json`), 'the state was not kept');
    } finally {
      await cvmAdmin(CVM_URL!, `instances/${ids[1]}/addresses`, 'POST', { publicIps: original });
    }
    // Run again on the same key pair: resume or roll back is offered; roll back.
    const mark = user.mark();
    assert.equal(await asUser<boolean>(['Roll Back'], 'cloudSshKeys.rotateKeyPair', await keyPairNode(old.keyId)), false);
    assert.ok(mark.shown().some((m) => m.startsWith('A rotation of this key did not finish')), JSON.stringify(mark.shown()));
    assert.ok(mark.shown().some((m) => m.startsWith('Rolled back')), JSON.stringify(mark.shown()));
    const after = await state();
    for (const id of ids) assert.deepEqual(after.instances.find((i) => i.InstanceId === id)!.KeyIds, [old.keyId], id);
    assert.ok(!after.keyPairs.some((k) => k.KeyName === 'rot2_new'), 'the new key pair is still in the cloud');
    assert.ok(fs.existsSync(target), 'the new private key file must stay');
    assert.ok(logsIn(ids[0], old.file, after.instances));
  });
});
