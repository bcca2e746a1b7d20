// Mocha's spec reporter, plus the totals written as JSON to $MOCHA_TOTALS_FILE (read by scripts/test.mjs).
// usage: mocha --reporter ./test/harness/mocha-totals-reporter.cjs …
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String((err && err.message) || err) }));
    runner.once('end', () => {
      const file = process.env.MOCHA_TOTALS_FILE;
      if (!file) return;
      const s = this.stats;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending, failures }, null, 2) + '\n');
    });
  }
}
module.exports = SpecWithTotals;
