// The last listing of each cloud account, kept on disk so that the Cloud Key Pairs view paints at
// once after a reload (and lists again behind it). Public data only: names, ids, public keys. The
// file is read back as untrusted input: every field is checked for its type and size.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudRegion, KeyPair } from '../cloud/provider';

export const LISTING_CACHE_VERSION = 1;
/** Larger files are not read (9,000 RSA key pairs are about 6 MB). */
export const MAX_CACHE_BYTES = 32 * 1024 * 1024;
const MAX_REGIONS = 200;
const MAX_KEY_PAIRS = 50_000;

export interface CachedListing {
  /** When it was listed (ms since the epoch). */
  time: number;
  regions: CloudRegion[];
  /** By region id ('' for an account-wide cloud's key pairs). */
  keyPairs: Map<string, KeyPair[]>;
}

/** The file name of an account's listing: the cloud and a hash of its non-secret identity (never a secret). */
export function listingFileName(cloudId: string, identity: string): string {
  const hash = createHash('sha256').update(`${cloudId}\n${identity}`).digest('hex').slice(0, 32);
  return `${cloudId.replace(/[^a-z0-9-]/gi, '_')}-${hash}.json`;
}

export function serializeListing(listing: CachedListing): string {
  return JSON.stringify({
    version: LISTING_CACHE_VERSION,
    time: listing.time,
    regions: listing.regions.map((r) => ({ id: r.id, name: r.name })),
    keyPairs: [...listing.keyPairs].map(([region, list]) => [
      region,
      list.map((k) => ({
        id: k.id,
        name: k.name,
        region: k.region,
        publicKey: k.publicKey,
        sha256: k.sha256,
        blobBase64: k.blobBase64,
        createdTime: k.createdTime,
        description: k.description,
        associatedInstanceIds: k.associatedInstanceIds,
        projectId: k.projectId,
        cloudFingerprint: k.cloudFingerprint,
        cloudKeyPairId: k.cloudKeyPairId,
      })),
    ]),
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function text(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}
function optionalText(v: unknown, max: number): string | undefined | false {
  if (v === undefined || v === null) return undefined;
  return text(v, max) ?? false;
}

function keyPairFrom(v: unknown): KeyPair | undefined {
  if (!isObject(v)) return undefined;
  const id = text(v.id, 256);
  const name = text(v.name, 256);
  const region = text(v.region, 64);
  const publicKey = text(v.publicKey, 16 * 1024);
  const createdTime = text(v.createdTime, 64);
  const description = text(v.description, 4096);
  const projectId = text(v.projectId, 256);
  const ids = v.associatedInstanceIds;
  if (!id || name === undefined || region === undefined || publicKey === undefined || createdTime === undefined || description === undefined || projectId === undefined) return undefined;
  if (!Array.isArray(ids) || ids.length > 10_000 || !ids.every((i) => text(i, 256) !== undefined)) return undefined;
  const fields = [optionalText(v.sha256, 64), optionalText(v.blobBase64, 16 * 1024), optionalText(v.cloudFingerprint, 256), optionalText(v.cloudKeyPairId, 256)];
  if (fields.includes(false)) return undefined;
  const [sha256, blobBase64, cloudFingerprint, cloudKeyPairId] = fields as Array<string | undefined>;
  // What matches local keys must be the key the line holds, and the fingerprint one we would compute.
  if (blobBase64 !== undefined && publicKey.trim().split(/\s+/)[1] !== blobBase64) return undefined;
  if (sha256 !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(sha256)) return undefined;
  const keyPair: KeyPair = { id, name, region, publicKey, createdTime, description, associatedInstanceIds: [...ids] as string[], projectId };
  for (const [key, value] of Object.entries({ sha256, blobBase64, cloudFingerprint, cloudKeyPairId })) if (value !== undefined) (keyPair as unknown as Record<string, string>)[key] = value;
  return keyPair;
}

/** The listing a cache file holds, or undefined when it is not one (wrong version, types or sizes): then it is ignored. */
export function parseListing(json: string): CachedListing | undefined {
  if (json.length > MAX_CACHE_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.version !== LISTING_CACHE_VERSION) return undefined;
  const { time, regions, keyPairs } = value;
  if (typeof time !== 'number' || !Number.isFinite(time) || time <= 0) return undefined;
  if (!Array.isArray(regions) || regions.length > MAX_REGIONS || !Array.isArray(keyPairs) || keyPairs.length > MAX_REGIONS + 1) return undefined;
  const parsedRegions: CloudRegion[] = [];
  for (const r of regions) {
    const id = isObject(r) ? text(r.id, 64) : undefined;
    const name = isObject(r) ? text(r.name, 256) : undefined;
    if (!id || name === undefined) return undefined;
    parsedRegions.push({ id, name, available: true });
  }
  const map = new Map<string, KeyPair[]>();
  let count = 0;
  for (const entry of keyPairs) {
    if (!Array.isArray(entry) || entry.length !== 2 || text(entry[0], 64) === undefined || !Array.isArray(entry[1])) return undefined;
    count += entry[1].length;
    if (count > MAX_KEY_PAIRS) return undefined;
    const list: KeyPair[] = [];
    for (const k of entry[1] as unknown[]) {
      const keyPair = keyPairFrom(k);
      if (!keyPair) return undefined;
      list.push(keyPair);
    }
    map.set(entry[0] as string, list);
  }
  return { time, regions: parsedRegions, keyPairs: map };
}

/**
 * When a listing was made, in local time: "14:05" today, "2026-12-02 14:05" before (`withDate`:
 * always the date). Without Intl: its first use loads locale data, tens of ms of the first paint.
 */
export function listingTimeText(time: number, now = Date.now(), { withDate = false } = {}): string {
  const at = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(at.getHours())}:${two(at.getMinutes())}`;
  if (!withDate && at.toDateString() === new Date(now).toDateString()) return clock;
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${clock}`;
}

/** Reads and checks a cache file; undefined when it is missing, too large or not valid. */
export async function readListing(file: string): Promise<CachedListing | undefined> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile() || stat.size > MAX_CACHE_BYTES) return undefined;
    return parseListing(await fs.promises.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The same, read at once: the first paint after a reload reads here, while the key scan of
 * activation fills libuv's thread pool with hundreds of reads that an asynchronous read would queue behind.
 */
export function readListingSync(file: string): CachedListing | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_CACHE_BYTES) return undefined;
    return parseListing(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether `name` can be a listing's file name (as listingFileName makes them): a remembered name never leaves the folder. */
export function isListingFileName(cloudId: string | undefined, name: string): boolean {
  return (cloudId === undefined || name.startsWith(`${cloudId.replace(/[^a-z0-9-]/gi, '_')}-`)) && /^[A-Za-z0-9_-]+-[0-9a-f]{32}\.json$/.test(name);
}

/** The file naming each cloud's last kept listing, beside them. */
export const KEPT_INDEX_FILE = 'kept.json';

/** An account's last kept listing: its file (a name, no path) and where the credentials came from then (`secrets`, `environment`…). */
export interface KeptListing {
  file: string;
  source: string;
}

/**
 * Which listing each account (by its id, `tencent`, `tencent#work`) kept last; entries that are not
 * valid are left out (given `cloudOf`: a file not named as that cloud's listing). Read at once, as readListingSync.
 */
export function readKeptIndex(directory: string, cloudOf?: (accountId: string) => string): Map<string, KeptListing> {
  const index = new Map<string, KeptListing>();
  let value: unknown;
  try {
    const file = path.join(directory, KEPT_INDEX_FILE);
    if (fs.statSync(file).size > 64 * 1024) return index;
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return index;
  }
  if (!isObject(value) || value.version !== LISTING_CACHE_VERSION || !isObject(value.accounts)) return index;
  for (const [accountId, kept] of Object.entries(value.accounts)) {
    if (!isObject(kept) || typeof kept.file !== 'string' || !isListingFileName(cloudOf?.(accountId), kept.file)) continue;
    if (typeof kept.source === 'string' && /^[a-z]{1,32}$/.test(kept.source)) index.set(accountId, { file: kept.file, source: kept.source });
  }
  return index;
}

/** Names (or, undefined, forgets) an account's last kept listing in the index, written whole. */
export async function updateKeptIndex(directory: string, accountId: string, kept: KeptListing | undefined): Promise<void> {
  const index = readKeptIndex(directory);
  if (kept) index.set(accountId, kept);
  else if (!index.delete(accountId)) return;
  await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
  const file = path.join(directory, KEPT_INDEX_FILE);
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(temporary, JSON.stringify({ version: LISTING_CACHE_VERSION, accounts: Object.fromEntries(index) }), { mode: 0o600 });
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}

/** Writes a cache file whole or not at all (a temporary file renamed over it), readable by this user only. */
export async function writeListing(file: string, listing: CachedListing): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(temporary, serializeListing(listing), { mode: 0o600 });
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}
