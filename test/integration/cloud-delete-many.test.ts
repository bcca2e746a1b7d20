// Multi-select delete when one of the selected key pairs was deleted elsewhere (the console, another
// window) after the view listed it: CVM refuses the whole DeleteKeyPairs batch for that one stale
// KeyId; the rest are deleted all the same and the summary says which one was already gone.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { CHOICES, api, asUser, cvmAdmin, signInToFakeCvm, signOutOfFakeCvm } from './helpers';
import { user } from './test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';
type KeyPairNode = Extract<CloudKeysNode, { kind: 'keyPair' }>;

describe('multi-select delete with a key pair already deleted elsewhere (fake CVM)', function () {
  this.timeout(120_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-delete-many-'));

  before(async function () {
    if (!CVM_URL) this.skip();
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
  });
  after(async () => {
    if (CVM_URL) await signOutOfFakeCvm(CVM_URL);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('the others are deleted, the stale one is reported as already gone (not as a failure), and the view no longer shows any of them', async () => {
    const { cloudKeys, accounts } = await api();
    const tencent = accounts!.tencent;
    const ids: string[] = [];
    for (const name of ['stale_a', 'stale_b', 'stale_c']) {
      const file = path.join(scratch, name);
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', file]);
      const outcomes = await asUser<ImportOutcome[]>([[REGION], name], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(`${file}.pub`));
      assert.ok(outcomes?.[0]?.keyId, JSON.stringify(outcomes));
      ids.push(outcomes[0].keyId!);
    }
    // What the view holds (the listing after the imports).
    const provider = (await cloudKeys!.getChildren()).find((n) => n.kind === 'provider' && n.account === tencent)!;
    const region = (await cloudKeys!.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION)!;
    const nodes = (await cloudKeys!.getChildren(region)).filter((n): n is KeyPairNode => n.kind === 'keyPair' && ids.includes(n.keyPair.id));
    assert.equal(nodes.length, 3);
    // Deleted behind the view's back: straight through the cloud, no refresh.
    const stale = ids[1];
    await (await tencent.provider()).deleteKeyPairs({ region: REGION, ids: [stale] });
    assert.ok(cloudKeys!.listedKeyPairs(tencent, REGION)?.some((k) => k.id === stale), 'the view already forgot the stale key pair');

    const mark = user.mark();
    const gone = await asUser<boolean>([CHOICES.delete], 'cloudSshKeys.deleteCloudKeyPair', nodes[0], nodes);
    assert.equal(gone, true, "the command did not report every selected key pair gone");
    const held = (await cvmAdmin<{ keyPairs: Array<{ KeyId: string }> }>(CVM_URL!, 'state')).keyPairs.map((k) => k.KeyId);
    assert.deepEqual(ids.filter((id) => held.includes(id)), [], 'a key pair is still in the fake');
    const said = mark.shown().find((m) => m.startsWith('Deleted '));
    assert.ok(said, JSON.stringify(mark.shown()));
    assert.match(said, /^Deleted 2 of 3 key pairs\. 1 no longer existed \(already deleted\): /);
    assert.ok(said.includes(stale), said);
    assert.doesNotMatch(said, /Kept|failed/i);
    const listed = cloudKeys!.listedKeyPairs(tencent, REGION) ?? [];
    assert.ok(!listed.some((k) => ids.includes(k.id)), 'the view still shows a deleted key pair');
  });
});
