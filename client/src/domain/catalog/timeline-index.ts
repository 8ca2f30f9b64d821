/**
 * The timeline's index for a catalog of any size: every asset's slot (from the protocol's
 * columnar facts index) in one Int32Array sorted newest first, per-slot flags and effective
 * dates in typed arrays, and views (all / favourites / trash / archive) that are day runs over that
 * order. Assets become objects only when a tile or the viewer asks (`view.at(i)`). Kept up
 * to date incrementally from the ids the catalog observer reports: state changes flip flags,
 * new assets are merged into the order, only a date override re-sorts.
 *
 *   const index = new TimelineIndex(doc); index.refresh(changedIds)
 *   const view = index.view(TimelineFilter.all); view.runs[0]; view.at(0)
 */
import type * as Y from 'yjs';
import { catalogMaps, extractedIndex, factsIndex, getAsset, takenSeconds, takenString, type AssetId, type CatalogAsset, type DocFactsIndex } from '../../../../protocol/src/index.js';

/** Views over the timeline order; archived assets show only in `archive` (SPEC AR1), deleted ones nowhere (D1). */
export const TimelineFilter = { all: 'all', favorites: 'favorites', trash: 'trash', archive: 'archive', recent: 'recent' } as const;
export type TimelineFilter = (typeof TimelineFilter)[keyof typeof TimelineFilter];

/** One day of a view: `count` assets from position `start` of the view's order. */
export interface DayRun {
  /** `YYYY-MM-DD` of the local time taken. */
  readonly day: string;
  readonly start: number;
  readonly count: number;
}

export interface TimelineView {
  readonly filter: TimelineFilter;
  readonly count: number;
  readonly runs: readonly DayRun[];
  /** The asset at a position of the view (built on demand, cached). */
  at(position: number): CatalogAsset | undefined;
  /** Every asset of the view in display order, materialized lazily (for the viewer's previous/next). */
  readonly order: readonly CatalogAsset[];
  /** Position of an asset in `order`. */
  readonly position: { get(id: AssetId): number | undefined };
  /** The id at a position without building the asset (multi-select ranges); absent on small list views. */
  idAt?(position: number): AssetId | undefined;
  /** True for a materialized view read from IndexedDB while the CRDT loads (only its head has assets). */
  readonly materialized?: boolean;
}

const Flag = { favorite: 1, trashed: 2, archived: 4, deleted: 8 } as const;
const DAY = 86_400;

type StateMaps = ReturnType<typeof catalogMaps>;
const flagsOf = (m: StateMaps, id: string): number =>
  (m.favorite.get(id) === true ? Flag.favorite : 0) | (m.trashed.has(id) ? Flag.trashed : 0) |
  (m.archived.get(id) === true ? Flag.archived : 0) | (m.deleted.has(id) ? Flag.deleted : 0);

const matches = (filter: TimelineFilter, flags: number): boolean => {
  if ((flags & Flag.deleted) !== 0) return false;
  switch (filter) {
    case TimelineFilter.all:
    case TimelineFilter.recent:
      return (flags & (Flag.trashed | Flag.archived)) === 0;
    case TimelineFilter.favorites:
      return (flags & (Flag.trashed | Flag.archived)) === 0 && (flags & Flag.favorite) !== 0;
    case TimelineFilter.trash:
      return (flags & Flag.trashed) !== 0;
    case TimelineFilter.archive:
      return (flags & (Flag.trashed | Flag.archived)) === Flag.archived;
  }
};

/**
 * Sorts in place, in O(n) when the input is already in order or in reverse order — the usual
 * case on a cold load: compaction writes chunks oldest first, imports newest first.
 */
export const sortAdaptive = (a: Int32Array, compare: (x: number, y: number) => number): void => {
  let ascending = true;
  let descending = true;
  for (let i = 1; i < a.length && (ascending || descending); i++) {
    const c = compare(a[i - 1]!, a[i]!);
    if (c > 0) ascending = false;
    else if (c < 0) descending = false;
    else ascending = descending = false; // ties: leave the order to sort
  }
  if (ascending) return;
  if (descending) a.reverse();
  else a.sort(compare);
};

export class TimelineIndex {
  /** Bumped on every change; lets callers skip work when nothing moved. */
  version = 0;
  private readonly facts: DocFactsIndex;
  private known = 0;
  private flags = new Uint8Array(0);
  private taken = new Float64Array(0);
  private sorted = new Int32Array(0);
  private readonly views = new Map<TimelineFilter, TimelineView>();
  private readonly assets = new Map<number, CatalogAsset>();

  constructor(private readonly doc: Y.Doc) {
    this.facts = factsIndex(doc);
    this.addNew();
  }

  get size(): number {
    return this.known;
  }

  get(id: AssetId): CatalogAsset | undefined {
    const slot = this.facts.slotOf(id);
    return slot < 0 || slot >= this.known ? undefined : this.assetOf(slot);
  }

  /** Re-reads the given ids (one call per catalog transaction). */
  refresh(ids: Iterable<AssetId>): void {
    const m = catalogMaps(this.doc);
    let resort = false;
    for (const id of ids) {
      const slot = this.facts.slotOf(id);
      if (slot < 0 || slot >= this.known) continue;
      this.assets.delete(slot);
      this.flags[slot] = flagsOf(m, id);
      const taken = this.effectiveTaken(slot, id);
      if (taken !== this.taken[slot]) {
        this.taken[slot] = taken;
        resort = true;
      }
    }
    this.addNew();
    if (resort) this.sorted.sort(this.compare);
    this.views.clear();
    this.version++;
  }

  view(filter: TimelineFilter): TimelineView {
    let view = this.views.get(filter);
    if (!view) this.views.set(filter, (view = this.buildView(filter)));
    return view;
  }

  private readonly compare = (a: number, b: number): number => {
    const d = this.taken[b]! - this.taken[a]!;
    if (d !== 0) return d;
    const x = this.facts.idAt(a);
    const y = this.facts.idAt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

  private effectiveTaken(slot: number, id: AssetId): number {
    const override = catalogMaps(this.doc).takenOverride.get(id);
    if (override) {
      try {
        return takenSeconds(override.takenAt);
      } catch {
        // a malformed override from a peer: show the facts' date
      }
    }
    // The server's ExifTool date replaces the device's import-time one (SPEC X1).
    const extracted = extractedIndex(this.doc).records.get(id)?.takenAt;
    return extracted ? takenSeconds(extracted) : this.facts.taken[slot]!;
  }

  /** Takes in the slots the facts index gained since the last call, merged into the order. */
  private addNew(): void {
    const from = this.known;
    const to = this.facts.size;
    if (to === from) return;
    const flags = new Uint8Array(to);
    flags.set(this.flags);
    const taken = new Float64Array(to);
    taken.set(this.taken);
    taken.set(this.facts.taken.subarray(from, to), from);
    this.flags = flags;
    this.taken = taken;
    this.known = to;
    const m = catalogMaps(this.doc);
    if (to - from > 10_000) {
      // Bulk (a cold load): walk the sparse state maps once instead of looking up every slot.
      const mark = (keys: Iterable<string>, bit: number, when?: (key: string) => boolean) => {
        for (const key of keys) {
          const slot = this.facts.slotOf(key);
          if (slot >= from && (!when || when(key))) flags[slot]! |= bit;
        }
      };
      mark(m.favorite.keys(), Flag.favorite, (k) => m.favorite.get(k) === true);
      mark(m.trashed.keys(), Flag.trashed);
      mark(m.archived.keys(), Flag.archived, (k) => m.archived.get(k) === true);
      mark(m.deleted.keys(), Flag.deleted);
      for (const key of [...m.takenOverride.keys(), ...extractedIndex(this.doc).records.keys()]) {
        const slot = this.facts.slotOf(key);
        if (slot >= from) taken[slot] = this.effectiveTaken(slot, key as AssetId);
      }
    } else {
      for (let slot = from; slot < to; slot++) {
        const id = this.facts.idAt(slot);
        flags[slot] = flagsOf(m, id);
        taken[slot] = this.effectiveTaken(slot, id);
      }
    }
    const fresh = new Int32Array(to - from);
    for (let i = 0; i < fresh.length; i++) fresh[i] = from + i;
    sortAdaptive(fresh, this.compare);
    // Merge two sorted runs: O(n) instead of re-sorting a million for one import.
    const old = this.sorted;
    const merged = new Int32Array(to);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) merged[k++] = this.compare(old[i]!, fresh[j]!) <= 0 ? old[i++]! : fresh[j++]!;
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < fresh.length) merged[k++] = fresh[j++]!;
    this.sorted = merged;
  }

  private assetOf(slot: number): CatalogAsset | undefined {
    let asset = this.assets.get(slot);
    if (!asset) {
      asset = getAsset(this.doc, this.facts.idAt(slot));
      if (!asset) return undefined;
      if (this.assets.size > 5000) this.assets.clear();
      this.assets.set(slot, asset);
    }
    return asset;
  }

  /** Recently added (Immich 3.0): newest import first, in runs by the UTC day of import. */
  private importOrder(): { sorted: Int32Array; dayOf: (slot: number) => number } {
    const sorted = Int32Array.from(this.sorted);
    const imported = (slot: number): number => this.facts.importedAt(slot);
    sorted.sort((a, b) => imported(b) - imported(a) || this.compare(a, b));
    return { sorted, dayOf: (slot) => Math.floor(imported(slot) / 1000 / DAY) };
  }

  private buildView(filter: TimelineFilter): TimelineView {
    const { sorted, dayOf } = filter === TimelineFilter.recent
      ? this.importOrder()
      : { sorted: this.sorted, dayOf: (slot: number) => Math.floor(this.taken[slot]! / DAY) };
    const order = new Int32Array(sorted.length);
    const runs: DayRun[] = [];
    let n = 0;
    let day = NaN;
    let runStart = 0;
    for (let i = 0; i < sorted.length; i++) {
      const slot = sorted[i]!;
      if (!matches(filter, this.flags[slot]!)) continue;
      const d = dayOf(slot);
      if (d !== day) {
        if (n > runStart) runs.push({ day: takenString(day * DAY).slice(0, 10), start: runStart, count: n - runStart });
        day = d;
        runStart = n;
      }
      order[n++] = slot;
    }
    if (n > runStart) runs.push({ day: takenString(day * DAY).slice(0, 10), start: runStart, count: n - runStart });
    const slots = order.subarray(0, n);
    const at = (position: number): CatalogAsset | undefined => (position >= 0 && position < n ? this.assetOf(slots[position]!) : undefined);
    let positions: Map<number, number> | null = null;
    const position = {
      get: (id: AssetId): number | undefined => {
        const slot = this.facts.slotOf(id);
        if (slot < 0) return undefined;
        if (!positions) {
          positions = new Map();
          for (let i = 0; i < n; i++) positions.set(slots[i]!, i);
        }
        return positions.get(slot);
      },
    };
    // An array-like that builds assets on index access, so callers written for arrays work at any size.
    const lazy = new Proxy([] as CatalogAsset[], {
      get: (target, prop, receiver) => {
        if (prop === 'length') return n;
        if (typeof prop === 'string' && /^\d+$/.test(prop)) return at(Number(prop));
        if (prop === Symbol.iterator) return function* () { for (let i = 0; i < n; i++) yield at(i)!; };
        if (prop === 'map') return <U>(fn: (a: CatalogAsset, i: number) => U): U[] => Array.from({ length: n }, (_, i) => fn(at(i)!, i));
        return Reflect.get(target, prop, receiver);
      },
    });
    const idAt = (p: number): AssetId | undefined => (p >= 0 && p < n ? (this.facts.idAt(slots[p]!) as AssetId) : undefined);
    return { filter, count: n, runs, at, order: lazy, position, idAt };
  }
}
