// The shared migration runner (protocol/src/server/migrations.ts) on a real PostgreSQL server,
// and the relay's two PostgreSQL stores opening databases made before schema versions existed.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId, UserId } from '../../protocol/src/index.js';
import { MigrationError, MigrationErrorCode, migratePostgres, type PostgresMigrationPlan } from '../../protocol/src/server/migrations.js';
import { ROOM_MIGRATIONS, createPostgresRoomRepository } from './postgres-room.repository.js';
import { USER_MIGRATIONS, createPostgresUserRepository } from './postgres-user.repository.js';
import { useTestPostgres } from './store-fixture.js';

const database = useTestPostgres();
const pools: pg.Pool[] = [];
const poolFor = (url: string): pg.Pool => {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.end();
});

// Without IF NOT EXISTS: running an entry twice fails, so these plans also prove each runs once.
const V1 = 'CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL)';
const V2 = 'ALTER TABLE notes ADD COLUMN tag TEXT';
const V3 = 'CREATE TABLE tags (name TEXT PRIMARY KEY)';
const plan = (...migrations: string[]): PostgresMigrationPlan => ({ store: 'notes', migrations, baselineTables: ['notes'] });

const versions = async (pool: pg.Pool, store: string): Promise<{ version: number; baseline: boolean }[]> =>
  (await pool.query('SELECT version, baseline FROM shoebox_schema_versions WHERE store = $1 ORDER BY version', [store])).rows;

const rejection = async (promise: Promise<unknown>): Promise<MigrationError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigrationError);
  return err as MigrationError;
};

describe('migratePostgres', () => {
  it('records each applied version; a later build applies only the new ones', async () => {
    const pool = poolFor(await database('migrate'));
    expect(await migratePostgres(pool, plan(V1))).toBe(1);
    await pool.query("INSERT INTO notes (body) VALUES ('kept')");
    expect(await migratePostgres(pool, plan(V1, V2, V3))).toBe(3);
    expect(await migratePostgres(pool, plan(V1, V2, V3))).toBe(3);
    expect(await versions(pool, 'notes')).toEqual([1, 2, 3].map((version) => ({ version, baseline: false })));
    expect((await pool.query('SELECT body, tag FROM notes')).rows).toEqual([{ body: 'kept', tag: null }]);
  });

  it('processes starting together apply each migration once (advisory lock)', async () => {
    const url = await database('concurrent');
    const results = await Promise.all(Array.from({ length: 6 }, () => migratePostgres(poolFor(url), plan(V1, V2, V3))));
    expect(results).toEqual([3, 3, 3, 3, 3, 3]);
    expect((await versions(poolFor(url), 'notes')).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('refuses a database written by a newer build, naming both versions', async () => {
    const pool = poolFor(await database('toonew'));
    await migratePostgres(pool, plan(V1, V2, V3));
    const err = await rejection(migratePostgres(pool, plan(V1, V2)));
    expect(err.code).toBe(MigrationErrorCode.schemaTooNew);
    expect([err.store, err.version, err.target]).toEqual(['notes', 3, 2]);
    expect(err.message).toMatch(/notes.*version 3.*newer build.*up to 2/);
  });

  it('rolls a failing migration back entirely and leaves the previous version usable', async () => {
    const pool = poolFor(await database('rollback'));
    await migratePostgres(pool, plan(V1));
    const broken = 'CREATE TABLE half (x INTEGER); SELECT 1 / 0';
    const err = await rejection(migratePostgres(pool, plan(V1, broken, V3)));
    expect(err.code).toBe(MigrationErrorCode.migrationFailed);
    expect([err.version, err.target]).toEqual([1, 2]);
    expect(err.message).toMatch(/version 2 failed and was rolled back \(still at 1\).*division by zero/);
    expect((await versions(pool, 'notes')).map((r) => r.version)).toEqual([1]);
    expect((await pool.query("SELECT to_regclass('half') AS t")).rows[0].t).toBeNull();
    await pool.query("INSERT INTO notes (body) VALUES ('still usable')");
    expect(await migratePostgres(pool, plan(V1, V2))).toBe(2);
  });

  it('records an unversioned database with all the baseline tables as version 1 without re-running it', async () => {
    const pool = poolFor(await database('baseline'));
    await pool.query(V1); // as CREATE TABLE IF NOT EXISTS code made it, before versions
    expect(await migratePostgres(pool, plan(V1, V2))).toBe(2); // V1 again would fail: it exists
    expect(await versions(pool, 'notes')).toEqual([
      { version: 1, baseline: true },
      { version: 2, baseline: false },
    ]);
  });

  it('refuses an unversioned database with only some of the baseline tables', async () => {
    const pool = poolFor(await database('partial'));
    await pool.query(V1);
    const err = await rejection(migratePostgres(pool, { store: 'notes', migrations: [V1], baselineTables: ['notes', 'tags'] }));
    expect(err.code).toBe(MigrationErrorCode.unknownSchema);
    expect(err.message).toMatch(/missing tags/);
  });
});

describe('the relay stores on a database made before schema versions', () => {
  it('keeps rooms and accounts written by the CREATE TABLE IF NOT EXISTS builds', async () => {
    const url = await database('legacy');
    const pool = poolFor(url);
    // What the earlier builds ran at every start (their SCHEMA strings are migration 1 unchanged).
    await pool.query(ROOM_MIGRATIONS[0]!);
    await pool.query(USER_MIGRATIONS[0]!);
    await pool.query("INSERT INTO room_updates (room, data) VALUES ('r1', '\\x0102')");
    await pool.query("INSERT INTO users (id, email, name, password_hash, is_owner, created_at) VALUES ('u1', 'a@example.com', 'A', 'h', true, 1)");

    const rooms = await createPostgresRoomRepository({ url });
    const users = await createPostgresUserRepository({ url });
    try {
      expect((await rooms.load('r1' as RoomId)).updates).toEqual([new Uint8Array([1, 2])]);
      expect((await users.findById('u1' as UserId))?.email).toBe('a@example.com');
    } finally {
      await rooms.close();
      await users.close();
    }
    expect(await versions(pool, 'rooms')).toEqual([{ version: 1, baseline: true }]);
    // Version 1 recorded as the baseline; later versions (issue 13's columns) applied on top.
    expect(await versions(pool, 'users')).toEqual(USER_MIGRATIONS.map((_, i) => ({ version: i + 1, baseline: i === 0 })));
  });
});
