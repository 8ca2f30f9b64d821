/**
 * "On this day" from a timeline view instead of every asset: the view's day runs (newest first,
 * one per local day) are matched first, and only the assets of matching days are built, so the
 * cost follows the number of days in the library, not the number of photos (≈ 3,600 runs for
 * 100,000 photos over 15 years). The date rules are `onThisDay`'s, applied to the runs and then
 * to their assets (trashed and archived photos are not in the "all" view to begin with).
 *
 *   const memories = onThisDayInView(catalog.view(TimelineFilter.all), localDay(new Date()));
 */
import type { CatalogAsset } from '../../../../protocol/src/index.js';
import type { TimelineView } from '../catalog/timeline-index.js';
import { onThisDay, type LocalDay, type Memory } from './on-this-day.js';

/** Photos shown at most per memory (a day of a few thousand burst shots is still one card). */
export const MAX_MEMORY_ASSETS = 500;

export const onThisDayInView = (view: Pick<TimelineView, 'runs' | 'at'>, today: LocalDay): Memory[] => {
  const days = onThisDay(
    view.runs.map((run) => ({ takenAt: run.day, trashedAt: null, archived: false, run })),
    today,
  );
  const assets: CatalogAsset[] = [];
  for (const { assets: runs } of days) {
    for (const { run } of runs) {
      for (let i = run.start; i < run.start + Math.min(run.count, MAX_MEMORY_ASSETS); i++) {
        const asset = view.at(i);
        if (asset) assets.push(asset);
      }
    }
  }
  return onThisDay(assets, today);
};
