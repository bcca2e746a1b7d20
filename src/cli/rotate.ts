// `<cloud> rotate KEYID --region R --out PATH …`, the same for every cloud: plans the rotation of
// the key pair KEYID across every instance that trusts its key (src/cloud/rotation.ts), prints the
// plan, carries it out, and prints what happened on each instance. The plan and its progress are
// kept in PATH.rotation.json (mode 0600, no secret): the same command again resumes an interrupted
// rotation from where it stopped; with --roll-back it puts every instance back on the old key.
// Exit 0 when every instance logs in with the new key and the old key pair is off it; 1 when any
// instance could not be verified (or the cloud refused); 2 on usage errors.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudProviderDescriptor } from '../cloud/descriptors';
import { isCancellation } from '../cloud/errors';
import type { CloudKeyProvider } from '../cloud/provider';
import {
  type NewKeyType,
  type RotationDeps,
  type RotationState,
  RotationRefusal,
  describePlan,
  instanceReports,
  localPrivateKeys,
  planRotation,
  rollBackRotation,
  rotationComplete,
  runRotation,
} from '../cloud/rotation';
import { readRotationState, rotationStateFile, saveRotationState } from '../cloud/rotation-state-file';
import { scanKeyDirectories } from '../keys/scan';
import { expandHome, nodeScanFileSystem } from '../keys/scan-fs';
import { defaultSshConfigPath } from '../keys/ssh-config-file';
import { visibleJson, visibleText } from '../keys/visibleText';
import { type CliIo, UsageError } from './common';
import { type ConnectionOptionValues, parse, requireOption } from './shared';

/** What rotate needs of one cloud. */
export interface RotateCommand {
  descriptor: CloudProviderDescriptor;
  provider(io: CliIo, values: ConnectionOptionValues): CloudKeyProvider;
}

export function rotateUsage(word: string): string {
  return `  ${word} rotate KEYID --region REGION --out PATH [--type ed25519|rsa|ecdsa] [--bits N]
          [--name NAME] [--comment TEXT] [--passphrase-env VAR] [--force-stop] [--delete-old]
          [--search-region REGION]... [--ssh-dir DIR]... [--ssh-config FILE] [--plan] [--roll-back] [--json]
                            Replaces the key of KEYID on every instance bound to it (or to the same
                            key under another key pair, in every region or the --search-region ones):
                            generates a new key at PATH (never over a file), imports it there, binds
                            it, logs in to each instance with it (ssh, BatchMode), points the managed
                            block of FILE (default ~/.ssh/config) at it, unbinds the old key pair and,
                            with --delete-old, deletes it. --force-stop agrees to the shutdown a bind
                            needs on a running instance. --plan prints the plan only. Progress is kept
                            in PATH.rotation.json: the same command resumes; --roll-back undoes it.
                            Exit 1 when any instance could not be verified.`;
}

const OPTIONS = {
  out: { type: 'string' },
  type: { type: 'string' },
  bits: { type: 'string' },
  name: { type: 'string' },
  comment: { type: 'string' },
  'passphrase-env': { type: 'string' },
  'force-stop': { type: 'boolean' },
  'delete-old': { type: 'boolean' },
  'search-region': { type: 'string', multiple: true },
  'ssh-dir': { type: 'string', multiple: true },
  'ssh-config': { type: 'string' },
  plan: { type: 'boolean' },
  'roll-back': { type: 'boolean' },
} as const;

function readState(file: string): RotationState | undefined {
  const { state, problem } = readRotationState(file);
  if (problem?.kind === 'unreadable') throw new UsageError(`cannot read ${file}: ${problem.code}`);
  if (problem?.kind === 'not-json') throw new UsageError(`${file} is not a rotation's state (not JSON): move it away to start a new rotation`);
  if (problem) throw new UsageError(`${file} is not a rotation's state this version can read: move it away to start a new rotation`);
  return state;
}

function keyType(value: string | undefined, descriptor: CloudProviderDescriptor): NewKeyType {
  if (value === undefined) return descriptor.documentedKeyTypes?.includes('ssh-ed25519') || !descriptor.documentedKeyTypes ? 'ed25519' : 'rsa';
  if (value === 'ed25519' || value === 'rsa' || value === 'ecdsa') return value;
  throw new UsageError(`--type needs ed25519, rsa or ecdsa, not "${visibleText(value)}"`);
}

/** Runs `<cloud> rotate`; returns the exit code. */
export async function rotateCommand(cloud: RotateCommand, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  const { descriptor } = cloud;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'rotate takes one KEYID' : `rotate needs the ${descriptor.keyIdLabel} of the key pair to rotate`);
  const keyPairId = positionals[0];
  const region = requireOption(values.region, 'region');
  const out = path.resolve(expandHome(requireOption(values.out, 'out')));
  const stateFile = rotationStateFile(out);
  const type = keyType(values.type, descriptor);
  const bits = values.bits === undefined ? undefined : Number(values.bits);
  if (bits !== undefined && !Number.isInteger(bits)) throw new UsageError(`--bits needs a number, not "${visibleText(values.bits!)}"`);
  let passphrase: string | undefined;
  if (values['passphrase-env'] !== undefined) {
    passphrase = io.env[values['passphrase-env']];
    if (!passphrase) throw new UsageError(`--passphrase-env names ${visibleText(values['passphrase-env'])}, which is not set (or empty)`);
  }
  const sshConfigFile = path.resolve(expandHome(values['ssh-config'] ?? defaultSshConfigPath()));
  const say = (line: string) => io.err(visibleText(line));

  const provider = cloud.provider(io, values);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deps: RotationDeps = {
    provider,
    descriptor,
    passphrase,
    signal: abort.signal,
    sshCommand: io.env.CLOUD_SSH_KEYS_SSH || undefined,
    save: (s) => saveRotationState(stateFile, s),
    onProgress: (e) => say(`rotate: ${e.step}: ${e.level === 'fail' ? 'FAILED: ' : ''}${e.message}`),
  };
  try {
    let state = readState(stateFile);
    if (state) {
      if (!state.occurrences.some((o) => o.keyPairId === keyPairId)) {
        throw new UsageError(`${stateFile} is the rotation of another key pair (${visibleText(state.occurrences.map((o) => o.keyPairId).join(', '))}): choose another --out, or finish that one`);
      }
      say(`rotate: resuming the rotation kept in ${stateFile} (${state.finished.length ? `finished: ${state.finished.join(', ')}` : 'nothing finished yet'})`);
    } else if (values['roll-back']) {
      throw new UsageError(`there is no rotation to roll back in ${stateFile}`);
    } else {
      const keys = await scanKeyDirectories((values['ssh-dir']?.length ? values['ssh-dir'] : ['~/.ssh']).map((d) => path.resolve(expandHome(d))), nodeScanFileSystem);
      const searchRegions = values['search-region']?.length
        ? values['search-region']
        : (await provider.listRegions({ signal: abort.signal })).filter((r) => r.available).map((r) => r.id);
      const oldKey = await provider.listKeyPairs({ region, ids: [keyPairId] }, { signal: abort.signal });
      const oldBlob = oldKey[0]?.blobBase64;
      state = await planRotation(deps, {
        region,
        keyPairId,
        regions: searchRegions,
        newKey: { type, bits, comment: values.comment ?? path.basename(out), encrypted: !!passphrase, path: out, keyPairName: values.name },
        deleteOld: !!values['delete-old'],
        forceStop: !!values['force-stop'],
        sshScopeCloud: descriptor.id,
        sshConfigFile,
        oldPrivateKeyPath: localPrivateKeys(keys.pairs).find((k) => k.blobBase64 === oldBlob)?.path,
      });
      if (!values.plan && fs.existsSync(out)) throw new RotationRefusal(`${out} already exists: a key file is never overwritten. Choose another --out path.`);
    }
    for (const line of describePlan(state, descriptor.displayName)) say(line);
    if (values.plan) {
      if (values.json) io.out(visibleJson({ Plan: describePlan(state, descriptor.displayName), State: state }, 2));
      return 0;
    }
    if (values['roll-back']) {
      state = await rollBackRotation(deps, state);
      if (values.json) io.out(visibleJson({ RolledBack: true, StateFile: stateFile, Instances: instanceReports(state) }, 2));
      return 0;
    }
    state = await runRotation(deps, state);
    return report(state, stateFile, !!values.json, io);
  } catch (error) {
    if (isCancellation(error) || (error instanceof Error && error.name === 'AbortError') || abort.signal.aborted) {
      say(`rotate: interrupted. Its progress is in ${stateFile}: run the same command again to resume, or add --roll-back to undo it.`);
      return 130;
    }
    if (error instanceof RotationRefusal) {
      say(`cloud-ssh-keys: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function report(state: RotationState, stateFile: string, json: boolean, io: CliIo): number {
  const instances = instanceReports(state);
  const complete = rotationComplete(state);
  if (json) {
    io.out(
      visibleJson(
        {
          Complete: complete,
          NewKey: { Path: state.newKey.savedPath, Sha256: state.newKey.sha256, KeyPairs: state.occurrences.map((o) => ({ Region: o.region, KeyId: o.newKeyPairId ?? null })) },
          OldKeyPairs: state.occurrences.map((o) => ({ Region: o.region, KeyId: o.keyPairId, Outcome: o.deleteOutcome ?? 'kept', Message: o.deleteMessage ?? null })),
          Instances: instances.map((r) => ({ InstanceId: r.instanceId, Region: r.region, Name: r.name, Result: r.result, Message: r.message, HostAlias: r.alias ?? null, OldKeyRefused: r.oldKeyRefused ?? null })),
          UnsearchedRegions: state.unsearchedRegions,
          StateFile: complete ? null : stateFile,
        },
        2,
      ),
    );
  } else {
    io.out(visibleText(`new key: ${state.newKey.savedPath} ${state.newKey.sha256}`));
    for (const r of instances) io.out(visibleText(`${r.instanceId}\t${r.region}\t${r.result}\t${r.message}`));
    for (const o of state.occurrences) io.out(visibleText(`old key pair ${o.keyPairId} (${o.region}): ${o.deleteOutcome ?? 'kept'}${o.deleteMessage ? ` (${o.deleteMessage})` : ''}`));
  }
  // A finished rotation needs no state; an unfinished one keeps it for the next run.
  if (complete) fs.rmSync(stateFile, { force: true });
  else io.err(visibleText(`rotate: not every instance is on the new key; the state stays in ${stateFile} (the same command resumes, --roll-back undoes)`));
  return complete ? 0 : 1;
}
