/**
 * Derivative files, content-keyed at `<root>/ab/cd/<hash>-<kind>-<paramsVersion>.<ext>` and
 * written temp-then-rename so a killed worker never leaves half a thumbnail behind.
 *
 *   const file = derivatives.pathOf(hash, 'thumbnail')
 *   if (!(await derivatives.exists(hash, 'thumbnail'))) await derivatives.write(hash, 'thumbnail', bytes)
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobHash } from '../../protocol/src/index.js';
import { fsyncDir, removeShardFiles, shardedPath, writeSyncedFile } from './fs-blob.backend.js';

export type FileDerivativeKind = 'thumbnail' | 'preview' | 'video';

/** Bump a kind's version when its rendering parameters change: old files are simply not found. */
export const derivativeFormats = {
  thumbnail: { ext: 'webp', mime: 'image/webp', paramsVersion: 1 },
  preview: { ext: 'jpg', mime: 'image/jpeg', paramsVersion: 1 },
  video: { ext: 'mp4', mime: 'video/mp4', paramsVersion: 1 },
} as const satisfies Record<FileDerivativeKind, { ext: string; mime: string; paramsVersion: number }>;

export interface DerivativeRepository {
  pathOf(hash: BlobHash, kind: FileDerivativeKind): string;
  exists(hash: BlobHash, kind: FileDerivativeKind): Promise<boolean>;
  /** Size in bytes, or undefined when not made yet. */
  size(hash: BlobHash, kind: FileDerivativeKind): Promise<number | undefined>;
  write(hash: BlobHash, kind: FileDerivativeKind, bytes: Uint8Array): Promise<void>;
  /** Fsyncs a finished file a tool wrote on the same filesystem and renames it into place. */
  moveIn(hash: BlobHash, kind: FileDerivativeKind, file: string): Promise<void>;
  /** Deletes every derivative file of the blob (any kind, any params version). */
  removeAll(hash: BlobHash): Promise<void>;
}

/** `tmpDir` must be on the same filesystem (it is swept at start, so a crash leaves nothing). */
export const createDerivativeRepository = async (root: string, tmpDir: string): Promise<DerivativeRepository> => {
  await mkdir(root, { recursive: true });
  const pathOf = (hash: BlobHash, kind: FileDerivativeKind): string => {
    const { paramsVersion, ext } = derivativeFormats[kind];
    return shardedPath(root, hash, `-${kind}-${paramsVersion}.${ext}`);
  };
  const size = async (hash: BlobHash, kind: FileDerivativeKind): Promise<number | undefined> => {
    try {
      return (await stat(pathOf(hash, kind))).size;
    } catch {
      return undefined;
    }
  };
  return {
    pathOf,
    size,
    exists: async (hash, kind) => (await size(hash, kind)) !== undefined,
    removeAll: async (hash) => void (await removeShardFiles(root, hash)),
    async moveIn(hash, kind, file) {
      const target = pathOf(hash, kind);
      await mkdir(dirname(target), { recursive: true });
      const handle = await open(file, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(file, target);
      await fsyncDir(dirname(target));
    },
    async write(hash, kind, bytes) {
      const target = pathOf(hash, kind);
      await mkdir(dirname(target), { recursive: true });
      const temp = join(tmpDir, `${hash}-${kind}.${randomUUID()}.tmp`);
      try {
        await writeSyncedFile(temp, bytes);
        await rename(temp, target);
        await fsyncDir(dirname(target));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
};
