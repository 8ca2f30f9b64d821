/**
 * The timeline's in-memory index: assets grouped into day buckets, newest first, kept up
 * to date incrementally from the ids a Y.Doc observer reports. Views (all / favourites /
 * trash) are built lazily and cached until the next change; per-day sort order is cached
 * too, so a change re-sorts only the days it touches. A virtualized grid can lay out from
 * the bucket counts alone.
 *
 *   const index = new TimelineIndex(); index.load(listAssets(doc));
 *   index.apply(changedIds, (id) => getAsset(doc, id)); const { days } = index.view(TimelineFilter.all);
 */
import { compareTakenDesc, dayOf, type AssetId, type CatalogAsset } from '../../../../protocol/src/index.js';

export const TimelineFilter = { all: 'all', favorites: 'favorites', trash: 'trash' } as const;
export type TimelineFilter = (typeof TimelineFilter)[keyof typeof TimelineFilter];

export interface DayBucket {
  /** `YYYY-MM-DD` of the local time taken. */
  readonly day: string;
  readonly assets: readonly CatalogAsset[];
}

export interface TimelineView {
  readonly filter: TimelineFilter;
  readonly days: readonly DayBucket[];
  /** Every asset of the view in display order, for the viewer's previous/next. */
  readonly order: readonly CatalogAsset[];
  /** Position of each asset in `order`. */
  readonly position: ReadonlyMap<AssetId, number>;
}

const matches = (filter: TimelineFilter, asset: CatalogAsset): boolean => {
  switch (filter) {
    case TimelineFilter.all:
      return asset.trashedAt === null;
    case TimelineFilter.favorites:
      return asset.trashedAt === null && asset.favorite;
    case TimelineFilter.trash:
      return asset.trashedAt !== null;
  }
};

export class TimelineIndex {
  private readonly assets = new Map<AssetId, CatalogAsset>();
  private readonly byDay = new Map<string, Set<AssetId>>();
  private readonly sortedDays = new Map<string, CatalogAsset[]>();
  private dayOrder: string[] | null = null;
  private readonly views = new Map<TimelineFilter, TimelineView>();
  /** Bumped on every change; lets callers skip work when nothing moved. */
  version = 0;

  get size(): number {
    return this.assets.size;
  }

  get(id: AssetId): CatalogAsset | undefined {
    return this.assets.get(id);
  }

  load(assets: Iterable<CatalogAsset>): void {
    this.assets.clear();
    this.byDay.clear();
    this.invalidateAll();
    for (const asset of assets) this.insert(asset);
  }

  /** Re-reads the given ids; `read` returns undefined for an id that no longer exists. */
  apply(ids: Iterable<AssetId>, read: (id: AssetId) => CatalogAsset | undefined): void {
    for (const id of ids) {
      this.remove(id);
      const asset = read(id);
      if (asset) this.insert(asset);
    }
    this.views.clear();
    this.version++;
  }

  view(filter: TimelineFilter): TimelineView {
    const cached = this.views.get(filter);
    if (cached) return cached;
    const days: DayBucket[] = [];
    const order: CatalogAsset[] = [];
    const position = new Map<AssetId, number>();
    for (const day of this.orderedDays()) {
      const assets = this.sortedDay(day).filter((a) => matches(filter, a));
      if (assets.length === 0) continue;
      days.push({ day, assets });
      for (const asset of assets) {
        position.set(asset.id, order.length);
        order.push(asset);
      }
    }
    const view: TimelineView = { filter, days, order, position };
    this.views.set(filter, view);
    return view;
  }

  private insert(asset: CatalogAsset): void {
    this.assets.set(asset.id, asset);
    const day = dayOf(asset);
    let ids = this.byDay.get(day);
    if (!ids) {
      ids = new Set();
      this.byDay.set(day, ids);
      this.dayOrder = null;
    }
    ids.add(asset.id);
    this.sortedDays.delete(day);
  }

  private remove(id: AssetId): void {
    const old = this.assets.get(id);
    if (!old) return;
    this.assets.delete(id);
    const day = dayOf(old);
    const ids = this.byDay.get(day);
    ids?.delete(id);
    if (ids?.size === 0) {
      this.byDay.delete(day);
      this.dayOrder = null;
    }
    this.sortedDays.delete(day);
  }

  private orderedDays(): string[] {
    this.dayOrder ??= [...this.byDay.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    return this.dayOrder;
  }

  private sortedDay(day: string): CatalogAsset[] {
    let sorted = this.sortedDays.get(day);
    if (!sorted) {
      sorted = [...(this.byDay.get(day) ?? [])].map((id) => this.assets.get(id) as CatalogAsset).sort(compareTakenDesc);
      this.sortedDays.set(day, sorted);
    }
    return sorted;
  }

  private invalidateAll(): void {
    this.sortedDays.clear();
    this.dayOrder = null;
    this.views.clear();
    this.version++;
  }
}
