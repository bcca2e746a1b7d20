// A fake Alibaba Cloud ECS (API 2014-05-26) server on 127.0.0.1 for tests: verifies the
// ACS3-HMAC-SHA256 signature exactly (wrong secret or an altered parameter → SignatureDoesNotMatch),
// the clock (InvalidTimeStamp.Expired), nonces (SignatureNonceUsed) and AccessKey IDs
// (InvalidAccessKeyId.NotFound); keeps key pairs and instances in memory with the documented
// rules, codes and HTTP statuses; rate-limits (Throttling.User), injects faults and logs requests
// (never secrets or private keys). Shares its server, faults and admin endpoints with the fake CVM.
//
//   const fake = new FakeAlibabaEcs();
//   await fake.start();            // fake.url = http://127.0.0.1:<port>
//   fake.faults.add({ fault: { kind: 'throttle' }, times: 2 });
//   fake.requests                  // what arrived
//   await fake.stop();

import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { ECS_ACTIONS, EcsApiError, FAKE_ECS_REGIONS, REGIONLESS_ECS_ACTIONS } from './actions';
import { FAKE_ECS_ACCOUNT_ID, type FakeAccessKey, verifyEcsRequest } from './auth';
import { checkEcsPublicKey, ecsFingerprint } from './keys';
import {
  DEFAULT_RESOURCE_GROUP,
  ECS_ADDRESS_BLOCK,
  FAKE_ECS_INSTANCE_STATES,
  FakeEcsAccount,
  type FakeEcsInstance,
  type FakeEcsInstanceStatus,
  type FakeEcsKeyPair,
  type EcsInstanceSeed,
  defaultEcsInstances,
  ecsInstance,
  ecsMinutes,
} from './state';
import { type AddressRequest, type FakeInstanceHost, type InstanceRequest, definedFields, instanceRuleProblem, listenAddressOf } from '../../../fakes/instance-hosts';
import { type AdminTarget, handleAdmin } from '../../../fakes/fake-admin';
import { FakeCloudServer, commitFaults, headerValue, readBody, redactSecrets } from '../../../fakes/fake-http';
import { commitHostileAnswer } from '../../../fakes/hostile-answers';
import { type Fault, SlidingWindowLimiter, isAfterProcessing, rewriteAnswer } from '../../../fakes/fault-injection';
import { acceptUndocumentedKeyTypes } from '../../../fakes/ssh-public-key';

/** The AccessKey pair every fake ECS accepts unless told otherwise. Not a real secret. */
export const FAKE_ECS_ACCESS_KEY: Readonly<FakeAccessKey> = Object.freeze({
  accessKeyId: 'LTAI5tFakeEcsTestKey000001',
  accessKeySecret: 'fakeEcsTestAccessKeySecretNotReal01',
});

export const ECS_VERSION = '2014-05-26';
/** STS, asked at the same URL (the extension derives its address from the ECS endpoint setting): told apart by its Version. */
export const STS_VERSION = '2015-04-01';
export { FAKE_ECS_ACCOUNT_ID };

export interface FakeAlibabaEcsOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  accessKeys?: FakeAccessKey[];
  /** Resource groups that exist besides the default one. Default ['rg-acfmtest00000001']. */
  resourceGroups?: string[];
  /** Key pairs per region. Default 500 (the documented quota). */
  keyPairsPerRegion?: number;
  /** Default: a running and two stopped Linux instances and a stopped Windows one in cn-hangzhou, at 127.0.3.2–5. */
  instances?: FakeEcsInstance[];
  /**
   * Whether ImportKeyPair takes key types its docs do not list (ssh-ed25519). Default: the environment
   * variable CLOUD_SSH_KEYS_FAKE_ACCEPT_UNDOCUMENTED_KEY_TYPES=1, else false (the documented list only).
   */
  acceptUndocumentedKeyTypes?: boolean;
  /** Requests per second per action per AccessKey ID. Default 10. */
  rateLimitPerSecond?: number;
  /** HTTP status of Throttling.User. Default 400 (as ECS's error pages list it; newer gateways send 429). */
  throttleStatus?: number;
  /** How a taken name is refused: KeyPair.AlreadyExist (default) or, as older docs say, InvalidKeyPairName.Malformed. */
  duplicateNameCode?: 'KeyPair.AlreadyExist' | 'InvalidKeyPairName.Malformed';
  /** The loopback block of the default and new instances' addresses (public 127.0.<block>.n, private 127.1.<block>.n). Default ECS_ADDRESS_BLOCK (3). */
  addressBlock?: number;
  /**
   * The user every Linux instance logs in as (for a harness whose sshd lets in one user:
   * test/harness/instance-servers.mjs): `root`, or `ecs-user` (LoginAsNonRoot), set on each. Default: each instance's own.
   */
  loginUser?: 'root' | 'ecs-user';
}

/** What the fake recorded about one API request. Never holds an AccessKey secret, token or private key. */
export interface EcsRequestLogEntry {
  time: string;
  action?: string;
  region?: string;
  /** The parameters, with anything secret-looking redacted. */
  params?: Record<string, unknown>;
  accessKeyId?: string;
  signatureVerified: boolean;
  requestId?: string;
  httpStatus?: number;
  errorCode?: string;
  faults: Fault['kind'][];
}

const TEST_RESOURCE_GROUP = 'rg-acfmtest00000001';

export class FakeAlibabaEcs extends FakeCloudServer<EcsRequestLogEntry> implements AdminTarget {
  readonly instanceStates: readonly string[] = FAKE_ECS_INSTANCE_STATES;
  account: FakeEcsAccount;
  acceptUndocumentedKeyTypes: boolean;
  /** HTTP status of Throttling.User answers. */
  throttleStatus: number;
  private readonly accessKeys: FakeAccessKey[];
  private readonly limiter: SlidingWindowLimiter;
  private readonly usedNonces = new Map<string, number>();

  constructor(private readonly options: FakeAlibabaEcsOptions = {}) {
    super('fake ECS server', options.port);
    if (options.loginUser !== undefined && options.loginUser !== 'root' && options.loginUser !== 'ecs-user') {
      throw new Error(`FakeAlibabaEcs: loginUser must be root or ecs-user (the users ECS instances log in as), not ${JSON.stringify(options.loginUser)}`);
    }
    this.accessKeys = options.accessKeys ?? [{ ...FAKE_ECS_ACCESS_KEY }];
    this.limiter = new SlidingWindowLimiter(options.rateLimitPerSecond ?? 10);
    this.acceptUndocumentedKeyTypes = acceptUndocumentedKeyTypes(options.acceptUndocumentedKeyTypes);
    this.throttleStatus = options.throttleStatus ?? 400;
    this.account = this.freshAccount();
  }

  /** Back to a fresh account: no key pairs, default instances, no faults, empty log. */
  reset(): void {
    this.account = this.freshAccount();
    this.acceptUndocumentedKeyTypes = acceptUndocumentedKeyTypes(this.options.acceptUndocumentedKeyTypes);
    this.throttleStatus = this.options.throttleStatus ?? 400;
    this.faults.clear();
    this.limiter.clear();
    this.usedNonces.clear();
    this.clearRequests();
    void this.syncAuthorizedKeys();
  }

  /** Sets the rate limit (requests per second per action per AccessKey ID). */
  setRateLimit(perSecond: number): void {
    this.limiter.limit = perSecond;
    this.limiter.clear();
  }

  /** `{"acceptUndocumentedKeyTypes": boolean, "throttleStatus": 400 | 429}` over the admin endpoint. */
  setOptions(options: unknown): string | undefined {
    const o = (options ?? {}) as { acceptUndocumentedKeyTypes?: unknown; throttleStatus?: unknown };
    if (o.acceptUndocumentedKeyTypes !== undefined && typeof o.acceptUndocumentedKeyTypes !== 'boolean') return 'acceptUndocumentedKeyTypes must be a boolean';
    if (o.throttleStatus !== undefined && o.throttleStatus !== 400 && o.throttleStatus !== 429) return 'throttleStatus must be 400 or 429';
    if (typeof o.acceptUndocumentedKeyTypes === 'boolean') this.acceptUndocumentedKeyTypes = o.acceptUndocumentedKeyTypes;
    if (o.throttleStatus === 400 || o.throttleStatus === 429) this.throttleStatus = o.throttleStatus;
    return undefined;
  }

  adminState(): unknown {
    return {
      keyPairs: [...this.account.keyPairs.values()].flatMap((m) => [...m.values()]).map(({ blobBase64: _blob, ...publicData }) => publicData),
      instances: [...this.account.instances.values()],
    };
  }

  hasInstance(instanceId: string): boolean {
    return this.account.instances.has(instanceId);
  }

  /** Puts an instance in a state at once; coming to Running from another state is a start, which applies a pending key binding. */
  setInstanceState(instanceId: string, state: string): void {
    const instance = this.existingInstance(instanceId);
    if (state === 'Running' && instance.Status !== 'Running') this.account.applyPendingKeys(instance);
    instance.Status = state as FakeEcsInstanceStatus;
    void this.syncAuthorizedKeys();
  }

  /** RebootInstance, done at once: the instance runs again with a pending key binding applied. */
  rebootInstance(instanceId: string): void {
    const instance = this.existingInstance(instanceId);
    this.account.applyPendingKeys(instance);
    instance.Status = 'Running';
    void this.syncAuthorizedKeys();
  }

  /** Adds an instance (a running Alibaba Cloud Linux one in cn-hangzhou, the next free loopback addresses, unless told otherwise); returns it. */
  seedInstance(seed: Omit<EcsInstanceSeed, 'InstanceId'> & { InstanceId?: string }): FakeEcsInstance {
    const instance = this.withLoginUser(ecsInstance({ ...seed, InstanceId: seed.InstanceId ?? this.account.newInstanceId() }, this.account.freeAddresses()));
    if (this.account.instances.has(instance.InstanceId)) throw new Error(`seedInstance: ${instance.InstanceId} exists`);
    if (!FAKE_ECS_REGIONS.has(instance.RegionId)) throw new Error(`seedInstance: no ECS region ${instance.RegionId}`);
    const added = this.account.addInstance(instance);
    void this.syncAuthorizedKeys();
    return added;
  }

  /** POST /__admin/instances. */
  createInstance(request: InstanceRequest): { instanceId: string } | { problem: string } {
    const problem = instanceRuleProblem(request, {
      idPattern: /^i-[0-9a-z]{1,62}$/,
      idForm: 'i- and lowercase letters or digits',
      regions: FAKE_ECS_REGIONS,
      states: this.instanceStates,
      exists: (id) => this.account.instances.has(id),
    });
    if (problem) return { problem };
    const instance = this.seedInstance(
      definedFields({
        InstanceId: request.instanceId,
        InstanceName: request.name,
        RegionId: request.region,
        Status: request.state as FakeEcsInstanceStatus | undefined,
        OSType: request.windows ? ('windows' as const) : undefined,
        OSName: request.osName,
        PublicIpAddress: request.publicIps,
        PrivateIpAddress: request.privateIps,
      }),
    );
    return { instanceId: instance.InstanceId };
  }

  /** Releases an instance at once (DeleteInstance with Force): it accepts no key any more. */
  deleteInstance(instanceId: string): void {
    this.existingInstance(instanceId);
    this.account.instances.delete(instanceId);
    void this.syncAuthorizedKeys();
  }

  /** Replaces the addresses given: `publicIps` become PublicIpAddress (the EIP is cleared), `privateIps` the VPC addresses. */
  setInstanceAddresses(instanceId: string, addresses: AddressRequest): void {
    const instance = this.existingInstance(instanceId);
    if (addresses.publicIps) {
      instance.PublicIpAddress = [...addresses.publicIps];
      instance.EipAddress = '';
    }
    if (addresses.privateIps) instance.PrivateIpAddress = [...addresses.privateIps];
  }

  instanceHosts(): FakeInstanceHost[] {
    return [...this.account.instances.values()].map((i) => ({
      instanceId: i.InstanceId,
      region: i.RegionId,
      state: i.Status,
      platform: i.OSType,
      listenAddress: listenAddressOf([...i.PublicIpAddress, ...(i.EipAddress ? [i.EipAddress] : [])], i.PrivateIpAddress),
      // The "instance logon credentials" page: root, or ecs-user on an instance created to log in as it.
      loginUser: i.OSType === 'windows' ? undefined : i.LoginAsNonRoot ? 'ecs-user' : 'root',
      port: 22,
      authorizedKeys: [...i.authorizedKeys],
    }));
  }

  private existingInstance(instanceId: string): FakeEcsInstance {
    const instance = this.account.instances.get(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    return instance;
  }

  instance(instanceId: string): FakeEcsInstance | undefined {
    return this.account.instances.get(instanceId);
  }

  /** Key pairs of a region as the fake holds them. */
  keyPairsIn(region: string): FakeEcsKeyPair[] {
    return this.account.keyPairsIn(region);
  }

  /** Puts a key pair straight into the account (no quota, no rate limit): for seeding tests. */
  seedKeyPair(seed: { region: string; name: string; publicKey: string; resourceGroupId?: string }): FakeEcsKeyPair {
    const key = checkEcsPublicKey(seed.publicKey, true);
    if (!key.ok) throw new Error(`seedKeyPair: bad public key: ${key.reason}`);
    const keyPair: FakeEcsKeyPair = {
      KeyPairName: seed.name,
      KeyPairId: this.account.newKeyPairId(),
      KeyPairFingerPrint: ecsFingerprint(key.blobBase64),
      PublicKey: `${key.type} ${key.blobBase64}`,
      blobBase64: key.blobBase64,
      CreationTime: ecsMinutes(new Date()),
      ResourceGroupId: seed.resourceGroupId ?? DEFAULT_RESOURCE_GROUP,
      Tags: [],
      region: seed.region,
    };
    this.account.addKeyPair(keyPair);
    return keyPair;
  }

  private freshAccount(): FakeEcsAccount {
    const block = this.options.addressBlock ?? ECS_ADDRESS_BLOCK;
    return new FakeEcsAccount(
      (this.options.instances ?? defaultEcsInstances(block)).map((i) => this.withLoginUser(i)),
      new Set([DEFAULT_RESOURCE_GROUP, ...(this.options.resourceGroups ?? [TEST_RESOURCE_GROUP])]),
      this.options.keyPairsPerRegion ?? 500,
      block,
    );
  }

  /** The instance with the `loginUser` option applied (Linux only: LoginAsNonRoot for ecs-user). */
  private withLoginUser(instance: FakeEcsInstance): FakeEcsInstance {
    const user = this.options.loginUser;
    return user !== undefined && instance.OSType === 'linux' ? { ...instance, LoginAsNonRoot: user === 'ecs-user' } : instance;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/__admin/')) {
      await handleAdmin(this, req.method ?? 'GET', url.pathname, body, res);
      return;
    }

    const action = headerValue(req, 'x-acs-action');
    const entry: EcsRequestLogEntry = { time: new Date().toISOString(), action, signatureVerified: false, faults: [] };
    this.log.push(entry);
    const faults = this.faults.take(action ?? '');
    entry.faults = faults.map((f) => f.kind);
    if (commitHostileAnswer(faults, res, '{"RequestId":"hostile","KeyPairs":{"KeyPair":[')) return;
    if (await commitFaults(faults.filter((f) => !isAfterProcessing(f)), req, res, undefined, '{"RequestId":"')) return;

    const skewSeconds = faults.reduce((sum, f) => sum + (f.kind === 'clock-skew' ? f.seconds : 0), 0);
    const requestId = crypto.randomUUID().toUpperCase();
    entry.requestId = requestId;
    let status = 200;
    let response: Record<string, unknown>;
    try {
      response = this.process(req, url, body, { skewSeconds, forceThrottle: faults.some((f) => f.kind === 'throttle') }, entry);
    } catch (error) {
      if (!(error instanceof EcsApiError)) throw error;
      status = error.status;
      entry.errorCode = error.code;
      response = { HostId: headerValue(req, 'host') ?? 'ecs.aliyuncs.com', Code: error.code, Message: error.message, Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=Ecs` };
    }
    entry.httpStatus = status;
    // The listener hears what an action changed before its answer leaves.
    await this.syncAuthorizedKeys();
    const json = rewriteAnswer(JSON.stringify({ RequestId: requestId, ...response }), faults);
    // The Date header is the server's clock (skewed when a test says so), as clients read it.
    const date = new Date(Date.now() + skewSeconds * 1000).toUTCString();
    const answer = { status, headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId, date }, json };
    if (await commitFaults(faults.filter(isAfterProcessing), req, res, answer, json)) return;
    res.writeHead(status, answer.headers).end(json);
  }

  /** Authentication, version, parameters, rate limit and the action itself. Throws EcsApiError. */
  private process(
    req: http.IncomingMessage,
    url: URL,
    body: Buffer,
    faults: { skewSeconds: number; forceThrottle: boolean },
    entry: EcsRequestLogEntry,
  ): Record<string, unknown> {
    if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) throw new EcsApiError(404, 'InvalidAction.NotFound', 'RPC calls go to POST / or GET /.');
    const verdict = verifyEcsRequest(
      { method: req.method, path: '/', rawQuery: url.search.slice(1), headers: req.headers, body },
      { accessKeys: this.accessKeys, nowMs: Date.now() + faults.skewSeconds * 1000, usedNonces: this.usedNonces },
    );
    entry.accessKeyId = verdict.accessKeyId;
    if (!verdict.ok) throw new EcsApiError(verdict.status, verdict.code, verdict.message);
    entry.signatureVerified = true;

    const version = headerValue(req, 'x-acs-version');
    if (version === STS_VERSION) return this.sts(entry.action ?? '', verdict.accessKeyId);
    if (version !== ECS_VERSION) throw new EcsApiError(400, 'InvalidVersion', `Specified parameter Version "${version}" is not valid.`);
    const action = entry.action ?? '';
    const handler = ECS_ACTIONS.get(action);
    if (!handler) throw new EcsApiError(404, 'InvalidAction.NotFound', `Specified api "${action}" is not found, please check your url and method.`);

    // RPC parameters: the query string and a form body, which the signature covers.
    const params = new Map<string, string>(url.searchParams);
    const contentType = headerValue(req, 'content-type') ?? '';
    if (body.length > 0) {
      if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) throw new EcsApiError(400, 'InvalidParameter', 'The body must be application/x-www-form-urlencoded.');
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    }
    entry.region = params.get('RegionId');
    entry.params = redactSecrets(Object.fromEntries(params)) as Record<string, unknown>;
    if (entry.region === undefined && !REGIONLESS_ECS_ACTIONS.has(action)) throw new EcsApiError(400, 'MissingParameter', 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');

    // The limit applies once the caller is known; refused requests do not count.
    if (faults.forceThrottle || !this.limiter.tryAcquire(`${verdict.accessKeyId}|${action}`, Date.now())) {
      throw new EcsApiError(this.throttleStatus, 'Throttling.User', 'Request was denied due to user flow control.');
    }
    return handler(params, { account: this.account, acceptUndocumentedKeyTypes: this.acceptUndocumentedKeyTypes, duplicateNameCode: this.options.duplicateNameCode ?? 'KeyPair.AlreadyExist' });
  }

  /** STS GetCallerIdentity for an authenticated AccessKey: its account (a RAM user's key, or an STS token's role session). */
  private sts(action: string, accessKeyId: string): Record<string, unknown> {
    if (action !== 'GetCallerIdentity') throw new EcsApiError(404, 'InvalidAction.NotFound', `Specified api "${action}" is not found, please check your url and method.`);
    const key = this.accessKeys.find((k) => k.accessKeyId === accessKeyId)!;
    const account = key.accountId ?? FAKE_ECS_ACCOUNT_ID;
    return key.securityToken !== undefined
      ? { IdentityType: 'AssumedRoleUser', AccountId: account, PrincipalId: '300000000000000001:fake-session', RoleId: '300000000000000001', Arn: `acs:ram::${account}:assumed-role/fake-role/fake-session` }
      : { IdentityType: 'RAMUser', AccountId: account, PrincipalId: '200000000000000001', UserId: '200000000000000001', Arn: `acs:ram::${account}:user/fake-user` };
  }
}

export { FAKE_ECS_REGIONS };
