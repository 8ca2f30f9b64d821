/**
 * Shoebox blob store: content-addressed originals (plain PUT or resumable tus uploads), their
 * derivatives and metadata, devices' ML results ("index once"), and the HTTP routes that serve
 * them, for any server that speaks HttpRoute.
 *
 *   const store = await createBlobStore({ dataDir: '/data', authenticate: (t) => sessions.user(t) })
 *   server.mount(store.routes); store.startWorker(); … await store.close()
 */
import { join } from 'node:path';
import type { HttpRoute, UserId } from '../../protocol/src/index.js';
import { createBlobReader, uploadersOnly, type BlobAccessPolicy } from './blob-access.policy.js';
import type { BlobBackend } from './blob.backend.js';
import { createAdminRoutes, createJobsAdmin } from './admin.routes.js';
import { createBlobRepository } from './blob.repository.js';
import { openBlobDb } from './blob-db.js';
import { createBlobRoutes } from './blob.routes.js';
import { createBlobService } from './blob.service.js';
import { parseBlobStoreConfig, type BlobStoreConfig } from './config.js';
import { createDerivativeRepository } from './derivative.repository.js';
import { createDerivativeService } from './derivative.service.js';
import { createStorageUsage, type StorageUsage } from './storage-usage.service.js';
import { createDiskSpace } from './disk-space.repository.js';
import { createExifTool } from './exiftool.repository.js';
import { createFsBlobBackend } from './fs-blob.backend.js';
import { createImageRepository } from './image.repository.js';
import { createBullJobQueue } from './bullmq-job.queue.js';
import { createEmbeddedJobQueue } from './embedded-job.queue.js';
import type { JobQueue, JobQueueOptions, QueueStatus } from './job-queue.js';
import { DerivativeKind } from './job.repository.js';
import { createMediaTools } from './media-tools.repository.js';
import { createMetadataRepository } from './metadata.repository.js';
import { createCatalogWriteback, type CatalogWriteback } from './catalog-writeback.service.js';
import { createMlDerivativeRepository } from './ml-derivative.repository.js';
import { createMlDerivativeRoutes } from './ml-derivative.routes.js';
import { createMlDerivativeService } from './ml-derivative.service.js';
import { createTempFiles } from './temp-file.repository.js';
import { createTusRoutes } from './tus-upload.routes.js';
import { createUploadRepository } from './upload.repository.js';
import { createVideoPlanRepository } from './video-plan.repository.js';
import { createVideoTools } from './video.repository.js';
import { createWasmDecoder } from './wasm-decode.repository.js';

export { BlobStoreConfigError, blobStoreConfigFromEnv, defaultBlobStoreConfig, loadBlobStoreConfig, parseBlobStoreConfig, type BlobStoreConfig } from './config.js';
export type { BlobInfo } from './blob.service.js';
export type { BlobBackend } from './blob.backend.js';
export type { BlobAccessPolicy } from './blob-access.policy.js';
export { createS3BlobBackend, type S3BlobBackendOptions } from './s3-blob.backend.js';

export interface BlobStoreOptions {
  /** Root for `blobs/` (originals, derivatives, tmp) and `blobs.sqlite`. */
  readonly dataDir: string;
  /** Resolves a bearer or session-cookie token to its user, or undefined when invalid. */
  readonly authenticate: (token: string) => Promise<{ id: UserId; isOwner?: boolean; quotaBytes?: number } | undefined>;
  readonly config?: Partial<BlobStoreConfig>;
  /** Reads through rooms (albums, catalogs), answered by the relay; default: uploaders only. */
  readonly access?: BlobAccessPolicy;
  /** Where originals live; default the filesystem under `<dataDir>/blobs/originals` (see createS3BlobBackend). */
  readonly backend?: BlobBackend;
}

export interface BlobStore {
  readonly routes: HttpRoute[];
  /** Starts draining derivative jobs, including those a previous process left unfinished. */
  startWorker(): void;
  /**
   * Writes each extraction into its owners' catalogs through the relay's `/sync` protocol
   * (SPEC X1–X6); `tokenFor` mints a token the relay accepts for a user (keep it off HTTP).
   */
  startCatalogWriteback(relay: { url: string; tokenFor: (user: UserId) => Promise<string> }): CatalogWriteback;
  /** Storage each user takes (originals they own, their derivatives, count), for administrators. */
  usageOf: StorageUsage['usageOf'];
  /** For `GET /api/health?detail=1`: where originals live, the queue's counts per kind, free space for uploads. */
  health(): Promise<BlobStoreHealth>;
  /** Waits for running jobs, stops the decoder thread and closes the database. */
  close(): Promise<void>;
}

export interface BlobStoreHealth {
  readonly status: 'ok' | 'closed';
  /** `filesystem` (under the data directory) or `custom` (a backend passed in, e.g. S3). */
  readonly backend: 'filesystem' | 'custom';
  readonly queue: { readonly kind: 'embedded' | 'redis'; readonly queues: readonly QueueStatus[] };
  readonly uploadsFreeBytes: number;
}

export const createBlobStore = async (options: BlobStoreOptions): Promise<BlobStore> => {
  const config = parseBlobStoreConfig(options.config);
  const root = join(options.dataDir, 'blobs');
  const temps = await createTempFiles(join(root, 'tmp'));
  await temps.sweep(); // anything here was left by a process that died mid-upload or mid-render
  const backend = options.backend ?? (await createFsBlobBackend(join(root, 'originals')));
  const files = await createDerivativeRepository(join(root, 'derivatives'), temps.dir);
  const db = openBlobDb(join(options.dataDir, 'blobs.sqlite'));
  const blobs = createBlobRepository(db);
  const uploads = createUploadRepository(db);
  uploads.releaseAll(); // holds of plain uploads that died with the previous process
  const access = options.access ?? uploadersOnly;
  const mlFiles = await createMlDerivativeRepository(db, join(root, 'derivatives', 'ml'), temps.dir);
  const ml = createMlDerivativeService({ blobs, reader: createBlobReader(blobs, access), ml: mlFiles });
  const exiftool = createExifTool({ path: config.exiftoolPath, timeoutMs: config.toolTimeoutMs });
  const metadata = createMetadataRepository(db);
  let writeback: CatalogWriteback | undefined;
  const plans = createVideoPlanRepository(db);
  const wasm = createWasmDecoder({ timeoutMs: config.toolTimeoutMs, maxPixels: config.maxInputPixels });
  const derivatives = createDerivativeService({
    blobs,
    backend,
    files,
    images: createImageRepository({ maxInputPixels: config.maxInputPixels }),
    tools: createMediaTools({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath, exiftoolPath: config.exiftoolPath, timeoutMs: config.toolTimeoutMs }),
    wasm,
    temps,
    exiftool,
    metadata,
    onMetadata: (hash, meta, users) => writeback?.enqueue(hash, meta, users),
    video: createVideoTools({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath, timeoutMs: config.transcodeTimeoutMs }),
    plans,
    config,
  });
  const queueOptions: JobQueueOptions = {
    handler: derivatives.run,
    concurrency: config.workerConcurrency,
    lanes: [{ kinds: [DerivativeKind.video], concurrency: config.transcodeConcurrency }],
    maxAttempts: config.maxAttempts,
    retryBaseMs: config.retryBaseMs,
  };
  // Embedded SQLite by default; a Redis URL shares one BullMQ queue among store processes (ADR 0009).
  const queue: JobQueue = config.redisUrl
    ? await createBullJobQueue({ ...queueOptions, redisUrl: config.redisUrl, lockMs: config.queueLockMs, ensureWaitMs: config.toolTimeoutMs, listBlobs: () => blobs.hashes() })
    : createEmbeddedJobQueue(db, queueOptions);
  const space = createDiskSpace(temps.dir);
  // A user's own quota (set by an administrator) arrives with each authentication; uploads always authenticate first.
  const quotas = new Map<UserId, number>();
  const authenticate: BlobStoreOptions['authenticate'] = async (token) => {
    const user = await options.authenticate(token);
    if (user?.quotaBytes === undefined) {
      if (user) quotas.delete(user.id);
    } else quotas.set(user.id, user.quotaBytes);
    return user;
  };
  const service = createBlobService({ backend, blobs, queue, access, temps, derivatives, exiftool, metadata, uploads, plans, space, ml: mlFiles, config, quotaOf: (user) => quotas.get(user) });
  const tus = createTusRoutes({ dir: join(root, 'uploads'), service, uploads, authenticate, config });
  await tus.sweep();
  let closed = false;
  const storage = createStorageUsage(db, files);
  return {
    usageOf: (users) => storage.usageOf(users),
    routes: [
      ...createBlobRoutes({ service, authenticate, config }),
      ...tus.routes,
      ...createMlDerivativeRoutes({ service: ml, authenticate }),
      ...createAdminRoutes(createJobsAdmin(queue), authenticate),
    ],
    async health() {
      if (closed) return { status: 'closed', backend: options.backend ? 'custom' : 'filesystem', queue: { kind: config.redisUrl ? 'redis' : 'embedded', queues: [] }, uploadsFreeBytes: 0 };
      const [queues, uploadsFreeBytes] = await Promise.all([queue.status(), space.free()]);
      return { status: 'ok', backend: options.backend ? 'custom' : 'filesystem', queue: { kind: config.redisUrl ? 'redis' : 'embedded', queues }, uploadsFreeBytes };
    },
    startWorker: () => queue.start(),
    startCatalogWriteback(relay) {
      writeback ??= createCatalogWriteback({
        ...relay,
        onError: (err, user) => console.warn(`blob store: catalog write-back for ${user} failed: ${err.message}`),
      });
      return writeback;
    },
    async close() {
      if (closed) return;
      closed = true;
      await writeback?.close();
      await queue.close();
      await wasm.close();
      await exiftool.close();
      db.close();
    },
  };
};
