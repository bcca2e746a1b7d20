// The admin endpoints every fake cloud server offers, for tests that drive it from another process:
//   GET    /__admin/requests   the request log (JSON array)
//   DELETE /__admin/requests   empties the log
//   GET    /__admin/faults     active fault rules
//   POST   /__admin/faults     adds a rule or an array of rules: {"fault":{"kind":"throttle"},"times":2}
//   DELETE /__admin/faults     removes every rule
//   GET    /__admin/state      key pairs (public data only) and instances
//   POST   /__admin/reset      fresh account, no faults, empty log
//   POST   /__admin/instances/<id>/state   body {"state": one of the fake's instance states}
//   POST   /__admin/rate-limit  body {"perSecond": n}
//   POST   /__admin/options     fake-specific switches (the fake ECS: {"acceptEd25519": false, "throttleStatus": 429})

import type * as http from 'node:http';
import { type FaultPlan, type FaultRule, faultRuleProblem } from './fault-injection';

/** What a fake exposes to its admin endpoints. */
export interface AdminTarget {
  readonly requests: readonly unknown[];
  clearRequests(): void;
  readonly faults: FaultPlan;
  /** Key pairs (public data only) and instances. */
  adminState(): unknown;
  reset(): void;
  setRateLimit(perSecond: number): void;
  /** The states an instance can be put in (`RUNNING`, `STOPPED` on CVM; `Running`, `Stopped` on ECS). */
  readonly instanceStates: readonly string[];
  hasInstance(instanceId: string): boolean;
  setInstanceState(instanceId: string, state: string): void;
  /** Fake-specific switches; returns why the body is invalid, or undefined. */
  setOptions?(options: unknown): string | undefined;
}

function reply(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value, null, 2));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch {
    return undefined;
  }
}

/** Answers one `/__admin/...` request. */
export function handleAdmin(fake: AdminTarget, method: string, path: string, body: Buffer, res: http.ServerResponse): void {
  const route = `${method} ${path}`;
  if (route === 'GET /__admin/requests') return reply(res, 200, fake.requests);
  if (route === 'DELETE /__admin/requests') {
    fake.clearRequests();
    return reply(res, 200, { cleared: true });
  }
  if (route === 'GET /__admin/faults') return reply(res, 200, fake.faults.list());
  if (route === 'DELETE /__admin/faults') {
    fake.faults.clear();
    return reply(res, 200, { cleared: true });
  }
  if (route === 'POST /__admin/faults') {
    const parsed = parseJson(body);
    const rules = Array.isArray(parsed) ? parsed : [parsed];
    const problem = rules.map(faultRuleProblem).find((p) => p !== undefined);
    if (problem) return reply(res, 400, { error: problem });
    for (const rule of rules as FaultRule[]) fake.faults.add(rule);
    return reply(res, 200, { added: rules.length });
  }
  if (route === 'GET /__admin/state') return reply(res, 200, fake.adminState());
  if (route === 'POST /__admin/reset') {
    fake.reset();
    return reply(res, 200, { reset: true });
  }
  if (route === 'POST /__admin/rate-limit') {
    const perSecond = (parseJson(body) as { perSecond?: unknown } | undefined)?.perSecond;
    if (typeof perSecond !== 'number' || perSecond < 1) return reply(res, 400, { error: 'expected {"perSecond": n >= 1}' });
    fake.setRateLimit(perSecond);
    return reply(res, 200, { perSecond });
  }
  if (route === 'POST /__admin/options' && fake.setOptions) {
    const problem = fake.setOptions(parseJson(body));
    return problem ? reply(res, 400, { error: problem }) : reply(res, 200, { ok: true });
  }
  const instanceState = /^POST \/__admin\/instances\/([^/]+)\/state$/.exec(route);
  if (instanceState) {
    const state = (parseJson(body) as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || !fake.instanceStates.includes(state)) {
      return reply(res, 400, { error: `expected {"state": ${fake.instanceStates.map((s) => `"${s}"`).join(' | ')}}` });
    }
    if (!fake.hasInstance(instanceState[1])) return reply(res, 404, { error: `no instance ${instanceState[1]}` });
    fake.setInstanceState(instanceState[1], state);
    return reply(res, 200, { instanceId: instanceState[1], state });
  }
  reply(res, 404, { error: `unknown admin route ${route}` });
}
