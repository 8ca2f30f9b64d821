/**
 * Extracted metadata and XMP sidecars per blob, in SQLite beside the blob rows.
 *
 *   metadata.set(hash, extractMetadata(tags)); const meta = metadata.get(hash)
 *   metadata.setSidecar(hash, xmpBytes) // drops the stale extraction so the job runs again
 */
import type { BlobHash } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';
import type { MediaMetadata } from './media-metadata.js';

export interface MetadataRepository {
  get(hash: BlobHash): MediaMetadata | undefined;
  has(hash: BlobHash): boolean;
  set(hash: BlobHash, metadata: MediaMetadata): void;
  sidecar(hash: BlobHash): Buffer | undefined;
  /** Stores the sidecar and forgets the extraction made without it. */
  setSidecar(hash: BlobHash, xmp: Uint8Array): void;
}

export const createMetadataRepository = (db: BlobDb): MetadataRepository => {
  const get = db.prepare<[string], { json: string }>('SELECT json FROM blob_metadata WHERE hash = ?');
  const put = db.prepare('INSERT OR REPLACE INTO blob_metadata (hash, json, extracted_at) VALUES (?, ?, ?)');
  const drop = db.prepare('DELETE FROM blob_metadata WHERE hash = ?');
  const getSidecar = db.prepare<[string], { xmp: Buffer }>('SELECT xmp FROM blob_sidecars WHERE hash = ?');
  const putSidecar = db.prepare('INSERT OR REPLACE INTO blob_sidecars (hash, xmp, updated_at) VALUES (?, ?, ?)');
  const setSidecar = db.transaction((hash: string, xmp: Uint8Array) => {
    putSidecar.run(hash, Buffer.from(xmp), Date.now());
    drop.run(hash);
  });
  return {
    get: (hash) => {
      const row = get.get(hash);
      return row ? (JSON.parse(row.json) as MediaMetadata) : undefined;
    },
    has: (hash) => get.get(hash) !== undefined,
    set: (hash, metadata) => void put.run(hash, JSON.stringify(metadata), Date.now()),
    sidecar: (hash) => getSidecar.get(hash)?.xmp,
    setSidecar: (hash, xmp) => setSidecar(hash, xmp),
  };
};
