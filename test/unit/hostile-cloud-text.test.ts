// Text a cloud sends (key names, descriptions, error messages) is untrusted: the built CLI, run
// against the fakes rewriting their answers, prints it escaped; `--json` keeps it exact. Also the
// pure escaping helpers the CLI and the extension share.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tencentApiError } from '../../src/clouds/tencent/errors';
import { alibabaApiError } from '../../src/clouds/alibaba/errors';
import { visibleJson, visibleText } from '../../src/keys/visibleText';
import { shownInQuickPick, shownText } from '../../src/platform/shown-text';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { type CliRun, cliEnv, ensureBuilt, runCliAsync, sshKeygen, tempDir } from './helpers';

/** A screen clear, a forged second line and column, a carriage return and a right-to-left override. */
const HOSTILE = 'evil\u001b[2J\nforged\tline\r\u202eok';
/** HOSTILE as visibleText shows it. */
const HOSTILE_SHOWN = 'evil\\u001b[2J\\u000aforged\\u0009line\\u000d\\u202eok';
/** Characters that must never reach a terminal raw (tab and newline are the output's own separators). */
const RAW_DISGUISE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069]/;

function assertNoRawDisguise(text: string, what: string): void {
  const found = RAW_DISGUISE.exec(text);
  assert.equal(found, null, `${what} holds a raw U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text)}`);
}

/** The lines of an output, without the final newline. */
const linesOf = (text: string) => text.replace(/\n$/, '').split('\n');

describe('cloud text shown escaped: the pure helpers', () => {
  it('visibleText also escapes the line and paragraph separators, lone surrogates, soft hyphens, the Arabic letter mark and tag characters @hostile-text', () => {
    assert.equal(visibleText('a\u2028b\u2029c'), 'a\\u2028b\\u2029c');
    assert.equal(visibleText('x\ud800y\udc00z'), 'x\\ud800y\\udc00z');
    assert.equal(visibleText('ad\u00admin\u061c\u180e'), 'ad\\u00admin\\u061c\\u180e');
    assert.equal(visibleText('hidden\u{e0041}\u{e007f}'), 'hidden\\u{e0041}\\u{e007f}');
    // Whole surrogate pairs are characters like any other.
    assert.equal(visibleText('key 🔑 ünïcødé 用户'), 'key 🔑 ünïcødé 用户');
    assert.equal(visibleText(visibleText(HOSTILE)), visibleText(HOSTILE), 'escaping twice changes nothing');
  });

  it('visibleJson parses back to the exact values, and its bytes hold no raw control, bidi or invisible character @hostile-text', () => {
    const value = { name: HOSTILE, other: '\u2028\u2066x\u2069\ud800\u{e0041}🔑', n: 1, list: [HOSTILE] };
    for (const indent of [undefined, 2]) {
      const json = visibleJson(value, indent);
      assert.deepEqual(JSON.parse(json), value);
      assertNoRawDisguise(json.replace(/\n/g, ''), 'visibleJson output');
      assert.ok(!/[\u2066-\u2069\udb40]/.test(json));
    }
    assert.equal(visibleJson({ a: [1] }, 2), JSON.stringify({ a: [1] }, null, 2), 'plain values print as JSON.stringify prints them');
  });

  it('a CloudError sentence shows the cloud\'s Message escaped, its args keep it exactly @hostile-text', () => {
    const tencent = tencentApiError('InvalidParameterValue', HOSTILE, 'req-1', { action: 'DescribeKeyPairs' });
    assert.equal(tencent.sentence, `Tencent Cloud rejected a parameter value of DescribeKeyPairs: ${HOSTILE_SHOWN}`);
    assert.equal(tencent.message, `${tencent.sentence} (RequestId: req-1)`);
    assert.deepEqual(tencent.args, ['DescribeKeyPairs', HOSTILE]);
    const alibaba = alibabaApiError('Brand.NewCode', HOSTILE, 'req-2', 400, { action: 'DescribeKeyPairs' });
    assert.equal(alibaba.sentence, `Alibaba Cloud answered Brand.NewCode: ${HOSTILE_SHOWN}`);
    assert.equal(alibaba.serverMessage, HOSTILE);
  });

  it('shownText makes no notification link of a cloud\'s `[label](command:…)`; shownInQuickPick no icon of `$(…)` @hostile-text', () => {
    assert.equal(shownText('[Fix](command:workbench.action.terminal.new)\u202e'), '[Fix] (command:workbench.action.terminal.new)\\u202e');
    assert.equal(shownText(shownText('[a](https://x)')), shownText('[a](https://x)'));
    assert.equal(shownText(42), '42');
    assert.equal(shownInQuickPick('$(zap) fast'), '\\$(zap) fast');
    assert.equal(shownInQuickPick(shownInQuickPick('$(zap)')), '\\$(zap)');
  });
});

describe('cloud text shown escaped: the CLI against fakes with hostile answers', function () {
  this.timeout(60_000);
  let home: string;
  let publicKey: string;

  const runCli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> =>
    runCliAsync(args, env, {
      check: ({ stdout, stderr }) => assert.equal(/PRIVATE KEY/.test(stdout + stderr), false, 'a private key was printed'),
    });

  before(() => {
    ensureBuilt(['cli.js', 'tencent.js', 'alibaba.js']);
    home = tempDir('hostile-cloud-text');
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    sshKeygen(path.join(home, 'key'), 'ed25519', [], 'me@laptop');
    publicKey = fs.readFileSync(path.join(home, 'key.pub'), 'utf8').trim();
  });

  describe('tencent', () => {
    const REGION = 'ap-guangzhou';
    let fake: FakeTencentCvm;
    let env: NodeJS.ProcessEnv;
    const tencent = (sub: string, args: string[]) => runCli(['tencent', sub, ...args, '--region', REGION, '--endpoint', fake.url], env);
    const hostileListing = () =>
      fake.faults.add({
        fault: { kind: 'rewrite', set: { 'Response.KeyPairSet.*.KeyName': HOSTILE, 'Response.KeyPairSet.*.Description': HOSTILE } },
        action: 'DescribeKeyPairs',
      });

    before(async () => {
      fake = new FakeTencentCvm();
      await fake.start();
      env = cliEnv(home, { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey });
    });
    after(async () => {
      await fake?.stop();
    });
    beforeEach(() => fake.reset());

    it('list: a hostile KeyName is one escaped field; one line per key pair, five fields each, nothing raw @hostile-text', async () => {
      const seeded = fake.seedKeyPair({ region: REGION, name: 'plain', publicKey });
      hostileListing();
      const r = await tencent('list', []);
      assert.equal(r.status, 0, r.stderr);
      assertNoRawDisguise(r.stdout, 'stdout');
      const lines = linesOf(r.stdout);
      assert.equal(lines.length, 1, `one key pair, ${lines.length} lines: ${JSON.stringify(r.stdout)}`);
      const fields = lines[0].split('\t');
      assert.equal(fields.length, 5, JSON.stringify(fields));
      assert.deepEqual(fields.slice(0, 2), [seeded.KeyId, HOSTILE_SHOWN]);
    });

    it('list --json keeps the hostile KeyName and Description exactly, written as JSON escapes @hostile-text', async () => {
      fake.seedKeyPair({ region: REGION, name: 'plain', publicKey });
      hostileListing();
      const r = await tencent('list', ['--json']);
      assert.equal(r.status, 0, r.stderr);
      assertNoRawDisguise(r.stdout.replace(/\n/g, ''), 'stdout');
      const [listed] = JSON.parse(r.stdout);
      assert.equal(listed.KeyName, HOSTILE);
      assert.equal(listed.Description, HOSTILE);
    });

    it('an error answer with a hostile Message is one stderr line, the Message escaped @hostile-text', async () => {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.Error': { Code: 'InvalidParameterValue', Message: HOSTILE } } }, action: 'DescribeKeyPairs' });
      const r = await tencent('list', []);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assertNoRawDisguise(r.stderr, 'stderr');
      const lines = linesOf(r.stderr);
      assert.equal(lines.length, 1, JSON.stringify(r.stderr));
      assert.match(lines[0], /^cloud-ssh-keys: InvalidParameterValue: Tencent Cloud rejected a parameter value of DescribeKeyPairs: /);
      assert.ok(lines[0].includes(HOSTILE_SHOWN), lines[0]);
    });

    it('create --json: a hostile KeyName in the answer reaches stdout only as JSON escapes, stderr not at all @hostile-text', async () => {
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'Response.KeyPair.KeyName': HOSTILE } }, action: 'CreateKeyPair' });
      const out = path.join(home, 'tencent_created');
      const r = await tencent('create', ['--name', 'made_here', '--out', out, '--json']);
      assert.equal(r.status, 0, r.stderr);
      assertNoRawDisguise(r.stdout, 'stdout');
      assertNoRawDisguise(r.stderr, 'stderr');
      assert.equal(linesOf(r.stdout).length, 1);
      assert.equal(JSON.parse(r.stdout).KeyName, HOSTILE);
    });
  });

  describe('alibaba', () => {
    const REGION = 'cn-hangzhou';
    let fake: FakeAlibabaEcs;
    let env: NodeJS.ProcessEnv;
    const alibaba = (sub: string, args: string[], region = REGION) => runCli(['alibaba', sub, ...args, '--region', region, '--endpoint', fake.url], env);

    before(async () => {
      fake = new FakeAlibabaEcs();
      await fake.start();
      env = cliEnv(home, { ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret });
    });
    after(async () => {
      await fake?.stop();
    });
    beforeEach(() => fake.reset());

    it('list: a hostile KeyPairName is one escaped field, list --json keeps it exactly, nothing raw in either @hostile-text', async () => {
      fake.seedKeyPair({ region: REGION, name: 'plain', publicKey });
      fake.faults.add({ fault: { kind: 'rewrite', set: { 'KeyPairs.KeyPair.*.KeyPairName': HOSTILE } }, action: 'DescribeKeyPairs' });
      const text = await alibaba('list', []);
      assert.equal(text.status, 0, text.stderr);
      assertNoRawDisguise(text.stdout, 'stdout');
      const lines = linesOf(text.stdout);
      assert.equal(lines.length, 1, JSON.stringify(text.stdout));
      const fields = lines[0].split('\t');
      assert.equal(fields.length, 5, JSON.stringify(fields));
      assert.equal(fields[0], HOSTILE_SHOWN);

      const json = await alibaba('list', ['--json']);
      assert.equal(json.status, 0, json.stderr);
      assertNoRawDisguise(json.stdout.replace(/\n/g, ''), 'stdout');
      assert.equal(JSON.parse(json.stdout)[0].KeyPairName, HOSTILE);
    });

    it('an error answer with a hostile Message is one stderr line, the Message escaped @hostile-text', async () => {
      // An unknown region is a real error answer; its Code and Message are then the cloud's words.
      fake.faults.add({ fault: { kind: 'rewrite', set: { Code: 'InvalidParameter', Message: HOSTILE } }, action: 'DescribeKeyPairs' });
      const r = await alibaba('list', [], 'nowhere-1');
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assertNoRawDisguise(r.stderr, 'stderr');
      const lines = linesOf(r.stderr);
      assert.equal(lines.length, 1, JSON.stringify(r.stderr));
      assert.match(lines[0], /^cloud-ssh-keys: InvalidParameter: Alibaba Cloud rejected a parameter of DescribeKeyPairs: /);
      assert.ok(lines[0].includes(HOSTILE_SHOWN), lines[0]);
    });
  });
});
