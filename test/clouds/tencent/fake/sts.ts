// STS GetCallerIdentity (API 2018-08-13) as the fake CVM and the fake Lighthouse answer it: the
// extension derives STS's address from the product's endpoint setting, so a local fake is asked
// itself, and tells STS requests from its own by their Version. Signed for the `sts` service (the
// SDK signs with the endpoint's first label, so `127` at a loopback URL, as for CVM: both pass).

import { type FakeCredential, ownerUinOf } from './auth';

export const STS_API_VERSION = '2018-08-13';

/** Whether a request (by its X-TC-Version) is an STS one. */
export function isStsRequest(version: string | undefined): boolean {
  return version === STS_API_VERSION;
}

/** The services an STS request may be signed for: `sts`, or the Host's first label (the SDK's quirk). Never the product's. */
export function stsAcceptedServices(host: string): string[] {
  return ['sts', host.split('.')[0]];
}

/**
 * The answer to an STS request by an authenticated `credential`: GetCallerIdentity names the
 * credential's account; any other action does not exist here. `fail` makes the fake's ApiError.
 */
export function stsAnswer(action: string | undefined, region: string | undefined, credential: FakeCredential, fail: (code: string, message: string) => Error): Record<string, unknown> {
  if (!action) throw fail('MissingParameter', 'The request is missing a required parameter `Action`.');
  if (action !== 'GetCallerIdentity') throw fail('InvalidAction', `The action \`${action}\` does not exist.`);
  if (!region) throw fail('MissingParameter', 'The request is missing a required parameter `Region`.');
  const uin = ownerUinOf(credential);
  // A temporary credential is a role's session; a permanent key, the account's own (or a sub-account's).
  return credential.token !== undefined
    ? { Type: 'CAMRole', AccountId: uin, UserId: `4611686018427387904:fake-session`, PrincipalId: uin, Arn: `qcs::sts:${uin}:assumed-role/4611686018427387904` }
    : { Type: 'CAMUser', AccountId: uin, UserId: uin, PrincipalId: uin, Arn: `qcs::cam::uin/${uin}:uin/${uin}` };
}
