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
import { generateLibrary, parseGenerateRequest } from './generated-library.js';
import { catalogRoom, compactFacts, initCatalog, observeAssets, type AssetId, type RoomId, type UserId } from '../../../../protocol/src/index.js';

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
      // One chunk per imported file adds up; rewrite into full chunks (SPEC F3).
      compactFacts(doc);
      const request = typeof location === 'undefined' ? null : parseGenerateRequest(location.hash);
      if (request) console.info(`catalog: generated ${generateLibrary(doc, request)} assets`);
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

/**
 * Calls back once per transaction with the asset ids whose facts or user state changed (an
 * import of 500 files or a remote sync step2 is one call).
 */
export const observeCatalog = (doc: Y.Doc, onChange: (ids: Set<AssetId>) => void): (() => void) => observeAssets(doc, onChange);
