/**
 * Resumable uploads with tus 1.0 (core, creation, creation-with-upload, termination, expiration)
 * through the maintained @tus/server + @tus/file-store, adapted to protocol HttpRoutes. A finished
 * upload is hash-verified and moved into the content-addressed store (ADR 0007).
 *
 *   const routes = createTusRoutes({ dir: '/data/blobs/uploads', service, uploads, authenticate, config })
 *   // POST /api/uploads (Upload-Metadata: sha256 <base64 hex>), HEAD …/:id, PATCH …/:id (or POST + X-HTTP-Method-Override), DELETE …/:id, OPTIONS
 */
import { createHash, type Hash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { bearerToken, errorResponse, isBlobHash, type HttpMethod, type HttpRequest, type HttpResponse, type HttpRoute, type UserId } from '../../protocol/src/index.js';
import type { Authenticate } from './blob.routes.js';
import type { BlobService } from './blob.service.js';
import type { BlobStoreConfig } from './config.js';
import { BlobError, BlobErrorCode, asDiskFull, statusOf } from './errors.js';
import type { UploadRepository } from './upload.repository.js';

export const TUS_PATH = '/api/uploads';

export interface TusRoutesDeps {
  /** Where unfinished uploads live; must be on the same filesystem as the originals. */
  readonly dir: string;
  readonly service: BlobService;
  readonly uploads: UploadRepository;
  readonly authenticate: Authenticate;
  readonly config: Pick<BlobStoreConfig, 'maxBlobBytes' | 'uploadExpiryMs'>;
}

export interface TusUploads {
  readonly routes: HttpRoute[];
  /** Deletes expired unfinished uploads and rows whose files are gone; returns how many. */
  sweep(): Promise<number>;
}

/** What @tus/server's hooks throw to answer with a status (its documented error shape). */
const tusError = (error: BlobError): { status_code: number; body: string } => ({
  status_code: statusOf[error.code],
  body: JSON.stringify({ error: { code: error.code, message: error.message } }),
});

/** A running SHA-256 of an upload's bytes from offset 0, so finishing it need not read the file again. */
interface StreamHash {
  readonly hasher: Hash;
  bytes: number;
}

/** Chunks handed to the tus file store: fewer, larger writes than the transport's. */
const STREAM_BATCH_BYTES = 1024 * 1024;

/** A web stream over the request body (hashed on the way when `hash` is given); a client that disconnects errors it. */
const streamOf = (body: AsyncIterable<Uint8Array>, hash?: StreamHash): ReadableStream<Uint8Array> => {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const batch: Uint8Array[] = [];
      let size = 0;
      while (size < STREAM_BATCH_BYTES) {
        const { done, value } = await it.next();
        if (done) break;
        hash?.hasher.update(value);
        if (hash) hash.bytes += value.byteLength;
        batch.push(value);
        size += value.byteLength;
      }
      if (batch.length > 0) controller.enqueue(batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch, size));
      if (size < STREAM_BATCH_BYTES) controller.close();
    },
    async cancel() {
      await it.return?.();
    },
  });
};

export const createTusRoutes = (deps: TusRoutesDeps): TusUploads => {
  const { dir, service, uploads, authenticate, config } = deps;
  const users = new WeakMap<Request, UserId>();
  /** Per upload id, the hash of its bytes so far, while it matches the stored offset (this process only). */
  const hashes = new Map<string, StreamHash>();
  const hashOfRequest = new WeakMap<Request, StreamHash>();
  const userOf = (req: Request): UserId => {
    const user = users.get(req);
    if (!user) throw tusError(new BlobError(BlobErrorCode.unauthorized, 'sign in to upload'));
    return user;
  };
  const store = new FileStore({ directory: dir, expirationPeriodInMilliseconds: config.uploadExpiryMs });

  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    relativeLocation: true,
    maxSize: config.maxBlobBytes,
    // The app and the store share an origin: no cross-origin caller needs uploads, so no CORS
    // header at all (tus would answer `Access-Control-Allow-Origin: *` by default).
    allowedOrigins: () => false,
    // A write that finds no room (the file store's ENOSPC) is 507 diskFull, not tus's 500.
    onResponseError: (_req, error) => {
      const mapped = asDiskFull(error);
      return mapped instanceof BlobError && mapped !== error ? tusError(mapped) : undefined;
    },
    // Ids are random; a client names its content only through the sha256 metadata.
    async onUploadCreate(req, upload) {
      const user = userOf(req);
      const hash = upload.metadata?.sha256 ?? '';
      if (!isBlobHash(hash)) throw tusError(new BlobError(BlobErrorCode.invalidHash, 'Upload-Metadata must carry sha256 as 64 lower-case hex digits'));
      if (upload.size === undefined) throw tusError(new BlobError(BlobErrorCode.invalidRequest, 'Upload-Length is required (deferred length is not supported)'));
      try {
        await service.ensureDiskRoom(upload.size);
        service.createUpload({ id: upload.id, user, hash, length: upload.size }); // checks and holds the quota at once
      } catch (error) {
        throw error instanceof BlobError ? tusError(error) : error;
      }
      return {};
    },
    // Only the user who created an upload may see, append to or delete it.
    async onIncomingRequest(req, id) {
      if (req.method === 'POST') return;
      const record = uploads.get(id);
      if (!record || record.user !== userOf(req)) throw tusError(new BlobError(BlobErrorCode.notFound, 'no such upload'));
    },
    async onUploadFinish(req, upload: Upload) {
      const user = userOf(req);
      const record = uploads.get(upload.id);
      if (!record) throw tusError(new BlobError(BlobErrorCode.notFound, 'no such upload'));
      // The running hash counts only if it saw exactly the upload's bytes; otherwise read the file again.
      const hashed = hashOfRequest.get(req);
      const streamed = hashed && hashed.bytes === upload.size ? { sha256: hashed.hasher.digest('hex'), size: hashed.bytes } : undefined;
      try {
        const result = await service.adopt(user, record.hash, join(dir, upload.id), streamed);
        return { status_code: 204, headers: { 'Shoebox-Blob-Hash': result.hash, 'Shoebox-Blob-Mime': result.mime } };
      } catch (error) {
        throw error instanceof BlobError ? tusError(error) : error;
      } finally {
        uploads.delete(upload.id); // after adopt: its owner grant counts before the upload's hold goes
        await store.configstore.delete(upload.id).catch(() => undefined);
        await rm(join(dir, upload.id), { force: true });
      }
    },
  });

  /** The running hash to continue for a PATCH at `offset`: fresh at 0, else the one that stopped there. */
  const resumeHash = (id: string, offset: string | undefined): StreamHash | undefined => {
    const previous = hashes.get(id);
    hashes.delete(id); // taken by this request; a concurrent PATCH (refused by tus's lock) gets none
    if (offset === '0') return { hasher: createHash('sha256'), bytes: 0 };
    return previous && String(previous.bytes) === offset ? previous : undefined;
  };

  const handle = async (req: HttpRequest, user: UserId | undefined, method: string): Promise<HttpResponse> => {
    const headers = new Headers();
    for (const name of ['tus-resumable', 'upload-length', 'upload-offset', 'upload-metadata', 'upload-defer-length', 'upload-concat', 'content-type', 'content-length', 'host']) {
      const value = req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    const hasBody = method === 'PATCH' || (method === 'POST' && req.header('content-type') === 'application/offset+octet-stream');
    const id = req.path.split('/').pop() ?? '';
    const hash = method === 'PATCH' ? resumeHash(id, req.header('upload-offset')) : undefined;
    const body = hasBody ? streamOf(req.body(), hash) : undefined;
    const webReq = new Request(`http://${req.header('host') ?? 'localhost'}${req.path}`, {
      method,
      headers,
      body,
      signal: req.signal,
      ...(body ? { duplex: 'half' } : {}),
    } as RequestInit);
    if (user) users.set(webReq, user);
    if (hash) hashOfRequest.set(webReq, hash);
    const res = await server.handleWeb(webReq);
    // Keep the running hash for the next PATCH only when it covers exactly the bytes now stored.
    if (hash && res.status === 204 && Number(res.headers.get('upload-offset')) === hash.bytes && !res.headers.has('shoebox-blob-hash')) hashes.set(id, hash);
    if (method === 'DELETE' && res.status === 204) {
      uploads.delete(id);
      hashes.delete(id);
    }
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'connection' && !name.startsWith('access-control-')) out[name] = value;
    });
    return { status: res.status, headers: out, body: new Uint8Array(await res.arrayBuffer()) };
  };

  const route = (method: HttpMethod, pattern: string, maxBodyBytes: number, tusMethod: (req: HttpRequest) => string | undefined): HttpRoute => ({
    method,
    pattern,
    maxBodyBytes,
    async handle(req) {
      try {
        // OPTIONS only tells the protocol version, extensions and size limit: no sign-in needed.
        if (method === 'OPTIONS') return await handle(req, undefined, 'OPTIONS');
        const token = bearerToken(req);
        const user = token === undefined ? undefined : await authenticate(token);
        if (!user) return errorResponse(401, BlobErrorCode.unauthorized, 'sign in to upload');
        const actual = tusMethod(req);
        if (!actual) return errorResponse(405, 'methodNotAllowed', 'append with POST and X-HTTP-Method-Override: PATCH');
        return await handle(req, user.id, actual);
      } catch (thrown) {
        const error = asDiskFull(thrown);
        if (error instanceof BlobError) return errorResponse(statusOf[error.code], error.code, error.message);
        if (req.signal.aborted) return errorResponse(400, BlobErrorCode.aborted, 'request aborted');
        console.error('[blob-store] tus upload failed', error);
        return errorResponse(500, BlobErrorCode.internal, 'internal error');
      }
    },
  });

  // Old clients (and proxies that drop PATCH) append with POST + X-HTTP-Method-Override: PATCH,
  // which tus 1.0 allows and tus-js-client sends with `overridePatchMethod: true`.
  const override = (req: HttpRequest): string | undefined => (req.header('x-http-method-override')?.toUpperCase() === 'PATCH' ? 'PATCH' : undefined);
  return {
    routes: [
      route('POST', TUS_PATH, config.maxBlobBytes, () => 'POST'),
      route('HEAD', `${TUS_PATH}/:id`, 0, () => 'HEAD'),
      route('PATCH', `${TUS_PATH}/:id`, config.maxBlobBytes, () => 'PATCH'),
      route('POST', `${TUS_PATH}/:id`, config.maxBlobBytes, override),
      route('OPTIONS', TUS_PATH, 0, () => 'OPTIONS'),
      route('OPTIONS', `${TUS_PATH}/:id`, 0, () => 'OPTIONS'),
      route('DELETE', `${TUS_PATH}/:id`, 0, () => 'DELETE'),
    ],
    async sweep() {
      let removed = await store.deleteExpired().catch(() => 0);
      for (const id of hashes.keys()) if (!uploads.get(id)) hashes.delete(id);
      for (const id of uploads.ids()) {
        const alive = await store.getUpload(id).then(() => true, () => false);
        if (!alive) {
          uploads.delete(id);
          removed++;
        }
      }
      return removed;
    },
  };
};
