// `node dist/cli.js tencent … --profile NAME` against the fake CVM: credentials from tccli's
// ~/.tccli/NAME.credential and the SDKs' ~/.tencentcloud/credentials (src/clouds/tencent/profiles.ts),
// in tccli's order. HOME is a temp folder; no secret ever reaches the terminal.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../fake/server';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { type CliRun, cliEnv, ensureBuilt, runCliAsync, tempDir } from '../../../unit/helpers';

let parent: string | undefined;
/** One temp folder (removed at exit) for all the HOMEs of this file. */
const homes = () => (parent ??= tempDir('cli-tencent-profile'));

const REGION = 'ap-guangzhou';
const TEMPORARY = { secretId: 'AKIDtemporaryProfileCredential1', secretKey: 'temporaryProfileSecretKey0001', token: 'profile-session-token-1' };
/** A SecretId of the right shape that the fake does not know: the request fails if it is the one used. */
const UNKNOWN = { secretId: 'AKIDunknownToTheFakeServer00001', secretKey: 'unknownSecretKeyNotReal0000001' };
const SECRETS = [FAKE_TEST_CREDENTIAL.secretKey, TEMPORARY.secretKey, TEMPORARY.token, UNKNOWN.secretKey];

/** A HOME with these files (relative paths) and no credential variables. */
function homeWith(files: Record<string, unknown>): string {
  const home = fs.mkdtempSync(path.join(homes(), 'home-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    fs.writeFileSync(path.join(home, rel), typeof content === 'string' ? content : JSON.stringify(content, null, 4), { mode: 0o600 });
  }
  return home;
}

describe('CLI tencent --profile (tccli and SDK profile files) against the fake CVM', function () {
  this.timeout(60_000);
  let fake: FakeTencentCvm;

  const run = (home: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
    const env = cliEnv(home, extraEnv as Record<string, string>);
    if (!('TCCLI_PROFILE' in extraEnv)) delete env.TCCLI_PROFILE;
    return runCliAsync(['tencent', ...args, '--endpoint', fake.url], env, {
      check: ({ stdout, stderr }) => {
        for (const secret of SECRETS) assert.equal((stdout + stderr).includes(secret), false, `a secret was printed:\n${stdout}${stderr}`);
      },
    });
  };
  const signedWith = () => [...new Set(fake.requests.filter((r) => r.action).map((r) => r.secretId))];

  before(async () => {
    ensureBuilt(['cli.js', 'tencent.js']);
    fake = new FakeTencentCvm({ credentials: [{ ...FAKE_TEST_CREDENTIAL }, TEMPORARY] });
    await fake.start();
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.seedKeyPair({ region: REGION, name: 'from_profile', publicKey: randomEd25519PublicKeyLine('x') });
  });

  it('list --profile default with ~/.tccli/default.credential and no credential variables: lists the key pairs', async () => {
    const home = homeWith({ '.tccli/default.credential': { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey }, '.tccli/default.configure': { _sys_param: { region: REGION, output: 'json' } } });
    const r = await run(home, ['list', '--region', REGION, '--profile', 'default']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^skey-[0-9a-z]+\tfrom_profile\tSHA256:/m);
    assert.equal(r.stderr, '');
  });

  it('no --profile and no variables: the "default" profile (TCCLI_PROFILE names another); a token from ~/.tencentcloud/credentials is sent', async () => {
    const home = homeWith({
      '.tccli/default.credential': { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey },
      '.tencentcloud/credentials': `# written by hand\r\n[temp]\r\nsecret_id = ${TEMPORARY.secretId}\r\nsecret_key = ${TEMPORARY.secretKey}\r\ntoken = ${TEMPORARY.token}\r\n`,
    });
    const byDefault = await run(home, ['list', '--region', REGION]);
    assert.equal(byDefault.status, 0, byDefault.stderr);
    assert.match(byDefault.stdout, /\tfrom_profile\t/);
    const named = await run(home, ['list', '--region', REGION, '--json'], { TCCLI_PROFILE: 'temp' });
    assert.equal(named.status, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout)[0].KeyName, 'from_profile');
    assert.deepEqual(signedWith().slice(-1), [TEMPORARY.secretId]);
  });

  it('the credential variables win over the default profile; a given --profile wins over them (as in tccli), with a note naming the variables', async () => {
    const home = homeWith({ '.tccli/default.credential': UNKNOWN, '.tccli/good.credential': { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey } });
    const envGood = { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey };
    const env = await run(home, ['list', '--region', REGION], envGood);
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, /\tfrom_profile\t/);
    assert.deepEqual(signedWith(), [FAKE_TEST_CREDENTIAL.secretId]);
    fake.clearRequests();
    const envBad = { TENCENTCLOUD_SECRET_ID: UNKNOWN.secretId, TENCENTCLOUD_SECRET_KEY: UNKNOWN.secretKey };
    const profile = await run(home, ['list', '--region', REGION, '--profile', 'good'], envBad);
    assert.equal(profile.status, 0, profile.stderr);
    assert.match(profile.stdout, /\tfrom_profile\t/);
    assert.match(profile.stderr, /^note: the credentials of --profile good are used; TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY in the environment are not\.$/m);
    const wrong = await run(home, ['list', '--region', REGION], envBad);
    assert.equal(wrong.status, 1, 'the variables were not the ones used');
    assert.match(wrong.stderr, /AuthFailure\.SecretIdNotFound/);
  });

  it('an unknown profile: exit 1, ProfileNotFound listing the profiles there, nothing sent', async () => {
    const home = homeWith({ '.tccli/default.credential': { secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey }, '.tencentcloud/credentials': `[ci]\nsecret_id = ${TEMPORARY.secretId}\nsecret_key = ${TEMPORARY.secretKey}\n` });
    const r = await run(home, ['list', '--region', REGION, '--profile', 'prod']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^cloud-ssh-keys: ProfileNotFound: No profile "prod" in .*Profiles there: "default", "ci"\. Nothing was sent to Tencent Cloud\.$/m);
    assert.deepEqual(fake.requests.filter((q) => q.action), []);
  });

  it('a profile this tool cannot use (the instance role) or a malformed file: exit 1, named, nothing sent; no file at all: MissingCredentials names the profile files', async () => {
    const role = await run(homeWith({ '.tccli/default.credential': { type: 'cvm-role' } }), ['list', '--region', REGION, '--profile', 'default']);
    assert.equal(role.status, 1);
    assert.match(role.stderr, /ProfileNotSupported: Profile "default" .* is not supported \(yet\): type "cvm-role" needs the CVM instance metadata service/);
    const broken = await run(homeWith({ '.tccli/default.credential': `{"secretId": "AKIDx", "secretKey": "${UNKNOWN.secretKey}"` }), ['list', '--region', REGION]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /ProfileFileInvalid: .*default\.credential(:\d+:\d+)? is not valid JSON\./);
    const none = await run(homeWith({}), ['list', '--region', REGION]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /MissingCredentials: No Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set\. .*, or use a profile: tccli configure --profile NAME \(~\/\.tccli\/NAME\.credential\) or ~\/\.tencentcloud\/credentials/);
    assert.deepEqual(fake.requests.filter((q) => q.action), []);
  });

  it('--help names --profile and the files', async () => {
    const r = await run(homeWith({}), ['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Every command also takes --profile NAME: the credentials of tccli's profile NAME/);
    assert.match(r.stdout, /~\/\.tencentcloud\/credentials \(TENCENTCLOUD_CREDENTIALS_FILE names another file\)/);
  });
});
