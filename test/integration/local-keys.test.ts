import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, fixture, keygenFingerprint, labelOf, referenceFile, rootItems, setSshDirectories, sorted, tooltipText } from './helpers';

const ALL_MARKERS = ['public only', 'private only', 'passphrase-protected', 'unsafe permissions', 'certificate only', '.pub does not match'];

describe('Local Keys view data for the fixture ~/.ssh', () => {
  before(async () => {
    await setSshDirectories(undefined); // the default, ~/.ssh of the fixture HOME
    await (await api()).localKeys.refresh();
  });

  it('lists exactly the fixture key pairs', async () => {
    const labels = (await rootItems()).map((r) => r.label);
    assert.deepEqual(sorted(labels), sorted(Object.keys(fixture().sshItems)));
  });

  it('does not list the FIFO, known_hosts or config', async () => {
    const labels = (await rootItems()).map((r) => r.label);
    for (const name of fixture().notItems) assert.ok(!labels.includes(name), `${name} is listed`);
  });

  for (const [name, expected] of Object.entries(fixture().sshItems)) {
    describe(name, () => {
      const find = async () => {
        const found = (await rootItems()).find((r) => r.label === name);
        assert.ok(found, `no item ${name}`);
        return found;
      };

      it(`description: type, short fingerprint, comment and markers ${JSON.stringify(expected.markers)}`, async () => {
        const { item } = await find();
        const description = String(item.description ?? '');
        const sha256 = keygenFingerprint(referenceFile(expected), 'sha256');
        assert.ok(description.includes(sha256.slice(0, 'SHA256:'.length + 8)), `description "${description}" lacks the start of ${sha256}`);
        assert.ok(description.includes(expected.comment), `description "${description}" lacks the comment ${expected.comment}`);
        if (expected.typeAndBits) assert.ok(description.startsWith(expected.typeAndBits), `description "${description}" does not start with ${expected.typeAndBits}`);
        for (const marker of ALL_MARKERS) {
          assert.equal(
            description.includes(`[${marker}]`),
            expected.markers.includes(marker),
            `marker [${marker}] ${expected.markers.includes(marker) ? 'missing from' : 'wrongly in'} "${description}"`,
          );
        }
      });

      it('tooltip: full SHA256 and MD5 fingerprints as ssh-keygen prints them, and the file paths', async () => {
        const { item } = await find();
        const tooltip = tooltipText(item);
        const file = referenceFile(expected);
        for (const hash of ['sha256', 'md5'] as const) {
          const fp = keygenFingerprint(file, hash);
          assert.ok(tooltip.includes(fp), `tooltip lacks ${fp}:\n${tooltip}`);
        }
        for (const p of [expected.private, expected.public]) if (p) assert.ok(tooltip.includes(p), `tooltip lacks ${p}:\n${tooltip}`);
        for (const marker of expected.markers) assert.ok(tooltip.includes(marker.replace(/-/g, '\\-')) || tooltip.includes(marker), `tooltip lacks ${marker}`);
      });

      it('children: its private and public key files', async () => {
        const { localKeys } = await api();
        const { node } = await find();
        const children = (await localKeys.getChildren(node)).map((n) => localKeys.getTreeItem(n));
        const files = [expected.private, expected.public].filter((p): p is string => !!p);
        assert.deepEqual(children.map(labelOf), files.map((f) => path.basename(f)));
        assert.deepEqual(
          children.map((c) => c.resourceUri?.fsPath),
          files.map((f) => vscode.Uri.file(f).fsPath),
        );
      });
    });
  }
});
