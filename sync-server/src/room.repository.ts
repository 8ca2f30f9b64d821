/**
 * Durable room storage: an append-only log of Yjs updates per room plus one snapshot that
 * covers the log up to a horizon. This file holds the interface every store implements (checked
 * by `runRoomStoreContractTests`) and the embedded implementation on SQLite (synchronous=FULL).
 *
 *   const rooms = createRoomRepository(db)
 *   await rooms.append(room, update); const { snapshot, updates, through } = await rooms.load(room)
 */
import type { RoomId } from '../../protocol/src/index.js';
import type { SqliteDatabase } from './database.js';

export interface StoredRoom {
  readonly snapshot: Uint8Array | undefined;
  /** Logged updates after the snapshot, in commit order. */
  readonly updates: readonly Uint8Array[];
  /** Log position of the last update returned (0 when none was ever logged). */
  readonly through: number;
}

export interface RoomRepository {
  load(room: RoomId): Promise<StoredRoom>;
  /**
   * Commits one update; resolves once it is durable (fsync'd), with how many updates the room's
   * log holds after the snapshot (an estimate a store may keep in memory, used to trigger compaction).
   */
  append(room: RoomId, update: Uint8Array): Promise<number>;
  /**
   * Replaces the snapshot with one covering the log through `through` and drops those updates,
   * atomically. Ignored (false) when the stored snapshot already covers as much or more, so a
   * slow compactor can never overwrite a newer snapshot.
   */
  compact(room: RoomId, snapshot: Uint8Array, through: number): Promise<boolean>;
  close(): Promise<void>;
}

const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

interface PendingAppend {
  readonly room: RoomId;
  readonly data: Uint8Array;
  resolve(count: number): void;
  reject(err: unknown): void;
}

/**
 * Appends that arrive together share one transaction (group commit): one fsync acknowledges
 * them all. A commit blocks the event loop for its fsync, so under load commits are spaced at
 * least `minCommitIntervalMs` apart (the fan-out in between is not held up by a disk flush);
 * an isolated append still commits on the next turn of the loop.
 */
export const createRoomRepository = (db: SqliteDatabase, options: { minCommitIntervalMs?: number } = {}): RoomRepository => {
  const minInterval = options.minCommitIntervalMs ?? 4;
  let lastCommit = -Infinity;
  const snapshot = db.prepare<[string], { data: Buffer; through: number }>('SELECT data, through FROM room_snapshots WHERE room = ?');
  const updates = db.prepare<[string, number], { id: number; data: Buffer }>('SELECT id, data FROM room_updates WHERE room = ? AND id > ? ORDER BY id');
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM room_updates WHERE room = ?');
  const insert = db.prepare('INSERT INTO room_updates (room, data) VALUES (?, ?)');
  const upsertSnapshot = db.prepare(
    'INSERT INTO room_snapshots (room, data, through) VALUES (?, ?, ?) ON CONFLICT (room) DO UPDATE SET data = excluded.data, through = excluded.through WHERE room_snapshots.through < excluded.through',
  );
  const deleteUpdates = db.prepare('DELETE FROM room_updates WHERE room = ? AND id <= ?');
  const counts = new Map<RoomId, number>();
  let pending: PendingAppend[] = [];
  let closed = false;

  const load = db.transaction((room: RoomId): StoredRoom => {
    const snap = snapshot.get(room);
    const rows = updates.all(room, snap?.through ?? 0);
    counts.set(room, rows.length);
    return { snapshot: snap && new Uint8Array(snap.data), updates: rows.map((r) => new Uint8Array(r.data)), through: rows.at(-1)?.id ?? snap?.through ?? 0 };
  });

  const commit = db.transaction((batch: readonly PendingAppend[]) => {
    for (const p of batch) insert.run(p.room, toBuffer(p.data));
  });

  const flush = (): void => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    lastCommit = performance.now();
    try {
      commit.immediate(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) {
      const n = (counts.get(p.room) ?? count.get(p.room)!.n - 1) + 1;
      counts.set(p.room, n);
      p.resolve(n);
    }
  };

  const compact = db.transaction((room: RoomId, data: Uint8Array, through: number): boolean => {
    if (upsertSnapshot.run(room, toBuffer(data), through).changes === 0) return false;
    deleteUpdates.run(room, through);
    return true;
  });

  return {
    load: async (room) => load(room),
    append(room, update) {
      if (closed) return Promise.reject(new Error('room repository is closed'));
      return new Promise((resolve, reject) => {
        if (pending.length === 0) {
          const wait = lastCommit + minInterval - performance.now();
          if (wait > 0) setTimeout(flush, wait);
          else setImmediate(flush);
        }
        pending.push({ room, data: update, resolve, reject });
      });
    },
    async compact(room, data, through) {
      const done = compact.immediate(room, data, through);
      if (done) counts.set(room, count.get(room)!.n);
      return done;
    },
    async close() {
      if (pending.length > 0) flush();
      closed = true;
    },
  };
};
