// `node dist/cli.js alibaba … --profile NAME` against the fake ECS: credentials from the aliyun CLI's
// ~/.aliyun/config.json (src/clouds/alibaba/profiles.ts). HOME is a temp folder; no secret ever
// reaches the terminal.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { type CliRun, cliEnv, ensureBuilt, runCliAsync, tempDir } from '../../../unit/helpers';

let parent: string | undefined;
/** One temp folder (removed at exit) for all the HOMEs of this file. */
const homes = () => (parent ??= tempDir('cli-alibaba-profile'));

const REGION = 'cn-hangzhou';
const STS = { accessKeyId: 'STS.NfakeProfileTemporaryKey01', accessKeySecret: 'fakeProfileStsSecretNotReal01', securityToken: 'fake-profile-sts-token-0001' };
const UNKNOWN = { accessKeyId: 'LTAI5tUnknownToTheFake00001', accessKeySecret: 'unknownAccessKeySecretNotReal01' };
const SECRETS = [FAKE_ECS_ACCESS_KEY.accessKeySecret, STS.accessKeySecret, STS.securityToken, UNKNOWN.accessKeySecret];

const ak = (name: string, key: { accessKeyId: string; accessKeySecret: string }) => ({
  name, mode: 'AK', access_key_id: key.accessKeyId, access_key_secret: key.accessKeySecret, region_id: REGION, output_format: 'json', language: 'en',
});

/** A HOME holding ~/.aliyun/config.json (when given) as aliyun configure writes it. */
function homeWith(config?: unknown): string {
  const home = fs.mkdtempSync(path.join(homes(), 'home-'));
  if (config !== undefined) {
    fs.mkdirSync(path.join(home, '.aliyun'));
    fs.writeFileSync(path.join(home, '.aliyun', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, '\t'), { mode: 0o600 });
  }
  return home;
}

describe('CLI alibaba --profile (~/.aliyun/config.json) against the fake ECS', function () {
  this.timeout(60_000);
  let fake: FakeAlibabaEcs;

  const run = (home: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
    const env = cliEnv(home, extraEnv as Record<string, string>);
    for (const key of ['ALIBABACLOUD_PROFILE', 'ALICLOUD_PROFILE', 'ALIBABACLOUD_IGNORE_PROFILE', 'ALIBABACLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_ID']) if (!(key in extraEnv)) delete env[key];
    return runCliAsync(['alibaba', ...args, '--endpoint', fake.url], env, {
      check: ({ stdout, stderr }) => {
        for (const secret of SECRETS) assert.equal((stdout + stderr).includes(secret), false, `a secret was printed:\n${stdout}${stderr}`);
      },
    });
  };
  const sent = () => fake.requests.filter((q) => q.action);

  before(async () => {
    ensureBuilt(['cli.js', 'alibaba.js']);
    fake = new FakeAlibabaEcs({ accessKeys: [{ ...FAKE_ECS_ACCESS_KEY }, STS] });
    await fake.start();
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.seedKeyPair({ region: REGION, name: 'from-profile', publicKey: randomEd25519PublicKeyLine('x') });
  });

  it('list --profile default with an AK profile and no credential variables: lists the key pairs', async () => {
    const home = homeWith({ current: 'default', profiles: [ak('default', FAKE_ECS_ACCESS_KEY)], meta_path: '' });
    const r = await run(home, ['list', '--region', REGION, '--profile', 'default']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^from-profile\tSHA256:/m);
    assert.equal(r.stderr, '');
  });

  it('no --profile: the file\'s "current" (a StsToken profile, its token sent); ALIBABA_CLOUD_PROFILE names another', async () => {
    const home = homeWith({
      current: 'sts',
      profiles: [ak('default', FAKE_ECS_ACCESS_KEY), { name: 'sts', mode: 'StsToken', access_key_id: STS.accessKeyId, access_key_secret: STS.accessKeySecret, sts_token: STS.securityToken, region_id: REGION }, ak('bad', UNKNOWN)],
    });
    const current = await run(home, ['list', '--region', REGION, '--json']);
    assert.equal(current.status, 0, current.stderr);
    assert.equal(JSON.parse(current.stdout)[0].KeyPairName, 'from-profile');
    const named = await run(home, ['list', '--region', REGION], { ALIBABA_CLOUD_PROFILE: 'bad' });
    assert.equal(named.status, 1, 'ALIBABA_CLOUD_PROFILE was not the profile used');
    assert.match(named.stderr, /InvalidAccessKeyId\.NotFound|InvalidAccessKeyId/);
  });

  it('the credential variables win over the current profile; a given --profile wins over them, with a note', async () => {
    const home = homeWith({ current: 'bad', profiles: [ak('bad', UNKNOWN), ak('good', FAKE_ECS_ACCESS_KEY)] });
    const env = await run(home, ['list', '--region', REGION], { ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret });
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, /^from-profile\t/m);
    const profile = await run(home, ['list', '--region', REGION, '--profile', 'good'], { ALIBABA_CLOUD_ACCESS_KEY_ID: UNKNOWN.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: UNKNOWN.accessKeySecret });
    assert.equal(profile.status, 0, profile.stderr);
    assert.match(profile.stdout, /^from-profile\t/m);
    assert.match(profile.stderr, /^note: the credentials of --profile good are used; ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET in the environment are not\.$/m);
  });

  it('a RamRoleArn profile: exit 1, "not supported (yet)" naming the mode, nothing sent', async () => {
    const home = homeWith({ current: 'role', profiles: [{ name: 'role', mode: 'RamRoleArn', access_key_id: UNKNOWN.accessKeyId, access_key_secret: UNKNOWN.accessKeySecret, ram_role_arn: 'acs:ram::123:role/admin', ram_session_name: 's', region_id: REGION }] });
    for (const args of [['--profile', 'role'], []]) {
      const r = await run(home, ['list', '--region', REGION, ...args]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^cloud-ssh-keys: ProfileNotSupported: Profile "role" \(.*config\.json\) is not supported \(yet\): mode RamRoleArn needs an AssumeRole call through STS; use an AK or StsToken profile, or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET\. Nothing was sent to Alibaba Cloud\.$/m);
    }
    assert.deepEqual(sent(), []);
  });

  it('an unknown profile lists those there; a malformed file is named; ALIBABA_CLOUD_IGNORE_PROFILE=TRUE turns profiles off; no file: MissingCredentials names it', async () => {
    const home = homeWith({ current: 'default', profiles: [ak('default', FAKE_ECS_ACCESS_KEY), ak('dev', FAKE_ECS_ACCESS_KEY)] });
    const unknown = await run(home, ['list', '--region', REGION, '--profile', 'prod']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /ProfileNotFound: No profile "prod" in .*config\.json\. Profiles there: "default", "dev"\./);
    const broken = await run(homeWith(`{"profiles": [{"name": "default", "access_key_secret": "${UNKNOWN.accessKeySecret}"`), ['list', '--region', REGION]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /ProfileFileInvalid: .*config\.json(:\d+:\d+)? is not valid JSON\./);
    const ignored = await run(home, ['list', '--region', REGION], { ALIBABA_CLOUD_IGNORE_PROFILE: 'TRUE' });
    assert.equal(ignored.status, 1);
    assert.match(ignored.stderr, /MissingCredentials: /);
    const none = await run(homeWith(), ['list', '--region', REGION]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /MissingCredentials: No Alibaba Cloud credentials: .*, or use a profile: aliyun configure --profile NAME \(~\/\.aliyun\/config\.json; AK or StsToken mode\)/);
    assert.deepEqual(sent(), []);
  });

  it('--help names --profile, the file and the supported modes', async () => {
    const r = await run(homeWith(), ['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Every command also takes --profile NAME: the credentials of the aliyun CLI's profile NAME/);
    assert.match(r.stdout, /AK and StsToken profiles are supported; RamRoleArn, EcsRamRole and the other modes\s+are not \(yet\)/);
  });
});
