/**
 * Filesystem blob backend: originals at `<root>/ab/cd/<hash>`, moved in by rename (atomic on one
 * filesystem) with the directory fsynced so a power cut cannot lose a blob we acknowledged.
 *
 *   const backend = await createFsBlobBackend('/data/blobs/originals')
 *   await backend.putFile(hash, tempFile)
 */
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobHash } from '../../protocol/src/index.js';
import { BlobNotFoundError, type BlobBackend, type BlobStat } from './blob.backend.js';

/** `<root>/ab/cd/<hash>`: two levels of 256 keep directories small at millions of blobs. */
export const shardedPath = (root: string, hash: string, suffix = ''): string =>
  join(root, hash.slice(0, 2), hash.slice(2, 4), `${hash}${suffix}`);

/** Deletes every file of the hash's shard directory named `<hash>…` (its derivatives); how many. */
export const removeShardFiles = async (root: string, hash: string): Promise<number> => {
  const dir = dirname(shardedPath(root, hash));
  const names = await readdir(dir).catch(() => [] as string[]);
  const mine = names.filter((name) => name.startsWith(`${hash}-`));
  await Promise.all(mine.map((name) => rm(join(dir, name), { force: true })));
  return mine.length;
};

/** fsync a directory so a rename or unlink inside it is durable. */
export const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/** Writes `bytes` to a new file at `path` (which must not exist) and fsyncs it before returning. */
export const writeSyncedFile = async (path: string, bytes: Uint8Array): Promise<void> => {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
};

export const createFsBlobBackend = async (root: string): Promise<BlobBackend> => {
  await mkdir(root, { recursive: true });
  const pathOf = (hash: BlobHash): string => shardedPath(root, hash);
  const statOf = async (hash: BlobHash): Promise<BlobStat | undefined> => {
    try {
      const s = await stat(pathOf(hash));
      return s.isFile() ? { size: s.size } : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  return {
    async putFile(hash, tempFile) {
      const target = pathOf(hash);
      await mkdir(dirname(target), { recursive: true });
      try {
        // link() fails with EEXIST instead of replacing, so a second writer never clobbers a
        // blob another request is already streaming; both outcomes leave exactly one file.
        await link(tempFile, target);
        await fsyncDir(dirname(target));
        return { created: true };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return { created: false };
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
        // A filesystem without hard links: rename is still atomic; replacing equal bytes is harmless.
        const existed = (await statOf(hash)) !== undefined;
        await rename(tempFile, target);
        await fsyncDir(dirname(target));
        return { created: !existed };
      } finally {
        await unlink(tempFile).catch(() => undefined);
      }
    },
    async exists(hash) {
      return (await statOf(hash)) !== undefined;
    },
    stat: statOf,
    async localFile(hash) {
      if (!(await statOf(hash))) throw new BlobNotFoundError(hash);
      return pathOf(hash);
    },
    read(hash, range) {
      const stream = createReadStream(pathOf(hash), range ? { start: range.start, end: range.end } : {});
      return (async function* () {
        try {
          for await (const chunk of stream) yield chunk as Uint8Array;
        } catch (error) {
          if (isNotFound(error)) throw new BlobNotFoundError(hash);
          throw error;
        }
      })();
    },
    async delete(hash) {
      try {
        await unlink(pathOf(hash));
        await fsyncDir(dirname(pathOf(hash)));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
};

const isNotFound = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
