/**
 * Blob logic independent of HTTP: verified, deduplicated uploads; who may read what; and
 * derivatives fetched or made on demand.
 *
 *   const put = await blobs.put(user, hash, req.body(), { contentLength })   // { created, size, mime }
 *   const thumb = await blobs.derivative(user, hash, 'thumbnail')            // { file, mime, size }
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import type { BlobHash, PutBlobResponse, RoomId, UserId } from '../../protocol/src/index.js';
import { createBlobReader, type BlobAccessPolicy } from './blob-access.policy.js';
import type { BlobBackend } from './blob.backend.js';
import type { BlobRecord, BlobRepository } from './blob.repository.js';
import type { BlobStoreConfig } from './config.js';
import { derivativeFormats, type FileDerivativeKind } from './derivative.repository.js';
import type { DerivativeService } from './derivative.service.js';
import type { DiskSpace } from './disk-space.repository.js';
import { BlobError, BlobErrorCode, DISK_FULL_MESSAGE } from './errors.js';
import type { JobQueue } from './job-queue.js';
import { DerivativeKind, JobStatus, derivativeKinds } from './job.repository.js';
import type { ExifTool } from './exiftool.repository.js';
import type { MediaMetadata } from './media-metadata.js';
import { DecoderKind, decoderFor, isAcceptedMime } from './media-types.js';
import type { MetadataRepository } from './metadata.repository.js';
import type { MlDerivativeRepository } from './ml-derivative.repository.js';
import { SNIFF_PREFIX_BYTES, sniffBytes, sniffFile } from './sniff.repository.js';
import type { TempFiles } from './temp-file.repository.js';
import type { Reservation, UploadRecord, UploadRepository } from './upload.repository.js';
import type { VideoPlanRepository } from './video-plan.repository.js';

/** The SHA-256 of a file's bytes, taken while they streamed in, so adopting it need not read it again. */
export interface StreamedDigest {
  readonly sha256: string;
  readonly size: number;
}

export interface BlobServiceDeps {
  readonly backend: BlobBackend;
  readonly blobs: BlobRepository;
  readonly queue: JobQueue;
  /** Reads through rooms (albums, catalogs): the relay's grants. */
  readonly access: BlobAccessPolicy;
  readonly temps: TempFiles;
  readonly derivatives: DerivativeService;
  readonly exiftool: ExifTool;
  readonly metadata: MetadataRepository;
  readonly uploads: UploadRepository;
  readonly plans: VideoPlanRepository;
  /** How long `video()` waits for a transcode before answering notReady. */
  readonly videoWaitMs?: number;
  /** Users' ML derivatives, deleted with their reference. */
  readonly ml: Pick<MlDerivativeRepository, 'removeFor' | 'removeAll'>;
  /** Free space where uploads land (the `minFreeBytes` reserve). */
  readonly space: DiskSpace;
  readonly config: Pick<BlobStoreConfig, 'maxBlobBytes' | 'maxExistsHashes' | 'userQuotaBytes' | 'minFreeBytes'>;
  /** A user's own quota set by an administrator (issue 13), else `config.userQuotaBytes` applies. */
  readonly quotaOf?: (user: UserId) => number | undefined;
}

const WRITE_BATCH_BYTES = 1024 * 1024;

/** Largest XMP sidecar accepted. */
export const MAX_SIDECAR_BYTES = 1024 * 1024;

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
  /**
   * Takes a complete file (a finished resumable upload, on the blobs filesystem) into the store
   * after verifying its SHA-256 and type; the file is moved or deleted either way.
   */
  adopt(user: UserId, hash: BlobHash, file: string, streamed?: StreamedDigest): Promise<PutBlobResponse>;
  /** Records a resumable upload, holding its length against the quota; quotaExceeded when it does not fit. */
  createUpload(upload: UploadRecord): void;
  /** Throws diskFull (507) when writing `bytes` would leave less than the configured reserve free. */
  ensureDiskRoom(bytes: number): Promise<void>;
  /** The given hashes the user may read (uploaded, or registered in a room the user may read), in input order. */
  exists(user: UserId, hashes: readonly BlobHash[]): Promise<BlobHash[]>;
  /** Registers the user's blob in a room they may write, so the room's readers may read it. */
  addToRoom(user: UserId, hash: BlobHash, room: RoomId): Promise<void>;
  removeFromRoom(user: UserId, hash: BlobHash, room: RoomId): Promise<void>;
  original(user: UserId, hash: BlobHash): Promise<StoredFile>;
  derivative(user: UserId, hash: BlobHash, kind: FileDerivativeKind): Promise<StoredFile>;
  info(user: UserId, hash: BlobHash): Promise<BlobInfo>;
  /**
   * The playable MP4 of a video: its transcode, or the original where the policy needs none.
   * Waits briefly for an unfinished job, then answers notReady while it keeps running.
   */
  video(user: UserId, hash: BlobHash): Promise<StoredFile & { readonly transcoded: boolean }>;
  /** ExifTool metadata of the blob (merged with its sidecar), extracted on demand if its job has not run. */
  metadata(user: UserId, hash: BlobHash): Promise<MediaMetadata>;
  /**
   * Deletes the user's reference: their ownership, room registrations, sidecar, reading and ML
   * derivatives. Once no one references the bytes (no uploader, no room), the original and all
   * derivatives go too. Its size leaves the user's quota either way. notFound unless theirs.
   */
  remove(user: UserId, hash: BlobHash): Promise<void>;
  /** Attaches the user's XMP sidecar to their upload and re-extracts their metadata with it (theirs alone). */
  putSidecar(user: UserId, hash: BlobHash, body: AsyncIterable<Uint8Array>): Promise<MediaMetadata>;
}

const notMedia = (mime: string | undefined): BlobError =>
  new BlobError(
    BlobErrorCode.unsupportedMediaType,
    mime ? `content is ${mime}, not a supported photo or video` : 'content is not a recognised photo or video format',
  );

export const createBlobService = (deps: BlobServiceDeps): BlobService => {
  const { backend, blobs, queue, access, temps, derivatives, exiftool, metadata, uploads, plans, space, ml, config } = deps;

  /** One admit or remove of a hash at a time (this process): a delete never takes bytes an upload just claimed. */
  const locks = new Map<BlobHash, Promise<unknown>>();
  const exclusive = <T>(hash: BlobHash, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(hash) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    locks.set(hash, tail);
    void tail.then(() => locks.get(hash) === tail && locks.delete(hash));
    return run;
  };

  const ensureDiskRoom = async (bytes: number): Promise<void> => {
    if (config.minFreeBytes === 0) return;
    if ((await space.free()) - bytes < config.minFreeBytes) throw new BlobError(BlobErrorCode.diskFull, DISK_FULL_MESSAGE);
  };

  const quotaFor = (user: UserId): number => deps.quotaOf?.(user) ?? config.userQuotaBytes;
  const mustFit = (bytes: number, quota: number, reservation: Reservation): void => {
    if (!reservation.ok) {
      throw new BlobError(BlobErrorCode.quotaExceeded, `this upload needs ${bytes} bytes; ${reservation.left} of the ${quota}-byte quota are left`);
    }
  };
  /** Holds `bytes` for upload `id` (replacing what it held) before they stream, or throws quotaExceeded. */
  const reserve = (id: string, user: UserId, bytes: number): void => {
    const quota = quotaFor(user);
    mustFit(bytes, quota, uploads.reserve(id, user, bytes, quota));
  };

  /**
   * Records a verified, stored blob for the user and queues its derivatives. `created` means new
   * to this user, whether or not someone else holds the bytes: the answer is no oracle (ADR 0050).
   */
  const admit = (user: UserId, hash: BlobHash, file: string, size: number, mime: string): Promise<PutBlobResponse> => exclusive(hash, async () => {
    await backend.putFile(hash, file);
    const created = !blobs.isOwner(user, hash);
    blobs.record({ hash, mime, size });
    blobs.grant(hash, user, 'owner');
    await queue.enqueue(hash, derivativeKinds);
    const stored = blobs.get(hash) ?? { size, mime };
    return { hash, size: stored.size, mime: stored.mime, created };
  });

  /** Readable record, or notFound: a blob the user may not read is indistinguishable from none. */
  const reader = createBlobReader(blobs, access);
  const readable = async (user: UserId, hash: BlobHash): Promise<BlobRecord> => {
    const record = blobs.get(hash);
    if (!record || !(await reader.canRead(user, hash))) throw new BlobError(BlobErrorCode.notFound, 'no such blob');
    return record;
  };
  /** The user's own blob, for changing its rooms: anything else is notFound. */
  const owned = (user: UserId, hash: BlobHash): void => {
    if (!blobs.get(hash) || !blobs.isOwner(user, hash)) throw new BlobError(BlobErrorCode.notFound, 'no such blob');
  };
  const mayWrite = async (user: UserId, room: RoomId): Promise<void> => {
    const may = await (access.canWriteRoom ?? access.canReadRoom).call(access, user, room).catch(() => false);
    if (!may) throw new BlobError(BlobErrorCode.forbidden, `you may not add to ${room}`);
  };

  const ensureDerivative = async (hash: BlobHash, kind: DerivativeKind): Promise<void> => {
    if (await derivatives.isDone(hash, kind)) return;
    const job = await queue.ensure(hash, kind, { rerun: true });
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
      if (known && blobs.isOwner(user, hash) && (await backend.exists(hash))) {
        return { hash, size: known.size, mime: known.mime, created: false };
      }
      // Quota is held before the first byte is read, so parallel uploads cannot pass it together;
      // without a Content-Length the hold grows ahead of the bytes, a batch at a time.
      await ensureDiskRoom(contentLength ?? 0);
      const reservation = randomUUID();
      let held = contentLength ?? 0;
      reserve(reservation, user, held);
      // Everyone else streams the bytes: a hash alone never proves possession of the content.
      const temp = await temps.create('upload').catch((error: unknown) => {
        uploads.release(reservation);
        throw error;
      });
      try {
        const hasher = createHash('sha256');
        const head: Uint8Array[] = [];
        let size = 0;
        let sniffed = false;
        // Writes go out in ~1 MiB batches, one in flight while the next batch is read and hashed.
        let batch: Uint8Array[] = [];
        let batched = 0;
        let writing: Promise<void> = Promise.resolve();
        const flush = async (): Promise<void> => {
          await writing;
          const data = batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch);
          batch = [];
          batched = 0;
          writing = temp.write(data);
          writing.catch(() => undefined); // observed by the next flush or the final await
        };
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > config.maxBlobBytes) throw new BlobError(BlobErrorCode.tooLarge, `blob exceeds the ${config.maxBlobBytes}-byte limit`);
          if (size > held) reserve(reservation, user, (held = Math.min(config.maxBlobBytes, size + WRITE_BATCH_BYTES)));
          hasher.update(chunk);
          batch.push(chunk);
          batched += chunk.byteLength;
          if (batched >= WRITE_BATCH_BYTES) await flush();
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
        if (batched > 0) await flush();
        await writing;
        if (signal?.aborted) throw new BlobError(BlobErrorCode.aborted, 'upload aborted');
        if (size === 0) throw new BlobError(BlobErrorCode.unsupportedMediaType, 'an empty file is not a photo or video');
        const actual = hasher.digest('hex');
        if (actual !== hash) throw new BlobError(BlobErrorCode.hashMismatch, `body hashes to ${actual}, not ${hash}`);
        const mime = await sniffFile(temp.path);
        if (!isAcceptedMime(mime)) throw notMedia(mime);
        if (size > held) reserve(reservation, user, size);
        await temp.commit();
        return await admit(user, hash, temp.path, size, mime); // the owner grant counts before the hold goes
      } finally {
        // Discard first: on a full disk the bytes it frees let SQLite record the release.
        try {
          await temp.discard();
        } finally {
          uploads.release(reservation);
        }
      }
    },

    async adopt(user, hash, file, streamed) {
      try {
        let { size = 0, sha256: actual = '' } = streamed ?? {};
        if (!streamed) {
          const hasher = createHash('sha256');
          for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
            hasher.update(chunk as Buffer);
            size += (chunk as Buffer).byteLength;
          }
          actual = hasher.digest('hex');
        }
        if (size === 0) throw new BlobError(BlobErrorCode.unsupportedMediaType, 'an empty file is not a photo or video');
        if (actual !== hash) throw new BlobError(BlobErrorCode.hashMismatch, `upload hashes to ${actual}, not ${hash}`);
        const mime = await sniffFile(file);
        if (!isAcceptedMime(mime)) throw notMedia(mime);
        const handle = await open(file, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        return await admit(user, hash, file, size, mime);
      } finally {
        await rm(file, { force: true });
      }
    },

    ensureDiskRoom,

    createUpload(upload) {
      const quota = quotaFor(upload.user);
      mustFit(upload.length, quota, uploads.create(upload, quota));
    },

    async exists(user, hashes) {
      if (hashes.length > config.maxExistsHashes) throw new BlobError(BlobErrorCode.invalidRequest, `at most ${config.maxExistsHashes} hashes per request`);
      return reader.readable(user, hashes);
    },

    async addToRoom(user, hash, room) {
      owned(user, hash);
      await mayWrite(user, room);
      blobs.addRoom(hash, room, user);
    },

    async removeFromRoom(user, hash, room) {
      owned(user, hash);
      await mayWrite(user, room);
      if (!blobs.removeRoom(hash, room, user)) throw new BlobError(BlobErrorCode.notFound, `the blob is not in ${room}`);
    },

    async original(user, hash) {
      const record = await readable(user, hash);
      const stat = await backend.stat(hash);
      if (!stat) throw new BlobError(BlobErrorCode.notFound, 'blob bytes are missing');
      return { file: await backend.localFile(hash), size: stat.size, mime: record.mime };
    },

    async derivative(user, hash, kind) {
      await readable(user, hash);
      await ensureDerivative(hash, kind);
      const size = await derivatives.files.size(hash, kind);
      if (size === undefined) throw new BlobError(BlobErrorCode.notReady, `${kind} is not ready; retry later`);
      return { file: derivatives.files.pathOf(hash, kind), size, mime: derivativeFormats[kind].mime };
    },

    async video(user, hash) {
      const record = await readable(user, hash);
      if (decoderFor(record.mime) !== DecoderKind.video) throw new BlobError(BlobErrorCode.unsupportedMediaType, `${record.mime} is not a video`);
      if (!(await derivatives.isDone(hash, DerivativeKind.video))) {
        const job = queue.ensure(hash, DerivativeKind.video, { rerun: true });
        let timer: number | NodeJS.Timeout | undefined;
        const waited = await Promise.race([job, new Promise<undefined>((r) => (timer = setTimeout(r, deps.videoWaitMs ?? 2000)))]);
        clearTimeout(timer);
        if (waited?.status === JobStatus.failed) throw new BlobError(BlobErrorCode.undecodable, `cannot make a playable video: ${waited.error ?? 'unknown error'}`);
        if (!(await derivatives.isDone(hash, DerivativeKind.video))) throw new BlobError(BlobErrorCode.notReady, 'the video is being transcoded; retry later');
      }
      const plan = plans.get(hash);
      const size = plan?.transcode ? await derivatives.files.size(hash, 'video') : undefined;
      if (plan?.transcode && size !== undefined) return { file: derivatives.files.pathOf(hash, 'video'), size, mime: 'video/mp4', transcoded: true };
      return { ...(await this.original(user, hash)), transcoded: false };
    },

    async metadata(user, hash) {
      await readable(user, hash);
      // An uploader with a sidecar reads their own merge; everyone else the reading of the bytes.
      if (blobs.isOwner(user, hash) && metadata.sidecar(hash, user)) return metadata.getForUser(hash, user) ?? (await derivatives.extractFor(hash, user));
      await ensureDerivative(hash, DerivativeKind.metadata);
      const meta = metadata.get(hash);
      if (!meta) throw new BlobError(BlobErrorCode.notReady, 'metadata is not ready; retry later');
      return meta;
    },

    remove(user, hash) {
      return exclusive(hash, async () => {
        owned(user, hash);
        metadata.forgetUser(hash, user);
        await ml.removeFor(hash, user);
        if (!blobs.release(hash, user)) return;
        blobs.forget(hash);
        await Promise.all([backend.delete(hash), derivatives.files.removeAll(hash), ml.removeAll(hash)]);
      });
    },

    async putSidecar(user, hash, body) {
      await readable(user, hash);
      if (!blobs.isOwner(user, hash)) throw new BlobError(BlobErrorCode.notFound, 'no such blob');
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > MAX_SIDECAR_BYTES) throw new BlobError(BlobErrorCode.tooLarge, `a sidecar may be at most ${MAX_SIDECAR_BYTES} bytes`);
        chunks.push(chunk);
      }
      const xmp = Buffer.concat(chunks);
      const file = temps.path('sidecar-check', '.xmp');
      try {
        await writeFile(file, xmp);
        const tags = await exiftool.read(file).catch(() => ({}) as Record<string, unknown>);
        if (tags.FileType !== 'XMP') throw new BlobError(BlobErrorCode.unsupportedMediaType, 'a sidecar must be an XMP packet');
      } finally {
        await temps.remove(file);
      }
      metadata.setSidecar(hash, user, xmp);
      return derivatives.extractFor(hash, user);
    },

    async info(user, hash) {
      await readable(user, hash);
      await ensureDerivative(hash, DerivativeKind.thumbhash);
      const record = await readable(user, hash);
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
