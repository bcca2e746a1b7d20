// The one way a command runs a cloud request: under a cancellable progress notification whose
// Cancel aborts the request, and with any failure told once ("<title> failed: <reason>", Show Log)
// and logged with its details. A cancellation is not a failure: it shows nothing.
import * as vscode from 'vscode';
import { abortSignalFor, type Reporter, showCloudError } from '../platform/cloud-errors';

export type StepOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface StepOptions {
  /** What the progress notification says while the step runs (default: the title). */
  progress?: string;
  /** `false`: the caller explains the failure itself (the outcome carries the error). */
  showError?: boolean;
}

/** Runs `work` as one cloud step of the command `title` (see the file comment). */
export async function runCloudStep<T>(
  reporter: Reporter,
  title: string,
  work: (signal: AbortSignal, token: vscode.CancellationToken) => Promise<T>,
  options: StepOptions = {},
): Promise<StepOutcome<T>> {
  try {
    const value = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: options.progress ?? title, cancellable: true },
      async (_progress, token) => {
        const abort = abortSignalFor(token);
        try {
          return await work(abort.signal, token);
        } finally {
          abort.dispose();
        }
      },
    );
    return { ok: true, value };
  } catch (error) {
    if (options.showError !== false) showCloudError(reporter, title, error);
    return { ok: false, error };
  }
}
