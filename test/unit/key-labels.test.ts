import * as assert from 'node:assert/strict';
import { importedSummary } from '../../src/keys/key-labels';

describe('importedSummary: where a key is imported, short enough for a tree row', () => {
  it('counts the places of each cloud, in the order first seen; one place is just the cloud', () => {
    const places = [
      ...Array.from({ length: 18 }, (_, i) => ({ provider: 'Tencent Cloud', region: `r${i}` })),
      { provider: 'Alibaba Cloud', region: 'cn-hangzhou' },
      { provider: 'Alibaba Cloud', region: 'cn-beijing' },
      { provider: 'Tencent Cloud Lighthouse', region: '' },
    ];
    assert.equal(importedSummary(places), 'Tencent Cloud ×18, Alibaba Cloud ×2, Tencent Cloud Lighthouse');
    assert.ok(importedSummary(places).length < 70);
  });

  it('nothing imported: an empty summary', () => {
    assert.equal(importedSummary([]), '');
  });
});
