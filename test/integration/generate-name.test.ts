// Generate New Key Pair's file-name box: each refused name says what is wrong with it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asUser, fixture, setSshDirectories } from './helpers';

/** Types the file name and expects the box to refuse it with `because` (then gives up). */
const refused = (name: string, because: RegExp) => asUser([/^ED25519/, { refused: name, because }], 'cloudSshKeys.generateKeyPair');

describe('Generate New Key Pair: why a name is refused', () => {
  before(() => setSshDirectories(undefined));

  it('a name with a leading dot is refused because of the dot (a hidden file), though its characters are allowed', async () => {
    assert.equal(await refused('.hidden', /cannot start with a dot.*hidden file/), undefined);
    assert.ok(!fs.existsSync(path.join(fixture().sshDir, '.hidden')));
  });

  it('a name starting with - or _ is asked to start with a letter or digit', async () => {
    assert.equal(await refused('-key', /Start the name with a letter or digit/), undefined);
    assert.equal(await refused('_key', /Start the name with a letter or digit/), undefined);
  });

  it('a folder in the name is still refused by the character rule', async () => {
    assert.equal(await refused('keys/id', /letters, digits/), undefined);
  });
});
