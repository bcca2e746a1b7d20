// `node dist/cli.js lighthouse … --profile NAME` against the fake Lighthouse: the same Tencent
// profiles as CVM (src/clouds/tencent/profiles.ts). HOME is a temp folder; no secret is printed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from '../fake/server';
import { randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';
import { type CliRun, cliEnv, ensureBuilt, runCliAsync, tempDir } from '../../../unit/helpers';

describe('CLI lighthouse --profile (the Tencent profiles) against the fake Lighthouse', function () {
  this.timeout(60_000);
  let fake: FakeLighthouse;
  let home: string;

  const run = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> => {
    const env = cliEnv(home, extraEnv);
    if (!('TCCLI_PROFILE' in extraEnv)) delete env.TCCLI_PROFILE;
    return runCliAsync(['lighthouse', ...args, '--endpoint', fake.url], env, {
      check: ({ stdout, stderr }) => assert.equal((stdout + stderr).includes(FAKE_TEST_CREDENTIAL.secretKey), false, 'the SecretKey was printed'),
    });
  };

  before(async () => {
    ensureBuilt(['cli.js', 'lighthouse.js']);
    fake = new FakeLighthouse();
    await fake.start();
    home = tempDir('cli-lighthouse-profile');
    fs.mkdirSync(path.join(home, '.tccli'));
    fs.writeFileSync(path.join(home, '.tccli', 'work.credential'), JSON.stringify({ secretId: FAKE_TEST_CREDENTIAL.secretId, secretKey: FAKE_TEST_CREDENTIAL.secretKey }), { mode: 0o600 });
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.seedKeyPair({ name: 'from_profile', publicKey: randomEd25519PublicKeyLine('x') });
  });

  it('list --profile work with no credential variables: lists the account\'s key pairs; TCCLI_PROFILE works the same', async () => {
    const r = await run(['list', '--profile', 'work']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^lhkp-[0-9a-z]+\tfrom_profile\t/m);
    const byEnv = await run(['list'], { TCCLI_PROFILE: 'work' });
    assert.equal(byEnv.status, 0, byEnv.stderr);
    assert.match(byEnv.stdout, /\tfrom_profile\t/);
  });

  it('no "default" profile and no variables: ProfileNotFound naming "work", nothing sent', async () => {
    const r = await run(['list']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ProfileNotFound: No profile "default" in .*Profiles there: "work"\. Nothing was sent to Tencent Cloud Lighthouse\.$/m);
    assert.deepEqual(fake.requests.filter((q) => q.action), []);
  });
});
