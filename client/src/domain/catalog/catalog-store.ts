/**
 * A user's catalog on this device: the Y.Doc of room `catalog:<userId>`, persisted in
 * IndexedDB (one database per user) so the library opens with the server down, plus the
 * observer that reports which asset ids changed.
 *
 *   const catalog = openCatalog(userId); catalog.startLoading(); await catalog.whenLoaded;
 *   const stop = observeCatalog(catalog.doc, (ids) => index.apply(ids, (id) => getAsset(catalog.doc, id)));
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { generateLibrary, parseGenerateRequest } from './generated-library.js';
import { catalogRoom, compactFacts, initCatalog, observeAssets, type AssetId, type RoomId, type UserId } from '../../../../protocol/src/index.js';

export interface CatalogStore {
  readonly room: RoomId;
  readonly doc: Y.Doc;
  /** The IndexedDB persistence (reading it starts loading if that has not begun). */
  readonly persistence: IndexeddbPersistence;
  /** Resolves once the IndexedDB contents are in the doc. */
  readonly whenLoaded: Promise<void>;
  /**
   * Starts reading the CRDT from IndexedDB. The timeline calls it once it has painted from
   * its materialized views, so the long decode does not delay the first page; otherwise it
   * starts by itself after `autoStartMs`.
   */
  startLoading(): void;
  destroy(): Promise<void>;
}

export const catalogDbName = (user: UserId): string => `shoebox-catalog-${user}`;

export const openCatalog = (user: UserId, { autoStartMs = 2000 } = {}): CatalogStore => {
  const doc = new Y.Doc();
  let persistence: IndexeddbPersistence | null = null;
  let loaded: () => void = () => undefined;
  const whenLoaded = new Promise<void>((resolve) => (loaded = resolve));
  const start = (): IndexeddbPersistence => {
    if (persistence) return persistence;
    clearTimeout(timer);
    const p = new IndexeddbPersistence(catalogDbName(user), doc);
    persistence = p;
    void p.whenSynced.then(() => {
      try {
        initCatalog(doc);
        // One chunk per imported file adds up; rewrite into full chunks (SPEC F3).
        compactFacts(doc);
        // Test hook, compiled only into the e2e build (VITE_SHOEBOX_TEST_HOOKS=1): never into a real catalog.
        const request = import.meta.env.VITE_SHOEBOX_TEST_HOOKS === '1' && typeof location !== 'undefined' ? parseGenerateRequest(location.hash) : null;
        if (request) console.info(`catalog: generated ${generateLibrary(doc, request)} assets`);
      } catch (err) {
        console.error(err);
      }
      loaded();
    });
    return p;
  };
  const timer = setTimeout(start, autoStartMs);
  return {
    room: catalogRoom(user),
    doc,
    get persistence() {
      return start();
    },
    whenLoaded,
    startLoading: () => void start(),
    destroy: async () => {
      clearTimeout(timer);
      await persistence?.destroy();
      doc.destroy();
    },
  };
};

/**
 * Calls back once per transaction with the asset ids whose facts or user state changed (an
 * import of 500 files or a remote sync step2 is one call); more than BULK_ADDED new assets
 * (a cold load, a first sync) come as a count instead of ids.
 */
export const observeCatalog = (doc: Y.Doc, onChange: (ids: Set<AssetId>, bulkAdded: number) => void): (() => void) => observeAssets(doc, onChange);
