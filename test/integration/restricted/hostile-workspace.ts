// A hostile workspace, shared by the trusted suite (../workspace-settings.test.ts) and the
// restricted-mode suite beside this file: a `.vscode/settings.json` that points both clouds'
// endpoints at a "trap" HTTP server, the SSH folders at a folder of its own, and sets regions and
// project / resource group. Every one of those settings is machine-scoped, so none may take effect:
// the trap must get no request while the user's endpoints (the fake CVM/ECS) get them all.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportOutcome } from '../../../src/commands/import-key-pair';
import type { CloudAccount } from '../../../src/platform/cloud-account';
import { FAKE_ECS_ACCESS_KEY } from '../../clouds/alibaba/fake/server';
import { FAKE_TEST_CREDENTIAL } from '../../clouds/tencent/fake/server';
import { asUser, api as extensionApi, eventually, fixture, rootItems, setCredentialsAsUser } from '../helpers';

export const FAKE_URLS = {
  tencent: process.env.CLOUD_SSH_KEYS_TEST_CVM_URL,
  alibaba: process.env.CLOUD_SSH_KEYS_TEST_ECS_URL,
};
export type Cloud = keyof typeof FAKE_URLS;
export const CLOUDS: Cloud[] = ['tencent', 'alibaba'];

/** What the user chose (user settings) and what the workspace tries to impose instead. */
const USER_REGION: Record<Cloud, string> = { tencent: 'ap-guangzhou', alibaba: 'cn-hangzhou' };
const WORKSPACE_REGION: Record<Cloud, string> = { tencent: 'ap-trap', alibaba: 'cn-trap' };
const WORKSPACE_PROJECT = { 'tencent.projectId': 4242, 'alibaba.resourceGroupId': 'rg-trap' } as const;
const CREDENTIALS: Record<Cloud, object> = { tencent: FAKE_TEST_CREDENTIAL, alibaba: FAKE_ECS_ACCESS_KEY };
/** The key the workspace's own "SSH folder" holds: the Local Keys view must never show it. */
export const PLANTED_KEY = 'planted_by_workspace';
/**
 * A setting a workspace may set (resource-scoped, harmless): when its workspaceValue shows up,
 * VS Code has read the file, so the absence of the machine-scoped values is meaningful.
 */
const SENTINEL = { section: 'editor', key: 'rulers', value: [77] };

const config = () => vscode.workspace.getConfiguration('cloudSshKeys');

export async function api() {
  const exported = await extensionApi();
  assert.ok(exported.cloudKeys && exported.accounts?.tencent && exported.accounts?.alibaba, 'the extension exports no cloud parts (production mode?)');
  return { ...exported, cloudKeys: exported.cloudKeys, tencent: exported.accounts?.tencent, alibaba: exported.accounts?.alibaba };
}

interface TrapRequest {
  method?: string;
  url?: string;
  host?: string;
}
/** An HTTP server on 127.0.0.1 that records every request and answers 500. */
export interface Trap {
  url: string;
  requests: TrapRequest[];
  close(): Promise<void>;
}

export async function startTrap(): Promise<Trap> {
  const requests: TrapRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, host: req.headers.host });
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"trap":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface LoggedRequest {
  action?: string;
  region?: string;
  params?: Record<string, unknown>;
  signatureVerified: boolean;
}

async function admin<T>(cloud: Cloud, route: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${FAKE_URLS[cloud]}/__admin/${route}`, { method });
  assert.equal(res.status, 200, `${method} ${cloud} /__admin/${route}: ${res.status}`);
  return (await res.json()) as T;
}
export const fakeRequests = (cloud: Cloud) => admin<LoggedRequest[]>(cloud, 'requests');

const settingsFile = () => path.join(fixture().workspace, '.vscode', 'settings.json');
export const plantedDir = () => path.join(fixture().workspace, 'hostile-ssh');

/** The `cloudSshKeys.*` values the hostile file sets (keys without the section). */
export function hostileValues(trapUrl: string): Record<string, unknown> {
  return {
    sshDirectories: [plantedDir()],
    'generate.defaultType': 'rsa-4096',
    'tencent.endpoint': trapUrl,
    'tencent.regions': [WORKSPACE_REGION.tencent],
    'tencent.defaultRegion': WORKSPACE_REGION.tencent,
    'alibaba.endpoint': trapUrl,
    'alibaba.regions': [WORKSPACE_REGION.alibaba],
    'alibaba.defaultRegion': WORKSPACE_REGION.alibaba,
    ...WORKSPACE_PROJECT,
  };
}

const sentinelValue = () => vscode.workspace.getConfiguration(SENTINEL.section).inspect(SENTINEL.key)?.workspaceValue;

/** Writes the hostile `.vscode/settings.json` (and the folder it names) and waits until VS Code has read it. */
export async function writeHostileWorkspace(trapUrl: string): Promise<void> {
  fs.mkdirSync(plantedDir(), { recursive: true });
  const planted = path.join(plantedDir(), PLANTED_KEY);
  if (!fs.existsSync(planted)) execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'planted@workspace', '-f', planted]);
  const settings: Record<string, unknown> = { [`${SENTINEL.section}.${SENTINEL.key}`]: SENTINEL.value };
  for (const [key, value] of Object.entries(hostileValues(trapUrl))) settings[`cloudSshKeys.${key}`] = value;
  fs.mkdirSync(path.dirname(settingsFile()), { recursive: true });
  fs.writeFileSync(settingsFile(), JSON.stringify(settings, null, 2) + '\n');
  await eventually(
    () => JSON.stringify(sentinelValue()) === JSON.stringify(SENTINEL.value),
    () => `VS Code never read ${settingsFile()} (${SENTINEL.section}.${SENTINEL.key} workspace value: ${JSON.stringify(sentinelValue())})`,
    30_000,
  );
}

/** Removes the file and the planted folder, and waits until VS Code's configuration no longer has the file's values. */
export async function removeHostileWorkspace(): Promise<void> {
  fs.rmSync(settingsFile(), { force: true });
  try {
    fs.rmdirSync(path.dirname(settingsFile())); // the .vscode folder, when nothing else is in it
  } catch {
    // not empty, or already gone
  }
  fs.rmSync(plantedDir(), { recursive: true, force: true });
  await eventually(
    () => sentinelValue() === undefined,
    () => `VS Code still has the workspace settings of ${settingsFile()}`,
    30_000,
  );
}

/** The user's own choices: each cloud's endpoint is its fake, one region each. */
export async function useFakesAsUserEndpoints(): Promise<void> {
  for (const cloud of CLOUDS) {
    await admin(cloud, 'reset', 'POST');
    await config().update(`${cloud}.endpoint`, FAKE_URLS[cloud], vscode.ConfigurationTarget.Global);
    await config().update(`${cloud}.regions`, [USER_REGION[cloud]], vscode.ConfigurationTarget.Global);
  }
}

/** Sets both clouds' test credentials through the commands (each checks them with one request, which must reach the fake). */
export async function signIn(trap: Trap): Promise<void> {
  for (const cloud of CLOUDS) {
    const ok = await setCredentialsAsUser(cloud, { ...CREDENTIALS[cloud] });
    assert.deepEqual(trap.requests, [], `the ${cloud} credential check went to the workspace's endpoint`);
    assert.equal(ok, true, `the ${cloud} test credentials were not accepted`);
  }
}

/** Undoes useFakesAsUserEndpoints and signIn. */
export async function signOutAndForgetEndpoints(): Promise<void> {
  for (const cloud of CLOUDS) {
    await vscode.commands.executeCommand(`cloudSshKeys.${cloud}.signOut`);
    await config().update(`${cloud}.endpoint`, undefined, vscode.ConfigurationTarget.Global);
    await config().update(`${cloud}.regions`, undefined, vscode.ConfigurationTarget.Global);
  }
}

/**
 * VS Code's own view of the hostile values: a workspace cannot set machine-scoped (or
 * application-scoped) settings, so none of them has a workspaceValue — checked against what
 * VS Code really does, not assumed.
 */
export function workspaceValuesVsCodeKept(trapUrl: string): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(hostileValues(trapUrl))) {
    const inspected = config().inspect(key);
    if (inspected?.workspaceValue !== undefined) kept[key] = inspected.workspaceValue;
    if (inspected?.workspaceFolderValue !== undefined) kept[`${key} (folder)`] = inspected.workspaceFolderValue;
  }
  return kept;
}

/** What the extension itself uses for a cloud: the user's values, never the workspace's. */
export function assertEffectiveSettingsAreTheUsers(account: CloudAccount, cloud: Cloud): void {
  assert.equal(account.endpoint, FAKE_URLS[cloud]);
  assert.deepEqual(account.configuredRegions, [USER_REGION[cloud]]);
  assert.notEqual(account.defaultRegion, WORKSPACE_REGION[cloud]);
  assert.equal(account.projectId, cloud === 'tencent' ? '0' : '');
}

/**
 * Lists the cloud's key pairs and imports `pub` into it, and checks that every request went to the
 * fake, for the user's region and project: nothing for the workspace's region or project.
 */
export async function listAndImport(cloud: Cloud, pub: string, name: string): Promise<void> {
  const exported = await api();
  const account = exported[cloud];
  assertEffectiveSettingsAreTheUsers(account, cloud);
  const before = (await fakeRequests(cloud)).length;

  exported.cloudKeys.refresh();
  await exported.cloudKeys.keyPairs(account);
  // An RSA key, the type both clouds document for import (the fakes refuse others by default):
  // this test is about where requests go, not about key types.
  const rsa = path.join(path.dirname(fixture().home), `import-${name}`);
  fs.rmSync(rsa, { force: true });
  fs.rmSync(`${rsa}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-C', path.basename(pub), '-f', rsa]);
  const outcomes = await asUser<ImportOutcome[]>([[USER_REGION[cloud]], name], `cloudSshKeys.${cloud}.importKeyPair`, vscode.Uri.file(`${rsa}.pub`));
  assert.equal(outcomes?.length, 1, JSON.stringify(outcomes));
  assert.ok(outcomes[0].keyId, `the import failed: ${JSON.stringify(outcomes[0])}`);

  const sent = (await fakeRequests(cloud)).slice(before);
  const actions = sent.map((r) => r.action);
  assert.ok(actions.includes('DescribeKeyPairs'), `no listing reached the fake: ${actions.join(', ')}`);
  const imports = sent.filter((r) => r.action === 'ImportKeyPair');
  assert.equal(imports.length, 1, `imports that reached the fake: ${imports.length}`);
  assert.equal(imports[0].signatureVerified, true);
  // STS GetCallerIdentity (the account's identity, asked after a listing) names no region on Alibaba; that it reached this fake at all is the check.
  for (const r of sent.filter((r) => r.action !== 'GetCallerIdentity')) assert.equal(r.region, USER_REGION[cloud], `${r.action} went to region ${r.region}`);
  // The workspace's project / resource group is not where the key pair goes.
  if (cloud === 'tencent') assert.equal(imports[0].params?.ProjectId, 0);
  else assert.equal(imports[0].params?.ResourceGroupId, undefined);
}

/** The Local Keys view shows ~/.ssh (one folder: its keys at the root), never the folder the workspace names. */
export async function assertLocalKeysShowOnlySshDir(): Promise<void> {
  const { localKeys } = await api();
  await localKeys.refresh();
  const labels = (await rootItems()).map((r) => r.label);
  assert.ok(!labels.includes(PLANTED_KEY) && !labels.includes(plantedDir()), `the view shows the workspace's folder: ${labels.join(', ')}`);
  // With whatever earlier suites added to ~/.ssh.
  const missing = Object.keys(fixture().sshItems).filter((name) => !labels.includes(name));
  assert.deepEqual(missing, [], `not the keys of ~/.ssh: ${labels.join(', ')}`);
}
