/**
 * Accounts storage: users, session tokens (stored only as SHA-256 hashes) and room grants. The
 * async UserRepository interface, and its embedded implementation on the relay's SQLite file;
 * the PostgreSQL one (scale-out mode, shared by every node) is postgres-user.repository.ts.
 *
 *   const users = createUserRepository(db)
 *   const row = await users.findByTokenHash(sha256(token))
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

export interface NewUser {
  readonly id: UserId;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

/** One user's grant for a room, as listed for the room's admins. */
export interface RoomMember {
  readonly userId: UserId;
  readonly email: string;
  readonly name: string;
  readonly access: GrantAccess;
}

export type InsertMode = 'first' | 'additional';

export interface UserRepository {
  countUsers(): Promise<number>;
  /**
   * Inserts a user with the given grants in one transaction. Mode `first` succeeds only on an
   * empty table and makes the owner; `additional` only when an owner exists. Else undefined
   * (also when the email is taken).
   */
  insertUser(user: NewUser, grants: (id: UserId) => readonly RoomGrant[], mode: InsertMode): Promise<UserRow | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<UserRow | undefined>;
  findById(id: UserId): Promise<UserRow | undefined>;
  insertToken(hash: string, userId: UserId, now: number): Promise<void>;
  /** The user of a live (not revoked) token. */
  findByTokenHash(hash: string): Promise<UserRow | undefined>;
  /** Returns true when a live token was revoked. */
  revokeToken(hash: string, now: number): Promise<boolean>;
  /** A user's grants, ordered by room. */
  grantsOf(userId: UserId): Promise<RoomGrant[]>;
  grantOf(userId: UserId, room: string): Promise<GrantAccess | undefined>;
  /** Everyone holding a grant for the room, ordered by email. */
  membersOf(room: string): Promise<RoomMember[]>;
  /** Inserts or replaces the grant. */
  setGrant(userId: UserId, grant: RoomGrant): Promise<void>;
  /** Returns true when a grant was removed. */
  deleteGrant(userId: UserId, room: string): Promise<boolean>;
  close(): Promise<void>;
}

interface RawUser {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_owner: number | boolean;
}

export const toUserRow = (raw: RawUser | undefined): UserRow | undefined =>
  raw && { id: raw.id as UserId, email: raw.email, name: raw.name, passwordHash: raw.password_hash, isOwner: raw.is_owner === 1 || raw.is_owner === true };

export const toRoomMember = (raw: { user_id: string; email: string; name: string; access: GrantAccess }): RoomMember => ({
  userId: raw.user_id as UserId,
  email: raw.email,
  name: raw.name,
  access: raw.access,
});

/** The embedded implementation: synchronous SQLite behind the async interface. */
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
  const members = db.prepare<[string], { user_id: string; email: string; name: string; access: GrantAccess }>(
    'SELECT grants.user_id, users.email, users.name, grants.access FROM grants JOIN users ON users.id = grants.user_id WHERE grants.room = ? ORDER BY users.email COLLATE NOCASE',
  );
  const upsertGrant = db.prepare(
    'INSERT INTO grants (user_id, room, access) VALUES (?, ?, ?) ON CONFLICT (user_id, room) DO UPDATE SET access = excluded.access',
  );
  const removeGrant = db.prepare('DELETE FROM grants WHERE user_id = ? AND room = ?');

  const insertUser = db.transaction((user: NewUser, makeGrants: (id: UserId) => readonly RoomGrant[], mode: InsertMode) => {
    const existing = count.get()!.n;
    if ((mode === 'first') !== (existing === 0) || byEmail.get(user.email)) return undefined;
    insert.run(user.id, user.email, user.name, user.passwordHash, existing === 0 ? 1 : 0, Date.now());
    for (const g of makeGrants(user.id)) upsertGrant.run(user.id, g.room, g.access);
    return toUserRow(byId.get(user.id));
  });

  return {
    countUsers: async () => count.get()!.n,
    insertUser: async (user, makeGrants, mode) => insertUser.immediate(user, makeGrants, mode),
    findByEmail: async (email) => toUserRow(byEmail.get(email)),
    findById: async (id) => toUserRow(byId.get(id)),
    insertToken: async (hash, userId, now) => void insertToken.run(hash, userId, now),
    findByTokenHash: async (hash) => toUserRow(byToken.get(hash)),
    revokeToken: async (hash, now) => revoke.run(now, hash).changes > 0,
    grantsOf: async (userId) => grants.all(userId).map((g) => ({ room: g.room, access: g.access })),
    grantOf: async (userId, room) => grant.get(userId, room)?.access,
    membersOf: async (room) => members.all(room).map(toRoomMember),
    setGrant: async (userId, g) => void upsertGrant.run(userId, g.room, g.access),
    deleteGrant: async (userId, room) => removeGrant.run(userId, room).changes > 0,
    close: async () => undefined, // the database is shared with the room repository and closed by its owner
  };
};
