import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KeyPair } from '../../src/cloud/provider';
import {
  type CachedListing, KEPT_INDEX_FILE, MAX_CACHE_BYTES, listingFileName, listingTimeText, parseListing, readKeptIndex, readListing, readListingSync, serializeListing, updateKeptIndex, writeListing,
} from '../../src/views/cloud-listing-cache';
import { cachedAt, localTime, regionDisplayName } from '../../src/views/cloud-text';

const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIOmvl0nJVnUu1hu4b1FB5TBf4tGzcBkVPmeSJtvmOBGW';
const keyPair = (over: Partial<KeyPair> = {}): KeyPair => ({
  id: 'skey-abcd1234', name: 'laptop', region: 'ap-guangzhou', publicKey: `ssh-ed25519 ${BLOB} laptop`, blobBase64: BLOB,
  sha256: `SHA256:${'A'.repeat(43)}`, createdTime: '2024-05-01T08:00:00Z', description: '', associatedInstanceIds: [], projectId: '0', ...over,
});
const listing = (keyPairs = [keyPair()]): CachedListing => ({ time: 1_700_000_000_000, regions: [{ id: 'ap-guangzhou', name: 'South China(Guangzhou)', available: true }], keyPairs: new Map([['ap-guangzhou', keyPairs]]) });

describe('the cached Cloud Key Pairs listing', () => {
  it('round-trips a listing', () => {
    const back = parseListing(serializeListing(listing()));
    assert.ok(back);
    assert.equal(back.time, 1_700_000_000_000);
    assert.deepEqual(back.regions, listing().regions);
    assert.deepEqual(back.keyPairs.get('ap-guangzhou'), [keyPair()]);
  });

  it('is refused whole when a field has the wrong type or size, or the version is unknown', () => {
    const good = JSON.parse(serializeListing(listing()));
    const broken = [
      (j: any) => (j.version = 2),
      (j: any) => (j.time = 'yesterday'),
      (j: any) => (j.regions = {}),
      (j: any) => (j.regions[0].id = 7),
      (j: any) => (j.keyPairs[0][1][0].associatedInstanceIds = 'ins-1'),
      (j: any) => (j.keyPairs[0][1][0].name = 'x'.repeat(300)),
      (j: any) => (j.keyPairs[0][1][0].publicKey = 'y'.repeat(17 * 1024)),
      (j: any) => (j.keyPairs[0][1][0].id = ''),
      (j: any) => (j.keyPairs[0][1][0].sha256 = 'SHA256:<script>'),
      // The blob that matches local keys must be the one the line holds.
      (j: any) => (j.keyPairs[0][1][0].blobBase64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOther'),
      (j: any) => (j.keyPairs = [['ap-guangzhou']]),
    ];
    for (const [i, breakIt] of broken.entries()) {
      const j = structuredClone(good);
      breakIt(j);
      assert.equal(parseListing(JSON.stringify(j)), undefined, `case ${i}`);
    }
    for (const text of ['', 'null', '[]', '{', 'x'.repeat(MAX_CACHE_BYTES + 1)]) assert.equal(parseListing(text), undefined);
  });

  it('is named by the cloud and a hash: neither the identity nor any part of it is in the name', () => {
    const name = listingFileName('tencent', 'default\nAKIDsecretIdValue');
    assert.match(name, /^tencent-[0-9a-f]{32}\.json$/);
    assert.ok(!name.includes('AKID'));
    assert.notEqual(listingFileName('tencent', 'default\nA'), listingFileName('tencent', 'default\nB'));
    assert.notEqual(listingFileName('tencent', 'x'), listingFileName('lighthouse', 'x'));
  });

  it('is written whole (readable by the user only) and read back; a missing or oversized file reads as nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-listing-'));
    try {
      const file = path.join(dir, 'sub', 'tencent-x.json');
      await writeListing(file, listing());
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual((await readListing(file))?.keyPairs.get('ap-guangzhou'), [keyPair()]);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['tencent-x.json'], 'a temporary file was left');
      assert.equal(await readListing(path.join(dir, 'none.json')), undefined);
      assert.deepEqual(readListingSync(file)?.keyPairs.get('ap-guangzhou'), [keyPair()]);
      fs.writeFileSync(file, Buffer.alloc(MAX_CACHE_BYTES + 1, 0x20));
      assert.equal(await readListing(file), undefined);
      assert.equal(readListingSync(file), undefined);
      assert.equal(readListingSync(path.join(dir, 'none.json')), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names each cloud\'s last kept listing in an index, and ignores names that would leave the folder or are another cloud\'s', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-kept-'));
    try {
      assert.equal(readKeptIndex(dir).size, 0);
      const tencent = listingFileName('tencent', 'default\nAKID1');
      const alibaba = listingFileName('alibaba', 'default\nLTAI1');
      await updateKeptIndex(dir, 'tencent', { file: tencent, source: 'environment' });
      await updateKeptIndex(dir, 'alibaba', { file: alibaba, source: 'secrets' });
      const cloudOf = (id: string) => id.split(/[#@]/)[0];
      assert.deepEqual([...readKeptIndex(dir, cloudOf)], [['tencent', { file: tencent, source: 'environment' }], ['alibaba', { file: alibaba, source: 'secrets' }]]);
      assert.equal(fs.statSync(path.join(dir, KEPT_INDEX_FILE)).mode & 0o777, 0o600);
      await updateKeptIndex(dir, 'tencent', undefined);
      await updateKeptIndex(dir, 'tencent#work', { file: tencent, source: 'secrets' });
      assert.deepEqual([...readKeptIndex(dir, cloudOf).keys()], ['alibaba', 'tencent#work']);
      assert.deepEqual(fs.readdirSync(dir), [KEPT_INDEX_FILE], 'a temporary file was left');
      const hostile = { version: 1, accounts: { tencent: { file: `../${tencent}`, source: 'secrets' }, lighthouse: { file: alibaba, source: 'secrets' }, alibaba: { file: alibaba, source: 'not a source!' } } };
      fs.writeFileSync(path.join(dir, KEPT_INDEX_FILE), JSON.stringify(hostile));
      assert.equal(readKeptIndex(dir, cloudOf).size, 0);
      fs.writeFileSync(path.join(dir, KEPT_INDEX_FILE), 'not json');
      assert.equal(readKeptIndex(dir).size, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Cloud Key Pairs view text', () => {
  it('spaces region names as the cloud runs them together', () => {
    assert.equal(regionDisplayName('South China(Guangzhou)'), 'South China (Guangzhou)');
    assert.equal(regionDisplayName('East China (Shanghai)'), 'East China (Shanghai)');
    assert.equal(regionDisplayName('Singapore'), 'Singapore');
    assert.equal(regionDisplayName('North America( Silicon Valley )'), 'North America (Silicon Valley)');
  });

  it('shows the cloud\'s UTC times in local time, and anything else as it is', () => {
    const iso = '2024-05-01T08:00:00Z';
    assert.equal(localTime(iso, 'en-US'), new Date(iso).toLocaleString('en-US'));
    assert.notEqual(localTime(iso, 'en-US'), iso);
    assert.equal(localTime('not a time'), 'not a time');
    assert.equal(localTime('2024-13-45T99:00:00Z'), '2024-13-45T99:00:00Z');
    assert.equal(localTime(iso, 'not_a_locale!'), new Date(iso).toLocaleString());
  });

  it('says when a cached listing was made: the time today, the date and time before', () => {
    const now = new Date(2024, 4, 1, 12).getTime();
    assert.equal(cachedAt(now - 60_000, now, 'en-US'), new Date(now - 60_000).toLocaleTimeString('en-US'));
    assert.equal(cachedAt(now - 2 * 86_400_000, now, 'en-US'), new Date(now - 2 * 86_400_000).toLocaleString('en-US'));
  });

  it('says when a cached listing was made without Intl: the time today, the date and time before', () => {
    const now = new Date(2024, 4, 1, 12).getTime();
    assert.equal(listingTimeText(new Date(2024, 4, 1, 9, 5).getTime(), now), '09:05');
    assert.equal(listingTimeText(new Date(2024, 3, 29, 23, 59).getTime(), now), '2024-04-29 23:59');
    assert.equal(listingTimeText(new Date(2024, 4, 1, 9, 5).getTime(), now, { withDate: true }), '2024-05-01 09:05');
  });
});
