// Preload (`node --require scripts/peak-rss.cjs …`): when the process exits, writes its peak
// resident set size in bytes to the file named by PEAK_RSS_FILE. For the bench and the tests
// that bound the memory a hostile answer can take, without touching what the process prints.
const fs = require('node:fs');

const file = process.env.PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
}
