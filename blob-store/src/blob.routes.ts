/**
 * The blob store's HTTP surface as transport-agnostic HttpRoutes (mounted by the sync-server's
 * uWS adapter, or test-http.ts in tests). Every route authenticates; errors are JSON.
 *
 *   const routes = createBlobRoutes({ service, authenticate, config })
 *   // PUT/GET/HEAD /api/blobs/:hash, GET …/:hash/thumbnail|preview|video|info|metadata, PUT …/:hash/sidecar, POST /api/blobs/exists
 *   // DELETE /api/blobs/:hash: the caller's reference (the bytes go once no one references them)
 *   // PUT/DELETE /api/blobs/:hash/rooms/:room (album:<id> or catalog:<id>): who else may read it
 */
import {
  HttpError,
  bearerToken,
  errorResponse,
  isBlobHash,
  isRoomId,
  json,
  readJson,
  type BlobHash,
  type ExistsResponse,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  type RoomId,
  type UserId,
} from '../../protocol/src/index.js';
import { MAX_SIDECAR_BYTES, type BlobService, type StoredFile } from './blob.service.js';
import type { BlobStoreConfig } from './config.js';
import { derivativeFormats, type FileDerivativeKind } from './derivative.repository.js';
import { BlobError, BlobErrorCode, asDiskFull, statusOf } from './errors.js';
import { parseRange } from './range.js';

export type Authenticate = (token: string) => Promise<{ id: UserId } | undefined>;

export interface BlobRoutesDeps {
  readonly service: BlobService;
  readonly authenticate: Authenticate;
  readonly config: Pick<BlobStoreConfig, 'maxBlobBytes' | 'maxExistsHashes'>;
}

/** For content that never changes under its URL: originals, ML derivatives (first write wins). */
export const ORIGINAL_CACHE = 'private, max-age=31536000, immutable';
/** Derivatives keep their URL when paramsVersion changes, so they revalidate by ETag instead. */
const DERIVATIVE_CACHE = 'private, max-age=604800';

export type Handler = (req: HttpRequest, user: UserId, params: Readonly<Record<string, string>>) => Promise<HttpResponse>;

export const hashParam = (params: Readonly<Record<string, string>>): BlobHash => {
  const hash = params.hash;
  if (!isBlobHash(hash)) throw new BlobError(BlobErrorCode.invalidHash, 'hash must be 64 lower-case hex digits (SHA-256)');
  return hash;
};

const roomParam = (params: Readonly<Record<string, string>>): RoomId => {
  const room = params.room;
  if (!isRoomId(room)) throw new BlobError(BlobErrorCode.invalidRequest, 'room must be catalog:<id> or album:<id>');
  return room;
};

/** True when If-None-Match names this entity tag (weak comparison, as RFC 9110 requires). */
const matchesEtag = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });

/**
 * Served bytes are uploads: never sniffed into another type, and if opened as a document they
 * run nothing and load nothing (an SVG or HTML polyglot stays inert).
 */
export const SERVED_FILE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
};

/** A FileBody response with ETag/304, Range/206/416, and headers only for HEAD. */
export const serveFile = (req: HttpRequest, stored: StoredFile, etag: string, cacheControl: string): HttpResponse => {
  const headers: Record<string, string> = { etag, 'cache-control': cacheControl, 'accept-ranges': 'bytes', ...SERVED_FILE_HEADERS };
  if (matchesEtag(req.header('if-none-match'), etag)) return { status: 304, headers };
  const range = parseRange(req.header('range'), stored.size);
  if (range.kind === 'unsatisfiable') {
    const denied = errorResponse(416, 'rangeNotSatisfiable', `range is outside the ${stored.size}-byte blob`);
    return { ...denied, headers: { ...denied.headers, 'content-range': `bytes */${stored.size}`, 'accept-ranges': 'bytes' } };
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, stored.size - 1];
  const partial = range.kind === 'range';
  Object.assign(headers, {
    'content-type': stored.mime,
    'content-length': String(end - start + 1),
    ...(partial ? { 'content-range': `bytes ${start}-${end}/${stored.size}` } : {}),
  });
  const status = partial ? 206 : 200;
  if (req.method === 'HEAD' || stored.size === 0) return { status, headers, body: new Uint8Array(0) };
  return { status, headers, body: { file: stored.file, start, end } };
};

const toResponse = (req: HttpRequest, thrown: unknown): HttpResponse => {
  const error = asDiskFull(thrown);
  if (error instanceof BlobError) return errorResponse(statusOf[error.code], error.code, error.message);
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message);
  if (req.signal.aborted) return errorResponse(400, BlobErrorCode.aborted, 'request aborted');
  console.error('[blob-store] unexpected error', error);
  return errorResponse(500, BlobErrorCode.internal, 'internal error');
};

/** Builds routes that authenticate first (401 otherwise) and answer every failure as JSON. */
export const createRouteFactory =
  (authenticate: Authenticate) =>
  (method: HttpMethod, pattern: string, maxBodyBytes: number, handler: Handler): HttpRoute => ({
    method,
    pattern,
    maxBodyBytes,
    async handle(req, params) {
      try {
        const token = bearerToken(req);
        const user = token === undefined ? undefined : await authenticate(token);
        if (!user) return errorResponse(401, BlobErrorCode.unauthorized, 'sign in to use blobs');
        return await handler(req, user.id, params);
      } catch (error) {
        return toResponse(req, error);
      }
    },
  });

export const createBlobRoutes = ({ service, authenticate, config }: BlobRoutesDeps): HttpRoute[] => {
  const route = createRouteFactory(authenticate);

  const original: Handler = async (req, user, params) => {
    const hash = hashParam(params);
    return serveFile(req, await service.original(user, hash), `"${hash}"`, ORIGINAL_CACHE);
  };
  const derivative = (kind: FileDerivativeKind): Handler => async (req, user, params) => {
    const hash = hashParam(params);
    const stored = await service.derivative(user, hash, kind);
    return serveFile(req, stored, `"${hash}-${kind}-${derivativeFormats[kind].paramsVersion}"`, DERIVATIVE_CACHE);
  };
  const video: Handler = async (req, user, params) => {
    const hash = hashParam(params);
    const stored = await service.video(user, hash);
    return stored.transcoded
      ? serveFile(req, stored, `"${hash}-video-${derivativeFormats.video.paramsVersion}"`, DERIVATIVE_CACHE)
      : serveFile(req, stored, `"${hash}"`, ORIGINAL_CACHE);
  };
  // ~67 bytes per quoted hash in the JSON array, plus slack.
  const existsBodyLimit = config.maxExistsHashes * 70 + 1024;

  return [
    route('PUT', '/api/blobs/:hash', config.maxBlobBytes, async (req, user, params) => {
      const hash = hashParam(params);
      const length = req.header('content-length');
      const contentLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
      const result = await service.put(user, hash, req.body(), { contentLength, signal: req.signal });
      return json(result.created ? 201 : 200, result);
    }),
    route('DELETE', '/api/blobs/:hash', 0, async (_req, user, params) => {
      await service.remove(user, hashParam(params));
      return { status: 204, headers: {} };
    }),
    route('POST', '/api/blobs/exists', existsBodyLimit, async (req, user) => {
      const body = await readJson(req);
      const hashes = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).hashes : undefined;
      if (!Array.isArray(hashes)) throw new BlobError(BlobErrorCode.invalidRequest, 'body must be {"hashes": [sha256 hex, …]}');
      if (hashes.length > config.maxExistsHashes) throw new BlobError(BlobErrorCode.invalidRequest, `at most ${config.maxExistsHashes} hashes per request`);
      const bad = hashes.findIndex((h) => !isBlobHash(h));
      if (bad >= 0) throw new BlobError(BlobErrorCode.invalidHash, `hashes[${bad}] is not 64 lower-case hex digits`);
      return json(200, { exists: await service.exists(user, hashes as BlobHash[]) } satisfies ExistsResponse);
    }),
    route('GET', '/api/blobs/:hash', 0, original),
    route('HEAD', '/api/blobs/:hash', 0, original),
    route('GET', '/api/blobs/:hash/thumbnail', 0, derivative('thumbnail')),
    route('HEAD', '/api/blobs/:hash/thumbnail', 0, derivative('thumbnail')),
    route('GET', '/api/blobs/:hash/preview', 0, derivative('preview')),
    route('HEAD', '/api/blobs/:hash/preview', 0, derivative('preview')),
    route('GET', '/api/blobs/:hash/info', 0, async (_req, user, params) => json(200, await service.info(user, hashParam(params)))),
    route('GET', '/api/blobs/:hash/video', 0, video),
    route('HEAD', '/api/blobs/:hash/video', 0, video),
    route('GET', '/api/blobs/:hash/metadata', 0, async (_req, user, params) => json(200, await service.metadata(user, hashParam(params)))),
    route('PUT', '/api/blobs/:hash/rooms/:room', 0, async (_req, user, params) => {
      const hash = hashParam(params);
      await service.addToRoom(user, hash, roomParam(params));
      return json(200, { hash, room: params.room });
    }),
    route('DELETE', '/api/blobs/:hash/rooms/:room', 0, async (_req, user, params) => {
      await service.removeFromRoom(user, hashParam(params), roomParam(params));
      return { status: 204, headers: {} };
    }),
    route('PUT', '/api/blobs/:hash/sidecar', MAX_SIDECAR_BYTES, async (req, user, params) =>
      json(200, await service.putSidecar(user, hashParam(params), req.body())),
    ),
  ];
};
