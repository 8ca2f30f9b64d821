/**
 * SQL for accounts: users, session tokens (stored only as SHA-256 hashes) and room grants.
 * The only auth code that touches SQLite; the service above it holds the rules.
 *
 *   const users = createUserRepository(db)
 *   const row = users.findByTokenHash(sha256(token))
 */
import type { RoomGrant, UserId } from '../../protocol/src/index.js';
import type { SqliteDatabase } from './database.js';

export type GrantAccess = RoomGrant['access'];

export interface UserRow {
  readonly id: UserId;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly isOwner: boolean;
}

interface RawUser {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_owner: number;
}

const toUser = (raw: RawUser | undefined): UserRow | undefined =>
  raw && { id: raw.id as UserId, email: raw.email, name: raw.name, passwordHash: raw.password_hash, isOwner: raw.is_owner === 1 };

export interface NewUser {
  readonly id: UserId;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

export interface UserRepository {
  countUsers(): number;
  /**
   * Inserts a user with the given grants in one transaction. Mode `first` succeeds only on an
   * empty table and makes the owner; `additional` only when an owner exists. Else undefined.
   */
  insertUser(user: NewUser, grants: (id: UserId) => readonly RoomGrant[], mode: 'first' | 'additional'): UserRow | undefined;
  findByEmail(email: string): UserRow | undefined;
  findById(id: UserId): UserRow | undefined;
  insertToken(hash: string, userId: UserId, now: number): void;
  findByTokenHash(hash: string): UserRow | undefined;
  /** Returns true when a live token was revoked. */
  revokeToken(hash: string, now: number): boolean;
  grantsOf(userId: UserId): RoomGrant[];
  grantOf(userId: UserId, room: string): GrantAccess | undefined;
  setGrant(userId: UserId, grant: RoomGrant): void;
  /** Returns true when a grant was removed. */
  deleteGrant(userId: UserId, room: string): boolean;
}

export const createUserRepository = (db: SqliteDatabase): UserRepository => {
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  const insert = db.prepare('INSERT INTO users (id, email, name, password_hash, is_owner, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const byEmail = db.prepare<[string], RawUser>('SELECT * FROM users WHERE email = ? COLLATE NOCASE');
  const byId = db.prepare<[string], RawUser>('SELECT * FROM users WHERE id = ?');
  const insertToken = db.prepare('INSERT INTO tokens (hash, user_id, created_at) VALUES (?, ?, ?)');
  const byToken = db.prepare<[string], RawUser>(
    'SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = ? AND tokens.revoked_at IS NULL',
  );
  const revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL');
  const grants = db.prepare<[string], RoomGrant>('SELECT room, access FROM grants WHERE user_id = ? ORDER BY room');
  const grant = db.prepare<[string, string], { access: GrantAccess }>('SELECT access FROM grants WHERE user_id = ? AND room = ?');
  const upsertGrant = db.prepare(
    'INSERT INTO grants (user_id, room, access) VALUES (?, ?, ?) ON CONFLICT (user_id, room) DO UPDATE SET access = excluded.access',
  );

  const removeGrant = db.prepare('DELETE FROM grants WHERE user_id = ? AND room = ?');

  const insertUser = db.transaction((user: NewUser, makeGrants: (id: UserId) => readonly RoomGrant[], mode: 'first' | 'additional') => {
    const existing = count.get()!.n;
    if ((mode === 'first') !== (existing === 0)) return undefined;
    insert.run(user.id, user.email, user.name, user.passwordHash, existing === 0 ? 1 : 0, Date.now());
    for (const g of makeGrants(user.id)) upsertGrant.run(user.id, g.room, g.access);
    return toUser(byId.get(user.id));
  });

  return {
    countUsers: () => count.get()!.n,
    insertUser: (user, makeGrants, mode) => insertUser.immediate(user, makeGrants, mode),
    findByEmail: (email) => toUser(byEmail.get(email)),
    findById: (id) => toUser(byId.get(id)),
    insertToken: (hash, userId, now) => void insertToken.run(hash, userId, now),
    findByTokenHash: (hash) => toUser(byToken.get(hash)),
    revokeToken: (hash, now) => revoke.run(now, hash).changes > 0,
    grantsOf: (userId) => grants.all(userId).map((g) => ({ room: g.room, access: g.access })),
    grantOf: (userId, room) => grant.get(userId, room)?.access,
    setGrant: (userId, g) => void upsertGrant.run(userId, g.room, g.access),
    deleteGrant: (userId, room) => removeGrant.run(userId, room).changes > 0,
  };
};
