// Entry point of the in-host suite: VS Code's extension host loads this module (extensionTestsPath)
// after loading the extension under test, and calls run(). Works under code-server
// (test/harness/run-integration.mjs) and under @vscode/test-electron (scripts/test-electron.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { api } from './helpers';
import { reportLeftovers, user } from './test-user-input';

/** When set, run() writes { passed, failed, pending, failures, tags } there (read by scripts/test.mjs). */
export const RESULTS_ENV = 'CLOUD_SSH_KEYS_TEST_RESULTS';
/** Optional mocha --grep. */
export const GREP_ENV = 'CLOUD_SSH_KEYS_TEST_GREP';
/**
 * `restricted`: run only restricted/*.test.js, in a window whose workspace is not trusted
 * (run-integration.mjs --restricted). Unset: only the *.test.js beside this file (never restricted/).
 */
export const SUITE_ENV = 'CLOUD_SSH_KEYS_TEST_SUITE';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // The stand-in user answers every question of the whole run (test-user-input.ts): a question no
  // test expected is cancelled (and reported) instead of waiting for a click forever.
  mocha.rootHooks({
    beforeAll: async () => {
      const exported = await api();
      if (!exported.answerWith) throw new Error('the extension exports no answerWith: is it running in production mode?');
      exported.answerWith(user);
    },
    afterEach(this: Mocha.Context) {
      reportLeftovers(this.currentTest?.fullTitle());
    },
  });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(grep);
  const restricted = process.env[SUITE_ENV] === 'restricted';
  const dir = restricted ? path.join(__dirname, 'restricted') : __dirname;
  // Not recursive: the restricted tests assume an untrusted window, the others a trusted one.
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  // Each cloud's own in-host tests (test/clouds/<cloud>/integration/), in a trusted window.
  const clouds = path.join(__dirname, '..', 'clouds');
  if (!restricted && fs.existsSync(clouds)) {
    for (const cloud of fs.readdirSync(clouds).sort()) {
      const folder = path.join(clouds, cloud, 'integration');
      if (!fs.existsSync(folder)) continue;
      for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(folder, file));
    }
  }
  const failures: Array<{ title: string; error: string }> = [];
  // Passing tests per title tag (`… @credentials-changed`): the README's Reliability section is written from them.
  const tags: Record<string, number> = {};
  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failed) => {
        const stats = runner.stats;
        const results = {
          suite: restricted ? 'integration-restricted' : 'integration',
          passed: stats?.passes ?? 0,
          failed: Math.max(failed, stats?.failures ?? 0),
          pending: stats?.pending ?? 0,
          failures,
          tags,
        };
        const file = process.env[RESULTS_ENV];
        if (file) {
          try {
            fs.writeFileSync(file, JSON.stringify(results, null, 2));
          } catch (err) {
            console.error(`could not write ${file}: ${err}`);
          }
        }
        if (failed > 0) reject(new Error(`${failed} in-host test(s) failed.`));
        // With a grep, matching nothing here is fine: scripts/test.mjs passes it to both in-host runs.
        else if (results.passed === 0 && !(grep && runner.total === 0)) reject(new Error('no in-host test ran.'));
        else {
          if (results.passed === 0) console.log(`no ${results.suite} test matches --grep ${grep}`);
          resolve();
        }
      });
    } catch (err) {
      reject(err);
      return;
    }
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err?.message ?? err) }));
    runner.on('pass', (test) => {
      for (const m of test.title.matchAll(/(?:^|\s)@([a-z0-9-]+)/g)) tags[m[1]] = (tags[m[1]] ?? 0) + 1;
    });
  });
}
