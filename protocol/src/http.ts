/**
 * HTTP API shapes (the table in PROTOCOL.md) and the transport-agnostic route interface that
 * lets blob-store and sync-server define handlers without importing the HTTP server.
 *
 *   const route: HttpRoute = { method: 'GET', pattern: '/api/health', maxBodyBytes: 0, handle: async () => json(200, { status: 'ok', version }) }
 *   throw new HttpError(404, 'notFound', 'no such blob')
 */

export const API_VERSION = '1';

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
export interface HealthResponse {
  readonly status: 'ok';
  readonly version: string;
}
export interface SetupStatusResponse {
  /** True until the first (owner) account exists. */
  readonly needsOwner: boolean;
}
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly isOwner: boolean;
}
export interface SignupRequest {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}
export interface LoginRequest {
  readonly email: string;
  readonly password: string;
}
export interface LoginResponse {
  readonly token: string;
  readonly user: PublicUser;
}
export interface RoomGrant {
  readonly room: string;
  readonly access: 'read' | 'write' | 'admin';
}
/** A room's member as its admins see it (`GET /api/rooms/{room}/grants`). */
export interface RoomMemberGrant {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly access: RoomGrant['access'];
}
export interface RoomGrantsResponse {
  readonly room: string;
  readonly grants: readonly RoomMemberGrant[];
}
/** `PUT /api/rooms/{room}/grants`: the target by email or by user id. */
export interface ShareRoomRequest {
  readonly email?: string;
  readonly userId?: string;
  readonly access: RoomGrant['access'];
}
export interface MeResponse {
  readonly user: PublicUser;
  readonly rooms: readonly RoomGrant[];
}
/** Storage one user holds, as the blob store counts it (`GET /api/admin/users`). */
export interface UserUsage {
  readonly originalsBytes: number;
  readonly derivativesBytes: number;
  readonly assets: number;
}
/** An account as administrators see it; `isAdmin` is PublicUser's `isOwner`. */
export interface AdminUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly isAdmin: boolean;
  readonly disabled: boolean;
  /** Bytes the user may store; null = the server's default. */
  readonly quotaBytes: number | null;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Null where the relay runs without a blob store that reports usage. */
  readonly usage: UserUsage | null;
}
export interface AdminUsersResponse {
  readonly users: readonly AdminUser[];
}
/** `POST /api/admin/users`. */
export interface CreateUserRequest {
  readonly email: string;
  readonly name: string;
  /** The initial password, at least 8 characters; the user changes it in account settings. */
  readonly password: string;
  readonly isAdmin?: boolean;
  readonly quotaBytes?: number | null;
}
/** `PATCH /api/admin/users/{id}`: every field optional; disabling closes the user's sessions at once. */
export interface UpdateUserRequest {
  readonly name?: string;
  readonly isAdmin?: boolean;
  readonly quotaBytes?: number | null;
  readonly disabled?: boolean;
}
/** `POST /api/admin/users/{id}/password`: closes every session of the user. */
export interface ResetPasswordRequest {
  readonly password: string;
}
/** `DELETE /api/admin/users/{id}`: the user's email, typed again, confirms. */
export interface DeleteUserRequest {
  readonly confirmEmail: string;
}
export interface DeleteUserResponse {
  readonly deleted: { readonly id: string; readonly email: string; readonly sessionsClosed: number; readonly grantsRemoved: number };
}
/** One of the caller's sessions (`GET /api/account/sessions`); `id` names it for revocation. */
export interface AccountSession {
  readonly id: string;
  /** The session this request came with. */
  readonly current: boolean;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly userAgent?: string;
  readonly address?: string;
}
export interface AccountSessionsResponse {
  readonly sessions: readonly AccountSession[];
}
/** `PATCH /api/account`. */
export interface UpdateAccountRequest {
  readonly name: string;
}
/** `POST /api/account/password`. */
export interface ChangePasswordRequest {
  readonly currentPassword: string;
  readonly newPassword: string;
  /** Also sign out every other session (default false). */
  readonly closeOtherSessions?: boolean;
}
export interface ChangePasswordResponse {
  readonly closedSessions: number;
}
export interface ExistsRequest {
  readonly hashes: readonly string[];
}
export interface ExistsResponse {
  /** The subset of the requested hashes the server holds and the caller may read. */
  readonly exists: readonly string[];
}
export interface BlobInfoResponse {
  readonly hash: string;
  readonly mime: string;
  readonly size: number;
  /** As displayed, orientation applied. */
  readonly width: number;
  readonly height: number;
  /** Base64 ThumbHash of the image (or a video's poster frame). */
  readonly thumbhash: string;
}
export interface PutBlobResponse {
  readonly hash: string;
  readonly size: number;
  readonly mime: string;
  readonly created: boolean;
}

/** PATCH and OPTIONS serve tus 1.0 resumable uploads (blob-store) natively. */
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header value by lower-case name. */
  header(name: string): string | undefined;
  readonly remoteAddress: string;
  /** Fires when the client goes away mid-request. */
  readonly signal: AbortSignal;
  /**
   * The body as it arrives, at most the route's maxBodyBytes (more ends the stream with
   * HttpError 413). Consume it once; a handler that does not read it gets it discarded.
   */
  body(): AsyncIterable<Uint8Array>;
}

/** A file region to stream; `end` is inclusive. */
export interface FileBody {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string | FileBody;
}

export interface HttpRoute {
  readonly method: HttpMethod;
  /** Literal segments and `:name` parameters, e.g. `/api/blobs/:hash/thumbnail`. */
  readonly pattern: string;
  readonly maxBodyBytes: number;
  handle(req: HttpRequest, params: Readonly<Record<string, string>>): Promise<HttpResponse>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Headers that make the app's pages cross-origin isolated (`crossOriginIsolated === true`), so
 * SharedArrayBuffer exists and onnxruntime-web's WASM runs on several threads. Every resource
 * the app loads is same-origin (blobs, thumbnails, model packs), so `require-corp` blocks nothing;
 * CORP keeps other sites from embedding our files.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

export const isFileBody = (body: HttpResponse['body']): body is FileBody =>
  typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && 'file' in body;

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(value),
});

export const errorResponse = (status: number, code: string, message: string): HttpResponse =>
  json(status, { error: { code, message } } satisfies ApiErrorBody);

/** Reads a whole JSON body (bounded by the route's limit) and parses it without prototype keys. */
export const readJson = async (req: HttpRequest): Promise<unknown> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req.body()) chunks.push(chunk);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(concat(chunks));
  try {
    return JSON.parse(text, (key, value: unknown) => (key === '__proto__' || key === 'constructor' ? undefined : value));
  } catch {
    throw new HttpError(400, 'malformedJson', 'request body is not valid JSON');
  }
};

const concat = (chunks: Uint8Array[]): Uint8Array => {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
};

/** Parses a body field as a bounded string or throws a 400 naming the field. */
export const requireString = (body: unknown, field: string, max = 1024): string => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value.length === 0) throw new HttpError(400, 'invalidField', `${field} must be a non-empty string`);
  if (value.length > max) throw new HttpError(400, 'invalidField', `${field} is longer than ${max} characters`);
  return value;
};

/** The bearer token of a request, from `Authorization: Bearer` or, for GET/HEAD only, the session cookie. */
export const SESSION_COOKIE = 'shoebox_session';
export const bearerToken = (req: HttpRequest): string | undefined => {
  const auth = req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const cookie = req.header('cookie');
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
};
