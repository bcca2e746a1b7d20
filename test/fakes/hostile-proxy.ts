// An http proxy for tests of the CONNECT path, hanging up right after CONNECT in three ways: with
// no answer, half an answer (the two that left the CLI exiting 0 with no output: the SDK's proxy
// agent never settled), or a whole `200` (then TLS fails on a closed socket). `tunnel` is well
// behaved, so a positive test proves the proxy path works at all.
// A tunnel always leads to `upstream` (whatever host was asked for): put a TlsFront there, in
// front of a fake cloud, with a certificate for the host the client asks for.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

export type ProxyMode = 'close-without-answer' | 'close-mid-answer' | 'close-after-200' | 'tunnel';

/** The modes that hang up right after CONNECT. */
export const DROPPING_PROXY_MODES: readonly ProxyMode[] = ['close-without-answer', 'close-mid-answer', 'close-after-200'];

export class HostileProxy {
  /** The `host:port` of every CONNECT that arrived, oldest first. */
  readonly connects: string[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    public mode: ProxyMode,
    private readonly upstream?: { host: string; port: number },
  ) {
    if (mode === 'tunnel' && !upstream) throw new Error('a tunnelling proxy needs an upstream');
  }

  async start(): Promise<string> {
    const server = http.createServer((_req, res) => res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only'));
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.onConnect(req, socket, head));
    server.on('connection', (socket: net.Socket) => track(this.sockets, socket));
    this.server = await listenOnLoopback(server);
    return this.url;
  }

  /** `http://127.0.0.1:<port>`, for https_proxy. */
  get url(): string {
    if (!this.server) throw new Error('the proxy is not started');
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await closeWithSockets(this.server, this.sockets);
    this.server = undefined;
  }

  private onConnect(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.connects.push(req.url ?? '');
    socket.on('error', () => socket.destroy());
    switch (this.mode) {
      case 'close-without-answer':
        socket.end();
        return;
      case 'close-mid-answer':
        socket.end('HTTP/1.1 200 Connection Established\r\n');
        return;
      case 'close-after-200':
        socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
        return;
      case 'tunnel':
        break;
    }
    const to = this.upstream as { host: string; port: number };
    const upstream = net.connect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    track(this.sockets, upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }
}

/** TLS in front of a plain-http fake on 127.0.0.1: decrypts and passes the bytes on. */
export class TlsFront {
  private server: tls.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly certificate: { key: string; cert: string },
    private readonly backendPort: number,
  ) {}

  async start(): Promise<{ host: string; port: number }> {
    const server = tls.createServer({ key: this.certificate.key, cert: this.certificate.cert }, (secure) => {
      const backend = net.connect(this.backendPort, '127.0.0.1');
      for (const s of [secure, backend]) {
        track(this.sockets, s);
        s.on('error', () => {
          secure.destroy();
          backend.destroy();
        });
      }
      secure.pipe(backend).pipe(secure);
    });
    this.server = await listenOnLoopback(server);
    return { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
  }

  async stop(): Promise<void> {
    await closeWithSockets(this.server, this.sockets);
    this.server = undefined;
  }
}

/** Listens on a free port of 127.0.0.1. */
async function listenOnLoopback<S extends net.Server>(server: S): Promise<S> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Keeps `socket` in `sockets` while it is open, so that stopping can close it. */
function track(sockets: Set<net.Socket>, socket: net.Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
}

/** Closes the server and every socket it still has open (tunnels never end on their own). */
async function closeWithSockets(server: net.Server | undefined, sockets: Set<net.Socket>): Promise<void> {
  if (!server) return;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A self-signed certificate (made with openssl) for `hostnames`, valid for a day; `certFile` is its
 * PEM on disk, for NODE_EXTRA_CA_CERTS of a child process that must trust it.
 */
export function selfSignedCertificate(hostnames: string[], dir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-cert-'))): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${hostnames[0]}`, '-addext', `subjectAltName=${hostnames.map((h) => `DNS:${h}`).join(',')}`,
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'pipe' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}
