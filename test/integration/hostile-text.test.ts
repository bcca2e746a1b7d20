// A hostile cloud in the real extension host: the fake CVM rewrites its answers so that key pair
// names, descriptions and error messages hold ANSI escapes, newlines, bidi overrides and Markdown
// links. The Cloud Key Pairs view and the notifications show them escaped, never as they came.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../src/commands/create-cloud-key-pair';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import type { CloudKeysNode } from '../../src/views/cloud-keys-view';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { CHOICES, asUser, cvmAdmin, eventually, api as extensionApi, labelOf, signInToFakeCvm, signOutOfFakeCvm, tooltipText, withSshDirectories } from './helpers';
import { user } from './test-user-input';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';

const admin = <T>(route: string, method = 'GET', body?: unknown) => cvmAdmin<T>(CVM_URL!, route, method, body);
const injectFault = (rule: unknown) => admin('faults', 'POST', rule);

/** A screen clear, a forged second line, a right-to-left override and a link that would run a command. */
const HOSTILE = 'evil\u001b[2J\nforged\u202e[Fix](command:workbench.action.terminal.new)';
/** The parts of HOSTILE that must never be shown as they are. */
const RAW = /[\u001b\u202e\r\n]/;

/** The extension's API with the cloud parts it exports outside production. */
async function api() {
  const exported = await extensionApi();
  assert.ok(exported.cloudKeys && exported.accounts?.tencent, 'the extension exports no cloudKeys/tencent (production mode?)');
  return { ...exported, cloudKeys: exported.cloudKeys, tencent: exported.accounts?.tencent };
}

/** The region's children after a fresh listing. */
async function regionChildren(): Promise<CloudKeysNode[]> {
  const { cloudKeys } = await api();
  cloudKeys.refresh();
  const [provider] = await cloudKeys.getChildren();
  assert.ok(provider, 'the Cloud Key Pairs view shows no provider');
  const region = (await cloudKeys.getChildren(provider)).find((n) => n.kind === 'region' && n.region.id === REGION);
  assert.ok(region, `the view shows no ${REGION}`);
  return cloudKeys.getChildren(region);
}

describe('hostile text from the cloud (fake CVM rewriting its answers)', function () {
  this.timeout(120_000);
  /** Every notification's text (the stand-in user records them: test-user-input.ts). */
  const shown = { get length() { return user.shown.length; }, slice: (from: number) => user.shown.slice(from).map((m) => m.message) };
  let keyId: string;

  before(async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-hostile-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'hostile', '-f', path.join(dir, 'hostile')]);
    const [outcome] =
      (await asUser<ImportOutcome[]>([[REGION], 'hostile_key'], 'cloudSshKeys.tencent.importKeyPair', vscode.Uri.file(path.join(dir, 'hostile.pub')))) ?? [];
    assert.match(outcome?.keyId ?? '', /^skey-/, JSON.stringify(outcome));
    keyId = outcome!.keyId!;
  });

  afterEach(async () => {
    if (CVM_URL) await admin('faults', 'DELETE');
  });

  after(async () => {
    if (CVM_URL) await signOutOfFakeCvm(CVM_URL);
  });

  it('a key pair with a hostile name and description: its tree label, description and tooltip are escaped, the tooltip trusts nothing @hostile-text', async () => {
    await injectFault({ fault: { kind: 'rewrite', set: { 'Response.KeyPairSet.*.KeyName': HOSTILE, 'Response.KeyPairSet.*.Description': HOSTILE } }, action: 'DescribeKeyPairs' });
    const node = (await regionChildren()).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId);
    assert.ok(node && node.kind === 'keyPair', `${keyId} is not in the view`);
    assert.equal(node.keyPair.name, HOSTILE, 'the key pair itself keeps the exact name');
    const item = (await api()).cloudKeys.getTreeItem(node);
    const label = labelOf(item);
    assert.doesNotMatch(label, RAW, JSON.stringify(label));
    assert.ok(label.startsWith('evil\\u001b[2J\\u000aforged\\u202e'), JSON.stringify(label));
    assert.doesNotMatch(label, /\]\(command:/, 'the label holds a link');
    assert.doesNotMatch(String(item.description ?? ''), RAW, JSON.stringify(item.description));
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString, 'the tooltip is Markdown');
    assert.ok(!tooltip.isTrusted, 'the tooltip allows command links');
    assert.ok(!tooltip.supportHtml, 'the tooltip allows HTML');
    // Markdown paragraphs are the tooltip's own newlines; no other raw character may remain.
    assert.doesNotMatch(tooltipText(item), /[\u001b\u202e\r]/, JSON.stringify(tooltipText(item)));
    assert.ok(tooltipText(item).includes('u001b'), 'the tooltip does not show the escape as text');
    assert.ok(!tooltipText(item).includes('[Fix]('), 'the tooltip holds a Markdown link');
  });

  it('a listing refused with a hostile Message: the problem item shows it escaped, on one line @hostile-text', async () => {
    await injectFault({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'InvalidParameterValue', Message: HOSTILE } } }, action: 'DescribeKeyPairs' });
    const problem = (await regionChildren()).find((n) => n.kind === 'problem');
    assert.ok(problem, 'the region shows no problem item');
    const item = (await api()).cloudKeys.getTreeItem(problem);
    for (const text of [labelOf(item), tooltipText(item)]) {
      assert.doesNotMatch(text, RAW, JSON.stringify(text));
      assert.ok(text.includes('evil\\u001b[2J\\u000aforged\\u202e'), JSON.stringify(text));
    }
  });

  it('Save Public Key of a key pair named ../../escape_pwned: the file stays in the SSH folder, under a safe name @path-escape', async () => {
    await injectFault({ fault: { kind: 'rewrite', set: { 'Response.KeyPairSet.*.KeyName': '../../escape_pwned\u202e' } }, action: 'DescribeKeyPairs' });
    const node = (await regionChildren()).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId);
    assert.ok(node, `${keyId} is not in the view`);
    const sshDir = path.resolve(vscode.workspace.getConfiguration('cloudSshKeys').get<string[]>('sshDirectories')![0].replace(/^~/, os.homedir()));
    const file = await vscode.commands.executeCommand<string | undefined>('cloudSshKeys.saveCloudPublicKey', node);
    try {
      assert.ok(file, 'nothing was saved');
      assert.equal(path.dirname(file), sshDir, `saved outside the SSH folder: ${file}`);
      assert.match(path.basename(file), /^[A-Za-z0-9_][A-Za-z0-9._-]*\.pub$/);
      assert.equal(fs.existsSync(path.join(sshDir, '..', '..', 'escape_pwned\u202e.pub')), false);
      const line = fs.readFileSync(file, 'utf8');
      assert.match(line, /^ssh-(ed25519|rsa) [A-Za-z0-9+/=]+ [\x21-\x7e]+\n$/, JSON.stringify(line));
    } finally {
      if (file) fs.rmSync(file, { force: true });
      await (await api()).localKeys?.refresh?.();
    }
  });

  it('a rename refused with a hostile Message: the notification shows it escaped, with no command link @hostile-text', async () => {
    const node = (await regionChildren()).find((n) => n.kind === 'keyPair' && n.keyPair.id === keyId);
    assert.ok(node, `${keyId} is not in the view`);
    await injectFault({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'InvalidParameterValue', Message: HOSTILE } } }, action: 'ModifyKeyPairAttribute' });
    const before = shown.length;
    assert.equal(await asUser(['renamed_key'], 'cloudSshKeys.renameCloudKeyPair', node), false);
    const failure = shown.slice(before).find((m) => m.includes('InvalidParameterValue') || m.includes('forged'));
    assert.ok(failure, `no notification named the failure: ${JSON.stringify(shown.slice(before))}`);
    assert.doesNotMatch(failure, RAW, JSON.stringify(failure));
    assert.ok(failure.includes('evil\\u001b[2J\\u000aforged\\u202e'), JSON.stringify(failure));
    assert.doesNotMatch(failure, /\]\((?:command:|https?:|file:)/, `the notification holds a link: ${failure}`);
  });

  it('CreateKeyPair answering with a PublicKey that is not the private key\'s: the key is saved (0600), its .pub is the private key\'s own half, PublicKeyMismatch is shown @key-kept', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-mismatch-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'other', '-f', path.join(other, 'other')]);
    const otherPublic = fs.readFileSync(path.join(other, 'other.pub'), 'utf8').trim();
    await injectFault({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.PublicKey': otherPublic } }, action: 'CreateKeyPair' });
    const name = 'mismatch_key';
    const before = shown.length;
    const outcome = await withSshDirectories([other], () => asUser<CreateOutcome>([CHOICES.createInCloud, REGION, name], 'cloudSshKeys.tencent.createKeyPair'));
    assert.ok(outcome, 'Create Key Pair returned nothing: the key is lost');
    const saved = path.join(other, name);
    assert.equal(outcome.privateKeyPath, saved);
    assert.equal(fs.statSync(saved).mode & 0o777, 0o600);
    const ownHalf = execFileSync('ssh-keygen', ['-y', '-f', saved], { encoding: 'utf8', stdio: 'pipe' }).trim().split(/\s+/)[1];
    assert.equal(outcome.publicKeyPath, `${saved}.pub`);
    const written = fs.readFileSync(`${saved}.pub`, 'utf8').trim().split(/\s+/);
    assert.equal(written[1], ownHalf, 'the .pub is not the private key\'s public half');
    assert.notEqual(written[1], otherPublic.split(/\s+/)[1], 'the .pub was written from the answer\'s PublicKey');
    await eventually(() => shown.slice(before).some((m) => m.includes('is not the public half of the private key')), () => `no notification said PublicKeyMismatch: ${JSON.stringify(shown.slice(before))}`);
    const mismatch = shown.slice(before).find((m) => m.includes('is not the public half of the private key'))!;
    assert.ok(mismatch.includes(saved), `the notification does not say where the key is: ${mismatch}`);
  });
});
