import * as assert from 'node:assert/strict';
import { documentedKeyTypesText, isDocumentedKeyType, keyPairContextValue } from '../../src/cloud/descriptors';
import { LIGHTHOUSE_DESCRIPTOR } from '../../src/clouds/lighthouse/descriptor';
import { ALIBABA_DESCRIPTOR } from '../../src/clouds/alibaba/descriptor';
import { CLOUDS as CLOUD_DESCRIPTORS } from '../../src/clouds/registry';
import { TENCENT_DESCRIPTOR } from '../../src/clouds/tencent/descriptor';
import { isLoopbackEndpoint } from '../../src/cloud/loopback';

describe('the Tencent Cloud descriptor', () => {
  const problem = (name: string) => TENCENT_DESCRIPTOR.keyNameProblem(name)?.template;

  it('accepts what ImportKeyPair accepts: letters, digits and _, 1 to 25 characters', () => {
    for (const name of ['a', 'id_ed25519', 'A1_b2', 'x'.repeat(25), '_', '2024_key']) assert.equal(problem(name), undefined, name);
  });

  it('refuses what ImportKeyPair refuses (empty, too long, illegal characters), naming the character', () => {
    assert.match(problem('') ?? '', /Enter a name/);
    assert.match(problem('x'.repeat(26)) ?? '', /At most/);
    assert.deepEqual(TENCENT_DESCRIPTOR.keyNameProblem('my-key')?.args, ['-']);
    for (const name of ['my key', 'key.pub', 'ключ', 'a@b']) assert.match(problem(name) ?? '', /Only letters/, name);
  });

  it('sanitizes file names and comments into valid names', () => {
    const cases: Array<[string, string]> = [
      ['id_ed25519.pub', 'id_ed25519'],
      ['alice@laptop', 'alice_laptop'],
      ['team-key (old).pub', 'team_key_old'],
      ['---', 'ssh_key'],
      ['a'.repeat(40), 'a'.repeat(25)],
      ['abcdefghijklmnopqrstuvwx-yz', 'abcdefghijklmnopqrstuvwx'],
    ];
    for (const [input, expected] of cases) {
      const name = TENCENT_DESCRIPTOR.sanitizeKeyName(input);
      assert.equal(name, expected, input);
      assert.equal(problem(name), undefined, name);
    }
  });
});

describe('the key types each cloud documents for ImportKeyPair', () => {
  it('Tencent CVM and Lighthouse: OpenSSH RSA only; ECS: RSA, DSA, ECDSA and their certificates, not ED25519', () => {
    for (const d of [TENCENT_DESCRIPTOR, LIGHTHOUSE_DESCRIPTOR]) {
      assert.deepEqual(d.documentedKeyTypes, ['ssh-rsa'], d.id);
      assert.equal(documentedKeyTypesText(d), 'RSA');
    }
    for (const t of ['ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'ssh-rsa-cert-v01@openssh.com']) assert.ok(isDocumentedKeyType(ALIBABA_DESCRIPTOR, t), t);
    for (const d of [TENCENT_DESCRIPTOR, LIGHTHOUSE_DESCRIPTOR, ALIBABA_DESCRIPTOR]) {
      assert.equal(isDocumentedKeyType(d, 'ssh-ed25519'), false, d.id);
      assert.equal(isDocumentedKeyType(d, 'sk-ssh-ed25519@openssh.com'), false, d.id);
    }
    assert.equal(documentedKeyTypesText(ALIBABA_DESCRIPTOR), 'RSA, DSA, ECDSA, OpenSSH certificates');
  });

  it('a cloud with no documented list takes every type as documented', () => {
    assert.equal(isDocumentedKeyType({ documentedKeyTypes: undefined }, 'ssh-ed25519'), true);
  });
});

describe('isLoopbackEndpoint (the Sandbox marker)', () => {
  it('is true only for this machine', () => {
    for (const e of ['http://127.0.0.1:9000', '127.0.0.1:9000', 'http://localhost:1', 'http://[::1]:8080', 'https://127.1.2.3']) assert.equal(isLoopbackEndpoint(e), true, e);
    for (const e of ['', undefined, 'cvm.tencentcloudapi.com', 'https://cvm.intl.tencentcloudapi.com', 'http://10.0.0.1', 'http://127.0.0.1.example.com']) {
      assert.equal(isLoopbackEndpoint(e), false, String(e));
    }
  });
});

describe('every cloud descriptor is wired into package.json', () => {
  const pkg = require('../../../package.json');
  const properties = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
  const commands = (pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command);

  it('the registered clouds have distinct ids and settings sections; two share a secret only as one account (the same credential fields)', () => {
    assert.ok(CLOUD_DESCRIPTORS.length >= 2);
    assert.equal(new Set(CLOUD_DESCRIPTORS.map((d) => d.id)).size, CLOUD_DESCRIPTORS.length);
    assert.equal(new Set(CLOUD_DESCRIPTORS.map((d) => d.settingsSection)).size, CLOUD_DESCRIPTORS.length);
    for (const a of CLOUD_DESCRIPTORS) {
      for (const b of CLOUD_DESCRIPTORS) {
        if (a !== b && a.secretKey === b.secretKey) assert.deepEqual(a.credentialFields, b.credentialFields, `${a.id} and ${b.id} share ${a.secretKey} but not their credentials`);
      }
    }
  });

  for (const d of CLOUD_DESCRIPTORS) {
    it(`${d.displayName}: endpoint, regions, default region and project setting are machine-scoped; its four commands exist`, () => {
      const keys = ['endpoint', 'regions', 'defaultRegion', ...(d.projectSetting ? [d.projectSetting.key] : [])];
      for (const key of keys) assert.equal(properties[`cloudSshKeys.${d.settingsSection}.${key}`]?.scope, 'machine', `cloudSshKeys.${d.settingsSection}.${key}`);
      for (const sub of ['setCredentials', 'signOut', 'importKeyPair', 'createKeyPair']) assert.ok(commands.includes(`cloudSshKeys.${d.id}.${sub}`), `${d.id}.${sub}`);
    });
  }

  /** Whether a menu entry's `when` shows it on a Cloud Key Pairs item with this context value. */
  function menuShows(command: string, contextValue: string): boolean {
    const menus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    // The Cloud Key Pairs view's entry (the Key Audit view has entries of the same commands).
    const entry = menus.find((m) => m.command === command && m.when.includes('view == cloudSshKeys.cloudKeys'));
    assert.ok(entry, `${command} is not in the Cloud Key Pairs item menu`);
    assert.doesNotMatch(entry.when, /\|\||!/, `${command}: only && of viewItem =~ terms are evaluated here`);
    const terms = [...entry.when.matchAll(/viewItem =~ \/((?:\\\/|[^/])*)\//g)].map((m) => new RegExp(m[1]));
    assert.ok(terms.length > 0, `${command} does not look at the item`);
    return terms.every((t) => t.test(contextValue));
  }

  for (const d of CLOUD_DESCRIPTORS) {
    it(`${d.displayName}: Rename, Edit Description, Bind and Unbind show exactly as its capabilities say, whatever its name`, () => {
      const offered = (command: string, bound: boolean) => menuShows(command, keyPairContextValue(d.capabilities, d.id, bound, true));
      assert.equal(offered('cloudSshKeys.renameCloudKeyPair', false), d.capabilities.rename);
      assert.equal(offered('cloudSshKeys.editCloudKeyPairDescription', false), d.capabilities.editDescription);
      assert.equal(offered('cloudSshKeys.bindCloudKeyPair', false), d.capabilities.bind);
      assert.equal(offered('cloudSshKeys.unbindCloudKeyPair', true), d.capabilities.bind);
      assert.equal(offered('cloudSshKeys.unbindCloudKeyPair', false), false, 'Unbind on a key pair bound to nothing');
      assert.equal(offered('cloudSshKeys.deleteCloudKeyPair', false), true);
      // A cloud of another name with the same capabilities gets the same menus.
      for (const command of ['cloudSshKeys.renameCloudKeyPair', 'cloudSshKeys.bindCloudKeyPair'])
        assert.equal(menuShows(command, keyPairContextValue(d.capabilities, 'othercloud', false, true)), offered(command, false), command);
    });
  }

  it('ECS key pairs have no description and cannot be renamed (ECS has neither call)', () => {
    assert.equal(ALIBABA_DESCRIPTOR.descriptionMaxLength, 0);
    assert.equal(ALIBABA_DESCRIPTOR.capabilities.rename, false);
    assert.equal(ALIBABA_DESCRIPTOR.capabilities.editDescription, false);
  });
});
