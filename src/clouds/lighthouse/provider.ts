// Tencent Cloud Lighthouse key pairs through the generic API 3.0 client (loaded lazily), with
// pacing, retries, and recovery of imports whose answer was lost. Key pairs are account-wide,
// instances regional: the region a caller passes reaches only the instance calls (key pair calls
// always name the default region, ACCOUNT_WIDE below).

import type * as https from 'node:https';
import { CloudError } from '../../cloud/errors';
import { type TencentErrorContext, namedKeyIds } from '../tencent/errors';
import type {
  CallOptions,
  CallerIdentity,
  CloudInstance,
  CloudKeyProvider,
  CloudRegion,
  CreateKeyPairRequest,
  CreatedKeyPair,
  DeleteKeyPairsResult,
  ImportKeyPairRequest,
  ImportKeyPairResult,
  KeyPair,
  KeyPairBindingRequest,
  ListInstancesRequest,
  ListKeyPairsRequest,
  ModifyKeyPairRequest,
} from '../../cloud/provider';
import { identifyPublicKey } from '../../cloud/publicKey';
import { malformedResponse, readAnswer, requestIdOf } from '../../cloud/answer-fields';
import { JoinedCalls, allPages, chunks, createWithoutLosingPrivateKey, importJoiningSameKey, importWithRecovery, isoNow } from '../../cloud/flows';
import { DEFAULT_RETRY_POLICY, RateLimiter, type RetryPolicy, backoffDelayMs, sleep } from '../../cloud/retry';
import { type NetworkLimitOptions, type NetworkLimits, applyOperationDeadline, networkLimits } from '../../cloud/deadline';
import { type ProxySetting, proxyFor } from '../../cloud/proxy-env';
import type { TencentCredentials, TencentResponseInfo } from '../tencent/provider';
import { type TencentEndpoint, parseTencentEndpoint } from '../tencent/endpoint';
import { callThroughSdk, sdkTransportAgent } from '../tencent/sdk';
import { readCreatedKeyPair, readImportedKeyId, readInstancePage, readKeyPairPage, readRegions } from './answers';
import { DEFAULT_LIGHTHOUSE_HOST, LIGHTHOUSE_API_VERSION, LIGHTHOUSE_BIND_BATCH, LIGHTHOUSE_DELETE_BATCH, LIGHTHOUSE_PAGE_SIZE } from './descriptor';
import { LIGHTHOUSE_MESSAGES, asLighthouseError, lighthouseApiError, lighthouseRefusal } from './errors';
import { type LighthouseClient, loadLighthouseClientClass } from './sdk';
import { LIGHTHOUSE_DESCRIPTOR } from './descriptor';
import { GET_CALLER_IDENTITY, createStsClient, readTencentCallerIdentity } from '../tencent/identity';

export interface LighthouseOptions extends NetworkLimitOptions {
  /** The Tencent Cloud account's API key: Lighthouse and CVM share it. */
  credentials: TencentCredentials;
  /** `lighthouse.intl.tencentcloudapi.com`, `https://…`, or `http://127.0.0.1:9000` (plain http only to loopback). Default: lighthouse.tencentcloudapi.com. */
  endpoint?: string;
  /** Language of the cloud's own messages. Default en-US. */
  language?: 'en-US' | 'zh-CN';
  /** An http proxy for https endpoints (a CONNECT tunnel), or a function choosing one per endpoint URL. Never for plain http. */
  proxy?: ProxySetting;
  /** Without a proxy, for https: default Node's global agent (which VS Code's proxy support patches). */
  httpsAgent?: https.Agent;
  retry?: Partial<RetryPolicy>;
  /** Share one between providers of the same account so their calls pace together. */
  rateLimiter?: RateLimiter;
  /** Told about every answered request (for the log): its RequestId, or the error code. Never given parameters or secrets. */
  onResponse?: (info: TencentResponseInfo) => void;
}

/**
 * The Region every key pair call names. Key pairs belong to the whole account, but the pages
 * disagree on whether these calls need a Region: the older English pages say "not required", the
 * current Chinese reference (ImportKeyPair 1207/55538, DescribeKeyPairs 1207/55540, DeleteKeyPairs)
 * and the 2026 English pages say required. Naming one is right under both readings (the fake
 * enforces the current, stricter pages), and which one does not change what is listed.
 */
const ACCOUNT_WIDE = LIGHTHOUSE_DESCRIPTOR.defaultRegion;

/** DeleteKeyPairs refusals that mean "still bound": to an instance, or to a custom image. */
const IN_USE_CODES = new Set(['ResourceInUse.KeyPairInUse', 'UnsupportedOperation.KeyPairBindToBlueprints']);
/** DeleteKeyPairs refusals of a KeyId that does not exist: the whole batch is refused. */
const NOT_FOUND_CODES = new Set(['ResourceNotFound.KeyIdNotFound', 'ResourceNotFound.KeyPairNotFound']);
const DUPLICATE_CODES = new Set(['InvalidParameterValue.KeyPairPublicKeyDuplicated', 'InvalidParameterValue.DuplicateParameterValue']);
const NAME_TAKEN = 'InvalidParameterValue.DuplicateParameterValue';

function createOutcomeLost(name: string, keyId: string, requestId = ''): CloudError {
  return new CloudError({
    provider: 'lighthouse',
    kind: 'outcome-lost',
    code: 'CreateOutcomeLost',
    template: LIGHTHOUSE_MESSAGES.createOutcomeLost,
    args: [name, keyId],
    requestId,
    action: 'CreateKeyPair',
  });
}

/** Tencent Cloud Lighthouse as a CloudKeyProvider. Construction checks the options and throws a CloudError (kind `config`). */
export class LighthouseProvider implements CloudKeyProvider {
  readonly id = 'lighthouse' as const;
  // True private fields: util.inspect and JSON.stringify never show the credentials.
  readonly #credentials: TencentCredentials;
  readonly #clients = new Map<string, LighthouseClient>();
  private readonly endpoint: TencentEndpoint;
  private readonly language: 'en-US' | 'zh-CN';
  private readonly limits: NetworkLimits;
  private readonly proxy: ProxySetting | undefined;
  private readonly httpsAgent: https.Agent | undefined;
  private readonly policy: RetryPolicy;
  private readonly limiter: RateLimiter;
  private readonly onResponse: ((info: TencentResponseInfo) => void) | undefined;

  constructor(options: LighthouseOptions) {
    if (!options.credentials?.secretId?.trim() || !options.credentials?.secretKey?.trim()) {
      throw lighthouseRefusal('MissingCredentials', 'missingCredentials');
    }
    this.#credentials = { ...options.credentials, secretId: options.credentials.secretId.trim(), secretKey: options.credentials.secretKey.trim() };
    let endpoint: TencentEndpoint | undefined;
    try {
      endpoint = parseTencentEndpoint(options.endpoint, DEFAULT_LIGHTHOUSE_HOST);
    } catch (error) {
      throw error instanceof CloudError ? asLighthouseError(error) : error;
    }
    this.endpoint = endpoint ?? { protocol: 'https://', host: DEFAULT_LIGHTHOUSE_HOST };
    this.language = options.language ?? 'en-US';
    this.limits = networkLimits(options);
    this.proxy = options.proxy;
    this.httpsAgent = options.httpsAgent;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.limiter = options.rateLimiter ?? new RateLimiter();
    this.onResponse = options.onResponse;
    applyOperationDeadline(this, this.limits.operationTimeoutSeconds, LIGHTHOUSE_MESSAGES);
  }

  /** Imports in flight, by key: a second import of the same key joins the first. */
  private readonly imports = new JoinedCalls<ImportKeyPairResult>();

  importKeyPair(request: ImportKeyPairRequest, options: CallOptions = {}): Promise<ImportKeyPairResult> {
    // One key set for the account: the same key "into" two regions is one import.
    return importJoiningSameKey(this.imports, { ...request, region: '' }, options.signal, () => this.sendImport(request, options));
  }

  private async sendImport(request: ImportKeyPairRequest, options: CallOptions): Promise<ImportKeyPairResult> {
    const publicKey = request.publicKey.trim();
    // Any type is sent: the docs name RSA only, but the cloud decides (the caller warned before sending another).
    const identity = identifyPublicKey(publicKey);
    const params = { KeyName: request.name, PublicKey: publicKey };
    const context = { keyName: request.name };
    const send = async (): Promise<ImportKeyPairResult> => {
      const response = await this.call<{ RequestId?: string }>('ImportKeyPair', ACCOUNT_WIDE, params, { ...options, idempotent: false, context });
      const keyPair: KeyPair = {
        id: readAnswer(LIGHTHOUSE_DESCRIPTOR, 'ImportKeyPair', requestIdOf(response.RequestId), () => readImportedKeyId(response)),
        name: request.name,
        region: request.region,
        publicKey,
        sha256: identity?.sha256,
        blobBase64: identity?.blobBase64,
        createdTime: isoNow(), // the cloud's own time comes with the next listing
        description: '',
        associatedInstanceIds: [],
        projectId: '',
      };
      return { keyPair, alreadyExisted: false, recoveredAfterLostAnswer: false };
    };
    // Without a readable key there is nothing to look for: failures go to the caller as they are.
    if (!identity) return send();
    return importWithRecovery({
      policy: this.policy,
      signal: options.signal,
      subject: { cloud: LIGHTHOUSE_DESCRIPTOR, name: request.name, region: request.region },
      send,
      // A duplicate key or name may be this very key: then return it instead of failing.
      isDuplicate: (error) => DUPLICATE_CODES.has(error.code),
      findExisting: async () => (await this.listKeyPairs({ region: request.region }, options)).find((k) => k.blobBase64 === identity.blobBase64),
    });
  }

  async createKeyPair(request: CreateKeyPairRequest, options: CallOptions = {}): Promise<CreatedKeyPair> {
    return createWithoutLosingPrivateKey({
      policy: this.policy,
      signal: options.signal,
      subject: { cloud: LIGHTHOUSE_DESCRIPTOR, name: request.name, region: request.region },
      send: async () => {
        const response = await this.call<{ RequestId?: string }>('CreateKeyPair', ACCOUNT_WIDE, { KeyName: request.name }, {
          ...options,
          idempotent: false,
          context: { keyName: request.name },
        });
        // Read so that the private key survives whatever else the answer holds: the caller saves it
        // first and reports `malformed` after.
        const requestId = requestIdOf(response.RequestId);
        const read = readCreatedKeyPair(response, request.region, request.name);
        if (!read.privateKey) throw createOutcomeLost(request.name, read.keyPair.id || '?', requestId);
        const malformed = read.malformed && malformedResponse(LIGHTHOUSE_DESCRIPTOR, 'CreateKeyPair', read.malformed, requestId);
        return { keyPair: read.keyPair, privateKey: read.privateKey, ...(malformed ? { malformed } : {}) };
      },
      isNameTaken: (error) => error.code === NAME_TAKEN,
      findByName: async () => (await this.listKeyPairs({ region: request.region, name: request.name }, options))[0],
      outcomeLost: (created) => createOutcomeLost(request.name, created.id),
    });
  }

  /** Every key pair of the account (`region` is only echoed); `projectId` is ignored: Lighthouse has no projects. */
  async listKeyPairs(request: ListKeyPairsRequest, options: CallOptions = {}): Promise<KeyPair[]> {
    // KeyIds and Filters cannot be combined; `key-name` matches fuzzily: the name is compared here.
    const byName = request.name === undefined ? undefined : [{ Name: 'key-name', Values: [request.name] }];
    const queries = request.ids?.length ? chunks([...new Set(request.ids)], LIGHTHOUSE_PAGE_SIZE).map((KeyIds) => ({ KeyIds })) : [{ Filters: byName }];
    const byId = new Map<string, KeyPair>();
    for (const query of queries) {
      const keyPairs = await this.allPages('DescribeKeyPairs', ACCOUNT_WIDE, query, (r) => readKeyPairPage(r, request.region), options);
      for (const keyPair of keyPairs) byId.set(keyPair.id, keyPair);
    }
    return [...byId.values()].filter((k) => request.name === undefined || k.name === request.name);
  }

  /**
   * Deletes in batches of 10 (the documented maximum); key pairs still bound are kept and reported.
   * A KeyId that no longer exists (ResourceNotFound.KeyIdNotFound) is reported `missing` and the
   * rest sent again.
   */
  async deleteKeyPairs(request: { region: string; ids: string[] }, options: CallOptions = {}): Promise<DeleteKeyPairsResult> {
    const result: DeleteKeyPairsResult = { deleted: [], inUse: [], missing: [] };
    for (const all of chunks([...new Set(request.ids)], LIGHTHOUSE_DELETE_BATCH)) {
      let batch = all;
      let refused = false;
      for (;;) {
        try {
          refused = await this.deleteOrRefused(batch, options);
          break;
        } catch (error) {
          if (!(error instanceof CloudError) || !NOT_FOUND_CODES.has(error.code)) throw error;
          const missing = await this.missingKeyIds(batch, error, options);
          if (missing.length === 0) throw error;
          result.missing.push(...missing);
          batch = batch.filter((id) => !missing.includes(id));
          if (batch.length === 0) break;
        }
      }
      if (batch.length === 0) continue;
      if (!refused) {
        result.deleted.push(...batch);
        continue;
      }
      if (batch.length === 1) {
        result.inUse.push(...batch);
        continue;
      }
      // A bound key pair refused the batch: what is no longer listed went anyway; each of the rest
      // is deleted alone, to tell which are bound.
      const left = new Set((await this.listKeyPairs({ region: request.region, ids: batch }, options)).map((k) => k.id));
      result.deleted.push(...batch.filter((id) => !left.has(id)));
      for (const id of batch.filter((i) => left.has(i))) (await this.deleteOrRefused([id], options) ? result.inUse : result.deleted).push(id);
    }
    return result;
  }

  /** The KeyIds of `pending` a NotFound refusal is about: those its message names, else those no longer listed. */
  private async missingKeyIds(pending: string[], error: CloudError, options: CallOptions): Promise<string[]> {
    const named = namedKeyIds({ action: 'DeleteKeyPairs', keyIds: pending }, error.serverMessage ?? '').filter((id) => pending.includes(id));
    if (named.length > 0) return named;
    const listed = new Set((await this.listKeyPairs({ region: '', ids: pending }, options)).map((k) => k.id));
    return pending.filter((id) => !listed.has(id));
  }

  /**
   * DeleteKeyPairs for `ids`: true when refused because one of them is still bound. A lost answer
   * is not re-sent blindly (a second delete of a deleted key fails): what is no longer listed was
   * deleted, and only the rest is sent again.
   */
  private async deleteOrRefused(ids: string[], options: CallOptions): Promise<boolean> {
    let pending = ids;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('DeleteKeyPairs', ACCOUNT_WIDE, { KeyIds: pending }, { ...options, idempotent: false, context: { keyIds: pending } });
        return false;
      } catch (error) {
        if (error instanceof CloudError && IN_USE_CODES.has(error.code)) return true;
        if (!(error instanceof CloudError) || !error.outcomeUnknown || attempt >= this.policy.maxAttempts) throw error;
        const left = new Set((await this.listKeyPairs({ region: '', ids: pending }, options)).map((k) => k.id));
        pending = pending.filter((id) => left.has(id));
        if (pending.length === 0) return false;
        await sleep(backoffDelayMs(attempt - 1, this.policy), options.signal);
      }
    }
  }

  /** Lighthouse has no ModifyKeyPairAttribute: key pairs keep their name, and have no description. */
  async modifyKeyPair(_request: ModifyKeyPairRequest, _options: CallOptions = {}): Promise<void> {
    throw lighthouseRefusal('UnsupportedOperation', 'renameUnsupported', [], 'ModifyKeyPairAttribute');
  }

  associateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<void> {
    return this.bind('AssociateInstancesKeyPairs', request, options);
  }

  disassociateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<void> {
    return this.bind('DisassociateInstancesKeyPairs', request, options);
  }

  async listRegions(options: CallOptions = {}): Promise<CloudRegion[]> {
    const response = await this.call<{ RequestId?: string }>('DescribeRegions', undefined, {}, { ...options, idempotent: true });
    return readAnswer(LIGHTHOUSE_DESCRIPTOR, 'DescribeRegions', requestIdOf(response.RequestId), () => readRegions(response));
  }

  async listInstances(request: ListInstancesRequest, options: CallOptions = {}): Promise<CloudInstance[]> {
    const queries = request.ids?.length ? chunks([...new Set(request.ids)], LIGHTHOUSE_PAGE_SIZE).map((InstanceIds) => ({ InstanceIds })) : [{}];
    const instances: CloudInstance[] = [];
    for (const query of queries) {
      instances.push(...(await this.allPages('DescribeInstances', request.region, query, (r) => readInstancePage(r, request.region), options)));
    }
    return instances;
  }

  /**
   * Binds or unbinds in the instances' region. Lighthouse has no ForceStop: it always shuts running
   * instances down for the change, so without `forceStop` running instances are refused first. With
   * it, nothing is shut down for a batch Lighthouse would refuse: instances gone, on Windows or in
   * another state are refused here (naming them), and stopped instances go in the first batches.
   */
  private async bind(action: string, request: KeyPairBindingRequest, options: CallOptions): Promise<void> {
    let ids = [...new Set(request.instanceIds)];
    const listed = await this.listInstances({ region: request.region, ids }, options);
    const running = new Set(listed.filter((i) => i.state === 'RUNNING').map((i) => i.id));
    if (!request.forceStop && running.size > 0) throw lighthouseRefusal('InstanceRunning', 'instanceRunningNoForce', [[...running].join(', ')], action);
    if (running.size > 0) {
      const byId = new Map(listed.map((i) => [i.id, i]));
      const gone = ids.filter((id) => !byId.has(id));
      if (gone.length) throw lighthouseRefusal('ResourceNotFound.InstanceIdNotFound', 'instanceNotFound', [gone.join(', '), request.region], action);
      const windows = listed.filter((i) => i.platform === 'windows').map((i) => i.id);
      if (windows.length) throw lighthouseRefusal('UnsupportedOperation.WindowsNotSupportKeyPair', 'instanceWindows', [windows.join(', ')], action);
      const other = listed.filter((i) => !LIGHTHOUSE_DESCRIPTOR.bindableInstanceStates.includes(i.state)).map((i) => i.id);
      if (other.length) throw lighthouseRefusal('UnsupportedOperation.InvalidInstanceState', 'lighthouseInstanceState', [other.join(', ')], action);
      ids = [...ids.filter((id) => !running.has(id)), ...ids.filter((id) => running.has(id))];
    }
    for (const instanceIds of chunks(ids, LIGHTHOUSE_BIND_BATCH)) {
      await this.call(
        action,
        request.region,
        { KeyIds: request.keyIds, InstanceIds: instanceIds },
        // Binding the same keys again is harmless, so a lost answer may be retried.
        { ...options, idempotent: true, context: { keyIds: request.keyIds, instanceIds } },
      );
    }
  }

  /** Every item of a paged Describe* action, 100 at a time, each page read through the trust boundary. */
  private allPages<T>(
    action: string,
    region: string | undefined,
    query: object,
    readPage: (response: unknown) => { items: T[]; total: number },
    options: CallOptions,
  ): Promise<T[]> {
    return allPages(async (_page, itemsSoFar) => {
      const response = await this.call<{ RequestId?: string }>(action, region, { ...query, Offset: itemsSoFar, Limit: LIGHTHOUSE_PAGE_SIZE }, { ...options, idempotent: true });
      return readAnswer(LIGHTHOUSE_DESCRIPTOR, action, requestIdOf(response.RequestId), () => readPage(response));
    });
  }

  /** Who the API key is (STS GetCallerIdentity, the Tencent Cloud account Lighthouse shares with CVM): its root account's UIN. */
  async getCallerIdentity(options: CallOptions = {}): Promise<CallerIdentity> {
    // A Lighthouse host (or a local fake) says where STS is, as ../tencent/identity.ts derives it.
    const setting = this.endpoint.host === DEFAULT_LIGHTHOUSE_HOST && this.endpoint.protocol === 'https://' ? undefined : this.endpoint;
    const { client, host } = createStsClient({
      credentials: this.#credentials,
      endpoint: setting,
      region: ACCOUNT_WIDE,
      language: this.language,
      requestTimeoutSeconds: this.limits.requestTimeoutSeconds,
      maxAnswerBytes: this.limits.maxAnswerBytes,
      proxy: this.proxy,
      httpsAgent: this.httpsAgent,
    });
    const response = await callThroughSdk<{ RequestId?: string }>(client, GET_CALLER_IDENTITY, ACCOUNT_WIDE, {}, { ...options, idempotent: true }, {
      limiter: this.limiter,
      limiterKey: `${this.#credentials.secretId}|sts|${GET_CALLER_IDENTITY}`,
      policy: this.policy,
      connection: { host, timeoutSeconds: this.limits.requestTimeoutSeconds },
      onResponse: this.onResponse,
      translate: (read, context) => (read.serverMessage !== undefined ? lighthouseApiError(read.code, read.serverMessage, read.requestId, context) : asLighthouseError(read)),
    });
    return readAnswer(LIGHTHOUSE_DESCRIPTOR, GET_CALLER_IDENTITY, requestIdOf(response.RequestId), () => readTencentCallerIdentity(response));
  }

  /** One API call (../tencent/sdk.ts callThroughSdk: paced, retried, deadlines, our transport), with Lighthouse's sentences. */
  private call<R>(
    action: string,
    region: string | undefined,
    params: object,
    options: CallOptions & { idempotent: boolean; context?: Partial<TencentErrorContext> },
  ): Promise<R> {
    return callThroughSdk<R>(this.clientFor(region), action, region, params, options, {
      limiter: this.limiter,
      // Lighthouse's limits are its own, apart from CVM's actions of the same name.
      limiterKey: `${this.#credentials.secretId}|lighthouse|${action}`,
      policy: this.policy,
      connection: { host: this.endpoint.host, timeoutSeconds: this.limits.requestTimeoutSeconds },
      onResponse: this.onResponse,
      // An answer of the cloud's (it carries the cloud's message) gets Lighthouse's sentence.
      translate: (read, context) => (read.serverMessage !== undefined ? lighthouseApiError(read.code, read.serverMessage, read.requestId, context) : asLighthouseError(read)),
    });
  }

  /** One client per region (the region is a client setting); key pair calls use the one without. */
  private clientFor(region: string | undefined): LighthouseClient {
    const key = region ?? '';
    let client = this.#clients.get(key);
    if (!client) {
      const AbstractClient = loadLighthouseClientClass();
      const { secretId, secretKey, token } = this.#credentials;
      const { protocol, host } = this.endpoint;
      client = new AbstractClient(host, LIGHTHOUSE_API_VERSION, {
        credential: { secretId, secretKey, token },
        region,
        profile: {
          language: this.language,
          httpProfile: {
            endpoint: host,
            protocol,
            reqTimeout: this.limits.requestTimeoutSeconds,
            // Our transport sends the SDK's requests (../tencent/sdk.ts): its limits, no redirects, our proxy tunnel.
            agent: sdkTransportAgent({
              requestTimeoutSeconds: this.limits.requestTimeoutSeconds,
              maxAnswerBytes: this.limits.maxAnswerBytes,
              proxy: proxyFor(this.proxy, `${protocol}${host}/`),
              httpsAgent: this.httpsAgent,
            }),
          },
        },
      });
      this.#clients.set(key, client);
    }
    return client;
  }
}
