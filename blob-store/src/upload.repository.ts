/**
 * Unfinished resumable uploads (one row per tus upload id), quota held by plain uploads in
 * flight, and each user's storage use: the originals they own, the declared length of their
 * unfinished uploads and their reservations. Reserving checks and records in one immediate
 * transaction, so parallel uploads cannot pass the quota together (issue 12, finding 4).
 *
 *   if (!uploads.create({ id, user, hash, length }, quota).ok) refuse(); uploads.usage(user) // bytes
 *   uploads.reserve(putId, user, bytesSoFar, quota); …; uploads.release(putId)
 */
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';

export interface UploadRecord {
  readonly id: string;
  readonly user: UserId;
  readonly hash: BlobHash;
  readonly length: number;
}

/** Whether a reservation fit: when not, how many bytes of the quota were left. */
export type Reservation = { readonly ok: true } | { readonly ok: false; readonly left: number };

export interface UploadRepository {
  /** Records the tus upload if its length fits the user's quota. */
  create(upload: UploadRecord, quota: number): Reservation;
  get(id: string): UploadRecord | undefined;
  delete(id: string): void;
  ids(): string[];
  /** Bytes of originals the user owns plus the lengths of their unfinished uploads (other than `exceptId`). */
  usage(user: UserId, exceptId?: string): number;
  /** Holds `bytes` (in all, replacing what `id` held) for an upload in flight if they fit the quota. */
  reserve(id: string, user: UserId, bytes: number, quota: number): Reservation;
  release(id: string): void;
  /** Forgets every reservation (at start: their requests died with the process that held them). */
  releaseAll(): number;
}

export const createUploadRepository = (db: BlobDb): UploadRepository => {
  const insert = db.prepare('INSERT INTO uploads (id, user_id, hash, length, created_at) VALUES (?, ?, ?, ?, ?)');
  const get = db.prepare<[string], { id: string; user_id: string; hash: string; length: number }>('SELECT * FROM uploads WHERE id = ?');
  const remove = db.prepare('DELETE FROM uploads WHERE id = ?');
  const ids = db.prepare<[], { id: string }>('SELECT id FROM uploads');
  const usage = db.prepare<[string, string, string, string, string], { n: number }>(
    `SELECT (SELECT COALESCE(SUM(b.size), 0) FROM blobs b JOIN blob_grants g ON g.hash = b.hash AND g.via = 'owner' WHERE g.user_id = ?)
          + (SELECT COALESCE(SUM(length), 0) FROM uploads WHERE user_id = ? AND id <> ?)
          + (SELECT COALESCE(SUM(bytes), 0) FROM quota_reservations WHERE user_id = ? AND id <> ?) AS n`,
  );
  const upsertReservation = db.prepare('INSERT OR REPLACE INTO quota_reservations (id, user_id, bytes, created_at) VALUES (?, ?, ?, ?)');
  const release = db.prepare('DELETE FROM quota_reservations WHERE id = ?');
  const releaseAll = db.prepare('DELETE FROM quota_reservations');
  const usageOf = (user: UserId, exceptId = ''): number => usage.get(user, user, exceptId, user, exceptId)?.n ?? 0;
  /** Check and write in one write transaction: another process's reservation cannot come between. */
  const within = (user: UserId, bytes: number, quota: number, exceptId: string, write: () => void): Reservation =>
    db
      .transaction((): Reservation => {
        const used = usageOf(user, exceptId);
        if (used + bytes > quota) return { ok: false, left: Math.max(0, quota - used) };
        write();
        return { ok: true };
      })
      .immediate();
  return {
    create: ({ id, user, hash, length }, quota) => within(user, length, quota, id, () => insert.run(id, user, hash, length, Date.now())),
    get: (id) => {
      const row = get.get(id);
      return row ? { id: row.id, user: row.user_id as UserId, hash: row.hash as BlobHash, length: row.length } : undefined;
    },
    delete: (id) => void remove.run(id),
    ids: () => ids.all().map((r) => r.id),
    usage: usageOf,
    reserve: (id, user, bytes, quota) => within(user, bytes, quota, id, () => upsertReservation.run(id, user, bytes, Date.now())),
    release: (id) => void release.run(id),
    releaseAll: () => releaseAll.run().changes,
  };
};
