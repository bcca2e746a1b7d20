// The Get Started walkthrough (package.json contributes.walkthroughs): the steps a user can cancel
// or fail (Set Credentials, Import, Connect) complete on a context key set only where they succeed.
import * as vscode from 'vscode';
import type { CloudAccount } from './cloud-account';

/** `<publisher>.<name>#<walkthrough id>`: how VS Code names the walkthrough's steps (`…#<step id>`). */
const WALKTHROUGH = 'cloud-ssh-keys.cloud-ssh-keys#getStarted';

/** Each context key (`cloudSshKeys.walkthrough.<key>`, the step's completionEvents) and its step's id in package.json. */
const STEPS = { account: 'account', imported: 'importKey', connected: 'connect' } as const;

export type WalkthroughStep = keyof typeof STEPS;

const marked = new Set<WalkthroughStep>();

/** Marks a walkthrough step done. */
export function walkthroughStepDone(step: WalkthroughStep): void {
  void vscode.commands.executeCommand('setContext', `cloudSshKeys.walkthrough.${step}`, true);
  if (marked.has(step)) return;
  marked.add(step);
  // VS Code misses an onContext key that is already true when it registers the walkthrough (it
  // does so when the Welcome page is first needed, often after this): mark the step itself too,
  // once. Its own command; where it is missing or the step is not registered yet, the key remains.
  void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', `${WALKTHROUGH}#${STEPS[step]}`)).catch(() => undefined);
}

/**
 * An account already signed in at start-up (SecretStorage or the environment, the sandbox's test
 * credentials included) completes the account step. Reads only the credentials: no cloud SDK loads.
 */
export function markSignedInAccounts(accounts: readonly CloudAccount[]): void {
  void Promise.all(accounts.map((a) => a.credentials().catch(() => undefined))).then((found) => {
    if (found.some(Boolean)) walkthroughStepDone('account');
  });
}
