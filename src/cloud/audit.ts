// The key audit (issue 18): from the local scan and what each cloud account listed, region by
// region, every finding of one kind or another, each with what to do about it. Pure: no vscode, no
// I/O; the CLI (src/cli/audit.ts) and the Key Audit view (src/views/audit-view.ts) list and scan,
// then call `auditKeys`. Local and cloud keys are matched by key blob, never by name.
import { parseKeyText } from '../keys/parse';
import type { LocalKeyPair } from '../keys/scan';
import type { CloudInstance, KeyPair } from './provider';

export type AuditKind =
  | 'region-failed'
  | 'weak-key'
  | 'unsafe-permissions'
  | 'instance-without-local-key'
  | 'no-local-private-key'
  | 'no-passphrase'
  | 'old-key-pair'
  | 'unbound-key-pair'
  | 'same-key-different-names'
  | 'imported-nowhere';

/** Every kind, in the order findings are listed (the most urgent first). */
export const AUDIT_KINDS: readonly AuditKind[] = [
  'region-failed',
  'weak-key',
  'unsafe-permissions',
  'instance-without-local-key',
  'no-local-private-key',
  'no-passphrase',
  'old-key-pair',
  'unbound-key-pair',
  'same-key-different-names',
  'imported-nowhere',
];

export type AuditAction = 'rotate' | 'delete' | 'derive' | 'chmod' | 'import';
export type AuditSeverity = 'error' | 'warning' | 'info';

/** Where a cloud finding is: the cloud, its account and the region. */
export interface CloudPlace {
  cloud: string;
  accountId: string;
  accountLabel: string;
  region: string;
}

export type AuditSubject =
  /** A local key file (the private key when there is one) or an SSH folder. */
  | { type: 'local'; path: string; name: string }
  | ({ type: 'keyPair'; keyPairId: string; keyPairName: string } & CloudPlace)
  | ({ type: 'instance'; instanceId: string; instanceName: string; keyPairIds: string[] } & CloudPlace)
  | ({ type: 'region' } & CloudPlace);

export interface AuditFinding {
  kind: AuditKind;
  severity: AuditSeverity;
  subject: AuditSubject;
  /** One sentence: what is wrong and what to do (cloud text as the cloud sent it: escape where shown). */
  message: string;
  actions: AuditAction[];
}

/** One region of an account as listed: its key pairs and instances, or why they could not be listed. */
export interface AuditRegionInput {
  region: string;
  /** Undefined: not listed here (an account-wide cloud lists its key pairs in one region). */
  keyPairs?: readonly KeyPair[];
  instances?: readonly CloudInstance[];
  /** Why the region could not be listed (the key pairs or the instances): a finding of its own. */
  error?: string;
}

export interface AuditAccountInput {
  /** The cloud's id (`tencent`, `alibaba`, `lighthouse`). */
  cloud: string;
  /** As users know it (`Tencent Cloud CVM`). */
  cloudName: string;
  accountId: string;
  accountLabel: string;
  /** Key pairs belong to the whole account (Lighthouse): an instance of any region may use any of them. */
  accountWide?: boolean;
  regions: readonly AuditRegionInput[];
}

export interface AuditInput {
  /** The local key pairs (scanKeyDirectories' pairs). */
  pairs: readonly LocalKeyPair[];
  /** The SSH folders scanned, with their mode (st_mode), where known; undefined on Windows. */
  directories?: ReadonlyArray<{ path: string; mode?: number }>;
  accounts: readonly AuditAccountInput[];
  /** Windows has no POSIX modes: no permission findings there. */
  platform?: NodeJS.Platform;
}

export interface AuditOptions {
  /** A key pair created longer ago than this is old. */
  maxKeyAgeDays: number;
  /** ms since the epoch. */
  now: number;
}

export const DEFAULT_MAX_KEY_AGE_DAYS = 365;

const SEVERITY: Record<AuditKind, AuditSeverity> = {
  'region-failed': 'error',
  'weak-key': 'error',
  'unsafe-permissions': 'error',
  'instance-without-local-key': 'warning',
  'no-local-private-key': 'warning',
  'no-passphrase': 'warning',
  'old-key-pair': 'warning',
  'unbound-key-pair': 'info',
  'same-key-different-names': 'info',
  'imported-nowhere': 'info',
};

/** Why a key is weak, or undefined: RSA under 2048 bits, DSA at any size, anything of 1024 bits. */
export function weakness(type: string, bits: number | undefined): string | undefined {
  if (type === 'ssh-dss') return `a DSA key (${bits ?? '?'} bits), which OpenSSH no longer accepts by default`;
  if (bits === 1024) return `a ${shortType(type)} key of 1024 bits, which can be broken`;
  if (type === 'ssh-rsa' && bits !== undefined && bits < 2048) return `an RSA key of ${bits} bits (less than 2048)`;
  return undefined;
}

function shortType(type: string): string {
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  if (type.startsWith('ecdsa')) return 'ECDSA';
  if (type === 'ssh-ed25519') return 'Ed25519';
  return type;
}

/** The type and size of a cloud key pair's public key line (undefined when it cannot be read). */
function cloudKeyFacts(keyPair: KeyPair): { type: string; bits?: number } | undefined {
  const key = parseKeyText(keyPair.publicKey, 'public').keys[0];
  return key ? { type: key.type, bits: key.bits } : undefined;
}

/** The blob of a local pair's public half, from the `.pub` or the private key itself. */
function blobOf(pair: LocalKeyPair): string | undefined {
  return pair.facts.blobBase64 ?? pair.publicKey?.facts.blobBase64 ?? pair.privateKey?.facts.blobBase64;
}

const placeOf = (account: AuditAccountInput, region: string): CloudPlace => ({ cloud: account.cloud, accountId: account.accountId, accountLabel: account.accountLabel, region });

function where(account: AuditAccountInput, region: string): string {
  return `${account.cloudName} (${account.accountLabel}) ${region}`;
}

function keyPairSubject(account: AuditAccountInput, k: KeyPair): AuditSubject {
  return { type: 'keyPair', keyPairId: k.id, keyPairName: k.name, ...placeOf(account, k.region) };
}

function keyPairText(k: KeyPair): string {
  return k.name && k.name !== k.id ? `${k.id} ("${k.name}")` : `"${k.id}"`;
}

/** A stable order: by kind, then by where the subject is. */
function sortKey(f: AuditFinding): string {
  const s = f.subject;
  const id =
    s.type === 'local' ? `0\u0000${s.path}` :
    s.type === 'region' ? `1\u0000${s.cloud}\u0000${s.accountId}\u0000${s.region}` :
    s.type === 'keyPair' ? `1\u0000${s.cloud}\u0000${s.accountId}\u0000${s.region}\u0000${s.keyPairId}` :
    `1\u0000${s.cloud}\u0000${s.accountId}\u0000${s.region}\u0000${s.instanceId}`;
  return `${String(AUDIT_KINDS.indexOf(f.kind)).padStart(2, '0')}\u0000${id}`;
}

/** Every finding, in a stable order (see AUDIT_KINDS). */
export function auditKeys(input: AuditInput, options: AuditOptions): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const add = (kind: AuditKind, subject: AuditSubject, message: string, actions: AuditAction[]) =>
    findings.push({ kind, severity: SEVERITY[kind], subject, message, actions });
  const posix = (input.platform ?? 'linux') !== 'win32';

  // ---- local keys ----
  const pairs = input.pairs.filter((p) => p.privateKey || p.publicKey);
  const privateBlobs = new Set(pairs.filter((p) => p.privateKey).map(blobOf).filter((b): b is string => !!b));
  const localSubject = (p: LocalKeyPair): AuditSubject => ({ type: 'local', path: (p.privateKey ?? p.publicKey)!.path, name: p.name });
  // Derive is offered wherever a private key has no `.pub` beside it.
  const derive = (p: LocalKeyPair): AuditAction[] => (p.privateKey && !p.publicKey ? ['derive'] : []);
  for (const p of pairs) {
    const file = (p.privateKey ?? p.publicKey)!.path;
    const weak = weakness(p.facts.type, p.facts.bits);
    if (weak) add('weak-key', localSubject(p), `${file} is ${weak}: generate a new Ed25519 key (or RSA of 3072 bits or more), use it instead, and rotate the key pairs that hold this one.`, derive(p));
    if (p.privateKey && !p.facts.encrypted && p.privateKey.facts.encrypted !== true) {
      add('no-passphrase', localSubject(p), `${p.privateKey.path} has no passphrase: anyone who copies the file can use it; add one with ssh-keygen -p -f ${p.privateKey.path}.`, derive(p));
    }
    if (posix && p.privateKey && (p.unsafePermissions || (p.privateKey.mode & 0o077) !== 0)) {
      const mode = (p.privateKey.mode & 0o777).toString(8).padStart(3, '0');
      add('unsafe-permissions', localSubject(p), `${p.privateKey.path} has mode ${mode}, readable or writable by others, so ssh refuses it ("UNPROTECTED PRIVATE KEY FILE"): chmod 600 it.`, ['chmod']);
    }
  }
  if (posix) {
    for (const dir of input.directories ?? []) {
      // sshd (StrictModes) refuses authorized_keys under a folder that group or others may write; ssh's own files there can be replaced.
      if (dir.mode === undefined || (dir.mode & 0o022) === 0) continue;
      const mode = (dir.mode & 0o777).toString(8).padStart(3, '0');
      add('unsafe-permissions', { type: 'local', path: dir.path, name: dir.path }, `The SSH folder ${dir.path} has mode ${mode}, writable by others, so sshd refuses its authorized_keys and anyone may replace its keys: chmod 700 it.`, ['chmod']);
    }
  }

  // ---- cloud key pairs ----
  const cloudBlobs = new Set<string>();
  const byBlob = new Map<string, Array<{ account: AuditAccountInput; keyPair: KeyPair }>>();
  let anyListed = false;
  const maxAgeMs = options.maxKeyAgeDays * 86_400_000;
  for (const account of input.accounts) {
    for (const r of account.regions) {
      if (r.error !== undefined) {
        add('region-failed', { type: 'region', ...placeOf(account, r.region) }, `Could not audit ${where(account, r.region)}: ${r.error}. Check the credentials and the network, then audit again.`, []);
      }
      if (r.keyPairs) anyListed = true;
      for (const k of r.keyPairs ?? []) {
        const subject = keyPairSubject(account, k);
        const at = `${keyPairText(k)} in ${where(account, k.region)}`;
        if (k.blobBase64) {
          cloudBlobs.add(k.blobBase64);
          const group = byBlob.get(k.blobBase64);
          if (group) group.push({ account, keyPair: k });
          else byBlob.set(k.blobBase64, [{ account, keyPair: k }]);
        }
        if (k.associatedInstanceIds.length === 0) add('unbound-key-pair', subject, `The key pair ${at} is bound to no instance: delete it if nothing uses it.`, ['delete']);
        if (!k.blobBase64 || !privateBlobs.has(k.blobBase64)) {
          add('no-local-private-key', subject, `No private key in the SSH folders matches the key pair ${at} (compared by key, not by name): find it, or rotate the key pair to a key you hold, or delete it.`, ['rotate', 'delete']);
        }
        const facts = cloudKeyFacts(k);
        const weak = facts && weakness(facts.type, facts.bits);
        if (weak) add('weak-key', subject, `The key pair ${at} holds ${weak}: rotate it to a stronger key.`, ['rotate']);
        const created = Date.parse(k.createdTime);
        if (Number.isFinite(created) && options.now - created > maxAgeMs) {
          const days = Math.floor((options.now - created) / 86_400_000);
          add('old-key-pair', subject, `The key pair ${at} was created ${days} days ago (${k.createdTime}), more than ${options.maxKeyAgeDays}: rotate it.`, ['rotate']);
        }
      }
    }
  }
  for (const group of byBlob.values()) {
    const names = [...new Set(group.map((g) => g.keyPair.name))].sort();
    if (names.length < 2) continue;
    for (const { account, keyPair } of group) {
      const others = names.filter((n) => n !== keyPair.name).map((n) => `"${n}"`).join(', ');
      add('same-key-different-names', keyPairSubject(account, keyPair), `The key pair ${keyPairText(keyPair)} in ${where(account, keyPair.region)} holds the same key as ${others}: keep one name and delete the others.`, ['delete']);
    }
  }

  // ---- instances ----
  for (const account of input.accounts) {
    const all = account.regions.flatMap((r) => r.keyPairs ?? []);
    for (const r of account.regions) {
      for (const instance of r.instances ?? []) {
        if (instance.platform === 'windows' || instance.keyIds.length === 0) continue;
        // Alibaba names key pairs per region: an id means the region's, unless the cloud's key pairs are account-wide.
        const candidates = account.accountWide ? all : all.filter((k) => k.region === instance.region);
        const bound = candidates.filter((k) => instance.keyIds.includes(k.id));
        if (bound.some((k) => k.blobBase64 && privateBlobs.has(k.blobBase64))) continue;
        const label = instance.name && instance.name !== instance.id ? `${instance.id} ("${instance.name}")` : instance.id;
        add(
          'instance-without-local-key',
          { type: 'instance', instanceId: instance.id, instanceName: instance.name, keyPairIds: [...instance.keyIds], ...placeOf(account, instance.region) },
          `No local private key logs in to the instance ${label} in ${where(account, instance.region)}: its key pair ${instance.keyIds.join(', ')} has no private key in the SSH folders; rotate it to a key you hold.`,
          ['rotate'],
        );
      }
    }
  }

  // ---- local keys the clouds do not hold (only when some cloud was listed: else every key would be) ----
  if (anyListed) {
    for (const p of pairs) {
      const blob = blobOf(p);
      if (!blob || p.facts.kind === 'certificate' || cloudBlobs.has(blob)) continue;
      add('imported-nowhere', localSubject(p), `${(p.publicKey ?? p.privateKey)!.path} is imported into none of the cloud accounts audited: import it where you need it, or ignore this.`, ['import', ...derive(p)]);
    }
  }

  return findings.sort((a, b) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** How many findings of each kind (kinds without any left out), in AUDIT_KINDS order. */
export function countByKind(findings: readonly AuditFinding[]): Array<{ kind: AuditKind; count: number }> {
  return AUDIT_KINDS.map((kind) => ({ kind, count: findings.filter((f) => f.kind === kind).length })).filter((c) => c.count > 0);
}
