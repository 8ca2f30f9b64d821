/**
 * The `/api/account` HTTP routes (PROTOCOL.md, "Account settings"): the signed-in user changes
 * their name and password and manages their sessions. 401 without a session; bodies validated
 * here (unknown fields refused, sizes capped) before AccountService acts.
 *
 *   const routes = createAccountRoutes(createAccountService({ auth, users }), createAuthHttp(auth))
 *   // DELETE /api/account/sessions/{id}
 */
import {
  HttpError,
  bearerToken,
  json,
  readJson,
  requireString,
  type AccountSessionsResponse,
  type ChangePasswordRequest,
  type ChangePasswordResponse,
  type HttpRequest,
  type HttpRoute,
} from '../../protocol/src/index.js';
import type { AccountService } from './account.service.js';
import { optionalBoolean, readFields, type AuthHttp } from './auth-http.js';
import { readName, readPassword } from './auth.routes.js';

const MAX_ACCOUNT_BODY = 8 * 1024;

export const readChangePassword = (body: unknown): ChangePasswordRequest => {
  const fields = readFields(body, ['currentPassword', 'newPassword', 'closeOtherSessions']);
  const closeOtherSessions = optionalBoolean(fields, 'closeOtherSessions');
  return {
    currentPassword: requireString(fields, 'currentPassword', 1024),
    newPassword: readPassword(fields, 'newPassword'),
    ...(closeOtherSessions === undefined ? {} : { closeOtherSessions }),
  };
};

export const createAccountRoutes = (account: AccountService, http: AuthHttp): HttpRoute[] => {
  /** The caller and the token they came with (authenticated, so present). */
  const caller = async (req: HttpRequest) => ({ user: await http.requireUser(req), token: bearerToken(req)! });
  return [
    {
      method: 'PATCH',
      pattern: '/api/account',
      maxBodyBytes: MAX_ACCOUNT_BODY,
      async handle(req) {
        const { user } = await caller(req);
        return json(200, { user: await account.rename(user, readName(readFields(await readJson(req), ['name']))) });
      },
    },
    {
      method: 'POST',
      pattern: '/api/account/password',
      maxBodyBytes: MAX_ACCOUNT_BODY,
      async handle(req) {
        const { user, token } = await caller(req);
        const closedSessions = await account.changePassword(user, token, readChangePassword(await readJson(req)));
        return json(200, { closedSessions } satisfies ChangePasswordResponse);
      },
    },
    {
      method: 'GET',
      pattern: '/api/account/sessions',
      maxBodyBytes: 0,
      async handle(req) {
        const { user, token } = await caller(req);
        return json(200, { sessions: await account.sessions(user, token) } satisfies AccountSessionsResponse);
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/account/sessions/:id',
      maxBodyBytes: 0,
      async handle(req, { id }) {
        const { user } = await caller(req);
        if (id!.length > 64) throw new HttpError(404, 'sessionNotFound', 'no such session');
        await account.revokeSession(user, id!);
        return json(200, { ok: true });
      },
    },
  ];
};
