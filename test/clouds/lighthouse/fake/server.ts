// A fake Tencent Cloud Lighthouse API 3.0 server (version 2020-03-24) on 127.0.0.1 for tests:
// verifies TC3 signatures as the real service does (with the Node SDK's quirks), keeps
// account-wide key pairs and regional instances in memory, rate-limits per action, injects
// faults and logs requests (never secrets). Same shape as the fake CVM (../../tencent/fake).
//
//   const fake = new FakeLighthouse();
//   await fake.start();            // fake.url = http://127.0.0.1:<port>
//   fake.faults.add({ fault: { kind: 'throttle' }, times: 2 });
//   fake.requests                  // what arrived
//   await fake.stop();

import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { DOCUMENTED_RATE_LIMITS, KEY_PAIR_ACTIONS, LIGHTHOUSE_ACTIONS, REGION_REQUIRED_ACTIONS } from './actions';
import { handleAdminRequest } from './admin';
import { FakeCloudServer, commitFaults, headerValue, readBody, redactSecrets } from '../../../fakes/fake-http';
import { commitHostileAnswer } from '../../../fakes/hostile-answers';
import { type FakeCredential, verifyTc3Request } from '../../tencent/fake/auth';
import { FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, type RequestLogEntry } from '../../tencent/fake/server';
import { ApiError, type Params } from './params';
import { isStsRequest, stsAcceptedServices, stsAnswer } from '../../tencent/fake/sts';
import {
  type FakeLighthouseInstance,
  type FakeLighthouseInstanceState,
  type FakeLighthouseKeyPair,
  type FakeTag,
  FakeLighthouseAccount,
  type InstanceSeed,
  LIGHTHOUSE_ADDRESS_BLOCK,
  LIGHTHOUSE_INSTANCE_STATES,
  defaultInstances,
  imageLoginUser,
  instanceFromSeed,
  isoSeconds,
  withImageLoginUser,
} from './state';
import { type AddressRequest, type FakeInstanceHost, type InstanceRequest, definedFields, instanceRuleProblem, listenAddressOf } from '../../../fakes/instance-hosts';
import { FAKE_LIGHTHOUSE_REGIONS } from './regions';
import { SlidingWindowLimiter, isAfterProcessing, rewriteAnswer } from '../../../fakes/fault-injection';
import { DEFAULT_ACCEPTED_KEY_TYPES, acceptUndocumentedKeyTypes, checkOpenSshPublicKey } from '../../../fakes/ssh-public-key';

// The same Tencent Cloud account as CVM, so the same API keys.
export { FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, redactSecrets, type FakeCredential, type RequestLogEntry };

export const LIGHTHOUSE_API_VERSION = '2020-03-24';

/** ImportKeyPair: "Public key content of the key pair, which is in the OpenSSH RSA format." */
export const LIGHTHOUSE_DEFAULT_KEY_TYPES: readonly string[] = ['ssh-rsa'];

/**
 * Assumed: 500 key pairs per account. The product quota exists (DescribeGeneralResourceQuotas,
 * resource USER_KEY_PAIR) but no page found states its default.
 */
export const LIGHTHOUSE_DEFAULT_KEY_PAIR_LIMIT = 500;

export interface FakeLighthouseOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  credentials?: FakeCredential[];
  /** Services accepted in the credential scope; default `lighthouse` and the Host's first label (the SDK's choice). */
  acceptedServices?: string[];
  /** Key pairs per account. Default LIGHTHOUSE_DEFAULT_KEY_PAIR_LIMIT. */
  keyPairLimit?: number;
  /** Default: four instances in ap-guangzhou (Linux running, two Linux stopped, Windows stopped), one running in ap-shanghai, at 127.0.2.2–6. */
  instances?: FakeLighthouseInstance[];
  /** Public key types ImportKeyPair accepts. Default ssh-rsa only, as documented. */
  acceptedKeyTypes?: string[];
  /**
   * Also accept the types Lighthouse does not document (ssh-ed25519, ECDSA); acceptedKeyTypes wins.
   * Default: the environment variable CLOUD_SSH_KEYS_FAKE_ACCEPT_UNDOCUMENTED_KEY_TYPES=1, else false.
   */
  acceptUndocumentedKeyTypes?: boolean;
  /** Requests per second per action per SecretId, for every action. Default: each action's documented limit. */
  rateLimitPerSecond?: number;
  /** How long a bind or unbind stays OPERATING (the actions are asynchronous). Default 0: done at once. */
  operationMs?: number;
  /**
   * Whether the key pair actions need a Region: 'required' (default: the current Chinese reference
   * and the 2026 English pages) or 'optional' (the older English pages: "not required"). See
   * REGION_REQUIRED_ACTIONS in actions.ts.
   */
  keyPairRegion?: 'optional' | 'required';
  /** The loopback block of the default and new instances' addresses (public 127.0.<block>.n, private 127.1.<block>.n). Default LIGHTHOUSE_ADDRESS_BLOCK (2). */
  addressBlock?: number;
  /**
   * The user every Linux instance logs in as (for a harness whose sshd lets in one user:
   * test/harness/instance-servers.mjs). Lighthouse reports no login user, the image decides, so an
   * instance whose image logs in as another gets one that does (withImageLoginUser: TencentOS
   * Server for `root`, Ubuntu for `ubuntu`). Default: each instance keeps its image.
   */
  loginUser?: 'root' | 'ubuntu';
}

/** An API error to answer instead of running the action (e.g. UnauthorizedOperation.MFAExpired). */
export interface InjectedError {
  code: string;
  message?: string;
  /** Only this action; all when absent. */
  action?: string;
  /** This many requests; until cleared when absent. */
  times?: number;
}

/** Switches of POST /__admin/options. */
export interface FakeLighthouseSwitches {
  errors?: InjectedError[];
  clearErrors?: boolean;
  operationMs?: number;
  listingLagMs?: number;
  keyPairLimit?: number;
  acceptedKeyTypes?: string[];
  /** true: every type the fake reads; false: the documented ssh-rsa only. */
  acceptUndocumentedKeyTypes?: boolean;
  keyPairRegion?: 'optional' | 'required';
}

export class FakeLighthouse extends FakeCloudServer<RequestLogEntry> {
  account: FakeLighthouseAccount;
  private readonly credentials: FakeCredential[];
  private readonly limiters = new Map<string, SlidingWindowLimiter>();
  private rateLimitOverride: number | undefined;
  private acceptedKeyTypes: readonly string[];
  private keyPairRegion: 'optional' | 'required';
  private injectedErrors: Array<InjectedError & { remaining: number }> = [];
  /** Ends the next operation under way on time, so that the authorized keys listener hears it then. */
  private settleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FakeLighthouseOptions = {}) {
    super('fake Lighthouse server', options.port);
    if (options.loginUser !== undefined && options.loginUser !== 'root' && options.loginUser !== 'ubuntu') {
      throw new Error(`FakeLighthouse: loginUser must be root or ubuntu (the users of Tencent Cloud's Linux images), not ${JSON.stringify(options.loginUser)}`);
    }
    this.credentials = options.credentials ?? [{ ...FAKE_TEST_CREDENTIAL }];
    this.rateLimitOverride = options.rateLimitPerSecond;
    this.acceptedKeyTypes = this.options.acceptedKeyTypes ?? (acceptUndocumentedKeyTypes(this.options.acceptUndocumentedKeyTypes) ? DEFAULT_ACCEPTED_KEY_TYPES : LIGHTHOUSE_DEFAULT_KEY_TYPES);
    this.keyPairRegion = options.keyPairRegion ?? 'required';
    this.account = this.freshAccount();
  }

  /** Back to a fresh account: no key pairs, default instances, no faults or injected errors, empty log, constructor settings. */
  reset(): void {
    this.account = this.freshAccount();
    this.faults.clear();
    this.injectedErrors = [];
    this.limiters.clear();
    this.rateLimitOverride = this.options.rateLimitPerSecond;
    this.acceptedKeyTypes = this.options.acceptedKeyTypes ?? (acceptUndocumentedKeyTypes(this.options.acceptUndocumentedKeyTypes) ? DEFAULT_ACCEPTED_KEY_TYPES : LIGHTHOUSE_DEFAULT_KEY_TYPES);
    this.keyPairRegion = this.options.keyPairRegion ?? 'required';
    this.clearRequests();
    this.scheduleSettle();
    void this.syncAuthorizedKeys();
  }

  override async stop(): Promise<void> {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    await super.stop();
  }

  /** Sets the rate limit of every action (requests per second per action per SecretId). */
  setRateLimit(perSecond: number): void {
    this.rateLimitOverride = perSecond;
    this.limiters.clear();
  }

  /** Answers the next matching requests with an API error, before the action runs. */
  injectError(error: InjectedError): void {
    this.injectedErrors.push({ ...error, remaining: error.times ?? Number.POSITIVE_INFINITY });
  }

  clearInjectedErrors(): void {
    this.injectedErrors = [];
  }

  /** Sets switches (see FakeLighthouseSwitches); returns why they are invalid, or undefined. */
  setSwitches(switches: FakeLighthouseSwitches): string | undefined {
    const problem = switchesProblem(switches);
    if (problem) return problem;
    if (switches.clearErrors) this.clearInjectedErrors();
    for (const error of switches.errors ?? []) this.injectError(error);
    if (switches.operationMs !== undefined) this.account.operationMs = switches.operationMs;
    if (switches.listingLagMs !== undefined) this.account.listingLagMs = switches.listingLagMs;
    if (switches.keyPairLimit !== undefined) this.account.keyPairLimit = switches.keyPairLimit;
    if (switches.acceptUndocumentedKeyTypes !== undefined) this.acceptedKeyTypes = switches.acceptUndocumentedKeyTypes ? DEFAULT_ACCEPTED_KEY_TYPES : LIGHTHOUSE_DEFAULT_KEY_TYPES;
    if (switches.acceptedKeyTypes !== undefined) this.acceptedKeyTypes = switches.acceptedKeyTypes;
    if (switches.keyPairRegion !== undefined) this.keyPairRegion = switches.keyPairRegion;
    return undefined;
  }

  /** Puts a key pair straight into the account (no limits, no rate limit): for seeding tests. Any OpenSSH key type. */
  seedKeyPair(seed: { name: string; publicKey: string; tags?: FakeTag[]; createdTime?: string }): FakeLighthouseKeyPair {
    const key = checkOpenSshPublicKey(seed.publicKey);
    if (!key.ok) throw new Error(`seedKeyPair: bad public key: ${key.reason}`);
    const keyPair: FakeLighthouseKeyPair = {
      KeyId: this.account.newKeyId(),
      KeyName: seed.name,
      PublicKey: `${key.type} ${key.blobBase64}`,
      blobBase64: key.blobBase64,
      CreatedTime: seed.createdTime ?? isoSeconds(new Date()),
      Tags: [...(seed.tags ?? [])],
    };
    this.account.addKeyPair(keyPair);
    return keyPair;
  }

  /** Every key pair of the account (there are no regional ones), oldest first. */
  keyPairs(): FakeLighthouseKeyPair[] {
    return [...this.account.keyPairs.values()];
  }

  /** Adds an instance (region ap-guangzhou, RUNNING, Linux, the next free loopback addresses unless told otherwise); returns it. */
  seedInstance(seed: Omit<InstanceSeed, 'InstanceId'> & { InstanceId?: string }): FakeLighthouseInstance {
    const instance = this.withLoginUser(instanceFromSeed({ ...seed, InstanceId: seed.InstanceId ?? this.account.newInstanceId() }, this.account.freeAddresses()));
    if (this.account.instances.has(instance.InstanceId)) throw new Error(`seedInstance: ${instance.InstanceId} exists`);
    if (!FAKE_LIGHTHOUSE_REGIONS.has(instance.region)) throw new Error(`seedInstance: no Lighthouse region ${instance.region}`);
    this.account.addInstance(instance);
    void this.syncAuthorizedKeys();
    return this.account.instances.get(instance.InstanceId) as FakeLighthouseInstance;
  }

  /** POST /__admin/instances. */
  createInstance(request: InstanceRequest): { instanceId: string } | { problem: string } {
    const problem = instanceRuleProblem(request, {
      idPattern: /^lhins-[0-9a-z]{8}$/,
      idForm: 'lhins- and 8 lowercase letters or digits',
      regions: FAKE_LIGHTHOUSE_REGIONS,
      states: LIGHTHOUSE_INSTANCE_STATES,
      exists: (id) => this.account.instances.has(id),
    });
    if (problem) return { problem };
    const instance = this.seedInstance(
      definedFields({
        InstanceId: request.instanceId,
        InstanceName: request.name,
        region: request.region,
        Zone: request.region && `${request.region}-3`,
        InstanceState: request.state as FakeLighthouseInstanceState | undefined,
        PlatformType: request.windows ? ('WINDOWS' as const) : undefined,
        // Platform is the OS family in capitals (UBUNTU, CENTOS, DEBIAN, …): here the OS name's first word.
        Platform: request.windows ? undefined : /^[A-Za-z]+/.exec(request.osName ?? '')?.[0].toUpperCase(),
        OsName: request.osName,
        PublicAddresses: request.publicIps,
        PrivateAddresses: request.privateIps,
      }),
    );
    return { instanceId: instance.InstanceId };
  }

  /** Terminates an instance at once (the fake skips SHUTDOWN, TERMINATING and DELETING): it accepts no key any more. */
  deleteInstance(instanceId: string): void {
    if (!this.instance(instanceId)) throw new Error(`no instance ${instanceId}`);
    this.account.instances.delete(instanceId);
    void this.syncAuthorizedKeys();
  }

  /** Replaces the addresses given; the other list stays. */
  setInstanceAddresses(instanceId: string, addresses: AddressRequest): void {
    const instance = this.instance(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    if (addresses.publicIps) instance.PublicAddresses = [...addresses.publicIps];
    if (addresses.privateIps) instance.PrivateAddresses = [...addresses.privateIps];
  }

  /** A restart (RebootInstances): a bind is written into the instance when it finishes, so the keys it accepts do not change. */
  rebootInstance(instanceId: string): void {
    this.setInstanceState(instanceId, 'RUNNING');
  }

  instanceHosts(): FakeInstanceHost[] {
    this.account.settle();
    return [...this.account.instances.values()].map((i) => ({
      instanceId: i.InstanceId,
      region: i.region,
      state: i.InstanceState,
      platform: i.PlatformType === 'WINDOWS' ? 'windows' : 'linux',
      listenAddress: listenAddressOf(i.PublicAddresses, i.PrivateAddresses),
      loginUser: imageLoginUser(i),
      port: 22,
      authorizedKeys: this.account.authorizedKeys(i),
    }));
  }

  /** Arms a timer for the next operation under way to end (binds are asynchronous), so the listener hears it on time. */
  private scheduleSettle(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    const endsAtMs = this.account.nextOperationEndMs();
    if (endsAtMs === undefined) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.syncAuthorizedKeys().then(() => this.scheduleSettle());
    }, Math.max(0, endsAtMs - Date.now()) + 1);
    this.settleTimer.unref();
  }

  instance(instanceId: string): FakeLighthouseInstance | undefined {
    this.account.settle();
    return this.account.instances.get(instanceId);
  }

  /** Instances of a region. */
  instancesIn(region: string): FakeLighthouseInstance[] {
    this.account.settle();
    return this.account.instancesIn(region);
  }

  /** Puts an instance in a state at once (ending any operation under way). */
  setInstanceState(instanceId: string, state: FakeLighthouseInstanceState): void {
    const instance = this.instance(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    if (instance.pending) {
      instance.KeyIds = instance.pending.finalKeyIds;
      instance.LatestOperationState = 'SUCCESS';
      instance.pending = undefined;
    }
    instance.InstanceState = state;
  }

  private freshAccount(): FakeLighthouseAccount {
    const block = this.options.addressBlock ?? LIGHTHOUSE_ADDRESS_BLOCK;
    return new FakeLighthouseAccount(
      (this.options.instances ?? defaultInstances(block)).map((i) => this.withLoginUser(i)),
      this.options.keyPairLimit ?? LIGHTHOUSE_DEFAULT_KEY_PAIR_LIMIT,
      this.options.operationMs ?? 0,
      block,
    );
  }

  /** The instance with the `loginUser` option applied. */
  private withLoginUser(instance: FakeLighthouseInstance): FakeLighthouseInstance {
    return this.options.loginUser === undefined ? instance : withImageLoginUser(instance, this.options.loginUser);
  }

  private limiterFor(action: string): SlidingWindowLimiter {
    let limiter = this.limiters.get(action);
    if (!limiter) {
      limiter = new SlidingWindowLimiter(this.rateLimitOverride ?? DOCUMENTED_RATE_LIMITS.get(action) ?? 10);
      this.limiters.set(action, limiter);
    }
    return limiter;
  }

  /** The injected error for one request of `action`, using up one application of it. */
  private takeInjectedError(action: string): InjectedError | undefined {
    const match = this.injectedErrors.find((e) => e.action === undefined || e.action === action);
    if (!match) return undefined;
    match.remaining--;
    this.injectedErrors = this.injectedErrors.filter((e) => e.remaining > 0);
    return match;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/__admin/')) {
      await handleAdminRequest(this, req.method ?? 'GET', url.pathname, body, res);
      this.scheduleSettle();
      return;
    }

    const action = headerValue(req, 'x-tc-action');
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      action,
      region: headerValue(req, 'x-tc-region'),
      signatureVerified: false,
      faults: [],
    };
    this.log.push(entry);
    const faults = this.faults.take(action ?? '');
    entry.faults = faults.map((f) => f.kind);
    if (commitHostileAnswer(faults, res, '{"Response":{"RequestId":"hostile","KeyPairSet":[')) return;

    const before = faults.filter((f) => !isAfterProcessing(f));
    const after = faults.filter(isAfterProcessing);
    if (await commitFaults(before, req, res, undefined, '{"Response":{"RequestId":"')) return;

    const skewSeconds = faults.reduce((sum, f) => sum + (f.kind === 'clock-skew' ? f.seconds : 0), 0);
    const requestId = crypto.randomUUID();
    entry.requestId = requestId;
    let response: Record<string, unknown>;
    try {
      const forceThrottle = faults.some((f) => f.kind === 'throttle');
      response = await this.process(req, url, body, { skewSeconds, forceThrottle }, entry, requestId);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      entry.errorCode = error.code;
      response = { Error: { Code: error.code, Message: error.message } };
    }
    // The listener hears what a finished bind changed before the answer leaves; one still under
    // way is heard when it ends.
    await this.syncAuthorizedKeys();
    this.scheduleSettle();
    const json = rewriteAnswer(JSON.stringify({ Response: { ...response, RequestId: requestId } }), after);
    const answer = { status: 200, headers: { 'content-type': 'application/json', 'x-tc-requestid': requestId }, json };
    if (await commitFaults(after, req, res, answer, json)) return;
    res.writeHead(200, answer.headers).end(json);
  }

  /** Authentication, common parameters, rate limit and the action itself. Throws ApiError. */
  private async process(
    req: http.IncomingMessage,
    url: URL,
    body: Buffer,
    faults: { skewSeconds: number; forceThrottle: boolean },
    entry: RequestLogEntry,
    requestId: string,
  ): Promise<Record<string, unknown>> {
    if (req.method !== 'POST' || url.pathname !== '/') {
      // The real API also takes GET with query parameters; the SDK never uses it, so the fake does not.
      throw new ApiError('InvalidParameter', 'The fake accepts only POST / with a JSON body.');
    }
    const host = headerValue(req, 'host') ?? '';
    // STS (GetCallerIdentity) is asked at the same URL: told apart by its Version, signed for its own service.
    const sts = isStsRequest(headerValue(req, 'x-tc-version'));
    const verdict = verifyTc3Request(
      { method: 'POST', path: '/', query: url.search.slice(1), headers: req.headers, body },
      {
        credentials: this.credentials,
        acceptedServices: sts ? stsAcceptedServices(host) : (this.options.acceptedServices ?? ['lighthouse', host.split('.')[0]]),
        nowSeconds: Date.now() / 1000 + faults.skewSeconds,
      },
    );
    entry.secretId = verdict.secretId;
    if (!verdict.ok) throw new ApiError(verdict.code, verdict.message);
    entry.signatureVerified = true;

    const contentType = headerValue(req, 'content-type') ?? '';
    if (!/^application\/json\b/i.test(contentType)) throw new ApiError('InvalidParameter', 'Content-Type must be application/json.');
    if (sts) return stsAnswer(entry.action, entry.region || undefined, this.credentials.find((c) => c.secretId === verdict.secretId)!, (code, message) => new ApiError(code, message));
    const version = headerValue(req, 'x-tc-version');
    if (!version) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Version`.');
    if (version !== LIGHTHOUSE_API_VERSION) throw new ApiError('NoSuchVersion', `The API version \`${version}\` does not exist; use ${LIGHTHOUSE_API_VERSION}.`);
    const action = entry.action;
    if (!action) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Action`.');
    const handler = LIGHTHOUSE_ACTIONS.get(action);
    if (!handler) throw new ApiError('InvalidAction', `The action \`${action}\` does not exist.`);
    const region = entry.region === '' ? undefined : entry.region;
    const needsRegion = REGION_REQUIRED_ACTIONS.has(action) || (this.keyPairRegion === 'required' && KEY_PAIR_ACTIONS.has(action));
    if (region === undefined && needsRegion) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Region`.');
    // Assumed: a Region given to an action that does not need one must still be a Lighthouse region.
    if (region !== undefined && !FAKE_LIGHTHOUSE_REGIONS.has(region)) throw new ApiError('UnsupportedRegion', `The region \`${region}\` is not supported.`);

    let params: Params;
    try {
      params = JSON.parse(body.length ? body.toString('utf8') : '{}') as Params;
    } catch {
      throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (!params || typeof params !== 'object' || Array.isArray(params)) throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
    entry.params = redactSecrets(params);

    // The limit is per client, so it applies once the client is known. Only requests that
    // got this far count towards it: a refused one does not.
    if (faults.forceThrottle || !this.limiterFor(action).tryAcquire(verdict.secretId, Date.now())) {
      throw new ApiError('RequestLimitExceeded', 'Your request rate limit has been exceeded.');
    }
    const injected = this.takeInjectedError(action);
    if (injected) throw new ApiError(injected.code, injected.message ?? `Injected error ${injected.code}.`);
    this.account.settle();
    return handler(params, { account: this.account, region, requestId, acceptedKeyTypes: this.acceptedKeyTypes });
  }
}

function switchesProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected an object of switches';
  const switches = value as Record<string, unknown>;
  const known = ['errors', 'clearErrors', 'operationMs', 'listingLagMs', 'keyPairLimit', 'acceptedKeyTypes', 'acceptUndocumentedKeyTypes', 'keyPairRegion'];
  const unknown = Object.keys(switches).find((k) => !known.includes(k));
  if (unknown) return `unknown switch ${unknown}; known: ${known.join(', ')}`;
  for (const name of ['operationMs', 'listingLagMs', 'keyPairLimit']) {
    const n = switches[name];
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) return `${name} must be an integer >= 0`;
  }
  if (switches.clearErrors !== undefined && typeof switches.clearErrors !== 'boolean') return 'clearErrors must be a boolean';
  if (switches.acceptUndocumentedKeyTypes !== undefined && typeof switches.acceptUndocumentedKeyTypes !== 'boolean') return 'acceptUndocumentedKeyTypes must be a boolean';
  if (switches.keyPairRegion !== undefined && switches.keyPairRegion !== 'optional' && switches.keyPairRegion !== 'required') return "keyPairRegion must be 'optional' or 'required'";
  const types = switches.acceptedKeyTypes;
  if (types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string'))) return 'acceptedKeyTypes must be a list of strings';
  const errors = switches.errors;
  if (errors !== undefined) {
    if (!Array.isArray(errors)) return 'errors must be a list of {code, message?, action?, times?}';
    for (const e of errors as Array<Partial<Record<keyof InjectedError, unknown>> | null>) {
      if (!e || typeof e.code !== 'string' || !e.code) return 'an error needs a code';
      if (e.message !== undefined && typeof e.message !== 'string') return 'an error message must be a string';
      if (e.action !== undefined && typeof e.action !== 'string') return 'an error action must be a string';
      if (e.times !== undefined && !(Number.isInteger(e.times) && (e.times as number) > 0)) return 'an error times must be a positive integer';
    }
  }
  return undefined;
}
