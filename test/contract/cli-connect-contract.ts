// `node dist/cli.js <cloud> instances` and `<cloud> ssh-config` (src/cli/instances.ts), the same
// for every cloud, as processes against the cloud's fake started here: the documented --json
// fields, hostile instance names escaped on the terminal, the Host entries of exactly the instances
// whose bound key pair has a local private key (matched by key), the managed block of --write FILE
// (0600, idempotent, every byte outside it kept), usage errors, and a real login: an sshd of
// test/harness/sshd.mjs stands in for one fake instance, and `ssh -F FILE <alias>` with the file
// ssh-config wrote gets in with the bound key and is refused with another. Written once; each
// cloud's test/clouds/<cloud>/unit/cli-connect.test.ts runs it with a harness for its fake.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FakeCloudServer } from '../fakes/fake-http';
import { type CliRun, REPO_ROOT, cliEnv, ensureBuilt, keygenFingerprint, runCliAsync, sshKeygen, tempDir } from '../unit/helpers';

type FakeServer = FakeCloudServer<{ action?: string }>;

/** An instance to add to the fake, bound to the key pair `keyId` (none when undefined). */
export interface ConnectInstanceSeed {
  name: string;
  region: string;
  keyId?: string;
  /** Its one public address; the fake's next free one when undefined. */
  publicIp?: string;
  /** The login user to report, where the cloud reports one (others log in as their image documents). */
  loginUser: string;
}

export interface CliConnectHarness {
  /** The CLI's word for the cloud (`tencent`), also the SSH config scope's cloud. */
  word: string;
  /** For the test titles. */
  cloud: string;
  /** The instances' region (for a cloud with account-wide key pairs, one that is not where they are listed). */
  region: string;
  newFake(): FakeServer;
  /** The environment variables of the fake's test credential. */
  credentials: Record<string, string>;
  /** Secrets no output may hold. */
  secrets: string[];
  /** A key type the cloud imports (`ed25519`; Lighthouse imports RSA only). */
  keyType: 'ed25519' | 'rsa';
  /** A key pair name the cloud accepts, from letters and `_`. */
  keyName(base: string): string;
  /** Adds an instance to the fake; returns its id and the login user the cloud gives it. */
  seedInstance(fake: FakeServer, seed: ConnectInstanceSeed): { instanceId: string; loginUser: string };
  /** Binds the instance to `keyId`, or (undefined) to nothing. */
  bind(fake: FakeServer, instanceId: string, keyId: string | undefined): void;
  /** The ids of the fake's instances in `region`. */
  instanceIds(fake: FakeServer, region: string): string[];
  /** The documented --json field that holds the key pairs bound, as it reads for `keyIds`. */
  keyPairsField(keyIds: string[]): Record<string, unknown>;
  /** Where the real-login test's sshd listens: an address no other suite uses. */
  sshdAddress: string;
}

/** What test/harness/sshd.mjs exports (an ES module), as far as this test uses it. */
interface SshdHarness {
  sshdMissing(): string | undefined;
  bootstrapSshd(): { ok: boolean; output: string };
  startInstanceServers(instances: Array<{ id: string; address: string }>, options?: { dir?: string }): Promise<InstanceServers>;
}
interface InstanceServers {
  loginUser: string;
  setAuthorizedKeys(id: string, publicKeyLines: string[]): void;
  knownHosts(): string;
  log(id: string): string;
  stop(): Promise<void>;
}

// A real dynamic import from this CommonJS build (tsc would make `import()` a require).
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<SshdHarness>;

/** The sshd harness with its sshd, installing the bootstrap's part when it is missing (as test/unit/sshd-harness.test.ts does). */
async function sshdHarness(): Promise<SshdHarness> {
  const harness = await importModule(pathToFileURL(path.join(REPO_ROOT, 'test', 'harness', 'sshd.mjs')).href);
  const missing = harness.sshdMissing();
  if (!missing) return harness;
  console.log(`    ${missing}: running bash scripts/bootstrap.sh --only openssh-server`);
  const installed = harness.bootstrapSshd();
  if (!installed.ok) throw new Error(`the OpenSSH server for the tests is missing (${missing}) and installing it failed:\n${installed.output}\n  Run: bash scripts/bootstrap.sh`);
  return harness;
}

/** The documented `instances --json` fields, in order. */
function documentedFields(keyPairsField: Record<string, unknown>): string[] {
  return ['InstanceId', 'InstanceName', 'InstanceState', 'PublicIpAddresses', 'PrivateIpAddresses', ...Object.keys(keyPairsField), 'OsName', 'LoginUser', 'LocalPrivateKey', 'HostAlias'];
}

/** A name that tries everything on a terminal: an OSC title, a bell, a new line with a forged line, a colour, a bidi override. */
const HOSTILE_NAME = 'evil\u001b]0;pwned\u0007\r\nFORGED LINE\u001b[31m\u202ered';
/** Characters that must never reach the terminal raw. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

type InstanceJson = Record<string, unknown> & { InstanceId: string; HostAlias: string | null; LocalPrivateKey: string | null };

export function describeCliConnectContract(harness: CliConnectHarness): void {
  const { word, region } = harness;
  describe(`CLI ${word} instances and ssh-config against the fake ${harness.cloud}`, function () {
    this.timeout(60_000);
    let fake: FakeServer;
    let home: string;
    let env: NodeJS.ProcessEnv;
    /** In ~/.ssh: imported and bound to `connectable`. */
    let boundKey: string;
    /** Outside every SSH folder searched: imported and bound to `farAway`, so no local private key matches. */
    let farKey: string;
    /** Never imported. */
    let strangerKey: string;
    let boundKeyId: string;
    let farKeyId: string;
    let connectable: { instanceId: string; loginUser: string };
    let farAway: { instanceId: string; loginUser: string };
    let hostile: { instanceId: string; loginUser: string };

    const runCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
      runCliAsync(args, { ...env, ...extraEnv }, {
        check: ({ stdout, stderr }) => {
          for (const secret of harness.secrets) assert.equal((stdout + stderr).includes(secret), false, 'a secret was printed');
          assert.equal(/PRIVATE KEY/.test(stdout + stderr), false, 'a private key was printed');
        },
      });
    const cli = (sub: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => runCli([word, sub, ...args, '--endpoint', fake.url], extraEnv);
    const publicLine = (key: string) => fs.readFileSync(`${key}.pub`, 'utf8').trim();
    const listed = async (args: string[] = []): Promise<InstanceJson[]> => {
      const r = await cli('instances', ['--region', region, '--json', ...args]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as InstanceJson[];
    };
    const hostAliases = (configText: string) => [...configText.matchAll(/^Host (\S+)\r?$/gm)].map((m) => m[1]).sort();
    const importKey = async (key: string, name: string): Promise<string> => {
      const r = await cli('import', [`${key}.pub`, '--name', harness.keyName(name), '--region', region]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };

    before(async function () {
      this.timeout(120_000);
      ensureBuilt(['cli.js', `${word}.js`]);
      fake = harness.newFake();
      await fake.start();
      home = tempDir(`cli-connect-${word}`);
      fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
      fs.mkdirSync(path.join(home, 'far'), { mode: 0o700 });
      fs.mkdirSync(path.join(home, 'stranger'), { mode: 0o700 });
      const bits = harness.keyType === 'rsa' ? ['-b', '2048'] : [];
      boundKey = path.join(home, '.ssh', 'id_connect');
      farKey = path.join(home, 'far', 'id_far');
      strangerKey = path.join(home, 'stranger', 'id_stranger');
      for (const key of [boundKey, farKey, strangerKey]) sshKeygen(key, harness.keyType, bits, `${path.basename(key)}@laptop`);
      env = cliEnv(home, harness.credentials);
      // The CLI's own import puts the public halves in the fake; the fake binds them.
      boundKeyId = await importKey(boundKey, 'connect');
      farKeyId = await importKey(farKey, 'far');
      const user = os.userInfo().username;
      connectable = harness.seedInstance(fake, { name: 'web-connect', region, keyId: boundKeyId, publicIp: harness.sshdAddress, loginUser: user });
      farAway = harness.seedInstance(fake, { name: 'far-box', region, keyId: farKeyId, loginUser: user });
      hostile = harness.seedInstance(fake, { name: HOSTILE_NAME, region, keyId: farKeyId, loginUser: user });
    });
    after(async () => {
      await fake?.stop();
    });

    describe('instances', () => {
      it('--json lists the fake\'s instances with the documented fields; LocalPrivateKey is the bound key\'s private key found by key, null for the others', async () => {
        const run = await cli('instances', ['--region', region, '--json']);
        assert.equal(run.status, 0, run.stderr);
        // The bytes printed hide nothing (visibleJson: JSON escapes), and parse back exactly.
        assert.equal(RAW_CONTROL.test(run.stdout), false, run.stdout);
        const rows = JSON.parse(run.stdout) as InstanceJson[];
        assert.deepEqual(rows.map((r) => r.InstanceId).sort(), harness.instanceIds(fake, region).sort());
        for (const row of rows) assert.deepEqual(Object.keys(row), documentedFields(harness.keyPairsField([])), row.InstanceId);
        const byId = new Map(rows.map((r) => [r.InstanceId, r]));
        const mine = byId.get(connectable.instanceId)!;
        assert.equal(mine.InstanceName, 'web-connect');
        assert.deepEqual(mine.PublicIpAddresses, [harness.sshdAddress]);
        assert.equal((mine.PrivateIpAddresses as string[]).length, 1);
        assert.deepEqual(Object.fromEntries(Object.keys(harness.keyPairsField([])).map((k) => [k, mine[k]])), harness.keyPairsField([boundKeyId]));
        assert.equal(mine.LoginUser, connectable.loginUser);
        assert.equal(typeof mine.OsName, 'string');
        assert.equal(typeof mine.InstanceState, 'string');
        assert.equal(mine.LocalPrivateKey, boundKey);
        assert.equal(mine.HostAlias, `${word}-${region}-web-connect`);
        const far = byId.get(farAway.instanceId)!;
        assert.deepEqual([far.LocalPrivateKey, far.HostAlias], [null, null]);
        assert.deepEqual(Object.fromEntries(Object.keys(harness.keyPairsField([])).map((k) => [k, far[k]])), harness.keyPairsField([farKeyId]));
        for (const row of rows.filter((r) => r.InstanceId !== connectable.instanceId)) assert.deepEqual([row.InstanceId, row.LocalPrivateKey, row.HostAlias], [row.InstanceId, null, null]);
        assert.equal(byId.get(hostile.instanceId)!.InstanceName, HOSTILE_NAME);
      });

      it('--ssh-dir replaces ~/.ssh: with another folder the bound key is not found, with its own folder it is', async () => {
        const elsewhere = await listed(['--ssh-dir', path.join(home, 'stranger')]);
        assert.deepEqual(elsewhere.map((r) => r.LocalPrivateKey).filter(Boolean), []);
        const far = await listed(['--ssh-dir', path.join(home, 'far')]);
        const byId = new Map(far.map((r) => [r.InstanceId, r]));
        assert.equal(byId.get(farAway.instanceId)!.LocalPrivateKey, farKey);
        assert.equal(byId.get(farAway.instanceId)!.HostAlias, `${word}-${region}-far-box`);
        assert.equal(byId.get(connectable.instanceId)!.LocalPrivateKey, null);
      });

      it('the table shows every instance on one line, every cloud-given string escaped: no control character or new line reaches the terminal @hostile-text', async () => {
        const r = await cli('instances', ['--region', region]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(RAW_CONTROL.test(r.stdout + r.stderr), false, JSON.stringify(r.stdout));
        const lines = r.stdout.replace(/\n$/, '').split('\n');
        assert.equal(lines.length, harness.instanceIds(fake, region).length + 1, r.stdout);
        assert.match(lines[0], /^INSTANCE\s+NAME\s+STATE\s+PUBLIC IP\s+PRIVATE IP\s+KEY PAIRS\s+USER\s+LOCAL KEY\s+SSH HOST$/);
        const line = (id: string) => lines.find((l) => l.startsWith(`${id} `))!;
        assert.ok(line(hostile.instanceId).includes('evil\\u001b]0;pwned\\u0007\\u000d\\u000aFORGED LINE\\u001b[31m\\u202ered'), line(hostile.instanceId));
        assert.equal(lines.filter((l) => l.includes('FORGED LINE')).length, 1);
        const mine = line(connectable.instanceId).split(/\s{2,}/);
        assert.deepEqual(mine.slice(-2), [boundKey, `${word}-${region}-web-connect`]);
        assert.match(line(farAway.instanceId), /- \(no private key in .* matches its key pair/);
        // Columns line up (escaped, the hostile name is plain ASCII too): every SSH HOST cell starts under its header.
        const column = lines[0].indexOf('SSH HOST');
        for (const l of lines.slice(1)) assert.match(l.slice(column - 2), /^  (?:[a-z0-9-]+|- \(.+\))$/, l);
      });
    });

    describe('ssh-config', () => {
      it('prints Host entries for exactly the instances whose bound key pair has a local private key; stderr names the skipped ones and why; exit 0', async () => {
        const rows = await listed();
        const r = await cli('ssh-config', ['--region', region]);
        assert.equal(r.status, 0, r.stderr);
        const expected = rows.filter((x) => x.LocalPrivateKey !== null).map((x) => x.HostAlias!).sort();
        assert.deepEqual(expected, [`${word}-${region}-web-connect`]);
        assert.deepEqual(hostAliases(r.stdout), expected);
        assert.match(r.stdout, /^# >>> Cloud SSH Keys: managed block/);
        assert.ok(r.stdout.includes(`  HostName ${harness.sshdAddress}\n  User ${connectable.loginUser}\n`), r.stdout);
        assert.ok(r.stdout.includes(`  IdentityFile ${boundKey}\n  IdentitiesOnly yes\n`), r.stdout);
        const skipped = r.stderr.split('\n').filter((l) => l.startsWith('skipped '));
        assert.deepEqual(skipped.map((l) => l.split(' ')[1]).sort(), rows.filter((x) => x.HostAlias === null).map((x) => x.InstanceId).sort(), r.stderr);
        const reasonOf = (id: string) => skipped.find((l) => l.startsWith(`skipped ${id} `)) ?? '';
        assert.match(reasonOf(farAway.instanceId), new RegExp(`^skipped ${farAway.instanceId} \\("far-box"\\): no private key in ${path.join(home, '.ssh').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} matches its key pair ${farKeyId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(matched by key, not by name\\)$`));
        assert.match(reasonOf(hostile.instanceId), /\("evil\\u001b\]0;pwned\\u0007\\u000d\\u000aFORGED LINE\\u001b\[31m\\u202ered"\): no private key/);
        assert.equal(RAW_CONTROL.test(r.stderr), false);
        for (const row of rows.filter((x) => x.HostAlias === null && x.InstanceId !== farAway.instanceId && x.InstanceId !== hostile.instanceId)) {
          assert.match(reasonOf(row.InstanceId), /: (no key pair is bound to it|a Windows instance: key pairs log in to Linux instances only|its key pair .* is not among the key pairs listed.*)$/, reasonOf(row.InstanceId));
        }
        for (const windows of rows.filter((x) => /windows/i.test(String(x.OsName)))) {
          assert.match(reasonOf(windows.InstanceId), /: a Windows instance: key pairs log in to Linux instances only$/);
        }
      });

      it('--write FILE creates FILE with mode 0600 holding the same block; a second run says unchanged and leaves the bytes (and the file) as they were', async () => {
        const printed = (await cli('ssh-config', ['--region', region])).stdout;
        const dir = tempDir(`cli-connect-${word}-write`);
        const file = path.join(dir, 'config');
        const first = await cli('ssh-config', ['--region', region, '--write', file]);
        assert.equal(first.status, 0, first.stderr);
        assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
        assert.equal(fs.readFileSync(file, 'utf8'), printed);
        assert.deepEqual(first.stdout.split('\n').filter(Boolean), [`${word}-${region}-web-connect`]);
        assert.match(first.stderr, new RegExp(`config: created with mode 0600, 1 Host entry for ${word} ${region}`));
        const bytes = fs.readFileSync(file);
        const stat = fs.statSync(file);
        const second = await cli('ssh-config', ['--region', region, '--write', file]);
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stderr, /: unchanged \(1 Host entry for /);
        assert.deepEqual(fs.readFileSync(file), bytes);
        const after = fs.statSync(file);
        assert.deepEqual([after.ino, after.mtimeMs], [stat.ino, stat.mtimeMs]);
        assert.deepEqual(fs.readdirSync(dir), ['config'], 'a temporary file was left behind');
      });

      it('an existing FILE keeps every byte outside the block (comments, CRLF, no final newline), and gets them back exactly when the block empties @connect', async () => {
        const dir = tempDir(`cli-connect-${word}-existing`);
        const file = path.join(dir, 'config');
        const mine = '# my own settings\r\nHost build\r\n  HostName 10.0.0.9\r\n  User me\t# tabbed comment\r\n\r\nHost *\r\n  ServerAliveInterval 30';
        fs.writeFileSync(file, mine, { mode: 0o644 });
        const r = await cli('ssh-config', ['--region', region, '--write', file]);
        assert.equal(r.status, 0, r.stderr);
        const text = fs.readFileSync(file, 'utf8');
        assert.ok(text.endsWith(mine), JSON.stringify(text));
        const block = text.slice(0, text.length - mine.length);
        assert.match(block, /^# >>> Cloud SSH Keys: managed block[^\n]*\r\n/);
        assert.equal(block.replace(/\r\n/g, '').includes('\n'), false, 'the block follows the file\'s CRLF line endings');
        assert.deepEqual(hostAliases(block), [`${word}-${region}-web-connect`]);
        assert.equal((fs.statSync(file).mode & 0o777).toString(8), '644', 'an existing file keeps its mode');
        assert.match(r.stderr, /: updated the managed block, 1 Host entry/);
        const again = await cli('ssh-config', ['--region', region, '--write', file]);
        assert.match(again.stderr, /: unchanged/);
        assert.equal(fs.readFileSync(file, 'utf8'), text);
        // Unbound, the instance loses its entry; the block goes, and the file is the user's again, byte for byte.
        harness.bind(fake, connectable.instanceId, undefined);
        try {
          const emptied = await cli('ssh-config', ['--region', region, '--write', file]);
          assert.equal(emptied.status, 0, emptied.stderr);
          assert.equal(fs.readFileSync(file, 'utf8'), mine);
          assert.match(emptied.stderr, /: updated the managed block, 0 Host entries/);
          assert.equal(emptied.stdout, '');
        } finally {
          harness.bind(fake, connectable.instanceId, boundKeyId);
        }
      });

      it('a FILE whose block is broken is left as it was: exit 1, the reason on stderr', async () => {
        const file = path.join(tempDir(`cli-connect-${word}-broken`), 'config');
        const broken = '# >>> Cloud SSH Keys: managed block, edits inside are replaced >>>\nHost x\n';
        fs.writeFileSync(file, broken);
        const r = await cli('ssh-config', ['--region', region, '--write', file]);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /cloud-ssh-keys: SshConfigNotUpdated: The Cloud SSH Keys block in the SSH config has no end line/);
        assert.equal(fs.readFileSync(file, 'utf8'), broken);
      });
    });

    describe('usage errors and local refusals send nothing', () => {
      for (const args of [
        ['instances'],
        ['ssh-config'],
        ['instances', '--region', region, '--bogus'],
        ['ssh-config', '--region', region, '--bogus'],
        ['instances', '--region', region, 'extra'],
        ['instances', '--region', region, '--write', 'somewhere'],
        ['ssh-config', '--region', region, '--json'],
        ['ssh-config', '--region', region, '--write'],
        ['ssh-config', '--region', 'Not A Region'],
      ]) {
        it(`${word} ${args.join(' ')}: exit 2 and the usage`, async () => {
          fake.clearRequests();
          const r = await runCli([word, ...args, '--endpoint', fake.url]);
          assert.equal(r.status, 2, r.stderr);
          assert.match(r.stderr, /^cloud-ssh-keys: /);
          assert.ok(r.stderr.includes(`${word} instances --region REGION`) && r.stderr.includes(`${word} ssh-config --region REGION`), r.stderr);
          assert.equal(r.stdout, '');
          assert.deepEqual(fake.requests, []);
        });
      }

      it('missing credentials: exit 1, MissingCredentials, nothing sent', async () => {
        fake.clearRequests();
        const blank = Object.fromEntries(Object.keys(harness.credentials).map((k) => [k, '']));
        const r = await cli('ssh-config', ['--region', region], blank);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /MissingCredentials: .*Nothing was sent to /);
        assert.deepEqual(fake.requests, []);
      });

      it('the help names both commands', async () => {
        const r = await runCli([word, '--help']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`${word} instances --region REGION \\[--ssh-dir DIR\\]\\.\\.\\. \\[--endpoint URL\\] \\[--json\\]`));
        assert.match(r.stdout, new RegExp(`${word} ssh-config --region REGION \\[--ssh-dir DIR\\]\\.\\.\\. \\[--endpoint URL\\] \\[--write FILE\\]`));
      });
    });

    describe('a real login through the written config (test/harness/sshd.mjs)', function () {
      let servers: InstanceServers | undefined;
      let scratch: string;
      let knownHosts: string;

      before(async function () {
        this.timeout(240_000);
        if (process.getuid?.() !== 0) {
          console.log(`    skipped: the instance servers need root (port 22), and the tests run as uid ${process.getuid?.()}`);
          this.skip();
        }
        const sshd = await sshdHarness();
        scratch = tempDir(`cli-connect-${word}-sshd`);
        servers = await sshd.startInstanceServers([{ id: connectable.instanceId, address: harness.sshdAddress }], { dir: scratch });
        assert.equal(connectable.loginUser, servers.loginUser, 'the fake gives the instance the user the sshd lets in');
        // What binding did on the instance: its authorized_keys holds the bound key pair's public key.
        servers.setAuthorizedKeys(connectable.instanceId, [publicLine(boundKey)]);
        knownHosts = path.join(scratch, 'known_hosts');
        fs.writeFileSync(knownHosts, servers.knownHosts());
      });
      after(async () => {
        await servers?.stop();
      });

      const ssh = (config: string, alias: string) => {
        const r = spawnSync('ssh', [
          '-F', config,
          '-o', 'BatchMode=yes',
          '-o', 'ConnectTimeout=5',
          '-o', `UserKnownHostsFile=${knownHosts}`,
          '-o', 'GlobalKnownHostsFile=/dev/null',
          '-o', 'StrictHostKeyChecking=yes',
          alias, 'true',
        ], { encoding: 'utf8', timeout: 30_000, env: { ...env, SSH_AUTH_SOCK: '' } });
        if (r.error) throw r.error;
        return r;
      };

      it('ssh -F <the file ssh-config --write wrote> <HostAlias from instances --json> gets in with the bound key @connect', async () => {
        const alias = (await listed()).find((r) => r.InstanceId === connectable.instanceId)!.HostAlias!;
        const config = path.join(scratch, 'ssh_config');
        const written = await cli('ssh-config', ['--region', region, '--write', config]);
        assert.equal(written.status, 0, written.stderr);
        assert.ok(written.stdout.split('\n').includes(alias), written.stdout);
        const r = ssh(config, alias);
        assert.equal(r.status, 0, `ssh ${alias}: ${r.stderr}\n${servers!.log(connectable.instanceId)}`);
        const fingerprint = keygenFingerprint(`${boundKey}.pub`).fingerprint;
        assert.ok(servers!.log(connectable.instanceId).includes(`Accepted publickey for ${servers!.loginUser} from `), servers!.log(connectable.instanceId));
        assert.ok(servers!.log(connectable.instanceId).includes(fingerprint), `the sshd log does not name ${fingerprint}`);
      });

      it('the same block with another key (not bound) in its place is refused: Permission denied (publickey)', async () => {
        const config = path.join(scratch, 'ssh_config');
        const alias = `${word}-${region}-web-connect`;
        const swapped = path.join(scratch, 'ssh_config_other_key');
        const text = fs.readFileSync(config, 'utf8');
        assert.ok(text.includes(`IdentityFile ${boundKey}\n`));
        fs.writeFileSync(swapped, text.replace(`IdentityFile ${boundKey}\n`, `IdentityFile ${strangerKey}\n`), { mode: 0o600 });
        const r = ssh(swapped, alias);
        assert.equal(r.status, 255, r.stderr);
        assert.match(r.stderr, /Permission denied \(publickey\)/);
      });
    });
  });
}
