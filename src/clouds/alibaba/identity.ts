// Who an Alibaba Cloud AccessKey is: STS GetCallerIdentity (API 2015-04-01, sts.aliyuncs.com). It
// needs no RAM permission and works with the AccessKeys of the account, of RAM users and with STS
// tokens. Signed and sent as every ECS call is (signer.ts, transport.ts); only the host and the
// API version differ.

import type { ParsedEndpoint } from '../../cloud/endpoint';
import { type TextRule, readObject, readText } from '../../cloud/answer-fields';
import type { CallerIdentity } from '../../cloud/provider';

export const STS_API_VERSION = '2015-04-01';
export const DEFAULT_STS_HOST = 'sts.aliyuncs.com';
export const GET_CALLER_IDENTITY = 'GetCallerIdentity';

/**
 * Where STS is, given the ECS endpoint setting: an Alibaba Cloud host gets `sts` as its first label
 * (`ecs.cn-hangzhou.aliyuncs.com` → `sts.cn-hangzhou.aliyuncs.com`); anything else (a local fake, a
 * gateway) is asked itself; none: sts.aliyuncs.com.
 */
export function alibabaStsEndpoint(endpoint: ParsedEndpoint | undefined): ParsedEndpoint {
  if (!endpoint) return { protocol: 'https:', host: DEFAULT_STS_HOST, hostname: DEFAULT_STS_HOST };
  const product = /^[^.:]+(\.(?:[a-z0-9-]+\.)*aliyuncs\.com)$/i.exec(endpoint.host);
  if (!product) return endpoint;
  const host = `sts${product[1].toLowerCase()}`;
  return { protocol: endpoint.protocol, host, hostname: host };
}

/** The account ID: digits only (Alibaba's have 16; 5–20 accepted). */
export const ALIBABA_ACCOUNT_ID: TextRule = { max: 20, pattern: /^[0-9]{5,20}$/, patternName: 'an account ID (5 to 20 digits)' };
/** PrincipalId / Arn: printable ASCII without spaces (`acs:ram::…:user/admin`). */
const PRINCIPAL_TEXT: TextRule = { max: 512, pattern: /^[\x21-\x7e]{1,512}$/, patternName: 'printable text without spaces' };
const IDENTITY_TYPE: TextRule = { max: 64, pattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/, patternName: 'an identity type such as RAMUser' };

/** The answer of GetCallerIdentity, read through the trust boundary. Throws MalformedField. */
export function readAlibabaCallerIdentity(response: unknown): CallerIdentity {
  const raw = readObject(response, 'answer');
  const identity: CallerIdentity = { accountId: readText(raw.AccountId, 'AccountId', ALIBABA_ACCOUNT_ID), accountIdName: 'account-id' };
  const principalId = readText(raw.PrincipalId, 'PrincipalId', { ...PRINCIPAL_TEXT, optional: true });
  const arn = readText(raw.Arn, 'Arn', { ...PRINCIPAL_TEXT, optional: true });
  const type = readText(raw.IdentityType, 'IdentityType', { ...IDENTITY_TYPE, optional: true });
  if (principalId) identity.principalId = principalId;
  if (arn) identity.arn = arn;
  if (type) identity.type = type;
  return identity;
}
