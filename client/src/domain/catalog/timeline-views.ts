/**
 * Materialized timeline views in IndexedDB (Dexie), derived from the catalog: per filter, the
 * day buckets with their counts (the whole layout, any library size) and the assets of the
 * first screens. The timeline paints from them while the CRDT is still loading; they are
 * rewritten after changes (debounced, only when the buckets or the head changed) and can be
 * dropped and rebuilt from the CRDT at any time (`clear()`, then the next save).
 *
 *   const views = openTimelineViews(userId); const early = await views.load('all')   // TimelineView | null
 *   views.save('all', () => index.view('all'))        // after the index changed
 */
import { Dexie, type EntityTable } from 'dexie';
import type { AssetId, CatalogAsset, UserId } from '../../../../protocol/src/index.js';
import type { DayRun, TimelineFilter, TimelineView } from './timeline-index.js';

/** Assets kept per view: a few screens of the newest photos. */
export const HEAD_SIZE = 600;
const FORMAT = 1;

export interface TimelineSnapshot {
  readonly filter: TimelineFilter;
  readonly format: number;
  readonly count: number;
  /** Day buckets as parallel arrays (compact for thousands of days). */
  readonly days: readonly string[];
  readonly counts: readonly number[];
  readonly head: readonly CatalogAsset[];
  readonly savedAt: number;
}

export const snapshotOf = (view: TimelineView, now = Date.now()): TimelineSnapshot => {
  const head: CatalogAsset[] = [];
  for (let i = 0; i < Math.min(HEAD_SIZE, view.count); i++) head.push(view.at(i)!);
  return {
    filter: view.filter, format: FORMAT, count: view.count,
    days: view.runs.map((r) => r.day), counts: view.runs.map((r) => r.count), head, savedAt: now,
  };
};

/** A read-only view over a snapshot: positions past the head have no asset yet. */
export const viewOfSnapshot = (s: TimelineSnapshot): TimelineView => {
  const runs: DayRun[] = [];
  let start = 0;
  s.days.forEach((day, i) => {
    const count = s.counts[i] ?? 0;
    runs.push({ day, start, count });
    start += count;
  });
  const at = (i: number): CatalogAsset | undefined => s.head[i];
  const positions = new Map<AssetId, number>(s.head.map((a, i) => [a.id, i]));
  return { filter: s.filter, count: s.count, runs, at, order: s.head, position: { get: (id) => positions.get(id) }, materialized: true };
};

/** Whether a snapshot still matches a view (same buckets and the same head). */
export const sameSnapshot = (a: TimelineSnapshot, b: TimelineSnapshot): boolean =>
  a.count === b.count && a.days.length === b.days.length && a.counts.every((c, i) => c === b.counts[i] && a.days[i] === b.days[i]) &&
  a.head.length === b.head.length && a.head.every((x, i) => JSON.stringify(x) === JSON.stringify(b.head[i]));

type ViewsDb = Dexie & { views: EntityTable<TimelineSnapshot, 'filter'> };

export const timelineViewsDbName = (user: UserId): string => `shoebox-views-${user}`;

export interface TimelineViews {
  load(filter: TimelineFilter): Promise<TimelineView | null>;
  /** Schedules a rewrite of the view's snapshot (debounced; skipped when unchanged). */
  save(filter: TimelineFilter, view: () => TimelineView): void;
  clear(): Promise<void>;
  close(): void;
}

export const openTimelineViews = (user: UserId, debounceMs = 1000): TimelineViews => {
  const db = new Dexie(timelineViewsDbName(user)) as ViewsDb;
  db.version(1).stores({ views: 'filter' });
  const last = new Map<TimelineFilter, TimelineSnapshot>();
  const pending = new Map<TimelineFilter, () => TimelineView>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = async () => {
    timer = null;
    const views = [...pending.values()];
    pending.clear();
    for (const get of views) {
      const view = get();
      const snap = snapshotOf(view);
      const prev = last.get(view.filter);
      if (prev && sameSnapshot(prev, snap)) continue;
      last.set(view.filter, snap);
      await db.views.put(snap).catch((err: unknown) => console.warn('timeline views: save failed', err));
    }
  };
  return {
    async load(filter) {
      try {
        const snap = await db.views.get(filter);
        if (!snap || snap.format !== FORMAT) return null;
        last.set(filter, snap);
        return viewOfSnapshot(snap);
      } catch (err) {
        console.warn('timeline views: load failed; the CRDT will paint', err);
        return null;
      }
    },
    save(filter, view) {
      pending.set(filter, view);
      timer ??= setTimeout(() => void flush(), debounceMs);
    },
    async clear() {
      last.clear();
      await db.views.clear();
    },
    close() {
      if (timer) clearTimeout(timer);
      db.close();
    },
  };
};
