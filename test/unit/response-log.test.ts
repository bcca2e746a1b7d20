// How loud each answered cloud request is in the extension's log (src/cloud/provider.ts responseLogLevel).

import * as assert from 'node:assert/strict';
import { responseLogLevel } from '../../src/cloud/provider';

describe('response log levels', () => {
  it('read-only calls that succeeded are trace; changes and every failure are info', () => {
    for (const action of ['DescribeKeyPairs', 'DescribeInstances', 'DescribeRegions']) assert.equal(responseLogLevel({ action }), 'trace', action);
    for (const action of ['ImportKeyPair', 'DeleteKeyPairs', 'AssociateInstancesKeyPairs', 'AttachKeyPair', 'ModifyKeyPairAttribute']) {
      assert.equal(responseLogLevel({ action }), 'info', action);
    }
    assert.equal(responseLogLevel({ action: 'DescribeKeyPairs', errorCode: 'RequestLimitExceeded' }), 'info');
  });
});
