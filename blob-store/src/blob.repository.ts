/**
 * Blob metadata and read grants in SQLite: what each stored hash is, and who may read it.
 *
 *   blobs.record({ hash, mime, size }); blobs.grant(hash, userId, 'owner')
 *   blobs.readable(userId, hashes) // the subset this user may read
 */
import type { BlobHash, RoomId, UserId } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';

export interface BlobRecord {
  readonly hash: BlobHash;
  readonly mime: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly thumbhash: Uint8Array | null;
}

/** Why a user may read a blob: they uploaded it, or (later) an album shared it with them. */
export type GrantVia = 'owner' | `album:${string}`;

export interface BlobRepository {
  get(hash: BlobHash): BlobRecord | undefined;
  /** Inserts the blob row if absent (the bytes are identical, so the first writer wins). */
  record(blob: { hash: BlobHash; mime: string; size: number }): void;
  setImageInfo(hash: BlobHash, info: { width: number; height: number; thumbhash: Uint8Array }): void;
  grant(hash: BlobHash, user: UserId, via: GrantVia): void;
  revoke(hash: BlobHash, user: UserId, via: GrantVia): void;
  canRead(user: UserId, hash: BlobHash): boolean;
  /** The users who uploaded the blob (its catalogs' owners). */
  owners(hash: BlobHash): UserId[];
  /** True when the user uploaded the blob (an 'owner' grant). */
  isOwner(user: UserId, hash: BlobHash): boolean;
  /** The given hashes that are stored and readable by the user, in input order. */
  readable(user: UserId, hashes: readonly BlobHash[]): BlobHash[];
  /** Registers the blob in a room on behalf of the user who added it (idempotent). */
  addRoom(hash: BlobHash, room: RoomId, addedBy: UserId): void;
  /** Takes back the user's own registration; false when they had none there. */
  removeRoom(hash: BlobHash, room: RoomId, addedBy: UserId): boolean;
  /** Rooms the blob is registered in (by anyone). */
  roomsOf(hash: BlobHash): RoomId[];
  /** Who registered the blob in which room. */
  registrations(hash: BlobHash): { room: RoomId; addedBy: UserId }[];
  /**
   * Takes back the user's reference: their owner grant and their room registrations. True when
   * nothing references the blob any more (no grant, no room), so its bytes may go.
   */
  release(hash: BlobHash, user: UserId): boolean;
  /** Deletes the blob's row and everything keyed by it (grants, metadata, plans, ML rows, jobs). */
  forget(hash: BlobHash): void;
  /** Every stored hash, oldest first (the Redis queue's "run missing" walks them). */
  hashes(): Iterable<BlobHash>;
}

export const createBlobRepository = (db: BlobDb): BlobRepository => {
  const get = db.prepare<[string], BlobRecord>('SELECT hash, mime, size, width, height, thumbhash FROM blobs WHERE hash = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO blobs (hash, mime, size, created_at) VALUES (?, ?, ?, ?)');
  const setInfo = db.prepare('UPDATE blobs SET width = ?, height = ?, thumbhash = ? WHERE hash = ?');
  const grant = db.prepare('INSERT OR IGNORE INTO blob_grants (hash, user_id, via, created_at) VALUES (?, ?, ?, ?)');
  const revoke = db.prepare('DELETE FROM blob_grants WHERE hash = ? AND user_id = ? AND via = ?');
  const owners = db.prepare<[string], { user_id: string }>(`SELECT user_id FROM blob_grants WHERE hash = ? AND via = 'owner' ORDER BY user_id`);
  const isOwner = db.prepare<[string, string], { one: number }>(`SELECT 1 AS one FROM blob_grants WHERE user_id = ? AND hash = ? AND via = 'owner'`);
  const canRead = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM blob_grants WHERE user_id = ? AND hash = ? LIMIT 1');
  const addRoom = db.prepare('INSERT OR IGNORE INTO blob_rooms (hash, room, added_by, created_at) VALUES (?, ?, ?, ?)');
  const removeRoom = db.prepare('DELETE FROM blob_rooms WHERE hash = ? AND room = ? AND added_by = ?');
  const roomsOf = db.prepare<[string], RoomId>('SELECT DISTINCT room FROM blob_rooms WHERE hash = ? ORDER BY room').pluck();
  const registrations = db.prepare<[string], { room: RoomId; added_by: UserId }>('SELECT room, added_by FROM blob_rooms WHERE hash = ? ORDER BY room, added_by');
  const dropOwner = db.prepare(`DELETE FROM blob_grants WHERE hash = ? AND user_id = ? AND via = 'owner'`);
  const dropRegistrations = db.prepare('DELETE FROM blob_rooms WHERE hash = ? AND added_by = ?');
  const references = db.prepare<[string, string], { n: number }>(
    'SELECT (SELECT COUNT(*) FROM blob_grants WHERE hash = ?) + (SELECT COUNT(*) FROM blob_rooms WHERE hash = ?) AS n',
  );
  const release = db.transaction((hash: string, user: string): boolean => {
    dropOwner.run(hash, user);
    dropRegistrations.run(hash, user);
    return (references.get(hash, hash)?.n ?? 0) === 0;
  });
  const dropJobs = db.prepare('DELETE FROM jobs WHERE hash = ?');
  const dropBlob = db.prepare('DELETE FROM blobs WHERE hash = ?');
  const forget = db.transaction((hash: string) => {
    dropJobs.run(hash);
    dropBlob.run(hash);
  });
  const all = db.prepare<[], BlobHash>('SELECT hash FROM blobs ORDER BY created_at').pluck();
  const readableBatch = db.prepare<[string, string], { hash: string }>(
    'SELECT DISTINCT g.hash AS hash FROM blob_grants g JOIN json_each(?) j ON j.value = g.hash WHERE g.user_id = ?',
  );

  return {
    get: (hash) => {
      const row = get.get(hash);
      return row ? { ...row, thumbhash: row.thumbhash ? new Uint8Array(row.thumbhash) : null } : undefined;
    },
    record: ({ hash, mime, size }) => void insert.run(hash, mime, size, Date.now()),
    setImageInfo: (hash, { width, height, thumbhash }) => void setInfo.run(width, height, Buffer.from(thumbhash), hash),
    grant: (hash, user, via) => void grant.run(hash, user, via, Date.now()),
    revoke: (hash, user, via) => void revoke.run(hash, user, via),
    canRead: (user, hash) => canRead.get(user, hash) !== undefined,
    owners: (hash) => owners.all(hash).map((r) => r.user_id as UserId),
    isOwner: (user, hash) => isOwner.get(user, hash) !== undefined,
    readable: (user, hashes) => {
      const found = new Set(readableBatch.all(JSON.stringify(hashes), user).map((r) => r.hash));
      return hashes.filter((h) => found.has(h));
    },
    addRoom: (hash, room, addedBy) => void addRoom.run(hash, room, addedBy, Date.now()),
    removeRoom: (hash, room, addedBy) => removeRoom.run(hash, room, addedBy).changes > 0,
    roomsOf: (hash) => roomsOf.all(hash),
    registrations: (hash) => registrations.all(hash).map((r) => ({ room: r.room, addedBy: r.added_by })),
    release: (hash, user) => release(hash, user),
    forget: (hash) => forget(hash),
    hashes: () => all.iterate(),
  };
};
