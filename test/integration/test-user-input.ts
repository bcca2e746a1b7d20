// The user, played by the in-host tests: the extension's commands ask every question and show
// every notification through one UserInput (src/platform/user-input.ts), and the suite puts this
// one in the user's place for the whole run (index.ts). A test queues its answers, in order, then
// runs the command as a user would (no test-only arguments); what was asked and shown is recorded.
//
// A question nobody answered is cancelled (as Escape would) and recorded as a problem, an answer
// nobody asked for is a problem too: `asUser` (helpers.ts) fails the test on either, so a flow that
// starts asking something new, or stops asking, is noticed. As in VS Code, an input box accepts
// only what its validateInput accepts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UserInput } from '../../src/platform/user-input';

/** Pressing Escape / closing the dialog. */
export const CANCEL = Symbol('cancel');

/**
 * What the user does at the next question: a quick pick's label (several for a multi-select; a
 * RegExp matches labels), the text typed into an input box, the button pressed on a modal dialog
 * (or on a notification with buttons), the path chosen in a save/open dialog; or a function of the
 * question returning one of those. `refused` types text and expects the box to refuse it.
 */
export type Answer = string | string[] | RegExp | typeof CANCEL | { refused: string; because: RegExp } | ((question: Question) => Answer);

export interface Question {
  kind: 'quickPick' | 'inputBox' | 'dialog' | 'saveDialog' | 'openDialog';
  /** The title, else the placeholder / prompt; for a dialog its message. */
  title: string;
  /** Quick pick: the labels offered; dialog: its buttons. */
  labels: string[];
  /** Quick pick: the descriptions beside the labels. */
  descriptions: string[];
  /** Input box: the prefilled value. */
  value?: string;
  /** Quick pick: the placeholder (what the box says before anything is typed). */
  placeholder?: string;
}

export interface Shown {
  severity: 'information' | 'warning' | 'error';
  message: string;
  modal: boolean;
  buttons: string[];
}

type Item = vscode.QuickPickItem | string;
type MessageItem = string | vscode.MessageItem;

function labelOf(item: Item | MessageItem): string {
  return typeof item === 'string' ? item : 'label' in item ? item.label : item.title;
}

export class TestUserInput implements UserInput {
  readonly shown: Shown[] = [];
  readonly asked: Question[] = [];
  /** Questions nobody answered, answers that did not fit: each fails the test (see the root hook). */
  readonly problems: string[] = [];
  private answers: Answer[] = [];

  /** The answers to the next questions, in order (appended to any still queued). */
  answer(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  /** Marks where a test starts: what is shown and asked from here on. */
  mark(): { shown: () => string[]; asked: () => Question[] } {
    const [shown, asked] = [this.shown.length, this.asked.length];
    return { shown: () => this.shown.slice(shown).map((s) => s.message), asked: () => this.asked.slice(asked) };
  }

  /** Everything queued was asked and nothing unanswered was; then starts clean for the next test. */
  takeProblems(): string[] {
    const problems = [...this.problems.splice(0), ...this.answers.splice(0).map((a) => `an answer nobody asked for: ${describe(a)}`)];
    return problems;
  }

  private next(question: Question): Answer | undefined {
    this.asked.push(question);
    let answer = this.answers.shift();
    while (typeof answer === 'function') answer = answer(question);
    if (answer === undefined) this.problems.push(`nobody answered the ${question.kind} "${question.title}" (offered: ${JSON.stringify(question.labels)})`);
    return answer;
  }

  private misfit(question: Question, answer: Answer, why: string): undefined {
    this.problems.push(`the answer ${describe(answer)} does not fit the ${question.kind} "${question.title}": ${why}`);
    return undefined;
  }

  readonly showQuickPick = (async (itemsOrPromise: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
    const items = await itemsOrPromise;
    const opts = options ?? {};
    const question: Question = {
      kind: 'quickPick',
      title: opts.title ?? opts.placeHolder ?? '',
      labels: items.map(labelOf),
      descriptions: items.map((i) => (typeof i === 'string' ? '' : (i.description ?? ''))),
      placeholder: opts.placeHolder,
    };
    const answer = this.next(question);
    if (answer === undefined || answer === CANCEL) return undefined;
    const wanted = Array.isArray(answer) ? answer : [answer];
    if (!wanted.every((w) => typeof w === 'string' || w instanceof RegExp)) return this.misfit(question, answer, 'a quick pick takes labels');
    const picked = items.filter((i) => wanted.some((w) => (typeof w === 'string' ? w === labelOf(i) : w.test(labelOf(i)))));
    if (picked.length === 0 || (picked.length !== wanted.length && wanted.every((w) => typeof w === 'string'))) {
      return this.misfit(question, answer, `offered ${JSON.stringify(question.labels)}`);
    }
    if (!opts.canPickMany && picked.length > 1) return this.misfit(question, answer, 'one item only');
    return opts.canPickMany ? picked : picked[0];
  }) as UserInput['showQuickPick'];

  readonly showInputBox: UserInput['showInputBox'] = async (options?: vscode.InputBoxOptions) => {
    const opts = options ?? {};
    const question: Question = { kind: 'inputBox', title: opts.title ?? opts.prompt ?? '', labels: [], descriptions: [], value: opts.value };
    const answer = this.next(question);
    if (answer === undefined || answer === CANCEL) return undefined;
    const refusal = async (text: string) => {
      const problem = await opts.validateInput?.(text);
      return typeof problem === 'string' ? problem : (problem?.message ?? undefined);
    };
    if (typeof answer === 'object' && 'refused' in answer) {
      const message = await refusal(answer.refused);
      if (!message) return this.misfit(question, answer, 'the box accepted it');
      if (!answer.because.test(message)) return this.misfit(question, answer, `the box said "${message}"`);
      return undefined; // refused, and the user gives up (Escape)
    }
    if (typeof answer !== 'string') return this.misfit(question, answer, 'an input box takes text');
    const message = await refusal(answer);
    // As the real box does: Enter does nothing while the validation refuses the text.
    if (message) return this.misfit(question, answer, `the box refused it: ${message}`);
    return answer;
  };

  private message(severity: Shown['severity'], message: string, ...rest: unknown[]): Thenable<MessageItem | undefined> {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as vscode.MessageOptions) : {};
    const items = rest as MessageItem[];
    const modal = options.modal === true;
    this.shown.push({ severity, message, modal, buttons: items.map(labelOf) });
    if (!modal) {
      // A notification's buttons are pressed only when the next answer is one of them.
      const next = this.answers[0];
      const index = typeof next === 'string' ? items.findIndex((i) => labelOf(i) === next) : -1;
      if (index < 0) return Promise.resolve(undefined);
      this.answers.shift();
      this.asked.push({ kind: 'dialog', title: message, labels: items.map(labelOf), descriptions: [] });
      return Promise.resolve(items[index]);
    }
    const question: Question = { kind: 'dialog', title: message, labels: items.map(labelOf), descriptions: [] };
    const answer = this.next(question);
    if (answer === undefined || answer === CANCEL) return Promise.resolve(undefined);
    const item = items.find((i) => labelOf(i) === answer);
    return Promise.resolve(item ?? this.misfit(question, answer, `buttons ${JSON.stringify(question.labels)}`));
  }

  readonly showInformationMessage = ((message: string, ...rest: unknown[]) => this.message('information', message, ...rest)) as UserInput['showInformationMessage'];
  readonly showWarningMessage = ((message: string, ...rest: unknown[]) => this.message('warning', message, ...rest)) as UserInput['showWarningMessage'];
  readonly showErrorMessage = ((message: string, ...rest: unknown[]) => this.message('error', message, ...rest)) as UserInput['showErrorMessage'];

  readonly showSaveDialog: UserInput['showSaveDialog'] = async (options?: vscode.SaveDialogOptions) => {
    const question: Question = { kind: 'saveDialog', title: options?.title ?? '', labels: [], descriptions: [], value: options?.defaultUri?.fsPath };
    const answer = this.next(question);
    if (answer === undefined || answer === CANCEL) return undefined;
    if (typeof answer !== 'string') return this.misfit(question, answer, 'a save dialog takes a path');
    return vscode.Uri.file(answer);
  };

  readonly showOpenDialog: UserInput['showOpenDialog'] = async (options?: vscode.OpenDialogOptions) => {
    const question: Question = { kind: 'openDialog', title: options?.title ?? '', labels: [], descriptions: [] };
    const answer = this.next(question);
    if (answer === undefined || answer === CANCEL) return undefined;
    const paths = Array.isArray(answer) ? answer : [answer];
    if (!paths.every((p) => typeof p === 'string')) return this.misfit(question, answer, 'an open dialog takes paths');
    return (paths as string[]).map((p) => vscode.Uri.file(p));
  };
}

function describe(answer: Answer): string {
  if (answer === CANCEL) return 'Escape';
  if (typeof answer === 'function') return 'a function';
  if (answer instanceof RegExp) return String(answer);
  return JSON.stringify(answer);
}

/** The one stand-in of the whole in-host run (index.ts installs it before the first test). */
export const user = new TestUserInput();

/** Fails when a question went unanswered or an answer unused since the last check (then starts clean). */
export function assertUserSatisfied(): void {
  const problems = user.takeProblems();
  assert.deepEqual(problems, [], `the stand-in user was not satisfied:\n${problems.join('\n')}`);
}

/**
 * For the root hook: what a test left behind (a question asked outside `asUser`) is printed and
 * cleared, so the next test starts clean. It does not throw: a failing root hook would stop the run.
 */
export function reportLeftovers(title: string | undefined): void {
  const problems = user.takeProblems();
  if (problems.length) console.error(`[stand-in user] after "${title}":\n  ${problems.join('\n  ')}`);
}
