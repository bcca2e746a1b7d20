// Create Key Pair (CreateKeyPair, the cloud generates the key) in the real extension host with the
// key folder on a genuinely full disk (a filled tmpfs, test/full-disk.ts), against the fake CVM the
// harness starts: the private key, which exists only in the cloud's one answer, is kept and saved
// through Save As, nothing is left on the full disk, and the log never holds the key.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../src/commands/create-cloud-key-pair';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { type FullDisk, mountFullDisk } from '../full-disk';
import { CHOICES, asUser, cvmAdmin, eventually, filesContaining, fixture, signInToFakeCvm, signOutOfFakeCvm, withSshDirectories } from './helpers';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';

const admin = <T>(route: string, method = 'GET', body?: unknown) => cvmAdmin<T>(CVM_URL!, route, method, body);
const keyPairsHeld = async () => (await admin<{ keyPairs: Array<{ KeyId: string; PublicKey: string }> }>('state')).keyPairs;
const blobOf = (line: string) => line.trim().split(/\s+/)[1];
const publicOfPrivate = (file: string) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();

describe('Create Key Pair with the key folder on a full disk (fake CVM, filled tmpfs)', function () {
  this.timeout(120_000);
  let disk: FullDisk | undefined;

  before(async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    const mounted = mountFullDisk('host', ['ssh']);
    if (!mounted.disk) {
      console.log(`    skipped: no full disk to test with: ${mounted.reason}`);
      this.skip();
    }
    disk = mounted.disk;
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
  });

  after(async () => {
    disk?.release();
    if (!CVM_URL) return;
    await signOutOfFakeCvm(CVM_URL);
  });

  it('CreateKeyPair whose key folder is full: the key is saved through Save As (0600, the key CVM holds), nothing is left on the full disk, the log says ENOSPC and holds no key @disk-full @secrets', async () => {
    const name = 'full_disk_key';
    const directory = path.join(disk!.dir, 'ssh');
    const intended = path.join(directory, name);
    const elsewhere = fs.mkdtempSync(path.join(path.dirname(fixture().home), 'save-as-'));
    const saveAsPath = path.join(elsewhere, name);
    const outcome = await withSshDirectories([directory], () =>
      asUser<CreateOutcome>([CHOICES.createInCloud, REGION, name, CHOICES.saveAs, saveAsPath], 'cloudSshKeys.tencent.createKeyPair'),
    );
    assert.ok(outcome, 'Create Key Pair returned nothing: the key is lost');
    assert.equal(outcome.privateKeyPath, saveAsPath);
    assert.equal(outcome.publicKeyPath, `${saveAsPath}.pub`);
    assert.equal(fs.statSync(saveAsPath).mode & 0o777, 0o600);
    const held = (await keyPairsHeld()).find((k) => k.KeyId === outcome.keyPair.id);
    assert.ok(held, `${outcome.keyPair.id} is not in the fake`);
    assert.equal(blobOf(publicOfPrivate(saveAsPath)), blobOf(held.PublicKey));
    assert.equal(blobOf(fs.readFileSync(`${saveAsPath}.pub`, 'utf8')), blobOf(held.PublicKey));
    assert.equal(fs.existsSync(intended), false, `a partial ${intended} was left`);
    assert.deepEqual(disk!.strayFiles(), [], 'a file (a temporary one?) was left on the full disk');

    // The extension's log (under the user-data folder) tells why, once it has been written out.
    const userData = path.join(path.dirname(fixture().home), 'user-data');
    const failure = `Writing the private key to ${intended} failed: ENOSPC`;
    await eventually(() => filesContaining(userData, failure).length > 0, () => `no file under ${userData} says "${failure}"`);
    await eventually(() => filesContaining(userData, `Saved the private key of ${name} to ${saveAsPath}`).length > 0, () => `the log never says where the key went`);
    const body = fs.readFileSync(saveAsPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
    assert.ok(body.length > 10, 'the saved private key has no body');
    for (const dir of [userData, fixture().workspace]) {
      assert.deepEqual(filesContaining(dir, ...body), [], `a line of the private key is written in ${dir}`);
      assert.deepEqual(filesContaining(dir, FAKE_TEST_CREDENTIAL.secretKey), [], `the SecretKey is written in ${dir}`);
    }
  });
});
