// Alibaba Cloud ECS key pairs (API 2014-05-26) behind the same CloudKeyProvider as Tencent CVM,
// sharing its flows (src/cloud/flows.ts), pacing and retries (retry.ts) and key identity
// (publicKey.ts). What is ECS's own: the name rules (descriptor.ts), the request mapping
// below, and the error sentences (errors.ts).
//
// Which client, by measurement (Nov 2026, Node 20.20, esbuild 0.28.2 `--bundle --platform=node
// --minify`, in a scratch folder; require time = first `require()` of the bundle in a fresh
// process, 10 runs on a shared, busy machine: median, then min–max):
//
//   candidate                                          minified   gzip     require: median (min–max)
//   @alicloud/ecs20140526 7.11.6 + openapi-core 1.0.8  3,757 KB   425 KB   723 ms (535–1,131)
//     same, unbundled from node_modules                                    848–1,055 ms (5 runs)
//   @alicloud/pop-core 1.8.0 (RPC, HMAC-SHA1)            157 KB    47 KB    52 ms (42–79)
//   own ACS3 signer + node:https client + errors          18 KB     6 KB    17 ms (10–27)
//   whole dist/alibaba.js with it (chunk.ts,      66 KB    23 KB    17 ms (13–31)
//     including the shared key parser for fingerprints)
//   for comparison: the Tencent chunk (its SDK)          624 KB   157 KB    61 ms (39–89)
//
// Chosen: our own signer. The official SDK is 57x our chunk and takes ~0.7 s to load for seven
// calls. pop-core is small, but it signs with the older HMAC-SHA1 scheme, drags in httpx, xml2js,
// kitx, debug and json-bigint, and gives nothing we need: the calls are form posts with a JSON
// answer. The V3 signature is ~60 lines over node:crypto, needs no npm dependency (nothing to
// pin or audit), reproduces the worked example of Alibaba's "V3 request structure and signature"
// page byte for byte (test/clouds/alibaba/unit/signer.test.ts), and the fake ECS verifies it with
// an independently written verifier (test/clouds/alibaba/fake/acs3.ts). That verifier also accepts the official
// SDK (@alicloud/ecs20140526 7.11.6, signatureAlgorithm ACS3-HMAC-SHA256: DescribeRegions,
// ImportKeyPair, DescribeKeyPairs, parameters in the query) and refuses it with a wrong secret
// (SignatureDoesNotMatch, 400): checked once in a scratch folder. Cost: we own retries and error mapping,
// which the shared flows (flows.ts, retry.ts) already give us.
// Loading: only through dist/alibaba.js (chunk.ts), never from dist/extension.js; inside
// it the HTTPS client is required on the first call.

import { wireMpint, wireString } from '../../keys/sshwire';
import { type EcsInstanceFields, type EcsKeyPairFields, readEcsBindResults, readEcsCreated, readEcsImported, readEcsInstancePage, readEcsKeyPairPage, readEcsRegions } from './answers';
import { malformedResponse, readAnswer, requestIdOf } from '../../cloud/answer-fields';
import { ALIBABA_MESSAGES, type AlibabaErrorContext, alibabaApiError, alibabaError } from './errors';
import { ECS_BIND_BATCH, ECS_DELETE_BATCH, ECS_INSTANCE_PAGE_SIZE, ECS_MAX_TAGS, ECS_PAGE_SIZE, alibabaKeyPairNameProblem } from './descriptor';
import type * as Transport from './transport';
import { CloudError } from '../../cloud/errors';
import { JoinedCalls, allPages, chunks, createWithoutLosingPrivateKey, importJoiningSameKey, importWithRecovery, isoNow } from '../../cloud/flows';
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
  InstanceBindingOutcome,
  KeyPair,
  KeyPairBindingRequest,
  KeyPairBindingResult,
  ListInstancesRequest,
  ListKeyPairsRequest,
  ModifyKeyPairRequest,
} from '../../cloud/provider';
import { identifyPublicKey } from '../../cloud/publicKey';
import { DEFAULT_RETRY_POLICY, RateLimiter, type RetryPolicy, withRetry } from '../../cloud/retry';
import { type NetworkLimitOptions, type NetworkLimits, applyOperationDeadline, networkLimits, trackedAttempt } from '../../cloud/deadline';
import { type ProxySetting, proxyFor } from '../../cloud/proxy-env';
import * as crypto from 'node:crypto';
import { ALIBABA_DESCRIPTOR } from './descriptor';
import { GET_CALLER_IDENTITY, STS_API_VERSION, alibabaStsEndpoint, readAlibabaCallerIdentity } from './identity';
import type { ParsedEndpoint } from '../../cloud/endpoint';

export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** Only for temporary (STS) credentials. */
  securityToken?: string;
}

export interface AlibabaEcsOptions extends NetworkLimitOptions {
  credentials: AlibabaCredentials;
  /** `ecs.cn-hangzhou.aliyuncs.com`, `https://…`, or `http://127.0.0.1:9000` (plain http only to loopback). Default: `ecs.<region>.aliyuncs.com`, `ecs.aliyuncs.com` for region-less calls. */
  endpoint?: string;
  /** Language of region names (DescribeRegions AcceptLanguage). Default en-US. */
  language?: 'en-US' | 'zh-CN';
  /** An http proxy for https endpoints (a CONNECT tunnel), or a function choosing one per endpoint URL. Never for plain http. */
  proxy?: ProxySetting;
  /** Without a proxy, for https: default Node's global agent, which VS Code's proxy support patches. */
  httpsAgent?: import('node:https').Agent;
  retry?: Partial<RetryPolicy>;
  /** Share one between providers of the same account so their calls pace together. */
  rateLimiter?: RateLimiter;
  /** Told about every answered request (for the log): its RequestId, or the error code. Never given parameters or secrets. */
  onResponse?: (info: AlibabaResponseInfo) => void;
}

/** One answered (or failed) request, for a log. */
export interface AlibabaResponseInfo {
  action: string;
  region?: string;
  requestId: string;
  durationMs: number;
  httpStatus?: number;
  errorCode?: string;
}

/** ListKeyPairs plus ECS's server-side fingerprint filter. */
export interface AlibabaListKeyPairsRequest extends ListKeyPairsRequest {
  /** KeyPairFingerPrint as ECS reports it. */
  fingerprint?: string;
}

type Params = Array<readonly [string, string]>;




/** ECS writes CreationTime as `2023-09-04T08:33Z` (no seconds): normalize to ISO 8601 UTC with seconds. */
export function normalizeEcsTime(text: string | undefined): string {
  if (!text) return '';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/.test(text)) return text.replace('Z', ':00Z');
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Lower-case hex without separators or an `MD5:`/`SHA1:` prefix; base64 after `SHA256:` is kept. */
function normalizeFingerprint(fingerprint: string): string {
  const text = fingerprint.trim();
  if (/^SHA256:/i.test(text)) return `sha256:${text.slice(7)}`;
  return text.replace(/^(MD5|SHA1):/i, '').replace(/[:\s-]/g, '').toLowerCase();
}

/**
 * Whether a fingerprint ECS reports is that of `publicKeyLine`. ECS documents "MD5 (RFC 4716)" but
 * its own example has 20 octets, so MD5 and SHA-1 of the blob (with or without colons) both count,
 * as do SHA-256 forms; for a certificate, of the certificate blob or of the certified key.
 */
export function ecsFingerprintMatches(fingerprint: string | undefined, publicKeyLine: string): boolean | undefined {
  if (!fingerprint) return undefined;
  const wanted = normalizeFingerprint(fingerprint);
  const blobs = new Set<string>();
  const raw = /^\S+\s+([A-Za-z0-9+/]+={0,2})/.exec(publicKeyLine.trim())?.[1];
  if (raw) blobs.add(raw);
  const identity = identifyPublicKey(publicKeyLine);
  if (identity) blobs.add(identity.blobBase64);
  for (const base64 of blobs) {
    const blob = Buffer.from(base64, 'base64');
    for (const algorithm of ['md5', 'sha1', 'sha256']) {
      if (crypto.createHash(algorithm).update(blob).digest('hex') === wanted) return true;
    }
    if (`sha256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` === wanted) return true;
  }
  return false;
}

/** An ECS key pair in the provider-neutral shape: `id` is the name (ECS identifies key pairs by name per region). */
export function keyPairFromEcs(region: string, raw: EcsKeyPairFields): KeyPair {
  const publicKey = raw.PublicKey ?? '';
  const identity = publicKey ? identifyPublicKey(publicKey) : undefined;
  return {
    id: raw.KeyPairName,
    name: raw.KeyPairName,
    region,
    publicKey,
    sha256: identity?.sha256,
    blobBase64: identity?.blobBase64,
    createdTime: normalizeEcsTime(raw.CreationTime),
    description: '',
    associatedInstanceIds: [],
    projectId: raw.ResourceGroupId ?? '',
    cloudFingerprint: raw.KeyPairFingerPrint,
    cloudKeyPairId: raw.KeyPairId || undefined,
  };
}

/** An ECS instance in the provider-neutral shape: its one key pair (KeyPairName) as `keyIds`. */
export function instanceFromEcs(region: string, i: EcsInstanceFields): CloudInstance {
  return {
    id: i.InstanceId,
    name: i.InstanceName,
    region,
    state: i.Status,
    osName: i.OSName,
    platform: /windows/i.test(i.OSType ?? i.OSName ?? '') ? 'windows' : 'linux',
    keyIds: i.KeyPairName ? [i.KeyPairName] : [],
    publicIps: i.publicIps,
    privateIps: i.privateIps,
    imageId: i.ImageId,
    loginAsNonRoot: i.LoginAsNonRoot,
  };
}

/**
 * The `ssh-rsa AAAA…` line of the unencrypted PEM RSA private key CreateKeyPair returns, with
 * node:crypto (no key library in this chunk). Empty when it is anything else: the listing then
 * shows the public key, and the private key still goes back to the caller.
 */
export function rsaPublicLineFromPrivatePem(pem: string): string {
  try {
    const jwk = crypto.createPublicKey(pem).export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) return '';
    const blob = Buffer.concat([wireString('ssh-rsa'), wireMpint(Buffer.from(jwk.e, 'base64url')), wireMpint(Buffer.from(jwk.n, 'base64url'))]);
    return `ssh-rsa ${blob.toString('base64')}`;
  } catch {
    return '';
  }
}

/** `Tag.1.Key`, `Tag.1.Value`, … (at most 20). */
function tagParams(tags: Record<string, string> | undefined): Params {
  return Object.entries(tags ?? {})
    .slice(0, ECS_MAX_TAGS)
    .flatMap(([key, value], i) => [[`Tag.${i + 1}.Key`, key] as const, [`Tag.${i + 1}.Value`, value] as const]);
}

function optional(name: string, value: string | undefined): Params {
  return value === undefined || value === '' ? [] : [[name, value]];
}


let transportModule: typeof Transport | undefined;
/** The HTTPS client, required on the first call (keeps it out of anything that only imports this file's types). */
function transport(): typeof Transport {
  transportModule ??= require('./transport') as typeof Transport;
  return transportModule;
}

/** Alibaba Cloud ECS as a CloudKeyProvider. Construction checks the options and throws a CloudError (kind `config`). */
export class AlibabaEcsProvider implements CloudKeyProvider {
  readonly id = 'alibaba' as const;
  // True private fields: util.inspect and JSON.stringify never show the credentials.
  readonly #credentials: AlibabaCredentials;
  private readonly endpoint: ReturnType<typeof Transport.parseAlibabaEndpoint>;
  private readonly language: 'en-US' | 'zh-CN';
  private readonly limits: NetworkLimits;
  private readonly proxy: ProxySetting | undefined;
  private readonly httpsAgent: AlibabaEcsOptions['httpsAgent'];
  private readonly policy: RetryPolicy;
  private readonly limiter: RateLimiter;
  private readonly onResponse: ((info: AlibabaResponseInfo) => void) | undefined;

  constructor(options: AlibabaEcsOptions) {
    if (!options.credentials?.accessKeyId?.trim() || !options.credentials?.accessKeySecret?.trim()) {
      throw alibabaError('config', 'MissingCredentials', 'missingCredentials', []);
    }
    this.#credentials = {
      accessKeyId: options.credentials.accessKeyId.trim(),
      accessKeySecret: options.credentials.accessKeySecret.trim(),
      securityToken: options.credentials.securityToken?.trim() || undefined,
    };
    this.endpoint = transport().parseAlibabaEndpoint(options.endpoint);
    this.language = options.language ?? 'en-US';
    this.limits = networkLimits(options);
    this.proxy = options.proxy;
    this.httpsAgent = options.httpsAgent;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    // ECS's limits are per API and account and not published per action; 10/s per action is well under them.
    this.limiter = options.rateLimiter ?? new RateLimiter();
    this.onResponse = options.onResponse;
    applyOperationDeadline(this, this.limits.operationTimeoutSeconds, ALIBABA_MESSAGES);
  }

  /** Imports in flight, by region and key: a second import of the same key joins the first. */
  private readonly imports = new JoinedCalls<ImportKeyPairResult>();

  importKeyPair(request: ImportKeyPairRequest, options: CallOptions = {}): Promise<ImportKeyPairResult> {
    return importJoiningSameKey(this.imports, request, options.signal, () => this.sendImport(request, options));
  }

  private async sendImport(request: ImportKeyPairRequest, options: CallOptions): Promise<ImportKeyPairResult> {
    const publicKey = request.publicKey.trim();
    const identity = identifyPublicKey(publicKey);
    const resourceGroupId = request.projectId || undefined;
    const params: Params = [
      ['RegionId', request.region],
      ['KeyPairName', request.name],
      ['PublicKeyBody', publicKey],
      ...optional('ResourceGroupId', resourceGroupId),
      ...tagParams(request.tags),
    ];
    const context = { keyPairName: request.name, resourceGroupId, publicKeyType: identity?.type };
    const withFingerprintCheck = (result: ImportKeyPairResult): ImportKeyPairResult => ({
      ...result,
      fingerprintMatches: ecsFingerprintMatches(result.keyPair.cloudFingerprint, publicKey),
    });
    const send = async (): Promise<ImportKeyPairResult> => {
      const response = await this.call<unknown>('ImportKeyPair', request.region, params, { ...options, idempotent: false, context });
      const imported = readAnswer(ALIBABA_DESCRIPTOR, 'ImportKeyPair', requestIdOf(response.RequestId), () => readEcsImported(response, request.name));
      const keyPair: KeyPair = {
        ...keyPairFromEcs(request.region, { ...imported, PublicKey: publicKey, ResourceGroupId: resourceGroupId }),
        createdTime: isoNow(), // the cloud's own time comes with the next listing
      };
      return withFingerprintCheck({ keyPair, alreadyExisted: false, recoveredAfterLostAnswer: false });
    };
    if (!identity) return send();
    let holder: KeyPair | undefined;
    try {
      const result = await importWithRecovery({
        policy: this.policy,
        signal: options.signal,
        subject: { cloud: ALIBABA_DESCRIPTOR, name: request.name, region: request.region },
        send,
        // The name is taken: by this very key, then it is returned; by another key, the error stands.
        isDuplicate: (error) => this.isNameTaken(error, request.name),
        findExisting: async () => {
          [holder] = await this.describeKeyPairs({ region: request.region, name: request.name }, options, false);
          return holder?.blobBase64 === identity.blobBase64 ? holder : undefined;
        },
      });
      return result.fingerprintMatches === undefined ? withFingerprintCheck(result) : result;
    } catch (error) {
      throw holder ? this.asNameTaken(error, { ...context, action: 'ImportKeyPair', region: request.region }) : error;
    }
  }

  /**
   * Whether ECS refused because the name is taken: KeyPair.AlreadyExist, or, as its older docs say
   * ("invalid or already exists"), InvalidKeyPairName.Malformed for a name our rules find valid.
   */
  private isNameTaken(error: CloudError, name: string): boolean {
    return error.code === 'KeyPair.AlreadyExist' || (error.code === 'InvalidKeyPairName.Malformed' && alibabaKeyPairNameProblem(name) === undefined);
  }

  /** A "name not valid" answer for a name that is in fact taken, said as what it is. */
  private asNameTaken(error: unknown, context: AlibabaErrorContext): unknown {
    if (!(error instanceof CloudError) || error.code !== 'InvalidKeyPairName.Malformed') return error;
    return alibabaApiError('KeyPair.AlreadyExist', error.serverMessage ?? '', error.requestId, error.httpStatus, context);
  }

  async createKeyPair(request: CreateKeyPairRequest, options: CallOptions = {}): Promise<CreatedKeyPair> {
    const resourceGroupId = request.projectId || undefined;
    const params: Params = [['RegionId', request.region], ['KeyPairName', request.name], ...optional('ResourceGroupId', resourceGroupId), ...tagParams(request.tags)];
    try {
      return await this.createWithRecovery(request, params, resourceGroupId, options);
    } catch (error) {
      if (!(error instanceof CloudError) || error.code !== 'InvalidKeyPairName.Malformed' || !this.isNameTaken(error, request.name)) throw error;
      const [holder] = await this.describeKeyPairs({ region: request.region, name: request.name }, options, false);
      throw holder ? this.asNameTaken(error, { action: 'CreateKeyPair', region: request.region, keyPairName: request.name }) : error;
    }
  }

  private createWithRecovery(request: CreateKeyPairRequest, params: Params, resourceGroupId: string | undefined, options: CallOptions): Promise<CreatedKeyPair> {
    return createWithoutLosingPrivateKey({
      policy: this.policy,
      signal: options.signal,
      subject: { cloud: ALIBABA_DESCRIPTOR, name: request.name, region: request.region },
      send: async () => {
        const response = await this.call<unknown>('CreateKeyPair', request.region, params, {
          ...options,
          idempotent: false,
          context: { keyPairName: request.name, resourceGroupId },
        });
        const requestId = requestIdOf(response.RequestId);
        // Read so that the private key survives whatever else the answer holds: the caller saves it
        // first and reports `malformed` after. From here on nothing may throw.
        const read = readEcsCreated(response, request.name);
        if (!read.privateKey) throw this.createOutcomeLost(request.name, requestId);
        let publicKey = '';
        try {
          publicKey = rsaPublicLineFromPrivatePem(read.privateKey);
        } catch {
          // not an RSA PEM: the caller finds that out when it checks the saved key
        }
        const keyPair = keyPairFromEcs(request.region, { ...read.fields, PublicKey: publicKey, ResourceGroupId: resourceGroupId });
        const malformed = read.malformed && malformedResponse(ALIBABA_DESCRIPTOR, 'CreateKeyPair', read.malformed, requestId);
        return { keyPair: { ...keyPair, createdTime: isoNow() }, privateKey: read.privateKey, ...(malformed ? { malformed } : {}) };
      },
      isNameTaken: (error) => this.isNameTaken(error, request.name),
      findByName: async () => (await this.describeKeyPairs({ region: request.region, name: request.name }, options, false))[0],
      outcomeLost: (created) => this.createOutcomeLost(created.name),
    });
  }

  /** Every matching key pair of the region (all pages), with the instances using each (one DescribeInstances listing). */
  listKeyPairs(request: AlibabaListKeyPairsRequest, options: CallOptions = {}): Promise<KeyPair[]> {
    return this.describeKeyPairs(request, options, true);
  }

  private async describeKeyPairs(request: AlibabaListKeyPairsRequest, options: CallOptions, withBindings: boolean): Promise<KeyPair[]> {
    // ECS filters by one name (with `*` wildcards, which names cannot contain) or fingerprint; ids are names, filtered here.
    const query: Params = [
      ['RegionId', request.region],
      ['IncludePublicKey', 'true'],
      ...optional('KeyPairName', request.ids?.length === 1 ? request.ids[0] : request.name),
      ...optional('KeyPairFingerPrint', request.fingerprint),
      ...optional('ResourceGroupId', request.projectId),
    ];
    const raw = await allPages<EcsKeyPairFields>(async (page) => {
      const response = await this.call<unknown>(
        'DescribeKeyPairs',
        request.region,
        [...query, ['PageNumber', String(page + 1)], ['PageSize', String(ECS_PAGE_SIZE)]],
        { ...options, idempotent: true },
      );
      return readAnswer(ALIBABA_DESCRIPTOR, 'DescribeKeyPairs', requestIdOf(response.RequestId), () => readEcsKeyPairPage(response));
    });
    const ids = request.ids ? new Set(request.ids) : undefined;
    const byName = new Map<string, KeyPair>();
    for (const item of raw) byName.set(item.KeyPairName, keyPairFromEcs(request.region, item));
    // DescribeKeyPairs does not say which instances use a key; DescribeInstances does (KeyPairName).
    if (withBindings && byName.size > 0) {
      for (const [name, instanceIds] of await this.instancesByKeyPair(request.region, options)) {
        const keyPair = byName.get(name);
        if (keyPair) keyPair.associatedInstanceIds = instanceIds;
      }
    }
    return [...byName.values()].filter(
      (k) =>
        (ids === undefined || ids.has(k.id)) &&
        (request.name === undefined || k.name === request.name) &&
        (request.projectId === undefined || k.projectId === request.projectId),
    );
  }

  /**
   * Deletes by name, 100 per call. ECS refuses a batch holding a key pair attached to an instance
   * (InvalidParameter.KeypairAlreadyAttachedInstance): then it looks which are attached, reports
   * them in `inUse`, and deletes the rest. A name that does not exist refuses the batch too
   * (InvalidKeyPairName.NotFound): names no longer listed are then reported `missing`, the rest sent again.
   */
  async deleteKeyPairs(request: { region: string; ids: string[] }, options: CallOptions = {}): Promise<DeleteKeyPairsResult> {
    const result: DeleteKeyPairsResult = { deleted: [], inUse: [], missing: [] };
    for (const names of chunks([...new Set(request.ids)], ECS_DELETE_BATCH)) {
      let pending = names;
      while (pending.length > 0) {
        try {
          // Deleting names again is harmless, so a lost answer may be retried.
          await this.call('DeleteKeyPairs', request.region, [['RegionId', request.region], ['KeyPairNames', JSON.stringify(pending)]], {
            ...options,
            idempotent: true,
            context: { keyPairNames: pending },
          });
          result.deleted.push(...pending);
          break;
        } catch (error) {
          const inUse = error instanceof CloudError && error.code === 'InvalidParameter.KeypairAlreadyAttachedInstance';
          const notFound = error instanceof CloudError && /^InvalidKeyPair(Name)?\.NotFound$/.test(error.code);
          if (!inUse && !notFound) throw error;
          const wanted = new Set(pending);
          const left = (await this.listKeyPairs({ region: request.region }, options)).filter((k) => wanted.has(k.id));
          const leftNames = new Set(left.map((k) => k.id));
          // Refused as unknown, nothing went: what is not listed was not there. Refused as bound, the rest may have gone.
          (notFound ? result.missing : result.deleted).push(...pending.filter((name) => !leftNames.has(name)));
          const bound = left.filter((k) => k.associatedInstanceIds.length > 0).map((k) => k.id);
          const unbound = left.filter((k) => k.associatedInstanceIds.length === 0).map((k) => k.id);
          result.inUse.push(...bound);
          // No progress possible: refused for keys no instance we can see uses (an instance being created, say).
          if (unbound.length === pending.length) {
            if (inUse) result.inUse.push(...unbound);
            else throw error;
            break;
          }
          pending = unbound;
        }
      }
    }
    return result;
  }

  /** ECS has no rename or description of key pairs. */
  async modifyKeyPair(_request: ModifyKeyPairRequest, _options: CallOptions = {}): Promise<void> {
    throw alibabaError('config', 'UnsupportedOperation', 'unsupportedOperation', ['rename or describe'], { action: 'ModifyKeyPair' });
  }

  /** AttachKeyPair: one key pair to up to 50 instances per call. Running instances need a restart for it to take effect. */
  associateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<KeyPairBindingResult> {
    return this.bind('AttachKeyPair', request, options);
  }

  /** DetachKeyPair; takes effect after a restart too. */
  disassociateKeyPairs(request: KeyPairBindingRequest, options: CallOptions = {}): Promise<KeyPairBindingResult> {
    return this.bind('DetachKeyPair', request, options);
  }

  async listRegions(options: CallOptions = {}): Promise<CloudRegion[]> {
    const response = await this.call<unknown>('DescribeRegions', undefined, [['AcceptLanguage', this.language]], { ...options, idempotent: true });
    return readAnswer(ALIBABA_DESCRIPTOR, 'DescribeRegions', requestIdOf(response.RequestId), () => readEcsRegions(response));
  }

  /**
   * Every instance of the region (or those of `ids`, 100 per call), paged by NextToken with
   * MaxResults 100: the DescribeInstances page calls PageNumber/PageSize "about to be deprecated"
   * and says TotalCount means nothing with NextToken, so the last page is the one without a token.
   */
  async listInstances(request: ListInstancesRequest, options: CallOptions = {}): Promise<CloudInstance[]> {
    const queries: Params[] = request.ids?.length
      ? chunks([...new Set(request.ids)], ECS_INSTANCE_PAGE_SIZE).map((ids) => [['InstanceIds', JSON.stringify(ids)] as const])
      : [[]];
    const instances = new Map<string, CloudInstance>();
    for (const query of queries) {
      let nextToken: string | undefined;
      const tokensSeen = new Set<string>();
      // allPages bounds the number of pages; the "total" only says whether a token came back. A token
      // given twice would page in a circle: the listing ends there.
      const raw = await allPages<EcsInstanceFields>(async () => {
        const response = await this.call<unknown>(
          'DescribeInstances',
          request.region,
          [['RegionId', request.region], ...query, ['MaxResults', String(ECS_INSTANCE_PAGE_SIZE)], ...optional('NextToken', nextToken)],
          { ...options, idempotent: true },
        );
        const page = readAnswer(ALIBABA_DESCRIPTOR, 'DescribeInstances', requestIdOf(response.RequestId), () => readEcsInstancePage(response));
        nextToken = page.nextToken !== undefined && !tokensSeen.has(page.nextToken) ? page.nextToken : undefined;
        if (nextToken) tokensSeen.add(nextToken);
        return { items: page.items, total: nextToken ? Number.POSITIVE_INFINITY : 0 };
      });
      for (const i of raw) if (!instances.has(i.InstanceId)) instances.set(i.InstanceId, instanceFromEcs(request.region, i));
    }
    return [...instances.values()];
  }

  /** KeyPairName → the instances of the region using it. Best effort: without DescribeInstances permission, none. */
  private async instancesByKeyPair(region: string, options: CallOptions): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    let instances: CloudInstance[];
    try {
      instances = await this.listInstances({ region }, options);
    } catch (error) {
      if (error instanceof CloudError && error.kind === 'cancelled') throw error;
      return map;
    }
    for (const instance of instances) {
      for (const name of instance.keyIds) map.set(name, [...(map.get(name) ?? []), instance.id]);
    }
    return map;
  }

  private async bind(action: 'AttachKeyPair' | 'DetachKeyPair', request: KeyPairBindingRequest, options: CallOptions): Promise<KeyPairBindingResult> {
    if (request.keyIds.length !== 1) throw alibabaError('config', 'OneKeyPairPerInstance', 'oneKeyPerInstance', [], { action });
    const [keyPairName] = request.keyIds;
    const outcomes: InstanceBindingOutcome[] = [];
    for (const ids of chunks([...new Set(request.instanceIds)], ECS_BIND_BATCH)) {
      const response = await this.call<unknown>(
        action,
        request.region,
        [['RegionId', request.region], ['KeyPairName', keyPairName], ['InstanceIds', JSON.stringify(ids)]],
        // Binding the same key again is harmless, so a lost answer may be retried.
        { ...options, idempotent: true, context: { keyPairName, instanceIds: ids } },
      );
      const results = readAnswer(ALIBABA_DESCRIPTOR, action, requestIdOf(response.RequestId), () => readEcsBindResults(response));
      for (const id of ids) {
        const r = results.find((x) => x.InstanceId === id);
        // An instance the answer does not mention counts as done: ECS lists only what it tried.
        outcomes.push(r && !r.Success ? { instanceId: id, ok: false, code: r.Code, message: r.Message } : { instanceId: id, ok: true });
      }
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) {
      const context: AlibabaErrorContext = { action, region: request.region, keyPairName, instanceIds: failed.map((f) => f.instanceId) };
      const codes = new Set(failed.map((f) => f.code ?? ''));
      if (failed.length === outcomes.length && codes.size === 1) throw alibabaApiError(failed[0].code ?? 'UnknownError', failed[0].message ?? '', '', undefined, context);
      const detail = failed.map((f) => `${f.instanceId} (${f.code ?? '?'}: ${f.message ?? ''})`).join('; ');
      throw alibabaError('api', 'PartialFailure', 'bindPartlyFailed', [action, outcomes.length - failed.length, outcomes.length, detail], { action });
    }
    // Which of them must restart: ask for their state; if that fails, say all (the safe reminder).
    let restartRequired = outcomes.map((o) => o.instanceId);
    try {
      const states = await this.listInstances({ region: request.region, ids: restartRequired }, options);
      restartRequired = states.filter((i) => i.state !== 'Stopped').map((i) => i.id);
    } catch (error) {
      if (error instanceof CloudError && error.kind === 'cancelled') throw error;
    }
    return { outcomes, restartRequired };
  }

  private createOutcomeLost(name: string, requestId = ''): CloudError {
    return alibabaError('outcome-lost', 'CreateOutcomeLost', 'createOutcomeLost', [name], { action: 'CreateKeyPair', requestId });
  }

  /** Who the AccessKey is (STS GetCallerIdentity): its account ID. Needs no RAM permission. */
  async getCallerIdentity(options: CallOptions = {}): Promise<CallerIdentity> {
    const response = await this.call<Record<string, unknown>>(GET_CALLER_IDENTITY, undefined, [], {
      ...options,
      idempotent: true,
      target: { endpoint: alibabaStsEndpoint(this.endpoint), version: STS_API_VERSION },
    });
    return readAnswer(ALIBABA_DESCRIPTOR, GET_CALLER_IDENTITY, requestIdOf(response.RequestId), () => readAlibabaCallerIdentity(response));
  }

  /**
   * One API call: paced by the rate limiter, retried with backoff when nothing happened
   * (throttled, no connection) and, for idempotent calls, when the outcome is unknown.
   */
  private call<R>(
    action: string,
    region: string | undefined,
    params: Params,
    options: CallOptions & { idempotent: boolean; context?: Partial<AlibabaErrorContext>; target?: { endpoint: ParsedEndpoint; version: string } },
  ): Promise<R & { RequestId?: string }> {
    const { postRpc, defaultAlibabaEndpoint } = transport();
    // Another product's API (STS) names its own host and version.
    const endpoint = options.target?.endpoint ?? this.endpoint ?? defaultAlibabaEndpoint(region);
    const timeoutSeconds = this.limits.requestTimeoutSeconds;
    const context: AlibabaErrorContext = { ...options.context, action, region, host: endpoint.host, timeoutSeconds };
    const proxy = proxyFor(this.proxy, `${endpoint.protocol}//${endpoint.host}/`);
    return withRetry(
      trackedAttempt(options, action, options.idempotent, async (onSent) => {
        await this.limiter.acquire(`${this.#credentials.accessKeyId}|${action}`, options.signal);
        const sentAtMs = Date.now();
        const report = (requestId: string, httpStatus?: number, errorCode?: string) =>
          this.onResponse?.({ action, region, requestId, durationMs: Date.now() - sentAtMs, httpStatus, errorCode });
        let answer: Transport.RawAnswer;
        try {
          answer = await postRpc({
            endpoint,
            credentials: this.#credentials,
            action,
            version: options.target?.version,
            params,
            timeoutSeconds,
            signal: options.signal,
            context,
            proxy,
            httpsAgent: this.httpsAgent,
            maxAnswerBytes: this.limits.maxAnswerBytes,
            onSent,
          });
        } catch (error) {
          const failure = error instanceof CloudError ? error : alibabaError('interrupted', 'UnexpectedFailure', 'connectionDropped', [action], { action });
          report('', undefined, failure.code);
          throw failure;
        }
        const parsed = parseJsonObject(answer.body);
        const ok = answer.status >= 200 && answer.status < 300;
        // Every ECS answer carries a RequestId: a 2xx JSON without one is not ECS (an endpoint set to
        // another service), and must not read as an empty listing.
        if (ok && parsed && typeof parsed.Code !== 'string' && typeof parsed.RequestId === 'string' && parsed.RequestId) {
          report(String(parsed.RequestId ?? ''), answer.status);
          return parsed as R & { RequestId?: string };
        }
        let failure: CloudError;
        if (parsed && typeof parsed.Code === 'string' && parsed.Code) {
          failure = alibabaApiError(parsed.Code, String(parsed.Message ?? ''), String(parsed.RequestId ?? ''), answer.status, { ...context, sentAtMs, serverTimeMs: answer.serverTimeMs });
        } else if (ok) {
          failure = alibabaError('interrupted', 'MalformedResponse', 'malformedResponse', [action], { action, httpStatus: answer.status });
        } else {
          const kind = answer.status === 429 ? 'throttled' : answer.status >= 500 ? 'interrupted' : 'api';
          failure = alibabaError(kind, 'HttpError', 'httpError', [answer.status, answer.body.slice(0, 80).trim() || 'no body', action], { action, httpStatus: answer.status });
        }
        report(failure.requestId, answer.status, failure.code);
        throw failure;
      }),
      {
        policy: this.policy,
        signal: options.signal,
        shouldRetry: (error) => error instanceof CloudError && (error.retry === 'always' || (options.idempotent && error.retry === 'if-idempotent')),
      },
    );
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
