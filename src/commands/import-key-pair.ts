// Import to <cloud>: one flow for every provider. Parses the key locally first (nothing is sent
// for a private key, a broken key or a bad name), then imports into the picked regions in parallel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { documentedKeyTypesText, isDocumentedKeyType } from '../cloud/descriptors';
import { displayKeyType } from '../keys/key-labels';
import { parseKeyText } from '../keys/parse';
import { MAX_KEY_FILE_BYTES } from '../keys/scan';
import type { KeyFacts } from '../keys/types';
import type { CloudAccount } from '../platform/cloud-account';
import { cloudErrorReason, isCancelled, isCloudError, logCloudError, showCloudError } from '../platform/cloud-errors';
import { problemMessage } from '../platform/messages';
import { shownText } from '../platform/shown-text';
import type { UserInput } from '../platform/user-input';
import { walkthroughStepDone } from '../platform/walkthrough';
import type { LocalKeysNode } from '../views/local-keys-view';
import { type CloudCommandServices, askKeyName, notifyKeyId, pickRegions, takenNameCheck } from './cloud-common';
import { pairFromArgument } from './pick-key-pair';
import { runCloudStep } from './run-cloud-step';

export interface ImportOutcome {
  region: string;
  keyId?: string;
  keyName?: string;
  alreadyExisted?: boolean;
  errorCode?: string;
  error?: string;
}

interface PublicKeyToImport {
  /** The normalized one-line OpenSSH public key. */
  line: string;
  /** What to call it in messages. */
  label: string;
  /** A suggested key pair name (file name or comment). */
  suggestion: string;
}

function refuse(ui: UserInput, message: string): undefined {
  void ui.showErrorMessage(message);
  return undefined;
}

/** Reads a key file and returns its public key line, refusing private keys (or offering their public half). */
async function publicKeyOfFile(ui: UserInput, file: string): Promise<PublicKeyToImport | undefined> {
  const label = path.basename(file);
  let text: string;
  try {
    const stat = await fs.promises.stat(file);
    if (stat.size > MAX_KEY_FILE_BYTES) return refuse(ui, vscode.l10n.t('{0} is too large to be a public key.', file));
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    return refuse(ui, vscode.l10n.t('Cannot read {0}: {1}', file, (err as Error).message));
  }
  const parsed = parseKeyText(text, 'auto');
  const key: KeyFacts | undefined = parsed.keys[0];
  if (key?.kind === 'private') {
    // Never send a private key: offer the public key derived from it instead.
    const derived = key.openssh;
    if (!derived) {
      return refuse(ui, vscode.l10n.t('{0} is a private key: it is never sent to a cloud. Import its .pub file (or use "Derive Public Key") instead.', label));
    }
    const importPublic = vscode.l10n.t('Import Its Public Key');
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('{0} is a private key: it is never sent to a cloud. Import the public key derived from it instead?', label),
      { modal: true },
      importPublic,
    );
    const useDerived = choice === importPublic;
    return useDerived ? { line: derived, label, suggestion: path.basename(file) } : undefined;
  }
  const error = parsed.problems.find((p) => p.severity === 'error');
  if (error) return refuse(ui, vscode.l10n.t('{0} cannot be imported: {1}', label, problemMessage(error)));
  const candidates = parsed.keys.filter((k) => k.kind === 'public' && k.openssh);
  if (candidates.length === 0) {
    if (key?.kind === 'certificate') return refuse(ui, vscode.l10n.t('{0} is an SSH certificate; import the public key it certifies instead.', label));
    return refuse(ui, vscode.l10n.t('{0} cannot be imported: {1}', label, vscode.l10n.t('no public key found')));
  }
  let chosen = candidates[0];
  if (candidates.length > 1) {
    // authorized_keys and the like: one key pair per key, so ask which (never take the first silently).
    const picked = await ui.showQuickPick(
      candidates.map((k) => ({ label: k.comment || k.type, description: [k.type, k.sha256].join(' · '), key: k })),
      { title: vscode.l10n.t('{0} holds {1} public keys: which one?', label, candidates.length), ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    chosen = picked.key;
    return { line: chosen.openssh!, label, suggestion: chosen.comment || path.basename(file) };
  }
  return { line: chosen.openssh!, label, suggestion: path.basename(file).replace(/\.pub$/i, '') || chosen.comment };
}

async function publicKeyToImport(s: CloudCommandServices, arg: unknown): Promise<PublicKeyToImport | undefined> {
  if (arg instanceof vscode.Uri) return publicKeyOfFile(s.ui, arg.fsPath);
  const node = arg as LocalKeysNode | undefined;
  const pair = await pairFromArgument(s.ui, s.localKeys, node, (p) => !!p.facts.openssh && p.facts.kind !== 'certificate', vscode.l10n.t('Select the key to import'), (blob) =>
    s.cloudKeys.locationsOf(blob),
  );
  if (!pair) return undefined;
  if (!pair.facts.openssh) {
    return refuse(s.ui, vscode.l10n.t('The public key of {0} is not known: the private key is encrypted. Use "Derive Public Key" first.', pair.name));
  }
  return { line: pair.facts.openssh, label: pair.name, suggestion: pair.name || pair.facts.comment };
}

/**
 * Imports a public key into the chosen regions of `account`. `arg`: an explorer Uri, a Local Keys
 * node, or nothing (pick a key).
 */
export async function importKeyPair(s: CloudCommandServices, account: CloudAccount, arg?: unknown): Promise<ImportOutcome[] | undefined> {
  const { descriptor } = account;
  const title = vscode.l10n.t('Import to {0}', descriptor.serviceName);
  try {
    await account.provider(); // signed in? (loads the cloud's SDK chunk)
  } catch (error) {
    showCloudError(s, title, error);
    return undefined;
  }
  const key = await publicKeyToImport(s, arg);
  if (!key) return undefined;
  if (!(await undocumentedTypeAccepted(s, account, key))) return undefined;

  // An account-wide cloud holds one set of key pairs: there is no region to choose.
  const regions = account.accountWide ? [account.defaultRegion] : await pickRegions(s.ui, account, vscode.l10n.t('{0}: {1} — regions', title, key.label), true);
  if (!regions?.length) return undefined;
  // Regions whose listing already shows this key (same blob) are not asked about: it is there, under its name.
  const blobBase64 = blobOfLine(key.line);
  const alreadyThere = alreadyImported(s, account, regions, blobBase64);
  const toImport = regions.filter((r) => !alreadyThere.some((o) => o.region === r));
  if (toImport.length === 0) {
    s.log.info(shownText(`Import of ${key.label} to ${descriptor.displayName}: already there (${alreadyThere.map((o) => `${o.region} ${o.keyId}`).join(', ')}); nothing sent`));
    notifyOutcomes(s, account, title, key, alreadyThere);
    return alreadyThere;
  }
  const taken = takenNameCheck(s, account, toImport, { blobBase64 });
  // The name it has in the other regions, when that one is free here: one key, one name.
  const usedName = alreadyThere.map((o) => o.keyName ?? '').find((n) => n && !descriptor.keyNameProblem(n) && !taken(n));
  let name = await askKeyName(s.ui, account, vscode.l10n.t('{0}: {1} — key pair name', title, key.label), usedName ?? descriptor.sanitizeKeyName(key.suggestion), taken);
  if (name === undefined) return undefined;
  const outcomes: ImportOutcome[] = [...alreadyThere];
  let pending = toImport;
  for (;;) {
    const round = await importInto(s, account, title, key, name, pending, pending === toImport ? alreadyThere : []);
    if (!round) return outcomes.length ? outcomes : undefined; // cancelled
    outcomes.push(...round.filter((o) => o.errorCode !== descriptor.nameTakenCode));
    const nameTaken = round.filter((o) => o.errorCode === descriptor.nameTakenCode);
    if (nameTaken.length === 0) break;
    const other = vscode.l10n.t('Choose Another Name');
    const choice = await s.ui.showWarningMessage(
      vscode.l10n.t('A key pair named "{0}" already exists in {1} (holding another key).', name, nameTaken.map((o) => o.region).join(', ')),
      other,
    );
    if (choice !== other) {
      outcomes.push(...nameTaken);
      break;
    }
    const next = await askKeyName(s.ui, account, vscode.l10n.t('{0}: {1} — another name', title, key.label), `${name.slice(0, descriptor.keyNameMaxLength - 2)}_2`, (v) =>
      v === name ? vscode.l10n.t('That name is taken.') : undefined,
    );
    if (next === undefined) {
      outcomes.push(...nameTaken);
      break;
    }
    name = next;
    pending = nameTaken.map((o) => o.region);
  }
  await s.cloudKeys.refreshRegions(account, regions); // the view shows them before the command ends
  return outcomes;
}

async function importInto(
  s: CloudCommandServices,
  account: CloudAccount,
  title: string,
  key: PublicKeyToImport,
  name: string,
  regions: string[],
  alreadyThere: readonly ImportOutcome[] = [],
): Promise<ImportOutcome[] | undefined> {
  const { descriptor } = account;
  const step = await runCloudStep(
    s,
    title,
    async (signal) => {
      const provider = await account.provider();
      return Promise.all(
        regions.map(async (region): Promise<ImportOutcome> => {
          try {
            const r = await provider.importKeyPair({ region, name, publicKey: key.line, projectId: account.projectId }, { signal });
            s.log.info(
              shownText(`Import of ${key.label} to ${descriptor.displayName} ${region}: ${r.keyPair.id} (${r.alreadyExisted ? 'already there' : r.recoveredAfterLostAnswer ? 'recovered after a lost answer' : 'imported'})`),
            );
            if (r.fingerprintMatches === false) {
              void s.ui.showWarningMessage(
                vscode.l10n.t('In {0} {1}, the key pair {2} holds a different key than {3}.', descriptor.displayName, region, shownText(r.keyPair.name), shownText(key.label)),
              );
            }
            return { region, keyId: r.keyPair.id, keyName: r.keyPair.name, alreadyExisted: r.alreadyExisted };
          } catch (error) {
            if (isCancelled(error)) throw error;
            logCloudError(s.log, `Import of ${key.label} to ${descriptor.displayName} ${region}`, error);
            return { region, errorCode: isCloudError(error) ? error.code : 'Error', error: cloudErrorReason(error) };
          }
        }),
      );
    },
    { progress: vscode.l10n.t('Importing {0} to {1} ({2})…', key.label, descriptor.serviceName, regions.join(', ')) },
  );
  if (!step.ok) return undefined;
  const outcomes = step.value;
  if (outcomes.some((o) => o.keyId)) walkthroughStepDone('imported');
  notifyOutcomes(s, account, title, key, [...alreadyThere, ...outcomes], name);
  return outcomes;
}

/** One region: its own notification; several: one summary for all. */
function notifyOutcomes(s: CloudCommandServices, account: CloudAccount, title: string, key: PublicKeyToImport, outcomes: readonly ImportOutcome[], name = ''): void {
  const { descriptor } = account;
  if (outcomes.length > 1) {
    notifySummary(s, account, title, key, outcomes);
    return;
  }
  for (const o of outcomes) {
    // ECS identifies a key pair by its name: "as laptop: laptop" says the same thing twice.
    const keyName = o.alreadyExisted ? (o.keyName ?? '') : name;
    const as = o.keyId && keyName && keyName !== o.keyId ? `${shownText(keyName)}: ${shownText(o.keyId)}` : shownText(o.keyId ?? keyName);
    if (o.keyId && o.alreadyExisted) {
      const message = account.accountWide
        ? vscode.l10n.t('{0} is already in {1} as {2}', shownText(key.label), descriptor.displayName, as)
        : vscode.l10n.t('{0} is already in {1} {2} as {3}', shownText(key.label), descriptor.displayName, o.region, as);
      notifyKeyId(s.ui, account, message, o.keyId);
    } else if (o.keyId) {
      notifyKeyId(s.ui, account, vscode.l10n.t('Imported {0} to {1} {2} as {3}', shownText(key.label), descriptor.displayName, o.region, as), o.keyId);
    } else if (o.errorCode !== descriptor.nameTakenCode) {
      const showLog = vscode.l10n.t('Show Log');
      void s.ui
        .showErrorMessage(vscode.l10n.t('{0} failed: {1}', `${title} (${o.region})`, o.error ?? ''), showLog)
        .then((c) => (c === showLog ? s.log.show(true) : undefined));
    }
  }
}

/**
 * A key type the cloud does not document (ED25519 on Tencent CVM): asks before sending it. The
 * cloud may take it or refuse it; the user decides. True: go on.
 */
async function undocumentedTypeAccepted(s: CloudCommandServices, account: CloudAccount, key: PublicKeyToImport): Promise<boolean> {
  const { descriptor } = account;
  const keyType = key.line.trim().split(/\s+/)[0] ?? '';
  if (isDocumentedKeyType(descriptor, keyType)) return true;
  const importAnyway = vscode.l10n.t('Import Anyway');
  const choice = await s.ui.showWarningMessage(
    vscode.l10n.t(
      "The key {0} is {1}, a type not in {2}'s documented list for import ({3}): it may refuse it. Import it anyway?",
      shownText(key.label),
      displayKeyType({ type: keyType }),
      descriptor.serviceName,
      documentedKeyTypesText(descriptor),
    ),
    { modal: true },
    importAnyway,
  );
  return choice === importAnyway;
}

/** The regions whose last listing already holds this key (same blob, whatever its comment), as outcomes. */
function alreadyImported(s: CloudCommandServices, account: CloudAccount, regions: readonly string[], blobBase64: string | undefined): ImportOutcome[] {
  if (!blobBase64) return [];
  const out: ImportOutcome[] = [];
  for (const region of regions) {
    const keyPair = s.cloudKeys.listedKeyPairs(account, region)?.find((k) => k.blobBase64 === blobBase64);
    if (keyPair) out.push({ region, keyId: keyPair.id, keyName: keyPair.name, alreadyExisted: true });
  }
  return out;
}

/**
 * Several regions: one notification for all of them (not one toast per region), with each
 * region's result a click away (Copy All) and the failures' details in the log.
 */
function notifySummary(s: CloudCommandServices, account: CloudAccount, title: string, key: PublicKeyToImport, outcomes: readonly ImportOutcome[]): void {
  const { descriptor } = account;
  const settled = outcomes.filter((o) => o.errorCode !== descriptor.nameTakenCode); // the name-taken ones are asked about apart
  if (settled.length === 0) return;
  const imported = settled.filter((o) => o.keyId && !o.alreadyExisted).map((o) => o.region);
  const existing = settled.filter((o) => o.keyId && o.alreadyExisted).map((o) => (o.keyName ? `${o.region} (${shownText(o.keyName)})` : o.region));
  const failed = settled.filter((o) => !o.keyId);
  const parts = [
    imported.length ? vscode.l10n.t('imported in {0}', imported.join(', ')) : undefined,
    existing.length ? vscode.l10n.t('already there in {0}', existing.join(', ')) : undefined,
    failed.length ? vscode.l10n.t('failed in {0}', failed.map((o) => `${o.region} (${o.error ?? o.errorCode})`).join('; ')) : undefined,
  ].filter(Boolean);
  const message = vscode.l10n.t('{0} to {1}: {2}.', shownText(key.label), descriptor.serviceName, parts.join('; '));
  const copyAll = vscode.l10n.t('Copy All');
  const showLog = vscode.l10n.t('Show Log');
  // One line per region: what a script or a colleague needs (region, then the id or the reason).
  const lines = settled.map((o) => `${o.region}\t${o.keyId ? `${shownText(o.keyId)}${o.alreadyExisted ? ' (already there)' : ''}` : `failed: ${o.error ?? o.errorCode}`}`).join('\n');
  const show = failed.length ? s.ui.showErrorMessage : s.ui.showInformationMessage;
  void show(`${title}: ${message}`, copyAll, ...(failed.length ? [showLog] : [])).then((choice) => {
    if (choice === copyAll) return vscode.env.clipboard.writeText(`${lines}\n`);
    if (choice === showLog) s.log.show(true);
    return undefined;
  });
}

/** The base64 blob (second field) of a one-line OpenSSH public key. */
function blobOfLine(line: string): string | undefined {
  return line.trim().split(/\s+/)[1];
}
