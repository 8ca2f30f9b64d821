/**
 * A TimelineView over a given list of assets (a person's photos), so the timeline grid and the
 * viewer's previous/next work on it exactly as on the library: newest first, one run per day.
 *
 *   const view = listView(person.assets.flatMap((id) => catalog.get(id) ?? []));
 *   html`<sbx-timeline-view .view=${view} …></sbx-timeline-view>`
 */
import { dayOf, type AssetId, type CatalogAsset } from '../../../../protocol/src/index.js';
import { TimelineFilter, type DayRun, type TimelineView } from '../catalog/timeline-index.js';

export const listView = (assets: readonly CatalogAsset[]): TimelineView => {
  const order = [...assets].sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : a.id < b.id ? -1 : 1));
  const runs: DayRun[] = [];
  order.forEach((asset, i) => {
    const day = dayOf(asset);
    const last = runs.at(-1);
    if (last?.day === day) runs[runs.length - 1] = { ...last, count: last.count + 1 };
    else runs.push({ day, start: i, count: 1 });
  });
  const position = new Map<AssetId, number>(order.map((a, i) => [a.id, i]));
  return { filter: TimelineFilter.all, count: order.length, runs, at: (i) => order[i], order, position };
};
