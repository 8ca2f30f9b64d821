/**
 * Everything a signed-in user's library needs on this device, wired together: the catalog
 * doc (IndexedDB first, then synced), local thumbnails, the upload queue and the importer.
 * Opening never waits for the network; the sync client connects in the background.
 *
 *   const library = openLibrarySession({ session, api, onUnauthorized: logout });
 *   await library.catalog.whenLoaded; … library.close()
 */
import type { UserId } from '../../../protocol/src/index.js';
import { SharedAlbums } from './albums/shared-albums.js';
import { openCatalog, type CatalogStore } from './catalog/catalog-store.js';
import { createAnalyzerPool } from './import/analysis.js';
import { ImportService } from './import/import-service.js';
import { UploadQueue } from './import/upload-queue.js';
import { probeVideo } from './import/video-probe.js';
import type { ApiClient } from './session/api-client.js';
import { deviceClientId, type Session } from './session/session-store.js';
import { openLocalDb, UploadStatus, type LocalDb } from './storage/local-db.js';
import { ThumbStore } from './storage/thumb-store.js';
import { browserSocketFactory } from './sync/browser-socket.js';
import { SyncClient } from './sync/sync-client.js';

export interface LibrarySession {
  readonly session: Session;
  readonly catalog: CatalogStore;
  readonly db: LocalDb;
  readonly thumbs: ThumbStore;
  readonly sync: SyncClient;
  readonly uploads: UploadQueue;
  readonly importer: ImportService;
  /** Album rooms: my shared albums (mirrored) and albums shared with me. */
  readonly shared: SharedAlbums;
  close(): Promise<void>;
}

export interface LibrarySessionOptions {
  readonly session: Session;
  readonly api: ApiClient;
  readonly onUnauthorized: () => void;
}

export const openLibrarySession = ({ session, api, onUnauthorized }: LibrarySessionOptions): LibrarySession => {
  const user = session.user.id as UserId;
  const catalog = openCatalog(user);
  const db = openLocalDb(user);
  const thumbs = new ThumbStore(db);
  const sync = new SyncClient({ token: session.token, clientId: deviceClientId(localStorage), createSocket: browserSocketFactory('/sync') });
  const pool = createAnalyzerPool(Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2)));
  let importer: ImportService | null = null;
  const uploads = new UploadQueue({
    db,
    api,
    getToken: () => session.token,
    onUnauthorized,
    onEvent: (event) => importer?.handleUploadEvent(event),
  });
  importer = new ImportService({
    doc: catalog.doc,
    thumbs,
    uploads,
    analyze: (file, isImage, onProgress) => pool.analyze(file, isImage, onProgress),
    probeVideo,
    unfinishedUpload: async (hash) => {
      const record = await db.uploads.get(hash).catch(() => undefined);
      return record !== undefined && record.status !== UploadStatus.done;
    },
  });
  const shared = new SharedAlbums({ api, sync, user: { id: user, name: session.user.name }, catalog: catalog.doc });
  void catalog.whenLoaded.then(() => {
    sync.addRoom(catalog.room, catalog.doc, [catalog.persistence]);
    sync.start();
    // Which albums are shared is known only online; offline the Albums tab shows my own.
    shared.refresh().catch((err: unknown) => console.warn('shared albums: cannot list rooms', err));
  });
  return {
    session,
    catalog,
    db,
    thumbs,
    sync,
    uploads,
    importer,
    shared,
    close: async () => {
      shared.close();
      sync.stop();
      uploads.stop();
      pool.terminate();
      thumbs.dispose();
      db.close();
      await catalog.destroy();
    },
  };
};
