// Reliability in the real extension host, against the fake CVM with faults injected: concurrent
// imports, throttling storms, lost answers, broken responses, clock skew. For each: a clear
// outcome, no duplicate key pairs, the view still usable, and no secret in any file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../src/commands/importKeyPair';
import { FAKE_TEST_CREDENTIAL } from '../fakes/tencent-cvm';
import { api as extensionApi, fixture } from './helpers';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';

async function admin<T>(route: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${CVM_URL}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${method} /__admin/${route}: ${res.status}`);
  return (await res.json()) as T;
}
const requests = () => admin<Array<{ action?: string; signatureVerified: boolean }>>('requests');
const keyPairsHeld = async () => (await admin<{ keyPairs: Array<{ KeyId: string; PublicKey: string; region: string }> }>('state')).keyPairs;
const injectFault = (rule: unknown) => admin('faults', 'POST', rule);
const blobOf = (line: string) => line.trim().split(/\s+/)[1];

/** A fresh public key made by ssh-keygen, outside the SSH folders (the Local Keys suites count those). */
function freshPublicKey(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-rel-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(dir, name)]);
  return path.join(dir, `${name}.pub`);
}

function importKey(file: string, name: string): Thenable<ImportOutcome[] | undefined> {
  return vscode.commands.executeCommand<ImportOutcome[]>('cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(file), { regions: [REGION], name });
}

describe('reliability against a misbehaving cloud (fake CVM with faults)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');

  before(async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await admin('reset', 'POST');
    await config().update('tencent.endpoint', CVM_URL, vscode.ConfigurationTarget.Global);
    await config().update('tencent.regions', [REGION, 'ap-shanghai'], vscode.ConfigurationTarget.Global);
    const ok = await vscode.commands.executeCommand('cloudSshKeys.tencent.setCredentials', { ...FAKE_TEST_CREDENTIAL });
    assert.equal(ok, true, 'credentials were not accepted');
  });

  afterEach(async () => {
    if (CVM_URL) await admin('faults', 'DELETE');
  });

  after(async () => {
    if (!CVM_URL) return;
    await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
    await config().update('tencent.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config().update('tencent.regions', undefined, vscode.ConfigurationTarget.Global);
    await admin('reset', 'POST');
  });

  it('two imports of the same key at once: one key pair in the cloud, both answers name it', async () => {
    const pub = freshPublicKey('twice');
    const [a, b] = await Promise.all([importKey(pub, 'twice_a'), importKey(pub, 'twice_b')]);
    const held = (await keyPairsHeld()).filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(pub, 'utf8')));
    assert.equal(held.length, 1, `the cloud holds ${held.length} copies`);
    assert.equal(a?.[0].keyId, held[0].KeyId, JSON.stringify(a));
    assert.equal(b?.[0].keyId, held[0].KeyId, JSON.stringify(b));
  });

  it('a throttling storm: retried with backoff, and the import lands once', async () => {
    const pub = freshPublicKey('throttled');
    await injectFault({ fault: { kind: 'throttle' }, action: 'ImportKeyPair', times: 2 });
    const before = (await requests()).length;
    const [outcome] = (await importKey(pub, 'throttled')) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, JSON.stringify(outcome));
    const imports = (await requests()).slice(before).filter((r) => r.action === 'ImportKeyPair');
    assert.equal(imports.length, 3, 'two throttled attempts, then one that landed');
    assert.equal((await keyPairsHeld()).filter((k) => k.KeyId === outcome!.keyId).length, 1);
  });

  it('an import whose answer is lost after the cloud imported: looked up, never sent again, no duplicate', async () => {
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

  it('a local clock 10 minutes off: the import fails with a sentence that says so, and nothing is imported', async () => {
    const pub = freshPublicKey('skewed');
    await injectFault({ fault: { kind: 'clock-skew', seconds: 600 }, action: 'ImportKeyPair', times: 10 });
    const [outcome] = (await importKey(pub, 'skewed')) ?? [];
    assert.equal(outcome?.keyId, undefined);
    assert.equal(outcome?.errorCode, 'AuthFailure.SignatureExpire');
    assert.match(outcome?.error ?? '', /clock/i);
    assert.match(outcome?.error ?? '', /10 minutes/);
    assert.equal((await keyPairsHeld()).filter((k) => blobOf(k.PublicKey) === blobOf(fs.readFileSync(pub, 'utf8'))).length, 0);
  });

  it('broken answers while listing (5xx, malformed JSON, a reset): retried, and the view lists the key pairs', async () => {
    const { cloudKeys, tencent } = await extensionApi();
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

  it('a listing that keeps failing shows a problem item in each region, and the view recovers when the cloud does', async () => {
    const { cloudKeys, tencent } = await extensionApi();
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

  it('after all these failures, no file the extension or VS Code wrote holds the SecretKey', () => {
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && fs.readFileSync(p).includes(FAKE_TEST_CREDENTIAL.secretKey)) hits.push(p);
      }
    };
    for (const dir of [userData, fixture().workspace, fixture().sshDir]) walk(dir);
    assert.deepEqual(hits, []);
  });
});
