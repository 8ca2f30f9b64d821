/**
 * A user's catalog on this device: the Y.Doc of room `catalog:<userId>`, persisted in
 * IndexedDB (one database per user) so the library opens with the server down, plus the
 * observer that reports which asset ids changed.
 *
 *   const catalog = openCatalog(userId); await catalog.whenLoaded;
 *   const stop = observeCatalog(catalog.doc, (ids) => index.apply(ids, (id) => getAsset(catalog.doc, id)));
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { catalogMaps, catalogRoom, initCatalog, type AssetId, type RoomId, type UserId } from '../../../../protocol/src/index.js';

export interface CatalogStore {
  readonly room: RoomId;
  readonly doc: Y.Doc;
  readonly persistence: IndexeddbPersistence;
  /** Resolves once the IndexedDB contents are in the doc. */
  readonly whenLoaded: Promise<void>;
  destroy(): Promise<void>;
}

export const catalogDbName = (user: UserId): string => `shoebox-catalog-${user}`;

export const openCatalog = (user: UserId): CatalogStore => {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(catalogDbName(user), doc);
  const whenLoaded = persistence.whenSynced.then(() => {
    try {
      initCatalog(doc);
    } catch (err) {
      console.error(err);
    }
  });
  return {
    room: catalogRoom(user),
    doc,
    persistence,
    whenLoaded,
    destroy: async () => {
      await persistence.destroy();
      doc.destroy();
    },
  };
};

/** Calls back with the ids touched by each transaction on the asset, favourite or trash maps. */
export const observeCatalog = (doc: Y.Doc, onChange: (ids: Set<AssetId>) => void): (() => void) => {
  const maps = catalogMaps(doc);
  const watched = new Set<object>([maps.assets, maps.favorite, maps.trashed]);
  // afterTransaction reports every touched key of a transaction at once, so an import of
  // 500 files or a remote sync step2 becomes one index update instead of one per map.
  const onAfter = (tr: Y.Transaction): void => {
    const ids = new Set<AssetId>();
    for (const [type, keys] of tr.changed) {
      if (!watched.has(type)) continue;
      for (const key of keys) if (key !== null) ids.add(key as AssetId);
    }
    if (ids.size > 0) onChange(ids);
  };
  doc.on('afterTransaction', onAfter);
  return () => doc.off('afterTransaction', onAfter);
};

