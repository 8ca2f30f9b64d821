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
import {
  LAST_ADMIN,
  losesAdmin,
  patchColumns,
  toRoomMember,
  toSessionRow,
  toUserRow,
  type GrantAccess,
  type RawSession,
  type RawUser,
  type RoomMember,
  type UserPatch,
  type UserRepository,
} from './user.repository.js';

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
  `
  -- Administration (issue 13): disabled accounts, per-user quotas; sessions' last use, browser and address.
  ALTER TABLE users ADD COLUMN IF NOT EXISTS disabled_at BIGINT;
  ALTER TABLE users ADD COLUMN IF NOT EXISTS quota_bytes BIGINT;
  ALTER TABLE tokens ADD COLUMN IF NOT EXISTS last_seen_at BIGINT;
  ALTER TABLE tokens ADD COLUMN IF NOT EXISTS user_agent TEXT;
  ALTER TABLE tokens ADD COLUMN IF NOT EXISTS address TEXT;
  `,
];
/** Arbitrary constant: the advisory lock for "first user becomes owner". */
const SIGNUP_LOCK = 0x5b10;

const USER_COLUMNS = 'users.id, users.email, users.name, users.password_hash, users.is_owner, users.created_at, users.disabled_at, users.quota_bytes';
const SESSION_COLUMNS = 'tokens.hash, tokens.created_at, tokens.last_seen_at, tokens.user_agent, tokens.address';
const LIVE_TOKEN = 'tokens.revoked_at IS NULL AND users.disabled_at IS NULL';

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
  const userWhere = async (where: string, param: string) => toUserRow((await query<RawUser>(`SELECT ${USER_COLUMNS} FROM users ${where}`, [param])).rows[0]);

  /** Runs a change to one user under the signup lock, refusing one that would leave no enabled administrator. */
  const guarded = async <T>(id: UserId, patch: UserPatch | 'delete', apply: (c: pg.PoolClient) => Promise<T>): Promise<T | typeof LAST_ADMIN | undefined> => {
    try {
      return await inTransaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [SIGNUP_LOCK]);
        const row = toUserRow((await c.query<RawUser>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])).rows[0]);
        if (!row) return undefined;
        if (losesAdmin(row, patch)) {
          const others = await c.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE is_owner AND disabled_at IS NULL AND id <> $1', [id]);
          if (Number(others.rows[0]!.n) === 0) return LAST_ADMIN;
        }
        return apply(c);
      });
    } catch (err) {
      throw new PersistenceError(err);
    }
  };

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
    insertToken: async (hash, userId, now, info = {}) =>
      void (await query('INSERT INTO tokens (hash, user_id, created_at, last_seen_at, user_agent, address) VALUES ($1, $2, $3, $3, $4, $5)', [
        hash,
        userId,
        now,
        info.userAgent ?? null,
        info.address ?? null,
      ])),
    findByTokenHash: (hash) => userWhere(`JOIN tokens ON tokens.user_id = users.id WHERE tokens.hash = $1 AND ${LIVE_TOKEN}`, hash),
    async findSession(hash) {
      const sql = `SELECT ${USER_COLUMNS}, tokens.hash AS token_hash, tokens.created_at AS token_created_at, tokens.last_seen_at, tokens.user_agent, tokens.address
        FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = $1 AND ${LIVE_TOKEN}`;
      const raw = (await query<RawUser & RawSession & { token_hash: string; token_created_at: string }>(sql, [hash])).rows[0];
      return raw && { user: toUserRow(raw)!, session: toSessionRow({ ...raw, hash: raw.token_hash, created_at: raw.token_created_at }) };
    },
    touchToken: async (hash, now) => void (await query('UPDATE tokens SET last_seen_at = $1 WHERE hash = $2 AND revoked_at IS NULL', [now, hash])),
    revokeToken: async (hash, now) => ((await query('UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL', [now, hash])).rowCount ?? 0) > 0,
    sessionsOf: async (userId) =>
      (
        await query<RawSession>(
          `SELECT ${SESSION_COLUMNS} FROM tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY coalesce(last_seen_at, created_at) DESC, hash COLLATE "C"`,
          [userId],
        )
      ).rows.map(toSessionRow),
    revokeTokensOf: async (userId, now, keep = '') =>
      (await query<{ hash: string }>('UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND hash <> $3 AND revoked_at IS NULL RETURNING hash', [now, userId, keep])).rows.map(
        (r) => r.hash,
      ),
    listUsers: async () => (await query<RawUser>(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(email)`, [])).rows.map((raw) => toUserRow(raw)!),
    updateUser: (id, patch) =>
      guarded(id, patch, async (c) => {
        const columns = patchColumns(patch);
        if (columns.length > 0) {
          const set = columns.map(([column], i) => `${column} = $${i + 2}`).join(', ');
          await c.query(`UPDATE users SET ${set} WHERE id = $1`, [id, ...columns.map(([, v]) => v)]);
        }
        return toUserRow((await c.query<RawUser>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])).rows[0])!;
      }),
    deleteUser: async (id) => (await guarded(id, 'delete', async (c) => ((await c.query('DELETE FROM users WHERE id = $1', [id])).rowCount ?? 0) > 0)) ?? false,
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
