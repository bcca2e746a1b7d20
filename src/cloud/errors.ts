// Cloud failures as one error type whose message says what happened and what to do.
// Messages are English templates with {0} placeholders plus args (like `Problem` in
// src/keys/types.ts) so the VS Code layer can translate them with vscode.l10n.t.

import { visibleText } from '../keys/visibleText';

/** A cloud's id as its folder under src/clouds/ and the registry name it (`tencent`). */
export type CloudProviderId = string;

/** Which cloud, for the sentences shared code builds: its id and the name users know (a descriptor is one). */
export interface CloudIdentity {
  id: CloudProviderId;
  displayName: string;
}

/**
 * What went wrong, which decides whether a retry is safe:
 * - `api`: the cloud answered with an error code (nothing changed);
 * - `throttled`: the cloud refused because of the request rate (nothing changed, retry later);
 * - `connection`: no connection could be made (nothing was sent);
 * - `timeout`: no answer in time (the call may or may not have been carried out);
 * - `interrupted`: the answer was cut off, garbled, or a 5xx (the call may have been carried out);
 * - `cancelled`: the caller's AbortSignal fired;
 * - `config`: refused locally before sending (bad endpoint, missing credentials);
 * - `outcome-lost`: the call was carried out but its answer, needed to go on, was lost.
 */
export type CloudErrorKind = 'api' | 'throttled' | 'connection' | 'timeout' | 'interrupted' | 'cancelled' | 'config' | 'outcome-lost';

export interface CloudErrorInit {
  provider?: CloudProviderId;
  kind: CloudErrorKind;
  /** The cloud's error code (`AuthFailure.SignatureFailure`) or a local one (`Timeout`, `Cancelled`). */
  code: string;
  /** English sentence with `{0}`, `{1}` placeholders. */
  template: string;
  args?: Array<string | number>;
  /** The cloud's RequestId; empty when no answer arrived. */
  requestId?: string;
  /** The cloud's own message, for the log. */
  serverMessage?: string;
  /** The API action that failed. */
  action?: string;
  httpStatus?: number;
}

/**
 * Fills `{0}`, `{1}` in a template, each argument shown with visibleText: arguments may be a
 * cloud's own text (its Message, a key name from its answer), which must not reach a terminal or
 * a log raw. The arguments themselves stay exact (CloudError.args, for --json and callers).
 */
export function renderTemplate(template: string, args: ReadonlyArray<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? visibleText(String(args[Number(index)])) : whole));
}

/** A failed cloud call. `message` is the English sentence plus the RequestId, never a secret. */
export class CloudError extends Error {
  override readonly name = 'CloudError';
  readonly provider?: CloudProviderId;
  readonly kind: CloudErrorKind;
  readonly code: string;
  readonly template: string;
  readonly args: Array<string | number>;
  readonly requestId: string;
  readonly serverMessage?: string;
  readonly action?: string;
  readonly httpStatus?: number;

  constructor(init: CloudErrorInit) {
    const args = init.args ?? [];
    const sentence = renderTemplate(init.template, args);
    super(init.requestId ? `${sentence} (RequestId: ${visibleText(init.requestId)})` : sentence);
    this.provider = init.provider;
    this.kind = init.kind;
    this.code = init.code;
    this.template = init.template;
    this.args = args;
    this.requestId = init.requestId ?? '';
    this.serverMessage = init.serverMessage;
    this.action = init.action;
    this.httpStatus = init.httpStatus;
  }

  /** The sentence without the RequestId. */
  get sentence(): string {
    return renderTemplate(this.template, this.args);
  }

  /** True when the call may have been carried out although no success answer arrived. */
  get outcomeUnknown(): boolean {
    return this.kind === 'timeout' || this.kind === 'interrupted';
  }

  /** `always`: nothing was done, retrying is safe; `if-idempotent`: the call may have landed; `never`. */
  get retry(): 'always' | 'if-idempotent' | 'never' {
    if (this.kind === 'throttled' || this.kind === 'connection') return 'always';
    if (this.outcomeUnknown) return 'if-idempotent';
    return 'never';
  }
}

/**
 * Whether `error` is a CloudError, recognized by shape rather than `instanceof`: each cloud's chunk
 * (dist/<cloud>.js) bundles its own copy of this class, so an error from a chunk is no instance of
 * the extension's or the CLI's copy. The one recognizer for the extension and the CLI.
 */
export function isCloudError(error: unknown): error is CloudError {
  const e = error as Partial<CloudError> | null;
  return !!e && typeof e === 'object' && e.name === 'CloudError' && typeof e.code === 'string' && typeof e.kind === 'string' && typeof e.template === 'string' && Array.isArray(e.args);
}

/** Whether an error is a cancellation, which the UI shows as nothing at all. */
export function isCancellation(error: unknown): boolean {
  return error instanceof CloudError && error.kind === 'cancelled';
}

/** The error for a call stopped by its AbortSignal. */
export function cancelledError(provider?: CloudProviderId, action?: string): CloudError {
  return new CloudError({ provider, kind: 'cancelled', code: 'Cancelled', template: 'The operation was cancelled.', action });
}

/** The IDs matching `pattern` that a server's message names, each once, in order. */
export function idsNamedIn(serverMessage: string, pattern: RegExp): string[] {
  return [...new Set(serverMessage.match(new RegExp(pattern.source, 'g')) ?? [])];
}

/**
 * Which of the request's items a refusal is about: those the server named; else the only one sent;
 * else none (a batch the server refused without naming a culprit: the sentence says "one of").
 */
export function itemsRefused(named: readonly string[], sent: readonly string[] | undefined): string[] {
  if (named.length > 0) return [...named];
  return sent?.length === 1 ? [...sent] : [];
}

type ArgsFor<C> = (context: C, serverMessage: string) => Array<string | number>;

/**
 * An error-table rule for a refusal about some items: `named` with the items first (then `more`),
 * or, when the refusal is about none in particular, `unnamed` with `more` only.
 */
export function aboutItems<C, Id extends string>(
  which: (context: C, serverMessage: string) => string[],
  named: Id,
  unnamed: Id,
  more: ArgsFor<C> = () => [],
): (context: C, serverMessage: string) => [Id, Array<string | number>] {
  return (c, m) => {
    const ids = which(c, m);
    return ids.length > 0 ? [named, [ids.join(', '), ...more(c, m)]] : [unnamed, more(c, m)];
  };
}
