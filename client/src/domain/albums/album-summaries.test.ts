import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addAsset, addToAlbum, createAlbum, deleteAlbum, readAlbum, setAlbumCover, trashAsset, getAsset,
  type AssetFacts, type AssetId, type BlobHash,
} from '../../../../protocol/src/index.js';
import { factsOf } from '../../../../protocol/src/catalog-builders.js';
import { albumSummaries, newAlbumId, orderedView, summarizeAlbum } from './album-summaries.js';

let counter = 1;
const photo = (doc: Y.Doc, takenAt: string): AssetId => {
  const hash = (counter++).toString(16).padStart(64, '0') as BlobHash;
  const facts: AssetFacts = { ...factsOf(1), hash, name: `${hash.slice(-4)}.jpg`, takenAt };
  addAsset(doc, facts);
  return hash as string as AssetId;
};

describe('album summaries', () => {
  it('count, date range and cover (chosen, else the first member) from the catalog', () => {
    const doc = new Y.Doc();
    const a = photo(doc, '2025-06-01T10:00:00');
    const b = photo(doc, '2024-01-02T10:00:00');
    const c = photo(doc, '2026-03-14T10:00:00');
    const album = createAlbum(doc, 'Trips', newAlbumId(), 1);
    for (const id of [a, b, c]) addToAlbum(doc, album, id);
    const get = (id: AssetId) => getAsset(doc, id);
    let s = summarizeAlbum(readAlbum(doc, album)!, get);
    expect(s).toMatchObject({ name: 'Trips', count: 3, from: '2024-01-02', to: '2026-03-14' });
    expect(s.cover?.id).toBe(a);
    setAlbumCover(doc, album, c);
    expect(summarizeAlbum(readAlbum(doc, album)!, get).cover?.id).toBe(c);
    trashAsset(doc, c, 5);
    s = summarizeAlbum(readAlbum(doc, album)!, get);
    expect(s.count).toBe(2); // a trashed member is not shown, and not the cover
    expect(s.cover?.id).toBe(a);
  });

  it('lists visible albums newest first; a deleted one is gone', () => {
    const doc = new Y.Doc();
    const a = photo(doc, '2025-06-01T10:00:00');
    const old = createAlbum(doc, 'Old', newAlbumId(), 1);
    const recent = createAlbum(doc, 'Recent', newAlbumId(), 2);
    const gone = createAlbum(doc, 'Gone', newAlbumId(), 3);
    addToAlbum(doc, gone, a);
    deleteAlbum(doc, gone);
    expect(albumSummaries(doc, (id) => getAsset(doc, id)).map((s) => s.id)).toEqual([recent, old]);
  });

  it('orderedView keeps album order and groups consecutive days', () => {
    const doc = new Y.Doc();
    const ids = [photo(doc, '2025-06-01T10:00:00'), photo(doc, '2025-06-01T09:00:00'), photo(doc, '2024-01-01T09:00:00'), photo(doc, '2025-06-01T08:00:00')];
    const view = orderedView(ids.map((id) => getAsset(doc, id)!));
    expect(view.order.map((a) => a.id)).toEqual(ids);
    expect(view.runs.map((r) => [r.day, r.start, r.count])).toEqual([['2025-06-01', 0, 2], ['2024-01-01', 2, 1], ['2025-06-01', 3, 1]]);
    expect(view.position.get(ids[2]!)).toBe(2);
  });

  it('album ids are random and valid for the protocol', () => {
    const ids = new Set(Array.from({ length: 200 }, newAlbumId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
