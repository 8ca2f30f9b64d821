import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAsset, addAssets, setArchived, setFavorite, setTakenOverride, trashAsset, writeExtracted, type AssetFacts, type AssetId, type BlobHash } from '../../../../protocol/src/index.js';
import { createFactsGenerator, factsOf } from '../../../../protocol/src/catalog-builders.js';
import { createRandom } from '../../../../protocol/src/random.js';
import { observeCatalog } from './catalog-store.js';
import { TimelineFilter, TimelineIndex, sortAdaptive } from './timeline-index.js';

let counter = 1;
const facts = (takenAt: string, over: Partial<AssetFacts> = {}): AssetFacts => {
  const hash = (counter++).toString(16).padStart(64, '0') as BlobHash;
  return { ...factsOf(1), hash, name: `${hash.slice(-4)}.jpg`, takenAt, ...over };
};
const idOf = (f: AssetFacts) => f.hash as string as AssetId;

const setup = () => {
  const doc = new Y.Doc();
  const index = new TimelineIndex(doc);
  observeCatalog(doc, (ids) => index.refresh(ids));
  return { doc, index };
};
const ids = (index: TimelineIndex, filter: TimelineFilter = TimelineFilter.all) => [...index.view(filter).order].map((a) => a.hash);

describe('TimelineIndex', () => {
  it('groups by day, newest day first, newest first within a day', () => {
    const { doc, index } = setup();
    const a = facts('2026-03-14T09:00:00');
    const b = facts('2026-03-14T18:30:00');
    const c = facts('2025-12-31T23:59:59');
    const d = facts('2026-03-15T00:00:01');
    for (const f of [a, b, c, d]) addAsset(doc, f);
    const view = index.view(TimelineFilter.all);
    expect(view.runs.map((r) => [r.day, r.start, r.count])).toEqual([['2026-03-15', 0, 1], ['2026-03-14', 1, 2], ['2025-12-31', 3, 1]]);
    expect(ids(index)).toEqual([d.hash, b.hash, a.hash, c.hash]);
    expect(view.position.get(idOf(a))).toBe(2);
    expect(view.order.length).toBe(4);
    expect(view.order[1]?.hash).toBe(b.hash);
  });

  it('filters favourites, trash and archive and updates incrementally', () => {
    const { doc, index } = setup();
    const a = facts('2026-01-01T10:00:00');
    const b = facts('2026-01-02T10:00:00');
    const c = facts('2026-01-03T10:00:00');
    addAssets(doc, [a, b, c]);
    setFavorite(doc, idOf(a), true);
    expect(ids(index, TimelineFilter.favorites)).toEqual([a.hash]);
    trashAsset(doc, idOf(a), 5);
    setArchived(doc, idOf(c), true);
    expect(ids(index)).toEqual([b.hash]);
    expect(index.view(TimelineFilter.favorites).count).toBe(0);
    expect(index.view(TimelineFilter.trash).at(0)?.trashedAt).toBe(5);
  });

  it('caches a view until something changes; a date override moves an asset', () => {
    const { doc, index } = setup();
    const a = facts('2026-01-01T10:00:00');
    const b = facts('2026-01-02T10:00:00');
    addAssets(doc, [a, b]);
    const first = index.view(TimelineFilter.all);
    expect(index.view(TimelineFilter.all)).toBe(first);
    setTakenOverride(doc, idOf(a), { takenAt: '2027-01-01T00:00:00', utcOffset: null });
    expect(index.view(TimelineFilter.all)).not.toBe(first);
    expect(ids(index)).toEqual([a.hash, b.hash]);
    expect(index.view(TimelineFilter.all).runs[0]?.day).toBe('2027-01-01');
  });

  it('matches a fresh index after remote updates, one call per transaction, with ties by hash', () => {
    const remote = new Y.Doc();
    const gen = createFactsGenerator(5);
    const all = Array.from({ length: 3000 }, () => gen.next());
    all.push({ ...all[0]!, hash: 'f'.repeat(64) as BlobHash }, { ...all[0]!, hash: '0'.repeat(63).concat('1') as BlobHash });
    addAssets(remote, all.slice(0, 1500));
    const { doc, index } = setup();
    let calls = 0;
    observeCatalog(doc, () => calls++);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote));
    expect(calls).toBe(1);
    addAssets(doc, all.slice(1500));
    const fresh = new TimelineIndex(doc);
    expect(ids(index)).toEqual(ids(fresh));
    const sorted = [...all].sort((x, y) => (x.takenAt < y.takenAt ? 1 : x.takenAt > y.takenAt ? -1 : x.hash < y.hash ? -1 : 1)).map((f) => f.hash);
    expect(ids(fresh)).toEqual(sorted);
    expect(index.size).toBe(3002);
  });
});

describe('sortAdaptive', () => {
  it('sorts ordered, reversed and shuffled input like a full sort', () => {
    const rand = createRandom(9);
    const keys = Float64Array.from({ length: 5000 }, () => Math.floor(rand() * 800));
    const compare = (a: number, b: number): number => keys[b]! - keys[a]! || a - b;
    const expected = Int32Array.from(keys.keys()).sort(compare);
    const inputs = [Int32Array.from(expected), Int32Array.from(expected).reverse(), Int32Array.from(keys.keys()), Int32Array.from(expected)];
    inputs[3]![10] = expected[11]!;
    inputs[3]![11] = expected[10]!;
    for (const input of inputs) {
      sortAdaptive(input, compare);
      expect(Array.from(input)).toEqual(Array.from(expected));
    }
  });

  it('[X1] orders by the server-extracted date (ExifTool) over the import-time one; an override still wins', () => {
    const { doc, index } = setup();
    const a = facts('2026-03-14T09:00:00');
    const b = facts('2026-03-13T09:00:00');
    for (const f of [a, b]) addAsset(doc, f);
    expect(ids(index)).toEqual([a.hash, b.hash]);
    writeExtracted(doc, [{ hash: b.hash, takenAt: '2026-03-15T08:00:00', utcOffset: 60 }]);
    expect(ids(index)).toEqual([b.hash, a.hash]);
    expect(index.view(TimelineFilter.all).runs[0]?.day).toBe('2026-03-15');
    expect(index.view(TimelineFilter.all).at(0)?.takenAt).toBe('2026-03-15T08:00:00');
    setTakenOverride(doc, idOf(b), { takenAt: '2020-01-01T00:00:00', utcOffset: null });
    expect(ids(index)).toEqual([a.hash, b.hash]);
    // A fresh index (cold load) reads the extracted dates too.
    const cold = new TimelineIndex(doc);
    setTakenOverride(doc, idOf(b), null);
    cold.refresh([idOf(b)]);
    expect([...cold.view(TimelineFilter.all).order].map((x) => x.hash)).toEqual([b.hash, a.hash]);
  });
});
