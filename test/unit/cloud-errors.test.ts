// Tencent error codes → sentences, and the classification of what the SDK throws.

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { CloudError, isCancellation } from '../../src/cloud/errors';
import { KNOWN_TENCENT_ERROR_CODES, TENCENT_MESSAGES, tencentApiError } from '../../src/clouds/tencent/errors';
import { TencentCvmProvider } from '../../src/clouds/tencent/provider';
import { tencentFailure } from '../../src/clouds/tencent/sdk';
import { LIGHTHOUSE_MESSAGES, lighthouseApiError } from '../../src/clouds/lighthouse/errors';
import { ALIBABA_MESSAGES, alibabaApiError } from '../../src/clouds/alibaba/errors';

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
    assert.equal(tencentApiError('FailedOperation.Whatever', 'it broke', 'r', FULL_CONTEXT).template, TENCENT_MESSAGES.failedOperation);
    const unknown = tencentApiError('SomethingNew.Whatever', 'it broke', 'r', FULL_CONTEXT);
    assert.equal(unknown.sentence, 'Tencent Cloud answered SomethingNew.Whatever: it broke');
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

// The codes each action's API reference lists ("可能返回的错误码", as tencentcloud-sdk-go
// cvm/v20170312/client.go and lighthouse/v20200324/client.go carry them, Aug 2026).
const CVM_ACTION_CODES: Record<string, string[]> = {
  ImportKeyPair: [
    'InternalServerError',
    'InvalidKeyPair.LimitExceeded',
    'InvalidKeyPairName.Duplicate',
    'InvalidKeyPairNameEmpty',
    'InvalidKeyPairNameIncludeIllegalChar',
    'InvalidKeyPairNameTooLong',
    'InvalidParameterValue',
    'InvalidProjectId.NotFound',
    'InvalidPublicKey.Duplicate',
    'InvalidPublicKey.Malformed',
    'LimitExceeded.TagResourceQuota',
    'MissingParameter',
  ],
  CreateKeyPair: [
    'FailedOperation.TagKeyReserved',
    'InternalServerError',
    'InvalidKeyPair.LimitExceeded',
    'InvalidKeyPairName.Duplicate',
    'InvalidKeyPairNameEmpty',
    'InvalidKeyPairNameIncludeIllegalChar',
    'InvalidKeyPairNameTooLong',
    'InvalidParameterValue',
    'InvalidProjectId.NotFound',
    'LimitExceeded.TagResourceQuota',
    'MissingParameter',
  ],
  DescribeKeyPairs: [
    'InternalServerError',
    'InvalidFilter',
    'InvalidFilterValue.LimitExceeded',
    'InvalidKeyPair.LimitExceeded',
    'InvalidKeyPairId.Malformed',
    'InvalidParameter',
    'InvalidParameterValue',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValueLimit',
    'InvalidParameterValueOffset',
    'UnauthorizedOperation.InvalidToken',
    'UnsupportedOperation',
  ],
  DeleteKeyPairs: [
    'InternalServerError',
    'InvalidKeyPair.LimitExceeded',
    'InvalidKeyPairId.Malformed',
    'InvalidKeyPairId.NotFound',
    'InvalidParameterValue',
    'InvalidParameterValue.KeyPairNotSupported',
    'InvalidParameterValue.LimitExceeded',
    'MissingParameter',
  ],
  ModifyKeyPairAttribute: [
    'InternalServerError',
    'InvalidKeyPairId.Malformed',
    'InvalidKeyPairId.NotFound',
    'InvalidKeyPairName.Duplicate',
    'InvalidParameter',
    'InvalidParameterValue',
    'MissingParameter',
  ],
  AssociateInstancesKeyPairs: [
    'InternalServerError',
    'InvalidInstance.NotSupported',
    'InvalidInstanceId.Malformed',
    'InvalidInstanceId.NotFound',
    'InvalidKeyPairId.Malformed',
    'InvalidKeyPairId.NotFound',
    'InvalidParameterValue',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.KeyPairNotSupported',
    'InvalidParameterValue.LimitExceeded',
    'MissingParameter',
    'MutexOperation.TaskRunning',
    'OperationDenied.InstanceOperationInProgress',
    'UnauthorizedOperation.MFAExpired',
    'UnauthorizedOperation.MFANotFound',
    'UnsupportedOperation.InstanceOsWindows',
    'UnsupportedOperation.InstanceStateEnterServiceLiveMigrate',
    'UnsupportedOperation.InstanceStateExitRescueMode',
    'UnsupportedOperation.InstanceStateFreezing',
    'UnsupportedOperation.InstanceStateIsolating',
    'UnsupportedOperation.InstanceStatePending',
    'UnsupportedOperation.InstanceStateRebooting',
    'UnsupportedOperation.InstanceStateRescueMode',
    'UnsupportedOperation.InstanceStateRunning',
    'UnsupportedOperation.InstanceStateShutdown',
    'UnsupportedOperation.InstanceStateStarting',
    'UnsupportedOperation.InstanceStateStopping',
    'UnsupportedOperation.InstanceStateTerminating',
    'UnsupportedOperation.StoppedModeStopCharging',
  ],
  DisassociateInstancesKeyPairs: [
    'FailedOperation.DisassociateKeyPairFailed',
    'InternalServerError',
    'InvalidInstance.NotSupported',
    'InvalidInstanceId.Malformed',
    'InvalidInstanceId.NotFound',
    'InvalidKeyPairId.Malformed',
    'InvalidKeyPairId.NotFound',
    'InvalidParameterValue',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.LimitExceeded',
    'MissingParameter',
    'MutexOperation.TaskRunning',
    'OperationDenied.InstanceOperationInProgress',
    'UnsupportedOperation.InstanceOsWindows',
    'UnsupportedOperation.InstanceStateBanning',
    'UnsupportedOperation.InstanceStateEnterRescueMode',
    'UnsupportedOperation.InstanceStateFreezing',
    'UnsupportedOperation.InstanceStatePending',
    'UnsupportedOperation.InstanceStateRebooting',
    'UnsupportedOperation.InstanceStateRescueMode',
    'UnsupportedOperation.InstanceStateRunning',
    'UnsupportedOperation.InstanceStateShutdown',
    'UnsupportedOperation.InstanceStateStarting',
    'UnsupportedOperation.InstanceStateStopping',
    'UnsupportedOperation.InstanceStateTerminating',
    'UnsupportedOperation.StoppedModeStopCharging',
  ],
  DescribeRegions: [
    'UnsupportedOperation',
  ],
  DescribeInstances: [
    'FailedOperation.IllegalTagKey',
    'FailedOperation.IllegalTagValue',
    'FailedOperation.TagKeyReserved',
    'InternalServerError',
    'InvalidFilter',
    'InvalidFilterValue.LimitExceeded',
    'InvalidHostId.Malformed',
    'InvalidInstanceId.Malformed',
    'InvalidParameter',
    'InvalidParameterValue',
    'InvalidParameterValue.IPAddressMalformed',
    'InvalidParameterValue.IPv6AddressMalformed',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.InvalidAppIdFormat',
    'InvalidParameterValue.InvalidIpFormat',
    'InvalidParameterValue.InvalidTimeFormat',
    'InvalidParameterValue.InvalidVagueName',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.SubnetIdMalformed',
    'InvalidParameterValue.TagKeyNotFound',
    'InvalidParameterValue.UuidMalformed',
    'InvalidParameterValue.VpcIdMalformed',
    'InvalidSecurityGroupId.NotFound',
    'InvalidSgId.Malformed',
    'InvalidZone.MismatchRegion',
    'ResourceNotFound.HpcCluster',
    'UnauthorizedOperation.InvalidToken',
    'UnsupportedOperation',
  ],
};
const LIGHTHOUSE_ACTION_CODES: Record<string, string[]> = {
  ImportKeyPair: [
    'FailedOperation.CreateKeyPairFailed',
    'FailedOperation.DeleteKeyPairFailed',
    'FailedOperation.ImportKeyPairFailed',
    'InvalidParameterValue.DuplicateParameterValue',
    'InvalidParameterValue.InvalidKeyPairNameEmpty',
    'InvalidParameterValue.InvalidKeyPairNameTooLong',
    'InvalidParameterValue.KeyPairPublicKeyDuplicated',
    'InvalidParameterValue.KeyPairPublicKeyMalformed',
    'LimitExceeded.KeyPairLimitExceeded',
    'UnauthorizedOperation.NoPermission',
  ],
  CreateKeyPair: [
    'FailedOperation.CreateKeyPairFailed',
    'InvalidParameterValue.DuplicateParameterValue',
    'InvalidParameterValue.InvalidKeyPairNameEmpty',
    'InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar',
    'InvalidParameterValue.InvalidKeyPairNameTooLong',
    'LimitExceeded.KeyPairLimitExceeded',
    'UnauthorizedOperation.NoPermission',
  ],
  DescribeKeyPairs: [
    'FailedOperation',
    'InvalidParameter.InvalidFilter',
    'InvalidParameter.ParameterConflict',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.KeyPairIdMalformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Negative',
    'InvalidParameterValue.OutOfRange',
    'UnauthorizedOperation.NoPermission',
  ],
  DeleteKeyPairs: [
    'FailedOperation.DeleteKeyPairFailed',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.KeyPairIdMalformed',
    'ResourceInUse.KeyPairInUse',
    'ResourceNotFound.KeyIdNotFound',
    'UnauthorizedOperation.NoPermission',
    'UnsupportedOperation.KeyPairBindToBlueprints',
  ],
  AssociateInstancesKeyPairs: [
    'FailedOperation.DescribeInstanceStatus',
    'FailedOperation.InstanceOperationFailed',
    'InternalError.DescribeInstanceStatus',
    'InternalError.InvalidCommandNotFound',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.KeyPairIdMalformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.OutOfRange',
    'OperationDenied.InstanceCreating',
    'OperationDenied.InstanceOperationInProgress',
    'ResourceNotFound.InstanceIdNotFound',
    'ResourceNotFound.InstanceNotFound',
    'ResourceNotFound.KeyIdNotFound',
    'UnauthorizedOperation.MFAExpired',
    'UnauthorizedOperation.MFANotFound',
    'UnauthorizedOperation.NoPermission',
    'UnsupportedOperation.InstanceDisplayAreaNotSupportOperation',
    'UnsupportedOperation.InvalidInstanceState',
    'UnsupportedOperation.KeyPairBindDuplicate',
    'UnsupportedOperation.LatestOperationUnfinished',
    'UnsupportedOperation.WindowsNotAllowToAssociateKeyPair',
    'UnsupportedOperation.WindowsNotSupportKeyPair',
  ],
  DisassociateInstancesKeyPairs: [
    'FailedOperation.InstanceOperationFailed',
    'InternalError.DescribeInstanceStatus',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.KeyPairIdMalformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.OutOfRange',
    'OperationDenied.InstanceCreating',
    'OperationDenied.InstanceOperationInProgress',
    'ResourceNotFound.InstanceIdNotFound',
    'ResourceNotFound.InstanceNotFound',
    'ResourceNotFound.KeyIdNotFound',
    'UnauthorizedOperation.NoPermission',
    'UnsupportedOperation.InvalidInstanceState',
    'UnsupportedOperation.KeyPairNotBoundToInstance',
    'UnsupportedOperation.KeyPairUnbindUsernameMismatch',
    'UnsupportedOperation.LatestOperationUnfinished',
  ],
  DescribeRegions: [
    'FailedOperation',
  ],
  DescribeInstances: [
    'AuthFailure.InvalidHeaderUin',
    'FailedOperation',
    'FailedOperation.DescribeInstanceStatus',
    'InternalError.DescribeInstanceStatus',
    'InternalError.InvalidCommandNotFound',
    'InvalidParameter.FilterValueLimitExceeded',
    'InvalidParameter.InvalidFilter',
    'InvalidParameter.InvalidFilterInvalidKey',
    'InvalidParameter.InvalidFilterInvalidNameNotStr',
    'InvalidParameter.InvalidFilterInvalidValuesNotList',
    'InvalidParameter.InvalidFilterNotDict',
    'InvalidParameter.InvalidFilterNotSupportedName',
    'InvalidParameter.ParameterConflict',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.InstanceIdMalformed',
    'InvalidParameterValue.InstanceNameTooLong',
    'InvalidParameterValue.InvalidIpFormat',
    'InvalidParameterValue.InvalidZone',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Negative',
    'InvalidParameterValue.OutOfRange',
    'MissingParameter.OrderFieldRequired',
    'ResourceNotFound.InstanceIdNotFound',
    'UnauthorizedOperation.NoPermission',
    'UnauthorizedOperation.TokenInvalid',
  ],
};

describe('every code the API references list for the actions used', () => {
  const context = (action: string) => ({ ...FULL_CONTEXT, action });

  const clouds = [
    { cloud: 'CVM', actionCodes: CVM_ACTION_CODES, apiError: tencentApiError, unknownCode: TENCENT_MESSAGES.unknownCode },
    { cloud: 'Lighthouse', actionCodes: LIGHTHOUSE_ACTION_CODES, apiError: lighthouseApiError, unknownCode: LIGHTHOUSE_MESSAGES.unknownCode },
  ];
  for (const { cloud, actionCodes, apiError, unknownCode } of clouds) {
    it(`${cloud}: each reads as a sentence of its own, never the raw "answered {0}: {1}"`, () => {
      for (const [action, codes] of Object.entries(actionCodes)) {
        for (const code of codes) {
          const error = apiError(code, 'server text', 'r', context(action));
          assert.notEqual(error.template, unknownCode, `${action} ${code}`);
          assert.doesNotMatch(error.sentence, /\{\d\}/, `${action} ${code}`);
        }
      }
    });
  }

  it('each code reads as what it means (per action where the meaning differs)', () => {
    const expected: Array<[action: string, code: string, template: string]> = [
      ['DeleteKeyPairs', 'InvalidParameterValue.KeyPairNotSupported', TENCENT_MESSAGES.keyPairInUse],
      // On a bind it means "this key does not support the operation", not "bound, so not deleted".
      ['AssociateInstancesKeyPairs', 'InvalidParameterValue.KeyPairNotSupported', TENCENT_MESSAGES.keyPairNotSupported],
      ['DisassociateInstancesKeyPairs', 'InvalidParameterValue.KeyPairNotSupported', TENCENT_MESSAGES.keyPairNotSupported],
      // Not a missing CAM permission:
      ['AssociateInstancesKeyPairs', 'UnauthorizedOperation.MFAExpired', TENCENT_MESSAGES.mfaExpired],
      ['AssociateInstancesKeyPairs', 'UnauthorizedOperation.MFANotFound', TENCENT_MESSAGES.mfaNotFound],
      ['DescribeKeyPairs', 'UnauthorizedOperation.InvalidToken', TENCENT_MESSAGES.invalidToken],
      ['DescribeInstances', 'UnauthorizedOperation.InvalidToken', TENCENT_MESSAGES.invalidToken],
      ['AssociateInstancesKeyPairs', 'UnsupportedOperation.StoppedModeStopCharging', TENCENT_MESSAGES.stoppedNoCharge],
      ['AssociateInstancesKeyPairs', 'InvalidInstance.NotSupported', TENCENT_MESSAGES.instanceNotSupported],
      ['AssociateInstancesKeyPairs', 'UnsupportedOperation.InstanceStateRebooting', TENCENT_MESSAGES.instanceInState],
      ['AssociateInstancesKeyPairs', 'UnsupportedOperation.InstanceStateIsolating', TENCENT_MESSAGES.instanceIsolated],
      ['DisassociateInstancesKeyPairs', 'FailedOperation.DisassociateKeyPairFailed', TENCENT_MESSAGES.unbindFailed],
      ['CreateKeyPair', 'FailedOperation.TagKeyReserved', TENCENT_MESSAGES.tagKeyReserved],
      ['ImportKeyPair', 'InvalidKeyPair.LimitExceeded', TENCENT_MESSAGES.keyPairLimit],
      ['DeleteKeyPairs', 'InvalidKeyPair.LimitExceeded', TENCENT_MESSAGES.tooManyItems],
      ['DescribeKeyPairs', 'InvalidKeyPair.LimitExceeded', TENCENT_MESSAGES.tooManyItems],
      ['DescribeRegions', 'UnsupportedOperation', TENCENT_MESSAGES.unsupportedOperation],
    ];
    for (const [action, code, template] of expected) {
      assert.equal(tencentApiError(code, '', 'r', context(action)).template, template, `${action} ${code}`);
    }
    assert.match(tencentApiError('UnsupportedOperation.InstanceStateRebooting', '', 'r', context('AssociateInstancesKeyPairs')).sentence, /ins-abcdefgh is in the state REBOOTING/);
    assert.equal(lighthouseApiError('UnauthorizedOperation.TokenInvalid', '', 'r', context('DescribeInstances')).template, LIGHTHOUSE_MESSAGES.invalidToken);
    assert.equal(lighthouseApiError('InvalidParameterValue.Duplicated', '', 'r', context('DeleteKeyPairs')).template, LIGHTHOUSE_MESSAGES.duplicatedIds);
  });
});

describe('a refusal names only what the server named', () => {
  const batch = { action: 'AssociateInstancesKeyPairs', region: 'ap-guangzhou', keyIds: ['skey-abcdefgh'], instanceIds: ['ins-lnxrun01', 'ins-lnxstp01', 'ins-winstp01'] };

  it('Tencent: the instance its Message names; none named of several: "one of the instances"', () => {
    const named = tencentApiError('UnsupportedOperation.InstanceOsWindows', 'The instance `ins-winstp01` runs Windows, which does not support key pairs.', 'r', batch);
    assert.equal(named.sentence, 'The instance ins-winstp01 runs Windows, which cannot use SSH key pairs. Pick a Linux instance.');
    const unnamed = tencentApiError('UnsupportedOperation.InstanceOsWindows', 'Windows instances do not support key pairs.', 'r', batch);
    assert.equal(unnamed.template, TENCENT_MESSAGES.instanceWindowsUnnamed);
    assert.doesNotMatch(unnamed.sentence, /ins-/);
    // One instance sent: it is the one, named or not.
    assert.match(tencentApiError('UnsupportedOperation.InstanceStateRunning', '', 'r', { ...batch, instanceIds: ['ins-lnxrun01'] }).sentence, /^The instance ins-lnxrun01 is running/);
    for (const code of ['UnsupportedOperation.InstanceStateRunning', 'InvalidInstanceId.NotFound', 'InvalidInstance.NotSupported', 'UnsupportedOperation.StoppedModeStopCharging']) {
      const sentence = tencentApiError(code, 'instance ins-lnxstp01 refused', 'r', batch).sentence;
      assert.match(sentence, /ins-lnxstp01/, code);
      assert.doesNotMatch(sentence, /ins-lnxrun01|ins-winstp01/, code);
      assert.doesNotMatch(tencentApiError(code, 'refused', 'r', batch).sentence, /ins-/, code);
    }
    const keys = { action: 'DeleteKeyPairs', region: 'ap-guangzhou', keyIds: ['skey-aaaaaaaa', 'skey-bbbbbbbb'] };
    assert.equal(tencentApiError('InvalidKeyPairId.NotFound', 'The key pair `skey-bbbbbbbb` does not exist.', 'r', keys).args[0], 'skey-bbbbbbbb');
    assert.equal(tencentApiError('InvalidParameterValue.KeyPairNotSupported', 'refused', 'r', keys).template, TENCENT_MESSAGES.keyPairInUseUnnamed);
  });

  it('Lighthouse: the same, with its own IDs (lhins-, lhkp-)', () => {
    const lh = { action: 'AssociateInstancesKeyPairs', region: 'ap-guangzhou', keyIds: ['lhkp-abcdefgh'], instanceIds: ['lhins-aaaaaaaa', 'lhins-bbbbbbbb'] };
    assert.match(lighthouseApiError('UnsupportedOperation.WindowsNotSupportKeyPair', 'lhins-bbbbbbbb is Windows', 'r', lh).sentence, /^The instance lhins-bbbbbbbb runs Windows/);
    assert.equal(lighthouseApiError('UnsupportedOperation.WindowsNotSupportKeyPair', 'Windows', 'r', lh).template, TENCENT_MESSAGES.instanceWindowsUnnamed);
    assert.equal(lighthouseApiError('UnsupportedOperation.KeyPairBindDuplicate', 'x', 'r', lh).sentence, 'The key pair lhkp-abcdefgh is already bound to one of the instances.');
  });

  it('Alibaba: the instance its Message names; none named of several: "one of the instances"', () => {
    const ecs = { action: 'AttachKeyPair', region: 'cn-hangzhou', keyPairName: 'ops', instanceIds: ['i-bp1aaaaaaaaaaaaaaaaa', 'i-bp1bbbbbbbbbbbbbbbbb'] };
    assert.match(alibabaApiError('DependencyViolation.WindowsInstance', 'The instance i-bp1bbbbbbbbbbbbbbbbb is Windows.', 'r', 403, ecs).sentence, /^The instance i-bp1bbbbbbbbbbbbbbbbb runs Windows/);
    assert.equal(alibabaApiError('DependencyViolation.WindowsInstance', 'The specified instance is Windows.', 'r', 403, ecs).template, ALIBABA_MESSAGES.instanceWindowsUnnamed);
    assert.equal(alibabaApiError('InvalidParameter.KeypairAlreadyAttachedInstance', 'x', 'r', 400, { action: 'DeleteKeyPairs', keyPairNames: ['a', 'b'] }).template, ALIBABA_MESSAGES.keyPairInUseUnnamed);
  });

  it('Alibaba: a name ECS refuses as malformed is said so, quoted, with the rule', () => {
    const refused = alibabaApiError('InvalidKeyPairName.Malformed', 'Specified Key Pair name is not valid.', 'r', 400, { action: 'ImportKeyPair', keyPairName: 'my key' });
    assert.match(refused.sentence, /^Alibaba Cloud ECS refused the key pair name "my key" as malformed\. Its rule: 2 to 128 characters/);
    assert.doesNotMatch(refused.sentence, /already exists/);
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
