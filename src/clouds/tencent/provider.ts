// Tencent Cloud CVM key pairs through the official Node SDK (loaded lazily), with pacing,
// retries, and recovery of imports whose answer was lost.

import type * as https from 'node:https';
import type * as Models from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models';
import { CloudError } from '../../cloud/errors';
import { TENCENT_MESSAGES, type TencentErrorContext, namedKeyIds } from './errors';
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
import { readCreatedKeyPair, readImportedKeyId, readInstancePage, readKeyPairPage, readRegions } from './answers';
import { JoinedCalls, allPages, chunks, createWithoutLosingPrivateKey, importJoiningSameKey, importWithRecovery, isoNow } from '../../cloud/flows';
import { DEFAULT_RETRY_POLICY, RateLimiter, type RetryPolicy, backoffDelayMs, sleep } from '../../cloud/retry';
import { type TencentEndpoint, defaultTencentEndpoint, parseTencentEndpoint } from './endpoint';
import { type CvmClient, callThroughSdk, loadTencentCvmSdk, sdkTransportAgent } from './sdk';
import { type NetworkLimitOptions, type NetworkLimits, applyOperationDeadline, networkLimits } from '../../cloud/deadline';
import { type ProxySetting, proxyFor } from '../../cloud/proxy-env';
import { TENCENT_DESCRIPTOR } from './descriptor';
import { GET_CALLER_IDENTITY, createStsClient, readTencentCallerIdentity } from './identity';

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  /** Only for temporary credentials (STS). */
  token?: string;
}

export interface TencentCvmOptions extends NetworkLimitOptions {
  credentials: TencentCredentials;
  /** `cvm.intl.tencentcloudapi.com`, `https://…`, or `http://127.0.0.1:9000` (plain http only to loopback). Default: cvm.tencentcloudapi.com. */
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

/** One answered (or failed) request, for a log. */
export interface TencentResponseInfo {
  action: string;
  region?: string;
  requestId: string;
  durationMs: number;
  /** The error code when it failed. */
  errorCode?: string;
}

/** Largest page CVM serves. */
const PAGE_SIZE = 100;

function tagSpecification(tags: Record<string, string> | undefined): Models.TagSpecification[] | undefined {
  const entries = Object.entries(tags ?? {});
  return entries.length ? [{ ResourceType: 'keypair', Tags: entries.map(([Key, Value]) => ({ Key, Value })) }] : undefined;
}

function createOutcomeLost(name: string, keyId: string, requestId = ''): CloudError {
  return new CloudError({
    provider: 'tencent',
    kind: 'outcome-lost',
    code: 'CreateOutcomeLost',
    template:
      'Tencent Cloud created the key pair "{0}" ({1}), but its answer, the only copy of the private key, was lost. Delete that key pair and create it again.',
    args: [name, keyId],
    requestId,
    action: 'CreateKeyPair',
  });
}

/** The states in which CVM changes an instance's key pairs (with ForceStop for RUNNING). */
const BINDABLE_STATES = new Set(TENCENT_DESCRIPTOR.bindableInstanceStates);

/** Refuses, before anything is sent, a bind whose instances the listing shows CVM would refuse: gone, Windows, or in another state. */
function checkBindable(action: string, region: string, ids: readonly string[], listed: readonly CloudInstance[]): void {
  const refuse = (code: string, template: string, args: Array<string | number>) =>
    new CloudError({ provider: 'tencent', kind: 'config', code, template, args, action });
  const byId = new Map(listed.map((i) => [i.id, i]));
  const gone = ids.filter((id) => !byId.has(id));
  if (gone.length) throw refuse('InvalidInstanceId.NotFound', TENCENT_MESSAGES.instanceNotFound, [gone.join(', '), region]);
  const windows = listed.filter((i) => i.platform === 'windows');
  if (windows.length) throw refuse('UnsupportedOperation.InstanceOsWindows', TENCENT_MESSAGES.instanceWindows, [windows.map((i) => i.id).join(', ')]);
  const other = listed.filter((i) => !BINDABLE_STATES.has(i.state));
  if (other.length) throw refuse('UnsupportedOperation', TENCENT_MESSAGES.instanceInState, [other.map((i) => i.id).join(', '), [...new Set(other.map((i) => i.state))].join(', ')]);
}

/** Tencent Cloud CVM as a CloudKeyProvider. Construction checks the options and throws a CloudError (kind `config`). */
export class TencentCvmProvider implements CloudKeyProvider {
  readonly id = 'tencent' as const;
  // True private fields: util.inspect and JSON.stringify never show the credentials.
  readonly #credentials: TencentCredentials;
  readonly #clients = new Map<string, CvmClient>();
  private readonly endpoint: TencentEndpoint | undefined;
  private readonly language: 'en-US' | 'zh-CN';
  private readonly limits: NetworkLimits;
  private readonly proxy: ProxySetting | undefined;
  private readonly httpsAgent: https.Agent | undefined;
  private readonly policy: RetryPolicy;
  private readonly limiter: RateLimiter;
  private readonly onResponse: ((info: TencentResponseInfo) => void) | undefined;

  constructor(options: TencentCvmOptions) {
    if (!options.credentials?.secretId?.trim() || !options.credentials?.secretKey?.trim()) {
      throw new CloudError({
        provider: 'tencent',
        kind: 'config',
        code: 'MissingCredentials',
        template: 'No Tencent Cloud API key is set. Enter a SecretId and SecretKey (from the API Keys page of the Tencent Cloud console).',
      });
    }
    this.#credentials = { ...options.credentials, secretId: options.credentials.secretId.trim(), secretKey: options.credentials.secretKey.trim() };
    this.endpoint = parseTencentEndpoint(options.endpoint);
    this.language = options.language ?? 'en-US';
    this.limits = networkLimits(options);
    this.proxy = options.proxy;
    this.httpsAgent = options.httpsAgent;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.limiter = options.rateLimiter ?? new RateLimiter();
    this.onResponse = options.onResponse;
    applyOperationDeadline(this, this.limits.operationTimeoutSeconds, TENCENT_MESSAGES);
  }

  /** Imports in flight, by region and key: a second import of the same key joins the first. */
  private readonly imports = new JoinedCalls<ImportKeyPairResult>();

  importKeyPair(request: ImportKeyPairRequest, options: CallOptions = {}): Promise<ImportKeyPairResult> {
    return importJoiningSameKey(this.imports, request, options.signal, () => this.sendImport(request, options));
  }

  private async sendImport(request: ImportKeyPairRequest, options: CallOptions): Promise<ImportKeyPairResult> {
    const publicKey = request.publicKey.trim();
    const identity = identifyPublicKey(publicKey);
    const projectId = request.projectId ?? '0';
    const params = { KeyName: request.name, ProjectId: Number(projectId), PublicKey: publicKey, TagSpecification: tagSpecification(request.tags) };
    const context = { keyName: request.name, projectId, publicKeyType: identity?.type };
    const send = async (): Promise<ImportKeyPairResult> => {
      const response = await this.call<Models.ImportKeyPairResponse>('ImportKeyPair', request.region, params, { ...options, idempotent: false, context });
      const keyPair: KeyPair = {
        id: readAnswer(TENCENT_DESCRIPTOR, 'ImportKeyPair', requestIdOf(response.RequestId), () => readImportedKeyId(response)),
        name: request.name,
        region: request.region,
        publicKey,
        sha256: identity?.sha256,
        blobBase64: identity?.blobBase64,
        createdTime: isoNow(), // the cloud's own time comes with the next listing
        description: '',
        associatedInstanceIds: [],
        projectId,
      };
      return { keyPair, alreadyExisted: false, recoveredAfterLostAnswer: false };
    };
    // Without a readable key there is nothing to look for: failures go to the caller as they are.
    if (!identity) return send();
    return importWithRecovery({
      policy: this.policy,
      signal: options.signal,
      subject: { cloud: TENCENT_DESCRIPTOR, name: request.name, region: request.region },
      send,
      // A duplicate key or name may be this very key: then return it instead of failing.
      isDuplicate: (error) => error.code === 'InvalidPublicKey.Duplicate' || error.code === 'InvalidKeyPairName.Duplicate',
      findExisting: () => this.findKeyPairByBlob(request.region, identity.blobBase64, options),
    });
  }

  async createKeyPair(request: CreateKeyPairRequest, options: CallOptions = {}): Promise<CreatedKeyPair> {
    const projectId = request.projectId ?? '0';
    const params = { KeyName: request.name, ProjectId: Number(projectId), TagSpecification: tagSpecification(request.tags) };
    return createWithoutLosingPrivateKey({
      policy: this.policy,
      signal: options.signal,
      subject: { cloud: TENCENT_DESCRIPTOR, name: request.name, region: request.region },
      send: async () => {
        const response = await this.call<Models.CreateKeyPairResponse>('CreateKeyPair', request.region, params, {
          ...options,
          idempotent: false,
          context: { keyName: request.name, projectId },
        });
        // Read so that the private key survives whatever else the answer holds: the caller saves it
        // first and reports `malformed` after.
        const requestId = requestIdOf(response.RequestId);
        const read = readCreatedKeyPair(response, request.region, request.name);
        if (!read.privateKey) throw createOutcomeLost(request.name, read.keyPair.id || '?', requestId);
        const malformed = read.malformed && malformedResponse(TENCENT_DESCRIPTOR, 'CreateKeyPair', read.malformed, requestId);
        return { keyPair: read.keyPair, privateKey: read.privateKey, ...(malformed ? { malformed } : {}) };
      },
      isNameTaken: (error) => error.code === 'InvalidKeyPairName.Duplicate',
      findByName: async () => (await this.listKeyPairs({ region: request.region, name: request.name }, options))[0],
      outcomeLost: (created) => createOutcomeLost(request.name, created.id),
    });
  }

  async listKeyPairs(request: ListKeyPairsRequest, options: CallOptions = {}): Promise<KeyPair[]> {
    const filters: Models.Filter[] = [];
    if (request.name !== undefined) filters.push({ Name: 'key-name', Values: [request.name] });
    if (request.projectId !== undefined) filters.push({ Name: 'project-id', Values: [request.projectId] });
    // KeyIds and Filters cannot be combined: with ids, the filters apply locally.
    const queries = request.ids?.length ? chunks([...new Set(request.ids)], PAGE_SIZE).map((KeyIds) => ({ KeyIds })) : [{ Filters: filters.length ? filters : undefined }];
    const byId = new Map<string, KeyPair>();
    for (const query of queries) {
      const keyPairs = await this.allPages('DescribeKeyPairs', request.region, query, (r) => readKeyPairPage(r, request.region), options);
      for (const keyPair of keyPairs) byId.set(keyPair.id, keyPair);
    }
    return [...byId.values()].filter(
      (k) => (request.name === undefined || k.name === request.name) && (request.projectId === undefined || k.projectId === request.projectId),
    );
  }

  /**
   * Deletes 100 per call. A KeyId that no longer exists makes CVM refuse the whole batch
   * (InvalidKeyPairId.NotFound, nothing deleted): those it names (or, naming none, those no longer
   * listed) are reported `missing` and the rest sent again. A key pair still bound is kept and
   * reported `inUse`, the rest deleted (the docs say to check which went).
   */
  async deleteKeyPairs(request: { region: string; ids: string[] }, options: CallOptions = {}): Promise<DeleteKeyPairsResult> {
    const result: DeleteKeyPairsResult = { deleted: [], inUse: [], missing: [] };
    for (const chunk of chunks([...new Set(request.ids)], PAGE_SIZE)) {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        try {
          await this.call('DeleteKeyPairs', request.region, { KeyIds: pending }, { ...options, idempotent: false, context: { keyIds: pending } });
          result.deleted.push(...pending);
          break;
        } catch (error) {
          if (error instanceof CloudError && error.code === 'InvalidKeyPairId.NotFound') {
            const missing = await this.missingKeyIds(request.region, pending, error, options);
            if (missing.length === 0) throw error;
            result.missing.push(...missing);
            pending = pending.filter((id) => !missing.includes(id));
            continue;
          }
          const refusedInUse = error instanceof CloudError && error.code === 'InvalidParameterValue.KeyPairNotSupported';
          if (!(error instanceof CloudError) || !(refusedInUse || error.outcomeUnknown)) throw error;
          if (error.outcomeUnknown && attempt >= this.policy.maxAttempts) throw error;
          // The cloud may have deleted some of them: see what is left (as its docs advise).
          const left = await this.listKeyPairs({ region: request.region, ids: pending }, options);
          const leftIds = new Set(left.map((k) => k.id));
          result.deleted.push(...pending.filter((id) => !leftIds.has(id)));
          result.inUse.push(...left.filter((k) => k.associatedInstanceIds.length > 0).map((k) => k.id));
          const unbound = left.filter((k) => k.associatedInstanceIds.length === 0).map((k) => k.id);
          if (refusedInUse && unbound.length === pending.length) {
            // Refused although bound to no instance: bound to an image.
            result.inUse.push(...unbound);
            break;
          }
          pending = unbound;
          if (error.outcomeUnknown) await sleep(backoffDelayMs(attempt - 1, this.policy), options.signal);
        }
      }
    }
    return result;
  }

  /** The KeyIds of `pending` a NotFound refusal is about: those its message names, else those no longer listed. */
  private async missingKeyIds(region: string, pending: string[], error: CloudError, options: CallOptions): Promise<string[]> {
    const named = namedKeyIds({ action: 'DeleteKeyPairs', keyIds: pending }, error.serverMessage ?? '').filter((id) => pending.includes(id));
    if (named.length > 0) return named;
    const listed = new Set((await this.listKeyPairs({ region, ids: pending }, options)).map((k) => k.id));
    return pending.filter((id) => !listed.has(id));
  }

  async modifyKeyPair(request: ModifyKeyPairRequest, options: CallOptions = {}): Promise<void> {
    await this.call(
      'ModifyKeyPairAttribute',
      request.region,
      { KeyId: request.id, KeyName: request.name, Description: request.description },
      { ...options, idempotent: true, context: { keyIds: [request.id], keyName: request.name } },
    );
  }

  associateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<void> {
    return this.bind('AssociateInstancesKeyPairs', request, options);
  }

  disassociateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<void> {
    return this.bind('DisassociateInstancesKeyPairs', request, options);
  }

  async listRegions(options: CallOptions = {}): Promise<CloudRegion[]> {
    const response = await this.call<Models.DescribeRegionsResponse>('DescribeRegions', undefined, {}, { ...options, idempotent: true });
    return readAnswer(TENCENT_DESCRIPTOR, 'DescribeRegions', requestIdOf(response.RequestId), () => readRegions(response));
  }

  async listInstances(request: ListInstancesRequest, options: CallOptions = {}): Promise<CloudInstance[]> {
    const queries = request.ids?.length ? chunks([...new Set(request.ids)], PAGE_SIZE).map((InstanceIds) => ({ InstanceIds })) : [{}];
    const instances: CloudInstance[] = [];
    for (const query of queries) {
      instances.push(...(await this.allPages('DescribeInstances', request.region, query, (r) => readInstancePage(r, request.region), options)));
    }
    return instances;
  }

  /** Who the API key is (STS GetCallerIdentity): its root account's UIN. Needs no CVM permission. */
  async getCallerIdentity(options: CallOptions = {}): Promise<CallerIdentity> {
    const region = TENCENT_DESCRIPTOR.defaultRegion;
    const { client, host } = createStsClient({
      credentials: this.#credentials,
      endpoint: this.endpoint,
      region,
      language: this.language,
      requestTimeoutSeconds: this.limits.requestTimeoutSeconds,
      maxAnswerBytes: this.limits.maxAnswerBytes,
      proxy: this.proxy,
      httpsAgent: this.httpsAgent,
    });
    const response = await callThroughSdk<{ RequestId?: string }>(client, GET_CALLER_IDENTITY, region, {}, { ...options, idempotent: true }, {
      limiter: this.limiter,
      limiterKey: `${this.#credentials.secretId}|sts|${GET_CALLER_IDENTITY}`,
      policy: this.policy,
      connection: { host, timeoutSeconds: this.limits.requestTimeoutSeconds },
      onResponse: this.onResponse,
    });
    return readAnswer(TENCENT_DESCRIPTOR, GET_CALLER_IDENTITY, requestIdOf(response.RequestId), () => readTencentCallerIdentity(response));
  }

  /**
   * Binds or unbinds, 100 instances per call (the documented maximum). Nothing is shut down for a
   * batch CVM would refuse: with `forceStop`, the instances are first checked afresh (Windows, a
   * state CVM refuses, gone: refused here, naming them), stopped ones go first, and each batch is
   * sent without ForceStop first. CVM checks a whole batch before changing anything, so any other
   * refusal comes back with nothing shut down; only "running" is answered by sending ForceStop.
   */
  private async bind(action: string, request: KeyPairBindingRequest, options: CallOptions): Promise<void> {
    let ids = [...new Set(request.instanceIds)];
    let forceStop = request.forceStop ?? false;
    if (forceStop) {
      const listed = await this.listInstances({ region: request.region, ids }, options);
      checkBindable(action, request.region, ids, listed);
      const running = new Set(listed.filter((i) => i.state === 'RUNNING').map((i) => i.id));
      forceStop = running.size > 0;
      ids = [...ids.filter((id) => !running.has(id)), ...ids.filter((id) => running.has(id))];
    }
    for (const instanceIds of chunks(ids, PAGE_SIZE)) {
      const send = (withForceStop: boolean) =>
        this.call(
          action,
          request.region,
          { InstanceIds: instanceIds, KeyIds: request.keyIds, ForceStop: withForceStop },
          // Binding the same keys again is harmless, so a lost answer may be retried.
          { ...options, idempotent: true, context: { keyIds: request.keyIds, instanceIds } },
        );
      try {
        await send(false);
      } catch (error) {
        if (!forceStop || !(error instanceof CloudError) || error.code !== 'UnsupportedOperation.InstanceStateRunning') throw error;
        await send(true);
      }
    }
  }

  private async findKeyPairByBlob(region: string, blobBase64: string, options: CallOptions): Promise<KeyPair | undefined> {
    return (await this.listKeyPairs({ region }, options)).find((k) => k.blobBase64 === blobBase64);
  }

  /** Every item of a paged Describe* action, 100 at a time, each page read through the trust boundary. */
  private allPages<T>(
    action: string,
    region: string,
    query: object,
    readPage: (response: unknown) => { items: T[]; total: number },
    options: CallOptions,
  ): Promise<T[]> {
    return allPages(async (_page, itemsSoFar) => {
      const response = await this.call<{ RequestId?: string }>(action, region, { ...query, Offset: itemsSoFar, Limit: PAGE_SIZE }, { ...options, idempotent: true });
      return readAnswer(TENCENT_DESCRIPTOR, action, requestIdOf(response.RequestId), () => readPage(response));
    });
  }

  /** One API call (src/clouds/tencent/sdk.ts callThroughSdk: paced, retried, deadlines, our transport). */
  private call<R>(
    action: string,
    region: string | undefined,
    params: object,
    options: CallOptions & { idempotent: boolean; context?: Partial<TencentErrorContext> },
  ): Promise<R> {
    return callThroughSdk<R>(this.clientFor(region), action, region, params, options, {
      limiter: this.limiter,
      limiterKey: `${this.#credentials.secretId}|${action}`,
      policy: this.policy,
      connection: { host: (this.endpoint ?? defaultTencentEndpoint(region)).host, timeoutSeconds: this.limits.requestTimeoutSeconds },
      onResponse: this.onResponse,
    });
  }

  /** One SDK client per region (the region is a client setting). */
  private clientFor(region: string | undefined): CvmClient {
    const key = region ?? '';
    let client = this.#clients.get(key);
    if (!client) {
      const { cvm } = loadTencentCvmSdk();
      const endpoint = this.endpoint ?? defaultTencentEndpoint(region);
      const { secretId, secretKey, token } = this.#credentials;
      client = new cvm.v20170312.Client({
        credential: { secretId, secretKey, token },
        region,
        profile: {
          language: this.language,
          httpProfile: {
            endpoint: endpoint.host,
            protocol: endpoint.protocol,
            reqTimeout: this.limits.requestTimeoutSeconds,
            // Our transport sends the SDK's requests (sdk.ts): its limits, no redirects, our proxy tunnel.
            agent: sdkTransportAgent({
              requestTimeoutSeconds: this.limits.requestTimeoutSeconds,
              maxAnswerBytes: this.limits.maxAnswerBytes,
              proxy: proxyFor(this.proxy, `${endpoint.protocol}${endpoint.host}/`),
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
