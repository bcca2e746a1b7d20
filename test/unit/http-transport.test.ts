// The transport every cloud request goes through (src/cloud/http-transport.ts), in process against
// hostile local servers: redirects are never followed, answers are capped with bounded memory, the
// deadline always settles, a proxy that hangs up after CONNECT is an error with `sent: false`. Then
// the same through both providers (the Tencent SDK's fetch is pointed at it): typed failures survive
// the SDK's wrapping, retry safety comes from `sent`, and the whole-operation deadline holds.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlibabaEcsProvider } from '../../src/clouds/alibaba/provider';
import { CloudError } from '../../src/cloud/errors';
import { type HttpRequest, TransportFailure, bypassesProxy, proxyFromEnvironment, sendHttpRequest } from '../../src/cloud/http-transport';
import type { CloudKeyProvider } from '../../src/cloud/provider';
import { TencentCvmProvider } from '../../src/clouds/tencent/provider';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../clouds/alibaba/fake/server';
import type { Fault } from '../fakes/fault-injection';
import { RedirectTarget, commitHostileAnswer } from '../fakes/hostile-answers';
import { DROPPING_PROXY_MODES, HostileProxy } from '../fakes/hostile-proxy';
import { randomEd25519PublicKeyLine } from '../fakes/ssh-public-key';
import { FAKE_TEST_CREDENTIAL, FakeTencentCvm } from '../clouds/tencent/fake/server';

const MB = 1024 * 1024;

/** Awaits a rejection: an instance of `type` whose `field` is `expected`; returns it for more checks. */
async function rejection<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, field: keyof E, expected: unknown): Promise<E> {
  const error = await promise.then(
    () => assert.fail(`expected ${String(expected)}, but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
  assert.equal(error[field], expected, error.message);
  return error;
}

const transportFails = (request: HttpRequest, kind: TransportFailure['kind']) => rejection(sendHttpRequest(request), TransportFailure, 'kind', kind);
const cloudFails = (promise: Promise<unknown>, code: string) => rejection(promise, CloudError, 'code', code);

describe('http-transport against hostile servers', function () {
  this.timeout(30_000);
  let server: http.Server;
  let url: string;
  let target: RedirectTarget;
  let fault: Fault | undefined;
  let requests = 0;

  before(async () => {
    target = new RedirectTarget();
    await target.start();
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        if (!commitHostileAnswer(fault ? [fault] : [], res, '{"Response":{"KeyPairSet":[')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await target.stop();
  });
  beforeEach(() => {
    fault = undefined;
    requests = 0;
  });

  it('a plain answer arrives with status, headers and body; onSent is told once', async () => {
    let sentCalls = 0;
    const answer = await sendHttpRequest({ url, body: '{}', timeoutMs: 2000, onSent: () => sentCalls++ });
    assert.deepEqual([answer.status, answer.headers['content-type'], answer.body.toString()], [200, 'application/json', '{"ok":true}']);
    assert.equal(sentCalls, 1);
  });

  for (const status of [307, 308] as const) {
    it(`a ${status} to another host is refused naming that host, and nothing reaches it @redirect`, async () => {
      fault = { kind: 'redirect', status, location: `${target.url}/elsewhere` };
      const failure = await transportFails({ url, body: 'signed', timeoutMs: 2000 }, 'redirect');
      assert.equal(failure.facts.redirectHost, new URL(target.url).host);
      assert.equal(failure.facts.status, status);
      assert.match(failure.message, /redirects are never followed/);
      assert.equal(target.reached, false, 'the redirect was followed');
      assert.equal(requests, 1);
    });
  }

  it('an endless answer is cut at the cap (default 4 MiB), with memory far below what was sent @answer-size', async () => {
    fault = { kind: 'endless' };
    let peakRss = process.memoryUsage().rss;
    const before = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    try {
      for (let i = 0; i < 5; i++) {
        const failure = await transportFails({ url, body: '{}', timeoutMs: 10_000 }, 'too-large');
        assert.equal(failure.facts.limitBytes, 4 * MB);
        assert.equal(failure.sent, true);
      }
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peakRss - before) / MB;
    assert.ok(growthMb < 40, `RSS grew by ${growthMb.toFixed(1)} MB while reading endless answers`);
  });

  it('a 200 MB answer with Content-Length is refused before its body is read @answer-size', async () => {
    fault = { kind: 'huge', contentLength: true };
    const started = Date.now();
    const failure = await transportFails({ url, body: '{}', timeoutMs: 10_000, maxAnswerBytes: MB }, 'too-large');
    assert.equal(failure.facts.limitBytes, MB);
    assert.match(failure.message, /larger than 1 MB/);
    assert.ok(Date.now() - started < 2000);
  });

  it('a 200 MB answer without Content-Length is counted as it arrives and cut at the cap @answer-size', async () => {
    fault = { kind: 'huge' };
    const heapBefore = process.memoryUsage().heapUsed;
    const failure = await transportFails({ url, body: '{}', timeoutMs: 10_000, maxAnswerBytes: 2 * MB }, 'too-large');
    assert.equal(failure.facts.limitBytes, 2 * MB);
    assert.ok((process.memoryUsage().heapUsed - heapBefore) / MB < 50);
  });

  it('a server that never answers settles at the deadline, as sent (outcome unknown) @silent-server', async () => {
    fault = { kind: 'silent' };
    const started = Date.now();
    const failure = await transportFails({ url, body: '{}', timeoutMs: 300 }, 'timeout');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 1500, `settled after ${elapsed} ms`);
    assert.deepEqual([failure.sent, failure.facts.timeoutSeconds], [true, 0.3]);
  });

  it('the deadline timer keeps Node alive: a child process waiting on a silent server ends with the failure, not silently @silent-server', async () => {
    fault = { kind: 'silent' };
    const { execFile } = await import('node:child_process');
    const script = `require(${JSON.stringify(require.resolve('../../src/cloud/http-transport'))}).sendHttpRequest({ url: ${JSON.stringify(url)}, timeoutMs: 300 })
      .then(() => console.log('answered'), (e) => console.log('failed ' + e.kind)); process.on('exit', () => console.log('exit'));`;
    const output = await new Promise<string>((resolve, reject) => execFile(process.execPath, ['-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout))));
    assert.equal(output.trim(), 'failed timeout\nexit');
  });

  it('a refused connection fails at once as not sent (a retry is safe)', async () => {
    // Port 9 (discard) is closed on loopback.
    const failure = await transportFails({ url: 'http://127.0.0.1:9/', body: '{}', timeoutMs: 2000 }, 'connect-failed');
    assert.equal(failure.sent, false);
    assert.match(failure.facts.detail ?? '', /ECONNREFUSED/);
  });

  it('cancelling settles at once', async () => {
    fault = { kind: 'silent' };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = await transportFails({ url, body: '{}', timeoutMs: 5000, signal: controller.signal }, 'cancelled');
    assert.equal(failure.sent, true);
  });

  describe('through an http proxy (CONNECT)', () => {
    let proxy: HostileProxy;
    before(async () => {
      proxy = new HostileProxy('close-after-200');
      await proxy.start();
    });
    after(() => proxy.stop());

    for (const mode of DROPPING_PROXY_MODES) {
      it(`a proxy that hangs up right after CONNECT (${mode}) is a proxy failure at once, not sent, naming the proxy @proxy-drop`, async () => {
        const dropping = new HostileProxy(mode);
        await dropping.start();
        try {
          const started = Date.now();
          const failure = await transportFails({ url: 'https://cvm.fake-cloud.invalid/', body: '{}', timeoutMs: 5000, proxy: dropping.url }, 'proxy');
          assert.ok(Date.now() - started < 2000);
          assert.equal(failure.sent, false);
          assert.equal(failure.facts.proxy, new URL(dropping.url).host);
          assert.match(failure.message, /CONNECT to cvm\.fake-cloud\.invalid:443/);
          assert.deepEqual(dropping.connects, ['cvm.fake-cloud.invalid:443']);
        } finally {
          await dropping.stop();
        }
      });
    }

    it('a proxy that refuses CONNECT names its status; proxy credentials never appear @proxy-drop', async () => {
      const refusing = http.createServer();
      refusing.on('connect', (_req, socket) => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'));
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', () => resolve()));
      try {
        const port = (refusing.address() as AddressInfo).port;
        const failure = await transportFails({ url: 'https://cvm.fake-cloud.invalid/', timeoutMs: 5000, proxy: `http://user:s3cret@127.0.0.1:${port}` }, 'proxy');
        assert.equal(failure.facts.status, 407);
        assert.equal(JSON.stringify(failure).includes('s3cret') || failure.message.includes('s3cret'), false);
      } finally {
        await new Promise((resolve) => refusing.close(resolve));
      }
    });

    it('plain http (only ever to this machine) never goes through the proxy', async () => {
      const answer = await sendHttpRequest({ url, body: '{}', timeoutMs: 2000, proxy: proxy.url });
      assert.equal(answer.status, 200);
      assert.equal(proxy.connects.length, 0);
    });
  });
});

describe('the proxy from the environment, as curl reads it', () => {
  const url = 'https://cvm.tencentcloudapi.com/';
  it('https_proxy, else HTTPS_PROXY; an empty one counts as unset; plain http never', () => {
    assert.equal(proxyFromEnvironment(url, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }), 'http://a:1');
    assert.equal(proxyFromEnvironment(url, { https_proxy: '', HTTPS_PROXY: 'http://b:2' }), 'http://b:2');
    assert.equal(proxyFromEnvironment(url, { http_proxy: 'http://c:3' }), undefined);
    assert.equal(proxyFromEnvironment('http://127.0.0.1:9000/', { https_proxy: 'http://a:1' }), undefined);
  });
  it('no_proxy (else NO_PROXY): *, domains with or without a leading dot, ports ignored, IP ranges', () => {
    assert.equal(proxyFromEnvironment(url, { https_proxy: 'http://a:1', no_proxy: 'tencentcloudapi.com' }), undefined);
    assert.equal(proxyFromEnvironment(url, { https_proxy: 'http://a:1', NO_PROXY: '*' }), undefined);
    assert.equal(bypassesProxy('cvm.tencentcloudapi.com', 'example.com, .tencentcloudapi.com'), true);
    assert.equal(bypassesProxy('cvm.tencentcloudapi.com', '*.tencentcloudapi.com:443'), true);
    assert.equal(bypassesProxy('nottencentcloudapi.com', 'tencentcloudapi.com'), false);
    assert.equal(bypassesProxy('10.1.2.3', '10.0.0.0/8'), true);
    assert.equal(bypassesProxy('11.1.2.3', '10.0.0.0/8'), false);
    assert.equal(bypassesProxy('[::1]', '[::1]:8080'), true);
    assert.equal(bypassesProxy('example.org', ''), false);
  });
});

describe('both providers through the transport', function () {
  this.timeout(30_000);
  const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 };
  let tencent: FakeTencentCvm;
  let alibaba: FakeAlibabaEcs;
  let target: RedirectTarget;
  let proxy: HostileProxy;
  const PUBLIC_KEY = randomEd25519PublicKeyLine('transport@test');

  before(async () => {
    tencent = new FakeTencentCvm();
    alibaba = new FakeAlibabaEcs();
    target = new RedirectTarget();
    proxy = new HostileProxy('close-after-200');
    await Promise.all([tencent.start(), alibaba.start(), target.start(), proxy.start()]);
  });
  after(() => Promise.all([tencent.stop(), alibaba.stop(), target.stop(), proxy.stop()]));
  beforeEach(() => {
    tencent.reset();
    alibaba.reset();
  });

  const clouds: Array<{ name: string; fake: () => FakeTencentCvm | FakeAlibabaEcs; region: string; make: (options: Record<string, unknown>) => CloudKeyProvider }> = [
    {
      name: 'Tencent (the SDK, its fetch pointed at the transport)',
      fake: () => tencent,
      region: 'ap-guangzhou',
      make: (options) => new TencentCvmProvider({ credentials: { ...FAKE_TEST_CREDENTIAL }, endpoint: tencent.url, retry: FAST_RETRY, ...options }),
    },
    {
      name: 'Alibaba (own client)',
      fake: () => alibaba,
      region: 'cn-hangzhou',
      make: (options) => new AlibabaEcsProvider({ credentials: { ...FAKE_ECS_ACCESS_KEY }, endpoint: alibaba.url, retry: FAST_RETRY, ...options }),
    },
  ];

  for (const cloud of clouds) {
    describe(cloud.name, () => {
      it('a 307 is RedirectRefused naming the host, never retried, never followed @redirect', async () => {
        cloud.fake().faults.add({ fault: { kind: 'redirect', status: 307, location: target.url } });
        const error = await cloudFails(cloud.make({}).importKeyPair({ region: cloud.region, name: 'redirected', publicKey: PUBLIC_KEY }), 'RedirectRefused');
        assert.match(error.sentence, new RegExp(`ImportKeyPair with a redirect to ${new URL(target.url).host.replace(/\./g, '\\.')}; redirects are never followed`));
        assert.equal(cloud.fake().requests.filter((r) => r.action === 'ImportKeyPair').length, 1);
        assert.equal(target.reached, false);
      });

      it('an endless answer is AnswerTooLarge naming the cap @answer-size', async () => {
        cloud.fake().faults.add({ fault: { kind: 'endless' } });
        const error = await cloudFails(cloud.make({ maxAnswerBytes: MB }).listKeyPairs({ region: cloud.region }), 'AnswerTooLarge');
        assert.match(error.sentence, /larger than 1 MB/);
      });

      it('a proxy that hangs up after CONNECT: nothing was sent, so even an import is retried (ProxyFailed) @proxy-drop', async () => {
        const before = proxy.connects.length;
        const provider = cloud.make({ endpoint: 'https://api.fake-cloud.invalid', proxy: proxy.url });
        const error = await cloudFails(provider.importKeyPair({ region: cloud.region, name: 'viaproxy', publicKey: PUBLIC_KEY }), 'ProxyFailed');
        assert.equal(error.kind, 'connection');
        assert.equal(proxy.connects.length - before, FAST_RETRY.maxAttempts, 'a failure with nothing sent is retried, whatever the call');
      });

      it('a silent server: each request times out as sent, and the whole operation stops at its deadline saying the import may have landed @silent-server', async () => {
        cloud.fake().faults.add({ fault: { kind: 'silent' } });
        const started = Date.now();
        const provider = cloud.make({ requestTimeoutSeconds: 0.3, operationTimeoutSeconds: 1 });
        const error = await cloudFails(provider.importKeyPair({ region: cloud.region, name: 'silent', publicKey: PUBLIC_KEY }), 'OperationTimeout');
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 990 && elapsed < 1800, `gave up after ${elapsed} ms`);
        assert.equal(error.kind, 'timeout');
        assert.match(error.sentence, /^ImportKeyPair was sent to (Tencent|Alibaba) Cloud, but no answer arrived within 1 seconds .*whether it took effect is unknown/);
      });

      it('the deadline covers the retries of a listing: it fires before they are used up @silent-server', async () => {
        cloud.fake().faults.add({ fault: { kind: 'silent' } });
        const started = Date.now();
        const error = await cloudFails(cloud.make({ requestTimeoutSeconds: 0.2, operationTimeoutSeconds: 0.5 }).listKeyPairs({ region: cloud.region }), 'OperationTimeout');
        assert.ok(Date.now() - started < 1500);
        assert.match(error.sentence, /did not finish DescribeKeyPairs within 0\.5 seconds/);
      });

      it('timeoutSeconds still sets the per-request deadline (the former option name) @silent-server', async () => {
        cloud.fake().faults.add({ fault: { kind: 'silent' } });
        const error = await cloudFails(cloud.make({ timeoutSeconds: 0.2, retry: { maxAttempts: 1 } }).listRegions(), 'Timeout');
        assert.match(error.sentence, /within 0\.2 seconds/);
      });
    });
  }
});
