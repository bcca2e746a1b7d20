// Entry point of dist/tencent.js: the Tencent Cloud provider with its SDK, bundled apart from
// dist/extension.js and loaded only when a cloud command first runs (never at activation).

export { TencentCvmProvider, type TencentCredentials, type TencentCvmOptions, type TencentResponseInfo } from './tencent';
export { parseTencentEndpoint } from './tencent-endpoint';
export { RateLimiter } from './retry';
