// Entry point of dist/lighthouse.js: the Tencent Cloud Lighthouse provider with the API 3.0 SDK,
// bundled apart from dist/extension.js and loaded only when a Lighthouse command first runs.
import { LIGHTHOUSE_DESCRIPTOR } from './descriptor';
import { type CloudKeyProvider, type ProviderConnection, responseLogLevel, responseLogLine } from '../../cloud/provider';
import { LighthouseProvider } from './provider';

export { LighthouseProvider, type LighthouseOptions } from './provider';
export { parseTencentEndpoint as parseLighthouseEndpoint } from '../tencent/endpoint';
export { RateLimiter } from '../../cloud/retry';

/** The provider the extension uses (src/cloud/provider.ts CloudChunk): logs every RequestId. */
export function createProvider(connection: ProviderConnection): CloudKeyProvider {
  const { secretId = '', secretKey = '', token } = connection.credentials;
  return new LighthouseProvider({
    credentials: { secretId, secretKey, token: token || undefined },
    endpoint: connection.endpoint || undefined,
    language: connection.language,
    onResponse: (r) => connection.onResponse?.(responseLogLine(LIGHTHOUSE_DESCRIPTOR, r), responseLogLevel(r)),
  });
}
