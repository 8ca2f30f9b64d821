/**
 * Trash done properly (SPEC D1–D5): bulk restore, delete permanently, empty trash, and the
 * expiry of old trash. Deleting permanently writes a tombstone (`deleted`: asset id → time) that
 * hides the asset everywhere and wins over every concurrent edit, so an offline device's pending
 * rating or restore cannot bring it back; the facts stay (SPEC F1, I4) so such an edit is still
 * recognised as one of a deleted asset. The blob store frees the bytes from `deletedAssets`.
 *
 *   deleteAssetsPermanently(doc, ids); emptyTrash(doc)
 *   purgeExpiredTrash(doc, Date.now(), 30)     // the scheduled job: trashed more than 30 days ago
 */
import * as Y from 'yjs';
import { catalogMaps } from './catalog.js';
import { dropEditsOf } from './catalog-edits.js';
import type { AssetId } from './ids.js';

const DAY_MS = 86_400_000;
/** Default of the "empty trash after" setting, as Immich's. */
export const TRASH_DAYS = 30;

/** Per-asset maps whose entries a permanent deletion drops (what the deleting device has seen). */
const STATE = ['favorite', 'trashed', 'archived', 'rating', 'description', 'takenOverride', 'placeOverride', 'stacks'] as const;

/**
 * Deletes permanently, in one transaction: the tombstones, then the user state, tags, edits and
 * album memberships this device has seen (D1, D3). Returns how many were not deleted before.
 */
export const deleteAssetsPermanently = (doc: Y.Doc, ids: Iterable<AssetId>, at = Date.now()): number => {
  const m = catalogMaps(doc);
  const fresh = new Set<string>();
  for (const id of ids) if (!m.deleted.has(id)) fresh.add(id);
  if (fresh.size === 0) return 0;
  doc.transact(() => {
    for (const id of fresh) {
      m.deleted.set(id, at);
      for (const key of STATE) if (m[key].has(id)) m[key].delete(id);
    }
    if (m.tags.size > 0) for (const key of [...m.tags.keys()]) if (fresh.has(key.slice(0, key.indexOf('/')))) m.tags.delete(key);
    dropEditsOf(doc, fresh);
    for (const items of doc.getMap<Y.Map<number>>('albumItems').values()) {
      if (!(items instanceof Y.Map)) continue;
      for (const id of fresh) if (items.has(id)) items.delete(id);
    }
  });
  return fresh.size;
};

/** Takes assets out of the trash in one transaction (a restore racing a permanent delete loses, D2). */
export const restoreAssets = (doc: Y.Doc, ids: Iterable<AssetId>): void => {
  const { trashed } = catalogMaps(doc);
  doc.transact(() => {
    for (const id of ids) if (trashed.has(id)) trashed.delete(id);
  });
};

/** Moves assets to the trash at `at` in one transaction (S4: trash is a field). */
export const trashAssets = (doc: Y.Doc, ids: Iterable<AssetId>, at = Date.now()): void => {
  const { trashed } = catalogMaps(doc);
  doc.transact(() => {
    for (const id of ids) trashed.set(id, at);
  });
};

/** Deletes permanently every asset in the trash as this device sees it (D4). */
export const emptyTrash = (doc: Y.Doc, at = Date.now()): number =>
  deleteAssetsPermanently(doc, [...catalogMaps(doc).trashed.keys()] as AssetId[], at);

/**
 * The scheduled job (D4): deletes permanently what was trashed more than `days` days before
 * `now`. Idempotent; two devices running it at once write the same tombstones.
 */
export const purgeExpiredTrash = (doc: Y.Doc, now = Date.now(), days = TRASH_DAYS): number => {
  if (!(days >= 0)) throw new RangeError('days must be ≥ 0');
  const limit = now - days * DAY_MS;
  const expired: AssetId[] = [];
  for (const [id, at] of catalogMaps(doc).trashed.entries()) if (typeof at === 'number' && at <= limit) expired.push(id as AssetId);
  return deleteAssetsPermanently(doc, expired, now);
};

/** Tombstones, oldest first (what the blob store frees, D5). */
export const deletedAssets = (doc: Y.Doc): { id: AssetId; at: number }[] =>
  [...catalogMaps(doc).deleted.entries()]
    .map(([id, at]) => ({ id: id as AssetId, at: typeof at === 'number' ? at : 0 }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
