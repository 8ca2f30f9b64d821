import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BULK_ADDED,
  CATALOG_SCHEMA_VERSION,
  addAsset,
  addAssets,
  factsIndex,
  observeAssets,
  catalogMaps,
  compareTakenDesc,
  dayOf,
  getAsset,
  initCatalog,
  listAssets,
  restoreAsset,
  setFavorite,
  trashAsset,
  type AssetFacts,
} from './catalog.js';
import { factsOf } from './catalog-builders.js';
import { assetIdOf } from './ids.js';

const facts = (n: number, takenAt = `2024-05-${String(10 + n).padStart(2, '0')}T12:00:00`): AssetFacts => factsOf(n, { takenAt });

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('catalog schema (v1 behaviours kept by v2)', () => {
  it('stamps the schema version and refuses a newer catalog', () => {
    const doc = new Y.Doc();
    initCatalog(doc);
    expect(catalogMaps(doc).meta.get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
    catalogMaps(doc).meta.set('schemaVersion', CATALOG_SCHEMA_VERSION + 1);
    expect(() => initCatalog(doc)).toThrow(/newer/);
  });

  it('the same photo imported offline on two devices is one asset', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    expect(addAsset(a, facts(1))).toBe(true);
    expect(addAsset(b, facts(1))).toBe(true);
    sync(a, b);
    expect(listAssets(a)).toHaveLength(1);
    expect(listAssets(b)).toEqual(listAssets(a));
    expect(addAsset(a, facts(1))).toBe(false);
  });

  it('favourites on one device and trash on another both survive a merge', () => {
    const a = new Y.Doc();
    addAsset(a, facts(1));
    addAsset(a, facts(2));
    const b = new Y.Doc();
    sync(a, b);
    const one = assetIdOf(facts(1).hash);
    const two = assetIdOf(facts(2).hash);
    setFavorite(a, one, true);
    trashAsset(b, two, 5);
    sync(a, b);
    for (const doc of [a, b]) {
      expect(getAsset(doc, one)).toMatchObject({ favorite: true, trashedAt: null });
      expect(getAsset(doc, two)).toMatchObject({ favorite: false, trashedAt: 5 });
    }
    restoreAsset(a, two);
    setFavorite(b, one, false);
    sync(a, b);
    expect(getAsset(b, two)?.trashedAt).toBeNull();
    expect(getAsset(a, one)?.favorite).toBe(false);
  });

  it('orders newest first with a stable tie-break and buckets by local day', () => {
    const list = [facts(1), facts(3), facts(2, facts(3).takenAt)].sort(compareTakenDesc);
    expect(list.map((f) => f.name)).toEqual(['IMG_2.jpg', 'IMG_3.jpg', 'IMG_1.jpg']);
    expect(dayOf(facts(3))).toBe('2024-05-13');
  });
});

describe('observeAssets', () => {
  it('reports new and re-chosen assets as ids, and a bulk load as a count with an index sized once', () => {
    const source = new Y.Doc();
    addAssets(source, Array.from({ length: BULK_ADDED + 5 }, (_, i) => factsOf(i + 1)));
    const doc = new Y.Doc();
    factsIndex(doc);
    const calls: [number, number][] = [];
    const seen: string[][] = [];
    observeAssets(doc, (ids, bulk) => {
      calls.push([ids.size, bulk]);
      seen.push([...ids]);
    });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
    expect(calls).toEqual([[0, BULK_ADDED + 5]]);
    expect(factsIndex(doc).size).toBe(BULK_ADDED + 5);
    addAsset(doc, factsOf(BULK_ADDED + 100));
    // The same photo imported earlier elsewhere is re-chosen (F2): reported by id.
    const other = new Y.Doc();
    addAsset(other, factsOf(3, { importedAt: 1 }));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    expect(calls.slice(1)).toEqual([[1, 0], [1, 0]]);
    expect(seen[1]).toEqual([assetIdOf(factsOf(BULK_ADDED + 100).hash)]);
    expect(seen[2]).toEqual([assetIdOf(factsOf(3).hash)]);
    expect(getAsset(doc, assetIdOf(factsOf(3).hash))?.importedAt).toBe(1);
  });
});
