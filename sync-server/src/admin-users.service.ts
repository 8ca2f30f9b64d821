/**
 * Administration of accounts: list (with the storage each uses, when a usage source is wired),
 * create, promote or demote, set a quota, disable (sessions closed at once, data kept), reset a
 * password, delete after the email is typed again. Every call takes an administrator as caller;
 * the routes check that before anything is looked up, so others learn nothing about accounts.
 *
 *   const admin = createAdminUserService({ auth, users, usage: (ids) => blobs.usageOf(ids) })
 *   await admin.update(caller, id, { disabled: true })   // the user's sockets close now
 */
import {
  HttpError,
  type AdminUser,
  type CreateUserRequest,
  type DeleteUserResponse,
  type UpdateUserRequest,
  type UserId,
  type UserUsage,
} from '../../protocol/src/index.js';
import { newUserId, ownGrants, type AuthService, type AuthUser } from './auth.service.js';
import { hashPassword } from './password.js';
import { LAST_ADMIN, type UserChange, type UserPatch, type UserRepository, type UserRow } from './user.repository.js';

/**
 * What the blob store counts per user. The relay knows accounts, not bytes: whoever runs both
 * (scripts/serve.ts) passes one; without it `usage` reads null.
 */
export type UsageSource = (ids: readonly UserId[]) => Promise<ReadonlyMap<UserId, UserUsage>>;

export interface AdminUserService {
  list(caller: AuthUser): Promise<AdminUser[]>;
  create(caller: AuthUser, input: CreateUserRequest): Promise<AdminUser>;
  update(caller: AuthUser, id: string, change: UpdateUserRequest): Promise<AdminUser>;
  /** Sets a new password and closes every session of the user. */
  resetPassword(caller: AuthUser, id: string, password: string): Promise<AdminUser>;
  /** Deletes the account, its sessions and grants, when `confirmEmail` matches its email. */
  remove(caller: AuthUser, id: string, confirmEmail: string): Promise<DeleteUserResponse['deleted']>;
}

export interface AdminUserServiceOptions {
  readonly auth: AuthService;
  readonly users: UserRepository;
  readonly usage?: UsageSource;
  readonly now?: () => number;
}

const notFound = (): never => {
  throw new HttpError(404, 'userNotFound', 'no such user');
};

const lastAdmin = (): never => {
  throw new HttpError(409, 'lastAdmin', 'at least one enabled administrator must remain');
};

const toAdminUser = (row: UserRow, usage: UserUsage | undefined): AdminUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.isOwner,
  disabled: row.disabledAt !== undefined,
  quotaBytes: row.quotaBytes ?? null,
  createdAt: row.createdAt,
  usage: usage ?? null,
});

const changed = (result: UserChange): UserRow => (result === LAST_ADMIN ? lastAdmin() : (result ?? notFound()));

export const createAdminUserService = ({ auth, users, usage, now = Date.now }: AdminUserServiceOptions): AdminUserService => {
  const assertAdmin = (caller: AuthUser): void => {
    if (!caller.isOwner) throw new HttpError(403, 'forbidden', 'only an administrator can do this');
  };
  const usageOf = async (ids: readonly UserId[]): Promise<ReadonlyMap<UserId, UserUsage>> => {
    if (!usage || ids.length === 0) return new Map();
    try {
      return await usage(ids);
    } catch (err) {
      console.warn('admin: storage usage unavailable', err);
      return new Map(); // the list still answers; usage reads null
    }
  };
  const describe = async (row: UserRow): Promise<AdminUser> => toAdminUser(row, (await usageOf([row.id])).get(row.id));
  const target = async (caller: AuthUser, id: string): Promise<UserRow> => {
    assertAdmin(caller);
    return (await users.findById(id as UserId)) ?? notFound();
  };
  const refuseSelf = (caller: AuthUser, row: UserRow, what: string): void => {
    if (row.id === caller.id) throw new HttpError(409, 'ownAccount', `you cannot ${what} your own account; ask another administrator`);
  };

  return {
    async list(caller) {
      assertAdmin(caller);
      const rows = await users.listUsers();
      const counted = await usageOf(rows.map((r) => r.id));
      return rows.map((row) => toAdminUser(row, counted.get(row.id)));
    },

    async create(caller, input) {
      assertAdmin(caller);
      if (await users.findByEmail(input.email)) throw new HttpError(409, 'emailTaken', 'an account with this email exists');
      const passwordHash = await hashPassword(input.password);
      const row = await users.insertUser({ id: newUserId(), email: input.email, name: input.name, passwordHash }, ownGrants, 'additional');
      if (!row) throw new HttpError(409, 'emailTaken', 'an account with this email exists');
      const patch: UserPatch = { ...(input.isAdmin ? { isOwner: true } : {}), ...(input.quotaBytes == null ? {} : { quotaBytes: input.quotaBytes }) };
      return describe(Object.keys(patch).length > 0 ? changed(await users.updateUser(row.id, patch)) : row);
    },

    async update(caller, id, change) {
      const row = await target(caller, id);
      if (change.disabled === true || change.isAdmin === false) refuseSelf(caller, row, change.disabled ? 'disable' : 'demote');
      const patch: UserPatch = {
        ...(change.name === undefined ? {} : { name: change.name }),
        ...(change.isAdmin === undefined ? {} : { isOwner: change.isAdmin }),
        ...(change.quotaBytes === undefined ? {} : { quotaBytes: change.quotaBytes }),
        ...(change.disabled === undefined || change.disabled === (row.disabledAt !== undefined) ? {} : { disabledAt: change.disabled ? now() : null }),
      };
      const updated = changed(await users.updateUser(row.id, patch));
      if (change.disabled === true) await auth.revokeSessionsOf(row.id);
      return describe(updated);
    },

    async resetPassword(caller, id, password) {
      const row = await target(caller, id);
      const updated = changed(await users.updateUser(row.id, { passwordHash: await hashPassword(password) }));
      await auth.revokeSessionsOf(row.id);
      return describe(updated);
    },

    async remove(caller, id, confirmEmail) {
      const row = await target(caller, id);
      refuseSelf(caller, row, 'delete');
      if (confirmEmail.trim().toLowerCase() !== row.email.toLowerCase()) {
        throw new HttpError(400, 'confirmationMismatch', 'confirmEmail must be the email of the account being deleted');
      }
      const grants = (await users.grantsOf(row.id)).length;
      const sessions = await auth.revokeSessionsOf(row.id);
      const result = await users.deleteUser(row.id);
      if (result === LAST_ADMIN) lastAdmin();
      if (!result) notFound();
      return { id: row.id, email: row.email, sessionsClosed: sessions, grantsRemoved: grants };
    },
  };
};
