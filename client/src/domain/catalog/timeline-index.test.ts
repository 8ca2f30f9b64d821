import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAsset, getAsset, listAssets, setFavorite, trashAsset, type AssetFacts, type AssetId, type BlobHash } from '../../../../protocol/src/index.js';
import { observeCatalog } from './catalog-store.js';
import { TimelineFilter, TimelineIndex } from './timeline-index.js';

let counter = 0;
const facts = (takenAt: string, over: Partial<AssetFacts> = {}): AssetFacts => {
  const hash = (counter++).toString(16).padStart(64, '0') as BlobHash;
  return { hash, kind: 'image', mime: 'image/jpeg', name: `${hash.slice(-4)}.jpg`, size: 1, width: 4, height: 3, orientation: 1, takenAt, utcOffset: null, importedAt: 0, latitude: null, longitude: null, make: null, model: null, duration: null, ...over };
};

const setup = () => {
  const doc = new Y.Doc();
  const index = new TimelineIndex();
  observeCatalog(doc, (ids) => index.apply(ids, (id) => getAsset(doc, id)));
  return { doc, index };
};

describe('TimelineIndex', () => {
  it('groups by day, newest day first, newest first within a day', () => {
    const { doc, index } = setup();
    const a = facts('2026-03-14T09:00:00');
    const b = facts('2026-03-14T18:30:00');
    const c = facts('2025-12-31T23:59:59');
    const d = facts('2026-03-15T00:00:01');
    for (const f of [a, b, c, d]) addAsset(doc, f);
    const view = index.view(TimelineFilter.all);
    expect(view.days.map((day) => day.day)).toEqual(['2026-03-15', '2026-03-14', '2025-12-31']);
    expect(view.days[1]?.assets.map((x) => x.hash)).toEqual([b.hash, a.hash]);
    expect(view.order.map((x) => x.hash)).toEqual([d.hash, b.hash, a.hash, c.hash]);
    expect(view.position.get(a.hash as string as AssetId)).toBe(2);
  });

  it('filters favourites and trash and updates incrementally', () => {
    const { doc, index } = setup();
    const a = facts('2026-01-01T10:00:00');
    const b = facts('2026-01-02T10:00:00');
    addAsset(doc, a);
    addAsset(doc, b);
    const idA = a.hash as string as AssetId;
    setFavorite(doc, idA, true);
    expect(index.view(TimelineFilter.favorites).order.map((x) => x.id)).toEqual([idA]);
    trashAsset(doc, idA, 5);
    expect(index.view(TimelineFilter.all).order.map((x) => x.hash)).toEqual([b.hash]);
    expect(index.view(TimelineFilter.favorites).days).toEqual([]);
    expect(index.view(TimelineFilter.trash).order[0]?.trashedAt).toBe(5);
  });

  it('caches a view until something changes', () => {
    const { doc, index } = setup();
    addAsset(doc, facts('2026-01-01T10:00:00'));
    const first = index.view(TimelineFilter.all);
    expect(index.view(TimelineFilter.all)).toBe(first);
    addAsset(doc, facts('2026-01-01T11:00:00'));
    expect(index.view(TimelineFilter.all)).not.toBe(first);
    expect(index.view(TimelineFilter.all).days[0]?.assets).toHaveLength(2);
  });

  it('matches a full reload after applying remote updates (one call per transaction)', () => {
    const remote = new Y.Doc();
    for (let i = 0; i < 50; i++) addAsset(remote, facts(`2026-02-${String((i % 28) + 1).padStart(2, '0')}T10:00:00`));
    const { doc, index } = setup();
    let calls = 0;
    observeCatalog(doc, () => calls++);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote));
    expect(calls).toBe(1);
    const fresh = new TimelineIndex();
    fresh.load(listAssets(doc));
    expect(index.view(TimelineFilter.all).order.map((x) => x.id)).toEqual(fresh.view(TimelineFilter.all).order.map((x) => x.id));
    expect(index.size).toBe(50);
  });
});
