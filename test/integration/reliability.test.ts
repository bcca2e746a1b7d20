// Reliability in the real extension host, against the fake CVM with faults injected: concurrent
// imports, throttling storms, lost answers, broken responses, clock skew. For each: a clear
// outcome, no duplicate key pairs, the view still usable, and no secret in any file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import { FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { type Answer, type Question, assertUserSatisfied, user } from './test-user-input';
import { asUser, cvmAdmin, eventually, api as extensionApi, filesContaining, fixture, setCredentialsAsUser, signInToFakeCvm, signOutOfFakeCvm, userDataDir } from './helpers';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';

const admin = <T>(route: string, method = 'GET', body?: unknown) => cvmAdmin<T>(CVM_URL!, route, method, body);
const requests = () => admin<Array<{ action?: string; secretId?: string; signatureVerified: boolean }>>('requests');
const keyPairsHeld = async () => (await admin<{ keyPairs: Array<{ KeyId: string; PublicKey: string; region: string }> }>('state')).keyPairs;
const injectFault = (rule: unknown) => admin('faults', 'POST', rule);
const blobOf = (line: string) => line.trim().split(/\s+/)[1];

/** A fresh public key made by ssh-keygen, outside the SSH folders (the Local Keys suites count those). */
function freshPublicKey(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-rel-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', path.join(dir, name)]); // RSA: documented by CVM
  return path.join(dir, `${name}.pub`);
}

/** Import to Tencent CVM as the user answers it (region, name); `signedIn: false`: refused before any question. */
function importKey(file: string, name: string, signedIn = true): Promise<ImportOutcome[] | undefined> {
  return asUser<ImportOutcome[]>(signedIn ? [[REGION], name] : [], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(file));
}

describe('reliability against a misbehaving cloud (fake CVM with faults)', function () {
  this.timeout(120_000);

  before(async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await signInToFakeCvm(CVM_URL, [REGION, 'ap-shanghai'], FAKE_TEST_CREDENTIAL);
  });

  afterEach(async () => {
    if (CVM_URL) await admin('faults', 'DELETE');
  });

  after(async () => {
    if (!CVM_URL) return;
    await signOutOfFakeCvm(CVM_URL);
  });

  it('two imports of the same key at once: one ImportKeyPair sent, one key pair in the cloud, both answers name it @concurrent-import', async () => {
    const pub = freshPublicKey('twice');
    const before = (await requests()).length;
    // Two commands at once ask in an order of their own: answer each question by its kind.
    const names = ['twice_a', 'twice_b'];
    const answer = (q: Question): Answer => (q.kind === 'quickPick' ? [REGION] : names.shift()!);
    user.answer(answer, answer, answer, answer);
    const run = () => vscode.commands.executeCommand<ImportOutcome[] | undefined>('cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(pub));
    const [a, b] = await Promise.all([run(), run()]);
    assertUserSatisfied();
    const imports = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(imports.length, 1, 'the second import was sent too');
    const held = (await keyPairsHeld()).filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(pub, 'utf8')));
    assert.equal(held.length, 1, `the cloud holds ${held.length} copies`);
    assert.equal(a?.[0].keyId, held[0].KeyId, JSON.stringify(a));
    assert.equal(b?.[0].keyId, held[0].KeyId, JSON.stringify(b));
  });

  it('a throttling storm: retried with backoff, and the import lands once @throttle', async () => {
    const pub = freshPublicKey('throttled');
    await injectFault({ fault: { kind: 'throttle' }, action: 'ImportKeyPair', times: 2 });
    const before = (await requests()).length;
    const [outcome] = (await importKey(pub, 'throttled')) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, JSON.stringify(outcome));
    const imports = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(imports.length, 3, 'two throttled attempts, then one that landed');
    assert.equal((await keyPairsHeld()).filter((k) => k.KeyId === outcome!.keyId).length, 1);
  });

  it('an import whose answer is lost after the cloud imported: looked up, never sent again, no duplicate @reset', async () => {
    const pub = freshPublicKey('lost_answer');
    await injectFault({ fault: { kind: 'reset', afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
    const before = (await requests()).length;
    const [outcome] = (await importKey(pub, 'lost_answer')) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, `the landed import was not found: ${JSON.stringify(outcome)}`);
    const sent = (await requests()).slice(before);
    assert.equal(sent.filter((r) => r.action === 'ImportKeyPair').length, 1, 'the import was sent again');
    assert.ok(sent.some((r) => r.action === 'DescribeKeyPairs'), 'the key was not looked up');
    const copies = (await keyPairsHeld()).filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(pub, 'utf8')));
    assert.equal(copies.length, 1);
  });

  it('a local clock 10 minutes off: the import fails with a sentence that says so, and nothing is imported @clock-skew', async () => {
    const pub = freshPublicKey('skewed');
    await injectFault({ fault: { kind: 'clock-skew', seconds: 600 }, action: 'ImportKeyPair', times: 10 });
    const [outcome] = (await importKey(pub, 'skewed')) ?? [];
    assert.equal(outcome?.keyId, undefined);
    assert.equal(outcome?.errorCode, 'AuthFailure.SignatureExpire');
    assert.match(outcome?.error ?? '', /clock/i);
    assert.match(outcome?.error ?? '', /10 minutes/);
    assert.equal((await keyPairsHeld()).filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(pub, 'utf8'))).length, 0);
  });

  it('broken answers while listing (5xx, malformed JSON, a reset): retried, and the view lists the key pairs @http-5xx @malformed-json @reset', async () => {
    const { cloudKeys, accounts } = await extensionApi();
    const tencent = accounts?.tencent;
    assert.ok(cloudKeys && tencent);
    await injectFault([
      { fault: { kind: 'http-error', status: 502 }, action: 'DescribeKeyPairs', times: 1 },
      { fault: { kind: 'malformed-json' }, action: 'DescribeKeyPairs', times: 1 },
      { fault: { kind: 'reset' }, action: 'DescribeKeyPairs', times: 1 },
    ]);
    cloudKeys.refresh();
    const listed = await cloudKeys.keyPairs(tencent);
    const held = await keyPairsHeld();
    assert.deepEqual(listed.map((k) => k.id).sort(), held.map((k) => k.KeyId).sort());
  });

  it('a listing that keeps failing shows a problem item in each region, and the view recovers when the cloud does @http-5xx', async () => {
    const { cloudKeys, accounts } = await extensionApi();
    const tencent = accounts?.tencent;
    assert.ok(cloudKeys && tencent);
    await injectFault({ fault: { kind: 'http-error', status: 503 }, action: 'DescribeKeyPairs', times: 50 });
    cloudKeys.refresh();
    const [provider] = await cloudKeys.getChildren();
    const regions = await cloudKeys.getChildren(provider);
    assert.ok(regions.length > 0, 'the view has no regions');
    const children = await Promise.all(regions.map((r) => cloudKeys.getChildren(r)));
    const problems = children.flat().filter((n) => n.kind === 'problem');
    assert.ok(problems.length > 0, 'no region says it failed');
    for (const p of problems) assert.match(cloudKeys.getTreeItem(p).label as string, /\S{10,}/);
    await admin('faults', 'DELETE');
    cloudKeys.refresh();
    const recovered = (await Promise.all(regions.map((r) => cloudKeys.getChildren(r)))).flat();
    assert.equal(recovered.filter((n) => n.kind === 'problem').length, 0, 'the view did not recover after the faults ended');
  });

  it('a refresh while an import runs: the older listing, answering last, never hides the imported key @refresh-during-import', async () => {
    const { cloudKeys, accounts } = await extensionApi();
    const tencent = accounts?.tencent;
    assert.ok(cloudKeys && tencent);
    const pub = freshPublicKey('during_refresh');
    const blob = blobOf(fs.readFileSync(pub, 'utf8'));
    // The listing started now is read before the import lands, and answered only after it.
    await injectFault({ fault: { kind: 'latency', ms: 3000, afterProcessing: true }, action: 'DescribeKeyPairs', times: 2 });
    const before = (await requests()).length;
    cloudKeys.refresh();
    const olderListing = cloudKeys.keyPairs(tencent);
    await eventually(
      async () => (await requests()).slice(before).filter((r) => r.action === 'DescribeKeyPairs' && r.signatureVerified).length === 2,
      () => 'the first listing never reached the cloud',
    );
    const [outcome] = (await importKey(pub, 'during_refresh')) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, JSON.stringify(outcome));
    const fresh = await cloudKeys.keyPairs(tencent); // the import refreshed the view: listed again
    assert.ok(fresh.some((k) => k.id === outcome!.keyId), 'the listing after the import lacks the key');
    const older = await olderListing;
    assert.ok(!older.some((k) => k.id === outcome!.keyId), 'the older listing should predate the import (the test set-up is wrong)');
    assert.deepEqual(
      cloudKeys.locationsOf(blob).map((l) => l.keyId),
      [outcome!.keyId],
      'after the older listing answered, the Local Keys view no longer knows where the key is',
    );
    const regions = await cloudKeys.getChildren((await cloudKeys.getChildren())[0]);
    const shown = (await Promise.all(regions.map((r) => cloudKeys.getChildren(r)))).flat();
    assert.ok(shown.some((n) => n.kind === 'keyPair' && n.keyPair.id === outcome!.keyId), 'the tree does not show the imported key pair');
  });

  it('credentials changed in another window during an import: it finishes with the ones it began with, what follows uses the new ones @credentials-changed', async () => {
    const { cloudKeys, accounts, secrets } = await extensionApi();
    const tencent = accounts?.tencent;
    assert.ok(cloudKeys && tencent && secrets);
    const pub = freshPublicKey('rotated');
    await injectFault({ fault: { kind: 'latency', ms: 1500, afterProcessing: true }, action: 'ImportKeyPair', times: 1 });
    const before = (await requests()).length;
    const importing = importKey(pub, 'rotated');
    await eventually(
      async () => (await requests()).slice(before).some((r) => r.action === 'ImportKeyPair' && r.signatureVerified),
      () => 'the import never reached the cloud',
    );
    // Another window stores other credentials; this window hears of it through SecretStorage.onDidChange
    // (stored here straight into SecretStorage, past the command, so only that event can tell the extension).
    const heard = new Promise<void>((resolve) => {
      const listener = tencent.onDidChange(() => {
        listener.dispose();
        resolve();
      });
    });
    await secrets.store(tencent.descriptor.secretKey, JSON.stringify({ secretId: FAKE_SECOND_CREDENTIAL.secretId, secretKey: FAKE_SECOND_CREDENTIAL.secretKey }));
    await heard;
    const [outcome] = (await importing) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, JSON.stringify(outcome));
    const sent = (await requests()).slice(before);
    assert.deepEqual(
      [...new Set(sent.filter((r) => r.action === 'ImportKeyPair').map((r) => r.secretId))],
      [FAKE_TEST_CREDENTIAL.secretId],
      'the import switched credentials halfway',
    );
    const mark = (await requests()).length;
    const listed = await cloudKeys.keyPairs(tencent);
    assert.ok(listed.some((k) => k.id === outcome!.keyId));
    const relisted = (await requests()).slice(mark).filter((r) => r.action === 'DescribeKeyPairs');
    assert.ok(relisted.length > 0, 'the view did not list again after the credentials changed');
    assert.ok(relisted.every((r) => r.secretId === FAKE_SECOND_CREDENTIAL.secretId), 'the view listed with the old credentials');

    // Signed out in the other window: the account leaves the view, and an import sends nothing.
    await secrets.delete(tencent.descriptor.secretKey);
    await eventually(
      async () => !(await cloudKeys.getChildren()).some((n) => n.kind === 'provider' && n.account === tencent),
      () => 'the view still shows Tencent Cloud after signing out',
    );
    const quiet = (await requests()).length;
    assert.equal(await importKey(freshPublicKey('after_sign_out'), 'after_sign_out', false), undefined);
    assert.equal((await requests()).length, quiet, 'a request went out without credentials');
    assert.equal(await setCredentialsAsUser('tencent', { ...FAKE_TEST_CREDENTIAL }), true);
  });

  it('after all these failures, no file the extension or VS Code wrote holds either SecretKey @secrets', () => {
    const secrets = [FAKE_TEST_CREDENTIAL.secretKey, FAKE_SECOND_CREDENTIAL.secretKey];
    assert.deepEqual(filesContaining([userDataDir(), fixture().workspace, fixture().sshDir], ...secrets), []);
  });
});
