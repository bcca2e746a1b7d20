// Rotating a key pair across every instance that trusts it, without locking anyone out:
//
//   plan      find every key pair of the account holding the old key (by key blob, in every region
//             given), every instance bound to one of them, and refuse up front what cannot work
//             (a running instance the cloud must stop, without consent; a state it cannot bind in)
//   generate  the new key, here (never in the cloud), saved before anything is sent
//   import    the new public key where the old key pair is (each region, or once for the account)
//   bind      the new key pair to the same instances: CVM keeps the old key bound beside it (its
//             bind sets the instance's key list, so the list sent holds both); Lighthouse and ECS
//             replace the instance's one key
//   verify    a real ssh login with the new key on each instance (./ssh-login-check.ts), through
//             the user's SSH config with the managed block as it will be
//   ssh-config the managed block's entries of those instances name the new key
//   unbind    the old key pair from each instance that verified (CVM; the others replaced it)
//   delete    the old key pairs, when the user agreed and no instance still needs them
//
// Every step is idempotent: it first asks the cloud whether its effect is already there (the key
// imported, the instance bound), so a rotation interrupted anywhere — window closed, process
// killed, network lost — resumes from its saved state to the same end. The state is saved after
// every change. An instance whose new key could not be verified keeps its old key (CVM), or gets
// it back (`rollBack`, and automatically where the bind replaced it), and the report says so.
// Nothing here imports vscode: the extension and the CLI give the cloud, the store and the output.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sshpk from 'sshpk';
import { localPrivateKeys, planConnection } from './connect-plan';
import type { CloudProviderDescriptor } from './descriptors';
import { type CloudError, isCancellation, isCloudError } from './errors';
import type { CloudInstance, CloudKeyProvider, KeyPair } from './provider';
import { type LoginCheckRequest, type LoginCheckResult, checkSshLogin } from './ssh-login-check';
import { generateKeyPair } from '../keys/generate';
import { parseKeyText } from '../keys/parse';
import { type InstanceHost, readManagedHosts, type SshConfigScope, updateManagedBlock } from '../keys/ssh-config';
import { updateSshConfigFile } from '../keys/ssh-config-file';
import { savePrivateKey, savePublicKeyBeside } from '../keys/save-key-files';
import { visibleText } from '../keys/visibleText';

export const ROTATION_STATE_VERSION = 1;

/** The steps, in order; the state records the last one finished. */
export const ROTATION_STEPS = ['generate', 'import', 'bind', 'verify', 'ssh-config', 'unbind', 'delete'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export type NewKeyType = 'ed25519' | 'rsa' | 'ecdsa';

/** A key pair of the account that holds the old key, and what the rotation did beside it. */
export interface RotationOccurrence {
  region: string;
  keyPairId: string;
  name: string;
  /** The new key pair imported beside it (set once the import is known to have happened). */
  newKeyPairId?: string;
  /** The new key was already there before this rotation (so rolling back does not delete it). */
  newAlreadyExisted?: boolean;
  /** An import was sent (its answer may have been lost): a key found there later is this rotation's. */
  importSent?: boolean;
  /** `deleted`, `kept` (the user did not agree, or an instance still uses it), or why the delete failed. */
  deleteOutcome?: 'deleted' | 'kept' | 'in-use' | 'missing' | 'failed';
  deleteMessage?: string;
}

/** Where one instance is in the rotation. */
export interface RotationTarget {
  instanceId: string;
  region: string;
  name: string;
  /** Its state when planned (`RUNNING`, `Stopped`, …). */
  state: string;
  /** The old key pairs bound to it. */
  oldKeyIds: string[];
  /** Other key pairs bound to it, which stay. */
  otherKeyIds: string[];
  /** The instance is skipped, and why (it keeps its old key): decided at planning. */
  skipped?: string;
  bound?: boolean;
  bindMessage?: string;
  /** `accepted`, or what ssh said; `restart` when the cloud applies the key at the next restart (ECS). */
  verify?: 'accepted' | 'failed' | 'restart';
  verifyMessage?: string;
  sshConfig?: 'written' | 'rejected' | 'unchanged';
  alias?: string;
  oldUnbound?: boolean;
  unbindMessage?: string;
  /** The old key was restored after the new one failed (replace-style binds). */
  rolledBack?: boolean;
  /** After the rotation: the old key is refused (true), still accepted (false), or unknown (undefined: no local old key). */
  oldKeyRefused?: boolean;
}

export interface RotationNewKey {
  type: NewKeyType;
  bits?: number;
  comment: string;
  /** Whether it is encrypted (the passphrase itself is never saved). */
  encrypted: boolean;
  /** Where the private key goes (the public key beside it, `.pub`). */
  path: string;
  /** The new key pair's name in the cloud. */
  keyPairName: string;
  /** Set once generated: the public key line and its fingerprint. */
  publicKey?: string;
  blobBase64?: string;
  sha256?: string;
  /** Where the private key was saved (a fallback when `path` could not be written). */
  savedPath?: string;
}

export interface RotationState {
  version: typeof ROTATION_STATE_VERSION;
  id: string;
  cloud: string;
  /** The SSH config scope's cloud word (an account's own, e.g. `tencent-p-work`). */
  sshScopeCloud: string;
  sshConfigFile: string;
  createdAt: string;
  oldKey: { blobBase64: string; sha256: string; type: string; bits: number; privateKeyPath?: string };
  newKey: RotationNewKey;
  occurrences: RotationOccurrence[];
  targets: RotationTarget[];
  /** Regions that could not be searched: instances there (if any) keep the old key. */
  unsearchedRegions: Array<{ region: string; message: string }>;
  deleteOld: boolean;
  forceStop: boolean;
  /** `keep-old`: the bind sets the instance's list and may hold both keys; `replace`: one key per instance. */
  bindStyle: 'keep-old' | 'replace';
  /** The cloud applies a bind at the instance's next restart (ECS). */
  appliesAtRestart: boolean;
  /** Steps finished, in order. */
  finished: RotationStep[];
  status: 'planned' | 'running' | 'finished' | 'rolled-back';
}

export type RotationDescriptor = Pick<
  CloudProviderDescriptor,
  'id' | 'displayName' | 'capabilities' | 'defaultLoginUser' | 'keyNameProblem' | 'sanitizeKeyName' | 'nameTakenCode' | 'bindableInstanceStates'
>;

/** One line of progress (the CLI prints it, the extension shows and logs it). */
export interface RotationProgress {
  step: RotationStep | 'plan' | 'roll-back';
  instanceId?: string;
  message: string;
  /** `fail` for what needs the user's attention. */
  level: 'info' | 'ok' | 'fail';
}

export interface RotationDeps {
  provider: CloudKeyProvider;
  descriptor: RotationDescriptor;
  /** Writes the state (atomically); called after every change. Its failure stops the rotation. */
  save(state: RotationState): void;
  /** The new key's passphrase (never saved: asked again on resume). */
  passphrase?: string;
  loginUserOverride?(instance: CloudInstance): string | undefined;
  preferPrivateIp?: boolean;
  /** `checkSshLogin` unless a test gives another. */
  checkLogin?(request: LoginCheckRequest): Promise<LoginCheckResult>;
  sshCommand?: string;
  onProgress?(event: RotationProgress): void;
  signal?: AbortSignal;
  /** Verification attempts per instance (a bind may take a moment to reach the OS) and the pause between them. */
  verifyAttempts?: number;
  verifyPauseMs?: number;
  verifyTimeoutSeconds?: number;
  /** How long a bind may take to show in the listing (asynchronous clouds). */
  bindSettleMs?: number;
}

export interface PlanRequest {
  /** The key pair the user picked (any one holding the old key). */
  region: string;
  keyPairId: string;
  /** Where to look for the same key and its instances (the key pair's own region always). */
  regions: readonly string[];
  newKey: { type: NewKeyType; bits?: number; comment: string; encrypted: boolean; path: string; keyPairName?: string };
  deleteOld: boolean;
  forceStop: boolean;
  sshScopeCloud: string;
  sshConfigFile: string;
  /** The old key's local private key, to show afterwards that it is refused. */
  oldPrivateKeyPath?: string;
  id?: string;
  now?: Date;
}

/** Thrown when a rotation cannot be planned or go on; `message` says what to do. */
export class RotationRefusal extends Error {
  override readonly name = 'RotationRefusal';
}

const say = (deps: RotationDeps, event: RotationProgress) => deps.onProgress?.(event);
const shown = (text: string) => visibleText(text);
const errorText = (error: unknown) => (isCloudError(error) ? error.message : error instanceof Error ? error.message : String(error));

/** The error that is a cancellation is passed on; every other one becomes the message. */
function rethrowCancellation(error: unknown): void {
  if (isCancellation(error) || (error instanceof Error && error.name === 'AbortError')) throw error;
}

// ---------------------------------------------------------------------------------------- plan

/** Looks up the old key, where else it is, and its instances; refuses what cannot be rotated. */
export async function planRotation(deps: RotationDeps, request: PlanRequest): Promise<RotationState> {
  const { provider, descriptor } = deps;
  const options = { signal: deps.signal };
  if (!descriptor.capabilities.bind) throw new RotationRefusal(`${descriptor.displayName} key pairs cannot be bound to instances, so they cannot be rotated here.`);
  const [picked] = await provider.listKeyPairs({ region: request.region, ids: [request.keyPairId] }, options);
  if (!picked || picked.id !== request.keyPairId) throw new RotationRefusal(`There is no key pair ${shown(request.keyPairId)} in ${shown(request.region)}: list the key pairs again.`);
  if (!picked.blobBase64 || !picked.sha256) throw new RotationRefusal(`The public key of ${shown(picked.id)} could not be read, so the instances that trust it cannot be found by key.`);
  const facts = parseKeyText(picked.publicKey).keys[0];

  const accountWide = descriptor.capabilities.keyPairScope === 'account';
  const keyRegions = accountWide ? [request.region] : unique([request.region, ...request.regions]);
  const unsearchedRegions: RotationState['unsearchedRegions'] = [];
  const occurrences: RotationOccurrence[] = [];
  for (const region of keyRegions) {
    try {
      const pairs = await provider.listKeyPairs({ region }, options);
      for (const k of pairs) if (k.blobBase64 === picked.blobBase64) occurrences.push({ region: k.region || region, keyPairId: k.id, name: k.name });
    } catch (error) {
      rethrowCancellation(error);
      if (region === request.region) throw error;
      unsearchedRegions.push({ region, message: errorText(error) });
    }
  }
  if (!occurrences.some((o) => o.keyPairId === picked.id)) occurrences.unshift({ region: request.region, keyPairId: picked.id, name: picked.name });

  const oldIds = new Set(occurrences.map((o) => o.keyPairId));
  const instanceRegions = accountWide ? unique([...request.regions]) : unique(occurrences.map((o) => o.region));
  const instances: CloudInstance[] = [];
  for (const region of instanceRegions) {
    try {
      for (const instance of await provider.listInstances({ region }, options)) if (instance.keyIds.some((id) => oldIds.has(id))) instances.push(instance);
    } catch (error) {
      rethrowCancellation(error);
      unsearchedRegions.push({ region, message: errorText(error) });
    }
  }

  const targets = instances.map((instance) => target(deps, instance, oldIds, request));
  const running = targets.filter((t) => !t.skipped && isRunning(t.state));
  if (descriptor.capabilities.bindStopsRunningInstances && running.length > 0 && !request.forceStop) {
    throw new RotationRefusal(
      `${descriptor.displayName} shuts a running instance down to change its key, and ${running.map((t) => shown(t.instanceId)).join(', ')} ${running.length === 1 ? 'is' : 'are'} running: agree to that (--force-stop), or stop ${running.length === 1 ? 'it' : 'them'} first.`,
    );
  }
  const keyPairName = request.newKey.keyPairName ?? descriptor.sanitizeKeyName(path.basename(request.newKey.path));
  const nameProblem = descriptor.keyNameProblem(keyPairName);
  if (nameProblem) throw new RotationRefusal(`The new key pair's name "${shown(keyPairName)}" would be refused: ${shown(nameProblem.template.replace('{0}', keyPairName))}`);
  const now = request.now ?? new Date();
  const state: RotationState = {
    version: ROTATION_STATE_VERSION,
    id: request.id ?? `rot-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    cloud: descriptor.id,
    sshScopeCloud: request.sshScopeCloud,
    sshConfigFile: request.sshConfigFile,
    createdAt: now.toISOString(),
    oldKey: { blobBase64: picked.blobBase64, sha256: picked.sha256, type: facts?.type ?? 'unknown', bits: facts?.bits ?? 0, privateKeyPath: request.oldPrivateKeyPath },
    newKey: { type: request.newKey.type, bits: request.newKey.bits, comment: request.newKey.comment, encrypted: request.newKey.encrypted, path: request.newKey.path, keyPairName },
    occurrences,
    targets,
    unsearchedRegions,
    deleteOld: request.deleteOld,
    forceStop: request.forceStop,
    // Tencent CVM's bind sets the instance's key list (LoginSettings.KeyIds holds several), so the
    // old key can stay beside the new one until the new one is proven. Lighthouse refuses a key
    // already bound and ECS holds one key per instance: there the bind replaces it.
    bindStyle: descriptor.capabilities.bindSetsKeyList ? 'keep-old' : 'replace',
    appliesAtRestart: !descriptor.capabilities.bindStopsRunningInstances,
    finished: [],
    status: 'planned',
  };
  return state;
}

function target(deps: RotationDeps, instance: CloudInstance, oldIds: ReadonlySet<string>, request: PlanRequest): RotationTarget {
  const t: RotationTarget = {
    instanceId: instance.id,
    region: instance.region,
    name: instance.name,
    state: instance.state,
    oldKeyIds: instance.keyIds.filter((id) => oldIds.has(id)),
    otherKeyIds: instance.keyIds.filter((id) => !oldIds.has(id)),
  };
  if (instance.platform === 'windows') t.skipped = 'a Windows instance: SSH key pairs do not log in to it';
  else if (!deps.descriptor.bindableInstanceStates.some((s) => s.toLowerCase() === instance.state.toLowerCase())) {
    t.skipped = `it is ${shown(instance.state)}, and ${deps.descriptor.displayName} changes keys only on ${deps.descriptor.bindableInstanceStates.join(' or ')} instances: rotate again once it is`;
  } else {
    // Without a way to log in the new key cannot be proven, and the old one must not be taken away.
    const plan = loginPlan(deps, instance, request.newKey.path, 'x');
    if (!plan.ok) t.skipped = plan.reason === 'no-address' ? 'it has no IP address, so a login with the new key cannot be checked' : 'its login user is unknown, so a login with the new key cannot be checked';
  }
  return t;
}

/** Waits `ms`, or rejects at once when cancelled. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    }, { once: true });
  });
}

const isRunning = (state: string) => state.toUpperCase() === 'RUNNING';
const unique = <T>(items: readonly T[]) => [...new Set(items)];

/** How to log in to `instance` with the key at `identityFile` (the connect rules: user, address, port). */
function loginPlan(deps: RotationDeps, instance: CloudInstance, identityFile: string, blobBase64: string) {
  const keyPair = { id: '(new)', blobBase64 } as KeyPair;
  return planConnection({
    instance: { ...instance, keyIds: ['(new)'] },
    keyPairs: [keyPair],
    localKeys: [{ path: identityFile, blobBase64 }],
    loginUser: deps.descriptor.defaultLoginUser,
    userOverride: deps.loginUserOverride?.(instance),
    preferPrivateIp: deps.preferPrivateIp,
  });
}

/** The plan in words, one line each: what will happen to what. */
export function describePlan(state: RotationState, displayName: string): string[] {
  const k = state.newKey;
  const lines = [
    `Rotate ${state.oldKey.type} ${state.oldKey.sha256} on ${displayName}.`,
    `1. Generate a new ${k.type}${k.bits ? ` ${k.bits}-bit` : ''} key here${k.encrypted ? ', protected by a passphrase' : ', without a passphrase'}: ${k.path} (and ${k.path}.pub).`,
    `2. Import it as "${shown(k.keyPairName)}" where the old key is: ${state.occurrences.map((o) => `${shown(o.region)} (beside ${shown(o.keyPairId)} "${shown(o.name)}")`).join(', ')}.`,
  ];
  const active = state.targets.filter((t) => !t.skipped);
  const bindWords =
    state.bindStyle === 'keep-old'
      ? 'bound beside the old key (both log in until the new one is proven)'
      : state.appliesAtRestart
        ? 'bound in place of the old key; it takes effect when the instance restarts'
        : 'bound in place of the old key';
  lines.push(`3. Bind it to ${active.length} instance${active.length === 1 ? '' : 's'}, ${bindWords}:`);
  for (const t of state.targets) {
    const stop = !t.skipped && isRunning(t.state) && state.forceStop ? ' — running: it is shut down for the change and started again' : '';
    lines.push(`   - ${shown(t.instanceId)} "${shown(t.name)}" in ${shown(t.region)}, ${shown(t.state)}${t.skipped ? ` — SKIPPED, keeps the old key: ${t.skipped}` : stop}`);
  }
  if (state.targets.length === 0) lines.push('   (no instance is bound to the old key)');
  for (const u of state.unsearchedRegions) lines.push(`   ! ${shown(u.region)} could not be searched (${shown(u.message)}): instances there keep the old key.`);
  lines.push('4. Log in to each with the new key (ssh, BatchMode, with a deadline). An instance where that fails keeps the old key.');
  lines.push(`5. Point the managed block of ${state.sshConfigFile} at the new key for the instances that passed.`);
  lines.push(state.bindStyle === 'keep-old' ? '6. Unbind the old key pair from the instances that passed.' : '6. The old key pair is no longer bound to the instances that passed (the bind replaced it).');
  lines.push(
    state.deleteOld
      ? `7. Delete the old key pair${state.occurrences.length === 1 ? '' : 's'} ${state.occurrences.map((o) => shown(o.keyPairId)).join(', ')} once no instance uses ${state.occurrences.length === 1 ? 'it' : 'them'}.`
      : `7. Keep the old key pair${state.occurrences.length === 1 ? '' : 's'} ${state.occurrences.map((o) => shown(o.keyPairId)).join(', ')} (not deleted).`,
  );
  return lines;
}

// ------------------------------------------------------------------------------------------ run

/** Runs (or resumes) the rotation from the first step not finished; resolves with the final state. */
export async function runRotation(deps: RotationDeps, state: RotationState): Promise<RotationState> {
  if (state.status === 'rolled-back') throw new RotationRefusal('This rotation was rolled back; plan a new one.');
  if (state.status === 'finished' && !rotationComplete(state)) reopen(state);
  state.status = 'running';
  deps.save(state);
  for (const step of ROTATION_STEPS) {
    if (state.finished.includes(step)) continue;
    await STEPS[step](deps, state);
    state.finished.push(step);
    deps.save(state);
  }
  state.status = 'finished';
  deps.save(state);
  return state;
}

/** A finished rotation that left instances behind: their bind, check and what follows are tried again. */
function reopen(state: RotationState): void {
  state.finished = state.finished.filter((s) => s === 'generate' || s === 'import');
  for (const t of state.targets) {
    if (t.verify === 'failed' || t.verify === 'restart') t.verify = undefined;
    t.bindMessage = undefined;
    t.unbindMessage = undefined;
  }
  for (const o of state.occurrences) if (o.deleteOutcome === 'kept' || o.deleteOutcome === 'failed' || o.deleteOutcome === 'in-use') o.deleteOutcome = undefined;
}

type StepRunner = (deps: RotationDeps, state: RotationState) => Promise<void>;

const active = (state: RotationState) => state.targets.filter((t) => !t.skipped);

const STEPS: Record<RotationStep, StepRunner> = {
  generate: generateStep,
  import: importStep,
  bind: bindStep,
  verify: verifyStep,
  'ssh-config': sshConfigStep,
  unbind: unbindStep,
  delete: deleteStep,
};

/** The new key, made once: the public half is saved in the state before the files are written, so a resume knows which key to look for. */
async function generateStep(deps: RotationDeps, state: RotationState): Promise<void> {
  const k = state.newKey;
  if (k.blobBase64 && k.savedPath && fs.existsSync(k.savedPath)) {
    const onDisk = parseKeyText(fs.readFileSync(k.savedPath, 'utf8')).keys[0];
    if (onDisk?.blobBase64 && onDisk.blobBase64 !== k.blobBase64) throw new RotationRefusal(`${k.savedPath} holds another key than this rotation made: move it away, then resume.`);
    if (!fs.existsSync(`${k.savedPath}.pub`) && k.publicKey) savePublicKeyBeside({ privateKeyPath: k.savedPath, fallback: false }, k.publicKey);
    say(deps, { step: 'generate', message: `new key already saved: ${k.savedPath}`, level: 'ok' });
    return;
  }
  if (k.encrypted && !deps.passphrase) throw new RotationRefusal('The new key is to have a passphrase, and none was given.');
  if (fs.existsSync(k.path)) throw new RotationRefusal(`${k.path} already exists: choose another file for the new key (nothing is ever written over a key).`);
  const generated = await generateKeyPair({ type: k.type, bits: k.bits, comment: k.comment, passphrase: k.encrypted ? deps.passphrase : undefined });
  k.publicKey = generated.publicKey.trim();
  k.blobBase64 = generated.facts.blobBase64;
  k.sha256 = generated.facts.sha256;
  k.savedPath = path.resolve(k.path);
  deps.save(state);
  const saved = savePrivateKey(k.path, generated.privateKey, 'rotated');
  savePublicKeyBeside(saved, k.publicKey);
  k.savedPath = saved.privateKeyPath;
  say(deps, { step: 'generate', message: `new ${k.type} key ${k.sha256} saved to ${saved.privateKeyPath}`, level: 'ok' });
}

/** The new key pair beside each old one (the cloud's import finds the same key already there, so this repeats safely). */
async function importStep(deps: RotationDeps, state: RotationState): Promise<void> {
  for (const o of state.occurrences) {
    if (o.newKeyPairId) continue;
    let name = state.newKey.keyPairName;
    const sentBefore = o.importSent === true;
    o.importSent = true;
    deps.save(state);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await deps.provider.importKeyPair({ region: o.region, name, publicKey: state.newKey.publicKey! }, { signal: deps.signal });
        o.newKeyPairId = result.keyPair.id;
        // Imported by an earlier run of this rotation (its answer lost, or the process stopped) is not "already there before".
        o.newAlreadyExisted = result.alreadyExisted && !sentBefore ? true : undefined;
        deps.save(state);
        say(deps, { step: 'import', message: `${shown(o.region)}: ${result.alreadyExisted ? 'already there as' : 'imported as'} ${shown(result.keyPair.id)} "${shown(result.keyPair.name)}"`, level: 'ok' });
        break;
      } catch (error) {
        rethrowCancellation(error);
        // The name is taken by another key: the next free one (name_2, name_3, …).
        if (isCloudError(error) && error.code === deps.descriptor.nameTakenCode && attempt < 5) {
          name = deps.descriptor.sanitizeKeyName(`${state.newKey.keyPairName}_${attempt + 1}`);
          continue;
        }
        throw error;
      }
    }
  }
}

/** The instance as the cloud lists it now (undefined when it is gone). */
async function currentInstance(deps: RotationDeps, t: RotationTarget): Promise<CloudInstance | undefined> {
  const [instance] = await deps.provider.listInstances({ region: t.region, ids: [t.instanceId] }, { signal: deps.signal });
  return instance && instance.id === t.instanceId ? instance : undefined;
}

const newIdOf = (state: RotationState, t: RotationTarget) => newKeyPairIdFor(state, t.oldKeyIds) ?? state.occurrences[0]?.newKeyPairId;

/** The new key pair in the same region as (one of) the instance's old ones. */
function newKeyPairIdFor(state: RotationState, oldKeyIds: readonly string[]): string | undefined {
  return state.occurrences.find((o) => oldKeyIds.includes(o.keyPairId))?.newKeyPairId;
}

/** Key pair region for a bind: the instance's own (CVM, ECS); Lighthouse binds by instance region too. */
async function bindStep(deps: RotationDeps, state: RotationState): Promise<void> {
  for (const t of active(state)) {
    if (t.bound) continue;
    const newId = newIdOf(state, t);
    if (!newId) {
      t.bindMessage = 'the new key pair was not imported in its region';
      continue;
    }
    try {
      const now = await currentInstance(deps, t);
      if (!now) {
        t.skipped = 'the instance is gone';
        deps.save(state);
        continue;
      }
      if (now.keyIds.includes(newId)) {
        t.bound = true;
      } else {
        const keyIds = state.bindStyle === 'keep-old' ? [newId, ...now.keyIds] : [newId];
        const forceStop = state.forceStop && isRunning(now.state);
        await deps.provider.associateKeyPairs({ region: t.region, keyIds, instanceIds: [t.instanceId], forceStop }, { signal: deps.signal });
        t.bound = true;
        await waitForBinding(deps, t, newId);
      }
      t.bindMessage = undefined;
      deps.save(state);
      say(deps, { step: 'bind', instanceId: t.instanceId, message: `${shown(t.instanceId)}: bound ${shown(newId)}`, level: 'ok' });
    } catch (error) {
      rethrowCancellation(error);
      // A bind whose answer was lost may have happened: the next run asks the cloud before binding again.
      t.bindMessage = errorText(error);
      deps.save(state);
      say(deps, { step: 'bind', instanceId: t.instanceId, message: `${shown(t.instanceId)}: not bound: ${shown(t.bindMessage)}`, level: 'fail' });
    }
  }
}

/**
 * Some clouds bind asynchronously (Lighthouse: LatestOperationState OPERATING until done): the
 * check waits until the listing shows the new key bound, a minute at most, before going on.
 */
async function waitForBinding(deps: RotationDeps, t: RotationTarget, newId: string): Promise<void> {
  const deadline = Date.now() + (deps.bindSettleMs ?? 60_000);
  for (;;) {
    const now = await currentInstance(deps, t);
    if (!now || now.keyIds.includes(newId) || Date.now() > deadline) return;
    await pause(1000, deps.signal);
  }
}

/** The user's SSH config with the managed block holding `host` (for the check), and the alias ssh knows it by. */
function configWith(state: RotationState, host: InstanceHost, region: string): { text: string; alias: string } | undefined {
  let current: Buffer | undefined;
  try {
    current = fs.readFileSync(state.sshConfigFile);
  } catch {
    current = undefined;
  }
  const scope = { cloud: state.sshScopeCloud, region };
  const merged = hostsOfScope(current, scope, [host]);
  let update = updateManagedBlock(current, scope, merged);
  // A config the block cannot be written into (broken markers): check with the entry alone.
  if (!update.ok) update = updateManagedBlock(undefined, scope, [host]);
  if (!update.ok) return undefined;
  const entry = update.hosts.find((h) => h.instanceId === host.instanceId);
  return entry ? { text: update.text, alias: entry.alias } : undefined;
}

/** The scope's entries now (other instances as they are) with `replaced` written over theirs. */
function hostsOfScope(current: Uint8Array | string | undefined, scope: SshConfigScope, replaced: readonly InstanceHost[]): InstanceHost[] {
  const read = readManagedHosts(current);
  const ids = new Set(replaced.map((h) => h.instanceId));
  const prefix = `${scope.cloud}-${scope.region}-`;
  const kept = read.ok
    ? read.hosts
        .filter((h) => h.cloud === scope.cloud && h.region === scope.region && !ids.has(h.instanceId))
        .map((h) => ({ instanceId: h.instanceId, instanceName: h.alias.startsWith(prefix) ? h.alias.slice(prefix.length) : h.alias, hostName: h.hostName, user: h.user, port: h.port, identityFile: h.identityFile }))
    : [];
  return [...kept, ...replaced];
}

/** Proves the new key on each bound instance with a real login; a failure keeps (or gives back) the old key. */
async function verifyStep(deps: RotationDeps, state: RotationState): Promise<void> {
  const k = state.newKey;
  const check = deps.checkLogin ?? checkSshLogin;
  const identity = await identityForCheck(deps, state);
  try {
    for (const t of active(state)) {
      if (!t.bound || t.verify === 'accepted') continue;
      const instance = await currentInstance(deps, t).catch((error) => {
        rethrowCancellation(error);
        t.verifyMessage = `could not list it: ${errorText(error)}`;
        return undefined;
      });
      if (!instance) {
        t.verify = 'failed';
        t.verifyMessage ??= 'the instance is gone';
        deps.save(state);
        continue;
      }
      const plan = loginPlan(deps, instance, identity.path, k.blobBase64!);
      if (!plan.ok) {
        t.verify = 'failed';
        t.verifyMessage = `no way to log in: ${plan.reason}`;
        deps.save(state);
        continue;
      }
      const config = configWith(state, plan.host, t.region);
      if (!config) {
        t.verify = 'failed';
        t.verifyMessage = 'its SSH config entry could not be written (a field ssh cannot take)';
        deps.save(state);
        continue;
      }
      const attempts = deps.verifyAttempts ?? (state.appliesAtRestart ? 1 : 5);
      let result: LoginCheckResult = { outcome: 'error', detail: 'not checked' };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        result = await check({ configText: config.text, alias: config.alias, expectedSha256: k.sha256!, timeoutSeconds: deps.verifyTimeoutSeconds ?? 15, sshCommand: deps.sshCommand, signal: deps.signal });
        if (result.outcome === 'accepted' || result.outcome === 'host-key') break;
        if (attempt < attempts) await pause(deps.verifyPauseMs ?? 2000, deps.signal);
      }
      if (result.outcome === 'accepted') {
        t.verify = 'accepted';
        t.verifyMessage = `${result.detail} as ${plan.user}@${plan.hostName}`;
        say(deps, { step: 'verify', instanceId: t.instanceId, message: `${shown(t.instanceId)}: ${t.verifyMessage}`, level: 'ok' });
      } else if (state.appliesAtRestart) {
        // ECS applies a bind at the instance's next start or restart: until then the old key still logs in.
        t.verify = 'restart';
        t.verifyMessage = isRunning(instance.state)
          ? `the new key takes effect when ${shown(t.instanceId)} restarts (${shown(result.detail)}): restart it, then resume; until then the old key still logs in`
          : `the new key takes effect when ${shown(t.instanceId)} starts (it is ${shown(instance.state)}): start it, then resume`;
        say(deps, { step: 'verify', instanceId: t.instanceId, message: `${shown(t.instanceId)}: ${t.verifyMessage}`, level: 'fail' });
      } else {
        t.verify = 'failed';
        // A stopped instance answers no login: say so, rather than blame the key.
        t.verifyMessage = !isRunning(instance.state) && result.outcome === 'unreachable' ? `${result.detail}; it is ${shown(instance.state)}: start it, then resume the rotation to check it` : result.detail;
        say(deps, { step: 'verify', instanceId: t.instanceId, message: `${shown(t.instanceId)}: the new key did not log in: ${shown(result.detail)}`, level: 'fail' });
        if (state.bindStyle === 'replace') await restoreOldKey(deps, state, t);
      }
      deps.save(state);
    }
  } finally {
    identity.dispose();
  }
}

/** The key file ssh uses for the check: the saved one, or, for an encrypted key, a decrypted copy that lives only during the check. */
async function identityForCheck(deps: RotationDeps, state: RotationState): Promise<{ path: string; dispose(): void }> {
  const saved = state.newKey.savedPath ?? state.newKey.path;
  if (!state.newKey.encrypted) return { path: saved, dispose: () => undefined };
  if (!deps.passphrase) throw new RotationRefusal('The new key has a passphrase: give it again to check the logins (it is never saved).');
  // sshpk does the bcrypt-pbkdf decryption (loaded only here, as src/keys/derive.ts does).
  const sshpk = require('sshpk') as typeof Sshpk;
  const key = sshpk.parsePrivateKey(fs.readFileSync(saved, 'utf8'), 'auto', { passphrase: deps.passphrase });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-ssh-keys-rotate-'));
  const copy = path.join(dir, 'key');
  fs.writeFileSync(copy, key.toString('ssh'), { mode: 0o600 });
  return { path: copy, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Gives a replace-style instance its old key back after the new one failed. */
async function restoreOldKey(deps: RotationDeps, state: RotationState, t: RotationTarget): Promise<void> {
  try {
    const now = await currentInstance(deps, t);
    if (!now) return;
    const old = t.oldKeyIds[0];
    if (old && !now.keyIds.includes(old)) {
      await deps.provider.associateKeyPairs({ region: t.region, keyIds: [old, ...t.otherKeyIds.filter((id) => id !== old)].slice(0, state.bindStyle === 'replace' ? 1 : undefined), instanceIds: [t.instanceId], forceStop: state.forceStop && isRunning(now.state) }, { signal: deps.signal });
    }
    t.rolledBack = true;
    t.bound = false;
    say(deps, { step: 'roll-back', instanceId: t.instanceId, message: `${shown(t.instanceId)}: the old key pair ${shown(old ?? '')} is bound again`, level: 'info' });
  } catch (error) {
    rethrowCancellation(error);
    t.verifyMessage = `${t.verifyMessage}; and giving it its old key back failed (${errorText(error)}): it may have NO working key — bind ${t.oldKeyIds.join(', ')} to it in the console`;
    say(deps, { step: 'roll-back', instanceId: t.instanceId, message: `${shown(t.instanceId)}: ${shown(t.verifyMessage)}`, level: 'fail' });
  }
}

/** Writes the new key into the managed block for every instance that passed. */
async function sshConfigStep(deps: RotationDeps, state: RotationState): Promise<void> {
  const passed = active(state).filter((t) => t.verify === 'accepted');
  const regions = unique(passed.map((t) => t.region));
  for (const region of regions) {
    const hosts: InstanceHost[] = [];
    for (const t of passed.filter((p) => p.region === region)) {
      const instance = await currentInstance(deps, t).catch(() => undefined);
      if (!instance) continue;
      const plan = loginPlan(deps, instance, state.newKey.savedPath ?? state.newKey.path, state.newKey.blobBase64!);
      if (plan.ok) hosts.push(plan.host);
    }
    const current = fs.existsSync(state.sshConfigFile) ? fs.readFileSync(state.sshConfigFile) : undefined;
    const scope = { cloud: state.sshScopeCloud, region };
    const result = updateSshConfigFile(state.sshConfigFile, scope, hostsOfScope(current, scope, hosts));
    for (const t of passed.filter((p) => p.region === region)) {
      if (!result.ok) {
        t.sshConfig = 'unchanged';
        continue;
      }
      const entry = result.hosts.find((h) => h.instanceId === t.instanceId);
      t.sshConfig = entry ? 'written' : 'rejected';
      t.alias = entry?.alias;
    }
    say(deps, { step: 'ssh-config', message: result.ok ? `${state.sshConfigFile}: ${hosts.length} entr${hosts.length === 1 ? 'y' : 'ies'} in ${region} name the new key` : `${state.sshConfigFile} was not changed: ${result.problem.message}`, level: result.ok ? 'ok' : 'fail' });
    deps.save(state);
  }
}

/** Takes the old key pair off each instance whose new key passed (CVM: it was kept beside it until now). */
async function unbindStep(deps: RotationDeps, state: RotationState): Promise<void> {
  for (const t of active(state)) {
    if (t.verify !== 'accepted' || t.oldUnbound) continue;
    try {
      const now = await currentInstance(deps, t);
      const stillBound = now ? t.oldKeyIds.filter((id) => now.keyIds.includes(id)) : [];
      if (now && stillBound.length > 0) {
        await deps.provider.disassociateKeyPairs({ region: t.region, keyIds: stillBound, instanceIds: [t.instanceId], forceStop: state.forceStop && isRunning(now.state) }, { signal: deps.signal });
      }
      t.oldUnbound = true;
      t.unbindMessage = undefined;
      deps.save(state);
      say(deps, { step: 'unbind', instanceId: t.instanceId, message: `${shown(t.instanceId)}: the old key pair is no longer bound`, level: 'ok' });
    } catch (error) {
      rethrowCancellation(error);
      t.unbindMessage = errorText(error);
      deps.save(state);
      say(deps, { step: 'unbind', instanceId: t.instanceId, message: `${shown(t.instanceId)}: the old key pair is still bound (${shown(t.unbindMessage)}); both keys log in`, level: 'fail' });
    }
  }
  await checkOldKeyRefused(deps, state);
}

/** With the old private key at hand, shows that the instances that passed now refuse it. */
async function checkOldKeyRefused(deps: RotationDeps, state: RotationState): Promise<void> {
  const oldPath = state.oldKey.privateKeyPath;
  if (!oldPath) return;
  const check = deps.checkLogin ?? checkSshLogin;
  for (const t of active(state)) {
    if (!t.oldUnbound || t.oldKeyRefused !== undefined) continue;
    const instance = await currentInstance(deps, t).catch(() => undefined);
    if (!instance) continue;
    const plan = loginPlan(deps, instance, oldPath, state.oldKey.blobBase64);
    const config = plan.ok ? configWith(state, plan.host, t.region) : undefined;
    if (!config) continue;
    let result: LoginCheckResult = { outcome: 'error', detail: '' };
    // The instance may take a moment to drop the key: a few tries before saying it still works.
    for (let attempt = 1; attempt <= (deps.verifyAttempts ?? 5); attempt++) {
      result = await check({ configText: config.text, alias: config.alias, expectedSha256: state.oldKey.sha256, timeoutSeconds: deps.verifyTimeoutSeconds ?? 15, sshCommand: deps.sshCommand, signal: deps.signal });
      if (result.outcome === 'refused') break;
      await pause(deps.verifyPauseMs ?? 2000, deps.signal);
    }
    if (result.outcome === 'refused') t.oldKeyRefused = true;
    else if (result.outcome === 'accepted') t.oldKeyRefused = false;
    deps.save(state);
    if (t.oldKeyRefused === false) say(deps, { step: 'unbind', instanceId: t.instanceId, message: `${shown(t.instanceId)}: the old key STILL logs in (it is in the instance's authorized_keys outside the cloud's binding): remove it there`, level: 'fail' });
  }
}

/** Deletes the old key pairs when agreed and no instance still needs them. */
async function deleteStep(deps: RotationDeps, state: RotationState): Promise<void> {
  const stillNeeded = (o: RotationOccurrence) => state.targets.some((t) => t.oldKeyIds.includes(o.keyPairId) && !(t.verify === 'accepted' && t.oldUnbound));
  for (const o of state.occurrences) {
    if (o.deleteOutcome === 'deleted' || o.deleteOutcome === 'missing') continue;
    if (!state.deleteOld) {
      o.deleteOutcome = 'kept';
      continue;
    }
    if (stillNeeded(o) || state.unsearchedRegions.length > 0) {
      o.deleteOutcome = 'kept';
      o.deleteMessage = stillNeeded(o) ? 'an instance still uses it (its new key was not proven)' : 'some regions could not be searched for instances that use it';
      say(deps, { step: 'delete', message: `${shown(o.keyPairId)} kept: ${o.deleteMessage}`, level: 'fail' });
      continue;
    }
    try {
      const result = await deps.provider.deleteKeyPairs({ region: o.region, ids: [o.keyPairId] }, { signal: deps.signal });
      o.deleteOutcome = result.deleted.includes(o.keyPairId) ? 'deleted' : result.missing.includes(o.keyPairId) ? 'missing' : 'in-use';
      if (o.deleteOutcome === 'in-use') o.deleteMessage = `${deps.descriptor.displayName} says it is still in use (bound to an instance or an image outside this rotation)`;
      say(deps, { step: 'delete', message: `${shown(o.keyPairId)}: ${o.deleteOutcome === 'missing' ? 'already deleted' : o.deleteOutcome}`, level: o.deleteOutcome === 'in-use' ? 'fail' : 'ok' });
    } catch (error) {
      rethrowCancellation(error);
      o.deleteOutcome = 'failed';
      o.deleteMessage = errorText(error);
      say(deps, { step: 'delete', message: `${shown(o.keyPairId)} not deleted: ${shown(o.deleteMessage)}`, level: 'fail' });
    }
    deps.save(state);
  }
}

// ------------------------------------------------------------------------------------ roll back

/**
 * Puts every instance back on its old key and removes what this rotation added in the cloud (the
 * new key pairs it imported); the new local key files stay (a private key is never deleted).
 */
export async function rollBackRotation(deps: RotationDeps, state: RotationState): Promise<RotationState> {
  for (const t of state.targets) {
    if (t.skipped) continue;
    try {
      const now = await currentInstance(deps, t);
      if (!now) continue;
      const newId = newIdOf(state, t);
      const missingOld = t.oldKeyIds.filter((id) => !now.keyIds.includes(id));
      if (missingOld.length > 0) {
        const keyIds = state.bindStyle === 'keep-old' ? [...missingOld, ...now.keyIds.filter((id) => id !== newId)] : [missingOld[0]];
        await deps.provider.associateKeyPairs({ region: t.region, keyIds, instanceIds: [t.instanceId], forceStop: state.forceStop && isRunning(now.state) }, { signal: deps.signal });
      } else if (newId && now.keyIds.includes(newId)) {
        await deps.provider.disassociateKeyPairs({ region: t.region, keyIds: [newId], instanceIds: [t.instanceId], forceStop: state.forceStop && isRunning(now.state) }, { signal: deps.signal });
      }
      t.rolledBack = true;
      t.bound = false;
      t.oldUnbound = false;
      deps.save(state);
      say(deps, { step: 'roll-back', instanceId: t.instanceId, message: `${shown(t.instanceId)}: back on the old key`, level: 'ok' });
    } catch (error) {
      rethrowCancellation(error);
      say(deps, { step: 'roll-back', instanceId: t.instanceId, message: `${shown(t.instanceId)}: could not be put back on the old key (${shown(errorText(error))}): bind ${t.oldKeyIds.join(', ')} to it in the console`, level: 'fail' });
      throw error;
    }
  }
  for (const o of state.occurrences) {
    if (!o.newKeyPairId || o.newAlreadyExisted) continue;
    try {
      await deps.provider.deleteKeyPairs({ region: o.region, ids: [o.newKeyPairId] }, { signal: deps.signal });
      say(deps, { step: 'roll-back', message: `${shown(o.newKeyPairId)} (the new key pair) deleted`, level: 'ok' });
      o.newKeyPairId = undefined;
      deps.save(state);
    } catch (error) {
      rethrowCancellation(error);
      say(deps, { step: 'roll-back', message: `${shown(o.newKeyPairId ?? '')} (the new key pair) could not be deleted: ${shown(errorText(error))}`, level: 'fail' });
    }
  }
  state.status = 'rolled-back';
  deps.save(state);
  return state;
}

// -------------------------------------------------------------------------------------- report

export interface InstanceReport {
  instanceId: string;
  region: string;
  name: string;
  /** `rotated`: the new key logs in and the old one is unbound; `both`: the new one logs in, the old one is still bound; `old-key`: it stays on the old key; `pending-restart`; `unknown`. */
  result: 'rotated' | 'both' | 'old-key' | 'pending-restart' | 'unknown';
  message: string;
  alias?: string;
  oldKeyRefused?: boolean;
}

/** One line per instance: where it ended up, and why. */
export function instanceReports(state: RotationState): InstanceReport[] {
  return state.targets.map((t) => {
    const base = { instanceId: t.instanceId, region: t.region, name: t.name, alias: t.alias, oldKeyRefused: t.oldKeyRefused };
    if (t.skipped) return { ...base, result: 'old-key' as const, message: `skipped: ${t.skipped}` };
    if (t.verify === 'accepted' && t.oldUnbound) return { ...base, result: 'rotated' as const, message: t.verifyMessage ?? 'the new key logs in' };
    if (t.verify === 'accepted') return { ...base, result: 'both' as const, message: `the new key logs in; the old key pair is still bound${t.unbindMessage ? ` (${t.unbindMessage})` : ''}` };
    if (t.verify === 'restart') return { ...base, result: 'pending-restart' as const, message: t.verifyMessage ?? 'restart it, then resume' };
    if (t.verify === 'failed') return { ...base, result: 'old-key' as const, message: `the new key did not log in (${t.verifyMessage}); ${state.bindStyle === 'keep-old' || t.rolledBack ? 'the old key still logs in' : 'the old key may no longer be bound: check it'}` };
    if (t.bindMessage) return { ...base, result: 'old-key' as const, message: `not bound: ${t.bindMessage}; the old key still logs in` };
    return { ...base, result: 'unknown' as const, message: 'not finished: resume the rotation' };
  });
}

/** Whether every instance of the plan ended with the new key proven (skipped ones count as not). */
export function rotationComplete(state: RotationState): boolean {
  return state.status === 'finished' && instanceReports(state).every((r) => r.result === 'rotated');
}

export type { CloudError };
export { localPrivateKeys };
