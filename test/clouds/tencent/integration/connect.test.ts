// Connect, in the real extension host against the fake CVM whose Linux instances are real sshd
// servers (test/harness/instance-servers.mjs): a local key bound to an instance opens an SSH
// terminal that is really logged in; the managed SSH config block keeps every other byte and
// follows the listing; an unbound instance and a missing local key are explained.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../fake/server';
import { CHOICES, api, asUser, cvmAdmin, eventually, fixture, rootItems, signInToFakeCvm, signOutOfFakeCvm } from '../../../integration/helpers';
import { CANCEL, user } from '../../../integration/test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
/** Set by the harness when the fake's instances are real sshd servers (root only): their host keys. */
const KNOWN_HOSTS = process.env.CLOUD_SSH_KEYS_TEST_KNOWN_HOSTS;
const REAL_SERVERS = !!KNOWN_HOSTS;
const REGION = 'ap-guangzhou';

interface FakeInstance {
  InstanceId: string;
  InstanceName: string;
  InstanceState: string;
  os: string;
  KeyIds: string[];
  PublicIpAddresses: string[];
  DefaultLoginUser: string;
}
const state = () => cvmAdmin<{ instances: FakeInstance[] }>(CVM_URL!, 'state');

type InstanceNode = Extract<CloudKeysNode, { kind: 'instance' }>;

/** The instance's item under its region's Instances group, after a fresh listing. */
async function instanceNode(instanceId: string): Promise<InstanceNode> {
  const { cloudKeys } = await api();
  assert.ok(cloudKeys);
  cloudKeys.refresh();
  const provider = (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent');
  assert.ok(provider, 'no Tencent Cloud node');
  const region = (await cloudKeys.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION);
  assert.ok(region, `no ${REGION} node`);
  const group = (await cloudKeys.getChildren(region)).find((n) => n.kind === 'instances');
  assert.ok(group, `no Instances group under ${REGION}`);
  const node = (await cloudKeys.getChildren(group)).find((n): n is InstanceNode => n.kind === 'instance' && n.instance.id === instanceId);
  assert.ok(node, `${instanceId} is not under Instances`);
  return node;
}

describe('Connect to a Tencent CVM instance (fake CVM, real sshd)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-connect-'));
  const sshConfig = path.join(scratch, 'ssh_config');
  /**
   * The user's own lines, with CRLF and no final newline: every byte must stay. Their global
   * UserKnownHostsFile (the instance servers' host keys, as if connected before) applies to our
   * hosts too, after the block's `Match all`.
   */
  const USER_LINES = `# my hosts\r\nUserKnownHostsFile ${KNOWN_HOSTS ?? '~/.ssh/known_hosts'}\r\nInclude ~/.ssh/conf.d/*\r\nHost bastion\r\n  HostName 192.0.2.10\r\n  User me\r\nMatch host *.internal\r\n  ProxyJump bastion`;
  const keyFile = path.join(fixture().sshDir, 'connect_key');
  let keyId: string;
  let target: FakeInstance;

  before(async function () {
    if (!CVM_URL) this.skip();
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
    fs.writeFileSync(sshConfig, USER_LINES, { mode: 0o600 });
    await config().update('connect.sshConfigFile', sshConfig, vscode.ConfigurationTarget.Global);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'connect@test', '-f', keyFile]); // RSA: the type CVM documents
    await (await api()).localKeys.refresh();
    const [imported] = (await asUser<ImportOutcome[]>([[REGION], 'connect_key'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${keyFile}.pub`))) ?? [];
    assert.ok(imported?.keyId, JSON.stringify(imported));
    keyId = imported.keyId;
    // A Linux instance the image logs in to as root (the sshd here accepts the user running the tests).
    target = (await state()).instances.find((i) => i.os === 'linux' && i.InstanceState === 'STOPPED' && i.DefaultLoginUser === os.userInfo().username)!;
    assert.ok(target, `no stopped Linux instance logging in as ${os.userInfo().username}: ${JSON.stringify((await state()).instances)}`);
  });

  after(async () => {
    if (!CVM_URL) return;
    await config().update('connect.sshConfigFile', undefined, vscode.ConfigurationTarget.Global);
    for (const f of [keyFile, `${keyFile}.pub`]) fs.rmSync(f, { force: true });
    await signOutOfFakeCvm(CVM_URL);
  });

  it('an instance with no key pair bound: Connect explains, nothing is written', async () => {
    const node = await instanceNode(target.InstanceId);
    const mark = user.mark();
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.openSshTerminal', node), undefined);
    assert.ok(mark.shown().some((m) => m.includes('No key pair is bound to') && m.includes(target.InstanceName)), JSON.stringify(mark.shown()));
    assert.equal(fs.readFileSync(sshConfig, 'utf8'), USER_LINES, 'the SSH config was changed');
  });

  it('bound to a local key: Open SSH Terminal writes the Host entry (every other byte kept) and the terminal is logged in to the real sshd @connect', async () => {
    const keyPairNodeOf = async () => {
      const { cloudKeys } = await api();
      cloudKeys!.refresh();
      const provider = (await cloudKeys!.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent')!;
      const region = (await cloudKeys!.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION)!;
      return (await cloudKeys!.getChildren(region)).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId)!;
    };
    assert.equal(await asUser([[target.InstanceName]], 'cloudSshKeys.bindCloudKeyPair', await keyPairNodeOf()), true);
    const node = await instanceNode(target.InstanceId);
    assert.deepEqual(node.instance.keyIds, [keyId]);
    // The Local Keys item of the key says which instance it opens.
    await eventually(
      async () => (await rootItems()).find((r) => r.label === 'connect_key' && String(r.item.description).includes(`opens ${target.InstanceName} (Tencent Cloud ${REGION})`)),
      () => 'the Local Keys item of connect_key never said it opens the instance',
    );
    const terminal = (await vscode.commands.executeCommand<vscode.Terminal>('cloudSshKeys.openSshTerminal', node))!;
    assert.ok(terminal, `no terminal: ${JSON.stringify(user.mark().shown())}`);
    const alias = `tencent-${REGION}-${target.InstanceName}`;
    assert.equal(terminal.name, `SSH ${alias}`);
    const written = fs.readFileSync(sshConfig, 'utf8');
    // The block comes first; after it, the user's bytes exactly.
    assert.ok(written.endsWith(USER_LINES), `the user's lines changed:\n${JSON.stringify(written)}`);
    const block = written.slice(0, written.length - USER_LINES.length);
    assert.match(block, new RegExp(`\\r\\nHost ${alias}\\r\\n`), JSON.stringify(block));
    assert.match(block, new RegExp(`HostName ${target.PublicIpAddresses[0].replace(/\./g, '\\.')}\\r\\n`));
    assert.match(block, new RegExp(`User ${target.DefaultLoginUser}\\r\\n`));
    assert.match(block, /IdentitiesOnly yes\r\n/);
    assert.ok(block.includes(`IdentityFile ${keyFile}`), block);
    // What ssh itself reads from the file.
    const resolved = execFileSync('ssh', ['-G', '-F', sshConfig, alias], { encoding: 'utf8' });
    assert.match(resolved, new RegExp(`^hostname ${target.PublicIpAddresses[0]}$`, 'm'));
    assert.match(resolved, new RegExp(`^identityfile ${keyFile}$`, 'm'));
    if (!REAL_SERVERS) return void terminal.dispose();
    // Logged in for real: the shell on the instance writes where it came from.
    const marker = path.join(scratch, 'ssh_connection');
    terminal.sendText(`echo "$SSH_CONNECTION" > ${marker}; exit`);
    const seen = await eventually(() => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : undefined), () => 'the terminal never logged in', 30_000);
    assert.match(seen, new RegExp(` ${target.PublicIpAddresses[0].replace(/\./g, '\\.')} 22$`), seen);
  });

  it('Connect → Copy SSH Command copies ssh -F <file> <alias>, and that command logs in', async () => {
    const node = await instanceNode(target.InstanceId);
    const alias = `tencent-${REGION}-${target.InstanceName}`;
    await asUser([/Copy SSH Command/], 'cloudSshKeys.connectInstance', node);
    assert.equal(await vscode.env.clipboard.readText(), `ssh -F ${sshConfig} ${alias}`);
    if (!REAL_SERVERS) return;
    const login = spawnSync('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', alias, 'true'], { encoding: 'utf8' });
    assert.equal(login.status, 0, login.stderr);
  });

  it('Open in Remote-SSH Window without a Remote-SSH extension says what to install, and sends nothing', async () => {
    const node = await instanceNode(target.InstanceId);
    const mark = user.mark();
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.openRemoteSshWindow', node), false);
    assert.ok(mark.shown().some((m) => m.includes('needs a Remote-SSH extension')), JSON.stringify(mark.shown()));
    // The Connect quick pick offers only what works here.
    await asUser([(q) => (assert.ok(!q.labels.some((l) => /Remote-SSH/.test(l)), JSON.stringify(q.labels)), CANCEL)], 'cloudSshKeys.connectInstance', node);
  });

  it('the block follows the listing: a new address after stop/start is written, the user\'s lines stay', async () => {
    const moved = target.PublicIpAddresses[0].replace(/\.(\d+)$/, (_m, n) => `.${Number(n) + 100}`);
    await cvmAdmin(CVM_URL!, `instances/${target.InstanceId}/addresses`, 'POST', { publicIps: [moved] });
    await instanceNode(target.InstanceId); // the view lists again
    await eventually(() => fs.readFileSync(sshConfig, 'utf8').includes(`HostName ${moved}\r\n`), () => `the block still has the old address:\n${fs.readFileSync(sshConfig, 'utf8')}`);
    assert.ok(fs.readFileSync(sshConfig, 'utf8').endsWith(USER_LINES));
    await cvmAdmin(CVM_URL!, `instances/${target.InstanceId}/addresses`, 'POST', { publicIps: [target.PublicIpAddresses[0]] });
    await instanceNode(target.InstanceId);
    await eventually(() => fs.readFileSync(sshConfig, 'utf8').includes(`HostName ${target.PublicIpAddresses[0]}\r\n`), () => 'the block never went back');
  });

  it('Change Login User is remembered and written; empty goes back to what the cloud says', async () => {
    const node = await instanceNode(target.InstanceId);
    await asUser([/Change Login User/, 'deploy', CANCEL], 'cloudSshKeys.connectInstance', node);
    assert.match(fs.readFileSync(sshConfig, 'utf8'), /User deploy\r\n/);
    await asUser([/Change Login User/, '', CANCEL], 'cloudSshKeys.connectInstance', await instanceNode(target.InstanceId));
    assert.match(fs.readFileSync(sshConfig, 'utf8'), new RegExp(`User ${target.DefaultLoginUser}\\r\\n`));
  });

  it('no local private key for the bound key pair: the fixes are offered (pick the key file, import one); declined, nothing changes', async () => {
    const pub = fixture().sshItems.only_public?.public;
    assert.ok(pub, 'the fixture has no public-only key');
    // The fixture's public-only key is ED25519: the fake takes it here (this test is about the missing private key).
    await cvmAdmin(CVM_URL!, 'options', 'POST', { acceptUndocumentedKeyTypes: true });
    const [onlyPublic] = (await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION], 'only_public_key'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(pub))) ?? [];
    await cvmAdmin(CVM_URL!, 'options', 'POST', { acceptUndocumentedKeyTypes: false });
    assert.ok(onlyPublic?.keyId);
    const other = (await state()).instances.find((i) => i.os === 'linux' && i.InstanceState === 'STOPPED' && i.InstanceId !== target.InstanceId)!;
    const { cloudKeys } = await api();
    cloudKeys!.refresh();
    const provider = (await cloudKeys!.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent')!;
    const region = (await cloudKeys!.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION)!;
    const keyPair = (await cloudKeys!.getChildren(region)).find((n) => n.kind === 'keyPair' && n.keyPair.id === onlyPublic.keyId)!;
    assert.equal(await asUser([[other.InstanceName]], 'cloudSshKeys.bindCloudKeyPair', keyPair), true);
    const before = fs.readFileSync(sshConfig, 'utf8');
    const mark = user.mark();
    await asUser([(q) => (assert.deepEqual(q.labels, ['Pick Key File…', 'Import a Local Key…']), CANCEL)], 'cloudSshKeys.connectInstance', await instanceNode(other.InstanceId));
    assert.ok(mark.asked().some((q) => q.kind === 'dialog' && q.title.includes('No private key in your SSH folders matches only_public_key')), JSON.stringify(mark.asked()));
    assert.equal(fs.readFileSync(sshConfig, 'utf8'), before);
  });

  it('after unbinding, Connect explains why it cannot log in, and the entry leaves the block', async () => {
    const { cloudKeys } = await api();
    cloudKeys!.refresh();
    const provider = (await cloudKeys!.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent')!;
    const region = (await cloudKeys!.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION)!;
    const keyPair = (await cloudKeys!.getChildren(region)).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId)!;
    assert.equal(await asUser([[target.InstanceName]], 'cloudSshKeys.unbindCloudKeyPair', keyPair), true);
    const mark = user.mark();
    await vscode.commands.executeCommand('cloudSshKeys.connectInstance', await instanceNode(target.InstanceId));
    assert.ok(mark.shown().some((m) => m.includes('No key pair is bound to')), JSON.stringify(mark.shown()));
    await eventually(() => !fs.readFileSync(sshConfig, 'utf8').includes(`Host tencent-${REGION}-${target.InstanceName}`), () => 'the entry stayed in the block');
    assert.equal(fs.readFileSync(sshConfig, 'utf8'), USER_LINES, 'the file is not back to the user\'s bytes');
    if (!REAL_SERVERS) return;
    const login = spawnSync('ssh', ['-F', '/dev/null', '-i', keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', `UserKnownHostsFile=${KNOWN_HOSTS}`, `${target.DefaultLoginUser}@${target.PublicIpAddresses[0]}`, 'true'], { encoding: 'utf8' });
    assert.match(login.stderr, /Permission denied/, login.stderr);
    assert.notEqual(login.status, 0, 'the unbound key still logs in');
  });
});
