// Every question a command asks and every notification it shows goes through one `UserInput`, so
// that the in-host tests answer the questions (test/integration/test-user-input.ts) instead of
// product code taking test-only parameters — as vscode-azuretools' `context.ui` / TestUserInput do.
import * as vscode from 'vscode';

/** The parts of `vscode.window` a command talks to the user with. */
export type UserInput = Pick<
  typeof vscode.window,
  'showQuickPick' | 'showInputBox' | 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage' | 'showSaveDialog' | 'showOpenDialog'
>;

/**
 * The user, or (outside production) whoever a test put in their place. The commands hold this one
 * object; `answerWith` swaps what is behind it, and `undefined` gives the user back.
 */
export class CommandUserInput implements UserInput {
  private standIn: UserInput | undefined;

  answerWith(standIn: UserInput | undefined): void {
    this.standIn = standIn;
  }

  private get target(): UserInput {
    return this.standIn ?? vscode.window;
  }

  readonly showQuickPick: UserInput['showQuickPick'] = ((...args: Parameters<UserInput['showQuickPick']>) =>
    this.target.showQuickPick(...args)) as UserInput['showQuickPick'];
  readonly showInputBox: UserInput['showInputBox'] = (...args) => this.target.showInputBox(...args);
  readonly showInformationMessage: UserInput['showInformationMessage'] = ((...args: Parameters<UserInput['showInformationMessage']>) =>
    this.target.showInformationMessage(...args)) as UserInput['showInformationMessage'];
  readonly showWarningMessage: UserInput['showWarningMessage'] = ((...args: Parameters<UserInput['showWarningMessage']>) =>
    this.target.showWarningMessage(...args)) as UserInput['showWarningMessage'];
  readonly showErrorMessage: UserInput['showErrorMessage'] = ((...args: Parameters<UserInput['showErrorMessage']>) =>
    this.target.showErrorMessage(...args)) as UserInput['showErrorMessage'];
  readonly showSaveDialog: UserInput['showSaveDialog'] = (...args) => this.target.showSaveDialog(...args);
  readonly showOpenDialog: UserInput['showOpenDialog'] = (...args) => this.target.showOpenDialog(...args);
}
