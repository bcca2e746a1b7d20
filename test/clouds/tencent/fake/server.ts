// A fake Tencent Cloud CVM API 3.0 server on 127.0.0.1 for tests: verifies TC3 signatures
// as the real service does (with the Node SDK's quirks), keeps key pairs and instances in
// memory, rate-limits, injects faults and logs requests (never secrets).
// As on the real cloud, every API key belongs to one account (FakeCredential.ownerUin), and
// every account has its own key pairs, KeyIds, quota and instances: a request sees its own only.
//
//   const fake = new FakeTencentCvm();
//   await fake.start();            // fake.url = http://127.0.0.1:<port>
//   fake.faults.add({ fault: { kind: 'throttle' }, times: 2 });
//   fake.requests                  // what arrived
//   await fake.stop();

import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { CVM_ACTIONS, REGIONLESS_ACTIONS } from './actions';
import { handleAdminRequest } from './admin';
import { FakeCloudServer, commitFaults, headerValue, readBody, redactSecrets } from '../../../fakes/fake-http';
import { commitHostileAnswer } from '../../../fakes/hostile-answers';
import { FAKE_DEFAULT_OWNER_UIN, type FakeCredential, ownerUinOf, verifyTc3Request } from './auth';
import { ApiError, type Params } from './params';
import { isStsRequest, stsAcceptedServices, stsAnswer } from './sts';
import { CVM_ADDRESS_BLOCK, CVM_INSTANCE_STATES, type CvmInstanceSeed, FakeCvmAccount, type FakeInstance, type FakeInstanceState, type FakeKeyPair, cvmInstance, defaultInstances, isoSeconds } from './state';
import { type AddressRequest, type FakeInstanceHost, type InstanceRequest, definedFields, instanceRuleProblem, listenAddressOf } from '../../../fakes/instance-hosts';
import { FAKE_TENCENT_REGIONS } from './regions';
import { type Fault, SlidingWindowLimiter, isAfterProcessing, rewriteAnswer } from '../../../fakes/fault-injection';
import { DEFAULT_ACCEPTED_KEY_TYPES, acceptUndocumentedKeyTypes, checkOpenSshPublicKey } from '../../../fakes/ssh-public-key';

/** The credential every fake accepts unless told otherwise. Not a real secret. */
export const FAKE_TEST_CREDENTIAL: Readonly<FakeCredential> = Object.freeze({
  secretId: 'AKIDfakeCvmTestSecretId0000000001',
  secretKey: 'fakeCvmTestSecretKeyNotReal00001',
});

/** A second API key of the same fake account (a user rotating keys). Not a real secret. */
export const FAKE_SECOND_CREDENTIAL: Readonly<FakeCredential> = Object.freeze({
  secretId: 'AKIDfakeCvmTestSecretId0000000002',
  secretKey: 'fakeCvmTestSecretKeyNotReal00002',
});

export { FAKE_DEFAULT_OWNER_UIN };

/** The account of FAKE_OTHER_ACCOUNT_CREDENTIAL. */
export const FAKE_OTHER_OWNER_UIN = '100000000002';

/** An API key of another fake account: it sees none of the default account's key pairs or instances. Not a real secret. */
export const FAKE_OTHER_ACCOUNT_CREDENTIAL: Readonly<FakeCredential> = Object.freeze({
  secretId: 'AKIDfakeCvmTestSecretId0000000003',
  secretKey: 'fakeCvmTestSecretKeyNotReal00003',
  ownerUin: FAKE_OTHER_OWNER_UIN,
});

export const CVM_API_VERSION = '2017-03-12';

/** ImportKeyPair: PublicKey "OpenSSH RSA 格式", the only type CVM's docs name. */
export const CVM_DOCUMENTED_KEY_TYPES: readonly string[] = ['ssh-rsa'];

export interface FakeTencentCvmOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default FAKE_TEST_CREDENTIAL (default account) and FAKE_OTHER_ACCOUNT_CREDENTIAL. Every ownerUin named here is an account. */
  credentials?: FakeCredential[];
  /** Services accepted in the credential scope; default `cvm` and the Host's first label (the SDK's choice). */
  acceptedServices?: string[];
  /** Projects that exist besides 0. Default [1001]. */
  projectIds?: number[];
  /** Projects and the key pair limit apply to each account alike. Key pairs per account. Default 100 (the documented limit). */
  keyPairLimit?: number;
  /** The default account's; other accounts start with none. Default: a running and two stopped Linux instances and a stopped Windows one in ap-guangzhou, at 127.0.1.2–5. */
  instances?: FakeInstance[];
  /** Public key types ImportKeyPair accepts. Default: the documented ssh-rsa only (see acceptUndocumentedKeyTypes). */
  acceptedKeyTypes?: string[];
  /**
   * Also accept the key types CVM does not document (ssh-ed25519, ECDSA). Default: the environment
   * variable CLOUD_SSH_KEYS_FAKE_ACCEPT_UNDOCUMENTED_KEY_TYPES=1, else false. Admin: POST
   * /__admin/options {"acceptUndocumentedKeyTypes": true}.
   */
  acceptUndocumentedKeyTypes?: boolean;
  /** Requests per second per action per SecretId. Default 10. */
  rateLimitPerSecond?: number;
  /** The loopback block of the default and new instances' addresses (public 127.0.<block>.n, private 127.1.<block>.n). Default CVM_ADDRESS_BLOCK (1). */
  addressBlock?: number;
  /**
   * The user every Linux instance logs in as, reported as its DefaultLoginUser instead of its
   * image's (for a harness whose sshd lets in one user: test/harness/instance-servers.mjs). Default: the image's.
   */
  loginUser?: string;
}

/** What the fake recorded about one API request. Never holds a SecretKey, token or private key. */
export interface RequestLogEntry {
  time: string;
  action?: string;
  region?: string;
  /** The JSON body, with anything secret-looking redacted. */
  params?: unknown;
  secretId?: string;
  /** The account of the credential, once the signature is verified. */
  ownerUin?: string;
  signatureVerified: boolean;
  requestId?: string;
  errorCode?: string;
  /** Faults applied to this request. */
  faults: Fault['kind'][];
}

export { redactSecrets };

export class FakeTencentCvm extends FakeCloudServer<RequestLogEntry> {
  /** Every account by its ownerUin: the default one first, then the credentials' in their order. */
  accounts: Map<string, FakeCvmAccount>;
  private readonly credentials: FakeCredential[];
  private readonly limiter: SlidingWindowLimiter;

  private acceptUndocumented: boolean;

  constructor(private readonly options: FakeTencentCvmOptions = {}) {
    super('fake CVM server', options.port);
    this.credentials = options.credentials ?? [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }];
    this.limiter = new SlidingWindowLimiter(options.rateLimitPerSecond ?? 10);
    this.acceptUndocumented = acceptUndocumentedKeyTypes(options.acceptUndocumentedKeyTypes);
    this.accounts = this.freshAccounts();
  }

  /** The default account (FAKE_DEFAULT_OWNER_UIN): the one credentials without an ownerUin belong to. */
  get account(): FakeCvmAccount {
    return this.accountOf(FAKE_DEFAULT_OWNER_UIN);
  }

  /** The account `ownerUin` (default: the default account); throws for one the fake does not have. */
  accountOf(ownerUin: string = FAKE_DEFAULT_OWNER_UIN): FakeCvmAccount {
    const account = this.accounts.get(ownerUin);
    if (!account) throw new Error(`no account ${ownerUin}; the fake has ${[...this.accounts.keys()].join(', ')}`);
    return account;
  }

  /** ImportKeyPair: "OpenSSH RSA 格式"; the undocumented types only when switched on. */
  private acceptedKeyTypes(): readonly string[] {
    if (this.options.acceptedKeyTypes) return this.options.acceptedKeyTypes;
    return this.acceptUndocumented ? DEFAULT_ACCEPTED_KEY_TYPES : CVM_DOCUMENTED_KEY_TYPES;
  }

  /** `{"acceptUndocumentedKeyTypes": boolean}` over the admin endpoint (POST /__admin/options). */
  setOptions(options: unknown): string | undefined {
    const o = (options ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(o).find((k) => k !== 'acceptUndocumentedKeyTypes');
    if (unknown) return `unknown option ${unknown}; known: acceptUndocumentedKeyTypes`;
    if (o.acceptUndocumentedKeyTypes !== undefined && typeof o.acceptUndocumentedKeyTypes !== 'boolean') return 'acceptUndocumentedKeyTypes must be a boolean';
    if (typeof o.acceptUndocumentedKeyTypes === 'boolean') this.acceptUndocumented = o.acceptUndocumentedKeyTypes;
    return undefined;
  }

  /** Back to fresh accounts (every one): no key pairs, default instances, no faults, empty log; switches as constructed. */
  reset(): void {
    this.acceptUndocumented = acceptUndocumentedKeyTypes(this.options.acceptUndocumentedKeyTypes);
    this.accounts = this.freshAccounts();
    this.faults.clear();
    this.limiter.clear();
    this.clearRequests();
    void this.syncAuthorizedKeys();
  }

  /** Sets the rate limit (requests per second per action per SecretId). */
  setRateLimit(perSecond: number): void {
    this.limiter.limit = perSecond;
    this.limiter.clear();
  }

  /** Puts a key pair straight into an account (the default one unless `ownerUin` says; no limits, no rate limit): for seeding tests. */
  seedKeyPair(seed: { region: string; name: string; publicKey: string; projectId?: number; description?: string; ownerUin?: string }): FakeKeyPair {
    const key = checkOpenSshPublicKey(seed.publicKey);
    if (!key.ok) throw new Error(`seedKeyPair: bad public key: ${key.reason}`);
    const account = this.accountOf(seed.ownerUin);
    const keyPair: FakeKeyPair = {
      KeyId: account.newKeyId(),
      KeyName: seed.name,
      ProjectId: seed.projectId ?? 0,
      Description: seed.description ?? '',
      PublicKey: `${key.type} ${key.blobBase64}`,
      blobBase64: key.blobBase64,
      CreatedTime: isoSeconds(new Date()),
      Tags: [],
      region: seed.region,
    };
    account.addKeyPair(keyPair);
    return keyPair;
  }

  /** Key pairs of a region as the fake holds them (the default account's unless `ownerUin` says). */
  keyPairsIn(region: string, ownerUin?: string): FakeKeyPair[] {
    return this.accountOf(ownerUin).keyPairsIn(region);
  }

  /** The instance, whichever account holds it (instance ids are unique across accounts). */
  instance(instanceId: string): FakeInstance | undefined {
    return this.ownerOfInstance(instanceId)?.instances.get(instanceId);
  }

  /** The account holding the instance. */
  ownerOfInstance(instanceId: string): FakeCvmAccount | undefined {
    return [...this.accounts.values()].find((a) => a.instances.has(instanceId));
  }

  setInstanceState(instanceId: string, state: FakeInstanceState): void {
    this.existingInstance(instanceId).InstanceState = state;
  }

  /**
   * Adds an instance to an account (the default one unless `ownerUin` says: RUNNING Ubuntu in
   * ap-guangzhou, the next loopback addresses no account uses, unless told otherwise); returns it.
   */
  seedInstance(seedWithOwner: Omit<CvmInstanceSeed, 'InstanceId'> & { InstanceId?: string; ownerUin?: string }): FakeInstance {
    const { ownerUin, ...seed } = seedWithOwner;
    const account = this.accountOf(ownerUin);
    const others = [...this.accounts.values()].filter((a) => a !== account);
    const instanceId = seed.InstanceId ?? account.newInstanceId((id) => others.some((a) => a.instances.has(id)));
    const instance = this.withLoginUser(cvmInstance({ ...seed, InstanceId: instanceId }, account.freeAddresses(others.flatMap((a) => a.addresses()))));
    if (this.instance(instance.InstanceId)) throw new Error(`seedInstance: ${instance.InstanceId} exists`);
    if (!FAKE_TENCENT_REGIONS.has(instance.region)) throw new Error(`seedInstance: no CVM region ${instance.region}`);
    const added = account.addInstance(instance);
    void this.syncAuthorizedKeys();
    return added;
  }

  /** POST /__admin/instances (in the default account unless `ownerUin` names another). */
  createInstance(request: InstanceRequest, ownerUin?: string): { instanceId: string } | { problem: string } {
    if (ownerUin !== undefined && !this.accounts.has(ownerUin)) return { problem: `no account ${ownerUin}; the fake has ${[...this.accounts.keys()].join(', ')}` };
    const problem = instanceRuleProblem(request, {
      idPattern: /^ins-[0-9a-z]{8}$/,
      idForm: 'ins- and 8 lowercase letters or digits',
      regions: FAKE_TENCENT_REGIONS,
      states: CVM_INSTANCE_STATES,
      exists: (id) => this.instance(id) !== undefined,
    });
    if (problem) return { problem };
    const instance = this.seedInstance(
      definedFields({
        ownerUin,
        InstanceId: request.instanceId,
        InstanceName: request.name,
        region: request.region,
        InstanceState: request.state as FakeInstanceState | undefined,
        os: request.windows ? ('windows' as const) : undefined,
        OsName: request.osName,
        PublicIpAddresses: request.publicIps,
        PrivateIpAddresses: request.privateIps,
      }),
    );
    return { instanceId: instance.InstanceId };
  }

  /** Terminates an instance at once (the fake skips SHUTDOWN and TERMINATING): it accepts no key any more. */
  deleteInstance(instanceId: string): void {
    this.existingInstance(instanceId);
    this.ownerOfInstance(instanceId)?.instances.delete(instanceId);
    void this.syncAuthorizedKeys();
  }

  /** Replaces the addresses given (an EIP bound, say); the other list stays. */
  setInstanceAddresses(instanceId: string, addresses: AddressRequest): void {
    const instance = this.existingInstance(instanceId);
    if (addresses.publicIps) instance.PublicIpAddresses = [...addresses.publicIps];
    if (addresses.privateIps) instance.PrivateIpAddresses = [...addresses.privateIps];
  }

  /** A restart: CVM binds keys into the instance at once, so the keys it accepts do not change. */
  rebootInstance(instanceId: string): void {
    this.existingInstance(instanceId).InstanceState = 'RUNNING';
  }

  /** Every account's instances (one sshd harness serves them all; their addresses never overlap). */
  instanceHosts(): FakeInstanceHost[] {
    return [...this.accounts.values()].flatMap((account) => this.hostsOf(account));
  }

  private hostsOf(account: FakeCvmAccount): FakeInstanceHost[] {
    return [...account.instances.values()].map((i) => ({
      instanceId: i.InstanceId,
      region: i.region,
      state: i.InstanceState,
      platform: i.os,
      listenAddress: listenAddressOf(i.PublicIpAddresses, i.PrivateIpAddresses),
      loginUser: i.os === 'windows' ? undefined : i.DefaultLoginUser,
      port: i.DefaultLoginPort,
      authorizedKeys: account.authorizedKeys(i),
    }));
  }

  private existingInstance(instanceId: string): FakeInstance {
    const instance = this.instance(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    return instance;
  }

  /** The default account with the configured instances, and an empty one for every other ownerUin of the credentials. */
  private freshAccounts(): Map<string, FakeCvmAccount> {
    const block = this.options.addressBlock ?? CVM_ADDRESS_BLOCK;
    const owners = new Set([FAKE_DEFAULT_OWNER_UIN, ...this.credentials.map(ownerUinOf)]);
    const accounts = new Map<string, FakeCvmAccount>();
    for (const ownerUin of owners) {
      const instances = ownerUin === FAKE_DEFAULT_OWNER_UIN ? (this.options.instances ?? defaultInstances(block)).map((i) => this.withLoginUser(i)) : [];
      accounts.set(ownerUin, new FakeCvmAccount(instances, new Set(this.options.projectIds ?? [1001]), this.options.keyPairLimit ?? 100, block, ownerUin));
    }
    return accounts;
  }

  /** The instance with the `loginUser` option applied (Linux only: CVM reports it as DefaultLoginUser). */
  private withLoginUser(instance: FakeInstance): FakeInstance {
    const user = this.options.loginUser;
    return user !== undefined && instance.os === 'linux' ? { ...instance, DefaultLoginUser: user } : instance;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/__admin/')) {
      await handleAdminRequest(this, req.method ?? 'GET', url, body, res);
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
      response = await this.process(req, url, body, { skewSeconds, forceThrottle }, entry);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      entry.errorCode = error.code;
      response = { Error: { Code: error.code, Message: error.message } };
    }
    // The listener hears what a bind changed before its answer leaves (a client may connect right after).
    await this.syncAuthorizedKeys();
    const json = rewriteAnswer(JSON.stringify({ Response: { ...response, RequestId: requestId } }), after);
    const answer = { status: 200, headers: { 'content-type': 'application/json', 'x-tc-requestid': requestId }, json };
    if (await commitFaults(after, req, res, answer, json)) return;
    res.writeHead(200, { 'content-type': 'application/json', 'x-tc-requestid': requestId }).end(json);
  }

  /** Authentication, common parameters, rate limit and the action itself. Throws ApiError. */
  private async process(
    req: http.IncomingMessage,
    url: URL,
    body: Buffer,
    faults: { skewSeconds: number; forceThrottle: boolean },
    entry: RequestLogEntry,
  ): Promise<Record<string, unknown>> {
    if (req.method !== 'POST' || url.pathname !== '/') {
      // The real API also takes GET with query parameters; the SDK never uses it, so the fake does not.
      throw new ApiError('InvalidParameter', 'The fake accepts only POST / with a JSON body.');
    }
    // STS (GetCallerIdentity) is asked at the same URL: told apart by its Version, signed for its own service.
    const sts = isStsRequest(headerValue(req, 'x-tc-version'));
    const verdict = verifyTc3Request(
      { method: 'POST', path: '/', query: url.search.slice(1), headers: req.headers, body },
      {
        credentials: this.credentials,
        acceptedServices: sts ? stsAcceptedServices(headerValue(req, 'host') ?? '') : this.options.acceptedServices,
        nowSeconds: Date.now() / 1000 + faults.skewSeconds,
      },
    );
    entry.secretId = verdict.secretId;
    if (!verdict.ok) throw new ApiError(verdict.code, verdict.message);
    entry.signatureVerified = true;
    // The API key's account serves the request (the verifier found the key among the credentials).
    const credential = this.credentials.find((c) => c.secretId === verdict.secretId)!;
    const account = this.accountOf(credential.ownerUin);
    entry.ownerUin = account.ownerUin;

    const contentType = headerValue(req, 'content-type') ?? '';
    if (!/^application\/json\b/i.test(contentType)) throw new ApiError('InvalidParameter', 'Content-Type must be application/json.');
    if (sts) return stsAnswer(entry.action, entry.region, credential, (code, message) => new ApiError(code, message));
    const version = headerValue(req, 'x-tc-version');
    if (!version) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Version`.');
    if (version !== CVM_API_VERSION) throw new ApiError('NoSuchVersion', `The API version \`${version}\` does not exist; use ${CVM_API_VERSION}.`);
    const action = entry.action;
    if (!action) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Action`.');
    const handler = CVM_ACTIONS.get(action);
    if (!handler) throw new ApiError('InvalidAction', `The action \`${action}\` does not exist.`);
    const region = entry.region;
    if (region === undefined && !REGIONLESS_ACTIONS.has(action)) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Region`.');
    if (region !== undefined && !FAKE_TENCENT_REGIONS.has(region)) throw new ApiError('UnsupportedRegion', `The region \`${region}\` is not supported.`);

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
    if (faults.forceThrottle || !this.limiter.tryAcquire(`${verdict.secretId}|${action}`, Date.now())) {
      throw new ApiError('RequestLimitExceeded', 'Your request rate limit has been exceeded.');
    }
    return handler(params, { account, region: region ?? '', acceptedKeyTypes: this.acceptedKeyTypes() });
  }
}
