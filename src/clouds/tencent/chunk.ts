// Entry point of dist/tencent.js: the Tencent Cloud provider with its SDK, bundled apart from
// dist/extension.js and loaded only when a cloud command first runs (never at activation).

export { TencentCvmProvider, type TencentCredentials, type TencentCvmOptions, type TencentResponseInfo } from './provider';
export { parseTencentEndpoint } from './endpoint';
export { RateLimiter } from '../../cloud/retry';
