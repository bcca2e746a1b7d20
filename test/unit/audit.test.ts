// The key audit engine (src/cloud/audit.ts) on keys made by the real ssh-keygen: every kind of
// finding on a prepared SSH folder and account, matching by key blob (never by name), the stable
// order, and a clean folder and account with no finding at all.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUDIT_KINDS, type AuditAccountInput, type AuditFinding, auditKeys, countByKind, weakness } from '../../src/cloud/audit';
import type { CloudInstance, KeyPair } from '../../src/cloud/provider';
import { scanKeyDirectories } from '../../src/keys/scan';
import { nodeScanFileSystem } from '../../src/keys/scan-fs';
import { blobOf, sshKeygen, tempDir } from './helpers';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const pub = (file: string) => fs.readFileSync(`${file}.pub`, 'utf8').trim();

function keyPair(id: string, name: string, file: string, extra: Partial<KeyPair> = {}): KeyPair {
  const line = pub(file);
  return {
    id, name, region: 'ap-guangzhou', publicKey: line, blobBase64: blobOf(line), createdTime: '2026-05-01T00:00:00Z',
    description: '', associatedInstanceIds: ['ins-1'], projectId: '0', ...extra,
  };
}

function instance(id: string, keyIds: string[], extra: Partial<CloudInstance> = {}): CloudInstance {
  return { id, name: id, region: 'ap-guangzhou', state: 'RUNNING', osName: 'Ubuntu', platform: 'linux', keyIds, ...extra };
}

const account = (regions: AuditAccountInput['regions']): AuditAccountInput => ({ cloud: 'tencent', cloudName: 'Tencent Cloud CVM', accountId: 'tencent', accountLabel: 'main', regions });

describe('key audit (src/cloud/audit.ts)', function () {
  this.timeout(60_000);
  let ssh: string;
  let far: string;

  before(() => {
    const root = tempDir('audit');
    ssh = path.join(root, '.ssh');
    far = path.join(root, 'elsewhere');
    fs.mkdirSync(ssh, { mode: 0o700 });
    fs.mkdirSync(far, { mode: 0o700 });
    sshKeygen(path.join(ssh, 'good'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', path.join(ssh, 'good')]);
    sshKeygen(path.join(ssh, 'plain'), 'ed25519');
    sshKeygen(path.join(ssh, 'unsafe'), 'ed25519');
    fs.chmodSync(path.join(ssh, 'unsafe'), 0o644);
    sshKeygen(path.join(ssh, 'dsa'), 'dsa');
    sshKeygen(path.join(ssh, 'rsa1024'), 'rsa', ['-b', '1024']);
    sshKeygen(path.join(ssh, 'lonely'), 'ed25519');
    fs.rmSync(path.join(ssh, 'lonely.pub')); // imported nowhere, and Derive is offered
    sshKeygen(path.join(far, 'lost'), 'ed25519'); // its private key is not in the SSH folders
  });

  async function run(accounts: AuditAccountInput[], dirMode = 0o700): Promise<AuditFinding[]> {
    const scan = await scanKeyDirectories([ssh], nodeScanFileSystem);
    return auditKeys({ pairs: scan.pairs, directories: [{ path: ssh, mode: dirMode }], accounts, platform: 'linux' }, { maxKeyAgeDays: 365, now: NOW });
  }

  const subjectOf = (f: AuditFinding) => (f.subject.type === 'local' ? path.basename(f.subject.path) : f.subject.type === 'keyPair' ? f.subject.keyPairId : f.subject.type === 'instance' ? f.subject.instanceId : f.subject.region);
  const of = (findings: AuditFinding[], kind: string) => findings.filter((f) => f.kind === kind).map(subjectOf).sort();

  it('finds every kind on a prepared account and SSH folder, each with its actions', async () => {
    const findings = await run(
      [
        account([
          {
            region: 'ap-guangzhou',
            keyPairs: [
              keyPair('skey-good', 'good', path.join(ssh, 'good')),
              keyPair('skey-unbound', 'plain', path.join(ssh, 'plain'), { associatedInstanceIds: [] }),
              // The same key under another name (and a name that is a local file's: matched by blob, not name).
              keyPair('skey-plain2', 'unsafe', path.join(ssh, 'plain')),
              keyPair('skey-lost', 'lost', path.join(far, 'lost')),
              keyPair('skey-old', 'old', path.join(ssh, 'unsafe'), { createdTime: '2024-01-01T00:00:00Z' }),
              keyPair('skey-weak', 'weak', path.join(ssh, 'rsa1024')),
            ],
            instances: [instance('ins-1', ['skey-good']), instance('ins-far', ['skey-lost']), instance('ins-win', ['skey-lost'], { platform: 'windows' }), instance('ins-none', [])],
          },
          { region: 'ap-tokyo', error: 'RequestLimitExceeded: too many requests' },
        ]),
      ],
      0o777,
    );
    assert.deepEqual(of(findings, 'unbound-key-pair'), ['skey-unbound']);
    assert.deepEqual(of(findings, 'no-local-private-key'), ['skey-lost']);
    assert.deepEqual(of(findings, 'imported-nowhere'), ['dsa', 'lonely']);
    assert.deepEqual(of(findings, 'same-key-different-names'), ['skey-plain2', 'skey-unbound']);
    assert.deepEqual(of(findings, 'weak-key'), ['dsa', 'rsa1024', 'skey-weak']);
    assert.deepEqual(of(findings, 'no-passphrase'), ['dsa', 'lonely', 'plain', 'rsa1024', 'unsafe']);
    assert.deepEqual(of(findings, 'unsafe-permissions'), ['.ssh', 'unsafe']);
    assert.deepEqual(of(findings, 'old-key-pair'), ['skey-old']);
    assert.deepEqual(of(findings, 'instance-without-local-key'), ['ins-far']);
    assert.deepEqual(of(findings, 'region-failed'), ['ap-tokyo']);
    assert.deepEqual(new Set(findings.map((f) => f.kind)), new Set(AUDIT_KINDS), 'a kind is missing');

    const one = (kind: string, subject: string) => findings.find((f) => f.kind === kind && subjectOf(f) === subject)!;
    assert.deepEqual(one('unbound-key-pair', 'skey-unbound').actions, ['delete']);
    assert.deepEqual(one('unsafe-permissions', 'unsafe').actions, ['chmod']);
    assert.match(one('unsafe-permissions', 'unsafe').message, /mode 644.*chmod 600/);
    assert.deepEqual(one('imported-nowhere', 'lonely').actions, ['import', 'derive']);
    assert.deepEqual(one('imported-nowhere', 'dsa').actions, ['import']);
    assert.deepEqual(one('old-key-pair', 'skey-old').actions, ['rotate']);
    assert.match(one('old-key-pair', 'skey-old').message, /created 882 days ago/);
    assert.deepEqual(one('no-local-private-key', 'skey-lost').actions, ['rotate', 'delete']);
    assert.deepEqual(one('instance-without-local-key', 'ins-far').actions, ['rotate']);
    assert.match(one('region-failed', 'ap-tokyo').message, /^Could not audit Tencent Cloud CVM \(main\) ap-tokyo: RequestLimitExceeded/);
    assert.equal(one('weak-key', 'skey-weak').severity, 'error');
    const keyPairSubject = one('old-key-pair', 'skey-old').subject;
    assert.deepEqual(keyPairSubject, { type: 'keyPair', keyPairId: 'skey-old', keyPairName: 'old', cloud: 'tencent', accountId: 'tencent', accountLabel: 'main', region: 'ap-guangzhou' });

    // Stable order: by kind (AUDIT_KINDS), then by subject; the same input gives the same list.
    const kinds = findings.map((f) => AUDIT_KINDS.indexOf(f.kind));
    assert.deepEqual(kinds, [...kinds].sort((a, b) => a - b));
    assert.deepEqual(countByKind(findings).map((c) => c.kind), AUDIT_KINDS);
  });

  it('a clean folder and account give no finding', async () => {
    const clean = path.join(tempDir('audit-clean'), '.ssh');
    fs.mkdirSync(clean, { mode: 0o700 });
    sshKeygen(path.join(clean, 'id_ed25519'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', path.join(clean, 'id_ed25519')]);
    sshKeygen(path.join(clean, 'id_rsa'), 'rsa', ['-b', '3072']);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', path.join(clean, 'id_rsa')]);
    const scan = await scanKeyDirectories([clean], nodeScanFileSystem);
    const findings = auditKeys(
      {
        pairs: scan.pairs,
        directories: [{ path: clean, mode: 0o700 }],
        platform: 'linux',
        accounts: [account([{
          region: 'ap-guangzhou',
          keyPairs: [keyPair('skey-a', 'laptop', path.join(clean, 'id_ed25519')), keyPair('skey-b', 'laptop_rsa', path.join(clean, 'id_rsa'))],
          instances: [instance('ins-1', ['skey-a']), instance('ins-2', ['skey-b'])],
        }])],
      },
      { maxKeyAgeDays: 365, now: NOW },
    );
    assert.deepEqual(findings, []);
  });

  it('Lighthouse-style account-wide key pairs open instances of any region; Alibaba-style names are per region', () => {
    const line = pub(path.join(ssh, 'plain'));
    const k = keyPair('lhkp-1', 'plain', path.join(ssh, 'plain'), { region: 'ap-guangzhou' });
    assert.ok(k.publicKey === line);
    const scanLike = [{ id: 'x', name: 'plain', directory: ssh, privateKey: { path: path.join(ssh, 'plain'), facts: { blobBase64: blobOf(line) }, problems: [], mode: 0o600 }, publicCopies: [], privateKeysInPublicFiles: [], certificates: [], facts: { kind: 'private', type: 'ssh-ed25519', bits: 256, blobBase64: blobOf(line), encrypted: true }, unsafePermissions: false, publicKeyMismatch: false }] as never;
    const input = (accountWide: boolean) => auditKeys(
      { pairs: scanLike, platform: 'linux', accounts: [{ ...account([{ region: 'ap-guangzhou', keyPairs: [k] }, { region: 'ap-tokyo', instances: [instance('lhins-1', ['lhkp-1'], { region: 'ap-tokyo' })] }]), accountWide }] },
      { maxKeyAgeDays: 365, now: NOW },
    ).filter((f) => f.kind === 'instance-without-local-key');
    assert.equal(input(true).length, 0);
    assert.equal(input(false).length, 1);
  });

  it('weak keys: RSA under 2048, DSA, anything of 1024 bits', () => {
    assert.ok(weakness('ssh-rsa', 1024));
    assert.ok(weakness('ssh-rsa', 2047));
    assert.equal(weakness('ssh-rsa', 2048), undefined);
    assert.ok(weakness('ssh-dss', 1024));
    assert.equal(weakness('ssh-ed25519', 256), undefined);
    assert.equal(weakness('ecdsa-sha2-nistp256', 256), undefined);
  });

  it('on Windows no mode is a finding', async () => {
    const scan = await scanKeyDirectories([ssh], nodeScanFileSystem);
    const findings = auditKeys({ pairs: scan.pairs, directories: [{ path: ssh, mode: 0o777 }], accounts: [], platform: 'win32' }, { maxKeyAgeDays: 365, now: NOW });
    assert.equal(findings.filter((f) => f.kind === 'unsafe-permissions').length, 0);
    // No cloud listed: "imported nowhere" would be every key, so it is not said.
    assert.equal(findings.filter((f) => f.kind === 'imported-nowhere').length, 0);
  });
});
