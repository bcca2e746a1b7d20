// What every fake cloud server shares: listening on 127.0.0.1 and stopping (hung requests
// included), reading bodies, redacting secrets for the request log, and committing the faults
// of fault-injection.ts on the wire.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fault, FaultPlan } from './fault-injection';
import { type AuthorizedKeysListener, AuthorizedKeysWatch, type FakeInstanceHost, type InstanceHostsView } from './instance-hosts';

const MAX_BODY_BYTES = 1024 * 1024;

/** An http.Server on 127.0.0.1 that can be stopped with its open (hung) connections. */
export class LoopbackHttpServer {
  private server: http.Server | undefined;

  constructor(
    private readonly name: string,
    private readonly handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  ) {}

  /** Starts listening on 127.0.0.1 (`port` 0 picks a free one); resolves to the base URL. */
  async start(port = 0): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handler(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server error: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.url;
  }

  /** Stops listening and drops every open connection (including hung requests). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get port(): number {
    if (!this.server) throw new Error(`the ${this.name} is not started`);
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port>`, the endpoint to give a client. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The whole body, or undefined when it is larger than 1 MiB. */
export function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A copy of request parameters with secret-looking fields blanked, for the log. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, /secret|token|password|privatekey/i.test(key) ? '[redacted]' : redactSecrets(v)]),
    );
  }
  return value;
}

/** The answer a fault may garble: status, headers and JSON text. */
export interface FakeAnswer {
  status: number;
  headers: Record<string, string>;
  json: string;
}

/**
 * Commits faults on the wire; returns true when the request got (or will never get) its answer.
 * `answer` is undefined before the action ran; `partialJson` is what a malformed answer starts with then.
 */
export async function commitFaults(
  faults: readonly Fault[],
  req: http.IncomingMessage,
  res: http.ServerResponse,
  answer: FakeAnswer | undefined,
  partialJson: string,
): Promise<boolean> {
  for (const fault of faults) {
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      case 'hang':
        return true; // never answered; stop() closes the socket
      case 'http-error':
        res.writeHead(fault.status ?? 502, { 'content-type': 'text/plain' }).end('fake gateway error');
        return true;
      case 'reset':
        if (answer !== undefined) {
          // Headers and half the body, then the connection drops.
          const length = fault.contentLength ? { 'content-length': String(Buffer.byteLength(answer.json)) } : {};
          res.writeHead(answer.status, { ...answer.headers, ...length });
          res.write(answer.json.slice(0, Math.floor(answer.json.length / 2)));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        req.socket.destroy();
        return true;
      case 'malformed-json': {
        // Cut in the middle, as a truncated write or a broken proxy leaves it.
        const text = answer?.json ?? partialJson;
        res.writeHead(answer?.status ?? 200, { 'content-type': 'application/json' }).end(text.slice(0, Math.ceil(text.length / 2)));
        return true;
      }
      default:
        break;
    }
  }
  return false;
}

/**
 * What every fake cloud server shares: a loopback HTTP server, the request log, the fault plan and
 * the authorized keys listener. A fake supplies `handle` (verify the request, run the action, log
 * it, `await this.syncAuthorizedKeys()` before answering), its cloud's state, and `instanceHosts`.
 */
export abstract class FakeCloudServer<Entry> implements InstanceHostsView {
  readonly faults = new FaultPlan();
  protected readonly log: Entry[] = [];
  private readonly server: LoopbackHttpServer;
  private readonly authorizedKeys = new AuthorizedKeysWatch();

  /** Every instance as a harness running an sshd for it sees it: listen address, login user, port, the keys it accepts now. */
  abstract instanceHosts(): FakeInstanceHost[];

  /** Sets (or removes) the listener told the keys an instance accepts whenever they change; a new one hears every instance at once. */
  setAuthorizedKeysListener(listener: AuthorizedKeysListener | undefined): Promise<void> {
    return this.authorizedKeys.setListener(listener, this.authorizedKeysNow());
  }

  /** Tells the listener every instance whose accepted keys changed since it last heard; resolves once it has. */
  syncAuthorizedKeys(): Promise<void> {
    return this.authorizedKeys.sync(this.authorizedKeysNow());
  }

  private authorizedKeysNow(): Map<string, string[]> {
    return new Map(this.instanceHosts().map((host) => [host.instanceId, host.authorizedKeys]));
  }

  constructor(
    name: string,
    private readonly listenPort: number | undefined,
  ) {
    this.server = new LoopbackHttpServer(name, (req, res) => this.handle(req, res));
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  /** Starts listening on 127.0.0.1; resolves to the base URL. */
  start(): Promise<string> {
    return this.server.start(this.listenPort ?? 0);
  }

  /** Stops listening and drops every open connection (including hung requests). */
  stop(): Promise<void> {
    return this.server.stop();
  }

  get port(): number {
    return this.server.port;
  }

  /** `http://127.0.0.1:<port>`, the endpoint to give a client. */
  get url(): string {
    return this.server.url;
  }

  /** The request log, oldest first. */
  get requests(): readonly Entry[] {
    return this.log;
  }

  clearRequests(): void {
    this.log.length = 0;
  }
}
