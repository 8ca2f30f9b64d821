/**
 * The `/api/admin/users` HTTP routes (PROTOCOL.md, "Administration"). The caller is checked first
 * (401 without a session, 403 for a non-administrator, whatever the id), then the body is
 * validated (unknown fields refused, sizes capped), then AdminUserService acts.
 *
 *   const routes = createAdminUserRoutes(createAdminUserService({ auth, users }), createAuthHttp(auth))
 *   // PATCH /api/admin/users/{id} {"disabled":true}
 */
import {
  HttpError,
  json,
  readJson,
  requireString,
  type AdminUsersResponse,
  type CreateUserRequest,
  type DeleteUserResponse,
  type HttpRoute,
  type UpdateUserRequest,
} from '../../protocol/src/index.js';
import type { AdminUserService } from './admin-users.service.js';
import { optionalBoolean, optionalQuota, readFields, type AuthHttp } from './auth-http.js';
import { readEmail, readName, readPassword } from './auth.routes.js';

const MAX_ADMIN_BODY = 8 * 1024;
const MAX_ID = 128;

export const readCreateUser = (body: unknown): CreateUserRequest => {
  const fields = readFields(body, ['email', 'name', 'password', 'isAdmin', 'quotaBytes']);
  const isAdmin = optionalBoolean(fields, 'isAdmin');
  const quotaBytes = optionalQuota(fields);
  return {
    email: readEmail(fields),
    name: readName(fields),
    password: readPassword(fields),
    ...(isAdmin === undefined ? {} : { isAdmin }),
    ...(quotaBytes === undefined ? {} : { quotaBytes }),
  };
};

export const readUpdateUser = (body: unknown): UpdateUserRequest => {
  const fields = readFields(body, ['name', 'isAdmin', 'quotaBytes', 'disabled']);
  const change: UpdateUserRequest = {
    ...(fields.name === undefined ? {} : { name: readName(fields) }),
    ...(fields.isAdmin === undefined ? {} : { isAdmin: optionalBoolean(fields, 'isAdmin')! }),
    ...(fields.quotaBytes === undefined ? {} : { quotaBytes: optionalQuota(fields)! }),
    ...(fields.disabled === undefined ? {} : { disabled: optionalBoolean(fields, 'disabled')! }),
  };
  if (Object.keys(fields).length === 0) throw new HttpError(400, 'invalidBody', 'give at least one of name, isAdmin, quotaBytes, disabled');
  return change;
};

const idOf = (params: Readonly<Record<string, string>>): string => {
  const id = params.id!;
  if (id.length > MAX_ID) throw new HttpError(404, 'userNotFound', 'no such user');
  return id;
};

export const createAdminUserRoutes = (admin: AdminUserService, http: AuthHttp): HttpRoute[] => [
  {
    method: 'GET',
    pattern: '/api/admin/users',
    maxBodyBytes: 0,
    handle: async (req) => json(200, { users: await admin.list(await http.requireAdmin(req)) } satisfies AdminUsersResponse),
  },
  {
    method: 'POST',
    pattern: '/api/admin/users',
    maxBodyBytes: MAX_ADMIN_BODY,
    async handle(req) {
      const caller = await http.requireAdmin(req);
      return json(201, { user: await admin.create(caller, readCreateUser(await readJson(req))) });
    },
  },
  {
    method: 'PATCH',
    pattern: '/api/admin/users/:id',
    maxBodyBytes: MAX_ADMIN_BODY,
    async handle(req, params) {
      const caller = await http.requireAdmin(req);
      return json(200, { user: await admin.update(caller, idOf(params), readUpdateUser(await readJson(req))) });
    },
  },
  {
    method: 'POST',
    pattern: '/api/admin/users/:id/password',
    maxBodyBytes: MAX_ADMIN_BODY,
    async handle(req, params) {
      const caller = await http.requireAdmin(req);
      const password = readPassword(readFields(await readJson(req), ['password']));
      return json(200, { user: await admin.resetPassword(caller, idOf(params), password) });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/admin/users/:id',
    maxBodyBytes: MAX_ADMIN_BODY,
    async handle(req, params) {
      const caller = await http.requireAdmin(req);
      const confirmEmail = requireString(readFields(await readJson(req), ['confirmEmail']), 'confirmEmail', 320);
      return json(200, { deleted: await admin.remove(caller, idOf(params), confirmEmail) } satisfies DeleteUserResponse);
    },
  },
];
