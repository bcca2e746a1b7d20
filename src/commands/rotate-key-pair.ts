// Rotate Key Pair: on a cloud key pair, on a Local Keys item imported somewhere, or from the audit
// ({ cloud, accountId, region, keyPairId }). Asks for the new key (type, passphrase, file), works
// out the plan (src/cloud/rotation.ts: every region holding the old key, every instance bound to
// it, what each step does to each), shows it, and carries it out under a cancellable progress
// notification. The plan and its progress are kept in <new key>.rotation.json (the CLI's own
// format: `<cloud> rotate` resumes it too), listed in globalState, so that a rotation interrupted
// by a closed window or a lost network is offered again (Resume / Roll Back) instead of forgotten.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type NewKeyType,
  type RotationDeps,
  type RotationProgress,
  type RotationState,
  RotationRefusal,
  describePlan,
  instanceReports,
  planRotation,
  rollBackRotation,
  rotationComplete,
  runRotation,
} from '../cloud/rotation';
import type { KeyPair } from '../cloud/provider';
import { readRotationState, rotationStateFile, saveRotationState } from '../cloud/rotation-state-file';
import { expandHome } from '../keys/scan-fs';
import { abortSignalFor, showCloudError } from '../platform/cloud-errors';
import type { CloudAccount } from '../platform/cloud-account';
import type { ManagedSshConfig } from '../platform/managed-ssh-config';
import { ROTATIONS_KEY, type RotationIndexEntry, rotationIndex } from '../platform/rotation-index';
import { shownInQuickPick, shownText } from '../platform/shown-text';
import type { LocalKeysNode } from '../views/local-keys-view';
import { type CloudCommandServices } from './cloud-common';

export interface RotateServices extends CloudCommandServices {
  sshConfig: ManagedSshConfig;
  accounts: readonly CloudAccount[];
  globalState: vscode.Memento;
}

/** What the audit passes. */
interface RotateRequest {
  cloud: string;
  accountId: string;
  region: string;
  keyPairId: string;
}

/** The state in `file`, or undefined when it is missing or unusable (then the rotation is not offered again). */
function readState(file: string): RotationState | undefined {
  return readRotationState(file).state;
}

async function remember(s: RotateServices, file: string, entry: RotationIndexEntry | undefined): Promise<void> {
  const index = { ...rotationIndex(s.globalState) };
  if (entry) index[file] = entry;
  else delete index[file];
  await s.globalState.update(ROTATIONS_KEY, index);
}

/** The account and key pair the command was run on; asks which when a local key is imported in several places. */
async function subjectOf(s: RotateServices, arg: unknown): Promise<{ account: CloudAccount; keyPair: KeyPair } | undefined> {
  const node = arg as { kind?: string; account?: CloudAccount; keyPair?: KeyPair } | RotateRequest | LocalKeysNode | undefined;
  if (node && 'kind' in node && node.kind === 'keyPair' && node.account && node.keyPair) return { account: node.account, keyPair: node.keyPair };
  if (node && 'keyPairId' in node && typeof node.keyPairId === 'string') {
    const account = s.accounts.find((a) => a.id === node.accountId) ?? s.accounts.find((a) => a.descriptor.id === node.cloud);
    const keyPair = account && (await s.cloudKeys.keyPairs(account)).find((k) => k.id === node.keyPairId && (account.accountWide || k.region === node.region));
    if (account && keyPair) return { account, keyPair };
    void s.ui.showWarningMessage(vscode.l10n.t('The key pair {0} is not listed any more: refresh the Cloud Key Pairs view.', shownText(node.keyPairId)));
    return undefined;
  }
  if (node && 'kind' in node && (node.kind === 'pair' || node.kind === 'file')) {
    const blob = (node as Extract<LocalKeysNode, { kind: 'pair' }>).pair.facts.blobBase64;
    const found: Array<{ account: CloudAccount; keyPair: KeyPair }> = [];
    for (const account of s.accounts) {
      if (!(await account.credentials().catch(() => undefined))) continue;
      for (const keyPair of await s.cloudKeys.keyPairs(account).catch(() => [] as KeyPair[])) if (blob && keyPair.blobBase64 === blob) found.push({ account, keyPair });
    }
    // One per account: the rotation finds the same key in the account's other regions itself.
    const perAccount = found.filter((f, i) => found.findIndex((g) => g.account === f.account) === i);
    if (perAccount.length === 0) {
      void s.ui.showInformationMessage(vscode.l10n.t('This key is not imported in any signed-in cloud account, so there is nothing to rotate. Import it first, or generate a new key.'));
      return undefined;
    }
    if (perAccount.length === 1) return perAccount[0];
    const picked = await s.ui.showQuickPick(
      perAccount.map((f) => ({ label: shownInQuickPick(f.account.displayName), description: shownInQuickPick(`${f.keyPair.id} · ${f.keyPair.region}`), f })),
      { title: vscode.l10n.t('Rotate Key Pair: which account?'), ignoreFocusOut: true },
    );
    return picked?.f;
  }
  void s.ui.showInformationMessage(vscode.l10n.t('Run Rotate Key Pair on a key pair in the Cloud Key Pairs view, or on a key in Local Keys that is imported somewhere.'));
  return undefined;
}

/** Rotate Key Pair (see the file comment). Resolves true when every instance ended on the new key. */
export async function rotateKeyPair(s: RotateServices, arg: unknown): Promise<boolean> {
  const subject = await subjectOf(s, arg);
  if (!subject) return false;
  const { account, keyPair } = subject;
  const title = vscode.l10n.t('Rotate {0}', shownText(keyPair.name));

  // An unfinished rotation of this key pair comes first.
  const index = rotationIndex(s.globalState);
  const pendingFile = Object.keys(index).find((f) => index[f].accountId === account.id && index[f].keyPairIds.includes(keyPair.id));
  const pending = pendingFile ? readState(pendingFile) : undefined;
  if (pendingFile && pending) return resumeRotation(s, account, pendingFile, pending);
  if (pendingFile) await remember(s, pendingFile, undefined);

  const type = await s.ui.showQuickPick(
    [
      { label: 'Ed25519', description: documentedHint(account, 'ssh-ed25519'), type: 'ed25519' as NewKeyType, bits: undefined },
      { label: 'RSA 3072', description: documentedHint(account, 'ssh-rsa'), type: 'rsa' as NewKeyType, bits: 3072 },
      { label: 'RSA 4096', description: documentedHint(account, 'ssh-rsa'), type: 'rsa' as NewKeyType, bits: 4096 },
      { label: 'ECDSA P-256', description: documentedHint(account, 'ecdsa-sha2-nistp256'), type: 'ecdsa' as NewKeyType, bits: 256 },
    ].sort((a, b) => Number(!!b.description && !b.description.includes('not')) - Number(!!a.description && !a.description.includes('not'))),
    { title: vscode.l10n.t('{0}: type of the new key', title), ignoreFocusOut: true },
  );
  if (!type) return false;
  const passphrase = await askPassphrase(s, title);
  if (passphrase === undefined) return false;
  const folder = s.config.sshDirectories[0] ? path.resolve(expandHome(s.config.sshDirectories[0])) : path.join(os.homedir(), '.ssh');
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const suggested = path.join(folder, `${account.descriptor.sanitizeKeyName(keyPair.name).replace(/[^A-Za-z0-9_.-]/g, '_')}_${stamp}`);
  const target = await s.ui.showInputBox({
    title: vscode.l10n.t('{0}: file of the new private key', title),
    value: suggested,
    prompt: vscode.l10n.t('The public key goes beside it (.pub). An existing file is never overwritten.'),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const file = path.resolve(expandHome(v.trim()));
      if (!v.trim()) return vscode.l10n.t('Enter a file path.');
      if (fs.existsSync(file) || fs.existsSync(`${file}.pub`)) return vscode.l10n.t('{0} already exists.', file);
      if (!fs.existsSync(path.dirname(file))) return vscode.l10n.t('The folder {0} does not exist.', path.dirname(file));
      return undefined;
    },
  });
  if (!target) return false;
  const keyPath = path.resolve(expandHome(target.trim()));
  const deps = depsFor(s, account, passphrase || undefined);

  // The plan, asking the cloud where the key is; a shutdown is part of what the user agrees to below.
  let state: RotationState;
  try {
    state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for every instance that trusts {0}…', shownText(keyPair.name)), cancellable: true }, async (_p, token) => {
      const abort = abortSignalFor(token);
      try {
        const provider = await account.provider();
        const regions = (await account.regions(abort.signal)).filter((r) => r.available).map((r) => r.id);
        return await planRotation({ ...deps, provider, signal: abort.signal, save: () => undefined }, {
          region: keyPair.region,
          keyPairId: keyPair.id,
          regions,
          newKey: { type: type.type, bits: type.bits, comment: path.basename(keyPath), encrypted: !!passphrase, path: keyPath },
          deleteOld: false,
          forceStop: true,
          sshScopeCloud: account.sshConfigCloudId,
          sshConfigFile: s.sshConfig.file,
          oldPrivateKeyPath: s.cloudKeys.localMatch(keyPair)?.privateKey?.path,
        });
      } finally {
        abort.dispose();
      }
    });
  } catch (error) {
    if (error instanceof RotationRefusal) void s.ui.showWarningMessage(`${title}: ${error.message}`);
    else showCloudError(s, title, error);
    return false;
  }
  const plan = describePlan(state, account.descriptor.displayName);
  s.log.info(`${title}: plan\n${plan.join('\n')}`);
  const rotate = vscode.l10n.t('Rotate');
  const rotateAndDelete = vscode.l10n.t('Rotate and Delete the Old Key Pair');
  const running = state.targets.filter((t) => !t.skipped && t.state.toUpperCase() === 'RUNNING');
  const shutdown = running.length > 0 && account.descriptor.capabilities.bindStopsRunningInstances
    ? vscode.l10n.t('{0} shuts these running instances down for each key change and starts them again: {1}.', account.descriptor.serviceName, shownText(running.map((t) => t.name || t.instanceId).join(', ')))
    : '';
  const choice = await s.ui.showWarningMessage(
    vscode.l10n.t('Rotate {0} on {1} instance(s)? {2}', shownText(keyPair.name), state.targets.filter((t) => !t.skipped).length, shutdown),
    { modal: true, detail: plan.slice(1).join('\n') },
    rotate,
    rotateAndDelete,
  );
  if (choice !== rotate && choice !== rotateAndDelete) return false;
  state.deleteOld = choice === rotateAndDelete;
  state.forceStop = running.length > 0;
  const file = rotationStateFile(keyPath);
  saveRotationState(file, state);
  await remember(s, file, { accountId: account.id, keyPairIds: state.occurrences.map((o) => o.keyPairId), startedAt: state.createdAt });
  return carryOut(s, account, file, state, deps, (d, st) => runRotation(d, st));
}

function documentedHint(account: CloudAccount, keyType: string): string | undefined {
  const documented = account.descriptor.documentedKeyTypes;
  if (!documented) return undefined;
  return documented.includes(keyType) ? vscode.l10n.t('documented by {0}', account.descriptor.serviceName) : vscode.l10n.t('not in {0}\'s documented types: it may refuse it', account.descriptor.serviceName);
}

/** Asks for the new key's passphrase twice; '' for none, undefined when cancelled. */
async function askPassphrase(s: RotateServices, title: string): Promise<string | undefined> {
  const first = await s.ui.showInputBox({ title: vscode.l10n.t('{0}: passphrase of the new key', title), prompt: vscode.l10n.t('Leave empty for no passphrase.'), password: true, ignoreFocusOut: true });
  if (first === undefined || first === '') return first;
  const again = await s.ui.showInputBox({ title: vscode.l10n.t('{0}: passphrase of the new key', title), prompt: vscode.l10n.t('Enter the passphrase again.'), password: true, ignoreFocusOut: true, validateInput: (v) => (v === first ? undefined : vscode.l10n.t('The passphrases differ.')) });
  return again === first ? first : undefined;
}

/** What every rotation of the account needs besides the provider and the store. */
type RotationBase = Pick<RotationDeps, 'descriptor' | 'passphrase' | 'preferPrivateIp' | 'loginUserOverride'>;

function depsFor(s: RotateServices, account: CloudAccount, passphrase: string | undefined): RotationBase {
  return {
    descriptor: account.descriptor,
    passphrase,
    preferPrivateIp: s.config.preferPrivateIp,
    loginUserOverride: (instance) => s.sshConfig.loginUserOverride(account, instance),
  };
}

/** Offers to resume or roll back an unfinished rotation. */
async function resumeRotation(s: RotateServices, account: CloudAccount, file: string, state: RotationState): Promise<boolean> {
  const resume = vscode.l10n.t('Resume');
  const rollBack = vscode.l10n.t('Roll Back');
  const done = state.finished.length ? state.finished.join(', ') : vscode.l10n.t('nothing yet');
  const choice = await s.ui.showWarningMessage(
    vscode.l10n.t('A rotation of this key did not finish (done: {0}). Resume it, or roll it back (every instance back on the old key, the new key pairs removed; the new key file stays)?', done),
    { modal: true, detail: describePlan(state, account.descriptor.displayName).join('\n') },
    resume,
    rollBack,
  );
  if (choice !== resume && choice !== rollBack) return false;
  let passphrase: string | undefined;
  if (state.newKey.encrypted && !(choice === rollBack)) {
    passphrase = await s.ui.showInputBox({ title: vscode.l10n.t('Passphrase of {0}', state.newKey.path), password: true, ignoreFocusOut: true, prompt: vscode.l10n.t('Needed to check the logins with the new key; it is never saved.') });
    if (!passphrase) return false;
  }
  const deps = depsFor(s, account, passphrase);
  return carryOut(s, account, file, state, deps, choice === resume ? (d, st) => runRotation(d, st) : (d, st) => rollBackRotation(d, st));
}

/** Runs the rotation (or its roll-back) with progress, then reports per instance. */
async function carryOut(
  s: RotateServices,
  account: CloudAccount,
  file: string,
  state: RotationState,
  base: RotationBase,
  work: (deps: RotationDeps, state: RotationState) => Promise<RotationState>,
): Promise<boolean> {
  const title = vscode.l10n.t('Rotating {0}', shownText(state.occurrences[0]?.name ?? ''));
  let final: RotationState;
  try {
    final = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = abortSignalFor(token);
      try {
        const provider = await account.provider();
        const deps: RotationDeps = {
          ...base,
          provider,
          signal: abort.signal,
          save: (st) => saveRotationState(file, st),
          onProgress: (e: RotationProgress) => {
            progress.report({ message: e.message });
            (e.level === 'fail' ? s.log.warn : s.log.info).call(s.log, `Rotation ${e.step}: ${e.message}`);
          },
        };
        return await work(deps, state);
      } finally {
        abort.dispose();
      }
    });
  } catch (error) {
    s.cloudKeys.refresh(account);
    const cancelled = error instanceof Error && (error.name === 'AbortError' || /cancel/i.test(error.message));
    const where = vscode.l10n.t('Its progress is kept: run Rotate Key Pair on it again to resume or roll back.');
    if (error instanceof RotationRefusal) void s.ui.showWarningMessage(`${title}: ${error.message} ${where}`);
    else if (cancelled) void s.ui.showWarningMessage(vscode.l10n.t('The rotation was stopped. {0}', where));
    else showCloudError(s, `${title} (${where})`, error);
    return false;
  }
  s.cloudKeys.refresh(account);
  const reports = instanceReports(final);
  const lines = reports.map((r) => `- ${r.instanceId} "${r.name}" (${r.region}): **${r.result}**, ${r.message}${r.oldKeyRefused ? ' — the old key is refused' : ''}`);
  const occurrences = final.occurrences.map((o) => `- ${o.keyPairId} (${o.region}): ${final.status === 'rolled-back' ? 'kept' : (o.deleteOutcome ?? 'kept')}${o.deleteMessage ? `, ${o.deleteMessage}` : ''}`);
  const reportText = shownText([`# ${final.status === 'rolled-back' ? 'Rolled back' : 'Rotation report'}`, '', `New key: ${final.newKey.savedPath} (${final.newKey.sha256})`, '', '## Instances', ...lines, '', '## Old key pairs', ...occurrences].join('\n'));
  s.log.info(reportText);
  const complete = final.status === 'rolled-back' || rotationComplete(final);
  if (complete) {
    fs.rmSync(file, { force: true });
    await remember(s, file, undefined);
  }
  const show = vscode.l10n.t('Show Report');
  const rotated = reports.filter((r) => r.result === 'rotated').length;
  const message =
    final.status === 'rolled-back'
      ? vscode.l10n.t('Rolled back: {0} instance(s) are on the old key again.', reports.filter((r) => r.result !== 'rotated').length)
      : complete
        ? vscode.l10n.t('Rotated: the new key logs in on all {0} instance(s), and the old key pair is off them.', rotated)
        : vscode.l10n.t('Rotated {0} of {1} instance(s); the others keep the old key. Run Rotate Key Pair on it again to retry or roll back.', rotated, reports.length);
  const shownMessage = complete ? s.ui.showInformationMessage(message, show) : s.ui.showWarningMessage(message, show);
  void shownMessage.then(async (choice) => {
    if (choice === show) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: reportText, language: 'markdown' }));
  });
  return final.status !== 'rolled-back' && complete;
}
