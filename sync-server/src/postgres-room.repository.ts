/**
 * The RoomRepository on PostgreSQL, for the scale-out mode where several relay processes share
 * rooms. Appends that arrive together share one transaction (group commit); a per-room advisory
 * lock makes log ids commit in order within a room, so a compactor's horizon never skips an
 * update that was still in flight.
 *
 *   const rooms = await createPostgresRoomRepository({ url: 'postgres://shoebox@127.0.0.1:5432/shoebox' })
 *   await rooms.append(room, update); await rooms.close()
 */
import type { RoomId } from '../../protocol/src/index.js';
import { migratePostgres } from '../../protocol/src/server/migrations.js';
import { createPool, inTransaction } from './postgres.js';
import type { RoomRepository, StoredRoom } from './room.repository.js';

export interface PostgresRoomRepositoryOptions {
  readonly url: string;
  /** Connections in the pool; default 4. */
  readonly poolSize?: number;
  /** Called for connection-level errors (a restarting server); default logs them. */
  readonly onError?: (err: Error) => void;
}

/**
 * Append-only (shoebox_schema_versions, store 'rooms'). Version 1 is the schema that earlier builds
 * made with CREATE TABLE IF NOT EXISTS; a database they made is recorded as version 1 (baseline).
 */
export const ROOM_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS room_updates (id BIGSERIAL PRIMARY KEY, room TEXT NOT NULL, data BYTEA NOT NULL);
  CREATE INDEX IF NOT EXISTS room_updates_room ON room_updates (room, id);
  CREATE TABLE IF NOT EXISTS room_snapshots (room TEXT PRIMARY KEY, data BYTEA NOT NULL, through BIGINT NOT NULL);
  `,
];

interface PendingAppend {
  readonly room: RoomId;
  readonly data: Uint8Array;
  resolve(count: number): void;
  reject(err: unknown): void;
}

const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export const createPostgresRoomRepository = async (options: PostgresRoomRepositoryOptions): Promise<RoomRepository> => {
  const onError = options.onError ?? ((err: Error) => console.error(`relay: postgres: ${err.message}`));
  const pool = createPool(options.url, options.poolSize ?? 4, onError);
  try {
    await migratePostgres(pool, { store: 'rooms', migrations: ROOM_MIGRATIONS, baselineTables: ['room_updates', 'room_snapshots'] });
  } catch (err) {
    await pool.end();
    throw err;
  }

  const counts = new Map<RoomId, number>();
  let pending: PendingAppend[] = [];
  let flushing = false;
  let closed = false;

  const countOf = async (room: RoomId): Promise<number> => {
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM room_updates WHERE room = $1', [room]);
    return Number(rows[0]!.n);
  };

  const flush = async (): Promise<void> => {
    if (flushing || pending.length === 0) return;
    flushing = true;
    const batch = pending;
    pending = [];
    try {
      const rooms = [...new Set(batch.map((p) => p.room))].sort();
      await inTransaction(pool, async (c) => {
        // Sorted, so two writers locking several rooms cannot deadlock.
        await c.query('SELECT pg_advisory_xact_lock(hashtextextended(r, 0)) FROM unnest($1::text[]) AS r ORDER BY r', [rooms]);
        await c.query('INSERT INTO room_updates (room, data) SELECT * FROM unnest($1::text[], $2::bytea[])', [
          batch.map((p) => p.room),
          batch.map((p) => toBuffer(p.data)),
        ]);
      });
      for (const room of rooms) if (!counts.has(room)) counts.set(room, (await countOf(room)) - batch.filter((p) => p.room === room).length);
      for (const p of batch) {
        const n = (counts.get(p.room) ?? 0) + 1;
        counts.set(p.room, n);
        p.resolve(n);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      flushing = false;
      if (pending.length > 0) void flush();
    }
  };

  return {
    async load(room) {
      return inTransaction(
        pool,
        async (c): Promise<StoredRoom> => {
          const snap = await c.query<{ data: Buffer; through: string }>('SELECT data, through FROM room_snapshots WHERE room = $1', [room]);
          const from = snap.rows[0] ? Number(snap.rows[0].through) : 0;
          const log = await c.query<{ id: string; data: Buffer }>('SELECT id, data FROM room_updates WHERE room = $1 AND id > $2 ORDER BY id', [room, from]);
          counts.set(room, log.rows.length);
          const last = log.rows.at(-1);
          return {
            snapshot: snap.rows[0] && new Uint8Array(snap.rows[0].data),
            updates: log.rows.map((r) => new Uint8Array(r.data)),
            through: last ? Number(last.id) : from,
          };
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
    },
    append(room, update) {
      if (closed) return Promise.reject(new Error('room repository is closed'));
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ room, data: update, resolve, reject });
      });
    },
    async compact(room, snapshot, through) {
      const done = await inTransaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [room]);
        const up = await c.query(
          `INSERT INTO room_snapshots (room, data, through) VALUES ($1, $2, $3)
           ON CONFLICT (room) DO UPDATE SET data = excluded.data, through = excluded.through WHERE room_snapshots.through < excluded.through`,
          [room, toBuffer(snapshot), through],
        );
        if (up.rowCount === 0) return false;
        await c.query('DELETE FROM room_updates WHERE room = $1 AND id <= $2', [room, through]);
        return true;
      });
      if (done) counts.set(room, await countOf(room));
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      while (flushing || pending.length > 0) {
        await flush();
        await new Promise((r) => setTimeout(r, 5));
      }
      await pool.end();
    },
  };
};
