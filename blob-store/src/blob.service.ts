/**
 * Blob logic independent of HTTP: verified, deduplicated uploads; who may read what; and
 * derivatives fetched or made on demand.
 *
 *   const put = await blobs.put(user, hash, req.body(), { contentLength })   // { created, size, mime }
 *   const thumb = await blobs.derivative(user, hash, 'thumbnail')            // { file, mime, size }
 */
import { createHash } from 'node:crypto';
import type { BlobHash, PutBlobResponse, UserId } from '../../protocol/src/index.js';
import type { BlobBackend } from './blob.backend.js';
import type { BlobRecord, BlobRepository } from './blob.repository.js';
import type { BlobStoreConfig } from './config.js';
import { derivativeFormats, type FileDerivativeKind } from './derivative.repository.js';
import type { DerivativeService } from './derivative.service.js';
import type { DerivativeWorker } from './derivative.worker.js';
import { BlobError, BlobErrorCode } from './errors.js';
import { DerivativeKind, JobStatus, derivativeKinds, type JobRepository } from './job.repository.js';
import { isAcceptedMime } from './media-types.js';
import { SNIFF_PREFIX_BYTES, sniffBytes, sniffFile } from './sniff.repository.js';
import type { TempFiles } from './temp-file.repository.js';

export interface BlobServiceDeps {
  readonly backend: BlobBackend;
  readonly blobs: BlobRepository;
  readonly jobs: JobRepository;
  readonly temps: TempFiles;
  readonly derivatives: DerivativeService;
  readonly worker: DerivativeWorker;
  readonly config: Pick<BlobStoreConfig, 'maxBlobBytes' | 'maxExistsHashes'>;
}

export interface StoredFile {
  readonly file: string;
  readonly size: number;
  readonly mime: string;
}

export interface BlobInfo {
  readonly hash: BlobHash;
  readonly mime: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  /** base64 of the thumbhash bytes. */
  readonly thumbhash: string;
}

export interface BlobService {
  put(user: UserId, hash: BlobHash, body: AsyncIterable<Uint8Array>, options?: { contentLength?: number; signal?: AbortSignal }): Promise<PutBlobResponse>;
  exists(user: UserId, hashes: readonly BlobHash[]): BlobHash[];
  original(user: UserId, hash: BlobHash): Promise<StoredFile>;
  derivative(user: UserId, hash: BlobHash, kind: FileDerivativeKind): Promise<StoredFile>;
  info(user: UserId, hash: BlobHash): Promise<BlobInfo>;
}

const notMedia = (mime: string | undefined): BlobError =>
  new BlobError(
    BlobErrorCode.unsupportedMediaType,
    mime ? `content is ${mime}, not a supported photo or video` : 'content is not a recognised photo or video format',
  );

export const createBlobService = (deps: BlobServiceDeps): BlobService => {
  const { backend, blobs, jobs, temps, derivatives, worker, config } = deps;

  /** Readable record, or notFound: a blob the user may not read is indistinguishable from none. */
  const readable = (user: UserId, hash: BlobHash): BlobRecord => {
    const record = blobs.canRead(user, hash) ? blobs.get(hash) : undefined;
    if (!record) throw new BlobError(BlobErrorCode.notFound, 'no such blob');
    return record;
  };

  const ensureDerivative = async (hash: BlobHash, kind: DerivativeKind): Promise<void> => {
    if (await derivatives.isDone(hash, kind)) return;
    const job = await worker.ensure(hash, kind, { rerun: true });
    if (await derivatives.isDone(hash, kind)) return;
    // A job row stays 'failed' only once retrying is pointless; otherwise it awaits a retry.
    if (job.status === JobStatus.failed) {
      throw new BlobError(BlobErrorCode.undecodable, `cannot make a ${kind} of this blob: ${job.error ?? 'unknown error'}`);
    }
    throw new BlobError(BlobErrorCode.notReady, `${kind} is not ready; retry later`);
  };

  return {
    async put(user, hash, body, { contentLength, signal } = {}) {
      if (contentLength !== undefined && contentLength > config.maxBlobBytes) {
        throw new BlobError(BlobErrorCode.tooLarge, `blob is ${contentLength} bytes; the limit is ${config.maxBlobBytes}`);
      }
      const known = blobs.get(hash);
      if (known && blobs.canRead(user, hash) && (await backend.exists(hash))) {
        return { hash, size: known.size, mime: known.mime, created: false };
      }
      // Everyone else streams the bytes: a hash alone never proves possession of the content.
      const temp = await temps.create('upload');
      try {
        const hasher = createHash('sha256');
        const head: Uint8Array[] = [];
        let size = 0;
        let sniffed = false;
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > config.maxBlobBytes) throw new BlobError(BlobErrorCode.tooLarge, `blob exceeds the ${config.maxBlobBytes}-byte limit`);
          hasher.update(chunk);
          await temp.write(chunk);
          if (!sniffed) {
            head.push(chunk);
            if (size >= SNIFF_PREFIX_BYTES) {
              sniffed = true;
              // Reject recognisably non-media early; an unrecognised prefix waits for the full file.
              const early = await sniffBytes(Buffer.concat(head));
              if (early !== undefined && !isAcceptedMime(early)) throw notMedia(early);
              head.length = 0;
            }
          }
        }
        if (signal?.aborted) throw new BlobError(BlobErrorCode.aborted, 'upload aborted');
        if (size === 0) throw new BlobError(BlobErrorCode.unsupportedMediaType, 'an empty file is not a photo or video');
        const actual = hasher.digest('hex');
        if (actual !== hash) throw new BlobError(BlobErrorCode.hashMismatch, `body hashes to ${actual}, not ${hash}`);
        const mime = await sniffFile(temp.path);
        if (!isAcceptedMime(mime)) throw notMedia(mime);
        await temp.commit();
        const { created } = await backend.putFile(hash, temp.path);
        blobs.record({ hash, mime, size });
        blobs.grant(hash, user, 'owner');
        for (const kind of derivativeKinds) jobs.enqueue(hash, kind);
        worker.wake();
        const stored = blobs.get(hash) ?? { size, mime };
        return { hash, size: stored.size, mime: stored.mime, created };
      } finally {
        await temp.discard();
      }
    },

    exists(user, hashes) {
      if (hashes.length > config.maxExistsHashes) throw new BlobError(BlobErrorCode.invalidRequest, `at most ${config.maxExistsHashes} hashes per request`);
      return blobs.readable(user, [...new Set(hashes)]);
    },

    async original(user, hash) {
      const record = readable(user, hash);
      const stat = await backend.stat(hash);
      if (!stat) throw new BlobError(BlobErrorCode.notFound, 'blob bytes are missing');
      return { file: await backend.localFile(hash), size: stat.size, mime: record.mime };
    },

    async derivative(user, hash, kind) {
      readable(user, hash);
      await ensureDerivative(hash, kind);
      const size = await derivatives.files.size(hash, kind);
      if (size === undefined) throw new BlobError(BlobErrorCode.notReady, `${kind} is not ready; retry later`);
      return { file: derivatives.files.pathOf(hash, kind), size, mime: derivativeFormats[kind].mime };
    },

    async info(user, hash) {
      readable(user, hash);
      await ensureDerivative(hash, DerivativeKind.thumbhash);
      const record = readable(user, hash);
      if (record.width === null || record.height === null || record.thumbhash === null) throw new BlobError(BlobErrorCode.notReady, 'info is not ready');
      return {
        hash,
        mime: record.mime,
        size: record.size,
        width: record.width,
        height: record.height,
        thumbhash: Buffer.from(record.thumbhash).toString('base64'),
      };
    },
  };
};
