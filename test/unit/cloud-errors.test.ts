// Tencent error codes → sentences, and the classification of what the SDK throws.

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { CloudError, isCancellation } from '../../src/cloud/errors';
import { KNOWN_TENCENT_ERROR_CODES, TENCENT_MESSAGES, tencentApiError } from '../../src/clouds/tencent/errors';
import { TencentCvmProvider } from '../../src/clouds/tencent/provider';
import { tencentFailure } from '../../src/clouds/tencent/sdk';

const FULL_CONTEXT = {
  action: 'ImportKeyPair',
  region: 'ap-guangzhou',
  keyName: 'laptop',
  keyIds: ['skey-abcdefgh'],
  instanceIds: ['ins-abcdefgh'],
  projectId: '7',
  publicKeyType: 'ssh-ed25519',
  sentAtMs: Date.now(),
};
const connection = { host: 'cvm.tencentcloudapi.com', timeoutSeconds: 30 };

// Every code docs/cloud-apis.md names for the key pair actions, plus the common codes.
const DOCUMENTED_CODES = [
  'AuthFailure.SignatureFailure',
  'AuthFailure.SignatureExpire',
  'AuthFailure.SecretIdNotFound',
  'AuthFailure.InvalidSecretId',
  'AuthFailure.TokenFailure',
  'AuthFailure.UnauthorizedOperation',
  'UnauthorizedOperation',
  'RequestLimitExceeded',
  'InvalidParameter',
  'InvalidParameterValue',
  'MissingParameter',
  'InvalidAction',
  'NoSuchVersion',
  'UnsupportedRegion',
  'LimitExceeded',
  'InternalError',
  'ResourceNotFound',
  'InvalidKeyPairNameEmpty',
  'InvalidKeyPairNameTooLong',
  'InvalidKeyPairNameIncludeIllegalChar',
  'InvalidKeyPairName.Duplicate',
  'InvalidKeyPair.LimitExceeded',
  'InvalidPublicKey.Malformed',
  'InvalidPublicKey.Duplicate',
  'InvalidProjectId.NotFound',
  'LimitExceeded.TagResourceQuota',
  'InternalServerError',
  'InvalidParameterValue.KeyPairNotSupported',
  'InvalidKeyPairId.Malformed',
  'InvalidKeyPairId.NotFound',
  'UnsupportedOperation.InstanceStateRunning',
  'UnsupportedOperation.InstanceOsWindows',
];

describe('Tencent error sentences', () => {
  it('has a specific sentence, placeholders filled, for every documented code', () => {
    for (const code of DOCUMENTED_CODES) {
      const error = tencentApiError(code, 'server text', 'req-1', FULL_CONTEXT);
      assert.ok(code === 'AuthFailure.SignatureExpire' || KNOWN_TENCENT_ERROR_CODES.includes(code), `${code} is not mapped`);
      assert.notEqual(error.template, TENCENT_MESSAGES.unknownCode, code);
      assert.doesNotMatch(error.sentence, /\{\d\}/, code);
      assert.equal(error.requestId, 'req-1');
      assert.ok(error.message.endsWith('(RequestId: req-1)'));
      assert.equal(error.provider, 'tencent');
    }
  });

  it('fills in what the call was about', () => {
    assert.equal(
      tencentApiError('InvalidProjectId.NotFound', '', 'r', FULL_CONTEXT).sentence,
      'The project 7 does not exist in this account. Pick an existing project, or 0 for the default project.',
    );
    assert.match(tencentApiError('InvalidPublicKey.Malformed', '', 'r', FULL_CONTEXT).sentence, /rejected the ssh-ed25519 public key/);
    assert.match(tencentApiError('AuthFailure.UnauthorizedOperation', '', 'r', FULL_CONTEXT).sentence, /may not call ImportKeyPair/);
  });

  it('falls back to the code family, then to the code and the server message', () => {
    assert.equal(tencentApiError('RequestLimitExceeded.UinLimitExceeded', '', 'r', FULL_CONTEXT).kind, 'throttled');
    assert.equal(tencentApiError('AuthFailure.MFAFailure', '', 'r', FULL_CONTEXT).template, TENCENT_MESSAGES.authFailure);
    const unknown = tencentApiError('FailedOperation.Whatever', 'it broke', 'r', FULL_CONTEXT);
    assert.equal(unknown.sentence, 'Tencent Cloud answered FailedOperation.Whatever: it broke');
    assert.equal(unknown.kind, 'api');
    assert.equal(tencentApiError('InternalError', '', 'r', FULL_CONTEXT).retry, 'if-idempotent');
  });

  it('computes the clock skew from the server time in SignatureExpire, when it can', () => {
    const sentAtMs = 1_700_000_000_000;
    const message = (serverTime: number) =>
      `Signature expired. Please use local time and enable NTP service for time synchronization to avoid a deviation between \`Timestamp\` and the server time ${serverTime}.`;
    const behind = tencentApiError('AuthFailure.SignatureExpire', message(1_700_000_000 + 7 * 60 + 10), 'r', { action: 'X', sentAtMs });
    assert.match(behind.sentence, /clock is 7 minutes behind/);
    const ahead = tencentApiError('AuthFailure.SignatureExpire', message(1_700_000_000 - 2 * 3600), 'r', { action: 'X', sentAtMs });
    assert.match(ahead.sentence, /clock is 120 minutes ahead/);
    assert.equal(tencentApiError('AuthFailure.SignatureExpire', 'Signature expired.', 'r', { action: 'X', sentAtMs }).template, TENCENT_MESSAGES.clockOff);
  });
});

describe('classifying what the Tencent SDK throws', () => {
  const classify = (error: unknown, signal?: AbortSignal) => tencentFailure(error, { action: 'DescribeKeyPairs' }, connection, signal);
  const sdkException = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), { requestId: '', traceId: '' }, fields);

  it('tells API errors, HTTP errors, timeouts, refused and dropped connections apart', () => {
    assert.equal(classify(sdkException('bad key', { code: 'AuthFailure.SignatureFailure', requestId: 'r1' })).code, 'AuthFailure.SignatureFailure');
    const http502 = classify(sdkException('Bad Gateway', { httpCode: 502 }));
    assert.deepEqual([http502.code, http502.kind, http502.httpStatus], ['HttpError', 'interrupted', 502]);
    const timeout = classify(sdkException('network timeout at: https://cvm.tencentcloudapi.com/'));
    assert.deepEqual([timeout.kind, timeout.retry], ['timeout', 'if-idempotent']);
    const refused = classify(sdkException('request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED 127.0.0.1:1'));
    assert.deepEqual([refused.code, refused.retry], ['ConnectionFailed', 'always']);
    assert.equal(classify(new Error('invalid json response body at http://x/ reason: Unexpected end of JSON input')).code, 'MalformedResponse');
    assert.equal(classify(new TypeError("Cannot read properties of undefined (reading 'Error')")).code, 'MalformedResponse');
    assert.equal(classify(sdkException('request to https://x/ failed, reason: socket hang up')).code, 'ConnectionDropped');
    assert.equal(classify(sdkException('unable to verify the first certificate')).kind, 'config');
    assert.ok(isCancellation(classify(sdkException('The user aborted a request.'), AbortSignal.abort())));
  });

  it('reports a refused connection after retrying it, end to end', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const cvm = new TencentCvmProvider({
      credentials: { secretId: 'AKIDnothingListensHere01', secretKey: 'k' },
      endpoint: `http://127.0.0.1:${closedPort}`,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
    });
    await assert.rejects(cvm.listRegions(), (e: unknown) => e instanceof CloudError && e.code === 'ConnectionFailed' && e.requestId === '');
  });
});
