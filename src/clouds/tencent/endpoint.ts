// Where Tencent CVM requests go. Credentials are signed into every request, so plain
// http is allowed only to this machine (a local fake or proxy), never over a network.

import { CloudError } from '../../cloud/errors';
import { parseEndpoint } from '../../cloud/endpoint';
import { isLoopbackHost } from '../../cloud/loopback';

export { isLoopbackHost };

/** The SDK's two settings: `protocol` and `endpoint` (host[:port]). */
export interface TencentEndpoint {
  protocol: 'https://' | 'http://';
  host: string;
}

export const DEFAULT_TENCENT_HOST = 'cvm.tencentcloudapi.com';

function invalidEndpoint(endpoint: string, why: string, exampleHost: string): CloudError {
  return new CloudError({
    provider: 'tencent',
    kind: 'config',
    code: 'InvalidEndpoint',
    template: 'The Tencent Cloud endpoint "{0}" is not usable: {1}. Use a host name such as {2}, or an https:// URL.',
    args: [endpoint, why, exampleHost],
  });
}

/**
 * Reads an endpoint setting (`exampleHost` names the product's host in the error): `cvm.intl.tencentcloudapi.com`, `https://…`, or
 * `http://127.0.0.1:9000` (plain http only for loopback addresses). Undefined when empty.
 * Throws a CloudError (kind `config`) for anything else, before any request is sent.
 */
export function parseTencentEndpoint(endpoint: string | undefined, exampleHost = DEFAULT_TENCENT_HOST): TencentEndpoint | undefined {
  const parsed = parseEndpoint(endpoint);
  if (!parsed) return undefined;
  const text = endpoint!.trim();
  if ('problem' in parsed) {
    switch (parsed.problem) {
      case 'not-a-url':
        throw invalidEndpoint(text, 'it is not a host name or URL', exampleHost);
      case 'scheme':
        throw invalidEndpoint(text, `the scheme ${parsed.scheme} is not http(s)`, exampleHost);
      case 'credentials':
        throw invalidEndpoint(text, 'it contains a user name or password', exampleHost);
      case 'path':
        throw invalidEndpoint(text, 'it has a path or query', exampleHost);
      case 'insecure':
        throw new CloudError({
          provider: 'tencent',
          kind: 'config',
          code: 'InsecureEndpoint',
          template:
            'Refusing to send Tencent Cloud credentials over plain http to {0}: plain http is allowed only to this computer (127.0.0.1, ::1, localhost). Use https://.',
          args: [parsed.host],
        });
    }
  }
  return { protocol: parsed.protocol === 'http:' ? 'http://' : 'https://', host: parsed.host };
}

/** The default endpoint for a region: finance regions have their own host. */
export function defaultTencentEndpoint(region: string | undefined): TencentEndpoint {
  const host = region && region.endsWith('-fsi') ? `cvm.${region}.tencentcloudapi.com` : DEFAULT_TENCENT_HOST;
  return { protocol: 'https://', host };
}
