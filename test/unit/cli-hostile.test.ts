// The built CLI (`node dist/cli.js tencent|alibaba …`) against hostile networks and servers: a proxy
// that hangs up after CONNECT, a server that never answers, redirects to another host, endless and
// 200 MB answers. Every run must end with exit 1 and one line naming what happened, within the
// deadline it was given (--timeout, --request-timeout), with bounded memory, and never exit 0 with
// nothing printed (what the proxy case did before the transport limits).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import type { Fault } from '../fakes/fault-injection';
import { RedirectTarget } from '../fakes/hostile-answers';
import { DROPPING_PROXY_MODES, HostileProxy, type ProxyMode, TlsFront, selfSignedCertificate } from '../fakes/hostile-proxy';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';
import { type CliRun, REPO_ROOT, cliEnv, ensureBuilt, runCliAsync, sshKeygen, tempDir } from './helpers';

/** What a slow, shared machine may add to a deadline: starting Node, loading the SDK, exiting. */
const MARGIN_MS = 3000;
const PEAK_RSS_PRELOAD = path.join(REPO_ROOT, 'scripts', 'peak-rss.cjs');

interface Cloud {
  word: 'tencent' | 'alibaba';
  region: string;
  /** An https endpoint nobody serves (`.invalid`): reached only through the test proxy. */
  httpsEndpoint: string;
  deleteId: string;
  makeFake: () => FakeTencentCvm | FakeAlibabaEcs;
  credentials: Record<string, string>;
}

const CLOUDS: Cloud[] = [
  {
    word: 'tencent',
    region: 'ap-guangzhou',
    httpsEndpoint: 'https://cvm.fake-cloud.invalid',
    deleteId: 'skey-12345678',
    makeFake: () => new FakeTencentCvm(),
    credentials: { TENCENTCLOUD_SECRET_ID: FAKE_TEST_CREDENTIAL.secretId, TENCENTCLOUD_SECRET_KEY: FAKE_TEST_CREDENTIAL.secretKey },
  },
  {
    word: 'alibaba',
    region: 'cn-hangzhou',
    httpsEndpoint: 'https://ecs.fake-cloud.invalid',
    deleteId: 'hostile-key',
    makeFake: () => new FakeAlibabaEcs(),
    credentials: { ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ECS_ACCESS_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ECS_ACCESS_KEY.accessKeySecret },
  },
];

type Subcommand = 'list' | 'import' | 'create' | 'delete';
const SUBCOMMANDS: Subcommand[] = ['list', 'import', 'create', 'delete'];

interface TimedRun extends CliRun {
  elapsedMs: number;
  /** Peak resident set size of the CLI process, when measured. */
  peakRssBytes?: number;
}

describe('CLI against hostile networks and servers', function () {
  this.timeout(120_000);
  let home: string;
  let keyFile: string;
  let runs = 0;

  before(() => {
    ensureBuilt(['cli.js', 'tencent.js', 'alibaba.js']);
    home = tempDir('cli-hostile');
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    keyFile = path.join(home, 'hostile.pub');
    sshKeygen(path.join(home, 'hostile'), 'rsa'); // RSA: the type both clouds document (another would add a warning line)
  });

  const argsFor = (cloud: Cloud, sub: Subcommand): string[] => {
    const out = path.join(home, `created-${++runs}`);
    const own = { list: [], import: [keyFile, '--name', 'hostile_key'], create: ['--name', 'hostile_new', '--out', out], delete: [cloud.deleteId] }[sub];
    return [cloud.word, sub, ...own, '--region', cloud.region];
  };

  /** Runs the CLI, timing it (and, with `measureRss`, its peak memory); never prints a secret or a private key. */
  const run = async (cloud: Cloud, args: string[], extraEnv: NodeJS.ProcessEnv = {}, measureRss = false): Promise<TimedRun> => {
    const rssFile = path.join(home, `rss-${++runs}`);
    const env = { ...cliEnv(home, cloud.credentials), ...extraEnv, ...(measureRss ? { NODE_OPTIONS: `--require ${PEAK_RSS_PRELOAD}`, PEAK_RSS_FILE: rssFile } : {}) };
    const started = Date.now();
    const result = await runCliAsync(args, env, {
      check: ({ stdout, stderr }) => {
        const all = stdout + stderr;
        for (const secret of Object.values(cloud.credentials)) assert.equal(all.includes(secret), false, 'a credential was printed');
        assert.equal(/PRIVATE KEY/.test(all), false, 'a private key was printed');
      },
    });
    return { ...result, elapsedMs: Date.now() - started, peakRssBytes: measureRss ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined };
  };

  /** Exit 1, nothing on stdout, exactly one stderr line matching `message`, within `deadlineSeconds`. */
  const assertFailedFast = (r: TimedRun, message: RegExp, deadlineSeconds: number) => {
    assert.equal(r.status, 1, `exit ${r.status}; stdout: ${r.stdout}; stderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
    assert.match(lines[0], message);
    assert.ok(r.elapsedMs < deadlineSeconds * 1000 + MARGIN_MS, `took ${r.elapsedMs} ms against a ${deadlineSeconds} s deadline`);
  };

  for (const cloud of CLOUDS) {
    describe(`${cloud.word}`, () => {
      let fake: FakeTencentCvm | FakeAlibabaEcs;
      let target: RedirectTarget;
      before(async () => {
        fake = cloud.makeFake();
        target = new RedirectTarget();
        await Promise.all([fake.start(), target.start()]);
      });
      after(() => Promise.all([fake.stop(), target.stop()]));
      beforeEach(() => fake.reset());
      const onFake = (sub: Subcommand) => [...argsFor(cloud, sub), '--endpoint', fake.url];
      /** Every subcommand at once (they wait, mostly), keyed by subcommand. */
      const runEach = async (args: (sub: Subcommand) => string[], env?: NodeJS.ProcessEnv) =>
        Object.fromEntries(await Promise.all(SUBCOMMANDS.map(async (sub) => [sub, await run(cloud, args(sub), env)] as const))) as Record<Subcommand, TimedRun>;

      describe('a proxy that hangs up right after CONNECT (no answer, half an answer, or a 200)', () => {
        /** What the message says the proxy did, by mode. */
        const SAID: Record<string, string> = {
          'close-without-answer': 'it closed the connection without answering CONNECT',
          'close-mid-answer': 'it closed the connection without answering CONNECT',
          'close-after-200': 'it accepted CONNECT, then closed the connection before the TLS handshake',
        };
        const proxies = new Map<ProxyMode, HostileProxy>();
        const results = new Map<string, TimedRun>();
        const TIMEOUT = 10;
        before(async () => {
          for (const mode of DROPPING_PROXY_MODES) proxies.set(mode, new HostileProxy(mode));
          await Promise.all([...proxies.values()].map((p) => p.start()));
          // Every mode and subcommand at once: they mostly wait (retries with backoff, nothing sent).
          await Promise.all(
            [...proxies].flatMap(([mode, proxy]) =>
              SUBCOMMANDS.map(async (sub) => {
                const args = [...argsFor(cloud, sub), '--endpoint', cloud.httpsEndpoint, '--timeout', String(TIMEOUT), '--request-timeout', '5'];
                results.set(`${mode} ${sub}`, await run(cloud, args, { https_proxy: proxy.url }));
              }),
            ),
          );
        });
        after(() => Promise.all([...proxies.values()].map((p) => p.stop())));

        for (const mode of DROPPING_PROXY_MODES) {
          for (const sub of SUBCOMMANDS) {
            it(`${mode}, ${sub}: exit 1 with ProxyFailed naming the proxy, what it did, and that nothing was sent${mode === 'close-after-200' ? '' : ' (it used to exit 0 silently)'} @proxy-drop`, () => {
              const host = new URL(cloud.httpsEndpoint).host.replace(/\./g, '\\.');
              const proxy = new URL(proxies.get(mode)!.url).host;
              assertFailedFast(results.get(`${mode} ${sub}`)!, new RegExp(`^cloud-ssh-keys: ProxyFailed: The proxy ${proxy} did not open a connection to ${host} \\(${SAID[mode]}\\), so nothing was sent`), TIMEOUT);
            });
          }
        }

        it('every one of them went through the proxy (https_proxy), to the endpoint host @proxy-drop', () => {
          for (const proxy of proxies.values()) {
            assert.ok(proxy.connects.length >= SUBCOMMANDS.length);
            assert.deepEqual([...new Set(proxy.connects)], [`${new URL(cloud.httpsEndpoint).hostname}:443`]);
          }
        });
      });

      it('through a proxy that tunnels (https_proxy), over TLS, list and import work: the proxy path itself is sound @proxy-drop', async () => {
        const hostname = new URL(cloud.httpsEndpoint).hostname;
        const certificate = selfSignedCertificate([hostname], tempDir('cli-hostile-cert'));
        const front = new TlsFront(certificate, fake.port);
        const proxy = new HostileProxy('tunnel', await front.start());
        await proxy.start();
        try {
          const env = { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: certificate.certFile };
          const imported = await run(cloud, [...argsFor(cloud, 'import'), '--endpoint', cloud.httpsEndpoint], env);
          assert.equal(imported.status, 0, imported.stderr);
          const listed = await run(cloud, [...argsFor(cloud, 'list'), '--endpoint', cloud.httpsEndpoint, '--json'], env);
          assert.equal(listed.status, 0, listed.stderr);
          assert.equal(JSON.parse(listed.stdout).length, 1);
          assert.ok(proxy.connects.length >= 2 && proxy.connects.every((c) => c === `${hostname}:443`));
          // no_proxy naming the host: straight to it (nobody serves .invalid), never through the proxy.
          const before = proxy.connects.length;
          const bypassed = await run(cloud, [...argsFor(cloud, 'list'), '--endpoint', cloud.httpsEndpoint, '--timeout', '5', '--request-timeout', '2'], { ...env, no_proxy: 'fake-cloud.invalid' });
          assert.equal(bypassed.status, 1);
          assert.equal(proxy.connects.length, before);
        } finally {
          await proxy.stop();
          await front.stop();
        }
      });

      it('the safety net: were Node ever left with nothing to wait for mid-request, the CLI says NoAnswer and exits 1, never 0 @proxy-drop', async () => {
        // Simulates what the SDK's proxy agent once did: a preload unrefs every timer and socket, so
        // nothing keeps Node alive while the silent server holds the request.
        const preload = path.join(home, 'unref-everything.cjs');
        fs.writeFileSync(preload, `const net = require('node:net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { const socket = connect.apply(this, args); socket.unref(); return socket; };
const setTimeoutRef = globalThis.setTimeout;
globalThis.setTimeout = function (...args) { const timer = setTimeoutRef.apply(this, args); timer.unref(); return timer; };
`);
        fake.faults.add({ fault: { kind: 'silent' } });
        const r = await run(cloud, [...onFake('list'), '--timeout', '30'], { NODE_OPTIONS: `--require ${preload}` });
        assertFailedFast(r, new RegExp(`^cloud-ssh-keys: NoAnswer: the ${cloud.word} command ended without an answer or an error`), 30);
      });

      describe('a server that reads the request and never answers', () => {
        let results: Record<Subcommand, TimedRun>;
        const TIMEOUT = 2.5;
        before(async () => {
          fake.faults.add({ fault: { kind: 'silent' } });
          results = await runEach((sub) => [...onFake(sub), '--timeout', String(TIMEOUT), '--request-timeout', '1']);
        });

        for (const sub of SUBCOMMANDS) {
          const changes = sub === 'import' || sub === 'create' || (sub === 'delete' && cloud.word === 'tencent');
          it(`${sub}: exit 1 with OperationTimeout at the --timeout deadline${changes ? ', saying the outcome is unknown' : ''} @silent-server`, () => {
            const message = changes
              ? /^cloud-ssh-keys: OperationTimeout: \w+KeyPairs? was sent to (Tencent|Alibaba) Cloud, but no answer arrived within 2\.5 seconds .*whether it took effect is unknown/
              : /^cloud-ssh-keys: OperationTimeout: (Tencent|Alibaba) Cloud did not finish \w+ within 2\.5 seconds/;
            assertFailedFast(results[sub], message, TIMEOUT);
            assert.ok(results[sub].elapsedMs >= TIMEOUT * 1000, `gave up after ${results[sub].elapsedMs} ms, before the deadline`);
          });
        }
      });

      it('--request-timeout alone: each attempt gives up at it, and the retries (4 attempts with backoff) end the listing well within the 45 s default @silent-server', async () => {
        fake.faults.add({ fault: { kind: 'silent' } });
        const r = await run(cloud, [...onFake('list'), '--request-timeout', '0.5']);
        assertFailedFast(r, /^cloud-ssh-keys: Timeout: (Tencent|Alibaba) Cloud did not answer DescribeKeyPairs within 0\.5 seconds/, 6);
        assert.equal(fake.requests.filter((q) => q.action === 'DescribeKeyPairs').length, 4);
      });

      for (const status of [307, 308] as const) {
        for (const sub of ['list', 'import'] as const) {
          it(`${sub}: a ${status} to another host is RedirectRefused naming it; nothing reaches that host @redirect`, async () => {
            fake.faults.add({ fault: { kind: 'redirect', status, location: `${target.url}/moved` } });
            const r = await run(cloud, [...onFake(sub), '--timeout', '10']);
            const action = sub === 'list' ? 'DescribeKeyPairs' : 'ImportKeyPair';
            assertFailedFast(r, new RegExp(`^cloud-ssh-keys: RedirectRefused: (Tencent|Alibaba) Cloud answered ${action} with a redirect to ${new URL(target.url).host.replace(/\./g, '\\.')}; redirects are never followed`), 10);
            assert.equal(target.reached, false, 'the redirect was followed');
            assert.equal(fake.requests.filter((q) => q.action === action).length, 1, 'a redirect is not retried');
          });
        }
      }

      describe('endless and 200 MB answers (each case against its own fake, all at once)', () => {
        const cases: Array<[string, Fault, Subcommand]> = [
          ['an endless 200 OK JSON answer', { kind: 'endless' }, 'list'],
          ['an endless answer to ImportKeyPair (the recovery listing is served normally)', { kind: 'endless' }, 'import'],
          ['a 200 MB answer with Content-Length', { kind: 'huge', contentLength: true }, 'list'],
          ['a 200 MB answer without Content-Length', { kind: 'huge' }, 'list'],
        ];
        const TIMEOUT = 20;
        let results: TimedRun[];
        before(async () => {
          results = await Promise.all(
            cases.map(async ([, fault, sub]) => {
              const own = cloud.makeFake();
              await own.start();
              own.faults.add({ fault, ...(sub === 'import' ? { action: 'ImportKeyPair' } : {}) });
              try {
                return await run(cloud, [...argsFor(cloud, sub), '--endpoint', own.url, '--timeout', String(TIMEOUT)], {}, true);
              } finally {
                await own.stop();
              }
            }),
          );
        });
        cases.forEach(([what, , sub], i) => {
          it(`${sub}: ${what} is cut at 4 MB (AnswerTooLarge), with the CLI's memory bounded @answer-size`, () => {
            assertFailedFast(results[i], /^cloud-ssh-keys: AnswerTooLarge: The answer to \w+ is larger than 4 MB, the most that is read/, TIMEOUT);
            const peakMb = (results[i].peakRssBytes ?? 0) / (1024 * 1024);
            assert.ok(peakMb > 0 && peakMb < 150, `the CLI's peak RSS was ${peakMb.toFixed(0)} MB`);
          });
        });
      });
    });
  }
});
