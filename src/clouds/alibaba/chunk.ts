// Entry point of dist/alibaba.js: the Alibaba Cloud ECS provider with its own signer and HTTPS
// client, bundled apart from dist/extension.js and loaded only when an Alibaba command first runs.
import { ALIBABA_DESCRIPTOR } from './descriptor';
import { type CloudKeyProvider, type ProviderConnection, responseLogLevel, responseLogLine } from '../../cloud/provider';
import { AlibabaEcsProvider } from './provider';

export {
  AlibabaEcsProvider,
  type AlibabaCredentials,
  type AlibabaEcsOptions,
  type AlibabaListKeyPairsRequest,
  type AlibabaResponseInfo,
  ecsFingerprintMatches,
} from './provider';
export { parseAlibabaEndpoint } from './transport';
export { RateLimiter } from '../../cloud/retry';

/** The provider the extension uses (src/cloud/provider.ts CloudChunk): logs every RequestId. */
export function createProvider(connection: ProviderConnection): CloudKeyProvider {
  const { accessKeyId = '', accessKeySecret = '', securityToken } = connection.credentials;
  return new AlibabaEcsProvider({
    credentials: { accessKeyId, accessKeySecret, securityToken: securityToken || undefined },
    endpoint: connection.endpoint || undefined,
    language: connection.language,
    onResponse: (r) => connection.onResponse?.(responseLogLine(ALIBABA_DESCRIPTOR, r), responseLogLevel(r)),
  });
}
