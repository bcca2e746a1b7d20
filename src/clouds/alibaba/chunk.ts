// Entry point of dist/alibaba.js: the Alibaba Cloud ECS provider with its own signer and HTTPS
// client, bundled apart from dist/extension.js and loaded only when an Alibaba command first runs.

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
