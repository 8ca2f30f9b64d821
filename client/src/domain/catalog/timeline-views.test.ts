import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAssets, setFavorite, type AssetId } from '../../../../protocol/src/index.js';
import { createFactsGenerator } from '../../../../protocol/src/catalog-builders.js';
import { TimelineFilter, TimelineIndex } from './timeline-index.js';
import { HEAD_SIZE, sameSnapshot, snapshotOf, viewOfSnapshot } from './timeline-views.js';

describe('materialized timeline views', () => {
  const build = () => {
    const doc = new Y.Doc();
    const gen = createFactsGenerator(9);
    addAssets(doc, Array.from({ length: 2000 }, () => gen.next()));
    return { doc, index: new TimelineIndex(doc) };
  };

  it('a snapshot reproduces the buckets of the whole view and the assets of its head', () => {
    const { index } = build();
    const view = index.view(TimelineFilter.all);
    const snap = viewOfSnapshot(structuredClone(snapshotOf(view)));
    expect(snap.count).toBe(2000);
    expect(snap.runs).toEqual(view.runs);
    expect(snap.at(HEAD_SIZE - 1)).toEqual(view.at(HEAD_SIZE - 1));
    expect(snap.at(HEAD_SIZE)).toBeUndefined();
    expect(snap.position.get(view.at(3)!.id)).toBe(3);
  });

  it('is rewritten only when the buckets or the head change, and rebuilds from the CRDT', () => {
    const { doc, index } = build();
    const first = snapshotOf(index.view(TimelineFilter.all), 1);
    const tail = index.view(TimelineFilter.all).at(1999)!.id as AssetId;
    const head = index.view(TimelineFilter.all).at(0)!.id as AssetId;
    index.refresh([]);
    expect(sameSnapshot(first, snapshotOf(index.view(TimelineFilter.all), 2))).toBe(true);
    setFavorite(doc, tail, true);
    index.refresh([tail]);
    expect(sameSnapshot(first, snapshotOf(index.view(TimelineFilter.all), 3))).toBe(true);
    setFavorite(doc, head, true);
    index.refresh([head]);
    expect(sameSnapshot(first, snapshotOf(index.view(TimelineFilter.all), 4))).toBe(false);
    expect(snapshotOf(new TimelineIndex(doc).view(TimelineFilter.favorites)).count).toBe(2);
  });
});
