// The README's "Reliability" section, written from the tests that passed, never by hand.
// Each reliability test ends its title with tags (`… @throttle @reset`); the unit and in-host
// runners count passing tests per tag, and `npm test` renders the catalog below with those counts:
// locally it rewrites the README between the markers, in CI (CI=true) it fails when they differ.
// A tag used by a test but missing here, or a catalog line no passing test carries, is an error.
import fs from 'node:fs';

export const START = '<!-- reliability:start -->';
export const END = '<!-- reliability:end -->';

/** Each promise the extension makes under faults and hostile input, by the tag of its tests. */
export const CATALOG = [
  {
    title: 'Faults survived',
    note: 'injected on the wire by each cloud\'s fake server; the real SDK and our own clients answer them',
    rows: [
      ['throttle', '`RequestLimitExceeded` / `Throttling.*` storms', 'retried with backoff and jitter, a bounded number of times; a client-side limiter keeps each action under 10 requests/s'],
      ['timeout', 'timeouts and slow answers', 'reads retried; an import whose answer timed out is looked up by key before anything is sent again; a lost CreateKeyPair answer is reported, never repeated'],
      ['reset', 'connections reset or closed mid-answer', 'as for timeouts: retried, or looked up when the call may have landed'],
      ['http-5xx', 'HTTP 5xx answers', 'retried; a region that keeps failing shows a problem item and recovers with the cloud'],
      ['malformed-json', 'malformed or truncated JSON, a 2xx answer from something else', 'retried or reported as a malformed answer, never read as an empty listing'],
      ['clock-skew', 'a local clock minutes off (`SignatureExpire`)', 'the message says by how many minutes the clock is off'],
      ['cancel', 'cancellation in flight, in a backoff wait, before sending', 'stops at once, says nothing, leaves other callers alone'],
    ],
  },
  {
    title: 'Hostile clouds and networks',
    note: 'every answer is untrusted input: the fakes and a hostile proxy misbehave on purpose',
    rows: [
      ['proxy-drop', 'a proxy that drops the connection right after CONNECT', 'exit 1 with a message within the request deadline, never a silent exit 0'],
      ['silent-server', 'a server that accepts the connection and never answers', 'each request gives up at its deadline and the whole operation at its own (default under a minute; setting and `--timeout`)'],
      ['redirect', 'a 3xx answer pointing to another host', 'never followed: nothing is re-sent, the error names the host it pointed to'],
      ['answer-size', 'an endless or 200 MB answer', 'cut off at the answer-size cap with bounded memory; the error names the cap'],
      ['malformed-answer', 'fields of the wrong type, IDs off their documented pattern, key text that is no key', 'a MalformedResponse naming the field; the value never reaches a path, a terminal or a tree'],
      ['hostile-text', 'names, descriptions and error messages with ANSI escapes, newlines and bidi controls', 'shown escaped in the CLI, trees, tooltips, notifications and quick picks; `--json` keeps the exact values'],
      ['unknown-outcome', 'a lost answer whose recovery listing fails or lags behind the write', 'the listing is retried with backoff; if it cannot tell, the message says the key pair may exist, with name, region and what to do'],
    ],
  },
  {
    title: 'A private key from the cloud is never lost',
    note: 'CreateKeyPair answers with the only copy',
    rows: [
      ['key-exists', 'the target file exists, or appears while the cloud answers', 'never overwritten: refused before the request, or the key is saved elsewhere'],
      ['folder-missing', 'the SSH folder does not exist', 'made with mode 0700 (the CLI refuses before sending)'],
      ['folder-unwritable', 'the folder cannot be written', 'the key stays in memory and the user is asked where to save it until it is saved'],
      ['disk-full', 'the disk is full (a real full tmpfs)', 'no partial file; saved to a fallback or through Save As'],
      ['no-hard-links', 'the key folder is on a file system without hard links or chmod (a real FAT image through FUSE)', 'written exclusively where asked, owner-only, never over a file that appears meanwhile; no temporary file left'],
      ['key-kept', 'a CreateKeyPair answer whose other fields are bad, or whose PrivateKey does not parse or match', 'the private key is written first (0600), then the answer is checked; a bad key is kept and reported, exit 1'],
      ['path-escape', 'a KeyId such as `/../../escape/pwned` while a fallback file name is in use', 'no file is created outside the chosen folder and the documented fallbacks'],
      ['signal-during-create', 'SIGTERM, SIGHUP or Cancel after CreateKeyPair was sent', 'the answer is awaited (or the key pair looked up) and the key saved, and the user told'],
    ],
  },
  {
    title: 'Hostile files',
    note: 'in the SSH folders, the workspace and the CLI',
    rows: [
      ['connect', "the user's SSH config (comments, Include, Match, CRLF, no final newline) while Connect writes its Host entry", 'every byte outside the managed block is kept, and the SSH terminal really logs in to the instance (a real sshd)'],
      ['huge-file', 'a 100 MB `.pub`, a 17 MB document', 'never read whole; one warning'],
      ['binary-file', 'binary and empty files, a file at exactly the size cap', 'skipped or flagged, the scan goes on'],
      ['fifo-socket', 'FIFOs and sockets, even swapped in after `stat`', 'never opened'],
      ['symlink-loop', 'symlink loops and dangling links', 'skipped with the reason'],
      ['vanishing-file', 'files that vanish between listing and reading', 'skipped with the reason'],
      ['permission-denied', 'unreadable files and folders', 'skipped with the reason'],
      ['odd-filename', 'file names with newlines, control and bidi characters', 'listed by their real path, shown escaped'],
      ['bidi', 'bidi and zero-width characters in comments', 'kept exactly, shown escaped'],
      ['damaged-file', 'randomly damaged key files (1,500 rounds of cuts, inserts and swaps)', 'a diagnostic, never an exception'],
      ['many-keys', 'thousands of keys (5,000 `.pub` files in one folder; a 10,000-line `authorized_keys` with planted problems)', 'scanned completely in bounded time and memory'],
    ],
  },
  {
    title: 'Hostile workspaces',
    note: 'a workspace cannot decide where requests go or which folders are read',
    rows: [
      ['machine-scope', 'a workspace `.vscode/settings.json` naming other endpoints and folders', 'ignored: requests still go to the user-set endpoint, the scan to the user-set folders'],
      ['restricted-mode', 'an untrusted workspace (Restricted Mode)', 'the extension stays enabled (declared `supported: true`, see SECURITY.md): views, diagnostics and cloud commands work, and the hostile settings still change nothing'],
    ],
  },
  {
    title: 'Secrets',
    note: 'known credentials and private keys are searched for after the flows, successful and failing',
    rows: [
      ['secrets', 'SecretKeys, tokens and private keys in logs, settings, notifications, CLI output and errors', 'zero hits'],
      ['https-only', 'plain `http://` endpoints other than this computer', 'refused before anything is signed or sent'],
    ],
  },
  {
    title: 'Concurrency',
    note: 'in the real extension host and the clients',
    rows: [
      ['concurrent-import', 'two imports of the same key at once', 'one ImportKeyPair sent, one key pair; both answers name it'],
      ['refresh-during-import', 'a refresh while an import runs', 'an older listing never overwrites a newer one'],
      ['credentials-changed', 'credentials changed or removed in another window mid-operation', 'the operation finishes with the credentials it began with; what follows uses the new ones'],
    ],
  },
];

const SUITE_NAMES = { unit: 'unit', integration: 'in-host', 'integration-restricted': 'in-host untrusted', e2e: 'browser' };

/** Tags at the end of a test title: `@word` tokens. */
export function tagsOfTitle(title) {
  return [...String(title).matchAll(/(?:^|\s)@([a-z0-9-]+)/g)].map((m) => m[1]);
}

/**
 * `suites`: { suiteName: { tag: passingCount } }. Returns the README section (markers included)
 * and the problems that make it untrue.
 */
export function renderReliability(suites) {
  const known = new Set(CATALOG.flatMap((g) => g.rows.map((r) => r[0])));
  const problems = [];
  for (const [suite, tags] of Object.entries(suites)) {
    for (const tag of Object.keys(tags)) if (!known.has(tag)) problems.push(`the ${suite} tests use the tag @${tag}, which scripts/reliability-report.mjs does not describe`);
  }
  const lines = [
    START,
    '<!-- Written by npm test from the tests that passed (scripts/reliability-report.mjs); do not edit by hand. -->',
    '',
    'Each row is a promise and the number of passing tests (tagged in their titles) that break if it',
    'breaks, by suite. All of them run in `npm test`.',
  ];
  for (const group of CATALOG) {
    lines.push('', `**${group.title}** (${group.note}):`, '', '| case | what happens | tests |', '|---|---|---|');
    for (const [tag, what, outcome] of group.rows) {
      const bySuite = Object.entries(suites)
        .map(([suite, tags]) => [SUITE_NAMES[suite] ?? suite, tags[tag] ?? 0])
        .filter(([, n]) => n > 0);
      const total = bySuite.reduce((sum, [, n]) => sum + n, 0);
      if (total === 0) problems.push(`no passing test carries @${tag} (${what})`);
      const detail = bySuite.map(([suite, n]) => `${n} ${suite}`).join(', ');
      lines.push(`| ${what} | ${outcome} | ${total}${detail ? ` (${detail})` : ''} \`@${tag}\` |`);
    }
  }
  lines.push('', END);
  return { section: lines.join('\n'), problems };
}

/** The README with its reliability section replaced. Throws when the markers are missing. */
export function withSection(readme, section) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return readme.slice(0, start) + section + readme.slice(end + END.length);
}

/**
 * Checks (CI) or updates (locally) README.md from the tag counts. Returns the lines to print and
 * whether the run must fail.
 */
export function reconcileReadme(readmePath, suites, { ci }) {
  const { section, problems } = renderReliability(suites);
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = withSection(readme, section);
  const messages = problems.map((p) => `reliability: ${p}`);
  let failed = problems.length > 0;
  if (updated !== readme) {
    if (ci) {
      messages.push('reliability: README.md\'s Reliability section is not what these tests show; run `npm test` locally (it rewrites the section) and commit README.md.');
      failed = true;
    } else {
      fs.writeFileSync(readmePath, updated);
      messages.push('reliability: README.md\'s Reliability section was rewritten from this run (commit it).');
    }
  } else {
    messages.push('reliability: README.md\'s Reliability section matches the tests.');
  }
  return { messages, failed };
}
