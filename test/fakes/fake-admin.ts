// The admin endpoints every fake cloud server offers, for tests that drive it from another process:
//   GET    /__admin/requests   the request log (JSON array)
//   DELETE /__admin/requests   empties the log
//   GET    /__admin/faults     active fault rules
//   POST   /__admin/faults     adds a rule or an array of rules: {"fault":{"kind":"throttle"},"times":2}
//   DELETE /__admin/faults     removes every rule
//   GET    /__admin/state      key pairs (public data only) and instances
//                               (the fake CVM, which has several accounts: the default account's, plus
//                               `accounts` with every account's; ?account=<ownerUin> one account's; see tencent/fake/admin.ts)
//   POST   /__admin/reset      fresh account (the fake CVM: every account), no faults, empty log
//   POST   /__admin/instances/<id>/state   body {"state": one of the fake's instance states}
//   POST   /__admin/instances      creates an instance: {instanceId?, name?, region?, state?, windows?, osName?, publicIps?, privateIps?}
//                                   (the fake CVM also takes ownerUin?: the account to create it in)
//   DELETE /__admin/instances/<id> deletes it
//   POST   /__admin/instances/<id>/addresses   body {"publicIps": [...], "privateIps": [...]} (each given list replaces the old)
//   POST   /__admin/instances/<id>/reboot      restarts it (where a cloud applies a key binding only then)
//   GET    /__admin/hosts          each instance as an sshd harness sees it (instance-hosts.ts)
//   POST   /__admin/rate-limit  body {"perSecond": n}
//   POST   /__admin/options     fake-specific switches (every fake: {"acceptUndocumentedKeyTypes": true}; the fake ECS also {"throttleStatus": 429})

import type * as http from 'node:http';
import { type FaultPlan, type FaultRule, faultRuleProblem } from './fault-injection';
import { type AddressRequest, type FakeInstanceHost, type InstanceRequest, addressRequestProblem, instanceRequestProblem } from './instance-hosts';

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
  /** Creates an instance; returns its id, or why the request does not fit the fake's rules. */
  createInstance(request: InstanceRequest): { instanceId: string } | { problem: string };
  deleteInstance(instanceId: string): void;
  setInstanceAddresses(instanceId: string, addresses: AddressRequest): void;
  rebootInstance(instanceId: string): void;
  instanceHosts(): FakeInstanceHost[];
  /** Tells the authorized keys listener what changed; awaited before an admin call is answered. */
  syncAuthorizedKeys(): Promise<void>;
}

function reply(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value, null, 2));
}

function answer(status: number, value: unknown): [number, unknown] {
  return [status, value];
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch {
    return undefined;
  }
}

/** Answers one `/__admin/...` request, once the authorized keys listener has heard what it changed. */
export async function handleAdmin(fake: AdminTarget, method: string, path: string, body: Buffer, res: http.ServerResponse): Promise<void> {
  const [status, value] = adminAnswer(fake, `${method} ${path}`, body);
  await fake.syncAuthorizedKeys();
  reply(res, status, value);
}

/** The status and JSON of one admin route, after doing what it says. */
function adminAnswer(fake: AdminTarget, route: string, body: Buffer): [number, unknown] {
  if (route === 'GET /__admin/requests') return answer(200, fake.requests);
  if (route === 'DELETE /__admin/requests') {
    fake.clearRequests();
    return answer(200, { cleared: true });
  }
  if (route === 'GET /__admin/faults') return answer(200, fake.faults.list());
  if (route === 'DELETE /__admin/faults') {
    fake.faults.clear();
    return answer(200, { cleared: true });
  }
  if (route === 'POST /__admin/faults') {
    const parsed = parseJson(body);
    const rules = Array.isArray(parsed) ? parsed : [parsed];
    const problem = rules.map(faultRuleProblem).find((p) => p !== undefined);
    if (problem) return answer(400, { error: problem });
    for (const rule of rules as FaultRule[]) fake.faults.add(rule);
    return answer(200, { added: rules.length });
  }
  if (route === 'GET /__admin/state') return answer(200, fake.adminState());
  if (route === 'POST /__admin/reset') {
    fake.reset();
    return answer(200, { reset: true });
  }
  if (route === 'POST /__admin/rate-limit') {
    const perSecond = (parseJson(body) as { perSecond?: unknown } | undefined)?.perSecond;
    if (typeof perSecond !== 'number' || perSecond < 1) return answer(400, { error: 'expected {"perSecond": n >= 1}' });
    fake.setRateLimit(perSecond);
    return answer(200, { perSecond });
  }
  if (route === 'POST /__admin/options' && fake.setOptions) {
    const problem = fake.setOptions(parseJson(body));
    return problem ? answer(400, { error: problem }) : answer(200, { ok: true });
  }
  if (route === 'GET /__admin/hosts') return answer(200, fake.instanceHosts());
  if (route === 'POST /__admin/instances') {
    const request = parseJson(body);
    const problem = instanceRequestProblem(request);
    if (problem) return answer(400, { error: problem });
    const created = fake.createInstance(request as InstanceRequest);
    return 'problem' in created ? answer(400, { error: created.problem }) : answer(200, created);
  }
  const instanceRoute = /^(POST|DELETE) \/__admin\/instances\/([^/]+)(?:\/(addresses|reboot))?$/.exec(route);
  if (instanceRoute && (instanceRoute[1] === 'POST') === (instanceRoute[3] !== undefined)) {
    const [, , instanceId, what] = instanceRoute;
    if (!fake.hasInstance(instanceId)) return answer(404, { error: `no instance ${instanceId}` });
    if (what === undefined) {
      fake.deleteInstance(instanceId);
      return answer(200, { deleted: instanceId });
    }
    if (what === 'reboot') {
      fake.rebootInstance(instanceId);
      return answer(200, { rebooted: instanceId });
    }
    const addresses = parseJson(body);
    const problem = addressRequestProblem(addresses);
    if (problem) return answer(400, { error: problem });
    fake.setInstanceAddresses(instanceId, addresses as AddressRequest);
    return answer(200, { instanceId, ...(addresses as AddressRequest) });
  }
  const instanceState = /^POST \/__admin\/instances\/([^/]+)\/state$/.exec(route);
  if (instanceState) {
    const state = (parseJson(body) as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || !fake.instanceStates.includes(state)) {
      return answer(400, { error: `expected {"state": ${fake.instanceStates.map((s) => `"${s}"`).join(' | ')}}` });
    }
    if (!fake.hasInstance(instanceState[1])) return answer(404, { error: `no instance ${instanceState[1]}` });
    fake.setInstanceState(instanceState[1], state);
    return answer(200, { instanceId: instanceState[1], state });
  }
  return answer(404, { error: `unknown admin route ${route}` });
}
