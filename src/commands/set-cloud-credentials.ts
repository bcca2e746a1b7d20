import * as vscode from 'vscode';
import type { CloudAccount, CredentialValues } from '../platform/cloud-account';
import { cloudErrorReason, isCancelled, isCloudError, logCloudError, type Reporter } from '../platform/cloud-errors';
import { runCloudStep } from './run-cloud-step';

/**
 * Asks for the cloud's credentials (the secret ones in password boxes), checks them with one
 * cheap call, and stores them in SecretStorage only.
 */
export async function setCloudCredentials(s: Reporter, account: CloudAccount): Promise<boolean> {
  const { ui, log } = s;
  const { descriptor } = account;
  const fields = descriptor.credentialFields;
  const values: CredentialValues = {};
  for (const [index, field] of fields.entries()) {
    const value = await ui.showInputBox({
      title: vscode.l10n.t('Set {0} Credentials ({1}/{2}): {3}', descriptor.displayName, index + 1, fields.length, field.label),
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
  log.info(`${descriptor.displayName} credentials checked and stored in SecretStorage`);
  void ui.showInformationMessage(vscode.l10n.t('The {0} credentials are saved in the system keychain.', descriptor.displayName));
  return true;
}

/** Removes the stored credentials (environment variables, if set, still apply: say so). */
export async function signOutOfCloud({ ui, log }: Reporter, account: CloudAccount): Promise<void> {
  const { descriptor } = account;
  const wasStored = (await account.credentials())?.source === 'secrets';
  try {
    await account.deleteCredentials();
  } catch (error) {
    void ui.showErrorMessage(
      vscode.l10n.t('Could not remove the {0} credentials from the system keychain: {1}', descriptor.displayName, error instanceof Error ? error.message : String(error)),
    );
    return;
  }
  log.info(`Signed out of ${descriptor.displayName}`);
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
