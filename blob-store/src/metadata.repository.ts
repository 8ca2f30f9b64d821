/**
 * Extracted metadata and XMP sidecars in SQLite beside the blob rows. The reading of the bytes
 * alone is one per blob (identical bytes read the same for everyone); a sidecar, and the reading
 * merged with it, belong to the user who sent it (ADR 0050).
 *
 *   metadata.set(hash, extractMetadata(tags)); const meta = metadata.get(hash)
 *   metadata.setSidecar(hash, user, xmpBytes); metadata.setForUser(hash, user, merged)
 */
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';
import type { MediaMetadata } from './media-metadata.js';

export interface MetadataRepository {
  /** The reading of the bytes alone. */
  get(hash: BlobHash): MediaMetadata | undefined;
  has(hash: BlobHash): boolean;
  set(hash: BlobHash, metadata: MediaMetadata): void;
  sidecar(hash: BlobHash, user: UserId): Buffer | undefined;
  /** Users who attached a sidecar to the blob. */
  sidecarUsers(hash: BlobHash): UserId[];
  /** Stores the user's sidecar and forgets their reading made without it. */
  setSidecar(hash: BlobHash, user: UserId, xmp: Uint8Array): void;
  /** The user's reading merged with their sidecar. */
  getForUser(hash: BlobHash, user: UserId): MediaMetadata | undefined;
  setForUser(hash: BlobHash, user: UserId, metadata: MediaMetadata): void;
  /** Forgets the user's sidecar and reading of the blob. */
  forgetUser(hash: BlobHash, user: UserId): void;
}

export const createMetadataRepository = (db: BlobDb): MetadataRepository => {
  const get = db.prepare<[string], { json: string }>('SELECT json FROM blob_metadata WHERE hash = ?');
  const put = db.prepare('INSERT OR REPLACE INTO blob_metadata (hash, json, extracted_at) VALUES (?, ?, ?)');
  const getSidecar = db.prepare<[string, string], { xmp: Buffer }>('SELECT xmp FROM user_sidecars WHERE hash = ? AND user_id = ?');
  const sidecarUsers = db.prepare<[string], UserId>('SELECT user_id FROM user_sidecars WHERE hash = ? ORDER BY user_id').pluck();
  const putSidecar = db.prepare('INSERT OR REPLACE INTO user_sidecars (hash, user_id, xmp, updated_at) VALUES (?, ?, ?, ?)');
  const getUser = db.prepare<[string, string], { json: string }>('SELECT json FROM user_metadata WHERE hash = ? AND user_id = ?');
  const putUser = db.prepare('INSERT OR REPLACE INTO user_metadata (hash, user_id, json, extracted_at) VALUES (?, ?, ?, ?)');
  const dropUser = db.prepare('DELETE FROM user_metadata WHERE hash = ? AND user_id = ?');
  const setSidecar = db.transaction((hash: string, user: string, xmp: Uint8Array) => {
    putSidecar.run(hash, user, Buffer.from(xmp), Date.now());
    dropUser.run(hash, user);
  });
  const dropSidecar = db.prepare('DELETE FROM user_sidecars WHERE hash = ? AND user_id = ?');
  const forgetUser = db.transaction((hash: string, user: string) => {
    dropSidecar.run(hash, user);
    dropUser.run(hash, user);
  });
  const parse = (row: { json: string } | undefined): MediaMetadata | undefined => (row ? (JSON.parse(row.json) as MediaMetadata) : undefined);
  return {
    get: (hash) => parse(get.get(hash)),
    has: (hash) => get.get(hash) !== undefined,
    set: (hash, metadata) => void put.run(hash, JSON.stringify(metadata), Date.now()),
    sidecar: (hash, user) => getSidecar.get(hash, user)?.xmp,
    sidecarUsers: (hash) => sidecarUsers.all(hash),
    setSidecar: (hash, user, xmp) => setSidecar(hash, user, xmp),
    getForUser: (hash, user) => parse(getUser.get(hash, user)),
    setForUser: (hash, user, metadata) => void putUser.run(hash, user, JSON.stringify(metadata), Date.now()),
    forgetUser: (hash, user) => forgetUser(hash, user),
  };
};
