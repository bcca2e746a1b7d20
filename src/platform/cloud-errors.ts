import * as vscode from 'vscode';
import { shownText } from './shown-text';
import type { UserInput } from './user-input';

import { isCloudError } from '../cloud/errors';

export { isCloudError };

export function isCancelled(error: unknown): boolean {
  return (isCloudError(error) && error.kind === 'cancelled') || (error instanceof vscode.CancellationError);
}

/**
 * The reason in the user's language: the error's English template is the l10n key. Shown
 * (shownText): its args, and any other error's message, may be a cloud's own words.
 */
export function cloudErrorReason(error: unknown): string {
  if (isCloudError(error)) return vscode.l10n.t(error.template, ...error.args.map(shownText));
  return shownText(error instanceof Error ? error.message : String(error));
}

/** Writes the details (code, RequestId, the server's own message) to the log, as one line whatever the cloud sent. */
export function logCloudError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  if (isCloudError(error)) {
    const parts = [`code ${error.code}`, error.requestId ? `RequestId ${error.requestId}` : 'no RequestId', error.action ? `action ${error.action}` : ''];
    log.error(shownText(`${what}: ${error.message} [${parts.filter(Boolean).join(', ')}]${error.serverMessage ? ` server said: ${error.serverMessage}` : ''}`));
  } else if (error instanceof Error) {
    // The message may quote an answer; the stack's frames (this code's files) stay lines of their own.
    const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    log.error([shownText(`${what}: ${error.message}`), ...frames].join('\n'));
  } else {
    log.error(shownText(`${what}: ${String(error)}`));
  }
}

/** Where a command tells the user (`ui`) and keeps the details (`log`). */
export interface Reporter {
  ui: UserInput;
  log: vscode.LogOutputChannel;
}

/**
 * Reports a failed cloud action as "<title> failed: <reason>" with a "Show Log" action; a
 * cancellation shows nothing. Never contains a secret: CloudError messages never do.
 */
export function showCloudError({ ui, log }: Reporter, title: string, error: unknown): void {
  if (isCancelled(error)) return;
  logCloudError(log, title, error);
  const showLog = vscode.l10n.t('Show Log');
  const requestId = isCloudError(error) && error.requestId ? ` (RequestId: ${shownText(error.requestId)})` : '';
  // Not awaited: the command finishes while the message is on screen.
  void ui
    .showErrorMessage(vscode.l10n.t('{0} failed: {1}', shownText(title), cloudErrorReason(error)) + requestId, showLog)
    .then((choice) => (choice === showLog ? log.show(true) : undefined));
}

/** An AbortSignal that fires when the progress notification's Cancel is pressed. */
export function abortSignalFor(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  if (token.isCancellationRequested) controller.abort();
  return { signal: controller.signal, dispose: () => sub.dispose() };
}
