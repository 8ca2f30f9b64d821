import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addAssets, addToAlbum, createAlbum, deleteAssetsPermanently, emptyTrash, readAlbum, restoreAssets, setArchived, setFavorite, trashAssets,
  type AssetFacts, type AssetId, type BlobHash,
} from '../../../../protocol/src/index.js';
import { createFactsGenerator, factsOf, syncReplicas } from '../../../../protocol/src/catalog-builders.js';
import { observeCatalog } from './catalog-store.js';
import { TimelineFilter, TimelineIndex } from './timeline-index.js';

let counter = 1;
const facts = (takenAt: string, importedAt: number): AssetFacts => {
  const hash = (0x1000 + counter++).toString(16).padStart(64, '0') as BlobHash;
  return { ...factsOf(1), hash, name: `${hash.slice(-4)}.jpg`, takenAt, importedAt };
};
const idOf = (f: AssetFacts) => f.hash as string as AssetId;
const setup = (doc = new Y.Doc()) => {
  const index = new TimelineIndex(doc);
  observeCatalog(doc, (ids) => index.refresh(ids));
  return { doc, index };
};
const ids = (index: TimelineIndex, filter: TimelineFilter) => [...index.view(filter).order].map((a) => a.hash);

describe('library views (SPEC AR1, D1–D4)', () => {
  it('[AR1] archived photos leave the timeline and favourites, live in the Archive view, and stay in albums', () => {
    const { doc, index } = setup();
    const [a, b, c] = [facts('2026-01-01T10:00:00', 1), facts('2026-01-02T10:00:00', 2), facts('2026-01-03T10:00:00', 3)];
    addAssets(doc, [a, b, c]);
    const album = createAlbum(doc, 'Trip', 'trip');
    addToAlbum(doc, album, idOf(a));
    setFavorite(doc, idOf(a), true);
    setArchived(doc, idOf(a), true);
    expect(ids(index, TimelineFilter.all)).toEqual([c.hash, b.hash]);
    expect(ids(index, TimelineFilter.favorites)).toEqual([]);
    expect(ids(index, TimelineFilter.archive)).toEqual([a.hash]);
    expect(readAlbum(doc, album)?.assets).toEqual([idOf(a)]);
    expect(index.get(idOf(a))?.archived).toBe(true);
    trashAssets(doc, [idOf(a)], 9); // AR2: trashed shows only in the trash
    expect(ids(index, TimelineFilter.archive)).toEqual([]);
    restoreAssets(doc, [idOf(a)]);
    expect(ids(index, TimelineFilter.archive)).toEqual([a.hash]);
    setArchived(doc, idOf(a), false);
    expect(ids(index, TimelineFilter.all)).toEqual([c.hash, b.hash, a.hash]);
  });

  it('Recently added lists by import time, newest first, in runs by import day', () => {
    const { doc, index } = setup();
    const day = 86_400_000;
    const old = facts('2026-05-01T10:00:00', 10 * day + 5);
    const fresh = facts('2001-01-01T10:00:00', 12 * day + 7);
    const mid = facts('2020-01-01T10:00:00', 10 * day + 9);
    addAssets(doc, [old, fresh, mid]);
    const view = index.view(TimelineFilter.recent);
    expect([...view.order].map((a) => a.hash)).toEqual([fresh.hash, mid.hash, old.hash]);
    expect(view.runs.map((r) => [r.day, r.count])).toEqual([['1970-01-13', 1], ['1970-01-11', 2]]);
    expect(view.idAt?.(0)).toBe(idOf(fresh));
  });

  it('[D4] trash: bulk restore, delete permanently and empty trash, each reflected in every view', () => {
    const { doc, index } = setup();
    const list = Array.from({ length: 6 }, (_, i) => facts(`2026-02-0${i + 1}T10:00:00`, i));
    addAssets(doc, list);
    trashAssets(doc, list.slice(0, 5).map(idOf), 100);
    expect(index.view(TimelineFilter.trash).count).toBe(5);
    restoreAssets(doc, [idOf(list[0]!), idOf(list[1]!)]);
    deleteAssetsPermanently(doc, [idOf(list[2]!)]);
    expect(ids(index, TimelineFilter.trash)).toEqual([list[4]!.hash, list[3]!.hash]);
    expect(emptyTrash(doc)).toBe(2);
    expect(index.view(TimelineFilter.trash).count).toBe(0);
    expect(ids(index, TimelineFilter.all)).toEqual([list[5]!.hash, list[1]!.hash, list[0]!.hash]);
    expect(index.get(idOf(list[3]!))).toBeUndefined();
  });

  it('[D2] an asset deleted on another device leaves every view when the update arrives, also on a cold load of a large catalog', () => {
    const a = new Y.Doc();
    const gen = createFactsGenerator(7);
    addAssets(a, Array.from({ length: 10_050 }, () => gen.next()));
    const { doc: b, index } = setup(new Y.Doc());
    syncReplicas(a, b);
    const victim = index.view(TimelineFilter.all).idAt!(3)!;
    setFavorite(b, victim, true); // offline edit on b
    deleteAssetsPermanently(a, [victim]);
    syncReplicas(a, b);
    for (const f of Object.values(TimelineFilter)) expect(index.view(f).position.get(victim)).toBeUndefined();
    expect(index.view(TimelineFilter.all).count).toBe(10_049);
    const cold = setup(b).index; // the bulk path of a cold load
    expect(cold.view(TimelineFilter.all).count).toBe(10_049);
    expect(cold.view(TimelineFilter.favorites).count).toBe(0);
    expect(cold.view(TimelineFilter.recent).position.get(victim)).toBeUndefined();
  });
});
