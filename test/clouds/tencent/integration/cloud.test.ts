// Tencent Cloud CVM in the real extension host, against the fake CVM server the harness starts
// (test/harness/fake-clouds.mjs; its URL in CLOUD_SSH_KEYS_TEST_CVM_URL): credentials, import,
// create both ways, the Cloud Key Pairs view, rename, bind/unbind, delete.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../../../src/commands/create-cloud-key-pair';
import type { ImportOutcome } from '../../../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../fake/server';
import { sendRawTc3Request } from '../../../fakes/raw-tc3-client';
import { type Answer, CANCEL, type Question, user } from '../../../integration/test-user-input';
import { CHOICES, api as extensionApi, asUser, eventually, filesContaining, fixture, labelOf, rootItems, setCredentialsAsUser, withSshDirectories } from '../../../integration/helpers';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;

/** The extension's API with the cloud parts it exports outside production. */
async function api() {
  const exported = await extensionApi();
  assert.ok(exported.cloudKeys && exported.accounts?.tencent, 'the extension exports no cloudKeys/tencent (production mode?)');
  return { ...exported, cloudKeys: exported.cloudKeys, tencent: exported.accounts?.tencent };
}
const REGION = 'ap-guangzhou';
const OTHER_REGION = 'ap-shanghai';

interface LoggedRequest {
  action?: string;
  region?: string;
  params?: Record<string, unknown>;
  signatureVerified: boolean;
  secretId?: string;
  requestId?: string;
}
interface FakeState {
  keyPairs: Array<{ KeyId: string; KeyName: string; PublicKey: string; Description: string; region: string }>;
  instances: Array<{ InstanceId: string; InstanceName?: string; InstanceState: string; KeyIds: string[]; os: string }>;
}

async function admin<T>(route: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${CVM_URL}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${method} /__admin/${route}: ${res.status}`);
  return (await res.json()) as T;
}
// The account's identity (STS GetCallerIdentity) is asked in the background after a first listing: not a call the tests count.
const requests = async () => (await admin<LoggedRequest[]>('requests')).filter((r) => r.action !== 'GetCallerIdentity');
/** How Bind to Instances labels an instance in its picker. */
const instanceLabel = (i: { InstanceId: string; InstanceName?: string }) => i.InstanceName || i.InstanceId;
const state = () => admin<FakeState>('state');

/** The key blob (second field) of an OpenSSH public key line. */
const blobOf = (line: string) => line.trim().split(/\s+/)[1];
/** What ssh-keygen derives from a private key file. */
const publicOfPrivate = (file: string) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();

async function cloudTree(): Promise<{ provider: CloudKeysNode; regions: CloudKeysNode[]; keyPairs: Array<Extract<CloudKeysNode, { kind: 'keyPair' }>> }> {
  const { cloudKeys } = await api();
  const [provider] = await cloudKeys.getChildren();
  assert.ok(provider, 'the Cloud Key Pairs view shows no provider');
  const regions = await cloudKeys.getChildren(provider);
  const keyPairs = (await Promise.all(regions.map((r) => cloudKeys.getChildren(r)))).flat().filter((n) => n.kind === 'keyPair');
  return { provider, regions, keyPairs: keyPairs as Array<Extract<CloudKeysNode, { kind: 'keyPair' }>> };
}

async function keyPairNode(keyId: string): Promise<Extract<CloudKeysNode, { kind: 'keyPair' }>> {
  (await api()).cloudKeys.refresh();
  const node = (await cloudTree()).keyPairs.find((n) => n.keyPair.id === keyId);
  assert.ok(node, `${keyId} is not in the Cloud Key Pairs view`);
  return node;
}

describe('Tencent Cloud CVM (against the fake CVM server)', function () {
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  let imported: ImportOutcome | undefined;

  before(async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await admin('reset', 'POST');
    // These tests import the fixture's ED25519 keys for other reasons: the fake takes undocumented
    // types here (the key type tests below switch it back to CVM's documented RSA only).
    await admin('options', 'POST', { acceptUndocumentedKeyTypes: true });
    await config().update('tencent.endpoint', CVM_URL, vscode.ConfigurationTarget.Global);
    await config().update('tencent.regions', [REGION, OTHER_REGION], vscode.ConfigurationTarget.Global);
    await (await api()).localKeys.refresh();
  });

  after(async function () {
    if (!CVM_URL) return;
    await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
    await config().update('tencent.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config().update('tencent.regions', undefined, vscode.ConfigurationTarget.Global);
  });

  it('signed out, the view has no items (its welcome view offers "Set Tencent Cloud Credentials")', async () => {
    const { cloudKeys, tencent } = await api();
    assert.equal(await tencent.credentials(), undefined);
    assert.deepEqual(await cloudKeys.getChildren(), []);
  });

  it('wrong credentials are refused plainly, checked with one request, and not stored', async () => {
    const before = (await requests()).length;
    const ok = await setCredentialsAsUser('tencent', { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: 'wrongSecretKey0000000000000000000' });
    assert.equal(ok, false);
    const sent = (await requests()).slice(before);
    assert.deepEqual(sent.map((r) => r.action), ['DescribeRegions']);
    assert.equal(await (await api()).tencent.credentials(), undefined);
  });

  it('credentials set through the command are in SecretStorage and nowhere in settings, logs or the workspace @secrets', async () => {
    const { tencent } = await api();
    const ok = await setCredentialsAsUser('tencent', { ...FAKE_TEST_CREDENTIAL });
    assert.equal(ok, true);
    const credentials = await tencent.credentials();
    assert.equal(credentials?.source, 'secrets');
    assert.equal(credentials?.values.secretKey, FAKE_TEST_CREDENTIAL.secretKey);
    const checked = (await requests()).at(-1);
    assert.equal(checked?.action, 'DescribeRegions');
    assert.equal(checked?.signatureVerified, true);
    // Settings, logs and every other file of the user-data folder, and the workspace.
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    assert.ok(fs.existsSync(path.join(userData, 'User', 'settings.json')), `no user settings in ${userData}`);
    // The search reaches the extension's log: it holds the check's RequestId (but no secret).
    const requestId = checked.requestId!;
    await eventually(() => filesContaining(userData, requestId).length > 0, () => `no file under ${userData} holds ${requestId}`);
    for (const dir of [userData, fixture().workspace, fixture().sshDir]) {
      assert.deepEqual(filesContaining(dir, FAKE_TEST_CREDENTIAL.secretKey), [], `the SecretKey is written in ${dir}`);
    }
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('cloudSshKeys')).includes(FAKE_TEST_CREDENTIAL.secretKey));
  });

  it('the view shows Tencent Cloud (marked Sandbox) → the configured regions', async () => {
    const { cloudKeys } = await api();
    cloudKeys.refresh();
    const { provider, regions } = await cloudTree();
    const item = cloudKeys.getTreeItem(provider);
    assert.equal(labelOf(item), 'Tencent Cloud');
    assert.match(String(item.description), /Sandbox/);
    // Nothing imported yet: the empty regions are hidden (one note says so), shown on request.
    assert.deepEqual(regions.map((r) => r.kind), ['note']);
    await vscode.commands.executeCommand('cloudSshKeys.showEmptyRegions');
    try {
      const shown = (await cloudTree()).regions;
      assert.deepEqual(shown.map((r) => labelOf(cloudKeys.getTreeItem(r))), [REGION, OTHER_REGION]);
    } finally {
      await vscode.commands.executeCommand('cloudSshKeys.hideEmptyRegions');
    }
  });

  it('import from an explorer Uri: a signed ImportKeyPair with the name and the normalized key; the view matches it to the local file', async () => {
    const pub = fixture().sshItems.id_ed25519.public!;
    const before = (await requests()).length;
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION], 'alice_key'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(pub));
    assert.equal(outcomes?.length, 1);
    imported = outcomes[0];
    assert.match(imported.keyId ?? '', /^skey-\w{8}$/, JSON.stringify(imported));
    const sent = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].signatureVerified, true);
    assert.equal(sent[0].region, REGION);
    assert.equal(sent[0].params?.KeyName, 'alice_key');
    assert.equal(sent[0].params?.PublicKey, fs.readFileSync(pub, 'utf8').trim());
    const node = await keyPairNode(imported.keyId!);
    assert.equal(node.local?.name, 'id_ed25519');
    const item = (await api()).cloudKeys.getTreeItem(node);
    assert.equal(labelOf(item), 'alice_key');
    assert.match(String(item.description), new RegExp(`${imported.keyId}.*id_ed25519`));
  });

  it('Local Keys items say where their key is imported (provider, region, KeyId)', async () => {
    await eventually(
      async () => (await rootItems()).find((r) => r.label === 'id_ed25519' && String(r.item.description).includes(imported!.keyId!)),
      () => 'id_ed25519 never showed its KeyId',
    );
  });

  it('importing the same key again shows the existing KeyId without asking for a name (the listing holds it) and sends nothing', async () => {
    await keyPairNode(imported!.keyId!); // listed
    const before = (await requests()).length;
    const mark = user.mark();
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION]], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(fixture().sshItems.id_ed25519.public!));
    assert.equal(outcomes?.[0].keyId, imported!.keyId);
    assert.equal(outcomes?.[0].alreadyExisted, true);
    assert.ok(!mark.asked().some((q) => q.kind === 'inputBox'), JSON.stringify(mark.asked()));
    assert.ok(mark.shown().some((m) => m.includes(`already in Tencent Cloud ${REGION} as alice_key: ${imported!.keyId}`)), JSON.stringify(mark.shown()));
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'ImportKeyPair'));
  });

  it('the key picker of Import says where each key is already imported', async () => {
    const asked: Question[] = [];
    const picked = (q: Question): Answer => (asked.push(q), CANCEL);
    assert.equal(await asUser([picked], 'cloudSshKeys.tencent.importKeyPair'), undefined);
    const i = asked[0].labels.indexOf('id_ed25519');
    assert.ok(i >= 0, JSON.stringify(asked[0].labels));
    assert.match(asked[0].descriptions[i], /· in (.+, )?Tencent Cloud(, |$)/);
  });

  it('a key in one of the picked regions already: that region is skipped (no name asked for it) and the summary says it is there', async () => {
    await keyPairNode(imported!.keyId!);
    const before = (await requests()).length;
    const mark = user.mark();
    // The name box offers the name it has in the other region.
    const outcomes = await asUser<ImportOutcome[]>(
      [CHOICES.importAnyway, [REGION, OTHER_REGION], (q) => (assert.equal(q.value, 'alice_key'), 'alice_key')],
      'cloudSshKeys.tencent.importKeyPair',
      vscode.Uri.file(fixture().sshItems.id_ed25519.public!),
    );
    assert.deepEqual(outcomes?.map((o) => [o.region, !!o.alreadyExisted]), [[REGION, true], [OTHER_REGION, false]]);
    const sent = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.deepEqual(sent.map((r) => r.region), [OTHER_REGION]);
    await eventually(
      () => mark.shown().some((m) => m.includes(`imported in ${OTHER_REGION}`) && m.includes(`already there in ${REGION} (alice_key)`)),
      () => JSON.stringify(mark.shown()),
    );
    // Back as the later tests expect: only in REGION.
    const held = (await state()).keyPairs.find((k) => k.region === OTHER_REGION && k.KeyName === 'alice_key')!;
    await sendRawTc3Request({ url: CVM_URL!, action: 'DeleteKeyPairs', service: 'cvm', region: OTHER_REGION, ...FAKE_TEST_CREDENTIAL, params: { KeyIds: [held.KeyId] } });
    const { cloudKeys, tencent } = await api();
    await eventually(
      async () => (await keyPairNode(imported!.keyId!)) && !cloudKeys.listedKeyPairs(tencent, OTHER_REGION)?.some((k) => k.name === 'alice_key'),
      () => 'the view still lists alice_key in the other region',
    );
  });

  it('a key type CVM does not document (ED25519): a modal warning first; Cancel sends nothing, Import Anyway sends it and reports the refusal', async () => {
    await admin('options', 'POST', { acceptUndocumentedKeyTypes: false });
    try {
      const key = path.join(path.dirname(fixture().home), 'undocumented_ed25519');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'undocumented', '-f', key]);
      const before = (await requests()).length;
      const mark = user.mark();
      assert.equal(await asUser([CANCEL], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${key}.pub`)), undefined);
      const [warning] = mark.asked();
      assert.equal(warning.kind, 'dialog');
      assert.deepEqual(warning.labels, ['Import Anyway']);
      assert.match(warning.title, /is ED25519, a type not in Tencent CVM's documented list for import \(RSA\): it may refuse it/);
      assert.equal((await requests()).length, before, 'a request was sent before the user agreed');
      const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [REGION], 'undocumented_ed'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${key}.pub`));
      assert.equal(outcomes?.[0].errorCode, 'InvalidPublicKey.Malformed', JSON.stringify(outcomes));
      await eventually(() => mark.shown().some((m) => /rejected the ssh-ed25519 public key .*import an RSA key instead/.test(m)), () => JSON.stringify(mark.shown()));
      // An RSA key: no warning at all.
      const rsaMark = user.mark();
      const rsaKey = path.join(path.dirname(fixture().home), 'documented_rsa');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'documented', '-f', rsaKey]);
      const rsa = await asUser<ImportOutcome[]>([[REGION], 'documented_rsa'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${rsaKey}.pub`));
      assert.match(rsa?.[0].keyId ?? '', /^skey-/, JSON.stringify(rsa));
      assert.ok(!rsaMark.asked().some((q) => q.kind === 'dialog'), JSON.stringify(rsaMark.asked()));
    } finally {
      await admin('options', 'POST', { acceptUndocumentedKeyTypes: true });
    }
  });

  it('a name another key pair of the region already has is refused as it is typed (Import of another key, Create), before any request', async () => {
    const other = path.join(path.dirname(fixture().home), 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'other', '-f', other]);
    const before = (await requests()).length;
    const taken = { refused: 'alice_key', because: new RegExp(`already exists in ${REGION}`) };
    assert.equal(await asUser([[REGION], taken], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${other}.pub`)), undefined);
    assert.equal(await asUser([CHOICES.createInCloud, REGION, taken], 'cloudSshKeys.tencent.createKeyPair'), undefined);
    const sent = (await requests()).slice(before).map((r) => r.action);
    assert.ok(!sent.includes('ImportKeyPair') && !sent.includes('CreateKeyPair'), JSON.stringify(sent));
  });

  it('import from a Local Keys node into two regions in parallel (RFC/PEM-free OpenSSH line)', async () => {
    const node = (await rootItems()).find((r) => r.label === 'id_rsa_pem')!.node;
    const mark = user.mark();
    // Copy All on the one summary notification (pressed as it shows).
    const outcomes = await asUser<ImportOutcome[]>([[REGION, OTHER_REGION], 'rsa_pem', 'Copy All'], 'cloudSshKeys.tencent.importKeyPair', node);
    assert.deepEqual(outcomes?.map((o) => o.region), [REGION, OTHER_REGION]);
    // One notification for both regions, not one per region.
    const about = mark.shown().filter((m) => m.includes('id_rsa_pem'));
    assert.equal(about.length, 1, JSON.stringify(mark.shown()));
    assert.match(about[0], new RegExp(`imported in ${REGION}, ${OTHER_REGION}`));
    await eventually(async () => (await vscode.env.clipboard.readText()).includes(`${OTHER_REGION}\t${outcomes![1].keyId}`), () => 'Copy All copied nothing');
    for (const o of outcomes ?? []) assert.match(o.keyId ?? '', /^skey-/, JSON.stringify(o));
    const held = (await state()).keyPairs.filter((k) => k.KeyName === 'rsa_pem');
    assert.deepEqual(held.map((k) => k.region).sort(), [REGION, OTHER_REGION].sort());
    for (const k of held) assert.equal(blobOf(k.PublicKey), blobOf(fs.readFileSync(fixture().sshItems.id_rsa_pem.public!, 'utf8')));
  });

  it('an RFC 4716 file is sent as the plain OpenSSH line', async () => {
    const pub = fixture().sshItems.id_ed25519.public!;
    const file = path.join(path.dirname(fixture().home), 'alice_rfc4716.pub');
    fs.writeFileSync(file, execFileSync('ssh-keygen', ['-e', '-f', pub], { encoding: 'utf8' }));
    assert.match(fs.readFileSync(file, 'utf8'), /BEGIN SSH2 PUBLIC KEY/);
    const before = (await requests()).length;
    const outcomes = await asUser<ImportOutcome[]>([CHOICES.importAnyway, [OTHER_REGION], 'alice_rfc'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(file));
    assert.match(outcomes?.[0].keyId ?? '', /^skey-/, JSON.stringify(outcomes));
    const sent = (await requests()).slice(before).find((r) => r.action === 'ImportKeyPair');
    const line = String(sent?.params?.PublicKey);
    assert.match(line, /^ssh-ed25519 [A-Za-z0-9+/]+=*( \S.*)?$/);
    assert.equal(blobOf(line), blobOf(fs.readFileSync(pub, 'utf8')));
  });

  it('a name the API would refuse is refused before any request', async () => {
    const before = (await requests()).length;
    // The name box refuses them as they are typed: the user can only give up.
    const outcomes = await asUser([CHOICES.importAnyway, [REGION], { refused: 'bad-name with spaces', because: /letters, digits and underscores|illegal|only/i }], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(fixture().workspacePub));
    assert.equal(outcomes, undefined);
    const tooLong = await asUser([CHOICES.importAnyway, [REGION], { refused: 'a'.repeat(26), because: /25/ }], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(fixture().workspacePub));
    assert.equal(tooLong, undefined);
    assert.equal((await requests()).length, before, 'a request was sent for a bad name');
  });

  it('a private key file is refused before any request', async () => {
    const before = (await requests()).length;
    // The user declines to import the public half instead.
    const outcomes = await asUser([CANCEL], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(fixture().sshItems.id_ed25519.private!));
    assert.equal(outcomes, undefined);
    assert.equal((await requests()).length, before, 'a request was sent for a private key');
  });

  it('a file holding several public keys (authorized_keys): the user picks one; Escape sends nothing', async () => {
    const file = path.join(path.dirname(fixture().home), 'two_keys.pub');
    const lines = [fixture().sshItems.id_ed25519.public!, fixture().sshItems.id_rsa_pem.public!].map((f) => fs.readFileSync(f, 'utf8').trim());
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const before = (await requests()).length;
    const outcomes = await asUser([(q) => (assert.equal(q.labels.length, 2, JSON.stringify(q)), CANCEL)], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(file));
    assert.equal(outcomes, undefined);
    assert.equal((await requests()).length, before);
  });

  for (const method of ['local', 'cloud'] as const) {
    it(`Create Key Pair (${method === 'local' ? 'generated here, public half imported' : 'CreateKeyPair'}): a 0600 private key matching the key the cloud holds`, async () => {
      const name = `made_${method}`;
      const answers = method === 'local' ? [CHOICES.createHere, 'RSA 3072', [REGION], name, 'made@test', ''] : [CHOICES.createInCloud, REGION, name];
      const outcome = await asUser<CreateOutcome>(answers, 'cloudSshKeys.tencent.createKeyPair');
      assert.ok(outcome, 'Create Key Pair returned nothing');
      assert.equal(outcome.privateKeyPath, path.join(fixture().sshDir, name));
      assert.equal(fs.statSync(outcome.privateKeyPath).mode & 0o777, 0o600);
      assert.ok(fs.existsSync(`${outcome.privateKeyPath}.pub`));
      const held = (await state()).keyPairs.find((k) => k.KeyId === outcome.keyPair.id);
      assert.ok(held, `${outcome.keyPair.id} is not in the fake`);
      assert.equal(blobOf(publicOfPrivate(outcome.privateKeyPath)), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${outcome.privateKeyPath}.pub`, 'utf8')), blobOf(held.PublicKey));
      assert.equal(fs.readdirSync(fixture().sshDir).filter((f) => f.endsWith('.tmp')).length, 0, 'a temporary file was left');
      const node = await keyPairNode(outcome.keyPair.id);
      assert.equal(node.local?.name, name);
    });
  }

  it('Create Key Pair generated here, with a comment and a passphrase, into two regions: one key, imported in both; the private key needs the passphrase', async () => {
    const name = 'made_two_regions';
    const asked: Question[] = [];
    const typeAnswer = (q: Question): Answer => (asked.push(q), 'RSA 3072');
    const outcome = await asUser<CreateOutcome>([CHOICES.createHere, typeAnswer, [REGION, OTHER_REGION], name, 'two@regions', 'pass-phrase-1', 'pass-phrase-1'], 'cloudSshKeys.tencent.createKeyPair');
    // RSA (documented) first and so the default; the others offered with the note.
    assert.deepEqual(asked[0].labels, ['RSA 3072', 'RSA 4096', 'ED25519', 'ECDSA P-256']);
    assert.match(asked[0].descriptions[2], /not in Tencent Cloud's documented list; it may refuse it/);
    assert.ok(outcome, 'Create Key Pair returned nothing');
    assert.deepEqual(outcome.regions?.map((r) => [r.region, /^skey-/.test(r.keyId ?? '')]), [[REGION, true], [OTHER_REGION, true]]);
    const held = (await state()).keyPairs.filter((k) => k.KeyName === name);
    assert.deepEqual(held.map((k) => k.region).sort(), [REGION, OTHER_REGION].sort());
    const pub = fs.readFileSync(`${outcome.privateKeyPath}.pub`, 'utf8').trim();
    assert.match(pub, / two@regions$/);
    for (const k of held) assert.equal(blobOf(k.PublicKey), blobOf(pub));
    // Encrypted: ssh-keygen derives the public key only with the passphrase.
    assert.equal(blobOf(execFileSync('ssh-keygen', ['-y', '-P', 'pass-phrase-1', '-f', outcome.privateKeyPath], { encoding: 'utf8' })), blobOf(pub));
    assert.throws(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', outcome.privateKeyPath], { stdio: 'pipe' }));
  });

  it('CreateKeyPair whose private key cannot be written to the SSH folder keeps it and saves it elsewhere (Save As) @folder-unwritable', async function () {
    // A folder this process cannot write to: mode 0555, or for root an immutable folder (chattr +i).
    const locked = fs.mkdtempSync(path.join(path.dirname(fixture().home), 'locked-'));
    fs.chmodSync(locked, 0o555);
    const writable = () => {
      try {
        fs.writeFileSync(path.join(locked, 'probe'), '');
        fs.rmSync(path.join(locked, 'probe'));
        return true;
      } catch {
        return false;
      }
    };
    let immutable = false;
    if (writable()) {
      try {
        execFileSync('chattr', ['+i', locked], { stdio: 'pipe' });
        immutable = true;
      } catch {
        // no chattr here
      }
    }
    try {
      if (writable()) this.skip();
      const saveAsPath = path.join(path.dirname(fixture().home), 'saved_elsewhere');
      const outcome = await withSshDirectories([locked], () =>
        asUser<CreateOutcome>([CHOICES.createInCloud, REGION, 'saved_elsewhere', CHOICES.saveAs, saveAsPath], 'cloudSshKeys.tencent.createKeyPair'),
      );
      assert.equal(outcome?.privateKeyPath, saveAsPath);
      assert.equal(fs.statSync(saveAsPath).mode & 0o777, 0o600);
      const held = (await state()).keyPairs.find((k) => k.KeyId === outcome?.keyPair.id);
      assert.equal(blobOf(publicOfPrivate(saveAsPath)), blobOf(held!.PublicKey));
    } finally {
      if (immutable) execFileSync('chattr', ['-i', locked]);
      fs.chmodSync(locked, 0o755);
    }
  });

  it('CreateKeyPair into a folder that does not exist yet: the folder is made 0700, the key saved 0600 @folder-missing', async () => {
    const directory = path.join(path.dirname(fixture().home), 'not-yet', 'ssh');
    const outcome = await withSshDirectories([directory], () => asUser<CreateOutcome>([CHOICES.createInCloud, REGION, 'in_new_folder'], 'cloudSshKeys.tencent.createKeyPair'));
    assert.equal(outcome?.privateKeyPath, path.join(directory, 'in_new_folder'));
    assert.equal(fs.statSync(directory).mode & 0o777, 0o700);
    assert.equal(fs.statSync(outcome!.privateKeyPath).mode & 0o777, 0o600);
    const held = (await state()).keyPairs.find((k) => k.KeyId === outcome?.keyPair.id);
    assert.equal(blobOf(publicOfPrivate(outcome!.privateKeyPath)), blobOf(held!.PublicKey));
  });

  it('CreateKeyPair whose target file appears while the cloud answers: that file is left alone, the key saved elsewhere @key-exists', async () => {
    const directory = fs.mkdtempSync(path.join(path.dirname(fixture().home), 'race-'));
    const target = path.join(directory, 'raced');
    await admin('faults', 'POST', { fault: { kind: 'latency', ms: 1000, afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
    const saveAsPath = path.join(directory, 'raced_saved');
    const outcome = await withSshDirectories([directory], async () => {
      const creating = asUser<CreateOutcome>([CHOICES.createInCloud, REGION, 'raced', CHOICES.saveAs, saveAsPath], 'cloudSshKeys.tencent.createKeyPair');
      await new Promise((r) => setTimeout(r, 300));
      fs.writeFileSync(target, 'someone else\'s file\n');
      return creating;
    });
    assert.equal(fs.readFileSync(target, 'utf8'), "someone else's file\n", 'the file that appeared was overwritten');
    assert.equal(outcome?.privateKeyPath, saveAsPath);
    assert.equal(fs.statSync(saveAsPath).mode & 0o777, 0o600);
    const held = (await state()).keyPairs.find((k) => k.KeyId === outcome?.keyPair.id);
    assert.equal(blobOf(publicOfPrivate(saveAsPath)), blobOf(held!.PublicKey));
  });

  it('Create Key Pair never overwrites an existing file: the name box refuses it, nothing is sent @key-exists', async () => {
    const before = (await requests()).length;
    const outcome = await asUser([CHOICES.createInCloud, REGION, { refused: 'id_ed25519', because: /already exists/ }], 'cloudSshKeys.tencent.createKeyPair');
    assert.equal(outcome, undefined);
    assert.equal((await requests()).length, before);
  });

  it('Copy ID puts the KeyId on the clipboard', async () => {
    const node = await keyPairNode(imported!.keyId!);
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.copyCloudKeyId', node), imported!.keyId);
    assert.equal(await vscode.env.clipboard.readText(), imported!.keyId);
  });

  it('rename and edit the description (ModifyKeyPairAttribute)', async () => {
    const node = await keyPairNode(imported!.keyId!);
    assert.equal(await asUser(['alice_renamed'], 'cloudSshKeys.renameCloudKeyPair', node), true);
    assert.equal(await asUser(['laptop key'], 'cloudSshKeys.editCloudKeyPairDescription', node), true);
    const held = (await state()).keyPairs.find((k) => k.KeyId === imported!.keyId);
    assert.equal(held?.KeyName, 'alice_renamed');
    assert.equal(held?.Description, 'laptop key');
  });

  it('bind to a stopped instance, delete refused while bound (no DeleteKeyPairs sent), unbind', async () => {
    const stopped = (await state()).instances.find((i) => i.InstanceState === 'STOPPED' && i.os === 'linux')!;
    let node = await keyPairNode(imported!.keyId!);
    // The picker offers only what the API accepts (no Windows instance), with state and address.
    const offer = (q: Question): Answer => {
      assert.ok(!q.labels.includes('win-stopped'), `a Windows instance is offered: ${JSON.stringify(q.labels)}`);
      assert.match(q.placeholder ?? '', /not offered: Windows instances \(SSH key pairs are for Linux\): win-stopped/);
      const i = q.labels.indexOf(instanceLabel(stopped));
      assert.match(q.descriptions[i], new RegExp(`${stopped.InstanceId} · STOPPED · 127\\.`), q.descriptions[i]);
      return [instanceLabel(stopped)];
    };
    assert.equal(await asUser([offer], 'cloudSshKeys.bindCloudKeyPair', node), true);
    assert.ok((await state()).instances.find((i) => i.InstanceId === stopped.InstanceId)?.KeyIds.includes(imported!.keyId!));
    node = await keyPairNode(imported!.keyId!);
    assert.deepEqual(node.keyPair.associatedInstanceIds, [stopped.InstanceId]);
    const before = (await requests()).length;
    assert.equal(await vscode.commands.executeCommand('cloudSshKeys.deleteCloudKeyPair', node), false);
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'DeleteKeyPairs'));
    assert.equal(await asUser([[instanceLabel(stopped)]], 'cloudSshKeys.unbindCloudKeyPair', node), true);
    assert.ok(!(await state()).instances.find((i) => i.InstanceId === stopped.InstanceId)?.KeyIds.includes(imported!.keyId!));
  });

  it('binding to a running instance asks before the forced shutdown; declined, nothing is sent', async () => {
    const running = (await state()).instances.find((i) => i.InstanceState === 'RUNNING')!;
    const node = await keyPairNode(imported!.keyId!);
    const before = (await requests()).length;
    assert.equal(await asUser([[instanceLabel(running)], (q) => (assert.match(q.title, /running/), CANCEL)], 'cloudSshKeys.bindCloudKeyPair', node), false);
    assert.ok(!(await requests()).slice(before).some((r) => r.action === 'AssociateInstancesKeyPairs'));
    assert.ok(!(await state()).instances.find((i) => i.InstanceId === running.InstanceId)?.KeyIds.includes(imported!.keyId!));
  });

  it('a batch CVM refuses for one instance: the error names only that instance, and no ForceStop was sent', async () => {
    // The listing says win-stopped runs Linux (a listing gone stale, or an image CVM reads otherwise),
    // so the picker offers it; CVM itself refuses the batch for it, naming it alone.
    await admin('faults', 'POST', { fault: { kind: 'rewrite', set: { 'Response.InstanceSet.*.OsName': 'Ubuntu Server 22.04 LTS 64bit' } }, action: 'DescribeInstances' });
    try {
      // A key pair of its own (CreateKeyPair straight to the fake), so that this test stands alone.
      const created = await sendRawTc3Request({ url: CVM_URL!, action: 'CreateKeyPair', region: REGION, service: 'cvm', params: { KeyName: 'batch_probe', ProjectId: 0 }, ...FAKE_TEST_CREDENTIAL });
      const keyId = String((created.response?.KeyPair as { KeyId?: unknown } | undefined)?.KeyId);
      const node = await keyPairNode(keyId);
      const before = (await requests()).length;
      const mark = user.mark();
      assert.equal(await asUser([['web-running', 'win-stopped'], CHOICES.shutDown], 'cloudSshKeys.bindCloudKeyPair', node), false);
      const error = mark.shown().find((m) => m.includes('runs Windows'));
      assert.ok(error, JSON.stringify(mark.shown()));
      assert.match(error, /The instance ins-winstp01 runs Windows/);
      assert.doesNotMatch(error, /ins-lnxrun01/);
      const binds = (await requests()).slice(before).filter((r) => r.action === 'AssociateInstancesKeyPairs');
      assert.deepEqual(binds.map((r) => r.params?.ForceStop), [false], JSON.stringify(binds.map((r) => r.params)));
      const running = (await state()).instances.find((i) => i.InstanceId === 'ins-lnxrun01')!;
      assert.deepEqual([running.InstanceState, running.KeyIds.includes(keyId)], ['RUNNING', false]);
    } finally {
      await admin('faults', 'DELETE');
    }
  });

  it('delete of a bound key pair says why it cannot, offers Unbind there; unbound and confirmed, it is deleted from the cloud and the view', async () => {
    const stopped = (await state()).instances.find((i) => i.InstanceState === 'STOPPED' && i.os === 'linux')!;
    assert.equal(await asUser([[instanceLabel(stopped)]], 'cloudSshKeys.bindCloudKeyPair', await keyPairNode(imported!.keyId!)), true);
    const node = await keyPairNode(imported!.keyId!);
    assert.deepEqual(node.keyPair.associatedInstanceIds, [stopped.InstanceId]);
    const mark = user.mark();
    assert.equal(await asUser(['Unbind from Instances…', [instanceLabel(stopped)], CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', node), true);
    assert.ok(mark.shown().some((m) => m.includes('cannot be deleted: it is bound to')), JSON.stringify(mark.shown()));
    assert.ok(!(await state()).keyPairs.some((k) => k.KeyId === imported!.keyId));
    (await api()).cloudKeys.refresh();
    assert.ok(!(await cloudTree()).keyPairs.some((n) => n.keyPair.id === imported!.keyId));
  });

  it('sign out: the credentials leave SecretStorage and the view is empty again; signing out again says nothing was stored', async () => {
    const mark = user.mark();
    await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
    const { tencent, cloudKeys } = await api();
    assert.equal(await tencent.credentials(), undefined);
    assert.deepEqual(await cloudKeys.getChildren(), []);
    await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
    assert.deepEqual(mark.shown(), ['Signed out of Tencent Cloud: the stored credentials are removed.', 'No Tencent Cloud credentials were stored: nothing to remove.']);
  });

  it('with nothing stored, the TENCENTCLOUD_* environment variables are used (and the view says so)', async () => {
    const { tencent, cloudKeys } = await api();
    process.env.TENCENTCLOUD_SECRET_ID = FAKE_TEST_CREDENTIAL.secretId;
    process.env.TENCENTCLOUD_SECRET_KEY = FAKE_TEST_CREDENTIAL.secretKey;
    try {
      assert.equal((await tencent.credentials())?.source, 'environment');
      cloudKeys.refresh();
      const [provider] = await cloudKeys.getChildren();
      const item = cloudKeys.getTreeItem(provider);
      assert.match(String(item.description), /TENCENTCLOUD_SECRET_ID/);
      // Only the variables that are set: no session token here.
      assert.doesNotMatch(`${item.description}\n${item.tooltip}`, /TENCENTCLOUD_SESSION_TOKEN/);
    } finally {
      delete process.env.TENCENTCLOUD_SECRET_ID;
      delete process.env.TENCENTCLOUD_SECRET_KEY;
      tencent.invalidate();
    }
  });
});
