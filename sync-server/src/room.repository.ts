/**
 * Durable room storage: an append-only log of Yjs updates per room plus one snapshot, in
 * SQLite with synchronous=FULL, so `append` returning means the update survives a crash.
 *
 *   const rooms = createRoomRepository(db)
 *   rooms.append(room, update); const { snapshot, updates } = rooms.load(room)
 */
import type { RoomId } from '../../protocol/src/index.js';
import type { SqliteDatabase } from './database.js';

export interface StoredRoom {
  readonly snapshot: Uint8Array | undefined;
  readonly updates: readonly Uint8Array[];
}

export interface RoomRepository {
  load(room: RoomId): StoredRoom;
  /** Commits one update; returns how many updates the room's log now holds. */
  append(room: RoomId, update: Uint8Array): number;
  /** Replaces the snapshot and drops every logged update, atomically. */
  compact(room: RoomId, snapshot: Uint8Array): void;
}

export const createRoomRepository = (db: SqliteDatabase): RoomRepository => {
  const snapshot = db.prepare<[string], { data: Buffer }>('SELECT data FROM room_snapshots WHERE room = ?');
  const updates = db.prepare<[string], { data: Buffer }>('SELECT data FROM room_updates WHERE room = ? ORDER BY id');
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM room_updates WHERE room = ?');
  const insert = db.prepare('INSERT INTO room_updates (room, data) VALUES (?, ?)');
  const upsertSnapshot = db.prepare('INSERT INTO room_snapshots (room, data) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET data = excluded.data');
  const deleteUpdates = db.prepare('DELETE FROM room_updates WHERE room = ?');
  const counts = new Map<RoomId, number>();

  const load = db.transaction((room: RoomId): StoredRoom => {
    const rows = updates.all(room).map((r) => new Uint8Array(r.data));
    counts.set(room, rows.length);
    const snap = snapshot.get(room);
    return { snapshot: snap && new Uint8Array(snap.data), updates: rows };
  });

  const compact = db.transaction((room: RoomId, data: Uint8Array) => {
    upsertSnapshot.run(room, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    deleteUpdates.run(room);
  });

  return {
    load: (room) => load(room),
    append(room, update) {
      insert.run(room, Buffer.from(update.buffer, update.byteOffset, update.byteLength));
      const n = (counts.get(room) ?? count.get(room)!.n - 1) + 1;
      counts.set(room, n);
      return n;
    },
    compact(room, data) {
      compact(room, data);
      counts.set(room, 0);
    },
  };
};
