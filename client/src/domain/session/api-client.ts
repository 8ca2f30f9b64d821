/**
 * Typed calls to the same-origin HTTP API. Failures become ApiError carrying the server's
 * `{error:{code,message}}` so screens can show the message as is.
 *
 *   const api = createApiClient(() => session.token);
 *   const { token, user } = await api.login({ email, password });
 */
import type {
  ApiErrorBody,
  ExistsResponse,
  LoginRequest,
  LoginResponse,
  MeResponse,
  RoomGrantsResponse,
  RoomMemberGrant,
  ShareRoomRequest,
  SetupStatusResponse,
  SignupRequest,
} from '../../../../protocol/src/index.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Status 0: the request never got an HTTP answer (offline, server down). */
export const isNetworkError = (err: unknown): boolean => err instanceof ApiError && err.status === 0;

const isErrorBody = (value: unknown): value is ApiErrorBody =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ApiErrorBody).error === 'object' &&
  typeof (value as ApiErrorBody).error?.message === 'string';

/** Turns a failed response into an ApiError, preferring the server's own message. */
export const apiErrorFrom = (status: number, bodyText: string): ApiError => {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (isErrorBody(body)) return new ApiError(status, body.error.code, body.error.message);
  } catch {
    // Not JSON: fall through to a generic message.
  }
  return new ApiError(status, `http${status}`, `The server answered ${status}${bodyText ? `: ${bodyText.slice(0, 200)}` : ''}`);
};

export interface ApiClient {
  setup(): Promise<SetupStatusResponse>;
  signup(body: SignupRequest): Promise<LoginResponse>;
  login(body: LoginRequest): Promise<LoginResponse>;
  logout(): Promise<void>;
  me(): Promise<MeResponse>;
  blobsExist(hashes: readonly string[]): Promise<ExistsResponse>;
  /** Room members (admin only). */
  grants(room: string): Promise<RoomGrantsResponse>;
  /** Grants (or changes) a user's access to a room; an album room nobody holds is claimed by granting yourself admin. */
  share(room: string, body: ShareRoomRequest): Promise<{ grant: RoomMemberGrant }>;
  revoke(room: string, userId: string): Promise<void>;
  /** Makes one of your blobs readable by the room's members (needs write access to the room). */
  registerBlob(hash: string, room: string): Promise<void>;
  unregisterBlob(hash: string, room: string): Promise<void>;
}

/** One JSON call to the same-origin API with the session's bearer token; failures throw ApiError. */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export const createApiCall =
  (getToken: () => string | null): ApiCall =>
  async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the Shoebox server. Check your connection.');
    }
    const text = await response.text();
    if (!response.ok) throw apiErrorFrom(response.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  };

export const createApiClient = (getToken: () => string | null): ApiClient => {
  const call = createApiCall(getToken);
  return {
    setup: () => call('GET', '/api/setup'),
    signup: (body) => call('POST', '/api/auth/signup', body),
    login: (body) => call('POST', '/api/auth/login', body),
    logout: () => call('POST', '/api/auth/logout'),
    me: () => call('GET', '/api/me'),
    blobsExist: (hashes) => call('POST', '/api/blobs/exists', { hashes }),
    grants: (room) => call('GET', `/api/rooms/${room}/grants`),
    share: (room, body) => call('PUT', `/api/rooms/${room}/grants`, body),
    revoke: (room, userId) => call('DELETE', `/api/rooms/${room}/grants/${encodeURIComponent(userId)}`),
    registerBlob: (hash, room) => call('PUT', `/api/blobs/${hash}/rooms/${room}`),
    unregisterBlob: (hash, room) => call('DELETE', `/api/blobs/${hash}/rooms/${room}`),
  };
};
