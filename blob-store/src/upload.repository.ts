/**
 * Unfinished resumable uploads (one row per tus upload id) and each user's storage use, which
 * counts the originals they own plus the declared length of their unfinished uploads.
 *
 *   uploads.create({ id, user, hash, length }); uploads.usage(user) // bytes
 *   uploads.get(id)?.user === user || deny(); uploads.delete(id)
 */
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';

export interface UploadRecord {
  readonly id: string;
  readonly user: UserId;
  readonly hash: BlobHash;
  readonly length: number;
}

export interface UploadRepository {
  create(upload: UploadRecord): void;
  get(id: string): UploadRecord | undefined;
  delete(id: string): void;
  ids(): string[];
  /** Bytes of originals the user owns plus the lengths of their unfinished uploads (other than `exceptId`). */
  usage(user: UserId, exceptId?: string): number;
}

export const createUploadRepository = (db: BlobDb): UploadRepository => {
  const insert = db.prepare('INSERT INTO uploads (id, user_id, hash, length, created_at) VALUES (?, ?, ?, ?, ?)');
  const get = db.prepare<[string], { id: string; user_id: string; hash: string; length: number }>('SELECT * FROM uploads WHERE id = ?');
  const remove = db.prepare('DELETE FROM uploads WHERE id = ?');
  const ids = db.prepare<[], { id: string }>('SELECT id FROM uploads');
  const usage = db.prepare<[string, string, string], { n: number }>(
    `SELECT (SELECT COALESCE(SUM(b.size), 0) FROM blobs b JOIN blob_grants g ON g.hash = b.hash AND g.via = 'owner' WHERE g.user_id = ?)
          + (SELECT COALESCE(SUM(length), 0) FROM uploads WHERE user_id = ? AND id <> ?) AS n`,
  );
  return {
    create: ({ id, user, hash, length }) => void insert.run(id, user, hash, length, Date.now()),
    get: (id) => {
      const row = get.get(id);
      return row ? { id: row.id, user: row.user_id as UserId, hash: row.hash as BlobHash, length: row.length } : undefined;
    },
    delete: (id) => void remove.run(id),
    ids: () => ids.all().map((r) => r.id),
    usage: (user, exceptId = '') => usage.get(user, user, exceptId)?.n ?? 0,
  };
};
