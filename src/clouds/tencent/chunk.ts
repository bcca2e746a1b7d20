// Entry point of dist/tencent.js: the Tencent Cloud provider with its SDK, bundled apart from
// dist/extension.js and loaded only when a cloud command first runs (never at activation).
import { TENCENT_DESCRIPTOR } from './descriptor';
import { type CloudKeyProvider, type ProviderConnection, responseLogLevel, responseLogLine } from '../../cloud/provider';
import { TencentCvmProvider } from './provider';

export { TencentCvmProvider, type TencentCredentials, type TencentCvmOptions, type TencentResponseInfo } from './provider';
export { parseTencentEndpoint } from './endpoint';
export { RateLimiter } from '../../cloud/retry';

/** The provider the extension uses (src/cloud/provider.ts CloudChunk): logs every RequestId. */
export function createProvider(connection: ProviderConnection): CloudKeyProvider {
  const { secretId = '', secretKey = '', token } = connection.credentials;
  return new TencentCvmProvider({
    credentials: { secretId, secretKey, token: token || undefined },
    endpoint: connection.endpoint || undefined,
    language: connection.language,
    onResponse: (r) => connection.onResponse?.(responseLogLine(TENCENT_DESCRIPTOR, r), responseLogLevel(r)),
  });
}
