import * as vscode from 'vscode';
import type { CloudAccount, CredentialValues } from '../platform/cloud-account';
import { abortSignalFor, cloudErrorReason, isCancelled, isCloudError, logCloudError } from '../platform/cloud-errors';

/**
 * Asks for the cloud's credentials (the secret ones in password boxes), checks them with one
 * cheap call, and stores them in SecretStorage only. `preset` (tests) supplies the values.
 */
export async function setCloudCredentials(account: CloudAccount, log: vscode.LogOutputChannel, preset?: CredentialValues): Promise<boolean> {
  const { descriptor } = account;
  const fields = descriptor.credentialFields;
  const values: CredentialValues = {};
  for (const [index, field] of fields.entries()) {
    let value: string | undefined;
    if (preset) value = preset[field.id];
    else {
      value = await vscode.window.showInputBox({
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
    }
    if (value?.trim()) values[field.id] = value.trim();
  }
  if (fields.some((f) => !f.optional && !values[f.id])) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The {0} credentials are incomplete; nothing was saved.', descriptor.displayName));
    return false;
  }

  // One cheap call, so that a wrong SecretId or key is reported now rather than at the first import.
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the {0} credentials…', descriptor.displayName), cancellable: true },
      async (_progress, token) => {
        const abort = abortSignalFor(token);
        try {
          await account.connect(values).listRegions({ signal: abort.signal });
        } finally {
          abort.dispose();
        }
      },
    );
  } catch (error) {
    if (isCancelled(error)) return false;
    logCloudError(log, `Checking the ${descriptor.displayName} credentials`, error);
    const refused = isCloudError(error) && (error.kind === 'api' || error.kind === 'config');
    if (refused || preset) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The {0} credentials were not saved: {1}', descriptor.displayName, cloudErrorReason(error)));
      return false;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
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
    void vscode.window.showErrorMessage(
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
  void vscode.window.showInformationMessage(vscode.l10n.t('The {0} credentials are saved in the system keychain.', descriptor.displayName));
  return true;
}

/** Removes the stored credentials (environment variables, if set, still apply: say so). */
export async function signOutOfCloud(account: CloudAccount, log: vscode.LogOutputChannel): Promise<void> {
  const { descriptor } = account;
  try {
    await account.deleteCredentials();
  } catch (error) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Could not remove the {0} credentials from the system keychain: {1}', descriptor.displayName, error instanceof Error ? error.message : String(error)),
    );
    return;
  }
  log.info(`Signed out of ${descriptor.displayName}`);
  const fromEnv = (await account.credentials())?.source === 'environment';
  void vscode.window.showInformationMessage(
    fromEnv
      ? vscode.l10n.t('Removed the stored {0} credentials. The environment variables {1} still provide credentials.', descriptor.displayName, descriptor.credentialFields.map((f) => f.envVar).join(', '))
      : vscode.l10n.t('Signed out of {0}: the stored credentials are removed.', descriptor.displayName),
  );
}
