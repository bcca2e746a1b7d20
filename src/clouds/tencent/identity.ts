// Who a Tencent Cloud API key is: STS GetCallerIdentity (API 2018-08-13, sts.tencentcloudapi.com),
// for CVM and Lighthouse alike (they share the account). It works with the permanent keys of root
// and sub-accounts and with temporary credentials. Sent like every other call: the generic API 3.0
// client of the common SDK through our transport (sdk.ts), paced, retried, under the deadline.

import type * as https from 'node:https';
import type * as CommonSdk from 'tencentcloud-sdk-nodejs-common';
import { type TextRule, readObject, readText } from '../../cloud/answer-fields';
import type { CallerIdentity } from '../../cloud/provider';
import { proxyFor, type ProxySetting } from '../../cloud/proxy-env';
import type { TencentEndpoint } from './endpoint';
import { loadTencentCommonClient, sdkTransportAgent } from './sdk';

export const STS_API_VERSION = '2018-08-13';
export const DEFAULT_STS_HOST = 'sts.tencentcloudapi.com';
export const GET_CALLER_IDENTITY = 'GetCallerIdentity';

/**
 * Where STS is, given the product's endpoint setting: a Tencent Cloud host gets `sts` as its first
 * label (`cvm.intl.tencentcloudapi.com` → `sts.intl.tencentcloudapi.com`); anything else (a local
 * fake, a gateway) is asked itself; none: sts.tencentcloudapi.com.
 */
export function tencentStsEndpoint(endpoint: TencentEndpoint | undefined): TencentEndpoint {
  if (!endpoint) return { protocol: 'https://', host: DEFAULT_STS_HOST };
  const product = /^[^.:]+(\.(?:[a-z0-9-]+\.)*tencentcloudapi\.com)$/i.exec(endpoint.host);
  return product ? { protocol: endpoint.protocol, host: `sts${product[1].toLowerCase()}` } : endpoint;
}

/** A root account's UIN: digits only (5–20 of them; real ones have 10–12). */
export const TENCENT_UIN: TextRule = { max: 20, pattern: /^[0-9]{5,20}$/, patternName: 'an account UIN (5 to 20 digits)' };
/** UserId / PrincipalId / Arn: printable ASCII without spaces (`roleId:sessionName`, `qcs::cam::uin/…`). */
const PRINCIPAL_TEXT: TextRule = { max: 512, pattern: /^[\x21-\x7e]{1,512}$/, patternName: 'printable text without spaces' };
const IDENTITY_TYPE: TextRule = { max: 64, pattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/, patternName: 'an identity type such as CAMUser' };

/** The answer of GetCallerIdentity, read through the trust boundary. Throws MalformedField. */
export function readTencentCallerIdentity(response: unknown): CallerIdentity {
  const raw = readObject(response, 'Response');
  const identity: CallerIdentity = { accountId: readText(raw.AccountId, 'AccountId', TENCENT_UIN), accountIdName: 'uin' };
  const principalId = readText(raw.PrincipalId, 'PrincipalId', { ...PRINCIPAL_TEXT, optional: true });
  const arn = readText(raw.Arn, 'Arn', { ...PRINCIPAL_TEXT, optional: true });
  const type = readText(raw.Type, 'Type', { ...IDENTITY_TYPE, optional: true });
  if (principalId) identity.principalId = principalId;
  if (arn) identity.arn = arn;
  if (type) identity.type = type;
  return identity;
}

export interface StsClientSetup {
  credentials: { secretId: string; secretKey: string; token?: string };
  /** The product's endpoint setting, parsed (undefined: the default hosts). */
  endpoint: TencentEndpoint | undefined;
  region: string;
  language: 'en-US' | 'zh-CN';
  requestTimeoutSeconds: number;
  maxAnswerBytes?: number;
  proxy?: ProxySetting;
  httpsAgent?: https.Agent;
}

/** The STS client: the SDK signs with the endpoint's first label as the service (`sts` on the real hosts). */
export function createStsClient(setup: StsClientSetup): { client: InstanceType<typeof CommonSdk.AbstractClient>; host: string } {
  const AbstractClient = loadTencentCommonClient();
  const { protocol, host } = tencentStsEndpoint(setup.endpoint);
  const { secretId, secretKey, token } = setup.credentials;
  const client = new AbstractClient(host, STS_API_VERSION, {
    credential: { secretId, secretKey, token },
    region: setup.region,
    profile: {
      language: setup.language,
      httpProfile: {
        endpoint: host,
        protocol,
        reqTimeout: setup.requestTimeoutSeconds,
        agent: sdkTransportAgent({
          requestTimeoutSeconds: setup.requestTimeoutSeconds,
          maxAnswerBytes: setup.maxAnswerBytes,
          proxy: proxyFor(setup.proxy, `${protocol}${host}/`),
          httpsAgent: setup.httpsAgent,
        }),
      },
    },
  });
  return { client, host };
}
