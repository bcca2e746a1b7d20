// The ACS3-HMAC-SHA256 signer and the fake's independent verifier against Alibaba's published
// worked example ("V3 request structure and signature": RunInstances on ecs.cn-shanghai).

import * as assert from 'node:assert/strict';
import { acs3Sign, canonicalForm, percentEncode, sha256Hex, signRpcRequest } from '../../../../src/clouds/alibaba/signer';
import { acs3Signature, canonicalQueryString, parseAcs3Authorization, rfc3986 } from '../fake/acs3';

const EXAMPLE = {
  host: 'ecs.cn-shanghai.aliyuncs.com',
  action: 'RunInstances',
  version: '2014-05-26',
  date: '2023-10-26T10:22:32Z',
  nonce: '3156853299f313e23d1673dc12e1703d',
  query: [
    ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
    ['RegionId', 'cn-shanghai'],
  ] as Array<[string, string]>,
  secret: 'YourAccessKeySecret',
  hashedCanonicalRequest: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
  signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('ACS3-HMAC-SHA256', () => {
  const headers = {
    host: EXAMPLE.host,
    'x-acs-action': EXAMPLE.action,
    'x-acs-content-sha256': EMPTY_SHA256,
    'x-acs-date': EXAMPLE.date,
    'x-acs-signature-nonce': EXAMPLE.nonce,
    'x-acs-version': EXAMPLE.version,
  };

  it("the client's signer reproduces the published example byte for byte", () => {
    assert.equal(sha256Hex(''), EMPTY_SHA256);
    const signed = acs3Sign({ method: 'POST', path: '/', query: EXAMPLE.query, headers, hashedPayload: EMPTY_SHA256, accessKeySecret: EXAMPLE.secret });
    assert.equal(sha256Hex(signed.canonicalRequest), EXAMPLE.hashedCanonicalRequest);
    assert.equal(signed.signedHeaders, 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version');
    assert.equal(signed.signature, EXAMPLE.signature);
  });

  it("the fake's verifier, written apart, computes the same published signature", () => {
    const raw = EXAMPLE.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    assert.equal(acs3Signature({ method: 'POST', path: '/', rawQuery: raw, headers: new Map(Object.entries(headers)), hashedPayload: EMPTY_SHA256, secret: EXAMPLE.secret }), EXAMPLE.signature);
  });

  it('percent-encodes as Alibaba requires, and both sides agree on it', () => {
    for (const text of ['a b', 'a*b', 'a~b', "!'()", 'ssh-rsa AAAA+/= x@y', '密钥', '2016-02-23T12:46:24Z']) assert.equal(percentEncode(text), rfc3986(text), text);
    assert.equal(percentEncode('a b*c~d'), 'a%20b%2Ac~d');
    const form = canonicalForm([['b', '2'], ['a', 'x y'], ['Tag.1.Key', 'k']]);
    assert.equal(form, 'Tag.1.Key=k&a=x%20y&b=2');
    assert.equal(canonicalQueryString('b=2&a=x%20y&Tag.1.Key=k'), form);
  });

  it('signs an RPC call: every x-acs-* header, host and content-type signed; the STS token too', () => {
    const request = { host: '127.0.0.1:9000', action: 'DescribeRegions', version: '2014-05-26', params: [['AcceptLanguage', 'en-US']] as Array<[string, string]> };
    const signed = signRpcRequest(request, { accessKeyId: 'LTAI', accessKeySecret: 's', securityToken: 'tok' });
    const authorization = parseAcs3Authorization(signed.headers.authorization)!;
    assert.equal(authorization.accessKeyId, 'LTAI');
    assert.deepEqual(authorization.signedHeaders, [
      'content-type',
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-date',
      'x-acs-security-token',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]);
    assert.equal(signed.headers['x-acs-content-sha256'], sha256Hex(signed.body));
    assert.notEqual(signRpcRequest(request, { accessKeyId: 'LTAI', accessKeySecret: 's' }).headers['x-acs-signature-nonce'], signed.headers['x-acs-signature-nonce']);
  });
});
