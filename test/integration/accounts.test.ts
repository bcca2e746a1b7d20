// Several accounts of one cloud, side by side, from the profile files of the clouds' own CLIs (tccli, aliyun):
// with nothing in SecretStorage or the environment, ~/.tccli/default.credential is an account of its
// own; a second profile (another fake account) is listed beside it with its own key pairs; an import
// goes to the account the user picked; Sign Out hides a profile without touching its file; an added
// account keeps its secret under its own SecretStorage key; no profile secret reaches a log, a
// setting, a notification or a state file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import type { CloudAccount } from '../../src/platform/cloud-account';
import type { CloudKeysNode } from '../../src/views/cloud-keys-view';
import { FAKE_ECS_ACCESS_KEY } from '../clouds/alibaba/fake/server';
import { FAKE_OTHER_ACCOUNT_CREDENTIAL, FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { api, asUser, cvmAdmin, filesContaining, fixture } from './helpers';
import { user } from './test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';
const OTHER_UIN = '100000000002';
type ProviderNode = Extract<CloudKeysNode, { kind: 'provider' }>;
const ENV_CREDENTIALS = ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN'];

/** Retries `check` (an assertion) until it passes or `timeoutMs` is over; returns its value. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('several accounts from tccli and aliyun profiles (fake CVM with two accounts, fake ECS)', function () {
  this.timeout(120_000);
  const tccli = path.join(os.homedir(), '.tccli');
  const aliyun = path.join(os.homedir(), '.aliyun');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-accounts-'));
  const writeProfile = (name: string, credential: { secretId: string; secretKey: string }, region = REGION) => {
    fs.mkdirSync(tccli, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(tccli, `${name}.credential`), JSON.stringify({ secretId: credential.secretId, secretKey: credential.secretKey }, null, 4), { mode: 0o600 });
    fs.writeFileSync(path.join(tccli, `${name}.configure`), JSON.stringify({ _sys_param: { region, output: 'json' } }, null, 4));
  };
  const keyPairsOf = async (uin?: string) =>
    (await cvmAdmin<{ keyPairs: Array<{ KeyId: string; KeyName: string }> }>(CVM_URL!, uin ? `state?account=${uin}` : 'state')).keyPairs;
  /** The Tencent Cloud nodes the view shows now, by account. */
  const tencentRoots = async (): Promise<ProviderNode[]> => {
    const { cloudKeys } = await api();
    return (await cloudKeys!.getChildren()).filter((n): n is ProviderNode => n.kind === 'provider' && n.account.descriptor.id === 'tencent');
  };
  const keyNamesUnder = async (root: ProviderNode): Promise<string[]> => {
    const { cloudKeys } = await api();
    const regions = (await cloudKeys!.getChildren(root)).filter((n) => n.kind === 'region');
    const pairs = (await Promise.all(regions.map((r) => cloudKeys!.getChildren(r)))).flat();
    return pairs.flatMap((n) => (n.kind === 'keyPair' ? [n.keyPair.name] : [])).sort();
  };
  const profileAccount = async (name: string): Promise<CloudAccount> => {
    const found = (await api()).cloudAccounts!.of('tencent').find((a) => a.slot.kind === 'profile' && a.slot.name === name);
    assert.ok(found, `no account for the profile ${name}`);
    return found;
  };
  const refreshView = async () => {
    await vscode.commands.executeCommand('cloudSshKeys.refreshCloudKeys');
  };
  const newKey = (name: string) => {
    const file = path.join(scratch, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', file]);
    return file;
  };

  const savedEnv = Object.fromEntries(ENV_CREDENTIALS.map((v) => [v, process.env[v]]));
  const everything = user.mark();

  before(async function () {
    if (!CVM_URL) this.skip();
    for (const v of ENV_CREDENTIALS) delete process.env[v];
    const config = vscode.workspace.getConfiguration('cloudSshKeys');
    await cvmAdmin(CVM_URL, 'reset', 'POST');
    await config.update('tencent.endpoint', CVM_URL, vscode.ConfigurationTarget.Global);
    await config.update('tencent.regions', [REGION], vscode.ConfigurationTarget.Global);
    // Nothing stored, nothing in the environment: only the profile files.
    await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
    assert.equal(await (await api()).accounts!.tencent.credentials(), undefined, 'the main Tencent account has credentials');
  });

  after(async () => {
    for (const [v, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[v] = value;
    fs.rmSync(tccli, { recursive: true, force: true });
    fs.rmSync(aliyun, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
    if (!CVM_URL) return;
    await refreshView();
    const config = vscode.workspace.getConfiguration('cloudSshKeys');
    await config.update('tencent.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config.update('tencent.regions', undefined, vscode.ConfigurationTarget.Global);
    await cvmAdmin(CVM_URL, 'reset', 'POST');
  });

  it('~/.tccli/default.credential alone (nothing stored, no environment): the view lists that account\'s key pairs', async () => {
    // A key pair already in the default fake account, put there with its own keys (not through the view).
    const { accounts } = await api();
    await accounts!.tencent.connect({ ...FAKE_TEST_CREDENTIAL }).importKeyPair({ region: REGION, name: 'from_console', publicKey: fs.readFileSync(`${newKey('from_console')}.pub`, 'utf8') });
    writeProfile('default', FAKE_TEST_CREDENTIAL);
    await refreshView();
    const roots = await eventually(async () => {
      const r = await tencentRoots();
      assert.equal(r.length, 1, `Tencent nodes: ${r.length}`);
      return r;
    });
    const account = roots[0].account;
    assert.deepEqual(account.slot, { kind: 'profile', name: 'default', file: path.join(tccli, 'default.credential') });
    assert.equal((await account.credentials())?.source, 'profile');
    assert.deepEqual(await keyNamesUnder(roots[0]), ['from_console']);
    const { cloudKeys } = await api();
    const item = cloudKeys!.getTreeItem(roots[0]);
    assert.match(String(item.label), /Tencent Cloud \(profile default\)/);
    assert.match(String(item.description), /default\.credential/);
  });

  it('a second profile (another account): listed side by side with its own key pairs, and an import goes to the account picked', async () => {
    const { accounts } = await api();
    await accounts!.tencent.connect({ ...FAKE_OTHER_ACCOUNT_CREDENTIAL }).importKeyPair({ region: REGION, name: 'customer_key', publicKey: fs.readFileSync(`${newKey('customer_key')}.pub`, 'utf8') });
    // The file appears as tccli configure --profile work writes it: the view follows (a watcher), no refresh.
    writeProfile('work', FAKE_OTHER_ACCOUNT_CREDENTIAL);
    const roots = await eventually(async () => {
      const r = await tencentRoots();
      assert.equal(r.length, 2, `Tencent nodes: ${r.length}`);
      return r;
    }, 10_000);
    const byProfile = new Map(roots.map((r) => [r.account.slot.kind === 'profile' ? r.account.slot.name : '', r]));
    assert.deepEqual(await keyNamesUnder(byProfile.get('default')!), ['from_console']);
    assert.deepEqual(await keyNamesUnder(byProfile.get('work')!), ['customer_key']);

    // Import from the explorer: the command asks which account.
    const pub = vscode.Uri.file(`${newKey('picked_work')}.pub`);
    const mark = user.mark();
    const outcomes = await asUser<ImportOutcome[]>(['Tencent CVM (profile work)', [REGION], 'picked_work'], 'cloudSshKeys.tencent.importKeyPair', pub);
    assert.ok(outcomes?.[0]?.keyId, JSON.stringify(outcomes));
    const [which] = mark.asked();
    assert.match(which.title, /which account/);
    assert.deepEqual(which.labels.sort(), ['Tencent CVM (profile default)', 'Tencent CVM (profile work)']);
    assert.deepEqual((await keyPairsOf(OTHER_UIN)).map((k) => k.KeyName).sort(), ['customer_key', 'picked_work']);
    assert.deepEqual((await keyPairsOf()).map((k) => k.KeyName), ['from_console'], 'the import reached the other account too');
    assert.deepEqual(await keyNamesUnder(byProfile.get('work')!), ['customer_key', 'picked_work']);
    assert.deepEqual(await keyNamesUnder(byProfile.get('default')!), ['from_console']);
  });

  it('the two account nodes show their own UINs (STS GetCallerIdentity once each, after the first listing), kept across a refresh', async () => {
    const { cloudKeys } = await api();
    const descriptionOf = async (profile: string) => {
      const root = (await tencentRoots()).find((r) => r.account.slot.kind === 'profile' && r.account.slot.name === profile);
      assert.ok(root, `no node for the profile ${profile}`);
      const item = cloudKeys!.getTreeItem(root);
      return { description: String(item.description), tooltip: String(item.tooltip) };
    };
    const shown = await eventually(async () => {
      const both = { default: await descriptionOf('default'), work: await descriptionOf('work') };
      assert.match(both.default.description, /^UIN 100000000001 · /);
      assert.match(both.work.description, new RegExp(`^UIN ${OTHER_UIN} · `));
      return both;
    });
    assert.match(shown.work.description, /work\.credential/);
    assert.match(shown.default.tooltip, /UIN 100000000001, as STS GetCallerIdentity names/);
    const asked = async () =>
      (await cvmAdmin<Array<{ action?: string; ownerUin?: string; signatureVerified?: boolean }>>(CVM_URL!, 'requests')).filter((r) => r.action === 'GetCallerIdentity');
    const before = await asked();
    assert.deepEqual([...new Set(before.map((r) => r.ownerUin))].sort(), ['100000000001', OTHER_UIN]);
    assert.ok(before.every((r) => r.signatureVerified));
    // A refresh lists again, but the identity is known (same credentials): not asked again, still shown.
    await refreshView();
    assert.deepEqual(await keyNamesUnder((await tencentRoots()).find((r) => r.account.slot.kind === 'profile' && r.account.slot.name === 'work')!), ['customer_key', 'picked_work']);
    assert.match((await descriptionOf('work')).description, new RegExp(`^UIN ${OTHER_UIN} · `));
    assert.equal((await asked()).length, before.length, 'GetCallerIdentity was asked again for the same credentials');
  });

  it('Sign Out of a profile account hides it and leaves its file; Set Credentials offers the profile again', async () => {
    const work = await profileAccount('work');
    const file = path.join(tccli, 'work.credential');
    const before = fs.readFileSync(file, 'utf8');
    await vscode.commands.executeCommand('cloudSshKeys.signOutOfCloud', (await tencentRoots()).find((r) => r.account === work));
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'Sign Out changed the profile file');
    await eventually(async () => assert.equal((await tencentRoots()).length, 1));
    const mark = user.mark();
    assert.equal(await asUser<boolean>([/Use the profile "work"/], 'cloudSshKeys.tencent.setCredentials'), true);
    assert.match(mark.asked()[0].labels.join('\n'), /Use the profile "default"[\s\S]*Use the profile "work"[\s\S]*Enter the Tencent Cloud Keys/);
    await eventually(async () => assert.equal((await tencentRoots()).length, 2));
  });

  it('Add Account: another account\'s keys under its own SecretStorage key; Sign Out removes only that one', async () => {
    const { secrets, cloudAccounts } = await api();
    const answers = ['billing', FAKE_SECOND_CREDENTIAL.secretId, FAKE_SECOND_CREDENTIAL.secretKey, ''];
    assert.equal(await asUser<boolean>(['Tencent CVM', ...answers], 'cloudSshKeys.addCloudAccount'), true);
    const added = cloudAccounts!.of('tencent').find((a) => a.label === 'billing');
    assert.ok(added, 'no account named billing');
    assert.equal(added.secretKey, 'cloudSshKeys.tencent.credentials#billing');
    assert.equal(JSON.parse((await secrets!.get(added.secretKey!))!).secretId, FAKE_SECOND_CREDENTIAL.secretId);
    assert.equal(await secrets!.get('cloudSshKeys.tencent.credentials'), undefined, 'the main account got the added account\'s keys');
    await eventually(async () => assert.equal((await tencentRoots()).length, 3));
    // A name already used is refused as typed.
    assert.equal(await asUser(['Tencent CVM', { refused: 'billing', because: /already has an account named/ }], 'cloudSshKeys.addCloudAccount'), false);
    await vscode.commands.executeCommand('cloudSshKeys.signOutOfCloud', (await tencentRoots()).find((r) => r.account === added));
    assert.equal(await secrets!.get(added.secretKey!), undefined);
    await eventually(async () => assert.equal((await tencentRoots()).length, 2));
  });

  it('~/.aliyun/config.json (its current AK profile) alone: the view lists that Alibaba Cloud account\'s key pairs', async function () {
    const ecsUrl = process.env.CLOUD_SSH_KEYS_TEST_ECS_URL;
    if (!ecsUrl) this.skip();
    const { accounts, cloudKeys } = await api();
    assert.equal(await accounts!.alibaba.credentials(), undefined, 'the main Alibaba Cloud account has credentials');
    const ecsRegion = 'cn-hangzhou';
    const config = vscode.workspace.getConfiguration('cloudSshKeys');
    await config.update('alibaba.endpoint', ecsUrl, vscode.ConfigurationTarget.Global);
    await config.update('alibaba.regions', [ecsRegion], vscode.ConfigurationTarget.Global);
    await accounts!.alibaba.connect({ ...FAKE_ECS_ACCESS_KEY }).importKeyPair({ region: ecsRegion, name: 'ecs_console', publicKey: fs.readFileSync(`${newKey('ecs_console')}.pub`, 'utf8') });
    fs.mkdirSync(aliyun, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(aliyun, 'config.json'), JSON.stringify({
      current: 'personal',
      profiles: [
        { name: 'default', mode: 'RamRoleArn', access_key_id: 'LTAI5tNotUsedHere00000001', access_key_secret: 'not-used', ram_role_arn: 'acs:ram::1:role/x', region_id: ecsRegion },
        { name: 'personal', mode: 'AK', access_key_id: FAKE_ECS_ACCESS_KEY.accessKeyId, access_key_secret: FAKE_ECS_ACCESS_KEY.accessKeySecret, region_id: ecsRegion },
      ],
    }, null, 2), { mode: 0o600 });
    await refreshView();
    const roots = await eventually(async () => {
      const r = (await cloudKeys!.getChildren()).filter((n): n is ProviderNode => n.kind === 'provider' && n.account.descriptor.id === 'alibaba');
      assert.equal(r.length, 2, `Alibaba nodes: ${r.length}`);
      return r;
    });
    const personal = roots.find((r) => r.account.slot.kind === 'profile' && r.account.slot.name === 'personal')!;
    assert.deepEqual(await keyNamesUnder(personal), ['ecs_console']);
    assert.equal(personal.account.defaultRegion, ecsRegion);
    // The RamRoleArn profile is shown saying why it cannot be used, naming the mode and never a value.
    const ramRole = roots.find((r) => r.account.slot.kind === 'profile' && r.account.slot.name === 'default')!;
    const [problem] = await cloudKeys!.getChildren(ramRole);
    assert.equal(problem.kind, 'problem');
    assert.match(String(cloudKeys!.getTreeItem(problem).label), /RamRoleArn/);
    assert.doesNotMatch(JSON.stringify(cloudKeys!.getTreeItem(problem)), /not-used/);
    fs.rmSync(aliyun, { recursive: true, force: true });
    await refreshView();
    await eventually(async () => assert.equal((await cloudKeys!.getChildren()).filter((n) => n.kind === 'provider' && n.account.descriptor.id === 'alibaba').length, 0));
    await fetch(`${ecsUrl}/__admin/reset`, { method: 'POST' });
    await config.update('alibaba.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config.update('alibaba.regions', undefined, vscode.ConfigurationTarget.Global);
  });

  it('no profile secret in a log, setting, notification or state file', async () => {
    const secretsToFind = [FAKE_TEST_CREDENTIAL.secretKey, FAKE_OTHER_ACCOUNT_CREDENTIAL.secretKey, FAKE_SECOND_CREDENTIAL.secretKey, FAKE_ECS_ACCESS_KEY.accessKeySecret];
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    await (await api()).cloudKeys!.flushCache();
    assert.deepEqual(filesContaining([userData, fixture().workspace, fixture().sshDir], ...secretsToFind), []);
    assert.deepEqual(everything.shown().filter((m) => secretsToFind.some((s) => m.includes(s))), []);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('cloudSshKeys'));
    assert.ok(!secretsToFind.some((s) => settings.includes(s)), 'a setting holds a secret');
  });
});
