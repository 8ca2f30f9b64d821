/**
 * Hierarchical tags on many assets at once, renaming and deleting a tag everywhere, and the
 * tag tree with counts (SPEC S3, T1–T4). Membership stays the add-wins set of S3 (`tags`:
 * `<asset id>/<tag path>`); a rename rewrites the members it has seen and leaves an alias so a
 * device that tags with the old name, offline, still lands on the new one.
 *
 *   tagAssets(doc, ids, 'Travel/Japan/Kyoto'); renameTag(doc, 'Travel', 'Trips')
 *   listTags(doc)   // [{ tag: 'Trips', count, direct }, { tag: 'Trips/Japan', … }, …]
 */
import type * as Y from 'yjs';
import { catalogMaps, isDeleted, tagKey } from './catalog.js';
import { createTagResolver, isTagUnder, normalizeTag, tagAncestors } from './catalog-tag-path.js';
import type { AssetId } from './ids.js';

/** Tags every asset with `tag` (its current name after renames, T2) in one transaction. */
export const tagAssets = (doc: Y.Doc, ids: Iterable<AssetId>, tag: string): string => {
  const m = catalogMaps(doc);
  const name = createTagResolver(m.tagRenames)(normalizeTag(tag));
  doc.transact(() => {
    for (const id of ids) m.tags.set(tagKey(id, name), true);
  });
  return name;
};

/** Removes `tag` (as shown, after renames) from the assets; a concurrent add survives (S3). */
export const untagAssets = (doc: Y.Doc, ids: Iterable<AssetId>, tag: string): void => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const name = resolve(normalizeTag(tag));
  const wanted = new Set<string>(ids);
  doc.transact(() => {
    for (const key of [...m.tags.keys()]) {
      const cut = key.indexOf('/');
      if (wanted.has(key.slice(0, cut)) && resolve(key.slice(cut + 1)) === name) m.tags.delete(key);
    }
  });
};

/**
 * Renames a tag and everything below it (T2): rewrites the members this device has seen and
 * records `from → to`, so a member added under `from` elsewhere shows under `to`. Renaming to a
 * name that was itself renamed away drops that older alias (the name is in use again).
 */
export const renameTag = (doc: Y.Doc, from: string, to: string): number => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const source = resolve(normalizeTag(from));
  const target = normalizeTag(to);
  if (source === target) return 0;
  if (isTagUnder(target, source)) throw new RangeError('a tag cannot be moved below itself');
  let moved = 0;
  doc.transact(() => {
    for (const key of [...m.tags.keys()]) {
      const cut = key.indexOf('/');
      const tag = resolve(key.slice(cut + 1));
      if (!isTagUnder(tag, source)) continue;
      m.tags.delete(key);
      m.tags.set(`${key.slice(0, cut)}/${target}${tag.slice(source.length)}`, true);
      moved++;
    }
    for (const level of tagAncestors(target)) if (m.tagRenames.has(level)) m.tagRenames.delete(level);
    m.tagRenames.set(source, target);
  });
  return moved;
};

/** Removes a tag and its children from every asset this device has seen (T4; add-wins, S3). */
export const deleteTag = (doc: Y.Doc, tag: string): number => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const root = resolve(normalizeTag(tag));
  let removed = 0;
  doc.transact(() => {
    for (const key of [...m.tags.keys()]) {
      if (!isTagUnder(resolve(key.slice(key.indexOf('/') + 1)), root)) continue;
      m.tags.delete(key);
      removed++;
    }
  });
  return removed;
};

export interface TagNode {
  readonly tag: string;
  /** Assets tagged with it or with a tag below it (Immich's tag page shows these). */
  readonly count: number;
  /** Assets tagged with exactly it. */
  readonly direct: number;
}

/** Every tag in use and its ancestors, sorted by path; deleted assets do not count (D1). */
export const listTags = (doc: Y.Doc): TagNode[] => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const under = new Map<string, Set<string>>();
  const direct = new Map<string, number>();
  for (const key of m.tags.keys()) {
    const cut = key.indexOf('/');
    const id = key.slice(0, cut);
    if (isDeleted(doc, id)) continue;
    const tag = resolve(key.slice(cut + 1));
    direct.set(tag, (direct.get(tag) ?? 0) + 1);
    for (const level of tagAncestors(tag)) {
      let set = under.get(level);
      if (!set) under.set(level, (set = new Set()));
      set.add(id);
    }
  }
  return [...under.entries()]
    .map(([tag, ids]) => ({ tag, count: ids.size, direct: direct.get(tag) ?? 0 }))
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
};

/** Assets tagged `tag` or a tag below it (a tag page), sorted by id. */
export const assetsTagged = (doc: Y.Doc, tag: string): AssetId[] => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const root = resolve(normalizeTag(tag));
  const out = new Set<string>();
  for (const key of m.tags.keys()) {
    const cut = key.indexOf('/');
    const id = key.slice(0, cut);
    if (!out.has(id) && !isDeleted(doc, id) && isTagUnder(resolve(key.slice(cut + 1)), root)) out.add(id);
  }
  return ([...out] as AssetId[]).sort();
};
