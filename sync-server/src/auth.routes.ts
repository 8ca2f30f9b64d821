/**
 * The `/api` HTTP routes of accounts and health, as transport-agnostic HttpRoute objects.
 * Bodies are validated here, at the edge, before the service sees them.
 *
 *   const routes = createAuthRoutes(auth)
 *   await listen({ port: 0, routes })
 */
import {
  API_VERSION,
  HttpError,
  bearerToken,
  json,
  readJson,
  requireString,
  type HealthResponse,
  type HttpRoute,
  type LoginRequest,
  type SetupStatusResponse,
  type SignupRequest,
} from '../../protocol/src/index.js';
import { createAuthHttp, type AuthHttp } from './auth-http.js';
import type { AuthService } from './auth.service.js';

const MAX_AUTH_BODY = 16 * 1024;
/** Deliberately loose: one @, no spaces; the owner types these for family members. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export const readEmail = (body: unknown): string => {
  const email = requireString(body, 'email', 320).trim();
  if (!EMAIL.test(email)) throw new HttpError(400, 'invalidField', 'email is not a valid address');
  return email;
};

export const readPassword = (body: unknown, field = 'password'): string => {
  const password = requireString(body, field, 1024);
  if (password.length < 8) throw new HttpError(400, 'invalidField', `${field} must be at least 8 characters`);
  return password;
};

export const readName = (body: unknown): string => {
  const name = requireString(body, 'name', 200).trim();
  if (name === '') throw new HttpError(400, 'invalidField', 'name must not be blank');
  return name;
};

export const readSignup = (body: unknown): SignupRequest => ({ email: readEmail(body), password: readPassword(body), name: readName(body) });

export const readLogin = (body: unknown): LoginRequest => ({
  email: readEmail(body),
  password: requireString(body, 'password', 1024),
});

/** What `GET /api/health?detail=1` adds for administrators (issue 14); composed by whoever runs the relay. */
export type HealthDetail = () => Promise<Readonly<Record<string, unknown>>>;

export const createAuthRoutes = (auth: AuthService, http: AuthHttp = createAuthHttp(auth), detail?: HealthDetail): HttpRoute[] => [
  {
    method: 'GET',
    pattern: '/api/health',
    maxBodyBytes: 0,
    async handle(req) {
      const summary = { status: 'ok', version: API_VERSION } satisfies HealthResponse;
      if (req.query.get('detail') !== '1') return json(200, summary);
      await http.requireAdmin(req);
      return json(200, { ...summary, ...(await detail?.()) });
    },
  },
  {
    method: 'GET',
    pattern: '/api/setup',
    maxBodyBytes: 0,
    handle: async () => json(200, { needsOwner: await auth.needsOwner() } satisfies SetupStatusResponse),
  },
  {
    method: 'POST',
    pattern: '/api/auth/signup',
    maxBodyBytes: MAX_AUTH_BODY,
    async handle(req) {
      const input = readSignup(await readJson(req));
      const { user, token } = await auth.signup(input, bearerToken(req), http.sessionInfo(req));
      return token ? json(201, { token, user }, { 'set-cookie': http.sessionCookie(req, token) }) : json(201, { user });
    },
  },
  {
    method: 'POST',
    pattern: '/api/auth/login',
    maxBodyBytes: MAX_AUTH_BODY,
    async handle(req) {
      const input = readLogin(await readJson(req));
      const { token, user } = await auth.login(input, http.clientAddress(req), http.sessionInfo(req));
      return json(200, { token, user }, { 'set-cookie': http.sessionCookie(req, token) });
    },
  },
  {
    method: 'POST',
    pattern: '/api/auth/logout',
    maxBodyBytes: MAX_AUTH_BODY,
    async handle(req) {
      const token = bearerToken(req);
      if (!token || !(await auth.logout(token))) throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
      return json(200, { ok: true }, { 'set-cookie': http.clearedCookie(req) });
    },
  },
  {
    method: 'GET',
    pattern: '/api/me',
    maxBodyBytes: 0,
    handle: async (req) => json(200, await auth.me(bearerToken(req))),
  },
];
