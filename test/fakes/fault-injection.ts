// Faults a test can make the fake CVM server commit: slow answers, throttling, 5xx, hangs,
// sockets closed mid-response, truncated JSON, a skewed server clock.

/**
 * One kind of misbehaviour. `afterProcessing: true` means the action is carried out first
 * (the key really gets imported) and only the answer goes wrong, which is how a client
 * ends up not knowing whether its call landed.
 */
export type Fault =
  | { kind: 'latency'; ms: number; afterProcessing?: boolean }
  | { kind: 'throttle' }
  | { kind: 'http-error'; status?: number; afterProcessing?: boolean }
  | { kind: 'hang'; afterProcessing?: boolean }
  // With `contentLength`, node-fetch 2 (inside the SDK) does not notice the cut and waits for
  // its timeout; without (chunked, the default) it fails at once with "Premature close".
  | { kind: 'reset'; afterProcessing?: boolean; contentLength?: boolean }
  | { kind: 'malformed-json'; afterProcessing?: boolean }
  | { kind: 'clock-skew'; seconds: number }
  // A hostile or broken cloud: the action runs, then fields of the JSON answer are replaced
  // (`set`, by dotted path from the answer's root, e.g. `Response.KeyPair.KeyId`; array items by
  // index, `*` for every item) or removed (`remove`). Values may be of any JSON type.
  | { kind: 'rewrite'; set?: Record<string, unknown>; remove?: string[] }
  // Hostile answers (test/fakes/hostile-answers.ts), sent instead of running the action: a redirect
  // to `location` (another host), a 200 JSON answer that never ends, a huge one (default 200 MB,
  // with or without Content-Length), and silence (the request is read, never answered).
  | { kind: 'redirect'; status: 307 | 308; location: string }
  | { kind: 'endless' }
  | { kind: 'huge'; bytes?: number; contentLength?: boolean }
  | { kind: 'silent' };

export type FaultKind = Fault['kind'];

/** The faults that replace the whole answer with a hostile one. */
export type HostileAnswerFault = Extract<Fault, { kind: 'redirect' | 'endless' | 'huge' | 'silent' }>;

export function isHostileAnswer(fault: Fault): fault is HostileAnswerFault {
  return fault.kind === 'redirect' || fault.kind === 'endless' || fault.kind === 'huge' || fault.kind === 'silent';
}

/** A fault, the action it is limited to (all when absent), and how many requests it hits (all when absent). */
export interface FaultRule {
  fault: Fault;
  action?: string;
  times?: number;
}

/** Whether a fault acts on the answer, after the action ran. Resets and bad JSON are "mid-response" by default. */
export function isAfterProcessing(fault: Fault): boolean {
  if (fault.kind === 'throttle' || fault.kind === 'clock-skew') return false;
  if (fault.kind === 'rewrite') return true;
  if (isHostileAnswer(fault)) return false;
  return fault.afterProcessing ?? (fault.kind === 'reset' || fault.kind === 'malformed-json');
}

const KINDS: ReadonlySet<string> = new Set(['latency', 'throttle', 'http-error', 'hang', 'reset', 'malformed-json', 'clock-skew', 'rewrite', 'redirect', 'endless', 'huge', 'silent']);

/** Checks a rule that came over HTTP; returns why it is invalid, or undefined. */
export function faultRuleProblem(value: unknown): string | undefined {
  const rule = value as Partial<FaultRule> | null;
  if (!rule || typeof rule !== 'object' || !rule.fault || typeof rule.fault !== 'object') return 'expected {fault: {kind, ...}, action?, times?}';
  const fault = rule.fault as Partial<Fault> & Record<string, unknown>;
  if (!KINDS.has(String(fault.kind))) return `unknown fault kind ${String(fault.kind)}; known: ${[...KINDS].join(', ')}`;
  if (fault.kind === 'latency' && !(typeof fault.ms === 'number' && fault.ms >= 0)) return 'latency needs ms >= 0';
  if (fault.kind === 'clock-skew' && typeof fault.seconds !== 'number') return 'clock-skew needs seconds';
  if (fault.kind === 'redirect' && !((fault.status === 307 || fault.status === 308) && typeof fault.location === 'string')) return 'redirect needs status 307 or 308 and a location';
  if (fault.kind === 'huge' && fault.bytes !== undefined && !(Number.isInteger(fault.bytes) && (fault.bytes as number) > 0)) return 'huge.bytes must be a positive integer';
  if (fault.kind === 'rewrite') {
    const set = fault.set as unknown;
    const remove = fault.remove as unknown;
    if (set !== undefined && (typeof set !== 'object' || set === null || Array.isArray(set))) return 'rewrite.set must be an object of path → value';
    if (remove !== undefined && !(Array.isArray(remove) && remove.every((p) => typeof p === 'string'))) return 'rewrite.remove must be a list of paths';
    if (set === undefined && remove === undefined) return 'rewrite needs set or remove';
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) return 'times must be a positive integer';
  if (rule.action !== undefined && typeof rule.action !== 'string') return 'action must be a string';
  return undefined;
}

/** The active fault rules, consumed request by request. */
export class FaultPlan {
  private rules: Array<FaultRule & { remaining: number }> = [];

  /** Adds a rule; it applies to the next `times` matching requests, or until cleared. */
  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules still active, with what is left of them. */
  list(): Array<FaultRule & { remaining: number | null }> {
    return this.rules.map((r) => ({ ...r, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
  }

  /** The faults for one request of `action`, using up one application of each matching rule. */
  take(action: string): Fault[] {
    const faults: Fault[] = [];
    for (const rule of this.rules) {
      if (rule.action !== undefined && rule.action !== action) continue;
      faults.push(rule.fault);
      rule.remaining--;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return faults;
  }
}

/** Server-side rate limit: at most `limit` requests per key in any sliding window of `windowMs`. */
export class SlidingWindowLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    public limit: number,
    private readonly windowMs = 1000,
  ) {}

  /** Records a request and says whether it is allowed; refused requests do not count. */
  tryAcquire(key: string, nowMs: number): boolean {
    const times = (this.sent.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    const allowed = times.length < this.limit;
    if (allowed) times.push(nowMs);
    this.sent.set(key, times);
    return allowed;
  }

  clear(): void {
    this.sent.clear();
  }
}

/** The answer JSON with every `rewrite` fault applied (unchanged when there is none). */
export function rewriteAnswer(json: string, faults: readonly Fault[]): string {
  const rewrites = faults.filter((f): f is Extract<Fault, { kind: 'rewrite' }> => f.kind === 'rewrite');
  if (!rewrites.length) return json;
  const answer = JSON.parse(json) as unknown;
  for (const rewrite of rewrites) {
    for (const [path, value] of Object.entries(rewrite.set ?? {})) applyAtPath(answer, path.split('.'), (parent, key) => (parent[key] = value));
    for (const path of rewrite.remove ?? []) applyAtPath(answer, path.split('.'), (parent, key) => delete parent[key]);
  }
  return JSON.stringify(answer);
}

/** Calls `change` on the parent of every place `path` names (`*` matches every array item or key). */
function applyAtPath(node: unknown, path: string[], change: (parent: Record<string, unknown>, key: string) => void): void {
  if (!node || typeof node !== 'object') return;
  const [head, ...rest] = path;
  const parent = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(parent) : [head];
  for (const key of keys) {
    if (rest.length === 0) change(parent, key);
    else applyAtPath(parent[key], rest, change);
  }
}
