// The Cloud Key Pairs view in the real extension host, against the fake CVM: empty regions hidden
// (and the toggle), the view updated before an import or delete ends, multi-select delete, the
// title bar's "+" asking which cloud, and the cached listing painted at once (and checked when read).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import { type CloudKeysNode, CloudKeysProvider } from '../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { CHOICES, api as extensionApi, asUser, cvmAdmin, labelOf, signInToFakeCvm, signOutOfFakeCvm } from './helpers';
import { CANCEL, user } from './test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';
const OTHER_REGION = 'ap-shanghai';
type KeyPairNode = Extract<CloudKeysNode, { kind: 'keyPair' }>;

async function api() {
  const exported = await extensionApi();
  assert.ok(exported.cloudKeys && exported.accounts?.tencent, 'the extension exports no cloudKeys/tencent (production mode?)');
  return { ...exported, cloudKeys: exported.cloudKeys, tencent: exported.accounts.tencent };
}
// The account's identity (STS GetCallerIdentity) is asked in the background after a first listing: not a call the tests count.
const requests = async () => (await cvmAdmin<Array<{ action?: string; region?: string }>>(CVM_URL!, 'requests')).filter((r) => r.action !== 'GetCallerIdentity');
const held = async () => (await cvmAdmin<{ keyPairs: Array<{ KeyId: string; region: string }> }>(CVM_URL!, 'state')).keyPairs;

/** The Tencent Cloud node's children as the tree gets them (no refresh: what the view holds now). */
async function tencentChildren(cloudKeys: CloudKeysProvider): Promise<CloudKeysNode[]> {
  const provider = (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent');
  assert.ok(provider, 'no Tencent Cloud node');
  return cloudKeys.getChildren(provider);
}
async function keyPairsShown(cloudKeys: CloudKeysProvider): Promise<KeyPairNode[]> {
  const regions = (await tencentChildren(cloudKeys)).filter((n) => n.kind === 'region');
  return (await Promise.all(regions.map((r) => cloudKeys.getChildren(r)))).flat().filter((n): n is KeyPairNode => n.kind === 'keyPair');
}

describe('the Cloud Key Pairs view (fake CVM)', function () {
  this.timeout(120_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-view-'));
  const newKey = (name: string) => {
    const file = path.join(scratch, name);
    // RSA: the type CVM documents for import (no "import anyway" question).
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', file]);
    return vscode.Uri.file(`${file}.pub`);
  };
  const importKey = async (name: string, regions = [REGION]) => {
    const outcomes = await asUser<ImportOutcome[]>([regions, name], 'cloudSshKeys.tencent.importKeyPair', newKey(name));
    assert.ok(outcomes?.every((o) => o.keyId), JSON.stringify(outcomes));
    return outcomes!;
  };

  before(async function () {
    if (!CVM_URL) this.skip();
    await signInToFakeCvm(CVM_URL, [REGION, OTHER_REGION], FAKE_TEST_CREDENTIAL);
  });

  after(async () => {
    if (!CVM_URL) return;
    await vscode.commands.executeCommand('cloudSshKeys.hideEmptyRegions');
    await signOutOfFakeCvm(CVM_URL);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('empty regions are hidden by default (a note says so); Show Empty Regions shows them and is remembered in globalState', async () => {
    const { cloudKeys } = await api();
    cloudKeys.refresh();
    assert.equal(cloudKeys.showEmptyRegions, false);
    const hidden = await tencentChildren(cloudKeys);
    assert.deepEqual(hidden.map((n) => n.kind), ['note']);
    const note = cloudKeys.getTreeItem(hidden[0]);
    assert.match(labelOf(note), /No key pairs in the 2 regions/);
    assert.equal(note.command?.command, 'cloudSshKeys.showEmptyRegions');
    await vscode.commands.executeCommand('cloudSshKeys.showEmptyRegions');
    assert.equal(cloudKeys.showEmptyRegions, true);
    const shown = await tencentChildren(cloudKeys);
    assert.deepEqual(shown.map((n) => (n.kind === 'region' ? n.region.id : n.kind)), [REGION, OTHER_REGION]);
    // A provider made anew (a reload) reads the toggle back.
    const { accounts, localKeys } = await api();
    const state = new Map<string, unknown>();
    const memento = { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] } as unknown as vscode.Memento;
    const first = new CloudKeysProvider(Object.values(accounts!), () => localKeys.lastScan, vscode.window.createOutputChannel('csk-test-1', { log: true }), { globalState: memento });
    await first.setShowEmptyRegions(true);
    const second = new CloudKeysProvider(Object.values(accounts!), () => localKeys.lastScan, vscode.window.createOutputChannel('csk-test-2', { log: true }), { globalState: memento });
    assert.equal(second.showEmptyRegions, true);
    first.dispose();
    second.dispose();
    await vscode.commands.executeCommand('cloudSshKeys.hideEmptyRegions');
    assert.deepEqual((await tencentChildren(cloudKeys)).map((n) => n.kind), ['note']);
  });

  it('an import from the explorer is in the view when the command ends: its region appears with the count, and only that region is listed again', async () => {
    const { cloudKeys, tencent } = await api();
    await cloudKeys.keyPairs(tencent); // listed (as an open view would be)
    const before = (await requests()).length;
    const [outcome] = await importKey('view_import');
    // No waiting: the command awaited the region's listing.
    assert.ok(cloudKeys.listedKeyPairs(tencent, REGION)?.some((k) => k.id === outcome.keyId), 'the view does not know the import yet');
    const regions = (await tencentChildren(cloudKeys)).filter((n) => n.kind === 'region');
    assert.deepEqual(regions.map((r) => r.region.id), [REGION]);
    assert.match(String(cloudKeys.getTreeItem(regions[0]).description), /1 key pair/);
    const relisted = (await requests()).slice(before).filter((r) => r.action === 'DescribeKeyPairs');
    assert.ok(relisted.length > 0 && relisted.every((r) => r.region === REGION), JSON.stringify(relisted));
  });

  it('the same node objects and stable ids across listings', async () => {
    const { cloudKeys } = await api();
    const [a] = (await tencentChildren(cloudKeys)).filter((n) => n.kind === 'region');
    const itemBefore = cloudKeys.getTreeItem(a);
    cloudKeys.refresh();
    const [b] = (await tencentChildren(cloudKeys)).filter((n) => n.kind === 'region');
    assert.equal(a, b, 'the region node is a new object after a refresh');
    assert.equal(cloudKeys.getTreeItem(b).id, itemBefore.id);
  });

  it('several key pairs selected: one confirmation naming the count, deleted region by region, gone from the view when the command ends', async () => {
    const { cloudKeys } = await api();
    await importKey('multi_a', [REGION, OTHER_REGION]);
    await importKey('multi_b');
    const nodes = (await keyPairsShown(cloudKeys)).filter((n) => n.keyPair.name.startsWith('multi_'));
    assert.equal(nodes.length, 3);
    const ids = nodes.map((n) => n.keyPair.id);
    const mark = user.mark();
    const deleted = await asUser<boolean>([CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', nodes[0], nodes);
    assert.equal(deleted, true);
    const asked = mark.asked();
    assert.equal(asked.length, 1, JSON.stringify(asked));
    assert.match(asked[0].title, /^Delete 3 key pairs from /);
    assert.match(asked[0].title, /ap-guangzhou \(2\)/);
    assert.ok(mark.shown().some((m) => m.includes('Deleted 3 of 3 key pairs')), JSON.stringify(mark.shown()));
    assert.deepEqual((await held()).filter((k) => ids.includes(k.KeyId)), []);
    const shown = (await keyPairsShown(cloudKeys)).map((n) => n.keyPair.id);
    assert.ok(!shown.some((id) => ids.includes(id)), 'the view still shows a deleted key pair');
    // Only the clicked item when it is not part of the selection.
    const [one] = (await keyPairsShown(cloudKeys)).filter((n) => n.keyPair.name === 'view_import');
    assert.equal(await asUser<boolean>([CANCEL], 'cloudSshKeys.deleteCloudKeyPair', one, [nodes[1]]), false);
  });

  it('the title bar\'s "+" asks which cloud first, then runs that cloud\'s Create', async () => {
    const mark = user.mark();
    assert.equal(await asUser(['Tencent CVM', CANCEL], 'cloudSshKeys.createCloudKeyPair'), undefined);
    const [which, next] = mark.asked();
    assert.match(which.title, /which cloud/);
    assert.ok(which.labels.includes('Tencent CVM') && which.labels.includes('Alibaba Cloud ECS'), JSON.stringify(which.labels));
    assert.match(next.title, /Tencent CVM|Create/);
    // On a cloud's node: no question about the cloud.
    const { cloudKeys } = await api();
    const provider = (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === 'tencent');
    const mark2 = user.mark();
    await asUser([CANCEL], 'cloudSshKeys.createCloudKeyPair', provider);
    assert.doesNotMatch(mark2.asked()[0].title, /which cloud/);
  });

  it('after a reload the view paints from the cached listing at once (marked cached), then from the fresh one; the cache holds no secret and a bad file is ignored', async () => {
    const { accounts, localKeys, tencent } = await api();
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-cache-'));
    const log = vscode.window.createOutputChannel('csk-cache-test', { log: true });
    const make = () => new CloudKeysProvider(Object.values(accounts!), () => localKeys.lastScan, log, { globalState: { get: () => undefined, update: async () => {}, keys: () => [] } as unknown as vscode.Memento, directory });
    try {
      const first = make();
      const listed = await first.keyPairs(tencent);
      assert.ok(listed.some((k) => k.name === 'view_import'));
      await first.flushCache();
      first.dispose();
      // The listing, and the index naming it for the next window (which paints it before the keychain answers).
      const files = fs.readdirSync(directory).filter((f) => f !== 'kept.json');
      assert.equal(files.length, 1, JSON.stringify(files));
      const index = fs.readFileSync(path.join(directory, 'kept.json'), 'utf8');
      assert.ok(index.includes(files[0]) && !index.includes(FAKE_TEST_CREDENTIAL.secretKey) && !index.includes(FAKE_TEST_CREDENTIAL.secretId), index);
      const text = fs.readFileSync(path.join(directory, files[0]), 'utf8');
      assert.ok(!text.includes(FAKE_TEST_CREDENTIAL.secretKey) && !text.includes(FAKE_TEST_CREDENTIAL.secretId), 'the cache names the credentials');
      assert.ok(!files[0].includes(FAKE_TEST_CREDENTIAL.secretId));

      // The "reload": a new provider while the cloud answers slowly.
      await cvmAdmin(CVM_URL!, 'faults', 'POST', { fault: { kind: 'latency', ms: 2500 }, action: 'DescribeKeyPairs', times: 2 });
      const second = make();
      const redrawn = new Promise<void>((resolve) => second.onDidChangeTreeData(() => resolve()));
      const t0 = Date.now();
      const [provider] = (await second.getChildren()).filter((n) => n.kind === 'provider' && n.account === tencent);
      const regions = await second.getChildren(provider);
      assert.ok(Date.now() - t0 < 2000, `painted only after ${Date.now() - t0} ms (it waited for the listing)`);
      assert.match(String(second.getTreeItem(provider).description), /cached/);
      const shown = (await Promise.all(regions.filter((r) => r.kind === 'region').map((r) => second.getChildren(r)))).flat();
      assert.ok(shown.some((n) => n.kind === 'keyPair' && n.keyPair.name === 'view_import'), 'the cached key pair is not shown');
      await redrawn; // the fresh listing landed and the view was told
      await second.keyPairs(tencent);
      assert.doesNotMatch(String(second.getTreeItem(provider).description), /cached/);
      second.dispose();

      // A cache file that is not one (wrong types) is ignored: the view waits for the listing instead.
      const bad = JSON.parse(text);
      // The region holding the key pair (regions are kept in the order their answers came).
      const [, held] = (bad.keyPairs as Array<[string, Array<Record<string, unknown>>]>).find(([, list]) => list.length > 0)!;
      held[0].associatedInstanceIds = 'ins-1';
      fs.writeFileSync(path.join(directory, files[0]), JSON.stringify(bad));
      const third = make();
      const [p3] = (await third.getChildren()).filter((n) => n.kind === 'provider' && n.account === tencent);
      await third.getChildren(p3);
      assert.doesNotMatch(String(third.getTreeItem(p3).description), /cached/);
      third.dispose();
    } finally {
      await cvmAdmin(CVM_URL!, 'faults', 'DELETE');
      log.dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
