/**
 * Accounts and sessions: first-owner setup, owner-created accounts, login with rate limits,
 * revocable bearer tokens, and per-room grants. Transport-agnostic; errors are HttpErrors
 * with a machine-readable code so any transport can answer them.
 *
 *   const auth = createAuthService({ users: createUserRepository(db) })
 *   const user = await auth.authenticate(token)   // undefined when unknown or revoked
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  HttpError,
  catalogRoom,
  isRoomId,
  type LoginRequest,
  type MeResponse,
  type PublicUser,
  type RoomGrant,
  type SignupRequest,
  type UserId,
} from '../../protocol/src/index.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { createLoginLimiter, type LoginLimiter } from './auth-login-limiter.js';
import type { GrantAccess, SessionInfo, UserRepository, UserRow } from './user.repository.js';

/** A signed-in user; `quotaBytes` (undefined = the server default) is for the blob store's quota check. */
export type AuthUser = PublicUser & { readonly id: UserId; readonly quotaBytes?: number };

/** How long a session lives: it expires after `idleMs` unused or `maxAgeMs` after login, whichever comes first. */
export interface SessionPolicy {
  /** Default 30 days; each use renews it (sliding expiry). */
  readonly idleMs: number;
  /** Default 365 days: even a session in daily use signs in again once a year. */
  readonly maxAgeMs: number;
  /** A use is written back at most this often per session; default 1 minute (keeps reads off the disk). */
  readonly renewEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 86_400_000, maxAgeMs: 365 * 86_400_000, renewEveryMs: 60_000 };

export interface AuthServiceOptions {
  readonly users: UserRepository;
  /** Backoff of failed logins; default createLoginLimiter() (per account and address, see there). */
  readonly loginLimiter?: LoginLimiter;
  readonly now?: () => number;
  readonly sessions?: Partial<SessionPolicy>;
}

export interface SignupResult {
  readonly user: AuthUser;
  /** Set only for the first owner, who is logged in at once. */
  readonly token?: string;
}

export interface AuthService {
  needsOwner(): Promise<boolean>;
  signup(input: SignupRequest, callerToken: string | undefined, info?: SessionInfo): Promise<SignupResult>;
  login(input: LoginRequest, ip: string, info?: SessionInfo): Promise<{ token: string; user: AuthUser }>;
  /** Revokes the token; false when it was unknown or already revoked. */
  logout(token: string): Promise<boolean>;
  /** The token's user; undefined when it is unknown, revoked, expired or the account is disabled. Renews the session. */
  authenticate(token: string | undefined): Promise<AuthUser | undefined>;
  /** A new session token for the user: for an in-process service acting as that user's replica (never over HTTP). */
  issueToken(userId: UserId, info?: SessionInfo): Promise<string>;
  /** Revokes one session of the user by its hash (false when it is not theirs or not live); live sockets close. */
  revokeSession(userId: UserId, hash: string): Promise<boolean>;
  /** Revokes every session of the user but `keep` (a hash); live sockets close. Returns how many. */
  revokeSessionsOf(userId: UserId, keep?: string): Promise<number>;
  me(token: string | undefined): Promise<MeResponse>;
  accessFor(userId: UserId, room: string): Promise<GrantAccess | undefined>;
  /** True when the user holds any grant (read, write or admin) for the room: e.g. blob reads of a shared album. */
  canReadRoom(userId: UserId, room: string): Promise<boolean>;
  /** True when the user may add to the room (write or admin): e.g. registering a blob in a shared album. */
  canWriteRoom(userId: UserId, room: string): Promise<boolean>;
  /** Called with the SHA-256 of each revoked token, so live sessions using it can be closed. */
  onRevoke(listener: (tokenHash: string) => void): () => void;
  /** Sets (or, with `undefined`, revokes) a user's grant for a room; live sessions follow at once. */
  setGrant(userId: UserId, room: string, access: GrantAccess | undefined): Promise<void>;
  onGrantChange(listener: (userId: UserId, room: string) => void): () => void;
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const newUserId = (): UserId => randomBytes(12).toString('base64url') as UserId;
/** Every account starts as the admin of its own catalog. */
export const ownGrants = (id: UserId): RoomGrant[] => [{ room: catalogRoom(id), access: 'admin' }];
const newToken = (): string => randomBytes(32).toString('base64url');

export const toAuthUser = (row: UserRow): AuthUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isOwner: row.isOwner,
  ...(row.quotaBytes === undefined ? {} : { quotaBytes: row.quotaBytes }),
});
const toPublic = toAuthUser;

const unauthorized = (): never => {
  throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
};

export const createAuthService = (options: AuthServiceOptions): AuthService => {
  const { users, now = Date.now } = options;
  const policy: SessionPolicy = { ...DEFAULT_SESSION_POLICY, ...options.sessions };
  const limiter = options.loginLimiter ?? createLoginLimiter({ now });
  const revokeListeners = new Set<(hash: string) => void>();
  const grantListeners = new Set<(userId: UserId, room: string) => void>();
  const notify = <A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void => {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (err) {
        console.error('auth listener failed', err);
      }
    }
  };

  const revokeHashes = (hashes: readonly string[]): number => {
    for (const hash of hashes) notify(revokeListeners, hash);
    return hashes.length;
  };

  const authenticate = async (token: string | undefined): Promise<AuthUser | undefined> => {
    if (!token || token.length > 256) return undefined;
    const hash = tokenHash(token);
    const found = await users.findSession(hash);
    if (!found) return undefined;
    const t = now();
    const { session } = found;
    if (t - session.lastSeenAt > policy.idleMs || t - session.createdAt > policy.maxAgeMs) {
      if (await users.revokeToken(hash, t)) revokeHashes([hash]);
      return undefined;
    }
    if (t - session.lastSeenAt >= policy.renewEveryMs) await users.touchToken(hash, t);
    return toPublic(found.user);
  };

  const issueToken = async (userId: UserId, info?: SessionInfo): Promise<string> => {
    const token = newToken();
    await users.insertToken(tokenHash(token), userId, now(), info);
    return token;
  };


  return {
    needsOwner: async () => (await users.countUsers()) === 0,

    async signup(input, callerToken, info) {
      const first = (await users.countUsers()) === 0;
      if (!first) {
        const caller = (await authenticate(callerToken)) ?? unauthorized();
        if (!caller.isOwner) throw new HttpError(403, 'forbidden', 'only the owner can create accounts');
      }
      if (await users.findByEmail(input.email)) throw new HttpError(409, 'emailTaken', 'an account with this email exists');
      const passwordHash = await hashPassword(input.password);
      const row = await users.insertUser({ id: newUserId(), email: input.email, name: input.name, passwordHash }, ownGrants, first ? 'first' : 'additional');
      // Lost a race: another first signup won, or the email was taken meanwhile.
      if (!row) throw new HttpError(409, 'conflict', 'the server state changed; retry');
      const user = toPublic(row);
      return first ? { user, token: await issueToken(user.id, info) } : { user };
    },

    async login(input, ip, info) {
      limiter.check(input.email, ip);
      const row = await users.findByEmail(input.email);
      const ok = await verifyPassword(input.password, row?.passwordHash ?? (await DUMMY_HASH_PROMISE()));
      if (!row || !ok) {
        limiter.failed(input.email, ip);
        throw new HttpError(401, 'invalidCredentials', 'wrong email or password');
      }
      limiter.succeeded(input.email, ip);
      if (row.disabledAt !== undefined) throw new HttpError(403, 'accountDisabled', 'this account is disabled; ask an administrator');
      return { token: await issueToken(row.id, info), user: toPublic(row) };
    },

    async logout(token) {
      const hash = tokenHash(token);
      if (!(await users.revokeToken(hash, now()))) return false;
      notify(revokeListeners, hash);
      return true;
    },

    authenticate,
    issueToken,

    async revokeSession(userId, hash) {
      const own = (await users.sessionsOf(userId)).some((s) => s.hash === hash);
      return own && (await users.revokeToken(hash, now())) && revokeHashes([hash]) === 1;
    },

    revokeSessionsOf: async (userId, keep) => revokeHashes(await users.revokeTokensOf(userId, now(), keep)),

    async me(token) {
      const user = (await authenticate(token)) ?? unauthorized();
      return { user, rooms: await users.grantsOf(user.id) };
    },

    accessFor: (userId, room) => users.grantOf(userId, room),
    canReadRoom: async (userId, room) => isRoomId(room) && (await users.grantOf(userId, room)) !== undefined,
    canWriteRoom: async (userId, room) => {
      const grant = isRoomId(room) ? await users.grantOf(userId, room) : undefined;
      return grant === 'write' || grant === 'admin';
    },

    onRevoke(listener) {
      revokeListeners.add(listener);
      return () => revokeListeners.delete(listener);
    },

    async setGrant(userId, room, access) {
      if (!isRoomId(room)) throw new HttpError(400, 'invalidField', 'room is not a valid room id');
      if (access === undefined) await users.deleteGrant(userId, room);
      else await users.setGrant(userId, { room, access });
      notify(grantListeners, userId, room);
    },

    onGrantChange(listener) {
      grantListeners.add(listener);
      return () => grantListeners.delete(listener);
    },
  };
};
