// Create Key Pair in a cloud, two ways: (1, the default) generate it here and import the public
// half — the private key never leaves the machine; (2) let the cloud generate it, and store the
// private key from its one-time answer atomically, 0600, never over a file, never losing it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkCreatedPrivateKey } from '../cloud/created-key';
import { isDocumentedKeyType } from '../cloud/descriptors';
import { renderTemplate } from '../cloud/errors';
import type { KeyPair } from '../cloud/provider';
import { generateKeyPair as generateKeys } from '../keys/generate';
import { writeNewFileAtomic } from '../keys/save-key-files';
import type { CloudAccount } from '../platform/cloud-account';
import { cloudErrorReason, type Reporter, showCloudError } from '../platform/cloud-errors';
import { shownText } from '../platform/shown-text';
import { type CloudCommandServices, askKeyName, notifyKeyId, pickRegions, takenNameCheck } from './cloud-common';
import { askCommentAndPassphrase } from './generate-key-pair';
import { runCloudStep } from './run-cloud-step';

export interface CreateOutcome {
  /** The key pair created (generated here: the first region's). */
  keyPair: KeyPair;
  privateKeyPath: string;
  publicKeyPath: string;
  /** Generated here for several regions: each region's key pair, or why its import failed. */
  regions?: Array<{ region: string; keyId?: string; error?: string }>;
}

function fileTaken(directory: string, name: string): string | undefined {
  for (const file of [name, `${name}.pub`]) {
    if (fs.existsSync(path.join(directory, file))) return vscode.l10n.t('{0} already exists; choose another name.', path.join(directory, file));
  }
  return undefined;
}

/** The shared all-or-nothing, never-overwriting write (src/keys/save-key-files.ts), as the flows call it. */
export async function writeNewFileAtomically(file: string, content: string, mode: number): Promise<void> {
  writeNewFileAtomic(file, content, mode);
}

/**
 * The cloud's private key could not be written where intended: keep asking for a place until it is
 * saved (the cloud keeps no copy). Resolves with the path it was saved to.
 */
async function keepUntilSaved({ ui, log }: Reporter, name: string, privateKey: string, reason: string): Promise<string> {
  let why = reason;
  for (;;) {
    const saveAs = vscode.l10n.t('Save As…');
    const choice = await ui.showErrorMessage(
      vscode.l10n.t(
        'The private key of {0} could not be saved: {1}. The cloud keeps no copy: it is only in memory now and is lost when this window closes. Save it somewhere.',
        name,
        why,
      ),
      { modal: true },
      saveAs,
    );
    if (choice !== saveAs) continue;
    const uri = await ui.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(os.homedir(), name)), title: vscode.l10n.t('Save the private key of {0}', name) });
    if (!uri) continue;
    const target = uri.fsPath;
    try {
      await writeNewFileAtomically(target, privateKey, 0o600);
      log.info(`Saved the private key of ${name} to ${target}`);
      return target;
    } catch (error) {
      why = (error as Error).message;
      log.error(`Saving the private key of ${name} to ${target} failed: ${why}`);
    }
  }
}

/** Creates a key pair in `account` (see the file comment). */
export async function createCloudKeyPair(s: CloudCommandServices, account: CloudAccount): Promise<CreateOutcome | undefined> {
  const { descriptor } = account;
  const title = vscode.l10n.t('Create {0} Key Pair', descriptor.serviceName);
  let provider;
  try {
    provider = await account.provider();
  } catch (error) {
    showCloudError(s, title, error);
    return undefined;
  }
  const directory = s.config.sshDirectories[0];
  if (!directory) {
    void s.ui.showErrorMessage(vscode.l10n.t('No SSH folder is configured (setting cloudSshKeys.sshDirectories).'));
    return undefined;
  }

  const how = await s.ui.showQuickPick(
    [
      {
        label: vscode.l10n.t('Generate on this computer and import the public key'),
        description: vscode.l10n.t('recommended: the private key never leaves this computer'),
        method: 'local' as const,
      },
      {
        label: vscode.l10n.t('Let {0} generate it', descriptor.displayName),
        description: vscode.l10n.t('RSA; the private key is downloaded once and saved in {0}', directory),
        method: 'cloud' as const,
      },
    ],
    { title: vscode.l10n.t('{0}: how?', title), ignoreFocusOut: true },
  );
  if (!how) return undefined;
  const { method } = how;
  // The key types the cloud documents come first (RSA 3072 where RSA is documented: the default); the
  // others are offered too, saying the cloud may refuse them (its fake does, as documented).
  const documentedNote = vscode.l10n.t("not in {0}'s documented list; it may refuse it", descriptor.displayName);
  const offered = [
    { label: 'ED25519', description: vscode.l10n.t('recommended: small, fast, widely supported'), algorithm: 'ed25519' as const, bits: undefined, sshType: 'ssh-ed25519' },
    { label: 'RSA 3072', description: vscode.l10n.t('for servers and clouds that accept only RSA'), algorithm: 'rsa' as const, bits: 3072, sshType: 'ssh-rsa' },
    { label: 'RSA 4096', description: undefined, algorithm: 'rsa' as const, bits: 4096, sshType: 'ssh-rsa' },
    { label: 'ECDSA P-256', description: undefined, algorithm: 'ecdsa' as const, bits: 256, sshType: 'ecdsa-sha2-nistp256' },
  ]
    .map((t) => {
      const documented = isDocumentedKeyType(descriptor, t.sshType);
      return { ...t, documented, description: documented ? t.description : documentedNote };
    })
    .sort((a, b) => Number(b.documented) - Number(a.documented));
  let keyType = offered[0];
  if (method === 'local') {
    const picked = await s.ui.showQuickPick(offered, { title: vscode.l10n.t('{0}: key type', title), ignoreFocusOut: true });
    if (!picked) return undefined;
    keyType = picked;
  }
  const type = keyType.algorithm;
  // An account-wide cloud holds one set of key pairs: there is no region to choose. A key made here
  // can go to several regions (as Import does); the cloud's CreateKeyPair makes one key in one region.
  const regions = account.accountWide
    ? [account.defaultRegion]
    : await pickRegions(s.ui, account, method === 'local' ? vscode.l10n.t('{0}: regions', title) : vscode.l10n.t('{0}: region', title), method === 'local');
  if (!regions?.length) return undefined;
  const region = regions[0];
  const suggested = descriptor.sanitizeKeyName(`${method === 'local' ? type : 'rsa'}_${os.userInfo().username}`);
  // Checked as typed against the regions' key pairs too: a taken name would fail only after the key was generated.
  const taken = takenNameCheck(s, account, regions);
  const name = await askKeyName(s.ui, account, vscode.l10n.t('{0}: key pair name (also the file name in {1})', title, directory), suggested, (v) => fileTaken(directory, v) ?? taken(v));
  if (name === undefined) return undefined;
  // Generated here: the comment and an optional passphrase, as Generate New Key Pair asks them.
  let comment = name;
  let passphrase = '';
  if (method === 'local') {
    const asked = await askCommentAndPassphrase(s.ui, {
      comment: vscode.l10n.t('{0}: comment', title),
      passphrase: vscode.l10n.t('{0}: passphrase', title),
      repeat: vscode.l10n.t('{0}: repeat the passphrase', title),
    });
    if (!asked) return undefined;
    ({ comment, passphrase } = asked);
  }
  const privateKeyPath = path.join(directory, name);
  const publicKeyPath = `${privateKeyPath}.pub`;

  const step = await runCloudStep(
    s,
    title,
    async (signal, token) => {
      await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
      let outcome: CreateOutcome;
      if (method === 'local') {
        const keys = await generateKeys({ type, bits: keyType.bits, comment, passphrase: passphrase || undefined });
        await writeNewFileAtomically(privateKeyPath, keys.privateKey, 0o600);
        await writeNewFileAtomically(publicKeyPath, keys.publicKey, 0o644);
        s.log.info(`Generated ${type} key pair ${privateKeyPath} (${keys.facts.sha256}); importing its public key into ${regions.join(', ')}`);
        const publicKey = keys.facts.openssh ?? keys.publicKey.trim();
        // One key, imported into every region at once; a region that fails does not undo the others.
        const results = await Promise.allSettled(regions.map((r) => provider.importKeyPair({ region: r, name, publicKey, projectId: account.projectId }, { signal })));
        const first = results.find((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof provider.importKeyPair>>> => r.status === 'fulfilled');
        if (!first) {
          // The key files stay: the key can be imported again later.
          void s.ui.showWarningMessage(vscode.l10n.t('The key pair was generated and saved as {0}, but the import failed.', privateKeyPath));
          throw (results[0] as PromiseRejectedResult).reason;
        }
        outcome = {
          keyPair: first.value.keyPair,
          privateKeyPath,
          publicKeyPath,
          regions: results.map((r, i) => (r.status === 'fulfilled' ? { region: regions[i], keyId: r.value.keyPair.id } : { region: regions[i], error: cloudErrorReason(r.reason) })),
        };
      } else {
        // Once CreateKeyPair is sent, its answer holds the only copy of the private key: Cancel
        // no longer stops it (that would leave a key pair nobody can use); it is awaited and
        // saved, and the user is told so. The operation deadline still ends a hung request.
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        const waitingNotice = token.onCancellationRequested(() => {
          void s.ui.showInformationMessage(
            vscode.l10n.t('The request to create {0} was already sent: waiting for {1}\'s answer, which holds the only copy of the private key. It will be saved when it arrives.', name, descriptor.displayName),
          );
        });
        let created;
        try {
          created = await provider.createKeyPair({ region, name, projectId: account.projectId });
        } finally {
          waitingNotice.dispose();
        }
        s.log.info(shownText(`${descriptor.displayName} created ${created.keyPair.id || '(malformed id)'} in ${region}`));
        let savedAt = privateKeyPath;
        const privateText = created.privateKey.endsWith('\n') ? created.privateKey : `${created.privateKey}\n`;
        try {
          await writeNewFileAtomically(privateKeyPath, privateText, 0o600);
        } catch (error) {
          s.log.error(`Writing the private key to ${privateKeyPath} failed: ${(error as Error).message}`);
          savedAt = await keepUntilSaved(s, name, privateText, (error as Error).message);
        }
        // Saved: now the answer may be checked. The .pub comes from the private key itself.
        const check = checkCreatedPrivateKey(created, descriptor.displayName, savedAt);
        let savedPublic = '';
        if (check.publicBlobLine) {
          try {
            await writeNewFileAtomically(`${savedAt}.pub`, `${check.publicBlobLine} ${name}\n`, 0o644);
            savedPublic = `${savedAt}.pub`;
          } catch (error) {
            s.log.warn(`Writing ${savedAt}.pub failed: ${(error as Error).message}`);
          }
        }
        if (check.problem) {
          s.log.error(`${check.problem.code}: ${renderTemplate(check.problem.template, check.problem.args)}`);
          void s.ui.showErrorMessage(vscode.l10n.t(check.problem.template, ...check.problem.args));
        }
        if (created.malformed) {
          s.log.error(shownText(`${created.malformed.code}: ${created.malformed.sentence}`));
          void s.ui.showErrorMessage(
            vscode.l10n.t('{0} The key pair was created and its private key saved first ({1}); refresh the Cloud Key Pairs view to see what the cloud holds.', cloudErrorReason(created.malformed), savedAt),
          );
        }
        outcome = { keyPair: created.keyPair, privateKeyPath: savedAt, publicKeyPath: savedPublic };
      }
      return outcome;
    },
    { progress: vscode.l10n.t('Creating the key pair {0} in {1} {2}…', name, descriptor.displayName, region) },
  );
  if (!step.ok) return undefined;
  const outcome = step.value;
  await s.localKeys.refresh();
  await s.cloudKeys.refreshRegions(account, regions); // the view shows it before the command ends
  if (outcome.regions && outcome.regions.length > 1) {
    // Several regions: one notification saying where it landed and where it did not.
    const landed = outcome.regions.filter((r) => r.keyId).map((r) => `${r.region} ${shownText(r.keyId!)}`);
    const failed = outcome.regions.filter((r) => !r.keyId).map((r) => `${r.region} (${r.error})`);
    const message = vscode.l10n.t('Created the key pair {0} here and imported it to {1}: {2}. Private key: {3}', name, descriptor.serviceName, landed.join(', '), shownText(outcome.privateKeyPath));
    void (failed.length ? s.ui.showWarningMessage(`${message} ${vscode.l10n.t('Failed in {0}.', failed.join('; '))}`) : s.ui.showInformationMessage(message));
    return outcome;
  }
  notifyKeyId(
    s.ui,
    account,
    vscode.l10n.t('Created the key pair {0} in {1} {2}: {3}. Private key: {4}', name, descriptor.displayName, region, shownText(outcome.keyPair.id), shownText(outcome.privateKeyPath)),
    outcome.keyPair.id,
  );
  return outcome;
}
