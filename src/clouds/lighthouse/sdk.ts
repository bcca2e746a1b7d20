// Lighthouse has no npm SDK of its own: its calls go through the generic API 3.0 client of
// tencentcloud-sdk-nodejs-common, the package the CVM SDK is built on, loaded only when a cloud call
// is made (never at activation). Signing, parsing and our transport are the CVM wiring (../tencent/sdk.ts).

import type * as CommonSdk from 'tencentcloud-sdk-nodejs-common';
import { loadTencentCommonClient } from '../tencent/sdk';

export type LighthouseClient = InstanceType<typeof CommonSdk.AbstractClient>;

/** The generic client class, with the SDK's fetch pointed at our transport (no redirects, a size cap, one deadline per request). */
export function loadLighthouseClientClass(): typeof CommonSdk.AbstractClient {
  return loadTencentCommonClient();
}
