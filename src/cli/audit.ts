// `cloud-ssh-keys audit`: the key audit (src/cloud/audit.ts) of the local SSH folders and every cloud
// whose credentials are available (the environment or --profile, as the cloud commands read them),
// every region of each (or the --region ones). A cloud without credentials is said to be not audited,
// which is not an error; a region that could not be listed is a finding of its own, never skipped.
// Exit 0 when there is no finding, 1 when there is any (a failed region included), 2 on usage errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AuditAccountInput, type AuditFinding, type AuditRegionInput, AUDIT_KINDS, DEFAULT_MAX_KEY_AGE_DAYS, auditKeys, countByKind } from '../cloud/audit';
import { isCloudError } from '../cloud/errors';
import type { CloudKeyProvider } from '../cloud/provider';
import { scanKeyDirectories } from '../keys/scan';
import { expandHome, nodeScanFileSystem } from '../keys/scan-fs';
import { visibleJson, visibleText } from '../keys/visibleText';
import { type CliIo, UsageError } from './common';
import type { InstanceCommands } from './instances';
import { LocalRefusal, parse } from './shared';

/** One cloud as the audit sees it: its word on the command line and what `instances` needs of it. */
export interface AuditCloud extends InstanceCommands {
  word: string;
}

export const AUDIT_USAGE = `  audit [--ssh-dir DIR]... [--cloud CLOUD]... [--region REGION]... [--profile NAME]
        [--endpoint CLOUD=URL]... [--max-age-days N] [--json]
                            Audits the SSH folders (default ~/.ssh) and every cloud with credentials
                            (the environment or --profile; a cloud without is "not audited"), in every
                            region (or the --region ones): key pairs bound to nothing, without a local
                            private key, weak, older than N days (default ${DEFAULT_MAX_KEY_AGE_DAYS}), the same key
                            under several names; local keys imported nowhere, weak, without a
                            passphrase, with unsafe permissions; instances no local key logs in to;
                            regions that could not be listed. Exit 0 with no finding, 1 with any
                            (a failed region included), 2 on usage errors.`;

const OPTIONS = {
  'ssh-dir': { type: 'string', multiple: true },
  cloud: { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  endpoint: { type: 'string', multiple: true },
  'max-age-days': { type: 'string' },
} as const;

/** What each cloud's audit came to (in `--json` as `clouds`). */
export interface AuditedCloud {
  cloud: string;
  account: string;
  audited: boolean;
  /** Why not audited: "no credentials", or the refusal. */
  reason?: string;
  /** The regions whose key pairs and instances were listed. */
  regions: string[];
  failedRegions: string[];
}

/** `--json`: this shape, version 1 (fields are only ever added). */
export interface AuditReport {
  version: 1;
  generatedAt: string;
  maxKeyAgeDays: number;
  directories: string[];
  missingDirectories: string[];
  clouds: AuditedCloud[];
  /** Findings per kind, every kind listed (0 when none). */
  counts: Record<string, number>;
  findings: AuditFinding[];
}

/** Runs `tasks` with at most `limit` at a time (the provider paces requests too; this keeps bursts small). */
async function pooled<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

function reasonOf(error: unknown): string {
  if (isCloudError(error)) return `${error.code}: ${error.sentence}${error.requestId ? ` (RequestId: ${error.requestId})` : ''}`;
  if (error instanceof LocalRefusal) return `${error.code}: ${error.message}`;
  return (error as Error)?.message ?? String(error);
}

/** The account of one cloud, listed region by region; a region that fails is kept with its error. */
async function listAccount(cloud: AuditCloud, provider: CloudKeyProvider, wanted: readonly string[], report: AuditedCloud): Promise<AuditAccountInput> {
  const accountWide = cloud.keyPairRegion !== undefined;
  const account: AuditAccountInput = {
    cloud: cloud.descriptor.id, cloudName: cloud.descriptor.displayName, accountId: report.account, accountLabel: report.account, accountWide, regions: [],
  };
  let regions = [...wanted];
  if (regions.length === 0) {
    try {
      regions = (await provider.listRegions()).filter((r) => r.available).map((r) => r.id);
    } catch (error) {
      account.regions = [{ region: '(regions)', error: `the regions could not be listed: ${reasonOf(error)}` }];
      report.failedRegions.push('(regions)');
      return account;
    }
  }
  const rows = new Map<string, AuditRegionInput>(regions.map((r) => [r, { region: r }]));
  if (accountWide) {
    const where = cloud.keyPairRegion!;
    const row: AuditRegionInput = rows.get(where) ?? { region: where };
    rows.set(where, row);
    try {
      row.keyPairs = await provider.listKeyPairs({ region: where });
    } catch (error) {
      row.error = `the key pairs could not be listed: ${reasonOf(error)}`;
    }
  }
  await pooled([...rows.values()], 4, async (row) => {
    const listed = await Promise.allSettled([
      accountWide ? Promise.resolve(undefined) : provider.listKeyPairs({ region: row.region }),
      regions.includes(row.region) ? provider.listInstances({ region: row.region }) : Promise.resolve(undefined),
    ]);
    const [keyPairs, instances] = listed;
    if (keyPairs.status === 'fulfilled' && keyPairs.value) row.keyPairs = keyPairs.value;
    if (instances.status === 'fulfilled' && instances.value) row.instances = instances.value;
    const problems = [
      keyPairs.status === 'rejected' ? `the key pairs could not be listed: ${reasonOf(keyPairs.reason)}` : undefined,
      instances.status === 'rejected' ? `the instances could not be listed: ${reasonOf(instances.reason)}` : undefined,
    ].filter(Boolean);
    if (problems.length) row.error = [row.error, ...problems].filter(Boolean).join('; ');
  });
  account.regions = [...rows.values()].sort((a, b) => a.region.localeCompare(b.region));
  for (const row of account.regions) (row.error ? report.failedRegions : report.regions).push(row.region);
  return account;
}

/** `audit …`; returns the exit code. Throws UsageError for exit 2. */
export async function auditCommand(args: string[], io: CliIo, clouds: readonly AuditCloud[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  if (positionals.length) throw new UsageError(`audit takes no arguments (unexpected ${visibleText(positionals[0])}); folders go after --ssh-dir`);
  const words = clouds.map((c) => c.word);
  for (const c of values.cloud ?? []) if (!words.includes(c)) throw new UsageError(`--cloud takes ${words.join(', ')}, not "${visibleText(c)}"`);
  const endpoints = new Map<string, string>();
  for (const e of values.endpoint ?? []) {
    const m = /^([a-z]+)=(.+)$/.exec(e);
    if (!m || !words.includes(m[1])) throw new UsageError(`--endpoint needs CLOUD=URL with CLOUD one of ${words.join(', ')}, not "${visibleText(e)}"`);
    endpoints.set(m[1], m[2]);
  }
  let maxKeyAgeDays = DEFAULT_MAX_KEY_AGE_DAYS;
  if (values['max-age-days'] !== undefined) {
    maxKeyAgeDays = /^\d+$/.test(values['max-age-days']) ? Number(values['max-age-days']) : Number.NaN;
    if (!(maxKeyAgeDays >= 1)) throw new UsageError(`--max-age-days needs a whole number of days, at least 1, not "${visibleText(values['max-age-days'])}"`);
  }
  for (const r of values.region ?? []) if (!/^[a-z0-9-]+$/.test(r)) throw new UsageError(`--region needs a region ID (such as ap-guangzhou), not "${visibleText(r)}"`);

  const directories = (values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']).map((d) => path.resolve(expandHome(d)));
  const selected = clouds.filter((c) => !values.cloud?.length || values.cloud.includes(c.word));
  const reports: AuditedCloud[] = [];
  const [scan, accounts] = await Promise.all([
    scanKeyDirectories(directories, nodeScanFileSystem),
    Promise.all(selected.map(async (cloud): Promise<AuditAccountInput | undefined> => {
      const report: AuditedCloud = { cloud: cloud.word, account: values.profile ?? 'default', audited: false, regions: [], failedRegions: [] };
      reports.push(report);
      let provider: CloudKeyProvider;
      try {
        provider = cloud.provider(io, { profile: values.profile, endpoint: endpoints.get(cloud.word) });
      } catch (error) {
        report.reason = error instanceof LocalRefusal && error.code === 'MissingCredentials' ? 'no credentials' : reasonOf(error);
        return undefined;
      }
      report.audited = true;
      return listAccount(cloud, provider, values.region ?? [], report);
    })),
  ]);
  reports.sort((a, b) => words.indexOf(a.cloud) - words.indexOf(b.cloud));
  const modes = scan.directories.map((dir) => {
    try {
      return { path: dir, mode: fs.statSync(dir).mode };
    } catch {
      return { path: dir };
    }
  });
  const findings = auditKeys(
    { pairs: scan.pairs, directories: modes, accounts: accounts.filter((a): a is AuditAccountInput => !!a), platform: process.platform },
    { maxKeyAgeDays, now: Date.now() },
  );
  // A cloud refused for another reason than missing credentials (a broken profile) was meant to be audited.
  const refused = reports.filter((r) => !r.audited && r.reason !== 'no credentials');

  if (values.json) {
    const counts = Object.fromEntries(AUDIT_KINDS.map((k) => [k, findings.filter((f) => f.kind === k).length]));
    const report: AuditReport = {
      version: 1, generatedAt: new Date().toISOString(), maxKeyAgeDays, directories: scan.directories, missingDirectories: scan.missingDirectories,
      clouds: reports, counts, findings,
    };
    io.out(visibleJson(report, 2));
  } else {
    for (const dir of scan.missingDirectories) io.err(visibleText(`missing folder: ${dir}`));
    for (const r of reports) {
      const regions = r.regions.length + r.failedRegions.length;
      io.err(visibleText(r.audited
        ? `${r.cloud} (${r.account}): audited ${regions} ${regions === 1 ? 'region' : 'regions'}${r.failedRegions.length ? `, ${r.failedRegions.length} could not be listed` : ''}`
        : `${r.cloud} (${r.account}): not audited: ${r.reason}`));
    }
    if (findings.length === 0) io.out(`no findings in ${directories.join(', ')} and the clouds audited`);
    for (const { kind, count } of countByKind(findings)) {
      io.out(`${kind} (${count})`);
      for (const f of findings.filter((x) => x.kind === kind)) io.out(visibleText(`  ${f.severity}: ${f.message}${f.actions.length ? ` [${f.actions.join(', ')}]` : ''}`));
    }
  }
  return findings.length || refused.length ? 1 : 0;
}
