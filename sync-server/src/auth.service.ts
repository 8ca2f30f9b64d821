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
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { GrantAccess, UserRepository, UserRow } from './user.repository.js';

export type AuthUser = PublicUser & { readonly id: UserId };

export interface AuthServiceOptions {
  readonly users: UserRepository;
  /** Login attempts per (ip, email) per window; default 10 a minute. */
  readonly loginLimitPerEmail?: RateLimiter;
  /** Login attempts per ip per window; default 30 a minute. */
  readonly loginLimitPerIp?: RateLimiter;
  readonly now?: () => number;
}

export interface SignupResult {
  readonly user: AuthUser;
  /** Set only for the first owner, who is logged in at once. */
  readonly token?: string;
}

export interface AuthService {
  needsOwner(): Promise<boolean>;
  signup(input: SignupRequest, callerToken: string | undefined): Promise<SignupResult>;
  login(input: LoginRequest, ip: string): Promise<{ token: string; user: AuthUser }>;
  /** Revokes the token; false when it was unknown or already revoked. */
  logout(token: string): Promise<boolean>;
  authenticate(token: string | undefined): Promise<AuthUser | undefined>;
  /** A new session token for the user: for an in-process service acting as that user's replica (never over HTTP). */
  issueToken(userId: UserId): Promise<string>;
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

const newId = (): UserId => randomBytes(12).toString('base64url') as UserId;
const newToken = (): string => randomBytes(32).toString('base64url');

const toPublic = (row: UserRow): AuthUser => ({ id: row.id, email: row.email, name: row.name, isOwner: row.isOwner });

const unauthorized = (): never => {
  throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
};

export const createAuthService = (options: AuthServiceOptions): AuthService => {
  const { users, now = Date.now } = options;
  const perEmail = options.loginLimitPerEmail ?? createRateLimiter({ limit: 10, windowMs: 60_000, now });
  const perIp = options.loginLimitPerIp ?? createRateLimiter({ limit: 30, windowMs: 60_000, now });
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

  const authenticate = async (token: string | undefined): Promise<AuthUser | undefined> => {
    if (!token || token.length > 256) return undefined;
    const row = await users.findByTokenHash(tokenHash(token));
    return row && toPublic(row);
  };

  const issueToken = async (userId: UserId): Promise<string> => {
    const token = newToken();
    await users.insertToken(tokenHash(token), userId, now());
    return token;
  };

  const ownGrants = (id: UserId): RoomGrant[] => [{ room: catalogRoom(id), access: 'admin' }];

  return {
    needsOwner: async () => (await users.countUsers()) === 0,

    async signup(input, callerToken) {
      const first = (await users.countUsers()) === 0;
      if (!first) {
        const caller = (await authenticate(callerToken)) ?? unauthorized();
        if (!caller.isOwner) throw new HttpError(403, 'forbidden', 'only the owner can create accounts');
      }
      if (await users.findByEmail(input.email)) throw new HttpError(409, 'emailTaken', 'an account with this email exists');
      const passwordHash = await hashPassword(input.password);
      const row = await users.insertUser({ id: newId(), email: input.email, name: input.name, passwordHash }, ownGrants, first ? 'first' : 'additional');
      // Lost a race: another first signup won, or the email was taken meanwhile.
      if (!row) throw new HttpError(409, 'conflict', 'the server state changed; retry');
      const user = toPublic(row);
      return first ? { user, token: await issueToken(user.id) } : { user };
    },

    async login(input, ip) {
      const emailKey = `${ip}\n${input.email.toLowerCase()}`;
      if (!perIp.hit(ip) || !perEmail.hit(emailKey)) throw new HttpError(429, 'rateLimited', 'too many login attempts; wait a minute');
      const row = await users.findByEmail(input.email);
      const ok = await verifyPassword(input.password, row?.passwordHash ?? (await DUMMY_HASH_PROMISE()));
      if (!row || !ok) throw new HttpError(401, 'invalidCredentials', 'wrong email or password');
      perEmail.reset(emailKey);
      return { token: await issueToken(row.id), user: toPublic(row) };
    },

    async logout(token) {
      const hash = tokenHash(token);
      if (!(await users.revokeToken(hash, now()))) return false;
      notify(revokeListeners, hash);
      return true;
    },

    authenticate,
    issueToken,

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
