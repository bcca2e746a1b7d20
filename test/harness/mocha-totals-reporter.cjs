// Mocha's spec reporter, plus the totals (and passing tests per title tag) written as JSON to $MOCHA_TOTALS_FILE (read by scripts/test.mjs).
// usage: mocha --reporter ./test/harness/mocha-totals-reporter.cjs …
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    // Passing tests per title tag (`… @throttle`): the README's Reliability section is written from them.
    const tags = {};
    runner.on('pass', (test) => {
      for (const m of test.title.matchAll(/(?:^|\s)@([a-z0-9-]+)/g)) tags[m[1]] = (tags[m[1]] ?? 0) + 1;
    });
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String((err && err.message) || err) }));
    runner.once('end', () => {
      const file = process.env.MOCHA_TOTALS_FILE;
      if (!file) return;
      const s = this.stats;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending, failures, tags }, null, 2) + '\n');
    });
  }
}
module.exports = SpecWithTotals;
