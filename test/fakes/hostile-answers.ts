// The hostile answers of fault-injection.ts on the wire, shared by the fake CVM and ECS: a
// redirect to another host, a JSON answer that never ends, a huge one, and silence. Plus that
// "other host": a tiny server on 127.0.0.1 that records whatever reached it.

import type * as http from 'node:http';
import { LoopbackHttpServer, readBody } from './fake-http';
import { type Fault, type HostileAnswerFault, isHostileAnswer } from './fault-injection';

export const DEFAULT_HUGE_BYTES = 200 * 1024 * 1024;

/** One key pair-looking item, repeated to fill an endless or huge listing. */
const ITEM = '{"KeyId":"skey-hostile0","KeyName":"hostile","KeyPairName":"hostile","PublicKey":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileHostileHostileHostileHostileHostile"},';
const CHUNK = Buffer.from(ITEM.repeat(Math.ceil(64 * 1024 / ITEM.length)));

/**
 * Commits the first hostile answer among `faults`; returns true when it did (the request then got,
 * or will never get, its answer). `jsonStart` opens the cloud's listing (`{"Response":{"KeyPairSet":[`).
 */
export function commitHostileAnswer(faults: readonly Fault[], res: http.ServerResponse, jsonStart: string): boolean {
  const fault = faults.find(isHostileAnswer);
  if (!fault) return false;
  sendHostileAnswer(fault, res, jsonStart);
  return true;
}

function sendHostileAnswer(fault: HostileAnswerFault, res: http.ServerResponse, jsonStart: string): void {
  switch (fault.kind) {
    case 'redirect':
      res.writeHead(fault.status, { location: fault.location, 'content-type': 'text/plain' }).end(`moved to ${fault.location}`);
      return;
    case 'silent':
      return; // the request was read; stop() closes the socket
    case 'endless':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(jsonStart);
      writeChunks(res, Number.POSITIVE_INFINITY);
      return;
    case 'huge': {
      const total = fault.bytes ?? DEFAULT_HUGE_BYTES;
      res.writeHead(200, { 'content-type': 'application/json', ...(fault.contentLength ? { 'content-length': String(total) } : {}) });
      res.write(jsonStart.slice(0, total));
      writeChunks(res, total - Math.min(total, Buffer.byteLength(jsonStart)));
      return;
    }
  }
}

/** Writes `bytes` of listing items (forever for Infinity) as fast as the client reads, until it hangs up. */
function writeChunks(res: http.ServerResponse, bytes: number): void {
  let left = bytes;
  const pump = () => {
    while (!res.destroyed && left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** Where a redirect points: answers like a cloud would, and records every request that reached it. */
export class RedirectTarget {
  readonly requests: Array<{ method: string; url: string; headerNames: string[]; bodyBytes: number }> = [];
  private readonly server = new LoopbackHttpServer('redirect target', async (req, res) => {
    const body = (await readBody(req)) ?? Buffer.alloc(0);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headerNames: Object.keys(req.headers), bodyBytes: body.length });
    // A believable empty listing: a client that followed the redirect would take it as the truth.
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"Response":{"RequestId":"redirected","TotalCount":0,"KeyPairSet":[]},"RequestId":"redirected","TotalCount":0,"KeyPairs":{"KeyPair":[]}}');
  });

  start(): Promise<string> {
    return this.server.start();
  }

  get url(): string {
    return this.server.url;
  }

  /** Whether anything at all reached it. */
  get reached(): boolean {
    return this.requests.length > 0;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
