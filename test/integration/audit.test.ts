// The Key Audit view and its actions, in the host, against a fake CVM started in this process (so
// that key pairs can be seeded with their creation time and the same key under two names) and a
// prepared SSH folder made by ssh-keygen: Audit Keys lists every kind of finding; chmod fixes the
// mode, Delete deletes the unbound key pair, Derive writes the .pub, Import imports the local key,
// each run as the user would on the finding's item, and the audit refreshes after each.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AUDIT_KINDS, type AuditKind } from '../../src/cloud/audit';
import type { AuditNode } from '../../src/views/audit-view';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { CHOICES, api, asUser, eventually, setSshDirectories, signInToFakeCvm, signOutOfFakeCvm } from './helpers';
import { user } from './test-user-input';

const REGION = 'ap-guangzhou';

describe('key audit: the Key Audit view and its actions (fake CVM)', function () {
  this.timeout(180_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-audit-'));
  const ssh = path.join(scratch, 'ssh');
  const far = path.join(scratch, 'far');
  const fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true });
  const file = (name: string) => path.join(ssh, name);
  const ids: Record<string, string> = {};

  const keygen = (target: string, type: string, bits: string[] = []) =>
    execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', path.basename(target), '-f', target]);

  before(async () => {
    fs.mkdirSync(ssh, { mode: 0o700 });
    fs.mkdirSync(far, { mode: 0o700 });
    keygen(file('guarded'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', file('guarded')]);
    keygen(file('plain'), 'ed25519');
    keygen(file('loose'), 'ed25519');
    fs.chmodSync(file('loose'), 0o644);
    keygen(file('old_dsa'), 'dsa');
    keygen(file('weak_rsa'), 'rsa', ['-b', '1024']);
    keygen(file('lonely'), 'ed25519');
    fs.rmSync(file('lonely.pub'));
    keygen(file('fresh'), 'rsa', ['-b', '2048']);
    keygen(file('twice'), 'ed25519');
    keygen(path.join(far, 'lost'), 'rsa', ['-b', '2048']);

    await fake.start();
    // xx-nowhere is no CVM region: listing it fails, and the audit says so.
    await signInToFakeCvm(fake.url, [REGION, 'xx-nowhere'], FAKE_TEST_CREDENTIAL);
    const line = (f: string) => fs.readFileSync(`${f}.pub`, 'utf8').trim();
    const seed = (name: string, f: string) => fake.seedKeyPair({ region: REGION, name, publicKey: line(f) });
    ids.bound = seed('bound', file('guarded')).KeyId;
    ids.unbound = seed('unbound', file('plain')).KeyId;
    const old = seed('old', file('loose'));
    old.CreatedTime = '2020-01-01T00:00:00Z';
    ids.weak = seed('weak', file('weak_rsa')).KeyId;
    ids.lost = seed('lost', path.join(far, 'lost')).KeyId;
    ids.twiceA = seed('twice_a', file('twice')).KeyId;
    ids.twiceB = seed('twice_b', file('twice')).KeyId;
    fake.seedInstance({ InstanceName: 'web', region: REGION, KeyIds: [ids.bound, old.KeyId, ids.weak, ids.twiceA, ids.twiceB] });
    ids.farBox = fake.seedInstance({ InstanceName: 'far-box', region: REGION, KeyIds: [ids.lost] }).InstanceId;
    await setSshDirectories([ssh]);
    const { localKeys, cloudKeys } = await api();
    await localKeys.refresh();
    cloudKeys!.refresh();
  });
  after(async () => {
    await setSshDirectories(undefined);
    await signOutOfFakeCvm(fake.url);
    await fake.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const audit = async () => (await api()).audit!;
  /** The finding items of one kind, as the view gives them. */
  const itemsOf = async (kind: AuditKind): Promise<AuditNode[]> => {
    const view = await audit();
    const group = view.getChildren().find((n) => n.kind === 'auditGroup' && n.auditKind === kind);
    return group ? view.getChildren(group) : [];
  };
  const nameOf = (n: AuditNode) => ('finding' in n && n.finding.subject.type === 'local' ? path.basename(n.finding.subject.path) : 'finding' in n && n.finding.subject.type === 'keyPair' ? n.finding.subject.keyPairId : '');

  it('Audit Keys lists every kind of finding, grouped by kind with counts', async () => {
    const count = await asUser<number>([], 'cloudSshKeys.audit');
    assert.ok(count && count > 0);
    const view = await audit();
    const groups = view.getChildren().filter((n): n is Extract<AuditNode, { kind: 'auditGroup' }> => n.kind === 'auditGroup');
    assert.deepEqual(groups.map((g) => g.auditKind), AUDIT_KINDS, JSON.stringify(view.findings?.map((f) => [f.kind, f.message]), null, 1));
    for (const g of groups) assert.equal(view.getTreeItem(g).description, String(g.findings.length));
    assert.deepEqual((await itemsOf('unbound-key-pair')).map(nameOf), [ids.unbound]);
    assert.deepEqual((await itemsOf('no-local-private-key')).map(nameOf), [ids.lost]);
    assert.deepEqual((await itemsOf('unsafe-permissions')).map(nameOf), ['loose']);
    assert.deepEqual((await itemsOf('imported-nowhere')).map(nameOf).sort(), ['fresh', 'lonely', 'old_dsa']);
    const farBox = (await itemsOf('instance-without-local-key')).find((n) => n.kind === 'instance' && n.instance.id === ids.farBox);
    assert.ok(farBox);
    // Each item says its actions in its context value (the menus' `when`).
    const unbound = (await itemsOf('unbound-key-pair'))[0];
    assert.match(String(view.getTreeItem(unbound).contextValue), /\baction-delete\b/);
    assert.match(String(view.getTreeItem(farBox).contextValue), /\baction-rotate\b/);
  });

  it('chmod: Fix Permissions on the finding asks, then makes the key 600; the finding goes', async () => {
    const [loose] = await itemsOf('unsafe-permissions');
    assert.equal(await asUser<boolean>(['Change Mode'], 'cloudSshKeys.fixKeyPermissions', loose), true);
    assert.equal(fs.statSync(file('loose')).mode & 0o777, 0o600);
    await eventually(async () => (await itemsOf('unsafe-permissions')).length === 0, () => 'the unsafe-permissions finding is still listed');
  });

  it('delete: Delete on the unbound key pair deletes it from the cloud', async () => {
    const [unbound] = await itemsOf('unbound-key-pair');
    assert.equal(await asUser<boolean>([CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', unbound), true);
    assert.ok(!fake.keyPairsIn(REGION).some((k) => k.KeyId === ids.unbound), 'the key pair is still in the fake');
    await eventually(async () => (await itemsOf('unbound-key-pair')).length === 0, () => 'the unbound finding is still listed');
  });

  it('derive: Derive Public Key on a private key without .pub writes it', async () => {
    const lonely = (await itemsOf('imported-nowhere')).find((n) => nameOf(n) === 'lonely')!;
    assert.match(String((await audit()).getTreeItem(lonely).contextValue), /\baction-derive\b/);
    await asUser([], 'cloudSshKeys.derivePublicKey', lonely);
    assert.ok(fs.existsSync(file('lonely.pub')));
    assert.equal(fs.readFileSync(file('lonely.pub'), 'utf8').split(' ')[1], execFileSync('ssh-keygen', ['-y', '-f', file('lonely')], { encoding: 'utf8' }).split(' ')[1].trim());
  });

  it('import: Import on a key imported nowhere imports it; the finding goes', async () => {
    const fresh = (await itemsOf('imported-nowhere')).find((n) => nameOf(n) === 'fresh')!;
    await asUser([[REGION], 'fresh_key'], 'cloudSshKeys.tencent.importKeyPair', fresh);
    const blob = fs.readFileSync(file('fresh.pub'), 'utf8').split(' ')[1];
    assert.ok(fake.keyPairsIn(REGION).some((k) => k.blobBase64 === blob), 'the key was not imported');
    await eventually(async () => !(await itemsOf('imported-nowhere')).some((n) => nameOf(n) === 'fresh'), () => 'the imported-nowhere finding of fresh is still listed');
  });

  it('the maxKeyAgeDays setting moves the line of "old"', async () => {
    const config = vscode.workspace.getConfiguration('cloudSshKeys');
    await config.update('audit.maxKeyAgeDays', 100_000, vscode.ConfigurationTarget.Global);
    try {
      await (await audit()).run();
      assert.equal((await itemsOf('old-key-pair')).length, 0);
    } finally {
      await config.update('audit.maxKeyAgeDays', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('rotate: Rotate on the weak key pair starts Rotate Key Pair for it; where no login can be proven the old key stays, and Roll Back undoes it', async () => {
    await (await audit()).run();
    const weak = (await itemsOf('weak-key')).find((n) => n.kind === 'keyPair' && n.keyPair.id === ids.weak);
    assert.ok(weak, 'no weak-key finding for the weak key pair');
    assert.match(String((await audit()).getTreeItem(weak).contextValue), /\baction-rotate\b/);
    const target = path.join(ssh, 'weak_rotated');
    // The instance's address has no sshd here: the new key cannot be proven, so it keeps the old one.
    const mark = user.mark();
    assert.equal(await asUser<boolean>(['RSA 3072', '', target, 'Rotate'], 'cloudSshKeys.rotateKeyPair', weak), false);
    assert.ok(mark.shown().some((m) => m.startsWith('Rotate weak on 1 instance(s)?')), JSON.stringify(mark.shown()));
    assert.ok(mark.shown().some((m) => m.startsWith('Rotated 0 of 1 instance(s)')), JSON.stringify(mark.shown()));
    const web = fake.account.instancesIn(REGION).find((i) => i.InstanceName === 'web')!;
    assert.ok(web.KeyIds.includes(ids.weak), 'the old key pair was taken off an instance the new key was not proven on');
    assert.equal(await asUser<boolean>(['Roll Back'], 'cloudSshKeys.rotateKeyPair', weak), false);
    assert.ok(mark.shown().some((m) => m.startsWith('Rolled back')), JSON.stringify(mark.shown()));
    assert.ok(!fake.keyPairsIn(REGION).some((k) => k.KeyName === 'weak_rotated'), 'the new key pair was not removed');
    assert.ok(fs.existsSync(target), 'the new private key file must stay');
  });
});
