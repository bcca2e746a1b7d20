// Saving keys on a real file system without hard links or Unix modes (an 8 MiB FAT image mounted
// through FUSE, test/fat-disk.ts), in the real extension host against the fake CVM: link(2) fails
// with EPERM and fchmod(2) with ENOSYS there, so the atomic write falls back to an exclusive create,
// which must still never replace a file, leave no temporary file, and keep the key where asked.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateOutcome } from '../../src/commands/create-cloud-key-pair';
import { writeNewFileAtomic } from '../../src/keys/save-key-files';
import { FAKE_TEST_CREDENTIAL } from '../clouds/tencent/fake/server';
import { type FatDisk, mountFatDisk } from '../fat-disk';
import { CHOICES, asUser, cvmAdmin, signInToFakeCvm, signOutOfFakeCvm, withSshDirectories } from './helpers';

const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;
const REGION = 'ap-guangzhou';
const blobOf = (line: string) => line.trim().split(/\s+/)[1];
const errnoOf = (body: () => void): string | undefined => {
  try {
    body();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
};

describe('Saving keys on a FAT disk: no hard links, no chmod (real FAT through FUSE)', function () {
  this.timeout(120_000);
  let disk: FatDisk | undefined;

  before(function () {
    const mounted = mountFatDisk('host', ['ssh', 'keys']);
    if (!mounted.disk) {
      console.log(`    skipped: no FAT disk to test with: ${mounted.reason}`);
      this.skip();
    }
    disk = mounted.disk;
    // The premise: this file system really refuses both.
    const probe = path.join(disk.dir, 'probe');
    fs.writeFileSync(probe, 'x');
    assert.equal(errnoOf(() => fs.linkSync(probe, `${probe}.link`)), 'EPERM', 'the FAT mount takes hard links');
    const fd = fs.openSync(probe, 'r+');
    try {
      assert.equal(errnoOf(() => fs.fchmodSync(fd, 0o600)), 'ENOSYS', 'the FAT mount takes chmod');
    } finally {
      fs.closeSync(fd);
      fs.rmSync(probe);
    }
  });

  after(() => disk?.release());

  const leftovers = (folder: string) => fs.readdirSync(folder).filter((f) => f.endsWith('.tmp'));

  it('writeNewFileAtomic writes the whole file where asked, grants nobody but the owner anything, and leaves no temporary file @no-hard-links', () => {
    const folder = path.join(disk!.dir, 'keys');
    const target = path.join(folder, 'id_fat');
    writeNewFileAtomic(target, 'PRIVATE KEY TEXT\n', 0o600);
    assert.equal(fs.readFileSync(target, 'utf8'), 'PRIVATE KEY TEXT\n');
    assert.equal(fs.statSync(target).mode & 0o077, 0, 'group or others may read the key');
    assert.deepEqual(leftovers(folder), []);
  });

  it('writeNewFileAtomic over an existing file: EEXIST, the file unchanged, no temporary file @no-hard-links @key-exists', () => {
    const folder = path.join(disk!.dir, 'keys');
    const target = path.join(folder, 'id_existing');
    fs.writeFileSync(target, 'THE USER KEY\n');
    assert.equal(errnoOf(() => writeNewFileAtomic(target, 'CLOUD KEY\n', 0o600)), 'EEXIST');
    assert.equal(fs.readFileSync(target, 'utf8'), 'THE USER KEY\n');
    assert.deepEqual(leftovers(folder), []);
  });

  it('a file that appears between the write and the failed hard link is not replaced: EEXIST, its content kept @no-hard-links @key-exists', () => {
    const folder = path.join(disk!.dir, 'keys');
    const target = path.join(folder, 'id_race');
    const nodeFs = require('node:fs') as typeof fs; // the module save-key-files reads its functions from
    const realLink = nodeFs.linkSync;
    nodeFs.linkSync = ((existing: fs.PathLike, created: fs.PathLike) => {
      if (String(created) === target) fs.writeFileSync(target, 'APPEARED MEANWHILE\n'); // another program, just before link(2)
      return realLink(existing, created);
    }) as typeof fs.linkSync;
    try {
      assert.equal(errnoOf(() => writeNewFileAtomic(target, 'CLOUD KEY\n', 0o600)), 'EEXIST');
    } finally {
      nodeFs.linkSync = realLink;
    }
    assert.equal(fs.readFileSync(target, 'utf8'), 'APPEARED MEANWHILE\n');
    assert.deepEqual(leftovers(folder), []);
  });

  it('Create Key Pair into a key folder on the FAT disk keeps the key there (no fallback), its .pub beside, the key CVM holds @no-hard-links', async function () {
    if (!CVM_URL) this.skip(); // e.g. the Electron runner, which starts no fake
    await signInToFakeCvm(CVM_URL, [REGION], FAKE_TEST_CREDENTIAL);
    try {
      const name = 'fat_disk_key';
      const directory = path.join(disk!.dir, 'ssh');
      const intended = path.join(directory, name);
      const outcome = await withSshDirectories([directory], () => asUser<CreateOutcome>([CHOICES.createInCloud, REGION, name], 'cloudSshKeys.tencent.createKeyPair'));
      assert.ok(outcome, 'Create Key Pair returned nothing: the key is lost');
      assert.equal(outcome.privateKeyPath, intended);
      assert.equal(outcome.publicKeyPath, `${intended}.pub`);
      assert.equal(fs.statSync(intended).mode & 0o077, 0, 'group or others may read the key');
      const state = await cvmAdmin<{ keyPairs: Array<{ KeyId: string; PublicKey: string }> }>(CVM_URL!, 'state');
      const held = state.keyPairs.find((k) => k.KeyId === outcome.keyPair.id);
      assert.ok(held, `${outcome.keyPair.id} is not in the fake`);
      const derived = execFileSync('ssh-keygen', ['-y', '-f', intended], { encoding: 'utf8', stdio: 'pipe' });
      assert.equal(blobOf(derived), blobOf(held.PublicKey));
      assert.equal(blobOf(fs.readFileSync(`${intended}.pub`, 'utf8')), blobOf(held.PublicKey));
      assert.deepEqual(leftovers(directory), []);
    } finally {
      await signOutOfFakeCvm(CVM_URL!);
    }
  });
});
