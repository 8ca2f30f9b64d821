/**
 * What every account route shares at the HTTP edge: who is calling (401/403 otherwise), where
 * from (the proxy's X-Forwarded-For only when it is trusted), the session cookie (`Secure` when
 * served over HTTPS, as a trusted proxy reports it) and strict parsing of optional body fields.
 *
 *   const http = createAuthHttp(auth, { trustProxy: true })
 *   const admin = await http.requireAdmin(req)
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpError, SESSION_COOKIE, bearerToken, requireString, type HttpRequest, type HttpRoute } from '../../protocol/src/index.js';
import type { AuthService, AuthUser } from './auth.service.js';
import type { SessionInfo } from './user.repository.js';

export interface HttpTrust {
  /**
   * The relay sits behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto
   * (`SHOEBOX_TRUST_PROXY=1`); default false, when those headers are anyone's to forge.
   */
  readonly trustProxy?: boolean;
  /** Always mark the cookie `Secure` (the relay is only reached over HTTPS); default false. */
  readonly secureCookies?: boolean;
}

export interface AuthHttp {
  /** The caller, or 401. */
  requireUser(req: HttpRequest): Promise<AuthUser>;
  /** The caller when an administrator; 401 without a session, 403 for anyone else (before any lookup). */
  requireAdmin(req: HttpRequest): Promise<AuthUser>;
  clientAddress(req: HttpRequest): string;
  sessionInfo(req: HttpRequest): SessionInfo;
  sessionCookie(req: HttpRequest, token: string): string;
  clearedCookie(req: HttpRequest): string;
}

const MAX_USER_AGENT = 256;

export const createAuthHttp = (auth: AuthService, trust: HttpTrust = {}, cookieMaxAgeMs?: number): AuthHttp => {
  const forwarded = (req: HttpRequest, name: string): string | undefined => {
    if (!trust.trustProxy) return undefined;
    // The last hop is the one our proxy appended; earlier ones are the client's to invent.
    const hops = req.header(name)?.split(',').map((h) => h.trim()).filter(Boolean);
    return hops?.[hops.length - 1]?.slice(0, 64);
  };
  const secure = (req: HttpRequest): boolean => trust.secureCookies === true || forwarded(req, 'x-forwarded-proto')?.toLowerCase() === 'https';
  const attributes = (req: HttpRequest): string => `HttpOnly; SameSite=Strict; Path=/${secure(req) ? '; Secure' : ''}`;
  const requireUser = async (req: HttpRequest): Promise<AuthUser> => {
    const user = await auth.authenticate(bearerToken(req));
    if (!user) throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
    return user;
  };
  const clientAddress = (req: HttpRequest): string => forwarded(req, 'x-forwarded-for') ?? req.remoteAddress;
  return {
    requireUser,
    async requireAdmin(req) {
      const user = await requireUser(req);
      if (!user.isOwner) throw new HttpError(403, 'forbidden', 'only an administrator can do this');
      return user;
    },
    clientAddress,
    sessionInfo(req) {
      const userAgent = req.header('user-agent')?.slice(0, MAX_USER_AGENT);
      return { address: clientAddress(req), ...(userAgent ? { userAgent } : {}) };
    },
    sessionCookie: (req, token) =>
      `${SESSION_COOKIE}=${token}; ${attributes(req)}${cookieMaxAgeMs === undefined ? '' : `; Max-Age=${Math.floor(cookieMaxAgeMs / 1000)}`}`,
    clearedCookie: (req) => `${SESSION_COOKIE}=; ${attributes(req)}; Max-Age=0`,
  };
};

const sameSecret = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** `/metrics` for administrators, or for a scraper holding `scrapeToken` (issue 12: it was public). */
export const guardMetrics = (route: HttpRoute, http: AuthHttp, scrapeToken: string | undefined): HttpRoute => ({
  ...route,
  async handle(req, params) {
    const token = bearerToken(req);
    if (!(scrapeToken !== undefined && token !== undefined && sameSecret(token, scrapeToken))) await http.requireAdmin(req);
    return route.handle(req, params);
  },
});

/** The body as a plain object whose keys are all in `allowed`; else 400. */
export const readFields = (body: unknown, allowed: readonly string[]): Readonly<Record<string, unknown>> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'invalidBody', 'the body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new HttpError(400, 'invalidField', `unknown field ${JSON.stringify(unknown[0]!.slice(0, 64))}`);
  return body as Record<string, unknown>;
};

export const optionalBoolean = (fields: Readonly<Record<string, unknown>>, name: string): boolean | undefined => {
  const value = fields[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new HttpError(400, 'invalidField', `${name} must be true or false`);
};

/** Quotas up to 1 PiB, whole bytes; null clears (the server default applies). */
const MAX_QUOTA = 2 ** 50;
export const optionalQuota = (fields: Readonly<Record<string, unknown>>): number | null | undefined => {
  const value = fields.quotaBytes;
  if (value === undefined || value === null) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_QUOTA) return value;
  throw new HttpError(400, 'invalidField', `quotaBytes must be null or a whole number of bytes from 0 to ${MAX_QUOTA}`);
};

export const optionalString = (fields: Readonly<Record<string, unknown>>, name: string, max: number): string | undefined =>
  fields[name] === undefined ? undefined : requireString(fields, name, max);
