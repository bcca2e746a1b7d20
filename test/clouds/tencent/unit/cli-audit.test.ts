// `node dist/cli.js audit --json` (src/cli/audit.ts) as a process against the fake CVM started here,
// on a prepared account (an unbound key pair, a bound one, an old one, a weak RSA-1024 one, one whose
// private key is elsewhere, the same key under two names) and a prepared SSH folder made by
// ssh-keygen: every kind of finding appears; clouds without credentials are "not audited", not errors.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUDIT_KINDS } from '../../../../src/cloud/audit';
import type { AuditReport } from '../../../../src/cli/audit';
import { type CliRun, cliEnv, ensureBuilt, runCliAsync, sshKeygen, tempDir } from '../../../unit/helpers';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';

const REGION = 'ap-guangzhou';

describe('CLI audit --json against the fake Tencent Cloud CVM', function () {
  this.timeout(120_000);
  let fake: FakeTencentCvm;
  let home: string;
  let ssh: string;
  let env: NodeJS.ProcessEnv;
  const ids: Record<string, string> = {};

  const run = (args: string[]): Promise<CliRun> =>
    // Lighthouse reads the same credentials: --cloud keeps the audit to the fake (Alibaba has none here).
    runCliAsync(['audit', '--ssh-dir', ssh, '--cloud', 'tencent', '--cloud', 'alibaba', '--endpoint', `tencent=${fake.url}`, ...args], env, {
      check: ({ stdout, stderr }) => {
        assert.equal((stdout + stderr).includes(FAKE_TEST_CREDENTIAL.secretKey), false, 'a secret was printed');
        assert.equal(/PRIVATE KEY-----/.test(stdout + stderr), false, 'a private key was printed');
      },
    });

  before(async () => {
    ensureBuilt(['cli.js', 'tencent.js']);
    fake = new FakeTencentCvm({ acceptUndocumentedKeyTypes: true });
    await fake.start();
    home = tempDir('cli-audit');
    ssh = path.join(home, '.ssh');
    const far = path.join(home, 'far');
    fs.mkdirSync(ssh, { mode: 0o700 });
    fs.mkdirSync(far, { mode: 0o700 });
    const key = (name: string, type: string, bits: string[] = [], dir = ssh) => {
      const file = path.join(dir, name);
      sshKeygen(file, type, bits);
      return file;
    };
    const withPassphrase = key('with_passphrase', 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', withPassphrase]);
    const plain = key('plain', 'ed25519');
    const loose = key('loose', 'ed25519');
    fs.chmodSync(loose, 0o644);
    key('old_dsa', 'dsa');
    const weak = key('weak_rsa', 'rsa', ['-b', '1024']);
    key('nowhere', 'ed25519');
    const twice = key('twice', 'ed25519');
    const lost = key('lost', 'rsa', ['-b', '2048'], far);
    const line = (file: string) => fs.readFileSync(`${file}.pub`, 'utf8').trim();
    const seed = (name: string, file: string) => fake.seedKeyPair({ region: REGION, name, publicKey: line(file) });
    ids.bound = seed('bound', withPassphrase).KeyId;
    ids.unbound = seed('unbound', plain).KeyId;
    const old = seed('old', loose);
    old.CreatedTime = '2020-01-01T00:00:00Z';
    ids.old = old.KeyId;
    ids.weak = seed('weak', weak).KeyId;
    ids.lost = seed('lost', lost).KeyId;
    ids.twiceA = seed('twice_a', twice).KeyId;
    ids.twiceB = seed('twice_b', twice).KeyId;
    fake.seedInstance({ InstanceName: 'web', region: REGION, KeyIds: [ids.bound, ids.old, ids.weak, ids.twiceA, ids.twiceB] });
    ids.farInstance = fake.seedInstance({ InstanceName: 'far-box', region: REGION, KeyIds: [ids.lost] }).InstanceId;
    env = cliEnv(home, { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey });
  });
  after(async () => {
    await fake?.stop();
  });

  it('lists every kind of finding, in the documented JSON shape, and exits 1', async () => {
    // xx-nowhere is no CVM region: the fake refuses it, and the audit says so as a finding.
    const r = await run(['--region', REGION, '--region', 'xx-nowhere', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as AuditReport;
    assert.deepEqual(Object.keys(report), ['version', 'generatedAt', 'maxKeyAgeDays', 'directories', 'missingDirectories', 'clouds', 'counts', 'findings']);
    assert.equal(report.version, 1);
    assert.equal(report.maxKeyAgeDays, 365);
    assert.deepEqual(report.directories, [ssh]);
    assert.deepEqual(Object.keys(report.counts), AUDIT_KINDS);
    for (const kind of AUDIT_KINDS) assert.ok(report.counts[kind] > 0, `no ${kind} finding: ${JSON.stringify(report.counts)}`);
    for (const f of report.findings) assert.deepEqual(Object.keys(f), ['kind', 'severity', 'subject', 'message', 'actions']);
    const tencent = report.clouds.find((c) => c.cloud === 'tencent')!;
    assert.deepEqual({ ...tencent }, { cloud: 'tencent', account: 'default', audited: true, regions: [REGION], failedRegions: ['xx-nowhere'] });
    // Clouds with no credentials in the environment: said, not an error of their own.
    assert.deepEqual(report.clouds.find((c) => c.cloud === 'alibaba'), { cloud: 'alibaba', account: 'default', audited: false, reason: 'no credentials', regions: [], failedRegions: [] });
    assert.equal(report.clouds.length, 2);

    const keyPairs = (kind: string) => report.findings.filter((f) => f.kind === kind && f.subject.type === 'keyPair').map((f) => (f.subject as { keyPairId: string }).keyPairId).sort();
    const files = (kind: string) => report.findings.filter((f) => f.kind === kind && f.subject.type === 'local').map((f) => path.basename((f.subject as { path: string }).path)).sort();
    assert.deepEqual(keyPairs('unbound-key-pair'), [ids.unbound]);
    assert.deepEqual(keyPairs('no-local-private-key'), [ids.lost]);
    assert.deepEqual(keyPairs('old-key-pair'), [ids.old]);
    assert.deepEqual(keyPairs('weak-key'), [ids.weak]);
    assert.deepEqual(keyPairs('same-key-different-names'), [ids.twiceA, ids.twiceB].sort());
    assert.deepEqual(files('weak-key'), ['old_dsa', 'weak_rsa']);
    assert.deepEqual(files('no-passphrase'), ['loose', 'nowhere', 'old_dsa', 'plain', 'twice', 'weak_rsa']);
    assert.deepEqual(files('unsafe-permissions'), ['loose']);
    assert.deepEqual(files('imported-nowhere'), ['nowhere', 'old_dsa']);
    const instance = report.findings.filter((f) => f.kind === 'instance-without-local-key').map((f) => (f.subject as { instanceId: string }).instanceId);
    assert.ok(instance.includes(ids.farInstance), JSON.stringify(instance));
    const failed = report.findings.find((f) => f.kind === 'region-failed')!;
    assert.deepEqual(failed.subject, { type: 'region', cloud: 'tencent', accountId: 'default', accountLabel: 'default', region: 'xx-nowhere' });
    assert.match(failed.message, /^Could not audit Tencent Cloud.* xx-nowhere: /);
    assert.deepEqual(report.findings.find((f) => f.kind === 'unbound-key-pair')!.actions, ['delete']);
  });

  it('prints the findings grouped by kind with counts; --max-age-days moves the line of "old"', async () => {
    const r = await run(['--region', REGION, '--max-age-days', '100000']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^unbound-key-pair \(1\)$/m);
    assert.doesNotMatch(r.stdout, /^old-key-pair/m);
    assert.match(r.stderr, /^tencent \(default\): audited 1 region$/m);
    assert.match(r.stderr, /^alibaba \(default\): not audited: no credentials$/m);
  });

  it('a clean folder with no cloud credentials: no finding, exit 0; usage errors exit 2', async () => {
    const clean = path.join(tempDir('cli-audit-clean'), '.ssh');
    fs.mkdirSync(clean, { mode: 0o700 });
    sshKeygen(path.join(clean, 'id_ed25519'), 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', path.join(clean, 'id_ed25519')]);
    const bare = cliEnv(home, {});
    const ok = await runCliAsync(['audit', '--ssh-dir', clean, '--json'], bare);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as AuditReport).findings, []);
    for (const args of [['--max-age-days', '0'], ['--cloud', 'aws'], ['--endpoint', 'http://x'], ['extra']]) {
      const bad = await runCliAsync(['audit', ...args], bare);
      assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    }
  });
});
