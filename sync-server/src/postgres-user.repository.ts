/**
 * The UserRepository on PostgreSQL, for the scale-out mode: every relay node reads the same
 * accounts, tokens and grants, so a token issued on one node works on all of them. Failures
 * surface as PersistenceError, which the relay answers with close 1013 (retry later).
 *
 *   const users = await createPostgresUserRepository({ url: 'postgres://shoebox@127.0.0.1:5432/shoebox' })
 *   const row = await users.findByTokenHash(hash); await users.close()
 */
import type pg from 'pg';
import type { RoomGrant, UserId } from '../../protocol/src/index.js';
import { migratePostgres } from '../../protocol/src/server/migrations.js';
import { createPool, inTransaction } from './postgres.js';
import { PersistenceError } from './room.js';
import { toRoomMember, toUserRow, type GrantAccess, type RoomMember, type UserRepository } from './user.repository.js';

export interface PostgresUserRepositoryOptions {
  readonly url: string;
  /** Connections in the pool; default 2 (lookups are single short queries). */
  readonly poolSize?: number;
  readonly onError?: (err: Error) => void;
}

/**
 * Append-only (shoebox_schema_versions, store 'users'). Version 1 is the schema that earlier builds
 * made with CREATE TABLE IF NOT EXISTS; a database they made is recorded as version 1 (baseline).
 */
export const USER_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_owner BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (lower(email));
  CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);
  CREATE TABLE IF NOT EXISTS grants (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'admin')),
    PRIMARY KEY (user_id, room)
  );
  CREATE INDEX IF NOT EXISTS grants_room ON grants (room);
  `,
];
/** Arbitrary constant: the advisory lock for "first user becomes owner". */
const SIGNUP_LOCK = 0x5b10;

const USER_COLUMNS = 'users.id, users.email, users.name, users.password_hash, users.is_owner';

export const createPostgresUserRepository = async (options: PostgresUserRepositoryOptions): Promise<UserRepository> => {
  const onError = options.onError ?? ((err: Error) => console.error(`relay: postgres: ${err.message}`));
  const pool = createPool(options.url, options.poolSize ?? 2, onError);
  try {
    await migratePostgres(pool, { store: 'users', migrations: USER_MIGRATIONS, baselineTables: ['users', 'tokens', 'grants'] });
  } catch (err) {
    await pool.end();
    throw err;
  }

  /** Every query goes through here so a lost server reads as PersistenceError, not a crash. */
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> => {
    try {
      return await pool.query<R>(sql, params);
    } catch (err) {
      throw new PersistenceError(err);
    }
  };
  const userWhere = async (where: string, param: string) =>
    toUserRow((await query<Parameters<typeof toUserRow>[0] & object>(`SELECT ${USER_COLUMNS} FROM users ${where}`, [param])).rows[0]);

  return {
    countUsers: async () => Number((await query<{ n: string }>('SELECT count(*) AS n FROM users', [])).rows[0]!.n),

    async insertUser(user, makeGrants, mode) {
      try {
        return await inTransaction(pool, async (c) => {
          await c.query('SELECT pg_advisory_xact_lock($1)', [SIGNUP_LOCK]);
          const existing = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0]!.n);
          if ((mode === 'first') !== (existing === 0)) return undefined;
          const inserted = await c.query(
            `INSERT INTO users (id, email, name, password_hash, is_owner, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING`,
            [user.id, user.email, user.name, user.passwordHash, existing === 0, Date.now()],
          );
          if (inserted.rowCount === 0) return undefined; // the email is taken
          for (const g of makeGrants(user.id)) await c.query('INSERT INTO grants (user_id, room, access) VALUES ($1, $2, $3)', [user.id, g.room, g.access]);
          return toUserRow((await c.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [user.id])).rows[0]);
        });
      } catch (err) {
        throw new PersistenceError(err);
      }
    },

    findByEmail: (email) => userWhere('WHERE lower(email) = lower($1)', email),
    findById: (id) => userWhere('WHERE id = $1', id),
    insertToken: async (hash, userId, now) => void (await query('INSERT INTO tokens (hash, user_id, created_at) VALUES ($1, $2, $3)', [hash, userId, now])),
    findByTokenHash: (hash) => userWhere('JOIN tokens ON tokens.user_id = users.id WHERE tokens.hash = $1 AND tokens.revoked_at IS NULL', hash),
    revokeToken: async (hash, now) => ((await query('UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL', [now, hash])).rowCount ?? 0) > 0,
    grantsOf: async (userId: UserId) => (await query<RoomGrant>('SELECT room, access FROM grants WHERE user_id = $1 ORDER BY room COLLATE "C"', [userId])).rows.map((g) => ({ room: g.room, access: g.access })),
    grantOf: async (userId, room) => (await query<{ access: GrantAccess }>('SELECT access FROM grants WHERE user_id = $1 AND room = $2', [userId, room])).rows[0]?.access,
    membersOf: async (room): Promise<RoomMember[]> =>
      (
        await query<{ user_id: string; email: string; name: string; access: GrantAccess }>(
          'SELECT grants.user_id, users.email, users.name, grants.access FROM grants JOIN users ON users.id = grants.user_id WHERE grants.room = $1 ORDER BY lower(users.email)',
          [room],
        )
      ).rows.map(toRoomMember),
    setGrant: async (userId, g) =>
      void (await query('INSERT INTO grants (user_id, room, access) VALUES ($1, $2, $3) ON CONFLICT (user_id, room) DO UPDATE SET access = excluded.access', [userId, g.room, g.access])),
    deleteGrant: async (userId, room) => ((await query('DELETE FROM grants WHERE user_id = $1 AND room = $2', [userId, room])).rowCount ?? 0) > 0,
    close: () => pool.end(),
  };
};
