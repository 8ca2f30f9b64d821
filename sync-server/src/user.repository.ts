/**
 * Accounts storage: users (admin flag, quota, disabled), session tokens (stored only as SHA-256
 * hashes, with last use, browser and address) and room grants. The
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
  /** An administrator (the first account, and whoever an administrator promotes). */
  readonly isOwner: boolean;
  readonly createdAt: number;
  /** Set while the account is disabled: it cannot log in and keeps no live session; its data stays. */
  readonly disabledAt: number | undefined;
  /** Bytes the blob store lets the user keep; undefined = the server's default. */
  readonly quotaBytes: number | undefined;
}

/** Fields an administrator (or the user, for name and password) changes; null clears. */
export interface UserPatch {
  readonly name?: string;
  readonly passwordHash?: string;
  readonly isOwner?: boolean;
  readonly quotaBytes?: number | null;
  readonly disabledAt?: number | null;
}

/** Refused because no enabled administrator would remain. */
export const LAST_ADMIN = 'lastAdmin';
export type UserChange = UserRow | typeof LAST_ADMIN | undefined;

/** Where a session was opened from, recorded with its token. */
export interface SessionInfo {
  readonly userAgent?: string;
  readonly address?: string;
}

/** One live session (token) of a user. */
export interface SessionRow extends SessionInfo {
  /** The SHA-256 of the token: names the session without revealing it. */
  readonly hash: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
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
  insertToken(hash: string, userId: UserId, now: number, info?: SessionInfo): Promise<void>;
  /** The user of a live (not revoked) token, unless the account is disabled. */
  findByTokenHash(hash: string): Promise<UserRow | undefined>;
  /** Like findByTokenHash, with the session itself (for expiry and renewal). */
  findSession(hash: string): Promise<{ user: UserRow; session: SessionRow } | undefined>;
  /** Records a use of the token (sliding expiry). */
  touchToken(hash: string, now: number): Promise<void>;
  /** Returns true when a live token was revoked. */
  revokeToken(hash: string, now: number): Promise<boolean>;
  /** The user's live sessions, most recently seen first. */
  sessionsOf(userId: UserId): Promise<SessionRow[]>;
  /** Revokes every live token of the user but `keep`; returns the revoked hashes. */
  revokeTokensOf(userId: UserId, now: number, keep?: string): Promise<string[]>;
  /** Every account, ordered by email. */
  listUsers(): Promise<UserRow[]>;
  /** Applies the patch atomically; undefined for an unknown id, LAST_ADMIN when no enabled admin would remain. */
  updateUser(id: UserId, patch: UserPatch): Promise<UserChange>;
  /** Deletes the user with their tokens and grants; false for an unknown id, LAST_ADMIN as in updateUser. */
  deleteUser(id: UserId): Promise<boolean | typeof LAST_ADMIN>;
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

export interface RawUser {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_owner: number | boolean;
  created_at: number | string;
  disabled_at: number | string | null;
  quota_bytes: number | string | null;
}

export interface RawSession {
  hash: string;
  created_at: number | string;
  last_seen_at: number | string | null;
  user_agent: string | null;
  address: string | null;
}

/** PostgreSQL BIGINTs arrive as strings. */
const optionalNumber = (value: number | string | null): number | undefined => (value === null ? undefined : Number(value));

export const toUserRow = (raw: RawUser | undefined): UserRow | undefined =>
  raw && {
    id: raw.id as UserId,
    email: raw.email,
    name: raw.name,
    passwordHash: raw.password_hash,
    isOwner: raw.is_owner === 1 || raw.is_owner === true,
    createdAt: Number(raw.created_at),
    disabledAt: optionalNumber(raw.disabled_at),
    quotaBytes: optionalNumber(raw.quota_bytes),
  };

export const toSessionRow = (raw: RawSession): SessionRow => ({
  hash: raw.hash,
  createdAt: Number(raw.created_at),
  lastSeenAt: Number(raw.last_seen_at ?? raw.created_at),
  ...(raw.user_agent === null ? {} : { userAgent: raw.user_agent }),
  ...(raw.address === null ? {} : { address: raw.address }),
});

/** True when the user, after the patch, is no longer an enabled administrator while they were one before. */
export const losesAdmin = (row: UserRow, patch: UserPatch | 'delete'): boolean => {
  const enabledAdmin = row.isOwner && row.disabledAt === undefined;
  if (!enabledAdmin) return false;
  return patch === 'delete' || patch.isOwner === false || (patch.disabledAt !== undefined && patch.disabledAt !== null);
};

/** The SET list of a patch, in a fixed column order, with placeholders from `placeholder(i)`. */
export const patchColumns = (patch: UserPatch): [string, unknown][] => {
  const columns: [string, unknown][] = [];
  if (patch.name !== undefined) columns.push(['name', patch.name]);
  if (patch.passwordHash !== undefined) columns.push(['password_hash', patch.passwordHash]);
  if (patch.isOwner !== undefined) columns.push(['is_owner', patch.isOwner]);
  if (patch.quotaBytes !== undefined) columns.push(['quota_bytes', patch.quotaBytes]);
  if (patch.disabledAt !== undefined) columns.push(['disabled_at', patch.disabledAt]);
  return columns;
};

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
  const insertToken = db.prepare('INSERT INTO tokens (hash, user_id, created_at, last_seen_at, user_agent, address) VALUES (?, ?, ?, ?, ?, ?)');
  const byToken = db.prepare<[string], RawUser & { token_hash: string; token_created_at: number; last_seen_at: number | null; user_agent: string | null; address: string | null }>(
    `SELECT users.*, tokens.hash AS token_hash, tokens.created_at AS token_created_at, tokens.last_seen_at, tokens.user_agent, tokens.address
     FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = ? AND tokens.revoked_at IS NULL AND users.disabled_at IS NULL`,
  );
  const touch = db.prepare('UPDATE tokens SET last_seen_at = ? WHERE hash = ? AND revoked_at IS NULL');
  const revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL');
  const sessions = db.prepare<[string], RawSession>(
    'SELECT hash, created_at, last_seen_at, user_agent, address FROM tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY coalesce(last_seen_at, created_at) DESC, hash',
  );
  const revokeAll = db.prepare<[number, string, string], { hash: string }>(
    'UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND hash <> ? AND revoked_at IS NULL RETURNING hash',
  );
  const all = db.prepare<[], RawUser>('SELECT * FROM users ORDER BY email COLLATE NOCASE');
  const otherAdmins = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM users WHERE is_owner = 1 AND disabled_at IS NULL AND id <> ?');
  const remove = db.prepare('DELETE FROM users WHERE id = ?');
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

  const guarded = <T>(id: UserId, patch: UserPatch | 'delete', apply: () => T): T | typeof LAST_ADMIN | undefined => {
    const row = toUserRow(byId.get(id));
    if (!row) return undefined;
    if (losesAdmin(row, patch) && otherAdmins.get(id)!.n === 0) return LAST_ADMIN;
    return apply();
  };
  const updateUser = db.transaction((id: UserId, patch: UserPatch): UserChange =>
    guarded(id, patch, () => {
      const columns = patchColumns(patch);
      const values = columns.map(([, v]) => (typeof v === 'boolean' ? Number(v) : v));
      if (columns.length > 0) db.prepare(`UPDATE users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...values, id);
      return toUserRow(byId.get(id))!;
    }),
  );
  const deleteUser = db.transaction((id: UserId) => guarded(id, 'delete', () => remove.run(id).changes > 0) ?? false);

  return {
    countUsers: async () => count.get()!.n,
    insertUser: async (user, makeGrants, mode) => insertUser.immediate(user, makeGrants, mode),
    findByEmail: async (email) => toUserRow(byEmail.get(email)),
    findById: async (id) => toUserRow(byId.get(id)),
    insertToken: async (hash, userId, now, info = {}) => void insertToken.run(hash, userId, now, now, info.userAgent ?? null, info.address ?? null),
    findByTokenHash: async (hash) => toUserRow(byToken.get(hash)),
    async findSession(hash) {
      const raw = byToken.get(hash);
      return raw && { user: toUserRow(raw)!, session: toSessionRow({ ...raw, hash: raw.token_hash, created_at: raw.token_created_at }) };
    },
    touchToken: async (hash, now) => void touch.run(now, hash),
    revokeToken: async (hash, now) => revoke.run(now, hash).changes > 0,
    sessionsOf: async (userId) => sessions.all(userId).map(toSessionRow),
    revokeTokensOf: async (userId, now, keep = '') => revokeAll.all(now, userId, keep).map((r) => r.hash),
    listUsers: async () => all.all().map((raw) => toUserRow(raw)!),
    updateUser: async (id, patch) => updateUser.immediate(id, patch),
    deleteUser: async (id) => deleteUser.immediate(id),
    grantsOf: async (userId) => grants.all(userId).map((g) => ({ room: g.room, access: g.access })),
    grantOf: async (userId, room) => grant.get(userId, room)?.access,
    membersOf: async (room) => members.all(room).map(toRoomMember),
    setGrant: async (userId, g) => void upsertGrant.run(userId, g.room, g.access),
    deleteGrant: async (userId, room) => removeGrant.run(userId, room).changes > 0,
    close: async () => undefined, // the database is shared with the room repository and closed by its owner
  };
};
