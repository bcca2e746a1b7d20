// Tencent Cloud Lighthouse in the real extension host, against the fake Lighthouse the harness
// starts (its URL in CLOUD_SSH_KEYS_TEST_LIGHTHOUSE_URL): the shared Tencent Cloud credentials,
// account-wide key pairs right under the cloud's node, import and create without a region, RSA
// only, bind/unbind in the instances' region, no rename, lost and malformed answers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../../../src/commands/create-cloud-key-pair';
import type { ImportOutcome } from '../../../../src/commands/import-key-pair';
import { FAKE_TEST_CREDENTIAL } from '../fake/server';
import { CHOICES, asUser, eventually, filesContaining, fixture, labelOf, rootItems, setCredentialsAsUser, userDataDir, withSshDirectories } from '../../../integration/helpers';
import { CANCEL, user } from '../../../integration/test-user-input';
import {
  CVM_URL, LIGHTHOUSE_URL, addFault, api, blobOf, clearFaults, cvmRequests, keyPairNode, keygen, lighthouseAdmin, lighthouseChildren,
  providerNode, publicOfPrivate, requests, state,
} from './helpers';

const DEFAULT_REGION = 'ap-guangzhou';
const OTHER_REGION = 'ap-shanghai';
const KEY_ID = /^lhkp-[a-z0-9]{8}$/;
const MALFORMED = 'Lighthouse rejected the public key as malformed';

describe('Tencent Cloud Lighthouse (against the fake Lighthouse server)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-lighthouse-'));
  /** Files this suite puts in the fixture's ~/.ssh, removed at the end. */
  const sshFiles: string[] = [];
  const inSshDir = (name: string) => {
    const file = path.join(fixture().sshDir, name);
    sshFiles.push(file, `${file}.pub`);
    return file;
  };
  let rsaKey: string;
  let imported: ImportOutcome;

  before(async function () {
    if (!LIGHTHOUSE_URL || !CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await lighthouseAdmin('reset', 'POST');
    await config().update('lighthouse.endpoint', LIGHTHOUSE_URL, vscode.ConfigurationTarget.Global);
    await config().update('lighthouse.regions', [DEFAULT_REGION, OTHER_REGION], vscode.ConfigurationTarget.Global);
    // One API key for both: while signed in here, the Tencent Cloud branch lists too, so it must list the fake.
    await config().update('tencent.endpoint', CVM_URL, vscode.ConfigurationTarget.Global);
    await config().update('tencent.regions', [DEFAULT_REGION], vscode.ConfigurationTarget.Global);
    rsaKey = inSshDir('lh_rsa');
    keygen(rsaKey, 'rsa', 'lh-rsa@fixture');
    await (await api()).localKeys.refresh();
  });

  afterEach(async () => {
    if (LIGHTHOUSE_URL) await clearFaults();
  });

  after(async function () {
    if (!LIGHTHOUSE_URL || !CVM_URL) return;
    await vscode.commands.executeCommand('cloudSshKeys.lighthouse.signOut');
    for (const key of ['lighthouse.endpoint', 'lighthouse.regions', 'tencent.endpoint', 'tencent.regions']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await lighthouseAdmin('reset', 'POST');
    for (const file of sshFiles) fs.rmSync(file, { force: true });
    await (await api()).localKeys.refresh();
  });

  it('signed out, the view has no Tencent Cloud Lighthouse node', async () => {
    const { lighthouse, tencent } = await api();
    assert.equal(await lighthouse.credentials(), undefined);
    assert.equal(await tencent.credentials(), undefined);
    assert.equal(await providerNode('lighthouse'), undefined);
  });

  it('wrong credentials are refused plainly, checked with one Lighthouse request, and not stored (for Tencent Cloud either)', async () => {
    const mark = user.mark();
    const before = (await requests()).length;
    const cvmBefore = (await cvmRequests()).length;
    const ok = await setCredentialsAsUser('lighthouse', { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: 'wrongSecretKey0000000000000000000' });
    assert.equal(ok, false);
    assert.deepEqual((await requests()).slice(before).map((r) => r.action), ['DescribeRegions']);
    assert.equal((await cvmRequests()).length, cvmBefore, 'checking Lighthouse credentials sent a request to CVM');
    const { lighthouse, tencent } = await api();
    assert.equal(await lighthouse.credentials(), undefined);
    assert.equal(await tencent.credentials(), undefined);
    await eventually(() => mark.shown().some((m) => m.includes('credentials were not saved')), () => `no refusal shown: ${JSON.stringify(mark.shown())}`);
  });

  it('credentials set through cloudSshKeys.lighthouse.setCredentials: one signed DescribeRegions, stored in SecretStorage (Tencent Cloud\'s too), in no settings, log or workspace file @secrets', async () => {
    const before = (await requests()).length;
    const ok = await setCredentialsAsUser('lighthouse', { ...FAKE_TEST_CREDENTIAL });
    assert.equal(ok, true);
    const { lighthouse, tencent } = await api();
    const credentials = await lighthouse.credentials();
    assert.equal(credentials?.source, 'secrets');
    assert.equal(credentials?.values.secretKey, FAKE_TEST_CREDENTIAL.secretKey);
    // One Tencent Cloud API key: the same stored credentials sign CVM's requests.
    assert.equal((await tencent.credentials())?.values.secretKey, FAKE_TEST_CREDENTIAL.secretKey);
    const checks = (await requests()).slice(before).filter((r) => r.action === 'DescribeRegions');
    assert.equal(checks.length, 1, JSON.stringify(checks));
    assert.equal(checks[0].signatureVerified, true);
    assert.equal(checks[0].secretId, FAKE_TEST_CREDENTIAL.secretId);
    const userData = userDataDir();
    assert.ok(fs.existsSync(path.join(userData, 'User', 'settings.json')), `no user settings in ${userData}`);
    // The search reaches the extension's log: it holds the check's RequestId (but no secret).
    const requestId = checks[0].requestId!;
    await eventually(() => filesContaining(userData, requestId).length > 0, () => `no file under ${userData} holds ${requestId}`);
    for (const dir of [userData, fixture().workspace, fixture().sshDir]) {
      assert.deepEqual(filesContaining(dir, FAKE_TEST_CREDENTIAL.secretKey), [], `the SecretKey is written in ${dir}`);
    }
    assert.ok(!JSON.stringify(config()).includes(FAKE_TEST_CREDENTIAL.secretKey));
  });

  it('the view shows Tencent Cloud Lighthouse (Sandbox) beside Tencent Cloud (the fake CVM), with no region level', async () => {
    const { cloudKeys } = await api();
    cloudKeys.refresh();
    const provider = await providerNode('lighthouse');
    assert.ok(provider);
    const item = cloudKeys.getTreeItem(provider);
    assert.equal(labelOf(item), 'Tencent Cloud Lighthouse');
    assert.match(String(item.description), /Sandbox/);
    assert.match(String(item.description), new RegExp(LIGHTHOUSE_URL!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(item.contextValue, 'cloudProvider lighthouse');
    // Signed in with the same key, Tencent Cloud lists too, from the fake CVM (never the real cloud).
    const cvm = await providerNode('tencent');
    assert.ok(cvm, 'Tencent Cloud is not signed in with the shared key');
    assert.match(String(cloudKeys.getTreeItem(cvm).description), /Sandbox/);
    const children = await lighthouseChildren();
    // The account's key pairs first, then one Instances group per region (instances are regional).
    const others = children.filter((n) => n.kind !== 'keyPair');
    assert.deepEqual(others.map((n) => n.kind), ['instances', 'instances'], 'something other than key pairs and Instances groups under the Lighthouse node');
    assert.deepEqual(others.map((n) => (n.kind === 'instances' ? n.region.id : '')), [DEFAULT_REGION, OTHER_REGION]);
    assert.ok(children.findIndex((n) => n.kind === 'instances') > children.map((n) => n.kind).lastIndexOf('keyPair'), 'an Instances group comes before a key pair');
    assert.ok(!(await requests()).some((r) => r.action === 'DescribeKeyPairs' && r.region !== DEFAULT_REGION), 'the listing named a region other than the default one');
  });

  it('import from an explorer Uri (an RSA .pub by ssh-keygen): no region asked, one signed ImportKeyPair with the name and key; the view shows the KeyId matched to the local key, right under the Lighthouse node', async () => {
    const mark = user.mark();
    const before = (await requests()).length;
    const cvmBefore = (await cvmRequests()).length;
    const outcomes = await asUser<ImportOutcome[]>(['lh_key'], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${rsaKey}.pub`));
    assert.deepEqual(mark.asked().map((q) => q.kind), ['inputBox'], 'the import asked more than the name');
    assert.equal(outcomes?.length, 1, JSON.stringify(outcomes));
    imported = outcomes[0];
    assert.match(imported.keyId ?? '', KEY_ID, JSON.stringify(imported));
    const sent = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].signatureVerified, true);
    assert.equal(sent[0].params?.KeyName, 'lh_key');
    assert.equal(sent[0].params?.PublicKey, fs.readFileSync(`${rsaKey}.pub`, 'utf8').trim());
    assert.ok(!(await cvmRequests()).slice(cvmBefore).some((r) => r.action === 'ImportKeyPair'), 'the Lighthouse import reached CVM');
    const held = (await state()).keyPairs.find((k) => k.KeyId === imported.keyId);
    assert.equal(blobOf(held!.PublicKey), blobOf(fs.readFileSync(`${rsaKey}.pub`, 'utf8')));
    await eventually(() => mark.shown().some((m) => m.includes(imported.keyId!) && m.includes('lh_key')), () => `no notification names ${imported.keyId}: ${JSON.stringify(mark.shown())}`);

    const node = await keyPairNode(imported.keyId!);
    assert.equal(node.local?.name, 'lh_rsa');
    const item = (await api()).cloudKeys.getTreeItem(node);
    assert.equal(labelOf(item), 'lh_key');
    assert.match(String(item.description), new RegExp(`${imported.keyId}.*local: lh_rsa`));
  });

  it('Local Keys items say where their key is imported (Tencent Cloud Lighthouse and the KeyId)', async () => {
    let seen: unknown;
    await eventually(
      async () => {
        const item = (await rootItems()).find((r) => r.label === 'lh_rsa');
        seen = item?.item.description;
        return String(seen).includes(`[Tencent Cloud Lighthouse ${imported.keyId}]`);
      },
      () => `lh_rsa never showed its KeyId: ${JSON.stringify(seen)}`,
    );
  });

  it('importing the same key again shows the existing KeyId without asking for a name (the listing holds it)', async () => {
    await keyPairNode(imported.keyId!); // listed
    const before = (await requests()).length;
    const mark = user.mark();
    const outcomes = await asUser<ImportOutcome[]>([], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${rsaKey}.pub`));
    assert.deepEqual(mark.asked(), [], 'a question was asked');
    assert.ok(mark.shown().some((m) => m.includes(`is already in Tencent Cloud Lighthouse as lh_key: ${imported.keyId}`)), JSON.stringify(mark.shown()));
    assert.equal(outcomes?.[0].keyId, imported.keyId, JSON.stringify(outcomes));
    assert.equal(outcomes?.[0].alreadyExisted, true);
    assert.equal((await state()).keyPairs.filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(`${rsaKey}.pub`, 'utf8'))).length, 1);
    assert.ok((await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair').length <= 1);
  });

  it('an ed25519 key (Lighthouse documents RSA only): a modal warning first; Cancel sends nothing; Import Anyway sends it, and the refusal is reported', async () => {
    const ed = path.join(scratch, 'lh_ed25519');
    keygen(ed, 'ed25519', 'lh-ed@fixture');
    const mark = user.mark();
    const before = (await requests()).length;
    assert.equal(await asUser([CANCEL], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${ed}.pub`)), undefined);
    const [warning] = mark.asked();
    assert.equal(warning.kind, 'dialog');
    assert.match(warning.title, /is ED25519, a type not in Tencent Lighthouse's documented list for import \(RSA\): it may refuse it/);
    assert.deepEqual(warning.labels, ['Import Anyway']);
    assert.equal((await requests()).length, before, 'a request was sent before the user agreed');
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, 'lh_ed'], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${ed}.pub`));
    assert.equal(outcomes?.[0].errorCode, 'InvalidParameterValue.KeyPairPublicKeyMalformed', JSON.stringify(outcomes));
    assert.equal((await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair').length, 1);
    await eventually(() => mark.shown().some((m) => m.includes(MALFORMED)), () => `no notification said why: ${JSON.stringify(mark.shown())}`);
  });

  it('names Lighthouse would refuse (a space, a hyphen, 26 characters) are refused before any request', async () => {
    // A key not yet in the account (one that is gets no name question: Import says where it already is).
    const fresh = inSshDir('lh_rsa_names');
    keygen(fresh, 'rsa', 'lh-names@fixture');
    const before = (await requests()).length;
    for (const name of ['bad name', 'bad-name', 'a'.repeat(26)]) {
      // The name box refuses each as it is typed: the user can only give up.
      const outcomes = await asUser([{ refused: name, because: /./ }], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${fresh}.pub`));
      assert.equal(outcomes, undefined, name);
    }
    const sent = (await requests()).slice(before);
    assert.deepEqual(sent.map((r) => r.action), [], 'a request was sent for a bad name');
  });

  it('a private key file is refused before any request', async () => {
    const before = (await requests()).length;
    // The user declines to import the public half instead.
    const outcomes = await asUser([CANCEL], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(rsaKey));
    assert.equal(outcomes, undefined);
    assert.equal((await requests()).length, before, 'a request was sent for a private key');
  });

  for (const method of ['cloud', 'local'] as const) {
    it(`Create Key Pair (${method === 'cloud' ? 'CreateKeyPair' : 'RSA generated here, public half imported'}): no region asked, a 0600 private key matching the key Lighthouse holds`, async () => {
      const name = `lh_made_${method}`;
      const file = inSshDir(name);
      const mark = user.mark();
      const answers = method === 'local' ? [CHOICES.createHere, 'RSA 3072', name, 'lh@test', ''] : [CHOICES.createInCloud, name];
      const outcome = await asUser<CreateOutcome>(answers, 'cloudSshKeys.lighthouse.createKeyPair');
      // How and the name (generated here: also the key type, comment and passphrase); never a region.
      assert.deepEqual(mark.asked().map((q) => q.kind), method === 'local' ? ['quickPick', 'quickPick', 'inputBox', 'inputBox', 'inputBox'] : ['quickPick', 'inputBox'], JSON.stringify(mark.asked()));
      assert.ok(outcome, `Create Key Pair returned nothing: ${JSON.stringify(mark.shown())}`);
      assert.match(outcome.keyPair.id, KEY_ID);
      assert.equal(outcome.privateKeyPath, file);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const held = (await state()).keyPairs.find((k) => k.KeyId === outcome.keyPair.id);
      assert.ok(held, `${outcome.keyPair.id} is not in the fake`);
      assert.match(held.PublicKey, /^ssh-rsa /);
      assert.equal(blobOf(publicOfPrivate(file)), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${file}.pub`, 'utf8')), blobOf(held.PublicKey));
      assert.equal(fs.readdirSync(fixture().sshDir).filter((f) => f.endsWith('.tmp')).length, 0, 'a temporary file was left');
      const node = await keyPairNode(outcome.keyPair.id);
      assert.equal(node.local?.name, name);
    });
  }

  it('Create Key Pair asked step by step: how, key type, name — never a region', async () => {
    const name = 'lh_asked';
    inSshDir(name);
    const mark = user.mark();
    user.answer(CHOICES.createInCloud, (q) => (q.kind === 'inputBox' ? name : CANCEL));
    const outcome = await vscode.commands.executeCommand<CreateOutcome>('cloudSshKeys.lighthouse.createKeyPair');
    const asked = mark.asked();
    assert.deepEqual(asked.map((q) => q.kind), ['quickPick', 'inputBox'], JSON.stringify(asked));
    assert.deepEqual(asked[0].labels, ['Generate on this computer and import the public key', 'Let Tencent Cloud Lighthouse generate it']);
    assert.ok(!asked.some((q) => /region/i.test(q.title)), `a region was asked: ${JSON.stringify(asked)}`);
    assert.ok(outcome, `nothing created: ${JSON.stringify(mark.shown())}`);
    assert.equal(fs.statSync(outcome.privateKeyPath).mode & 0o777, 0o600);
  });

  it('Create Key Pair generated here offers RSA first (the type Lighthouse documents, so the default), the others with a note that it may refuse them', async () => {
    const name = 'lh_local_asked';
    const file = inSshDir(name);
    const mark = user.mark();
    // The key type: the first offered, as Enter takes it.
    user.answer(CHOICES.createHere, (q) => q.labels[0], (q) => (q.kind === 'inputBox' ? name : CANCEL), 'lh@test', '');
    const outcome = await vscode.commands.executeCommand<CreateOutcome>('cloudSshKeys.lighthouse.createKeyPair');
    const asked = mark.asked();
    const types = asked.find((q) => /key type/.test(q.title));
    assert.ok(types, JSON.stringify(asked));
    assert.deepEqual(types.labels, ['RSA 3072', 'RSA 4096', 'ED25519', 'ECDSA P-256']);
    assert.deepEqual(types.descriptions.slice(2), Array(2).fill("not in Tencent Cloud Lighthouse's documented list; it may refuse it"));
    assert.ok(outcome, JSON.stringify(mark.shown()));
    assert.equal(outcome.privateKeyPath, file);
    assert.match(fs.readFileSync(`${file}.pub`, 'utf8'), /^ssh-rsa /);
  });

  it('Copy ID puts the KeyId on the clipboard', async () => {
    const node = await keyPairNode(imported.keyId!);
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.copyCloudKeyId', node), imported.keyId);
    assert.equal(await vscode.env.clipboard.readText(), imported.keyId);
  });

  it('a Lighthouse key pair offers Bind but no Rename or Edit Description (contextValue, menus, descriptor); a rename by command sends nothing', async () => {
    const { lighthouse, cloudKeys } = await api();
    assert.deepEqual(lighthouse.descriptor.capabilities, { rename: false, editDescription: false, bind: true, bindStopsRunningInstances: true, keyPairScope: 'account', bindSetsKeyList: false });
    const node = await keyPairNode(imported.keyId!);
    const contextValue = String(cloudKeys.getTreeItem(node).contextValue);
    assert.match(contextValue, /^cloudKeyPair lighthouse\b/);
    assert.match(contextValue, /\bcanBind\b/);
    assert.doesNotMatch(contextValue, /\bcanRename\b/);
    assert.doesNotMatch(contextValue, /\bcanEditDescription\b/);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '..', 'package.json'), 'utf8'));
    const menus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    // Every `viewItem =~ /…/` term of a when clause must match for the entry to show.
    const shows = (command: string) => {
      // The Cloud Key Pairs view's entry (the Key Audit view has entries of the same commands).
      const when = menus.find((m) => m.command === command && m.when.includes('view == cloudSshKeys.cloudKeys'))?.when ?? '';
      const terms = [...when.matchAll(/viewItem =~ \/((?:\\\/|[^/])*)\//g)].map((m) => new RegExp(m[1]));
      assert.ok(terms.length > 0, `${command}: ${when}`);
      return terms.every((t) => t.test(contextValue));
    };
    assert.equal(shows('cloudSshKeys.renameCloudKeyPair'), false, 'Rename shows on a Lighthouse key pair');
    assert.equal(shows('cloudSshKeys.editCloudKeyPairDescription'), false, 'Edit Description shows on a Lighthouse key pair');
    assert.equal(shows('cloudSshKeys.bindCloudKeyPair'), true, 'Bind does not show on a Lighthouse key pair');
    assert.equal(shows('cloudSshKeys.deleteCloudKeyPair'), true, 'Delete does not show on a Lighthouse key pair');

    const mark = user.mark();
    const before = (await requests()).length;
    // Run from the palette (the menu hides it): refused with the reason, before any question.
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.renameCloudKeyPair', node), false);
    assert.deepEqual(mark.asked(), [], 'Rename asked for a name Lighthouse cannot take');
    assert.equal((await requests()).length, before, 'a rename sent a request');
    await eventually(() => mark.shown().some((m) => m.includes('cannot rename a key pair')), () => `no notification said why: ${JSON.stringify(mark.shown())}`);
    assert.equal((await state()).keyPairs.find((k) => k.KeyId === imported.keyId)?.KeyName, 'lh_key');
  });

  it('bind to a stopped instance of the region picked: AssociateInstancesKeyPairs there; delete refused while bound (no DeleteKeyPairs); unbind', async () => {
    const stopped = (await state()).instances.find((i) => i.region === DEFAULT_REGION && i.InstanceState === 'STOPPED' && i.PlatformType === 'LINUX_UNIX')!;
    let node = await keyPairNode(imported.keyId!);
    const mark = user.mark();
    let before = (await requests()).length;
    assert.equal(await asUser([DEFAULT_REGION, [stopped.InstanceName]], 'cloudSshKeys.bindCloudKeyPair', node), true);
    assert.deepEqual(mark.asked().map((q) => q.kind), ['quickPick', 'quickPick'], 'more than the region and the instances was asked (a stopped instance needs no shutdown)');
    const bind = (await requests()).slice(before).filter((r) => r.action === 'AssociateInstancesKeyPairs');
    assert.equal(bind.length, 1);
    assert.equal(bind[0].signatureVerified, true);
    assert.equal(bind[0].region, DEFAULT_REGION);
    assert.deepEqual(bind[0].params?.KeyIds, [imported.keyId]);
    assert.deepEqual(bind[0].params?.InstanceIds, [stopped.InstanceId]);
    await eventually(async () => (await state()).instances.find((i) => i.InstanceId === stopped.InstanceId)?.KeyIds.includes(imported.keyId!), () => 'the instance never got the key');
    node = await keyPairNode(imported.keyId!);
    assert.deepEqual(node.keyPair.associatedInstanceIds, [stopped.InstanceId]);
    assert.match(String((await api()).cloudKeys.getTreeItem(node).contextValue), /\bbound\b/);

    before = (await requests()).length;
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.deleteCloudKeyPair', node), false);
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'DeleteKeyPairs'), 'DeleteKeyPairs was sent for a bound key pair');

    before = (await requests()).length;
    assert.equal(await asUser([DEFAULT_REGION, [stopped.InstanceName]], 'cloudSshKeys.unbindCloudKeyPair', node), true);
    const unbind = (await requests()).slice(before).filter((r) => r.action === 'DisassociateInstancesKeyPairs');
    assert.equal(unbind.length, 1);
    assert.equal(unbind[0].region, DEFAULT_REGION);
    await eventually(async () => !(await state()).instances.find((i) => i.InstanceId === stopped.InstanceId)?.KeyIds.includes(imported.keyId!), () => 'the key was never unbound');
  });

  it('bind: the instances\' region is asked (default first); a running instance of ap-shanghai, the forced shutdown agreed to', async () => {
    const running = (await state()).instances.find((i) => i.region === OTHER_REGION && i.InstanceState === 'RUNNING')!;
    const node = await keyPairNode(imported.keyId!);
    const mark = user.mark();
    const before = (await requests()).length;
    const answers = [(q: { title: string }) => (/region of the instances/.test(q.title) ? OTHER_REGION : CANCEL), [running.InstanceName], CHOICES.shutDown];
    assert.equal(await asUser(answers, 'cloudSshKeys.bindCloudKeyPair', node), true, JSON.stringify(mark.shown()));
    const [regionQuestion] = mark.asked();
    assert.deepEqual(regionQuestion?.labels.slice().sort(), [DEFAULT_REGION, OTHER_REGION].sort(), JSON.stringify(mark.asked()));
    assert.equal(regionQuestion.labels[0], DEFAULT_REGION, 'the default region is not offered first');
    const bind = (await requests()).slice(before).filter((r) => r.action === 'AssociateInstancesKeyPairs');
    assert.deepEqual(bind.map((r) => r.region), [OTHER_REGION]);
    await eventually(async () => (await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyIds.includes(imported.keyId!), () => 'the instance never got the key');
    // The forced shutdown left it stopped: unbinding asks no shutdown.
    assert.notEqual((await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.InstanceState, 'RUNNING');
    assert.equal(await asUser([OTHER_REGION, [running.InstanceName]], 'cloudSshKeys.unbindCloudKeyPair', await keyPairNode(imported.keyId!)), true);
    await eventually(async () => !(await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyIds.includes(imported.keyId!), () => 'the key was never unbound');
  });

  it('binding to a running instance: the forced shutdown is asked first; declined, AssociateInstancesKeyPairs is never sent', async () => {
    const running = (await state()).instances.find((i) => i.region === DEFAULT_REGION && i.InstanceState === 'RUNNING')!;
    const node = await keyPairNode(imported.keyId!);
    const mark = user.mark();
    const before = (await requests()).length;
    assert.equal(await asUser([DEFAULT_REGION, [running.InstanceName], CANCEL], 'cloudSshKeys.bindCloudKeyPair', node), false);
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'AssociateInstancesKeyPairs'), 'AssociateInstancesKeyPairs was sent');
    assert.ok(!(await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyIds.includes(imported.keyId!));
    assert.equal((await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.InstanceState, 'RUNNING');
    assert.match(mark.asked().at(-1)?.title ?? '', new RegExp(`running: ${running.InstanceName}`), JSON.stringify(mark.asked()));
  });

  it('an import whose answer is lost after Lighthouse imported: looked up, never sent again, one key pair @reset', async () => {
    const key = path.join(scratch, 'lh_lost_import');
    keygen(key, 'rsa', 'lh-lost@fixture');
    await addFault({ fault: { kind: 'reset', afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
    const before = (await requests()).length;
    const outcomes = await asUser<ImportOutcome[]>(['lh_lost_import'], 'cloudSshKeys.lighthouse.importKeyPair', vscode.Uri.file(`${key}.pub`));
    assert.match(outcomes?.[0].keyId ?? '', KEY_ID, JSON.stringify(outcomes));
    assert.equal((await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair').length, 1, 'the import was sent again');
    const held = (await state()).keyPairs.filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(`${key}.pub`, 'utf8')));
    assert.deepEqual(held.map((k) => k.KeyId), [outcomes![0].keyId]);
  });

  it('a CreateKeyPair whose answer (the only copy of the private key) is lost: reported with the name and KeyId, never sent again, nothing written @reset', async () => {
    const name = 'lh_lost';
    const directory = fs.mkdtempSync(path.join(scratch, 'lost-'));
    await addFault({ fault: { kind: 'reset', afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
    const mark = user.mark();
    const before = (await requests()).length;
    const outcome = await withSshDirectories([directory], () => asUser<CreateOutcome>([CHOICES.createInCloud, name], 'cloudSshKeys.lighthouse.createKeyPair'));
    assert.equal(outcome, undefined, JSON.stringify(outcome));
    assert.equal((await requests()).slice(before).filter((r) => r.action === 'CreateKeyPair').length, 1, 'CreateKeyPair was sent again');
    const held = (await state()).keyPairs.find((k) => k.KeyName === name);
    assert.ok(held, 'the fake did not create it (the fault came too early)');
    const report = await eventually(
      () => mark.shown().find((m) => m.includes(`created the key pair "${name}" (${held.KeyId})`) && m.includes('was lost')),
      () => `no notification named ${name} and ${held.KeyId}: ${JSON.stringify(mark.shown())}`,
    );
    assert.match(report, /Delete that key pair and create it again/);
    assert.deepEqual(fs.readdirSync(directory), [], 'a file was written without a private key');
  });

  it('a CreateKeyPair answer with a malformed KeyId: the private key is saved first (0600, its own .pub), then the malformed answer is reported @key-kept @malformed-answer', async () => {
    const name = 'lh_malformed';
    const directory = fs.mkdtempSync(path.join(scratch, 'malformed-'));
    await addFault({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.KeyId': '../../x' } }, action: 'CreateKeyPair', times: 1 });
    const mark = user.mark();
    const outcome = await withSshDirectories([directory], () => asUser<CreateOutcome>([CHOICES.createInCloud, name], 'cloudSshKeys.lighthouse.createKeyPair'));
    assert.ok(outcome, `the key is lost: ${JSON.stringify(mark.shown())}`);
    const saved = path.join(directory, name);
    assert.equal(outcome.privateKeyPath, saved);
    assert.deepEqual(fs.readdirSync(directory).sort(), [name, `${name}.pub`], 'a file named after the malformed KeyId was written');
    assert.equal(fs.statSync(saved).mode & 0o777, 0o600);
    const held = (await state()).keyPairs.find((k) => k.KeyName === name);
    assert.ok(held);
    assert.equal(blobOf(publicOfPrivate(saved)), blobOf(held.PublicKey));
    assert.equal(blobOf(fs.readFileSync(`${saved}.pub`, 'utf8')), blobOf(held.PublicKey));
    const report = await eventually(
      () => mark.shown().find((m) => m.includes('malformed field') && m.includes('KeyPair.KeyId')),
      () => `no notification reported the malformed KeyId: ${JSON.stringify(mark.shown())}`,
    );
    assert.ok(report.includes(saved), `the report does not say where the key is: ${report}`);
    // The malformed id named no file and no tree item: the view shows what Lighthouse lists.
    assert.ok(!fs.existsSync(path.join(directory, '..', 'x')), 'a file was written where the malformed KeyId points');
    assert.equal((await keyPairNode(held.KeyId)).keyPair.name, name);
  });

  it('broken listing answers (5xx, malformed JSON) are retried, and the key pairs are listed @http-5xx @malformed-json', async () => {
    await addFault([
      { fault: { kind: 'http-error', status: 503 }, action: 'DescribeKeyPairs', times: 1 },
      { fault: { kind: 'malformed-json' }, action: 'DescribeKeyPairs', times: 1 },
    ]);
    const node = await keyPairNode(imported.keyId!);
    assert.equal(node.local?.name, 'lh_rsa');
    const faults = (await requests()).filter((r) => r.action === 'DescribeKeyPairs').flatMap((r) => r.faults ?? []);
    assert.ok(faults.includes('http-error') && faults.includes('malformed-json'), JSON.stringify(faults));
  });

  it('a listing that keeps failing shows one problem item right under the Lighthouse node, and the view recovers with the cloud @http-5xx', async () => {
    await addFault({ fault: { kind: 'http-error', status: 500 }, action: 'DescribeKeyPairs' });
    (await api()).cloudKeys.refresh();
    const children = await lighthouseChildren();
    assert.deepEqual(children.filter((n) => n.kind !== 'instances').map((n) => n.kind), ['problem'], JSON.stringify(children.map((n) => n.kind)));
    await clearFaults();
    await keyPairNode(imported.keyId!);
  });

  it('delete removes the key pair from Lighthouse and the view', async () => {
    const node = await keyPairNode(imported.keyId!);
    const before = (await requests()).length;
    assert.equal(await asUser([CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', node), true);
    const sent = (await requests()).slice(before).filter((r) => r.action === 'DeleteKeyPairs');
    assert.deepEqual(sent.map((r) => r.params?.KeyIds), [[imported.keyId]]);
    assert.ok(!(await state()).keyPairs.some((k) => k.KeyId === imported.keyId));
    (await api()).cloudKeys.refresh();
    assert.ok(!(await lighthouseChildren()).some((n) => n.kind === 'keyPair' && n.keyPair.id === imported.keyId));
  });

  it('sign out of Lighthouse: the shared credentials leave SecretStorage, and both Tencent Cloud nodes go', async () => {
    await vscode.commands.executeCommand('cloudSshKeys.lighthouse.signOut');
    const { lighthouse, tencent } = await api();
    assert.equal(await lighthouse.credentials(), undefined);
    assert.equal(await tencent.credentials(), undefined);
    assert.equal(await providerNode('lighthouse'), undefined);
    assert.equal(await providerNode('tencent'), undefined);
  });

  it('with nothing stored, the TENCENTCLOUD_* environment variables are used (and the view says so)', async () => {
    const { lighthouse, cloudKeys } = await api();
    process.env.TENCENTCLOUD_SECRET_ID = FAKE_TEST_CREDENTIAL.secretId;
    process.env.TENCENTCLOUD_SECRET_KEY = FAKE_TEST_CREDENTIAL.secretKey;
    try {
      assert.equal((await lighthouse.credentials())?.source, 'environment');
      cloudKeys.refresh();
      const provider = await providerNode('lighthouse');
      assert.ok(provider);
      assert.match(String(cloudKeys.getTreeItem(provider).description), /TENCENTCLOUD_SECRET_ID/);
    } finally {
      delete process.env.TENCENTCLOUD_SECRET_ID;
      delete process.env.TENCENTCLOUD_SECRET_KEY;
      lighthouse.invalidate();
      (await api()).tencent.invalidate();
    }
  });
});
