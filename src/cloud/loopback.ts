// Whether a host is this machine. Kept apart from clouds/tencent/endpoint.ts so the activation bundle
// can mark a sandbox endpoint without pulling in any cloud code.

import * as net from 'node:net';

/** Whether a URL hostname is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return net.isIPv4(bare) && bare.startsWith('127.');
}

/** Whether an endpoint setting (`http://127.0.0.1:9000`, `cvm.tencentcloudapi.com`) names this machine. */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  const text = endpoint?.trim() ?? '';
  if (!text) return false;
  try {
    return isLoopbackHost(new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).hostname);
  } catch {
    return false;
  }
}
