// The provider-neutral view of a cloud's SSH key pairs. Tencent CVM and Alibaba ECS implement
// it; the VS Code layer and the CLI only see this interface.

import type { CloudIdentity, CloudProviderId } from './errors';

/** A key pair as a cloud holds it (never with a private key). */
export interface KeyPair {
  /** The cloud's id (`skey-xxxxxxxx` on Tencent; the name on Alibaba). */
  id: string;
  name: string;
  region: string;
  /** The public key line as the cloud returns it (its comment may differ from the local file). */
  publicKey: string;
  /** Computed locally from `publicKey`; undefined when that is not an OpenSSH line. */
  sha256?: string;
  /** Base64 of the key blob, to match local keys (compare with KeyFacts.blobBase64). */
  blobBase64?: string;
  /** ISO 8601 UTC. */
  createdTime: string;
  description: string;
  associatedInstanceIds: string[];
  /** Tencent project id (`0` = default project) or Alibaba resource group id. */
  projectId: string;
  /** The fingerprint as the cloud reports it (Alibaba's KeyPairFingerPrint); Tencent reports none. */
  cloudFingerprint?: string;
  /** A second id the cloud keeps besides `id` (Alibaba's KeyPairId, where `id` is the name). */
  cloudKeyPairId?: string;
}

/** Options every operation takes. */
export interface CallOptions {
  /** Cancels waiting, retrying and the request in flight. */
  signal?: AbortSignal;
}

export interface ImportKeyPairRequest {
  region: string;
  name: string;
  /** One OpenSSH public key line. */
  publicKey: string;
  projectId?: string;
  tags?: Record<string, string>;
}

export interface ImportKeyPairResult {
  keyPair: KeyPair;
  /** The same key (by blob) was already in the region before this call: nothing was imported. */
  alreadyExisted: boolean;
  /** The import's answer was lost (timeout, dropped connection) but the key was found in the cloud. */
  recoveredAfterLostAnswer: boolean;
  /**
   * Whether the fingerprint the cloud reports is that of the key sent. Undefined when the cloud
   * reports none (Tencent); false means the cloud holds some other key under this name: say so.
   */
  fingerprintMatches?: boolean;
}

export interface CreateKeyPairRequest {
  region: string;
  name: string;
  projectId?: string;
  tags?: Record<string, string>;
}

export interface CreatedKeyPair {
  /** As far as the answer could be read: `id` is '' when the cloud's id was malformed. */
  keyPair: KeyPair;
  /** PEM private key. The cloud keeps no copy: store it now or it is gone. Not yet checked to be a key. */
  privateKey: string;
  /**
   * Set when other fields of the answer failed validation (a MalformedResponse naming the field).
   * The key pair was created all the same: save `privateKey` first, then report this.
   */
  malformed?: import('./errors').CloudError;
}

export interface ListKeyPairsRequest {
  region: string;
  ids?: string[];
  /** Exact name. */
  name?: string;
  projectId?: string;
}

export interface DeleteKeyPairsResult {
  deleted: string[];
  /** Bound to an instance or image, so the cloud kept them. */
  inUse: string[];
  /** Not there (any more): the cloud refused them as unknown, so there was nothing to delete. */
  missing: string[];
}

export interface ModifyKeyPairRequest {
  region: string;
  id: string;
  name?: string;
  description?: string;
}

export interface KeyPairBindingRequest {
  region: string;
  keyIds: string[];
  instanceIds: string[];
  /** Shut running instances down for the change (they start again afterwards). */
  forceStop?: boolean;
}

/** What happened on one instance of a bind or unbind. */
export interface InstanceBindingOutcome {
  instanceId: string;
  ok: boolean;
  /** The cloud's code when it failed on this instance. */
  code?: string;
  message?: string;
}

/** Per-instance outcome of associating or disassociating key pairs (clouds that report it). */
export interface KeyPairBindingResult {
  outcomes: InstanceBindingOutcome[];
  /** Instances that were running: the change takes effect after they restart. */
  restartRequired: string[];
}

export interface CloudRegion {
  id: string;
  name: string;
  available: boolean;
}

export interface CloudInstance {
  id: string;
  name: string;
  region: string;
  /** As the cloud says it: `RUNNING`, `STOPPED`, … */
  state: string;
  osName: string;
  platform: 'linux' | 'windows';
  /** The key pairs bound (CVM/Lighthouse LoginSettings.KeyIds; ECS KeyPairName, at most one). */
  keyIds: string[];
  // What connecting needs. Every provider sets the fields it can read; they are optional only so
  // that a placeholder naming an instance by id alone need not invent them.
  /**
   * Public addresses as the cloud reports them (CVM PublicIpAddresses, Lighthouse PublicAddresses,
   * ECS PublicIpAddress / EipAddress), primary first. Each passed node:net isIP and holds only
   * hex digits, `.` and `:` (no zone, no space): safe to hand to ssh as a host.
   */
  publicIps?: string[];
  /** Private addresses (CVM PrivateIpAddresses, Lighthouse PrivateAddresses, ECS VpcAttributes / InnerIpAddress), checked the same way. */
  privateIps?: string[];
  /**
   * The login user the cloud reports for the instance (CVM DefaultLoginUser), checked against a
   * conservative POSIX user name pattern; undefined when it reports none: then the cloud's
   * `defaultLoginUser` rule (src/clouds/<cloud>/login-user.ts) picks the documented default.
   */
  loginUser?: string;
  /** The SSH port the cloud reports (CVM DefaultLoginPort), 1–65535; undefined when it reports none (22). */
  loginPort?: number;
  /** The image the instance was made from (CVM/ECS ImageId, Lighthouse BlueprintId), checked as text of safe characters. */
  imageId?: string;
  /** The OS family as the cloud names it, where it does (Lighthouse Platform: `UBUNTU`, `CENTOS`, …). */
  osFamily?: string;
  /** The instance was set up to log in as the cloud's non-root user (ECS ImageOptions.LoginAsNonRoot: `ecs-user`). */
  loginAsNonRoot?: boolean;
}

/** A cloud's rule for the user an SSH login to `instance` uses: the one it reports, else the documented default; undefined for Windows. */
export type DefaultLoginUserRule = (instance: CloudInstance) => string | undefined;

export interface ListInstancesRequest {
  region: string;
  ids?: string[];
}

/** One cloud's key pair operations. Failures reject with a CloudError. */
export interface CloudKeyProvider {
  readonly id: CloudProviderId;
  /** Imports a public key; an identical key already there is returned (flagged) instead of failing. */
  importKeyPair(request: ImportKeyPairRequest, options?: CallOptions): Promise<ImportKeyPairResult>;
  /** Has the cloud generate a key pair; the private key is returned once. */
  createKeyPair(request: CreateKeyPairRequest, options?: CallOptions): Promise<CreatedKeyPair>;
  /** Every matching key pair of the region (all pages). */
  listKeyPairs(request: ListKeyPairsRequest, options?: CallOptions): Promise<KeyPair[]>;
  deleteKeyPairs(request: { region: string; ids: string[] }, options?: CallOptions): Promise<DeleteKeyPairsResult>;
  /** Renames and/or re-describes a key pair. */
  modifyKeyPair(request: ModifyKeyPairRequest, options?: CallOptions): Promise<void>;
  /** Binds; clouds that report per-instance outcomes (Alibaba) resolve with them. Rejects when any instance failed. */
  associateKeyPairs(request: KeyPairBindingRequest, options?: CallOptions): Promise<KeyPairBindingResult | void>;
  disassociateKeyPairs(request: KeyPairBindingRequest, options?: CallOptions): Promise<KeyPairBindingResult | void>;
  listRegions(options?: CallOptions): Promise<CloudRegion[]>;
  /** Every matching instance of the region (all pages). */
  listInstances(request: ListInstancesRequest, options?: CallOptions): Promise<CloudInstance[]>;
  /** Who the credentials are (STS GetCallerIdentity), for clouds that can say; rejects with a CloudError. */
  getCallerIdentity?(options?: CallOptions): Promise<CallerIdentity>;
}

/**
 * What STS GetCallerIdentity says about the credentials, each field checked at the trust boundary.
 * Names no secret: safe to keep in globalState and to show.
 */
export interface CallerIdentity {
  /** The root account: Tencent's UIN, Alibaba's account ID (digits only). */
  accountId: string;
  /** What the cloud calls `accountId`, for the sentence that shows it: a UIN, or (default) an account ID. */
  accountIdName?: 'uin' | 'account-id';
  /** The key's own principal (a sub-account's UIN, a RAM user's id). */
  principalId?: string;
  arn?: string;
  /** `CAMUser`, `CAMRole`, `RAMUser`, `Account`, … as the cloud names it. */
  type?: string;
}

/** What the extension gives a cloud's chunk to make a provider. */
export interface ProviderConnection {
  /** By CredentialField id (`secretId`, `accessKeyId`, …). Never logged. */
  credentials: Record<string, string>;
  /** The machine-scoped endpoint setting; empty for the cloud's default. */
  endpoint?: string;
  language: 'en-US' | 'zh-CN';
  /**
   * One line per answered request, for the log: action, region, RequestId or error code, time. Never
   * parameters or secrets. `level` (responseLogLevel): `trace` for read-only calls that succeeded.
   */
  onResponse?: (line: string, level?: ResponseLogLevel) => void;
}

/** The entry point of every cloud's lazily loaded chunk (src/clouds/<cloud>/chunk.ts, bundled as dist/<cloud>.js). */
export interface CloudChunk {
  createProvider(connection: ProviderConnection): CloudKeyProvider;
}

/** An answered (or failed) request as a provider reports it. */
export interface ResponseInfo {
  action: string;
  region?: string;
  requestId: string;
  durationMs: number;
  httpStatus?: number;
  errorCode?: string;
}

export type ResponseLogLevel = 'info' | 'trace';

/**
 * How loud one answered request is in the log: a read-only call (Describe*, which the views make by
 * the hundred) that succeeded is `trace`; a change, and any failure, `info`.
 */
export function responseLogLevel(r: Pick<ResponseInfo, 'action' | 'errorCode'>): ResponseLogLevel {
  return /^(Describe|List|Get)/.test(r.action) && !r.errorCode ? 'trace' : 'info';
}

/** The log line of one answered request (cloud text escaped by the caller). */
export function responseLogLine(cloud: CloudIdentity, r: ResponseInfo): string {
  const status = r.httpStatus ? ` (HTTP ${r.httpStatus})` : '';
  return `${cloud.displayName} ${r.action}${r.region ? ` ${r.region}` : ''}: ${r.errorCode ?? 'ok'}${status}, RequestId ${r.requestId || '(none)'}, ${r.durationMs} ms`;
}
