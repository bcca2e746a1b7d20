// Alibaba Cloud ECS in the real extension host, against the fake ECS the harness starts
// (test/harness/fake-clouds.mjs; its URL in CLOUD_SSH_KEYS_TEST_ECS_URL): credentials, import,
// create both ways, the Cloud Key Pairs view, attach/detach with the restart note, delete —
// through the same flows as Tencent.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../../../src/commands/create-cloud-key-pair';
import type { ImportOutcome } from '../../../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../../../src/views/cloud-keys-view';
import { FAKE_ECS_ACCESS_KEY } from '../fake/server';
import { CHOICES, api as extensionApi, asUser, eventually, filesContaining, fixture, labelOf, rootItems, setCredentialsAsUser } from '../../../integration/helpers';
import { CANCEL, user } from '../../../integration/test-user-input';

const ECS_URL = process.env.CLOUD_SSH_KEYS_TEST_ECS_URL;

async function api() {
  const exported = await extensionApi();
  assert.ok(exported.cloudKeys && exported.accounts?.alibaba, 'the extension exports no cloudKeys/alibaba (production mode?)');
  return { ...exported, cloudKeys: exported.cloudKeys, alibaba: exported.accounts?.alibaba };
}
const REGION = 'cn-hangzhou';
const OTHER_REGION = 'cn-shanghai';

interface LoggedRequest {
  action?: string;
  region?: string;
  params?: Record<string, unknown>;
  signatureVerified: boolean;
  accessKeyId?: string;
  requestId?: string;
}
interface FakeState {
  keyPairs: Array<{ KeyPairName: string; KeyPairId: string; KeyPairFingerPrint: string; PublicKey: string; ResourceGroupId: string; region: string }>;
  instances: Array<{ InstanceId: string; InstanceName: string; Status: string; KeyPairName: string; OSType: string; RegionId: string }>;
}

async function admin<T>(route: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${ECS_URL}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${method} /__admin/${route}: ${res.status}`);
  return (await res.json()) as T;
}
// The account's identity (STS GetCallerIdentity) is asked in the background after a first listing: not a call the tests count.
const requests = async () => (await admin<LoggedRequest[]>('requests')).filter((r) => r.action !== 'GetCallerIdentity');
const state = () => admin<FakeState>('state');

const blobOf = (line: string) => line.trim().split(/\s+/)[1];
const publicOfPrivate = (file: string) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();

type KeyPairNode = Extract<CloudKeysNode, { kind: 'keyPair' }>;

/** The Alibaba Cloud branch of the view: provider → regions → key pairs. */
async function alibabaTree(): Promise<{ provider: CloudKeysNode; regions: CloudKeysNode[]; keyPairs: KeyPairNode[] }> {
  const { cloudKeys } = await api();
  const provider = (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'alibaba');
  assert.ok(provider, 'the Cloud Key Pairs view shows no Alibaba Cloud');
  const regions = await cloudKeys.getChildren(provider);
  const keyPairs = (await Promise.all(regions.map((r) => cloudKeys.getChildren(r)))).flat().filter((n) => n.kind === 'keyPair');
  return { provider, regions, keyPairs: keyPairs as KeyPairNode[] };
}

async function keyPairNode(region: string, name: string): Promise<KeyPairNode> {
  (await api()).cloudKeys.refresh();
  const node = (await alibabaTree()).keyPairs.find((n) => n.keyPair.region === region && n.keyPair.name === name);
  assert.ok(node, `${name} (${region}) is not in the Cloud Key Pairs view`);
  return node;
}

describe('Alibaba Cloud ECS (against the fake ECS server)', function () {
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  let imported: ImportOutcome | undefined;

  before(async function () {
    if (!ECS_URL) this.skip();
    await admin('reset', 'POST');
    // These tests import the fixture's ED25519 keys for other reasons: the fake takes undocumented types here.
    await admin('options', 'POST', { acceptUndocumentedKeyTypes: true });
    await config().update('alibaba.endpoint', ECS_URL, vscode.ConfigurationTarget.Global);
    await config().update('alibaba.regions', [REGION, OTHER_REGION], vscode.ConfigurationTarget.Global);
    await (await api()).localKeys.refresh();
  });

  after(async function () {
    if (!ECS_URL) return;
    await vscode.commands.executeCommand('cloudSshKeys.alibaba.signOut');
    await config().update('alibaba.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config().update('alibaba.regions', undefined, vscode.ConfigurationTarget.Global);
    await config().update('alibaba.resourceGroupId', undefined, vscode.ConfigurationTarget.Global);
    // This suite runs before the Local Keys ones: leave ~/.ssh as the fixture made it.
    for (const file of fs.readdirSync(fixture().sshDir)) if (file.startsWith('ecs_made_')) fs.rmSync(path.join(fixture().sshDir, file), { force: true });
    await (await api()).localKeys.refresh();
  });

  it('signed out, the view has no Alibaba Cloud branch', async () => {
    const { cloudKeys, alibaba } = await api();
    assert.equal(await alibaba.credentials(), undefined);
    assert.ok(!(await cloudKeys.getChildren()).some((n) => n.kind === 'provider' && n.account.descriptor.id === 'alibaba'));
  });

  it('a wrong AccessKey secret is refused, checked with one request, and not stored', async () => {
    const before = (await requests()).length;
    const ok = await setCredentialsAsUser('alibaba', { accessKeyId: FAKE_ECS_ACCESS_KEY.accessKeyId, accessKeySecret: 'wrongAccessKeySecret000000000000' });
    assert.equal(ok, false);
    const sent = (await requests()).slice(before);
    assert.deepEqual(sent.map((r) => r.action), ['DescribeRegions']);
    assert.equal(await (await api()).alibaba.credentials(), undefined);
  });

  it('credentials set through the command are in SecretStorage and nowhere in settings, logs or the workspace @secrets', async () => {
    const { alibaba } = await api();
    const ok = await setCredentialsAsUser('alibaba', { ...FAKE_ECS_ACCESS_KEY });
    assert.equal(ok, true);
    const credentials = await alibaba.credentials();
    assert.equal(credentials?.source, 'secrets');
    assert.equal(credentials?.values.accessKeySecret, FAKE_ECS_ACCESS_KEY.accessKeySecret);
    const checked = (await requests()).at(-1);
    assert.equal(checked?.action, 'DescribeRegions');
    assert.equal(checked?.signatureVerified, true);
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    const requestId = checked.requestId!;
    // The search reaches the extension's log: it holds the check's RequestId (but no secret).
    await eventually(() => filesContaining(userData, requestId).length > 0, () => `no file under ${userData} holds ${requestId}`);
    for (const dir of [userData, fixture().workspace, fixture().sshDir]) {
      assert.deepEqual(filesContaining(dir, FAKE_ECS_ACCESS_KEY.accessKeySecret), [], `the AccessKey secret is written in ${dir}`);
    }
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('cloudSshKeys')).includes(FAKE_ECS_ACCESS_KEY.accessKeySecret));
  });

  it('the view shows Alibaba Cloud (Sandbox) → the configured regions', async () => {
    const { cloudKeys } = await api();
    cloudKeys.refresh();
    const { provider, regions } = await alibabaTree();
    const item = cloudKeys.getTreeItem(provider);
    assert.equal(labelOf(item), 'Alibaba Cloud');
    assert.match(String(item.description), /Sandbox/);
    // Nothing imported yet: the empty regions are hidden (one note says so), shown on request.
    assert.deepEqual(regions.map((r) => r.kind), ['note']);
    await vscode.commands.executeCommand('cloudSshKeys.showEmptyRegions');
    try {
      const shown = (await alibabaTree()).regions;
      assert.deepEqual(shown.map((r) => labelOf(cloudKeys.getTreeItem(r))), [REGION, OTHER_REGION]);
    } finally {
      await vscode.commands.executeCommand('cloudSshKeys.hideEmptyRegions');
    }
  });

  it('import from an explorer Uri: a signed ImportKeyPair with the name and the key; the view matches it to the local file, with fingerprint, created time and resource group', async () => {
    const pub = fixture().sshItems.id_ed25519.public!;
    const before = (await requests()).length;
    const mark = user.mark();
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION], 'alice:laptop-1'], 'cloudSshKeys.alibaba.importKeyPair', vscode.Uri.file(pub));
    assert.equal(outcomes?.length, 1);
    // The name is the key pair's id on ECS: said once ("as alice:laptop-1"), not twice.
    const said = mark.shown().find((m) => m.startsWith('Imported id_ed25519.pub'));
    assert.equal(said, `Imported id_ed25519.pub to Alibaba Cloud ${REGION} as alice:laptop-1`, JSON.stringify(mark.shown()));
    imported = outcomes[0];
    assert.equal(imported.keyId, 'alice:laptop-1', JSON.stringify(imported));
    const sent = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].signatureVerified, true);
    assert.equal(sent[0].region, REGION);
    assert.equal(sent[0].params?.KeyPairName, 'alice:laptop-1');
    const node = await keyPairNode(REGION, 'alice:laptop-1');
    assert.equal(node.local?.name, 'id_ed25519');
    const held = (await state()).keyPairs.find((k) => k.KeyPairName === 'alice:laptop-1')!;
    assert.equal(blobOf(held.PublicKey), blobOf(fs.readFileSync(pub, 'utf8')));
    assert.equal(node.keyPair.cloudFingerprint, held.KeyPairFingerPrint);
    assert.ok(node.keyPair.createdTime);
    assert.equal(node.keyPair.projectId, held.ResourceGroupId);
    const item = (await api()).cloudKeys.getTreeItem(node);
    assert.equal(labelOf(item), 'alice:laptop-1');
    assert.match(String(item.description), /local: id_ed25519/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.ok(tooltip.includes(held.ResourceGroupId) && tooltip.includes(held.KeyPairFingerPrint), tooltip);
    assert.doesNotMatch(String(item.contextValue), /tencent/);
  });

  it('Local Keys items say where their key is imported', async () => {
    await eventually(
      async () => (await rootItems()).find((r) => r.label === 'id_ed25519' && String(r.item.description).includes('alice:laptop-1')),
      () => 'id_ed25519 never showed its Alibaba key pair',
    );
  });

  it('Copy ID puts the key pair name (what ECS calls a key pair by) on the clipboard', async () => {
    const node = await keyPairNode(REGION, 'alice:laptop-1');
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.copyCloudKeyId', node), 'alice:laptop-1');
    assert.equal(await vscode.env.clipboard.readText(), 'alice:laptop-1');
  });

  it('importing the same key again shows the existing key pair without asking for a name (the listing holds it)', async () => {
    await keyPairNode(REGION, 'alice:laptop-1'); // listed
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION]], 'cloudSshKeys.alibaba.importKeyPair', vscode.Uri.file(fixture().sshItems.id_ed25519.public!));
    assert.equal(outcomes?.[0].keyId, 'alice:laptop-1');
    assert.equal(outcomes?.[0].alreadyExisted, true);
    assert.equal((await state()).keyPairs.filter((k) => k.KeyPairName === 'alice:laptop-1').length, 1);
  });

  it('a name another key pair of the region has is refused as it is typed (from the listing), nothing replaced', async () => {
    const taken = { refused: 'alice:laptop-1', because: new RegExp(`"alice:laptop-1" already exists in ${REGION}`) };
    const outcomes = await asUser<ImportOutcome[]>([[REGION], taken], 'cloudSshKeys.alibaba.importKeyPair', vscode.Uri.file(fixture().sshItems.id_rsa_pem.public!));
    assert.equal(outcomes, undefined);
    const held = (await state()).keyPairs.find((k) => k.KeyPairName === 'alice:laptop-1')!;
    assert.equal(blobOf(held.PublicKey), blobOf(fs.readFileSync(fixture().sshItems.id_ed25519.public!, 'utf8')));
  });

  it('import from a Local Keys node into two regions, into the configured resource group', async () => {
    await config().update('alibaba.resourceGroupId', 'rg-acfmtest00000001', vscode.ConfigurationTarget.Global);
    try {
      const node = (await rootItems()).find((r) => r.label === 'id_rsa_pem')!.node;
      const outcomes = await asUser<ImportOutcome[]>([[REGION, OTHER_REGION], 'rsa_pem'], 'cloudSshKeys.alibaba.importKeyPair', node);
      assert.deepEqual(outcomes?.map((o) => o.region), [REGION, OTHER_REGION]);
      for (const o of outcomes ?? []) assert.equal(o.keyId, 'rsa_pem', JSON.stringify(o));
      const held = (await state()).keyPairs.filter((k) => k.KeyPairName === 'rsa_pem');
      assert.deepEqual(held.map((k) => k.region).sort(), [REGION, OTHER_REGION].sort());
      for (const k of held) {
        assert.equal(k.ResourceGroupId, 'rg-acfmtest00000001');
        assert.equal(blobOf(k.PublicKey), blobOf(fs.readFileSync(fixture().sshItems.id_rsa_pem.public!, 'utf8')));
      }
    } finally {
      await config().update('alibaba.resourceGroupId', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('names ECS would refuse (digit first, http://, one character, a space) are refused before any request', async () => {
    const before = (await requests()).length;
    for (const name of ['1key', 'http://key', 'k', 'my key']) {
      // The name box refuses each as it is typed: the user can only give up.
      const outcomes = await asUser([CHOICES.importAnyway, [REGION], { refused: name, because: /./ }], 'cloudSshKeys.alibaba.importKeyPair', vscode.Uri.file(fixture().workspacePub));
      assert.equal(outcomes, undefined, name);
    }
    assert.equal((await requests()).length, before, 'a request was sent for a bad name');
  });

  it('a private key file is refused before any request', async () => {
    const before = (await requests()).length;
    // The user declines to import the public half instead.
    const outcomes = await asUser([CANCEL], 'cloudSshKeys.alibaba.importKeyPair', vscode.Uri.file(fixture().sshItems.id_ed25519.private!));
    assert.equal(outcomes, undefined);
    assert.equal((await requests()).length, before);
  });

  for (const method of ['local', 'cloud'] as const) {
    it(`Create Key Pair (${method === 'local' ? 'generated here, public half imported' : 'CreateKeyPair'}): a 0600 private key matching the key ECS holds`, async () => {
      const name = `ecs_made_${method}`;
      const answers = method === 'local' ? [CHOICES.createHere, 'RSA 3072', [REGION], name, 'made@test', ''] : [CHOICES.createInCloud, REGION, name];
      const outcome = await asUser<CreateOutcome>(answers, 'cloudSshKeys.alibaba.createKeyPair');
      assert.ok(outcome, 'Create Key Pair returned nothing');
      assert.equal(outcome.privateKeyPath, path.join(fixture().sshDir, name));
      assert.equal(fs.statSync(outcome.privateKeyPath).mode & 0o777, 0o600);
      const held = (await state()).keyPairs.find((k) => k.KeyPairName === name && k.region === REGION);
      assert.ok(held, `${name} is not in the fake`);
      assert.equal(blobOf(publicOfPrivate(outcome.privateKeyPath)), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${outcome.privateKeyPath}.pub`, 'utf8')), blobOf(held.PublicKey));
      assert.equal(fs.readdirSync(fixture().sshDir).filter((f) => f.endsWith('.tmp')).length, 0, 'a temporary file was left');
      const node = await keyPairNode(REGION, name);
      assert.equal(node.local?.name, name);
    });
  }

  it('Create Key Pair never overwrites an existing file: the name box refuses it (nothing sent)', async () => {
    const before = (await requests()).length;
    const outcome = await asUser([CHOICES.createInCloud, REGION, { refused: 'id_ed25519', because: /already exists/ }], 'cloudSshKeys.alibaba.createKeyPair');
    assert.equal(outcome, undefined);
    assert.equal((await requests()).length, before);
  });

  it('ECS key pairs offer no rename or description (the menus hide them; the descriptor says so)', async () => {
    const { alibaba } = await api();
    assert.equal(alibaba.descriptor.descriptionMaxLength, 0);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '..', 'package.json'), 'utf8'));
    const menus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    for (const command of ['cloudSshKeys.renameCloudKeyPair', 'cloudSshKeys.editCloudKeyPairDescription']) {
      const when = menus.find((m) => m.command === command)!.when;
      // Every `viewItem =~ /…/` term of the when clause must match for the entry to show.
      const terms = [...when.matchAll(/viewItem =~ \/((?:\\\/|[^/])*)\//g)].map((m) => new RegExp(m[1]));
      assert.ok(terms.length > 0, when);
      const item = (await api()).cloudKeys.getTreeItem(await keyPairNode(REGION, 'alice:laptop-1'));
      const contextValue = String(item.contextValue);
      assert.ok(terms[0].test(contextValue), `the first term of ${command} does not match an ECS key pair at all: ${contextValue}`);
      assert.equal(terms.every((t) => t.test(contextValue)), false, `${command} shows on an ECS key pair`);
    }
  });

  it('attach to a running instance: AttachKeyPair, the restart note names it; delete refused while attached (no DeleteKeyPairs); detach', async () => {
    const running = (await state()).instances.find((i) => i.Status === 'Running' && i.OSType === 'linux' && i.RegionId === REGION)!;
    let node = await keyPairNode(REGION, 'alice:laptop-1');
    // ECS changes a running instance's key pair (at its next restart): no shutdown is asked for.
    assert.equal(await asUser([[running.InstanceName]], 'cloudSshKeys.bindCloudKeyPair', node), true);
    // The restart note (a warning beside "Bound …") is logged with the instance it names.
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    await eventually(
      () => filesContaining(userData, `Restart needed for the change to take effect: ${running.InstanceId}`).length > 0,
      () => `the log never said ${running.InstanceId} needs a restart`,
    );
    assert.equal((await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyPairName, 'alice:laptop-1');
    assert.ok((await requests()).some((r) => r.action === 'AttachKeyPair' && r.signatureVerified));
    node = await keyPairNode(REGION, 'alice:laptop-1');
    assert.deepEqual(node.keyPair.associatedInstanceIds, [running.InstanceId]);
    const item = (await api()).cloudKeys.getTreeItem(node);
    assert.match(String(item.contextValue), /\bbound\b/);
    const before = (await requests()).length;
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.deleteCloudKeyPair', node), false);
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'DeleteKeyPairs'));
    assert.equal(await asUser([[running.InstanceName]], 'cloudSshKeys.unbindCloudKeyPair', node), true);
    assert.equal((await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyPairName, '');
  });

  it('delete removes the key pair from ECS and the view', async () => {
    const node = await keyPairNode(REGION, 'alice:laptop-1');
    assert.equal(await asUser([CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', node), true);
    assert.ok(!(await state()).keyPairs.some((k) => k.KeyPairName === 'alice:laptop-1'));
    (await api()).cloudKeys.refresh();
    assert.ok(!(await alibabaTree()).keyPairs.some((n) => n.keyPair.name === 'alice:laptop-1'));
  });

  it('sign out: the credentials leave SecretStorage and the Alibaba branch goes', async () => {
    await vscode.commands.executeCommand('cloudSshKeys.alibaba.signOut');
    const { alibaba, cloudKeys } = await api();
    assert.equal(await alibaba.credentials(), undefined);
    assert.ok(!(await cloudKeys.getChildren()).some((n) => n.kind === 'provider' && n.account.descriptor.id === 'alibaba'));
  });

  it('with nothing stored, the ALIBABA_CLOUD_* environment variables are used (and the view says so)', async () => {
    const { alibaba, cloudKeys } = await api();
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = FAKE_ECS_ACCESS_KEY.accessKeyId;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = FAKE_ECS_ACCESS_KEY.accessKeySecret;
    try {
      assert.equal((await alibaba.credentials())?.source, 'environment');
      cloudKeys.refresh();
      const provider = (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'alibaba')!;
      assert.match(String(cloudKeys.getTreeItem(provider).description), /ALIBABA_CLOUD_ACCESS_KEY_ID/);
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
      alibaba.invalidate();
    }
  });
});
