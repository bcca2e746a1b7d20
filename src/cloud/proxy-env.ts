// Which proxy a request to a URL goes through, read from the environment the way curl reads it:
// `https_proxy`, else `HTTPS_PROXY`, unless `no_proxy` (else `NO_PROXY`) names the host. Kept apart
// from http-transport.ts so the CLI can read the environment without bundling the transport.

import * as net from 'node:net';

/**
 * The proxy URL for `url` from `env`, or undefined. Plain http never goes through a proxy: it is
 * allowed only to this machine (see endpoint.ts). An empty variable counts as unset, as in curl.
 */
export function proxyFromEnvironment(url: string, env: NodeJS.ProcessEnv): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'https:') return undefined;
  const proxy = (env.https_proxy || env.HTTPS_PROXY || '').trim();
  if (!proxy) return undefined;
  return bypassesProxy(target.hostname, env.no_proxy || env.NO_PROXY || '') ? undefined : proxy;
}

/**
 * Whether a `no_proxy` list names `hostname`: `*` names every host; `example.com`, `.example.com`
 * and `*.example.com` name it and its subdomains; an IP address or CIDR range (`10.0.0.0/8`) names
 * the addresses in it. A `:port` on an entry is ignored (curl matches hosts only).
 */
export function bypassesProxy(hostname: string, noProxy: string): boolean {
  const host = bareHost(hostname);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (raw === '*') return true;
    const entry = entryHost(raw);
    if (!entry) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

/** A no_proxy entry without its `*.`/`.` prefix and `:port` (IPv6 only in brackets has one). */
function entryHost(raw: string): string {
  let text = raw.trim().replace(/^\*?\./, '');
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (text.split(':').length === 2) text = text.replace(/:\d+$/, '');
  return bareHost(text);
}

function bareHost(text: string): string {
  return text.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function inCidr(host: string, cidr: string): boolean {
  const [address, bits] = cidr.split('/');
  const family = net.isIP(address);
  if (family === 0 || net.isIP(host) !== family || !/^\d+$/.test(bits)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const range = new net.BlockList();
  try {
    range.addSubnet(address, Number(bits), type);
  } catch {
    return false; // a prefix longer than the address: names nothing
  }
  return range.check(host, type);
}

/** A provider's proxy option: a proxy URL, or a function choosing one per endpoint URL (the CLI's https_proxy/no_proxy). */
export type ProxySetting = string | ((url: string) => string | undefined);

/** The proxy `setting` gives for `url`; none for plain http, which goes only to this machine. */
export function proxyFor(setting: ProxySetting | undefined, url: string): string | undefined {
  if (!url.startsWith('https:')) return undefined;
  return typeof setting === 'function' ? setting(url) : setting || undefined;
}
