// Secrets stay secret: known credential values and known private keys go through every cloud flow,
// successful and failing, in the real extension host; then every notification the extension showed
// and every file VS Code and the extension wrote (settings, logs, state) are searched for them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../src/commands/create-cloud-key-pair';
import type { ImportOutcome } from '../../src/commands/import-key-pair';
import type { CloudAccount } from '../../src/platform/cloud-account';
import { FAKE_ECS_ACCESS_KEY } from '../clouds/alibaba/fake/server';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { CHOICES, api, asUser, filesContaining, fixture, setCredentialsAsUser, withSshDirectories } from './helpers';
import { type Answer, CANCEL, user } from './test-user-input';

interface CloudUnderTest {
  id: 'tencent' | 'alibaba';
  url: string | undefined;
  region: string;
  credentials: Record<string, string>;
  wrongCredentials: Record<string, string>;
  /** The credential values that must never show. */
  secrets: string[];
  account: (exported: Awaited<ReturnType<typeof api>>) => CloudAccount | undefined;
}

const WRONG_TENCENT_KEY = 'knownWrongTencentSecretKey000001';
const WRONG_ECS_SECRET = 'knownWrongEcsAccessKeySecret0001';
const CLOUDS: CloudUnderTest[] = [
  {
    id: 'tencent',
    url: process.env.CLOUD_SSH_KEYS_TEST_CVM_URL,
    region: 'ap-guangzhou',
    credentials: { ...FAKE_TEST_CREDENTIAL },
    wrongCredentials: { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: WRONG_TENCENT_KEY },
    secrets: [FAKE_TEST_CREDENTIAL.secretKey, WRONG_TENCENT_KEY],
    account: (e) => e.accounts?.tencent,
  },
  {
    id: 'alibaba',
    url: process.env.CLOUD_SSH_KEYS_TEST_ECS_URL,
    region: 'cn-hangzhou',
    credentials: { ...FAKE_ECS_ACCESS_KEY },
    wrongCredentials: { accessKeyId: FAKE_ECS_ACCESS_KEY.accessKeyId, accessKeySecret: WRONG_ECS_SECRET },
    secrets: [FAKE_ECS_ACCESS_KEY.accessKeySecret, WRONG_ECS_SECRET],
    account: (e) => e.accounts?.alibaba,
  },
];

/** A middle line of a PEM/OpenSSH private key body: secret bytes (the first lines are a header every key shares). */
function privateKeyBodyLine(text: string): string {
  const lines = text.split('\n').filter((l) => !l.startsWith('-----') && l.trim());
  return lines[Math.floor(lines.length / 2)];
}

describe('secrets: known credentials and private keys through every flow, then searched for @secrets', function () {
  this.timeout(120_000);
  /** Every notification (with its buttons) and every question shown, as the stand-in user recorded them (test-user-input.ts). */
  const shownFrom = user.shown.length;
  const askedFrom = user.asked.length;
  const shown = () => [
    ...user.shown.slice(shownFrom).map((m) => [m.message, ...m.buttons].join(' | ')),
    ...user.asked.slice(askedFrom).map((q) => [q.title, q.value ?? '', ...q.labels, ...q.descriptions].join(' | ')),
  ];
  const privateKeyLines: string[] = [];
  const requestIds: string[] = [];
  const config = () => vscode.workspace.getConfiguration('cloudSshKeys');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-secrets-'));

  before(async function () {
    if (!CLOUDS.every((c) => c.url)) this.skip(); // e.g. the Electron runner, which starts no fakes
    for (const cloud of CLOUDS) {
      await fetch(`${cloud.url}/__admin/reset`, { method: 'POST' });
      await config().update(`${cloud.id}.endpoint`, cloud.url, vscode.ConfigurationTarget.Global);
      await config().update(`${cloud.id}.regions`, [cloud.region], vscode.ConfigurationTarget.Global);
    }
    // A private key of the user's, made by ssh-keygen: refused by import, never echoed.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mine', '-f', path.join(scratch, 'id_mine')]);
    privateKeyLines.push(privateKeyBodyLine(fs.readFileSync(path.join(scratch, 'id_mine'), 'utf8')));
  });

  after(async () => {
    for (const cloud of CLOUDS) {
      if (!cloud.url) continue;
      await vscode.commands.executeCommand(`cloudSshKeys.${cloud.id}.signOut`);
      await config().update(`${cloud.id}.endpoint`, undefined, vscode.ConfigurationTarget.Global);
      await config().update(`${cloud.id}.regions`, undefined, vscode.ConfigurationTarget.Global);
      await fetch(`${cloud.url}/__admin/reset`, { method: 'POST' });
    }
  });

  for (const cloud of CLOUDS) {
    const command = (name: string, answers: Answer[], ...args: unknown[]) => asUser(answers, `cloudSshKeys.${cloud.id}.${name}`, ...args);
    const fault = (rule: unknown) => fetch(`${cloud.url}/__admin/faults`, { method: 'POST', body: JSON.stringify(rule) });

    it(`${cloud.id}: wrong and right credentials, list, import (landed, refused, failed), create (saved, answer lost), sign out @secrets`, async () => {
      assert.equal(await setCredentialsAsUser(cloud.id, cloud.wrongCredentials), false, 'wrong credentials were accepted');
      assert.equal(await setCredentialsAsUser(cloud.id, cloud.credentials), true, 'the credentials were refused');
      const exported = await api();
      const account = cloud.account(exported);
      assert.ok(account && exported.cloudKeys);
      await exported.cloudKeys.keyPairs(account);

      const pub = path.join(scratch, `${cloud.id}_key.pub`);
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', pub.replace(/\.pub$/, '')]);
      const [landed] = (await command('importKeyPair', [[cloud.region], `sec_${cloud.id}_import`], vscode.Uri.file(pub))) as ImportOutcome[];
      assert.ok(landed?.keyId, JSON.stringify(landed));
      // A private key is refused before anything is sent, and the refusal does not quote it.
      assert.equal(await command('importKeyPair', [CANCEL], vscode.Uri.file(path.join(scratch, 'id_mine'))), undefined);
      await fault({ fault: { kind: 'clock-skew', seconds: 900 }, action: 'ImportKeyPair', times: 5 });
      const other = path.join(scratch, `${cloud.id}_other.pub`);
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', other.replace(/\.pub$/, '')]);
      const [failed] = (await command('importKeyPair', [[cloud.region], `sec_${cloud.id}_skewed`], vscode.Uri.file(other))) as ImportOutcome[];
      assert.ok(failed?.error, 'the skewed import did not fail');
      await fetch(`${cloud.url}/__admin/faults`, { method: 'DELETE' });

      const directory = path.join(scratch, `${cloud.id}-keys`);
      const create = (name: string) => withSshDirectories([directory], () => command('createKeyPair', [CHOICES.createInCloud, cloud.region, name]));
      const created = (await create(`sec_${cloud.id}_made`)) as CreateOutcome | undefined;
      assert.ok(created, 'CreateKeyPair failed');
      privateKeyLines.push(privateKeyBodyLine(fs.readFileSync(created.privateKeyPath, 'utf8')));
      // The cloud creates the key pair but its answer (the only copy of the private key) is lost.
      await fault({ fault: { kind: 'reset', afterProcessing: true }, action: 'CreateKeyPair', times: 1 });
      const recovered = (await create(`sec_${cloud.id}_lost`)) as CreateOutcome | undefined;
      if (recovered) privateKeyLines.push(privateKeyBodyLine(fs.readFileSync(recovered.privateKeyPath, 'utf8'))); // a cloud that replays the answer
      await fetch(`${cloud.url}/__admin/faults`, { method: 'DELETE' });

      const log = (await (await fetch(`${cloud.url}/__admin/requests`)).json()) as Array<{ requestId?: string }>;
      requestIds.push(...log.map((r) => r.requestId).filter((id): id is string => !!id));
      await command('signOut', []);
      assert.equal(await account.credentials(), undefined);
    });
  }

  it('no credential value or private key text in any notification, setting, log or state file @secrets', async () => {
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    // The searches reach what they search: notifications were shown, and the log holds RequestIds.
    assert.ok(shown().length >= 6, `only ${shown().length} notifications were recorded`);
    assert.ok(
      requestIds.some((id) => filesContaining([userData], id).length > 0),
      'no RequestId was found under user-data: the search does not reach the extension log',
    );
    const secrets = CLOUDS.flatMap((c) => c.secrets);
    for (const secret of secrets) {
      assert.deepEqual(shown().filter((n) => n.includes(secret)), [], 'a notification shows a credential');
      assert.deepEqual(filesContaining([userData, fixture().workspace, fixture().sshDir], secret), [], 'a file holds a credential');
    }
    assert.ok(privateKeyLines.length >= 1 + CLOUDS.length, 'the private keys were not all collected');
    for (const line of privateKeyLines) {
      assert.deepEqual(shown().filter((n) => n.includes(line)), [], 'a notification shows private key text');
      assert.deepEqual(filesContaining([userData, fixture().workspace], line), [], 'a log or state file holds private key text');
    }
  });
});
