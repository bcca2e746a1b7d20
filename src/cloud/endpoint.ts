// Reading an endpoint setting for any cloud: a host name or an http(s) URL without path.
// Credentials are signed into every request, so plain http is allowed only to this machine.
// Providers turn the problems into their own sentences.

import { isLoopbackHost } from './loopback';

export interface ParsedEndpoint {
  protocol: 'https:' | 'http:';
  /** host[:port], as the Host header carries it. */
  host: string;
  hostname: string;
  port?: number;
}

export type EndpointProblem =
  | { problem: 'not-a-url' }
  | { problem: 'scheme'; scheme: string }
  | { problem: 'credentials' }
  | { problem: 'path' }
  | { problem: 'insecure'; host: string };

/** Reads `ecs.cn-hangzhou.aliyuncs.com`, `https://…` or `http://127.0.0.1:9000`; undefined when empty. */
export function parseEndpoint(endpoint: string | undefined): ParsedEndpoint | EndpointProblem | undefined {
  const text = endpoint?.trim() ?? '';
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { problem: 'not-a-url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'scheme', scheme: url.protocol };
  if (url.username || url.password) return { problem: 'credentials' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return { problem: 'path' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return { problem: 'insecure', host: url.host };
  return { protocol: url.protocol, host: url.host, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : undefined };
}
