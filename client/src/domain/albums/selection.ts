/**
 * Multi-select over a timeline of any size: the selection is a set of ids plus the anchor of
 * the last click, so a shift-click selects the range between them in view order. No per-tile
 * state: a tile asks `ids.has(id)`. A click costs O(1) whatever the size: each new Selection
 * gets a new `ids` object (so lit sees a change) over the same backing Set, which only the
 * newest Selection may change (deriving from an older one throws).
 *
 *   let s = emptySelection; s = selectClick(s, id, { range: false, position: view.position, at: (i) => view.at(i)?.id });
 *   s.ids.size // how many are selected
 */
import type { AssetId } from '../../../../protocol/src/index.js';

/** What the selection bar offers. */
export const SelectionAction = {
  clear: 'clear', addToAlbum: 'add-to-album', favorite: 'favorite', trash: 'trash', setCover: 'set-cover', removeFromAlbum: 'remove-from-album',
} as const;
export type SelectionAction = (typeof SelectionAction)[keyof typeof SelectionAction];

/** The "Add to album" dialog's answer: an existing album, or the name of a new one. */
export type AlbumPick = { readonly album: string } | { readonly name: string };

/** The ids of one Selection: a read-only view of a backing Set that later clicks change in place. */
export class SelectedIds implements ReadonlySet<AssetId> {
  constructor(private readonly backing: { readonly set: Set<AssetId>; version: number }, readonly version: number) {}

  /** The backing set, for the newest selection only (O(1) edits). */
  claim(): { set: Set<AssetId>; next: () => SelectedIds } | null {
    if (this.backing.version !== this.version) return null;
    return { set: this.backing.set, next: () => new SelectedIds(this.backing, ++this.backing.version) };
  }

  static of(ids: Iterable<AssetId>): SelectedIds {
    return new SelectedIds({ set: new Set(ids), version: 0 }, 0);
  }

  get size(): number { return this.backing.set.size; }
  has(id: AssetId): boolean { return this.backing.set.has(id); }
  forEach(fn: (value: AssetId, key: AssetId, set: ReadonlySet<AssetId>) => void): void { this.backing.set.forEach((v) => fn(v, v, this)); }
  entries(): SetIterator<[AssetId, AssetId]> { return this.backing.set.entries(); }
  keys(): SetIterator<AssetId> { return this.backing.set.keys(); }
  values(): SetIterator<AssetId> { return this.backing.set.values(); }
  [Symbol.iterator](): SetIterator<AssetId> { return this.backing.set.values(); }
}

export interface Selection {
  readonly ids: ReadonlySet<AssetId>;
  /** The last id clicked without shift: one end of the next shift-click range. */
  readonly anchor: AssetId | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null };

export interface SelectOrder {
  /** The view position of an id, if it is in the view. */
  readonly position: { get(id: AssetId): number | undefined };
  /** The id at a view position. */
  at(position: number): AssetId | undefined;
}

/** Largest range a shift-click selects at once (a million-photo range would stall the tab). */
export const MAX_RANGE = 50_000;

/**
 * A click on a tile's checkbox (or on a tile while selecting): toggles it; with `range`, selects
 * everything between the anchor and it instead (Immich's shift-click).
 */
export const selectClick = (selection: Selection, id: AssetId, options: SelectOrder & { readonly range: boolean }): Selection => {
  const { set: ids, next } = editable(selection);
  // Positions only for a range: on a big timeline the first lookup builds the position index.
  const from = options.range && selection.anchor !== null ? options.position.get(selection.anchor) : undefined;
  const to = from === undefined ? undefined : options.position.get(id);
  if (from !== undefined && to !== undefined) {
    const lo = Math.min(from, to);
    const hi = Math.min(Math.max(from, to), lo + MAX_RANGE - 1);
    for (let i = lo; i <= hi; i++) {
      const at = options.at(i);
      if (at !== undefined) ids.add(at);
    }
    return { ids: next(), anchor: id };
  }
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids: next(), anchor: id };
};

/** The selection's backing set to change in place, or a copy when it is not one of ours (emptySelection, a literal). */
const editable = (selection: Selection): { set: Set<AssetId>; next: () => SelectedIds } => {
  if (selection.ids instanceof SelectedIds) {
    const claimed = selection.ids.claim();
    if (!claimed) throw new Error('selection: a newer selection was already made from this one');
    return claimed;
  }
  const fresh = SelectedIds.of(selection.ids);
  return fresh.claim()!;
};

/** Selects every id of a view (select all), capped like a range. */
export const selectAll = (count: number, at: (position: number) => AssetId | undefined, limit = Number.POSITIVE_INFINITY): Selection => {
  const set = new Set<AssetId>();
  for (let i = 0; i < Math.min(count, limit); i++) {
    const id = at(i);
    if (id !== undefined) set.add(id);
  }
  return { ids: new SelectedIds({ set, version: 0 }, 0), anchor: null };
};

/** Keeps only ids still present (after a trash, a remove from an album, a remote delete). */
export const pruneSelection = (selection: Selection, keep: (id: AssetId) => boolean): Selection => {
  const ids = new Set([...selection.ids].filter(keep));
  return ids.size === selection.ids.size ? selection : { ids: SelectedIds.of(ids), anchor: selection.anchor !== null && ids.has(selection.anchor) ? selection.anchor : null };
};
