// Helpers for the in-host tests: the fixture the harness built, the extension's API, ssh-keygen.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CloudSshKeysApi } from '../../src/extension';
import type { LocalKeysNode } from '../../src/views/local-keys-view';
import { type Answer, assertUserSatisfied, user } from './test-user-input';

export const EXTENSION_ID = 'cloud-ssh-keys.cloud-ssh-keys';

export interface FixtureItem {
  markers: string[];
  comment: string;
  private?: string;
  public?: string;
  typeAndBits?: string;
}

/** What test/harness/fixture.mjs built (see there). */
export interface Fixture {
  home: string;
  sshDir: string;
  otherDir: string;
  workspace: string;
  sshItems: Record<string, FixtureItem>;
  notItems: string[];
  otherItems: string[];
  workspacePub: string;
  workspaceText: string;
}

let cached: Fixture | undefined;
export function fixture(): Fixture {
  if (!cached) {
    const file = process.env.CLOUD_SSH_KEYS_TEST_FIXTURE;
    assert.ok(file, 'CLOUD_SSH_KEYS_TEST_FIXTURE is not set: run the suite through test/harness/run-integration.mjs or scripts/test-electron.mjs');
    cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
  }
  return cached;
}

export async function api(): Promise<CloudSshKeysApi> {
  const ext = vscode.extensions.getExtension<CloudSshKeysApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const exported = await ext.activate();
  assert.ok(exported?.localKeys, 'activate() did not return { localKeys }');
  return exported;
}

/** `SHA256:…` / `MD5:…` as `ssh-keygen -l -E <hash> -f <file>` prints it. */
export function keygenFingerprint(file: string, hash: 'sha256' | 'md5' = 'sha256'): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
  const m = /^(\d+) (\S+) /.exec(out);
  assert.ok(m, `unexpected ssh-keygen output: ${out}`);
  return m[2];
}

/** `ssh-keygen -l` output split into its parts. */
export function keygenList(file: string): { bits: number; sha256: string; comment: string; type: string } {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
  const m = /^(\d+) (\S+) (.*) \((\S+)\)$/.exec(out);
  assert.ok(m, `unexpected ssh-keygen output: ${out}`);
  return { bits: Number(m[1]), sha256: m[2], comment: m[3], type: m[4] };
}

/** The file ssh-keygen should fingerprint for a fixture item: the .pub when there is one. */
export function referenceFile(item: FixtureItem): string {
  return (item.public ?? item.private)!;
}

export function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

export function tooltipText(item: vscode.TreeItem): string {
  const t = item.tooltip;
  return typeof t === 'string' ? t : (t?.value ?? '');
}

export interface RootItem {
  node: LocalKeysNode;
  item: vscode.TreeItem;
  label: string;
}

/** The root items of the Local Keys tree, as the view would get them. */
export async function rootItems(): Promise<RootItem[]> {
  const { localKeys } = await api();
  const nodes = await localKeys.getChildren();
  return nodes.map((node) => {
    const item = localKeys.getTreeItem(node);
    return { node, item, label: labelOf(item) };
  });
}

export async function rootLabels(): Promise<string[]> {
  return (await rootItems()).map((r) => r.label);
}

/** Polls `probe` until it returns a value (not undefined/false), or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  describe: () => string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sorted = (a: string[]): string[] => [...a].sort();

export async function setSshDirectories(value: string[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('cloudSshKeys').update('sshDirectories', value, vscode.ConfigurationTarget.Global);
}

/** VS Code's user-data folder of this run (settings, logs, state): where a leaked secret would land. */
export function userDataDir(): string {
  return path.join(path.dirname(fixture().home), 'user-data');
}

/** Every file under `dirs` holding one of `needles` (binary files too: secrets must not hide there). */
export function filesContaining(dirs: string | string[], ...needles: string[]): string[] {
  const hits: string[] = [];
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    for (const entry of fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : []) {
      const file = path.join(dir, entry);
      try {
        if (!fs.statSync(file).isFile()) continue;
        const content = fs.readFileSync(file);
        if (needles.some((needle) => content.includes(needle))) hits.push(file);
      } catch {
        // removed while walking
      }
    }
  }
  return hits;
}

/** The fake CVM's admin API (test/fakes/fake-admin.ts): request log, state, faults, reset. */
export async function cvmAdmin<T>(cvmUrl: string, route: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${cvmUrl}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${method} /__admin/${route}: ${res.status}`);
  return (await res.json()) as T;
}

/** A fresh fake CVM as the user's Tencent endpoint, with `regions`, signed in with the fake's credential. */
export async function signInToFakeCvm(cvmUrl: string, regions: string[], credential: Record<string, string>): Promise<void> {
  const config = vscode.workspace.getConfiguration('cloudSshKeys');
  await cvmAdmin(cvmUrl, 'reset', 'POST');
  await config.update('tencent.endpoint', cvmUrl, vscode.ConfigurationTarget.Global);
  await config.update('tencent.regions', regions, vscode.ConfigurationTarget.Global);
  assert.equal(await setCredentialsAsUser('tencent', credential), true, 'credentials were not accepted');
}

/** Back to how the Tencent suites start: signed out, default settings, a fresh fake. */
export async function signOutOfFakeCvm(cvmUrl: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('cloudSshKeys');
  await vscode.commands.executeCommand('cloudSshKeys.tencent.signOut');
  await config.update('tencent.endpoint', undefined, vscode.ConfigurationTarget.Global);
  await config.update('tencent.regions', undefined, vscode.ConfigurationTarget.Global);
  await cvmAdmin(cvmUrl, 'reset', 'POST');
}

/** Runs a command as the user would (no test-only arguments): `answers` answer its questions, in order. */
export async function asUser<T = unknown>(answers: Answer[], command: string, ...args: unknown[]): Promise<T | undefined> {
  assertUserSatisfied(); // nothing left over from before
  user.answer(...answers);
  const result = await vscode.commands.executeCommand<T | undefined>(command, ...args);
  // Every answer was asked for, and nothing else was asked.
  assertUserSatisfied();
  return result;
}

/** Set Credentials as the user types them: one input box per credential field of the cloud, in its order. */
export async function setCredentialsAsUser(cloudId: string, values: Record<string, string>): Promise<boolean | undefined> {
  const account = (await api()).accounts?.[cloudId];
  assert.ok(account, `the extension exports no ${cloudId} account (production mode?)`);
  return asUser<boolean>(account.descriptor.credentialFields.map((f) => values[f.id] ?? ''), `cloudSshKeys.${cloudId}.setCredentials`);
}

/** The labels and buttons the tests answer with (the English UI). */
export const CHOICES = {
  createHere: /^Generate on this computer/,
  createInCloud: /^Let .+ generate it$/,
  delete: 'Delete',
  shutDown: 'Shut Down and Continue',
  importPublicHalf: 'Import Its Public Key',
  importAnyway: 'Import Anyway',
  chooseAnotherName: 'Choose Another Name',
  saveAs: 'Save As…',
} as const;

/** Runs `body` with `directories` as the SSH folders (the first is where new keys go), then restores them. */
export async function withSshDirectories<T>(directories: string[], body: () => Promise<T>): Promise<T> {
  await setSshDirectories(directories);
  try {
    return await body();
  } finally {
    await setSshDirectories(undefined);
  }
}
