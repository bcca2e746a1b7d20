// The provider-neutral flows every cloud shares: importing with recovery of a lost answer,
// creating without ever losing (or silently re-creating) a private key, paging and batching.
// Providers supply the requests, their rules and their error texts.

import { CloudError, type CloudIdentity } from './errors';
import type { CreatedKeyPair, ImportKeyPairRequest, ImportKeyPairResult, KeyPair } from './provider';
import { identifyPublicKey } from './publicKey';
import { type RetryPolicy, backoffDelayMs, sleep, throwIfAborted, untilAborted } from './retry';

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Now as ISO 8601 UTC without milliseconds. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a lost answer was about, for the sentence that says the outcome is unknown. */
export interface LostAnswerSubject {
  cloud: CloudIdentity;
  name: string;
  region: string;
}

/**
 * Looks the result of a write up after its answer was lost. Each listing is already retried with
 * backoff by the provider when it fails for reasons that say nothing about the write (throttled,
 * 5xx, no connection); a listing that still fails is returned as `{ failed }`. With `mustExist`
 * (the cloud just said the name or key is taken) an empty result is retried with backoff,
 * because a listing may lag a few seconds behind a write. `{ found: undefined }`: not there.
 */
export async function lookUpAfterLostAnswer<T>(
  find: () => Promise<T | undefined>,
  options: { policy: RetryPolicy; signal?: AbortSignal; mustExist?: boolean },
): Promise<{ found: T | undefined } | { failed: CloudError }> {
  for (let attempt = 1; ; attempt++) {
    let found: T | undefined;
    try {
      found = await find();
    } catch (error) {
      if (!(error instanceof CloudError) || error.kind === 'cancelled' || error.kind === 'config') throw error;
      return { failed: error };
    }
    if (found !== undefined || !options.mustExist || attempt >= options.policy.maxAttempts + 1) return { found };
    await sleep(backoffDelayMs(attempt - 1, options.policy), options.signal);
  }
}

/** The sentences for a write whose answer was lost and whose lookup could not tell whether it landed. */
const OUTCOME_UNKNOWN = {
  ImportKeyPair: {
    code: 'ImportOutcomeUnknown',
    template:
      '{0} may have imported the key as "{1}" in {2}: the answer to ImportKeyPair was lost ({3}), and looking the key up failed too ({4}). Refresh the key pairs of {2} before anything else; importing again is safe, because a key already there is found instead of duplicated.',
  },
  CreateKeyPair: {
    code: 'CreateOutcomeUnknown',
    template:
      '{0} may have created the key pair "{1}" in {2}: the answer to CreateKeyPair, the only copy of its private key, was lost ({3}), and looking the key pair up failed too ({4}). List the key pairs of {2}: if "{1}" is there, its private key is gone, so delete it and create it again; if it is not, create it again.',
  },
} as const;

/** `action`'s answer was lost (`cause`) and the lookup failed (`lookup`): the outcome is unknown. */
export function outcomeUnknown(action: keyof typeof OUTCOME_UNKNOWN, subject: LostAnswerSubject, cause: CloudError, lookup: CloudError): CloudError {
  const { code, template } = OUTCOME_UNKNOWN[action];
  return new CloudError({
    provider: subject.cloud.id,
    kind: 'interrupted',
    code,
    template,
    args: [subject.cloud.displayName, subject.name, subject.region, cause.code, lookup.code],
    requestId: lookup.requestId || cause.requestId,
    action,
  });
}

export interface ImportFlow {
  policy: RetryPolicy;
  signal?: AbortSignal;
  subject: LostAnswerSubject;
  /** Sends the import once (retries of "nothing happened" failures inside are fine). */
  send(): Promise<ImportKeyPairResult>;
  /** The cloud's "that name or key is already there" codes. */
  isDuplicate(error: CloudError): boolean;
  /** The key pair already in the cloud holding the same key blob (as the import would have made it), if any. */
  findExisting(): Promise<KeyPair | undefined>;
}

/**
 * Imports a key, never re-sending blindly: when the answer is lost (timeout, dropped connection,
 * 5xx) or the cloud says the name/key exists, it first looks for the key in the cloud and returns
 * it (`recoveredAfterLostAnswer` or `alreadyExisted`); only when it is not there is the import sent
 * again. After a lost answer, "already exists" is most likely our own import not yet in the
 * listing: the lookup then waits for the listing to catch up. A lookup that keeps failing is
 * reported as an unknown outcome, never as the lookup's own error.
 */
export async function importWithRecovery(flow: ImportFlow): Promise<ImportKeyPairResult> {
  let lostAnswer: CloudError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await flow.send();
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      const duplicate = flow.isDuplicate(error);
      if (!duplicate && !error.outcomeUnknown) throw error;
      if (error.outcomeUnknown) lostAnswer = error;
      const lookup = await lookUpAfterLostAnswer(flow.findExisting, { policy: flow.policy, signal: flow.signal, mustExist: duplicate && !!lostAnswer });
      if ('failed' in lookup) {
        if (!lostAnswer) throw error; // nothing was lost: the cloud's own refusal stands
        throw outcomeUnknown('ImportKeyPair', flow.subject, lostAnswer, lookup.failed);
      }
      if (lookup.found) {
        const ours = !!lostAnswer;
        return { keyPair: lookup.found, alreadyExisted: !ours, recoveredAfterLostAnswer: ours };
      }
      if (duplicate || attempt >= flow.policy.maxAttempts) throw error;
      await sleep(backoffDelayMs(attempt - 1, flow.policy), flow.signal);
    }
  }
}

/**
 * Calls that would do the same thing (importing one key into one region) while an earlier one is
 * still running: the later callers wait for the first and take its answer instead of sending a
 * second request. If the first fails or is cancelled, the next waiting caller sends its own.
 */
export class JoinedCalls<T> {
  private readonly running = new Map<string, Promise<T>>();

  async run(key: string, signal: AbortSignal | undefined, call: () => Promise<T>, asJoined: (first: T) => T): Promise<T> {
    for (let first = this.running.get(key); first; first = this.running.get(key)) {
      let answer: T;
      try {
        answer = await untilAborted(first, signal);
      } catch {
        throwIfAborted(signal); // this caller was cancelled while waiting
        continue; // the first failed or was cancelled (perhaps for a reason of its own, like its name): try ourselves
      }
      return asJoined(answer);
    }
    const mine = call();
    this.running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }
}

/**
 * Runs an import unless the same key is already being imported into the same region by this
 * provider: then it answers with that import's key pair (as already there), sending nothing.
 */
export function importJoiningSameKey(
  imports: JoinedCalls<ImportKeyPairResult>,
  request: ImportKeyPairRequest,
  signal: AbortSignal | undefined,
  send: () => Promise<ImportKeyPairResult>,
): Promise<ImportKeyPairResult> {
  const blob = identifyPublicKey(request.publicKey.trim())?.blobBase64;
  if (!blob) return send();
  return imports.run(`${request.region}\n${blob}`, signal, send, (first) => ({ ...first, alreadyExisted: true, recoveredAfterLostAnswer: false }));
}

export interface CreateFlow {
  policy: RetryPolicy;
  signal?: AbortSignal;
  subject: LostAnswerSubject;
  send(): Promise<CreatedKeyPair>;
  /** The cloud's "that name is taken" code. */
  isNameTaken(error: CloudError): boolean;
  /** The key pair of the requested name, if the cloud has one. */
  findByName(): Promise<KeyPair | undefined>;
  /** The error telling that the key pair was created but its private key is lost. */
  outcomeLost(created: KeyPair): CloudError;
}

/**
 * Has the cloud create a key pair. The private key exists only in the answer, so when that is
 * lost and the key pair turns out to exist, the loss is reported (never retried into a second
 * key pair); only when it does not exist is the call sent again. "Name taken" after a lost
 * answer means our own key pair, perhaps not yet in the listing: the lookup waits for it. When
 * the lookup cannot tell, the error says the key pair may exist.
 */
export async function createWithoutLosingPrivateKey(flow: CreateFlow): Promise<CreatedKeyPair> {
  let lostAnswer: CloudError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await flow.send();
    } catch (error) {
      const nameTaken = error instanceof CloudError && flow.isNameTaken(error) && !!lostAnswer;
      if (!(error instanceof CloudError) || !(error.outcomeUnknown || nameTaken)) throw error;
      if (error.outcomeUnknown) lostAnswer = error;
      const lookup = await lookUpAfterLostAnswer(flow.findByName, { policy: flow.policy, signal: flow.signal, mustExist: nameTaken });
      if ('failed' in lookup) throw outcomeUnknown('CreateKeyPair', flow.subject, lostAnswer ?? error, lookup.failed);
      if (lookup.found) throw flow.outcomeLost(lookup.found);
      if (nameTaken) throw outcomeUnknown('CreateKeyPair', flow.subject, lostAnswer ?? error, error);
      if (attempt >= flow.policy.maxAttempts) throw error;
      await sleep(backoffDelayMs(attempt - 1, flow.policy), flow.signal);
    }
  }
}

/** One page of a paged listing: its items and the total the cloud reports. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** A guard against a server whose total never adds up. */
const MAX_PAGES = 1000;

/** Every item of a paged listing; `fetch(pageIndex, itemsSoFar)` gets one page. */
export async function allPages<T>(fetch: (pageIndex: number, itemsSoFar: number) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items: pageItems, total } = await fetch(page, items.length);
    items.push(...pageItems);
    if (pageItems.length === 0 || items.length >= total) break;
  }
  return items;
}
