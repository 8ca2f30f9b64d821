/**
 * Multi-select over a timeline of any size: the selection is an immutable Set of ids plus the
 * anchor of the last click, so a shift-click selects the range between them in view order.
 * No per-tile state: a tile asks `ids.has(id)`.
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
  const ids = new Set(selection.ids);
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
    return { ids, anchor: id };
  }
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
};

/** Keeps only ids still present (after a trash, a remove from an album, a remote delete). */
export const pruneSelection = (selection: Selection, keep: (id: AssetId) => boolean): Selection => {
  const ids = new Set([...selection.ids].filter(keep));
  return ids.size === selection.ids.size ? selection : { ids, anchor: selection.anchor !== null && ids.has(selection.anchor) ? selection.anchor : null };
};
