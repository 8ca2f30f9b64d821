/**
 * Account settings every user manages for themselves: their name, their password (optionally
 * signing out every other session), and their sessions (last seen, browser, address) with revoke.
 * Transport-agnostic; the caller is already authenticated, `token` is the session they came with.
 *
 *   const account = createAccountService({ auth, users })
 *   await account.changePassword(user, token, { currentPassword, newPassword, closeOtherSessions: true })
 */
import { HttpError, type AccountSession, type ChangePasswordRequest, type UserId } from '../../protocol/src/index.js';
import { toAuthUser, tokenHash, type AuthService, type AuthUser } from './auth.service.js';
import { hashPassword, verifyPassword } from './password.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { UserRepository, UserRow } from './user.repository.js';

export interface AccountService {
  rename(user: AuthUser, name: string): Promise<AuthUser>;
  /** Returns how many other sessions were closed. */
  changePassword(user: AuthUser, token: string, change: ChangePasswordRequest): Promise<number>;
  sessions(user: AuthUser, token: string): Promise<AccountSession[]>;
  /** Closes one of the user's own sessions; 404 for any other id (theirs or nobody's alike). */
  revokeSession(user: AuthUser, id: string): Promise<void>;
}

export interface AccountServiceOptions {
  readonly auth: AuthService;
  readonly users: UserRepository;
  /** Password checks per user per window (a stolen session must not brute-force the password); default 10 a minute. */
  readonly passwordChecks?: RateLimiter;
}

const gone = (): never => {
  throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
};

export const createAccountService = ({ auth, users, passwordChecks = createRateLimiter({ limit: 10, windowMs: 60_000 }) }: AccountServiceOptions): AccountService => {
  const rowOf = async (id: UserId): Promise<UserRow> => (await users.findById(id)) ?? gone();
  const updated = async (id: UserId, patch: Parameters<UserRepository['updateUser']>[1]): Promise<UserRow> => {
    const result = await users.updateUser(id, patch);
    // Name and password never touch the admin flag, so LAST_ADMIN cannot come back.
    return typeof result === 'object' ? result : gone();
  };
  return {
    rename: async (user, name) => toAuthUser(await updated(user.id, { name })),

    async changePassword(user, token, change) {
      if (!passwordChecks.hit(user.id)) throw new HttpError(429, 'rateLimited', 'too many password attempts; wait a minute');
      const row = await rowOf(user.id);
      if (!(await verifyPassword(change.currentPassword, row.passwordHash))) {
        throw new HttpError(403, 'invalidCredentials', 'the current password is wrong');
      }
      passwordChecks.reset(user.id);
      await updated(user.id, { passwordHash: await hashPassword(change.newPassword) });
      return change.closeOtherSessions ? auth.revokeSessionsOf(user.id, tokenHash(token)) : 0;
    },

    async sessions(user, token) {
      const current = tokenHash(token);
      return (await users.sessionsOf(user.id)).map((s) => ({
        id: s.hash,
        current: s.hash === current,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        ...(s.userAgent === undefined ? {} : { userAgent: s.userAgent }),
        ...(s.address === undefined ? {} : { address: s.address }),
      }));
    },

    async revokeSession(user, id) {
      if (!(await auth.revokeSession(user.id, id))) throw new HttpError(404, 'sessionNotFound', 'no such session');
    },
  };
};
