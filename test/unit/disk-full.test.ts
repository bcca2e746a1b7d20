// The cloud's private key on a genuinely full disk (a filled tmpfs, test/full-disk.ts): the atomic
// write fails cleanly with ENOSPC and leaves nothing behind, and saveGeneratedKeyPair puts the key
// in a fallback file off the full disk, or says it could write it nowhere.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { newRsaKeyPair } from '../fakes/ssh-public-key';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveGeneratedKeyPair, writeNewFileAtomic } from '../../src/keys/save-key-files';
import { type FullDisk, mountFullDisk } from '../full-disk';
import { tempDir } from './helpers';

/** A private key as a cloud returns it (PKCS#1 PEM, as CVM and ECS do) and its public line. */
function cloudKeyPair(dir: string, name: string): { privateKey: string; publicLine: string } {
  const pem = newRsaKeyPair(name).privateKeyPem;
  const file = path.join(dir, name);
  fs.writeFileSync(file, pem, { mode: 0o600 });
  const publicLine = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
  return { privateKey: pem, publicLine: `${publicLine} ${name}` };
}

/** Runs `body` with HOME (what os.homedir() reads) set to `home`. */
function withHome<T>(home: string, body: () => T): T {
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.HOME;
    else process.env.HOME = saved;
  }
}

describe('saving a cloud-created private key on a full disk', function () {
  let disk: FullDisk | undefined;
  let scratch: string;

  before(function () {
    const mounted = mountFullDisk('unit', ['ssh', 'home']);
    if (!mounted.disk) {
      console.log(`    skipped: no full disk to test with: ${mounted.reason}`);
      this.skip();
    }
    disk = mounted.disk;
    scratch = tempDir('disk-full');
  });

  after(() => disk?.release());

  afterEach(() => {
    if (disk) assert.deepEqual(disk.strayFiles(), [], 'a file was left on the full disk');
  });

  it('writeNewFileAtomic throws ENOSPC and leaves neither the target nor a temporary file @disk-full', () => {
    const { privateKey } = cloudKeyPair(scratch, 'atomic');
    for (const target of [path.join(disk!.dir, 'atomic'), path.join(disk!.dir, 'ssh', 'atomic')]) {
      assert.throws(() => writeNewFileAtomic(target, privateKey, 0o600), (error: NodeJS.ErrnoException) => error.code === 'ENOSPC', target);
      assert.equal(fs.existsSync(target), false, `a partial ${target} was left`);
      assert.deepEqual(fs.readdirSync(path.dirname(target)).filter((f) => f.endsWith('.tmp')), [], `a temporary file was left beside ${target}`);
    }
  });

  it('saveGeneratedKeyPair falls back to the home folder, off the full disk: 0600, the exact key, its .pub @disk-full', () => {
    const home = tempDir('disk-full-home');
    const { privateKey, publicLine } = cloudKeyPair(scratch, 'to_home');
    const target = path.join(disk!.dir, 'ssh', 'to_home');
    const saved = withHome(home, () => saveGeneratedKeyPair(target, privateKey, publicLine, 'skey-full0001'));
    const expected = path.join(home, 'to_home.skey-full0001');
    assert.deepEqual([saved.privateKeyPath, saved.fallback, saved.failure], [expected, true, 'ENOSPC']);
    assert.equal(fs.statSync(expected).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(expected, 'utf8'), privateKey);
    assert.equal(saved.publicKeyPath, `${expected}.pub`);
    assert.equal(fs.readFileSync(`${expected}.pub`, 'utf8'), `${publicLine}\n`);
    assert.equal(execFileSync('ssh-keygen', ['-y', '-f', expected], { encoding: 'utf8' }).trim(), publicLine.split(' ').slice(0, 2).join(' '));
    assert.equal(fs.existsSync(target), false);
  });

  it('saveGeneratedKeyPair with the home folder on the full disk too: throws, naming every place tried with ENOSPC @disk-full', () => {
    const { privateKey, publicLine } = cloudKeyPair(scratch, 'nowhere');
    const target = path.join(disk!.dir, 'ssh', 'nowhere');
    const home = path.join(disk!.dir, 'home');
    assert.throws(
      () => withHome(home, () => saveGeneratedKeyPair(target, privateKey, publicLine, 'skey-full0002')),
      (error: Error & { attempts?: string[] }) => {
        assert.deepEqual(error.attempts, [`${target}: ENOSPC`, `${target}.skey-full0002: ENOSPC`, `${path.join(home, 'nowhere.skey-full0002')}: ENOSPC`]);
        assert.equal(error.message.includes('PRIVATE KEY'), false, 'the error carries the key');
        return true;
      },
    );
  });
});
