// `<cloud> instances` and `<cloud> ssh-config`, the same for every cloud: the region's instances
// with how to log in to each (src/cloud/connect-plan.ts decides, from the cloud's listing, the bound
// key pairs and the local private keys matched by key blob), and the Host entries of the managed
// SSH config block (src/keys/ssh-config.ts) for those that can be logged into from here. A cloud
// gives only what is its own: its descriptor (id, login-user rule), its provider, where its key
// pairs are listed, and how its answer names an instance's key pairs.

import * as path from 'node:path';
import { type ConnectionPlan, type LocalPrivateKey, type NoConnection, localPrivateKeys, planConnection } from '../cloud/connect-plan';
import type { CloudProviderDescriptor } from '../cloud/descriptors';
import type { CloudInstance, CloudKeyProvider, KeyPair } from '../cloud/provider';
import { scanKeyDirectories } from '../keys/scan';
import { expandHome, nodeScanFileSystem } from '../keys/scan-fs';
import { type InstanceHost, type ManagedHost, type RejectedHost, type SshConfigScope, updateManagedBlock } from '../keys/ssh-config';
import { updateSshConfigFile } from '../keys/ssh-config-file';
import { visibleJson, visibleText } from '../keys/visibleText';
import { type CliIo, UsageError } from './common';
import { rotateUsage } from './rotate';
import { type ConnectionOptionValues, parse, requireOption } from './shared';

/** What the shared `instances` and `ssh-config` commands need of one cloud. */
export interface InstanceCommands {
  /** Its id (the SSH config scope's cloud and the alias prefix) and its login-user rule. */
  descriptor: CloudProviderDescriptor;
  /** Its provider, from the environment's credentials and the connection options (refuses without sending when they are missing). */
  provider(io: CliIo, values: ConnectionOptionValues): CloudKeyProvider;
  /** Where its key pairs are listed when they belong to the whole account, not to the instances' region. */
  keyPairRegion?: string;
  /** How `instances --json` names an instance's bound key pairs, in the cloud's own words. */
  keyPairsJson(keyIds: readonly string[]): Record<string, unknown>;
}

/** The help lines of the two commands, for a cloud's usage text. */
export function instanceCommandsUsage(word: string): string {
  return `  ${word} instances --region REGION [--ssh-dir DIR]... [--endpoint URL] [--json]
                            Instances of the region: ID, name, state, addresses, bound key pairs,
                            login user, the local private key of the bound key pair (by key, in
                            ~/.ssh or the --ssh-dir folders) and the Host alias ssh-config gives it.
  ${word} ssh-config --region REGION [--ssh-dir DIR]... [--endpoint URL] [--write FILE]
                            Host entries for every instance whose bound key pair has a local private
                            key (stderr names the others, and why): printed, or with --write kept in
                            the managed block of FILE (created with mode 0600; nothing outside the
                            block changes, and the same data twice changes nothing).
${rotateUsage(word)}`;
}

/** One instance, the way to log in to it, and its alias in the block. */
interface InstanceRow {
  instance: CloudInstance;
  plan: ConnectionPlan;
  loginUser: string | undefined;
  localKey: string | undefined;
  /** Its Host entry, when it has one. */
  host: ManagedHost | undefined;
  /** Why it has none. */
  skipped: string | undefined;
}

interface Listing {
  scope: SshConfigScope;
  rows: InstanceRow[];
  /** The Host entries to write: every instance that can be logged into from here. */
  hosts: InstanceHost[];
  /** The managed block for an empty config (empty when there is no entry). */
  blockText: string;
  /** The instances that can be logged into but whose entry could not be written (a field ssh cannot take). */
  rejected: RejectedHost[];
  directories: string[];
}

const OPTIONS = { 'ssh-dir': { type: 'string', multiple: true }, write: { type: 'string' } } as const;

/** Parses the options both commands take; refuses what the other one takes. */
function parseOptions(command: 'instances' | 'ssh-config', args: string[]) {
  const { values, positionals } = parse(args, OPTIONS);
  if (positionals.length) throw new UsageError(`${command} takes no arguments (unexpected ${visibleText(positionals[0])})`);
  if (command === 'instances' && values.write !== undefined) throw new UsageError('instances takes no --write: ssh-config --write FILE writes the Host entries');
  if (command === 'ssh-config' && values.json) throw new UsageError('ssh-config prints SSH config text and takes no --json: instances --json lists the instances with their HostAlias');
  if (values.write === '') throw new UsageError('--write needs a FILE');
  return values;
}

/** The scope of the region, refused before anything is sent when the region cannot name one. */
function scopeOf(cloud: InstanceCommands, region: string): SshConfigScope {
  const scope = { cloud: cloud.descriptor.id, region };
  const check = updateManagedBlock(undefined, scope, []);
  if (!check.ok) throw new UsageError(`--region needs a region ID (lowercase letters, digits and dashes, such as ap-guangzhou), not "${visibleText(region)}"`);
  return scope;
}

/** The private keys of the SSH folders (the `.pub` or the key itself gives the blob), as `scan` finds them. */
async function localKeys(dirs: readonly string[]): Promise<LocalPrivateKey[]> {
  const result = await scanKeyDirectories(dirs as string[], nodeScanFileSystem);
  return localPrivateKeys(result.pairs);
}

/** The local private key of the first bound key pair that has one (the one planConnection logs in with). */
function boundLocalKey(instance: CloudInstance, keyPairs: readonly KeyPair[], keys: readonly LocalPrivateKey[]): string | undefined {
  for (const keyPair of keyPairs) {
    if (!instance.keyIds.includes(keyPair.id) || !keyPair.blobBase64) continue;
    const key = keys.find((k) => k.blobBase64 === keyPair.blobBase64);
    if (key) return key.path;
  }
  return undefined;
}

/** Why an instance has no Host entry, in a sentence. */
function noConnectionReason(instance: CloudInstance, why: NoConnection, directories: readonly string[]): string {
  switch (why.reason) {
    case 'windows':
      return 'a Windows instance: key pairs log in to Linux instances only';
    case 'no-key-pair':
      return 'no key pair is bound to it';
    case 'no-local-key': {
      const folders = directories.join(', ');
      if (why.keyPairs.length === 0) return `its key pair ${instance.keyIds.join(', ')} is not among the key pairs listed, so its public key is unknown`;
      return `no private key in ${folders} matches its key pair ${why.keyPairs.map((k) => k.id).join(', ')} (matched by key, not by name)`;
    }
    case 'no-address':
      return 'it has no IP address';
    case 'no-login-user':
      return 'its login user is unknown';
  }
}

/** Lists the region's instances and key pairs and the local keys, and decides each instance's Host entry. */
async function listing(cloud: InstanceCommands, values: ReturnType<typeof parseOptions>, io: CliIo): Promise<Listing> {
  const region = requireOption(values.region, 'region');
  const scope = scopeOf(cloud, region);
  const directories = (values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']).map((d) => path.resolve(expandHome(d)));
  const provider = cloud.provider(io, values);
  const [instances, keyPairs, keys] = await Promise.all([
    provider.listInstances({ region }),
    provider.listKeyPairs({ region: cloud.keyPairRegion ?? region }),
    localKeys(directories),
  ]);
  const planned = instances.map((instance) => ({
    instance,
    plan: planConnection({ instance, keyPairs, localKeys: keys, loginUser: cloud.descriptor.defaultLoginUser }),
  }));
  const hosts = planned.flatMap(({ plan }) => (plan.ok ? [plan.host] : []));
  // The block for an empty file: the aliases here are the ones `ssh-config --write` gives.
  const block = updateManagedBlock(undefined, scope, hosts);
  if (!block.ok) throw new Error(block.problem.message); // the scope was checked above; an empty file has no other problem
  const byId = new Map(block.hosts.map((h) => [h.instanceId, h]));
  const rejected = new Map<string, RejectedHost>(block.rejected.map((r) => [r.instanceId, r]));
  const rows = planned.map(({ instance, plan }): InstanceRow => {
    const host = plan.ok ? byId.get(instance.id) : undefined;
    const refusal = rejected.get(instance.id);
    const skipped = plan.ok
      ? host
        ? undefined
        : `not written to the SSH config: ${refusal?.reason ?? 'it has no Host entry'}`
      : noConnectionReason(instance, plan, directories);
    return {
      instance,
      plan,
      loginUser: cloud.descriptor.defaultLoginUser(instance),
      localKey: plan.ok ? plan.identityFile : boundLocalKey(instance, keyPairs, keys),
      host,
      skipped,
    };
  });
  return { scope, rows, hosts, blockText: block.text, rejected: block.rejected, directories };
}

// ---- instances ----------------------------------------------------------------------------------

/** Columns as a terminal shows them: East Asian wide characters take two cells. */
function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) {
    const code = c.codePointAt(0)!;
    const wide =
      (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) || (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** Rows of cells as aligned columns, two spaces apart; every cell shown with visibleText, so nothing a cloud sent can move the cursor or start a line. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const shownRows = [header, ...rows].map((row) => row.map((cell) => visibleText(cell)));
  const widths = header.map((_, i) => Math.max(...shownRows.map((row) => displayWidth(row[i]))));
  return shownRows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - displayWidth(cell)))).join('  ').trimEnd());
}

const list = (items: readonly string[] | undefined) => (items?.length ? items.join(',') : '-');

/** `<cloud> instances`: the region's instances, as a table or (--json) as the documented fields. */
export async function instancesCommand(cloud: InstanceCommands, args: string[], io: CliIo): Promise<number> {
  const values = parseOptions('instances', args);
  const { rows, scope } = await listing(cloud, values, io);
  if (values.json) {
    io.out(visibleJson(rows.map(({ instance: i, loginUser, localKey, host }) => ({
      InstanceId: i.id,
      InstanceName: i.name,
      InstanceState: i.state,
      PublicIpAddresses: i.publicIps ?? [],
      PrivateIpAddresses: i.privateIps ?? [],
      ...cloud.keyPairsJson(i.keyIds),
      OsName: i.osName,
      LoginUser: loginUser ?? null,
      LocalPrivateKey: localKey ?? null,
      HostAlias: host?.alias ?? null,
    })), 2));
    return 0;
  }
  if (rows.length === 0) {
    io.err(visibleText(`no instances in ${scope.region}`));
    return 0;
  }
  const lines = table(
    ['INSTANCE', 'NAME', 'STATE', 'PUBLIC IP', 'PRIVATE IP', 'KEY PAIRS', 'USER', 'LOCAL KEY', 'SSH HOST'],
    rows.map(({ instance: i, loginUser, localKey, host, skipped }) => [
      i.id, i.name || '-', i.state || '-', list(i.publicIps), list(i.privateIps), list(i.keyIds), loginUser ?? '-', localKey ?? '-',
      host ? host.alias : `- (${skipped ?? 'none'})`,
    ]),
  );
  for (const line of lines) io.out(line);
  return 0;
}

// ---- ssh-config ---------------------------------------------------------------------------------

/** `<cloud> ssh-config`: the Host entries of the region, printed or kept in the managed block of --write FILE. */
export async function sshConfigCommand(cloud: InstanceCommands, args: string[], io: CliIo): Promise<number> {
  const values = parseOptions('ssh-config', args);
  const { rows, scope, hosts, blockText, rejected } = await listing(cloud, values, io);
  const where = `${scope.cloud} ${scope.region}`;
  const skip = (instance: CloudInstance, why: string) => io.err(visibleText(`skipped ${instance.id} ("${instance.name}"): ${why}`));
  const skipUnwritten = (refused: readonly RejectedHost[]) => {
    for (const r of refused) {
      const row = rows.find((x) => x.instance.id === r.instanceId);
      if (row) skip(row.instance, `not written to the SSH config: ${r.reason}`);
    }
  };
  // Those that cannot be logged into, in the cloud's order; then those whose entry ssh could not take.
  for (const { instance, plan, skipped } of rows) if (!plan.ok && skipped) skip(instance, skipped);
  const entries = (n: number) => `${n} Host ${n === 1 ? 'entry' : 'entries'} for ${where}`;
  if (values.write === undefined) {
    skipUnwritten(rejected);
    if (blockText) io.out(blockText.replace(/\r?\n$/, ''));
    else io.err(`no Host entries for ${where}: no instance can be logged into with a local private key`);
    return 0;
  }
  const file = path.resolve(expandHome(values.write));
  const result = updateSshConfigFile(file, scope, hosts);
  if (!result.ok) {
    io.err(visibleText(`cloud-ssh-keys: SshConfigNotUpdated: ${result.problem.message}`));
    return 1;
  }
  // Against the file's other entries an alias may collide where it did not in an empty file.
  skipUnwritten(result.rejected);
  for (const warning of result.warnings) io.err(visibleText(`warning: ${result.path}: ${warning.message}`));
  for (const host of result.hosts) io.out(host.alias);
  const shownPath = visibleText(result.path);
  if (!result.changed) io.err(`${shownPath}: unchanged (${entries(result.hosts.length)}${result.hosts.length === 0 ? '; nothing to write' : ''})`);
  else if (result.created) io.err(`${shownPath}: created with mode 0600, ${entries(result.hosts.length)}`);
  else io.err(`${shownPath}: updated the managed block, ${entries(result.hosts.length)}`);
  return 0;
}
