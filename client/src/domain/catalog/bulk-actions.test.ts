import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAssets, getAsset, listTags, readStacks, type AssetId } from '../../../../protocol/src/index.js';
import { createFactsGenerator } from '../../../../protocol/src/catalog-builders.js';
import { applyBulk, LibraryAction, type LibraryEdit } from './bulk-actions.js';

const library = (n: number) => {
  const doc = new Y.Doc();
  const gen = createFactsGenerator(3);
  const ids = Array.from({ length: n }, () => gen.next().hash as string as AssetId);
  const g2 = createFactsGenerator(3);
  addAssets(doc, Array.from({ length: n }, () => g2.next()));
  return { doc, ids };
};
const immediate = () => Promise.resolve();

describe('applyBulk', () => {
  it('writes every action on the whole selection', async () => {
    const { doc, ids } = library(300);
    const cases: [LibraryEdit, (id: AssetId) => unknown, unknown][] = [
      [{ kind: LibraryAction.favorite }, (id) => getAsset(doc, id)?.favorite, true],
      [{ kind: LibraryAction.archive }, (id) => getAsset(doc, id)?.archived, true],
      [{ kind: LibraryAction.rate, rating: 3 }, (id) => getAsset(doc, id)?.rating, 3],
      [{ kind: LibraryAction.tag, tag: 'Trip/Rome' }, (id) => getAsset(doc, id)?.tags, ['Trip/Rome']],
      [{ kind: LibraryAction.trash }, (id) => getAsset(doc, id)?.trashedAt !== null, true],
      [{ kind: LibraryAction.restore }, (id) => getAsset(doc, id)?.trashedAt, null],
      [{ kind: LibraryAction.unarchive }, (id) => getAsset(doc, id)?.archived, false],
    ];
    for (const [edit, read, want] of cases) {
      await applyBulk(doc, ids, edit, { pause: immediate });
      for (const id of [ids[0]!, ids[150]!, ids[299]!]) expect(read(id)).toEqual(want);
    }
    expect(listTags(doc)).toEqual([{ tag: 'Trip', count: 300, direct: 0 }, { tag: 'Trip/Rome', count: 300, direct: 300 }]);
    await applyBulk(doc, ids.slice(0, 10), { kind: LibraryAction.deletePermanently }, { pause: immediate });
    expect(getAsset(doc, ids[0]!)).toBeUndefined();
    expect(readStacks(doc).size).toBe(0);
  });

  it('sizes chunks from their cost so none runs past the budget, and gives the thread back between them', async () => {
    const { doc, ids } = library(5000);
    let clock = 0;
    let pauses = 0;
    // A fake clock: every write of an asset costs 0.05 ms, so 30 ms hold 600 of them.
    doc.on('afterTransaction', (tr: Y.Transaction) => (clock += 0.05 * ([...tr.changed].find(([type]) => (type as unknown) === doc.getMap('favorite'))?.[1].size ?? 0)));
    const sizes: number[] = [];
    let last = 0;
    const report = await applyBulk(doc, ids, { kind: LibraryAction.favorite }, {
      budgetMs: 30, now: () => clock, pause: async () => void pauses++, progress: (done) => { sizes.push(done - last); last = done; },
    });
    expect(report.count).toBe(5000);
    expect(report.maxChunkMs).toBeLessThanOrEqual(30);
    expect(sizes[0]).toBe(500);
    expect(sizes.slice(1, -1).every((s) => s === 300)).toBe(true); // half the budget at 0.05 ms an asset
    expect(pauses).toBe(report.chunks - 1);
    expect(ids.every((id) => getAsset(doc, id)?.favorite)).toBe(true);
  });
});
