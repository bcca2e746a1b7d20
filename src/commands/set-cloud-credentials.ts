import * as vscode from 'vscode';
import type { CloudAccount, CredentialValues } from '../platform/cloud-account';
import { ACCOUNT_LABEL_PATTERN, type CloudAccounts } from '../platform/cloud-accounts';
import { shownText } from '../platform/shown-text';
import { cloudErrorReason, isCancelled, isCloudError, logCloudError, type Reporter } from '../platform/cloud-errors';
import { walkthroughStepDone } from '../platform/walkthrough';
import { runCloudStep } from './run-cloud-step';

/**
 * Where an account's credentials come from. With profiles of the cloud's own CLI on this machine,
 * asks first: use one of them (read from its file, nothing stored), or enter keys. A profile
 * account's keys are in its file: say where, store nothing.
 */
export async function setCloudCredentials(s: Reporter, account: CloudAccount, accounts?: CloudAccounts): Promise<boolean> {
  const { ui } = s;
  const { descriptor } = account;
  if (account.slot.kind === 'profile') {
    void ui.showInformationMessage(
      vscode.l10n.t('{0} reads its credentials from {1}, as the cloud\'s own CLI does; change them there. Nothing is stored for it here.', account.displayName, account.slot.file),
    );
    return false;
  }
  const profiles = accounts?.profiles(descriptor) ?? [];
  if (profiles.length) {
    const enter = { label: vscode.l10n.t('$(key) Enter the {0} Keys…', descriptor.displayName), description: vscode.l10n.t('stored in the system keychain'), profile: undefined as string | undefined };
    const items = [
      ...profiles.map((p) => ({
        label: vscode.l10n.t('$(file) Use the profile "{0}"', shownText(p.name)),
        description: p.file,
        detail: p.region ? vscode.l10n.t('region {0}', shownText(p.region)) : undefined,
        profile: p.name,
      })),
      enter,
    ];
    const picked = await ui.showQuickPick(items, {
      title: vscode.l10n.t('Set {0} Credentials', account.displayName),
      placeHolder: vscode.l10n.t("Use a profile of the cloud's own CLI (read from its file, never copied), or enter keys"),
      ignoreFocusOut: true,
    });
    if (!picked) return false;
    if (picked.profile !== undefined) return useProfile(s, accounts!, account, picked.profile);
  }
  return enterCredentials(s, account);
}

/** Shows the profile's account (again) and checks its credentials with one cheap call. */
async function useProfile(s: Reporter, accounts: CloudAccounts, account: CloudAccount, name: string): Promise<boolean> {
  const { ui, log } = s;
  const profileAccount = await accounts.showProfile(account.descriptor, name);
  if (!profileAccount) return false;
  const credentials = await profileAccount.credentials();
  if (!credentials) {
    void ui.showErrorMessage(vscode.l10n.t('The profile "{0}" cannot be used: {1}', shownText(name), profileAccount.profileProblem ?? ''));
    return false;
  }
  const check = await runCloudStep(s, '', (signal) => profileAccount.connect(credentials.values).listRegions({ signal }), {
    progress: vscode.l10n.t('Checking the {0} credentials…', profileAccount.displayName),
    showError: false,
  });
  if (!check.ok) {
    if (isCancelled(check.error)) return false;
    logCloudError(log, `Checking the ${profileAccount.displayName} credentials`, check.error);
    // Shown all the same (the file is the user's): the node says what is wrong at its first listing.
    void ui.showWarningMessage(vscode.l10n.t('{0} is shown, but its credentials did not work: {1}', profileAccount.displayName, cloudErrorReason(check.error)));
    return false;
  }
  log.info(`${profileAccount.displayName}: credentials from ${profileAccount.slot.kind === 'profile' ? profileAccount.slot.file : ''} checked`);
  void ui.showInformationMessage(vscode.l10n.t('{0} is shown in Cloud Key Pairs: its credentials are read from its file, never copied.', profileAccount.displayName));
  walkthroughStepDone('account');
  return true;
}

/**
 * Another account of the same cloud beside the ones there are: a label the user chooses, then its
 * keys, checked and stored in SecretStorage under that account's own key.
 */
export async function addCloudAccount(s: Reporter, accounts: CloudAccounts, descriptorOf: CloudAccount): Promise<boolean> {
  const { descriptor } = descriptorOf;
  const taken = new Set(accounts.of(descriptor.id).map((a) => a.label?.toLowerCase()).filter(Boolean));
  const label = await s.ui.showInputBox({
    title: vscode.l10n.t('Add a {0} Account', descriptor.displayName),
    prompt: vscode.l10n.t('A name for the account, shown beside the cloud\'s ("work", "customer-a").'),
    ignoreFocusOut: true,
    validateInput: (v) =>
      !ACCOUNT_LABEL_PATTERN.test(v.trim())
        ? vscode.l10n.t('1–40 letters, digits, spaces and . _ @ -, starting with a letter or digit.')
        : taken.has(v.trim().toLowerCase())
          ? vscode.l10n.t('{0} already has an account named "{1}".', descriptor.displayName, v.trim())
          : undefined,
  });
  if (label === undefined) return false;
  const account = await accounts.add(descriptor, label.trim());
  if (await enterCredentials(s, account)) return true;
  // Nothing stored: no empty account left behind.
  if (!(await account.credentials())) await accounts.forget(account);
  return false;
}

/**
 * Asks for the cloud's credentials (the secret ones in password boxes), checks them with one
 * cheap call, and stores them in SecretStorage only.
 */
async function enterCredentials(s: Reporter, account: CloudAccount): Promise<boolean> {
  const { ui, log } = s;
  const { descriptor } = account;
  const fields = descriptor.credentialFields;
  const values: CredentialValues = {};
  for (const [index, field] of fields.entries()) {
    const value = await ui.showInputBox({
      title: vscode.l10n.t('Set {0} Credentials ({1}/{2}): {3}', account.displayName, index + 1, fields.length, field.label),
      prompt: field.optional
        ? vscode.l10n.t('Only for temporary credentials (STS); leave empty otherwise.')
        : descriptor.credentialsHint
          ? vscode.l10n.t(descriptor.credentialsHint, descriptor.displayName)
          : vscode.l10n.t('From the API Keys page of the {0} console. Stored in the system keychain only.', descriptor.displayName),
      password: field.secret,
      ignoreFocusOut: true,
      validateInput: (v) =>
        !v.trim() && !field.optional ? vscode.l10n.t('Enter the {0}.', field.label) : /\s/.test(v.trim()) ? vscode.l10n.t('It contains spaces.') : undefined,
    });
    if (value === undefined) return false;
    if (value.trim()) values[field.id] = value.trim();
  }
  if (fields.some((f) => !f.optional && !values[f.id])) {
    void ui.showErrorMessage(vscode.l10n.t('The {0} credentials are incomplete; nothing was saved.', descriptor.displayName));
    return false;
  }

  // One cheap call, so that a wrong SecretId or key is reported now rather than at the first import.
  const check = await runCloudStep(s, '', (signal) => account.connect(values).listRegions({ signal }), {
    progress: vscode.l10n.t('Checking the {0} credentials…', descriptor.displayName),
    showError: false,
  });
  if (!check.ok) {
    const { error } = check;
    if (isCancelled(error)) return false;
    logCloudError(log, `Checking the ${descriptor.displayName} credentials`, error);
    // Refused by the cloud: never stored. Not checked (network): the user decides.
    if (isCloudError(error) && (error.kind === 'api' || error.kind === 'config')) {
      void ui.showErrorMessage(vscode.l10n.t('The {0} credentials were not saved: {1}', descriptor.displayName, cloudErrorReason(error)));
      return false;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('The {0} credentials could not be checked: {1}', descriptor.displayName, cloudErrorReason(error)),
      saveAnyway,
    );
    if (choice !== saveAnyway) return false;
  }

  try {
    await account.storeCredentials(values);
  } catch (error) {
    // No keyring (Linux without gnome-keyring/KWallet): say so; never store them anywhere else.
    log.error(`SecretStorage refused the ${descriptor.displayName} credentials: ${error instanceof Error ? error.message : String(error)}`);
    void ui.showErrorMessage(
      vscode.l10n.t(
        'The {0} credentials could not be stored: the system keychain (SecretStorage) is unavailable ({1}). They were not saved anywhere else. On Linux, install and unlock a keyring (GNOME Keyring or KWallet) and try again, or set the environment variables {2} before starting VS Code.',
        descriptor.displayName,
        error instanceof Error ? error.message : String(error),
        fields.map((f) => f.envVar).join(', '),
      ),
    );
    return false;
  }
  log.info(`${account.displayName} credentials checked and stored in SecretStorage`);
  void ui.showInformationMessage(vscode.l10n.t('The {0} credentials are saved in the system keychain.', account.displayName));
  walkthroughStepDone('account');
  return true;
}

/**
 * Removes the stored credentials (environment variables, if set, still apply: say so). An added
 * account goes from the view with them; a profile account is hidden, its file left as it is.
 */
export async function signOutOfCloud({ ui, log }: Reporter, account: CloudAccount, accounts?: CloudAccounts): Promise<void> {
  const { descriptor } = account;
  if (account.slot.kind === 'profile') {
    await accounts?.forget(account);
    log.info(`${account.displayName} hidden from the view`);
    void ui.showInformationMessage(
      vscode.l10n.t('{0} is no longer shown. Its file {1} is not changed; Set Credentials offers the profile again.', account.displayName, account.slot.file),
    );
    return;
  }
  const wasStored = (await account.credentials())?.source === 'secrets';
  try {
    await account.deleteCredentials();
  } catch (error) {
    void ui.showErrorMessage(
      vscode.l10n.t('Could not remove the {0} credentials from the system keychain: {1}', descriptor.displayName, error instanceof Error ? error.message : String(error)),
    );
    return;
  }
  log.info(`Signed out of ${account.displayName}`);
  if (account.slot.kind === 'stored') {
    await accounts?.forget(account);
    void ui.showInformationMessage(vscode.l10n.t('Signed out of {0}: the stored credentials are removed.', account.displayName));
    return;
  }
  const fromEnv = (await account.credentials())?.source === 'environment';
  const variables = descriptor.credentialFields.map((f) => f.envVar).join(', ');
  // Say what happened: removed, or there was nothing stored to remove.
  const removed = wasStored
    ? fromEnv
      ? vscode.l10n.t('Removed the stored {0} credentials. The environment variables {1} still provide credentials.', descriptor.displayName, variables)
      : vscode.l10n.t('Signed out of {0}: the stored credentials are removed.', descriptor.displayName)
    : fromEnv
      ? vscode.l10n.t('No {0} credentials were stored in the system keychain; the environment variables {1} provide them (unset them to sign out).', descriptor.displayName, variables)
      : vscode.l10n.t('No {0} credentials were stored: nothing to remove.', descriptor.displayName);
  void ui.showInformationMessage(removed);
}
