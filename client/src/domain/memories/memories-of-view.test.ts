import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAssets, listAssets, trashAsset, type AssetFacts } from '../../../../protocol/src/index.js';
import { createFactsGenerator } from '../../../../protocol/src/catalog-builders.js';
import { TimelineFilter, TimelineIndex } from '../catalog/timeline-index.js';
import { MEMORY_ASSETS, onThisDayInView } from './memories-of-view.js';
import { onThisDay } from './on-this-day.js';

const COUNT = 100_000;

describe('on this day from the timeline view', () => {
  it(`matches onThisDay over every asset at ${COUNT.toLocaleString('en')} photos, many times faster`, () => {
    const doc = new Y.Doc();
    const generator = createFactsGenerator(11, { assets: COUNT });
    const facts: AssetFacts[] = Array.from({ length: COUNT }, () => generator.next());
    addAssets(doc, facts);
    // One photo of a matching day in the trash: neither way shows it.
    const trashed = facts.find((f) => f.takenAt.slice(5, 10) === '06-01' && f.takenAt < '2025')!;
    const all = listAssets(doc);
    trashAsset(doc, all.find((a) => a.hash === trashed.hash)!.id, 1);
    const index = new TimelineIndex(doc);
    const view = index.view(TimelineFilter.all);
    const today = { year: 2026, month: 6, day: 1 }; // a fixed clock: the generated library runs back from June 2026

    let started = performance.now();
    const fast = onThisDayInView(view, today);
    const viewMs = performance.now() - started;
    const assets = listAssets(doc);
    started = performance.now();
    const full = onThisDay(assets, today);
    const fullMs = performance.now() - started;
    console.log(`on this day at ${COUNT} assets: ${viewMs.toFixed(2)} ms from the view's ${view.runs.length} day runs, ${fullMs.toFixed(2)} ms over every asset`);

    expect(fast.length).toBeGreaterThan(1);
    // The same years and counts; the first MEMORY_ASSETS photos of each, oldest first.
    expect(fast.map((m) => [m.year, m.yearsAgo, m.count, m.assets.map((a) => a.id)])).toEqual(
      full.map((m) => [m.year, m.yearsAgo, m.assets.length, m.assets.slice(0, MEMORY_ASSETS).map((a) => a.id)]),
    );
    expect(full.some((m) => m.assets.length > MEMORY_ASSETS)).toBe(true);
    expect(fast.flatMap((m) => m.assets).some((a) => a.hash === trashed.hash)).toBe(false);
    // Measured against the full pass in the same run, so a busy machine slows both.
    expect(viewMs * 5).toBeLessThan(fullMs);
  }, 120_000);

  it('shows nothing on a day no earlier year has photos of', () => {
    const view = { runs: [{ day: '2020-03-04', start: 0, count: 1 }], at: () => undefined };
    expect(onThisDayInView(view, { year: 2026, month: 3, day: 5 })).toEqual([]);
  });
});
