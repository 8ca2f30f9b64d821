/**
 * S3-compatible blob backend (AWS SDK v3): originals at `<prefix>ab/cd/<hash>`, uploaded with
 * their SHA-256 as the S3 checksum so the server verifies the bytes, and never overwritten
 * (If-None-Match: * plus a per-hash lock in this process). Decoders and FileBody responses get a
 * local copy from a read-through cache directory.
 *
 *   const backend = await createS3BlobBackend({ client: new S3Client({ … }), bucket: 'shoebox', cacheDir: '/data/blobs/s3-cache' })
 *   await backend.putFile(hash, tempFile); const file = await backend.localFile(hash)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobHash } from '../../protocol/src/index.js';
import { BlobNotFoundError, type BlobBackend, type BlobStat } from './blob.backend.js';
import { shardedPath } from './fs-blob.backend.js';

export interface S3BlobBackendOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix, e.g. 'originals/'. Default ''. */
  readonly prefix?: string;
  /** Where local copies for decoders and file responses are kept. */
  readonly cacheDir: string;
}

/** A single PutObject may carry at most 5 GiB. */
export const S3_MAX_PUT_BYTES = 5 * 1024 ** 3;

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};
const isPreconditionFailed = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
};

export const createS3BlobBackend = async (options: S3BlobBackendOptions): Promise<BlobBackend> => {
  const { client, bucket, cacheDir } = options;
  const prefix = options.prefix ?? '';
  await mkdir(cacheDir, { recursive: true });
  const keyOf = (hash: BlobHash): string => `${prefix}${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
  const locks = new Map<string, Promise<unknown>>();
  const fetching = new Map<string, Promise<string>>();

  /** Runs `work` after any earlier work on the same hash in this process. */
  const serial = <T>(hash: BlobHash, work: () => Promise<T>): Promise<T> => {
    const before = locks.get(hash) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    locks.set(hash, settled);
    void settled.then(() => {
      if (locks.get(hash) === settled) locks.delete(hash);
    });
    return run;
  };

  const statOf = async (hash: BlobHash): Promise<BlobStat | undefined> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(hash) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };

  const body = async function* (hash: BlobHash, range?: { start: number; end: number }): AsyncIterable<Uint8Array> {
    let out;
    try {
      out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(hash), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(hash);
      throw error;
    }
    if (!out.Body) return;
    for await (const chunk of out.Body as Readable) yield chunk as Uint8Array;
  };

  const download = async (hash: BlobHash): Promise<string> => {
    const target = shardedPath(cacheDir, hash);
    if (await stat(target).then(() => true, () => false)) return target;
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.part`;
    try {
      await pipeline(body(hash), createWriteStream(temp));
      await rename(temp, target);
      return target;
    } finally {
      await rm(temp, { force: true });
    }
  };

  return {
    putFile(hash, tempFile) {
      return serial(hash, async () => {
        try {
          if (await statOf(hash)) return { created: false };
          const { size } = await stat(tempFile);
          if (size > S3_MAX_PUT_BYTES) throw new Error(`a ${size}-byte blob exceeds the ${S3_MAX_PUT_BYTES}-byte single-PUT limit of this backend`);
          try {
            await client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: keyOf(hash),
                Body: createReadStream(tempFile),
                ContentLength: size,
                ChecksumSHA256: Buffer.from(hash, 'hex').toString('base64'),
                IfNoneMatch: '*',
              }),
            );
          } catch (error) {
            if (isPreconditionFailed(error)) return { created: false }; // another process won the race
            throw error;
          }
          return { created: true };
        } finally {
          await unlink(tempFile).catch(() => undefined);
        }
      });
    },
    exists: async (hash) => (await statOf(hash)) !== undefined,
    stat: statOf,
    localFile(hash) {
      let pending = fetching.get(hash);
      if (!pending) {
        pending = download(hash).finally(() => fetching.delete(hash));
        fetching.set(hash, pending);
      }
      return pending;
    },
    read: (hash, range) => body(hash, range),
    delete(hash) {
      return serial(hash, async () => {
        const existed = (await statOf(hash)) !== undefined;
        if (existed) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(hash) }));
        await rm(shardedPath(cacheDir, hash), { force: true });
        return existed;
      });
    },
  };
};

