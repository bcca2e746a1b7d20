// One HTTP(S) request with the limits an untrusted answer needs (cloud-apis.md, "Answers are
// untrusted input"), for both clouds: the ECS client posts through it, and the Tencent SDK's fetch
// is pointed at it (clouds/tencent/sdk.ts). Pure Node: never imports vscode.
//
// - Redirects are never followed: a 3xx is a failure naming the host it points to (the request
//   carries a signature and, for imports, a key; it must not be re-sent anywhere else).
// - The answer is capped (default 4 MiB): Content-Length is checked first, then bytes are counted as
//   they arrive and the socket is destroyed at the cap, so memory stays bounded whatever is sent.
// - One deadline per request, started before DNS, covering the proxy CONNECT, TLS and the whole
//   answer. Its timer always settles the promise and keeps Node alive while it is pending, so a
//   CLI can never run out of work and exit silently in the middle of a request.
// - `sent` on every failure says whether any request byte could have reached the server: when
//   not, nothing happened and a retry is safe; when so, the outcome is unknown.

import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

export { bypassesProxy, proxyFromEnvironment } from './proxy-env';

export const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * - `connect-failed`: no connection (refused, unknown host, unreachable), nothing sent;
 * - `proxy`: the proxy refused the tunnel or closed it before it was up, nothing sent;
 * - `tls`: the TLS handshake failed (certificate, protocol), nothing sent;
 * - `timeout`: the deadline passed (`sent` says in which phase);
 * - `dropped`: the connection broke after the request went out: outcome unknown;
 * - `redirect`: a 3xx answer, never followed;
 * - `too-large`: the answer passed the size cap;
 * - `cancelled`: the caller's AbortSignal fired.
 */
export type TransportFailureKind = 'connect-failed' | 'proxy' | 'tls' | 'timeout' | 'dropped' | 'redirect' | 'too-large' | 'cancelled';

/** What a failure is about, for the clouds' sentences. Never holds credentials (not even the proxy's). */
export interface TransportFailureFacts {
  /** The server asked for, host[:port]. */
  host: string;
  /** The system's own words (`ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9`). */
  detail?: string;
  /** The proxy, host[:port] without user or password. */
  proxy?: string;
  status?: number;
  /** Where a redirect pointed: the host of its Location header. */
  redirectHost?: string;
  limitBytes?: number;
  timeoutSeconds?: number;
}

/** A request that did not get a usable answer. `message` is an English sentence for logs. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';

  constructor(
    readonly kind: TransportFailureKind,
    /** Whether any request byte could have reached the server (then the outcome is unknown). */
    readonly sent: boolean,
    readonly facts: TransportFailureFacts,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpRequest {
  /** `https://host[:port]/path` or, to this machine only, `http://…`. */
  url: string;
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole request: from before DNS to the last byte of the answer. */
  timeoutMs: number;
  /** Default 4 MiB. */
  maxAnswerBytes?: number;
  signal?: AbortSignal;
  /** An http proxy (`http://[user:password@]host[:port]`, port default 1080 as in curl) for https URLs: an explicit CONNECT tunnel. */
  proxy?: string;
  /** Without a proxy, for https: default Node's global agent (which VS Code's proxy support patches). */
  httpsAgent?: https.Agent;
  /** Called once, when the request starts going out (the connection is up). */
  onSent?: () => void;
}

export interface HttpAnswer {
  status: number;
  /** The reason phrase, printable characters only (it may end up in a message). */
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Target {
  url: URL;
  /** host[:port] as the Host header carries it. */
  host: string;
  hostname: string;
  port: number;
  secure: boolean;
}

interface ProxyTarget {
  hostname: string;
  port: number;
  /** host[:port], safe to show. */
  shown: string;
  authorization?: string;
}

const MB = 1024 * 1024;

/** Sends one request; resolves with any status but 3xx, or rejects with a TransportFailure. */
export function sendHttpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const target: Target = { url, host: url.host, hostname, port: Number(url.port) || (secure ? 443 : 80), secure };
  const limit = request.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { host: target.host, ...lowerCaseKeys(request.headers ?? {}) };
  if (body) headers['content-length'] = String(body.length);

  return new Promise<HttpAnswer>((resolve, reject) => {
    let sent = false;
    let settled = false;
    let proxy: ProxyTarget | undefined;
    const toDestroy: Array<{ destroy(): void }> = [];
    const failure = (kind: TransportFailureKind, facts: Omit<TransportFailureFacts, 'host'>, message: string) =>
      new TransportFailure(kind, sent, { host: target.host, proxy: proxy?.shown, ...facts }, message);
    const settle = (error: TransportFailure | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) {
        for (const resource of toDestroy) resource.destroy();
        reject(error);
      } else {
        resolve(answer as HttpAnswer);
      }
    };
    const fail = (error: TransportFailure) => settle(error);
    const markSent = () => {
      if (sent || settled) return;
      sent = true;
      request.onSent?.();
    };
    const onAbort = () => fail(failure('cancelled', {}, `The request to ${target.host} was cancelled.`));
    const timeoutSeconds = request.timeoutMs / 1000;
    // Not unref'd on purpose: while a request is pending, Node must stay alive until it settles.
    const timer = setTimeout(() => {
      const message = sent
        ? `${target.host} sent no complete answer within ${timeoutSeconds} seconds.`
        : `No connection to ${target.host}${proxy ? ` through the proxy ${proxy.shown}` : ''} within ${timeoutSeconds} seconds.`;
      fail(failure('timeout', { timeoutSeconds }, message));
    }, request.timeoutMs);
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    /** Before the request went out: no connection, the proxy, or TLS. */
    const connectFailure = (error: Error): TransportFailure => {
      const detail = describeError(error);
      if (isTlsError(error)) return failure('tls', { detail }, `The TLS connection to ${target.host} failed: ${detail}.`);
      if (proxy) return failure('proxy', { detail }, `The proxy ${proxy.shown} did not open a connection to ${target.host}: ${detail}.`);
      return failure('connect-failed', { detail }, `Could not connect to ${target.host}: ${detail}.`);
    };
    const droppedFailure = (detail: string) => failure('dropped', { detail }, `The connection to ${target.host} broke before the whole answer arrived (${detail}).`);

    const onResponse = (response: http.IncomingMessage) => {
      toDestroy.push(response);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        const redirectHost = locationHost(response.headers.location, url);
        return fail(failure('redirect', { status, redirectHost }, `${target.host} answered HTTP ${status}, a redirect to ${redirectHost}; redirects are never followed.`));
      }
      const tooLarge = () => failure('too-large', { limitBytes: limit }, `The answer from ${target.host} is larger than ${megabytes(limit)} MB, the most that is read.`);
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) return fail(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > limit) fail(tooLarge());
        else chunks.push(chunk);
      });
      response.on('end', () => {
        if (!response.complete) return fail(droppedFailure('the answer ended early'));
        settle(undefined, { status, statusText: printable(response.statusMessage ?? ''), headers: response.headers, body: Buffer.concat(chunks) });
      });
      response.on('error', (error) => fail(droppedFailure(describeError(error))));
      response.on('close', () => fail(droppedFailure('the connection closed during the answer')));
    };

    /** Sends the request itself, over `socket` when the connection is already up (a tunnel). */
    const issue = (socket?: tls.TLSSocket) => {
      const options: https.RequestOptions = { method: request.method ?? 'POST', path: `${url.pathname}${url.search}`, headers, hostname, port: target.port };
      let outgoing: http.ClientRequest;
      try {
        if (socket) outgoing = http.request({ ...options, createConnection: () => socket }, onResponse);
        // An options object, never a URL string. In VS Code, https requests on the default agent go
        // through its proxy support (@vscode/proxy-agent), whose resolver calls url.parse() once per
        // request: the one DEP0169 warning of the extension host comes from there, not from this code.
        else if (secure) outgoing = https.request({ ...options, agent: request.httpsAgent }, onResponse);
        else outgoing = http.request({ ...options, agent: new http.Agent() }, onResponse);
      } catch (error) {
        return fail(connectFailure(error as Error));
      }
      toDestroy.push(outgoing);
      outgoing.on('socket', (s) => whenConnected(s, secure, markSent));
      outgoing.on('error', (error) => fail(sent ? droppedFailure(describeError(error)) : connectFailure(error)));
      outgoing.end(body);
    };

    if (!secure || !request.proxy) return issue();
    try {
      proxy = parseProxyUrl(request.proxy);
    } catch (error) {
      return fail(failure('proxy', { detail: (error as Error).message }, `The proxy setting is not usable: ${(error as Error).message}.`));
    }
    openTunnel(proxy, target, { toDestroy, issue, fail, failure, connectFailure });
  });
}

/** What the tunnel shares with the request it opens for. */
interface TunnelHooks {
  toDestroy: Array<{ destroy(): void }>;
  /** Sends the request over the secure socket. */
  issue: (socket: tls.TLSSocket) => void;
  fail: (error: TransportFailure) => void;
  failure: (kind: TransportFailureKind, facts: Omit<TransportFailureFacts, 'host'>, message: string) => TransportFailure;
  connectFailure: (error: Error) => TransportFailure;
}

/** CONNECT through the proxy, then TLS with the target over that socket. */
function openTunnel(proxy: ProxyTarget, target: Target, hooks: TunnelHooks): void {
  const { toDestroy, fail, failure, connectFailure } = hooks;
  const authority = `${net.isIPv6(target.hostname) ? `[${target.hostname}]` : target.hostname}:${target.port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
  const connect = http.request({ hostname: proxy.hostname, port: proxy.port, method: 'CONNECT', path: authority, headers, agent: false });
  toDestroy.push(connect);
  // A proxy that hangs up instead of answering CONNECT (the SDK's own proxy agent never settled then).
  const hungUp = () => failure('proxy', { detail: 'it closed the connection without answering CONNECT' }, `The proxy ${proxy.shown} closed the connection without answering CONNECT to ${authority}.`);
  connect.on('error', (error) => fail(isHangUp(error) ? hungUp() : connectFailure(error)));
  connect.on('connect', (answer, socket, head) => {
    toDestroy.push(socket);
    socket.on('error', (error) => fail(connectFailure(error)));
    if (answer.statusCode !== 200) {
      const status = answer.statusCode ?? 0;
      return fail(failure('proxy', { status, detail: `it answered CONNECT with HTTP ${status}` }, `The proxy ${proxy.shown} refused the tunnel to ${authority}: HTTP ${status}.`));
    }
    if (head.length) socket.unshift(head);
    const secureSocket = tls.connect({ socket, servername: sniName(target.hostname), ALPNProtocols: ['http/1.1'] });
    toDestroy.push(secureSocket);
    let up = false;
    // A proxy that accepts CONNECT and hangs up: nothing of the request went out.
    const closedEarly = () =>
      failure('proxy', { detail: 'it accepted CONNECT, then closed the connection before the TLS handshake' }, `The proxy ${proxy.shown} accepted CONNECT to ${authority}, then closed the connection.`);
    secureSocket.once('secureConnect', () => {
      up = true;
      hooks.issue(secureSocket);
    });
    secureSocket.on('error', (error) => {
      if (!up) fail(isTlsError(error) ? connectFailure(error) : closedEarly());
    });
    secureSocket.once('close', () => {
      if (!up) fail(closedEarly());
    });
  });
  connect.end();
}

/**
 * Calls `then` when request bytes can go out on `socket`: at once for a connected one (a reused
 * keep-alive socket, a tunnel), else on connect (TLS: on the finished handshake). A socket it
 * cannot look into counts as connected: the safe side, since "sent" only forbids unsafe retries.
 */
function whenConnected(socket: net.Socket, secure: boolean, then: () => void): void {
  if (secure && socket instanceof tls.TLSSocket) {
    // getFinished() stays undefined until the handshake is done (getProtocol() answers before it).
    if (socket.getFinished() !== undefined) then();
    else socket.once('secureConnect', then);
  } else if (socket.connecting) {
    socket.once('connect', then);
  } else {
    then();
  }
}

/** `http://[user:password@]host[:port]` (scheme optional); only http proxies are supported. */
function parseProxyUrl(text: string): ProxyTarget {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new Error('it is not a URL');
  }
  if (url.protocol !== 'http:') throw new Error(`only http:// proxies are supported, not ${url.protocol}//`);
  const port = Number(url.port) || 1080;
  const authorization = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  return { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, shown: `${url.hostname}:${port}`, authorization };
}

/** The host a Location header points to (relative ones point to the server itself). */
function locationHost(location: string | undefined, base: URL): string {
  if (!location) return 'no address (the answer has no Location header)';
  try {
    return new URL(location, base).host.slice(0, 100) || 'an address without a host';
  } catch {
    return 'an unreadable address';
  }
}

/** The peer closed the connection (rather than refusing it). */
function isHangUp(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'ECONNRESET' || /socket hang up/i.test(error.message);
}

/** TLS failures by the codes OpenSSL and Node give them; a reset during the handshake is not one. */
function isTlsError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (/^(ECONNRESET|EPIPE|ECONNABORTED|ECONNREFUSED|ETIMEDOUT)$/.test(code)) return false;
  return /^ERR_(TLS|SSL)_|^ERR_OSSL|CERT|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME/.test(code) || /certificate|SSL routines|wrong version number/i.test(error.message);
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const text = printable(code && !error.message.includes(code) ? `${code} ${error.message}` : error.message);
  return text.slice(0, 200) || 'unknown error';
}

/** Only printable ASCII, so a hostile reason phrase cannot reach a terminal as control codes. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/** SNI takes host names only, never IP addresses. */
function sniName(hostname: string): string | undefined {
  return net.isIP(hostname) ? undefined : hostname;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function megabytes(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}
