/**
 * "On this day" from a timeline view instead of every asset: the view's day runs (newest first,
 * one per local day) are matched first, and only the assets of matching days are built, so the
 * cost follows the number of days in the library, not the number of photos (≈ 3,600 runs for
 * 100,000 photos over 15 years). The date rules are `onThisDay`'s, applied to the runs and then
 * to their assets (trashed and archived photos are not in the "all" view to begin with).
 * Building an asset reads the CRDT, so at most MEMORY_ASSETS of a year's photos are built (the
 * oldest, where the day began); `count` says how many there are.
 *
 *   const memories = onThisDayInView(catalog.view(TimelineFilter.all), localDay(new Date()));
 */
import type { CatalogAsset } from '../../../../protocol/src/index.js';
import type { TimelineView } from '../catalog/timeline-index.js';
import { onThisDay, type LocalDay, type Memory } from './on-this-day.js';

/** Photos built at most per memory (a day of a few thousand burst shots is still one card). */
export const MEMORY_ASSETS = 50;

export interface ViewMemory extends Memory {
  /** How many photos the year has on this day (`assets` holds the first MEMORY_ASSETS). */
  readonly count: number;
}

export const onThisDayInView = (view: Pick<TimelineView, 'runs' | 'at'>, today: LocalDay): ViewMemory[] => {
  const days = onThisDay(
    view.runs.map((run) => ({ takenAt: run.day, trashedAt: null, archived: false, run })),
    today,
  );
  const assets: CatalogAsset[] = [];
  const counts = new Map<number, number>();
  for (const { year, assets: runs } of days) {
    let left = MEMORY_ASSETS;
    // Days come oldest first; within a day the view is newest first, so its oldest photos are at the end.
    for (const { run } of runs) {
      counts.set(year, (counts.get(year) ?? 0) + run.count);
      for (let i = run.start + run.count - 1; i >= run.start && left > 0; i--, left--) {
        const asset = view.at(i);
        if (asset) assets.push(asset);
      }
    }
  }
  return onThisDay(assets, today).map((m) => ({ ...m, count: counts.get(m.year) ?? m.assets.length }));
};
