// Builds the fixture HOME the real-host suites run against, with the REAL ssh-keygen:
//   ~/.ssh        the key folder the Local Keys view shows (every kind of entry it must handle)
//   ~/other-ssh   a second folder, for the cloudSshKeys.sshDirectories setting
//   ~/workspace   the folder the workbench opens: a .pub file and a notes.txt (explorer menus)
// Writes <root>/fixture.json describing it; the tests find it through CLOUD_SSH_KEYS_TEST_FIXTURE.
// Expected fingerprints are not stored: the tests ask ssh-keygen themselves.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sshKeygen } from './common.mjs';

export const FIXTURE_ENV = 'CLOUD_SSH_KEYS_TEST_FIXTURE';

function keygen(file, type, { bits, comment = path.basename(file), passphrase = '', pem = false } = {}) {
  const args = ['-q', '-t', type, '-f', file, '-N', passphrase, '-C', comment];
  if (bits) args.push('-b', String(bits));
  if (pem) args.push('-m', 'PEM');
  sshKeygen(args);
}

/**
 * Creates the fixture under `home` (which must exist) and returns its description;
 * `root` receives fixture.json.
 */
export function createFixture(home, root = path.dirname(home)) {
  const ssh = path.join(home, '.ssh');
  const other = path.join(home, 'other-ssh');
  const workspace = path.join(home, 'workspace');
  for (const d of [ssh, other]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  fs.mkdirSync(workspace, { recursive: true });
  const j = (...p) => path.join(ssh, ...p);

  // A plain pair, an RSA pair whose private key is in the old PEM format, a passphrase-protected pair.
  keygen(j('id_ed25519'), 'ed25519', { comment: 'alice@fixture' });
  keygen(j('id_rsa_pem'), 'rsa', { bits: 2048, pem: true, comment: 'rsa-pem@fixture' });
  keygen(j('id_encrypted'), 'ed25519', { passphrase: 'secret', comment: 'encrypted@fixture' });
  // A private key without .pub, a .pub without private key.
  keygen(j('only_private'), 'ecdsa', { bits: 256, comment: 'only-private@fixture' });
  fs.rmSync(j('only_private.pub'));
  keygen(j('only_public'), 'ed25519', { comment: 'only-public@fixture' });
  fs.rmSync(j('only_public'));
  // A private key others may read: ssh refuses it, the view must say so.
  keygen(j('unsafe_key'), 'ed25519', { comment: 'unsafe@fixture' });
  fs.chmodSync(j('unsafe_key'), 0o644);
  // Things that live in ~/.ssh but are no key pairs (known_hosts even holds a public key).
  execFileSync('mkfifo', [j('agent_fifo')]);
  const hostKey = fs.readFileSync(j('only_public.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(j('known_hosts'), `git.example.invalid ${hostKey}\n`, { mode: 0o644 });
  fs.writeFileSync(j('config'), 'Host *\n  IdentityFile ~/.ssh/id_ed25519\n  IdentitiesOnly yes\n', { mode: 0o600 });

  // The second folder.
  keygen(path.join(other, 'work_ed25519'), 'ed25519', { comment: 'work@fixture' });
  keygen(path.join(other, 'deploy_rsa'), 'rsa', { bits: 2048, comment: 'deploy@fixture' });

  // The workspace: a public key file (made elsewhere, only the .pub is copied) and a text file.
  const scratch = fs.mkdtempSync(path.join(root, 'keygen-'));
  keygen(path.join(scratch, 'team_key'), 'ed25519', { comment: 'team@fixture' });
  fs.copyFileSync(path.join(scratch, 'team_key.pub'), path.join(workspace, 'team_key.pub'));
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.writeFileSync(path.join(workspace, 'notes.txt'), 'Not a key.\n');

  const fixture = {
    home,
    sshDir: ssh,
    otherDir: other,
    workspace,
    /** Items the Local Keys view must show for ~/.ssh, with the markers each one carries. */
    sshItems: {
      id_ed25519: { markers: [], comment: 'alice@fixture', private: j('id_ed25519'), public: j('id_ed25519.pub') },
      id_rsa_pem: { markers: [], comment: 'rsa-pem@fixture', private: j('id_rsa_pem'), public: j('id_rsa_pem.pub'), typeAndBits: 'RSA 2048' },
      id_encrypted: { markers: ['passphrase-protected'], comment: 'encrypted@fixture', private: j('id_encrypted'), public: j('id_encrypted.pub') },
      only_private: { markers: ['private only'], comment: 'only-private@fixture', private: j('only_private') },
      only_public: { markers: ['public only'], comment: 'only-public@fixture', public: j('only_public.pub') },
      unsafe_key: { markers: ['unsafe permissions'], comment: 'unsafe@fixture', private: j('unsafe_key'), public: j('unsafe_key.pub') },
    },
    /** Entries of ~/.ssh that must never become items. */
    notItems: ['agent_fifo', 'known_hosts', 'config'],
    otherItems: ['deploy_rsa', 'work_ed25519'],
    workspacePub: path.join(workspace, 'team_key.pub'),
    workspaceText: path.join(workspace, 'notes.txt'),
  };
  const file = path.join(root, 'fixture.json');
  fs.writeFileSync(file, JSON.stringify(fixture, null, 2) + '\n');
  return { fixture, file };
}

/** Extensions installed beside the one under test in the restricted-mode run (see installTrustProbes). */
export const TRUST_PROBES = {
  /** Declares exactly the `capabilities` of this checkout's package.json. */
  ours: 'cloud-ssh-keys-test.trust-probe',
  /** Declares `untrustedWorkspaces.supported: false`: restricted mode must disable it. */
  unsupported: 'cloud-ssh-keys-test.trust-probe-unsupported',
};

/**
 * VS Code never applies workspace trust to the extension under development, so the restricted-mode
 * run cannot see VS Code's decision on our own manifest directly. These two do-nothing extensions,
 * installed the ordinary way (a folder in the extensions folder and its extensions.json), let it:
 * one carries our `capabilities` block, the other (the control) one that restricted mode disables.
 */
export function installTrustProbes(extensionsDir, capabilities) {
  const manifests = {
    [TRUST_PROBES.ours]: capabilities,
    [TRUST_PROBES.unsupported]: { untrustedWorkspaces: { supported: false, description: 'A control for the restricted-mode tests.' } },
  };
  const installed = [];
  for (const [id, caps] of Object.entries(manifests)) {
    const [publisher, name] = id.split('.');
    const version = '0.0.1';
    const folder = path.join(extensionsDir, `${id}-${version}`);
    fs.mkdirSync(folder, { recursive: true });
    // VS Code treats an extension without code as supporting untrusted workspaces whatever it declares: give it some.
    const manifest = { name, publisher, version, engines: { vscode: '^1.90.0' }, main: './probe.js', capabilities: caps };
    fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    fs.writeFileSync(path.join(folder, 'probe.js'), 'exports.activate = () => {};\n');
    installed.push({
      identifier: { id },
      version,
      location: { $mid: 1, path: folder, scheme: 'file' },
      relativeLocation: path.basename(folder),
    });
  }
  fs.writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify(installed));
}
