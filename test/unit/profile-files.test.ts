// The readers of the clouds' own CLI profile files (src/cloud/profile-files.ts, src/clouds/*/profiles.ts)
// and the order the CLI takes credentials in (credentialsFromEnvOrProfile). No error ever quotes a secret.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MAX_PROFILE_FILE_BYTES, type ProfileContext, ProfileError, type ProfileFileReader, nodeProfileFileReader, parseIniSections, parseJsonObject,
} from '../../src/cloud/profile-files';
import { alibabaCredentialsFromProfile, alibabaProfileFromEnv, alibabaProfilesDisabledBy, listAlibabaProfiles } from '../../src/clouds/alibaba/profiles';
import { listTencentProfiles, tencentCredentialsFromProfile } from '../../src/clouds/tencent/profiles';
import { TENCENT_PROFILE_SOURCE } from '../../src/clouds/tencent/cli';
import { TENCENT_DESCRIPTOR } from '../../src/clouds/tencent/descriptor';
import { LocalRefusal, credentialsFromEnvOrProfile } from '../../src/cli/shared';
import { tempDir } from './helpers';

const SECRET = 'sEcReT-never-printed-0001';
const HOME = '/home/u';

/** Files in memory: path → text. */
function memory(files: Record<string, string>): ProfileFileReader {
  return {
    read: (file, max) => {
      const text = files[file];
      if (text !== undefined && Buffer.byteLength(text) > max) throw new ProfileError('ProfileFileInvalid', `${file} too large`);
      return text;
    },
    list: (dir) => Object.keys(files).filter((f) => path.dirname(f) === dir).map((f) => path.basename(f)),
  };
}
const ctx = (files: Record<string, string>, env: NodeJS.ProcessEnv = {}, now?: number): ProfileContext => ({ home: HOME, env, reader: memory(files), now });

/** Runs `fn`, expects a ProfileError with `code` whose message matches `pattern` and holds no secret. */
function refuses(fn: () => unknown, code: string, pattern: RegExp): ProfileError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ProfileError, `not a ProfileError: ${error}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    assert.equal(error.message.includes(SECRET), false, `the secret is in: ${error.message}`);
    return error;
  }
  assert.fail('did not refuse');
}

const TCCLI = `${HOME}/.tccli`;
const SDK_FILE = `${HOME}/.tencentcloud/credentials`;
const ALIYUN = `${HOME}/.aliyun/config.json`;

describe('profile files: shared readers', () => {
  it('INI: sections, comments, CRLF, a byte order mark, spaces around = and values with =', () => {
    const text = '\uFEFF# comment\r\n; another\r\n[default]\r\nsecret_id = AKIDa\r\nsecret_key=k=with=equals\r\n\r\n[ work ]\r\nsecret_id=AKIDw\r\n';
    const sections = parseIniSections(text, 'f');
    assert.deepEqual([...sections.keys()], ['default', 'work']);
    assert.equal(sections.get('default')?.get('secret_id'), 'AKIDa');
    assert.equal(sections.get('default')?.get('secret_key'), 'k=with=equals');
    assert.equal(sections.get('work')?.get('secret_id'), 'AKIDw');
  });

  it('INI: a line that is neither a section nor key = value, or a key before any section: the file and line, never the text', () => {
    refuses(() => parseIniSections(`[default]\n${SECRET}\n`, '/x/credentials'), 'ProfileFileInvalid', /^\/x\/credentials:2: expected "\[profile\]" or "key = value"\.$/);
    refuses(() => parseIniSections(`secret_key = ${SECRET}\n[default]\n`, '/x/credentials'), 'ProfileFileInvalid', /^\/x\/credentials:1: "secret_key" comes before any \[profile\] section\.$/);
    refuses(() => parseIniSections('[]\n', 'f'), 'ProfileFileInvalid', /f:1: a section needs a name/);
  });

  it('JSON: one object; malformed JSON gives the line and column, never the text around it; other values are named by type', () => {
    assert.deepEqual(parseJsonObject('\uFEFF{"a": 1}\r\n', 'f'), { a: 1 });
    refuses(() => parseJsonObject(`{\n  "secretKey": "${SECRET}" x}`, '/x/p.credential'), 'ProfileFileInvalid', /^\/x\/p\.credential:2:\d+ is not valid JSON\.$/);
    refuses(() => parseJsonObject(`{"secretKey": "${SECRET}",}`, 'f'), 'ProfileFileInvalid', /^f(:\d+:\d+)? is not valid JSON\.$/);
    refuses(() => parseJsonObject(`["${SECRET}"]`, 'f'), 'ProfileFileInvalid', /f should hold a JSON object, not an array/);
    refuses(() => parseJsonObject('  ', 'f'), 'ProfileFileInvalid', /f is empty/);
  });

  it('the file reader: a missing file is undefined; a huge file is refused by its size, unread; a folder is not a file', () => {
    const dir = tempDir('profile-files');
    assert.equal(nodeProfileFileReader.read(path.join(dir, 'none'), MAX_PROFILE_FILE_BYTES), undefined);
    const huge = path.join(dir, 'huge.json');
    fs.writeFileSync(huge, `{"secretKey":"${SECRET}","pad":"${'x'.repeat(70_000)}"}`);
    refuses(() => nodeProfileFileReader.read(huge, MAX_PROFILE_FILE_BYTES), 'ProfileFileInvalid', new RegExp(`^${huge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has \\d+ bytes, more than the 65536`));
    refuses(() => nodeProfileFileReader.read(dir, MAX_PROFILE_FILE_BYTES), 'ProfileFileUnreadable', /is not a regular file/);
    const small = path.join(dir, 'ok.json');
    fs.writeFileSync(small, '{"a":"b"}');
    assert.equal(nodeProfileFileReader.read(small, MAX_PROFILE_FILE_BYTES), '{"a":"b"}');
  });
});

describe('profile files: Tencent (tccli and ~/.tencentcloud/credentials)', () => {
  const files = {
    [`${TCCLI}/default.credential`]: `{\r\n  "secretId": "AKIDdefault",\r\n  "secretKey": "${SECRET}"\r\n}\r\n`,
    [`${TCCLI}/default.configure`]: '{"_sys_param": {"region": "ap-shanghai", "output": "json"}, "cvm": {"endpoint": "cvm.tencentcloudapi.com"}}',
    [`${TCCLI}/temp.credential`]: `{"secretId": "AKIDtemp", "secretKey": "${SECRET}", "token": "tok"}`,
    [SDK_FILE]: `[default]\nsecret_id = AKIDsdk\nsecret_key = ${SECRET}\n\n[ci]\nsecret_id = AKIDci\nsecret_key = ${SECRET}\ntoken = citok\n`,
  };

  it('lists the profiles of both: tccli first (with its region), then the SDK file\'s other sections', () => {
    assert.deepEqual(listTencentProfiles(ctx(files)), [
      { name: 'default', file: `${TCCLI}/default.credential`, source: 'tccli', region: 'ap-shanghai', hasToken: false },
      { name: 'temp', file: `${TCCLI}/temp.credential`, source: 'tccli', region: undefined, hasToken: true },
      { name: 'ci', file: SDK_FILE, source: 'sdk', hasToken: true },
    ]);
  });

  it('reads a tccli profile (CRLF JSON), a token, and an SDK section; tccli\'s file wins for the same name', () => {
    const d = tencentCredentialsFromProfile('default', ctx(files));
    assert.deepEqual([d.secretId, d.secretKey, d.token, d.profile.source, d.profile.region], ['AKIDdefault', SECRET, undefined, 'tccli', 'ap-shanghai']);
    const t = tencentCredentialsFromProfile('temp', ctx(files));
    assert.equal(t.token, 'tok');
    const ci = tencentCredentialsFromProfile('ci', ctx(files));
    assert.deepEqual([ci.secretId, ci.token, ci.profile.file], ['AKIDci', 'citok', SDK_FILE]);
  });

  it('TENCENTCLOUD_CREDENTIALS_FILE names the SDK file, as in the Go SDK', () => {
    const c = tencentCredentialsFromProfile('default', ctx({ '/etc/mine': `[default]\nsecret_id=AKIDmine\nsecret_key=${SECRET}\n` }, { TENCENTCLOUD_CREDENTIALS_FILE: '/etc/mine' }));
    assert.equal(c.secretId, 'AKIDmine');
  });

  it('an unknown profile lists the available names; with no file at all, says which files are missing', () => {
    refuses(() => tencentCredentialsFromProfile('prod', ctx(files)), 'ProfileNotFound', /No profile "prod" in .*\.tccli\/<profile>\.credential or .*\.tencentcloud\/credentials\. Profiles there: "default", "temp", "ci"\./);
    refuses(() => tencentCredentialsFromProfile('prod', ctx({})), 'ProfileNotFound', /No profile "prod": neither .* nor .* exists \(tccli configure --profile prod writes the first\)/);
  });

  it('missing fields, wrong types, instance role, AssumeRole, expired login keys: refused by name, never by value', () => {
    refuses(() => tencentCredentialsFromProfile('p', ctx({ [`${TCCLI}/p.credential`]: `{"secretKey": "${SECRET}"}` })), 'ProfileIncomplete', /p\.credential has no secretId\. Set it with tccli configure --profile p\./);
    refuses(() => tencentCredentialsFromProfile('p', ctx({ [`${TCCLI}/p.credential`]: '{"secretId": "AKID", "secretKey": 12345}' })), 'ProfileFileInvalid', /"secretKey" should be a string, not a number/);
    refuses(() => tencentCredentialsFromProfile('p', ctx({ [`${TCCLI}/p.credential`]: '{"type": "cvm-role"}' })), 'ProfileNotSupported', /not supported \(yet\): type "cvm-role" needs the CVM instance metadata service/);
    refuses(
      () => tencentCredentialsFromProfile('p', ctx({ [`${TCCLI}/p.credential`]: `{"secretId": "AKID", "secretKey": "${SECRET}", "role-arn": "qcs::cam::uin/1:roleName/x", "role-session-name": "s"}` })),
      'ProfileNotSupported', /a "role-arn" needs an AssumeRole call through STS/,
    );
    const oauth = { [`${TCCLI}/p.credential`]: `{"type": "oauth", "secretId": "AKID", "secretKey": "${SECRET}", "token": "t", "expiresAt": 1000}` };
    refuses(() => tencentCredentialsFromProfile('p', ctx(oauth, {}, 2000)), 'ProfileExpired', /expired at 1970-01-01T00:16:40\.000Z\. Run a tccli command with --profile p to refresh them/);
    assert.equal(tencentCredentialsFromProfile('p', ctx(oauth, {}, 500)).token, 't');
    refuses(() => tencentCredentialsFromProfile('default', ctx({ [SDK_FILE]: `[default]\nsecret_key = ${SECRET}\n` })), 'ProfileIncomplete', /section \[default\] has no secret_id/);
    const broken = { [`${TCCLI}/p.credential`]: `{"secretKey": "${SECRET}"`, [`${TCCLI}/ok.credential`]: `{"secretId": "AKIDok", "secretKey": "${SECRET}"}` };
    refuses(() => listTencentProfiles(ctx(broken)), 'ProfileFileInvalid', /p\.credential(:\d+:\d+)? is not valid JSON/);
    assert.equal(tencentCredentialsFromProfile('ok', ctx(broken)).secretId, 'AKIDok', 'a broken file of another profile stopped this one');
    refuses(() => tencentCredentialsFromProfile('p', ctx(broken)), 'ProfileFileInvalid', /p\.credential(:\d+:\d+)? is not valid JSON/);
  });
});

describe('profile files: Alibaba (~/.aliyun/config.json)', () => {
  const config = (profiles: unknown[], current = 'default') => ({ [ALIYUN]: JSON.stringify({ current, profiles, meta_path: '' }, null, '\t').replace(/\n/g, '\r\n') });
  const ak = { name: 'default', mode: 'AK', access_key_id: 'LTAIdefault', access_key_secret: SECRET, region_id: 'cn-hangzhou', output_format: 'json', language: 'en' };
  const sts = { name: 'sts', mode: 'StsToken', access_key_id: 'STS.x', access_key_secret: SECRET, sts_token: 'ststok', region_id: 'cn-beijing' };
  const role = { name: 'role', mode: 'RamRoleArn', access_key_id: 'LTAIr', access_key_secret: SECRET, ram_role_arn: 'acs:ram::1:role/x', ram_session_name: 's' };

  it('lists the profiles with their mode, region, token and which is current', () => {
    assert.deepEqual(listAlibabaProfiles(ctx(config([ak, sts, role], 'sts'))), [
      { name: 'default', file: ALIYUN, mode: 'AK', region: 'cn-hangzhou', hasToken: false, current: false },
      { name: 'sts', file: ALIYUN, mode: 'StsToken', region: 'cn-beijing', hasToken: true, current: true },
      { name: 'role', file: ALIYUN, mode: 'RamRoleArn', region: undefined, hasToken: false, current: false },
    ]);
    assert.deepEqual(listAlibabaProfiles(ctx({})), []);
  });

  it('AK and StsToken profiles; no name: the file\'s "current"; a mode in any case; no mode: guessed as aliyun does', () => {
    const d = alibabaCredentialsFromProfile('default', ctx(config([ak, sts])));
    assert.deepEqual([d.accessKeyId, d.accessKeySecret, d.securityToken], ['LTAIdefault', SECRET, undefined]);
    const current = alibabaCredentialsFromProfile(undefined, ctx(config([ak, sts], 'sts')));
    assert.deepEqual([current.accessKeyId, current.securityToken, current.profile.name], ['STS.x', 'ststok', 'sts']);
    assert.equal(alibabaCredentialsFromProfile('sts', ctx(config([{ ...sts, mode: 'ststoken' }]))).securityToken, 'ststok');
    const { mode: _omit, ...noMode } = sts;
    assert.equal(alibabaCredentialsFromProfile('sts', ctx(config([noMode]))).profile.mode, 'StsToken');
    assert.equal(alibabaCredentialsFromProfile('default', ctx(config([{ ...ak, sts_token: 'stray' }]))).securityToken, undefined);
    assert.equal(alibabaCredentialsFromProfile(undefined, ctx({ [ALIYUN]: JSON.stringify({ profiles: [ak] }) })).accessKeyId, 'LTAIdefault');
  });

  it('RamRoleArn and the other modes: "not supported (yet)", naming the mode and what it needs', () => {
    refuses(
      () => alibabaCredentialsFromProfile('role', ctx(config([ak, role]))),
      'ProfileNotSupported',
      /^Profile "role" \(.*config\.json\) is not supported \(yet\): mode RamRoleArn needs an AssumeRole call through STS; use an AK or StsToken profile, or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET\.$/,
    );
    refuses(() => alibabaCredentialsFromProfile('ecs', ctx(config([{ name: 'ecs', mode: 'EcsRamRole', ram_role_name: 'r' }]))), 'ProfileNotSupported', /mode EcsRamRole needs the ECS instance metadata service/);
    refuses(() => alibabaCredentialsFromProfile('x', ctx(config([{ name: 'x', mode: 'Weird' }]))), 'ProfileNotSupported', /mode Weird is not one this tool knows/);
  });

  it('unknown profile, missing file, missing fields, wrong types', () => {
    refuses(() => alibabaCredentialsFromProfile('prod', ctx(config([ak, sts]))), 'ProfileNotFound', /No profile "prod" in .*config\.json\. Profiles there: "default", "sts"\./);
    refuses(() => alibabaCredentialsFromProfile(undefined, ctx(config([ak], 'gone'))), 'ProfileNotFound', /No profile "gone"/);
    refuses(() => alibabaCredentialsFromProfile('p', ctx({})), 'ProfileNotFound', /config\.json does not exist \(aliyun configure --profile p writes it\)/);
    refuses(() => alibabaCredentialsFromProfile('sts', ctx(config([{ ...sts, sts_token: '' }]))), 'ProfileIncomplete', /mode StsToken\) has no sts_token\. Set it with aliyun configure --profile sts --mode StsToken/);
    refuses(() => alibabaCredentialsFromProfile('default', ctx(config([{ ...ak, access_key_id: undefined }]))), 'ProfileIncomplete', /\(.*config\.json, mode AK\) has no access_key_id\./);
    refuses(() => alibabaCredentialsFromProfile('default', ctx(config([{ ...ak, access_key_secret: 42 }]))), 'ProfileFileInvalid', /"access_key_secret" in profile "default" should be a string, not a number/);
    refuses(() => alibabaCredentialsFromProfile('default', ctx({ [ALIYUN]: '{"profiles": {}}' })), 'ProfileFileInvalid', /"profiles" should be an array, not an object/);
    refuses(() => alibabaCredentialsFromProfile('default', ctx({ [ALIYUN]: '{"profiles": [7]}' })), 'ProfileFileInvalid', /profiles\[0\] should be an object, not a number/);
  });

  it('ALIBABA_CLOUD_CONFIG_FILE names the file; the profile variables in aliyun\'s order; the switches that turn profiles off', () => {
    const other = { '/cfg.json': JSON.stringify({ current: 'default', profiles: [ak] }) };
    assert.equal(alibabaCredentialsFromProfile(undefined, ctx(other, { ALIBABA_CLOUD_CONFIG_FILE: '/cfg.json' })).profile.file, '/cfg.json');
    assert.deepEqual(alibabaProfileFromEnv({ ALICLOUD_PROFILE: 'c', ALIBABA_CLOUD_PROFILE: 'b' }), { name: 'b', variable: 'ALIBABA_CLOUD_PROFILE' });
    assert.deepEqual(alibabaProfileFromEnv({ ALIBABACLOUD_PROFILE: 'a', ALIBABA_CLOUD_PROFILE: 'b' }), { name: 'a', variable: 'ALIBABACLOUD_PROFILE' });
    assert.equal(alibabaProfileFromEnv({}), undefined);
    assert.equal(alibabaProfilesDisabledBy({ ALIBABA_CLOUD_IGNORE_PROFILE: 'TRUE' }), 'ALIBABA_CLOUD_IGNORE_PROFILE');
    assert.equal(alibabaProfilesDisabledBy({ ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true' }), 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED');
    assert.equal(alibabaProfilesDisabledBy({ ALIBABA_CLOUD_IGNORE_PROFILE: 'yes' }), undefined);
  });
});

describe('credentialsFromEnvOrProfile: which credentials the CLI uses', () => {
  let home: string;
  const errs: string[] = [];
  const io = (env: NodeJS.ProcessEnv) => ({ out: () => undefined, err: (l: string) => errs.push(l), env: { HOME: home, ...env } });
  const resolve = (env: NodeJS.ProcessEnv, profile?: string) =>
    credentialsFromEnvOrProfile(TENCENT_DESCRIPTOR, io(env), profile, 'from the console', TENCENT_PROFILE_SOURCE);
  const ENV = { TENCENTCLOUD_SECRET_ID: 'AKIDenv', TENCENTCLOUD_SECRET_KEY: 'envkey' };

  before(() => {
    home = tempDir('profile-precedence');
    fs.mkdirSync(path.join(home, '.tccli'));
    fs.writeFileSync(path.join(home, '.tccli', 'default.credential'), `{"secretId": "AKIDdefault", "secretKey": "${SECRET}"}`);
    fs.writeFileSync(path.join(home, '.tccli', 'work.credential'), `{"secretId": "AKIDwork", "secretKey": "${SECRET}", "token": "wtok"}`);
  });
  beforeEach(() => errs.splice(0));

  it('no --profile: the variables when set; else TCCLI_PROFILE; else "default"', () => {
    assert.equal(resolve({ ...ENV, TCCLI_PROFILE: 'work' }).secretId, 'AKIDenv');
    assert.deepEqual(resolve({ TCCLI_PROFILE: 'work' }), { secretId: 'AKIDwork', secretKey: SECRET, token: 'wtok' });
    assert.deepEqual(resolve({}), { secretId: 'AKIDdefault', secretKey: SECRET });
    assert.deepEqual(errs, []);
  });

  it('--profile wins over the variables, as in tccli, and says so on stderr (names only)', () => {
    assert.equal(resolve(ENV, 'work').secretId, 'AKIDwork');
    assert.deepEqual(errs, ['note: the credentials of --profile work are used; TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY in the environment are not.']);
  });

  it('some of the variables set: the refusal names the missing one; no profile file: the refusal names the profile files too', () => {
    assert.throws(() => resolve({ TENCENTCLOUD_SECRET_ID: 'AKIDenv' }), (e: unknown) => e instanceof LocalRefusal && e.code === 'MissingCredentials' && /TENCENTCLOUD_SECRET_KEY is not set/.test(e.message));
    const empty = tempDir('profile-none');
    assert.throws(
      () => credentialsFromEnvOrProfile(TENCENT_DESCRIPTOR, { out: () => undefined, err: () => undefined, env: { HOME: empty } }, undefined, 'from the console', TENCENT_PROFILE_SOURCE),
      (e: unknown) => e instanceof LocalRefusal && e.code === 'MissingCredentials' && /\(from the console\), or use a profile: tccli configure --profile NAME \(~\/\.tccli\/NAME\.credential\)/.test(e.message),
    );
    assert.throws(() => resolve({ TCCLI_PROFILE: 'nope' }), (e: unknown) => e instanceof LocalRefusal && e.code === 'ProfileNotFound' && /Profiles there: "default", "work"/.test(e.message));
  });
});
