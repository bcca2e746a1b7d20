// The one assertion every provider test makes of a failure: it is a CloudError with this code
// (and, when given, from this cloud's provider). Resolves with the error for further checks.
import * as assert from 'node:assert/strict';
import { CloudError } from '../../src/cloud/errors';

export async function failsWith(promise: Promise<unknown>, code: string, provider?: string): Promise<CloudError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CloudError, `expected a CloudError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (provider !== undefined) assert.equal(error.provider, provider);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}
