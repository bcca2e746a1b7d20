// Helpers for the Lighthouse in-host tests: the fake Lighthouse's admin API, the extension's
// Lighthouse and Tencent accounts (one API key), and the account-wide Cloud Key Pairs branch.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { CloudKeysNode } from '../../../../src/views/cloud-keys-view';
import { api as extensionApi } from '../../../integration/helpers';

export const LIGHTHOUSE_URL = process.env.CLOUD_SSH_KEYS_TEST_LIGHTHOUSE_URL;
/** Signing in to Lighthouse signs in Tencent Cloud too: its branch must list the fake CVM, not the real cloud. */
export const CVM_URL = process.env.CLOUD_SSH_KEYS_TEST_CVM_URL;

export interface LoggedRequest {
  action?: string;
  region?: string;
  params?: Record<string, unknown>;
  signatureVerified: boolean;
  secretId?: string;
  requestId?: string;
  errorCode?: string;
  faults?: string[];
}

export interface FakeState {
  keyPairs: Array<{ KeyId: string; KeyName: string; PublicKey: string; CreatedTime: string }>;
  instances: Array<{ InstanceId: string; InstanceName: string; region: string; InstanceState: string; PlatformType: string; KeyIds: string[] }>;
}

async function admin<T>(url: string | undefined, route: string, method = 'GET', body?: unknown): Promise<T> {
  assert.ok(url, 'no fake URL');
  const res = await fetch(`${url}/__admin/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${method} /__admin/${route}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** The fake Lighthouse's admin API (test/clouds/lighthouse/fake/admin.ts). */
export const lighthouseAdmin = <T>(route: string, method = 'GET', body?: unknown) => admin<T>(LIGHTHOUSE_URL, route, method, body);
// The account's identity (STS GetCallerIdentity) is asked in the background after a first listing: not a call the tests count.
export const requests = async () => (await lighthouseAdmin<LoggedRequest[]>('requests')).filter((r) => r.action !== 'GetCallerIdentity');
export const state = () => lighthouseAdmin<FakeState>('state');
// The account's identity (STS GetCallerIdentity) is asked in the background after a first listing: not a call the tests count.
export const cvmRequests = async () => (await admin<LoggedRequest[]>(CVM_URL, 'requests')).filter((r) => r.action !== 'GetCallerIdentity');
export const addFault = (rule: unknown) => lighthouseAdmin('faults', 'POST', rule);
export const clearFaults = () => lighthouseAdmin('faults', 'DELETE');

/** The key blob (second field) of an OpenSSH public key line. */
export const blobOf = (line: string) => line.trim().split(/\s+/)[1];
/** What ssh-keygen derives from a private key file. */
export const publicOfPrivate = (file: string) => execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8', stdio: 'pipe' }).trim();
/** A key pair made by the real ssh-keygen. */
export function keygen(file: string, type: 'rsa' | 'ed25519', comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '3072'] : []), '-N', '', '-C', comment, '-f', file], { stdio: 'pipe' });
}

/** The extension's API with the cloud parts it exports outside production. */
export async function api() {
  const exported = await extensionApi();
  const lighthouse = exported.accounts?.lighthouse;
  const tencent = exported.accounts?.tencent;
  assert.ok(exported.cloudKeys && lighthouse && tencent, 'the extension exports no cloudKeys/lighthouse/tencent (production mode, or Lighthouse not registered?)');
  return { ...exported, cloudKeys: exported.cloudKeys, lighthouse, tencent };
}

export type KeyPairNode = Extract<CloudKeysNode, { kind: 'keyPair' }>;

/** The root node of a cloud in the Cloud Key Pairs view (undefined: not shown). */
export async function providerNode(cloudId: string): Promise<CloudKeysNode | undefined> {
  const { cloudKeys } = await api();
  return (await cloudKeys.getChildren()).find((n) => n.kind === 'provider' && n.account.descriptor.id === cloudId);
}

/** What the view shows right under the Lighthouse node (key pairs, or a problem: never regions). */
export async function lighthouseChildren(): Promise<CloudKeysNode[]> {
  const { cloudKeys } = await api();
  const provider = await providerNode('lighthouse');
  assert.ok(provider, 'the Cloud Key Pairs view shows no Tencent Cloud Lighthouse node');
  return cloudKeys.getChildren(provider);
}

/** The key pair node of `keyId`, after a fresh listing. */
export async function keyPairNode(keyId: string): Promise<KeyPairNode> {
  (await api()).cloudKeys.refresh();
  const children = await lighthouseChildren();
  const node = children.find((n): n is KeyPairNode => n.kind === 'keyPair' && n.keyPair.id === keyId);
  assert.ok(node, `${keyId} is not under the Lighthouse node: ${JSON.stringify(children.map((n) => n.kind === 'keyPair' ? n.keyPair.id : n.kind))}`);
  return node;
}
