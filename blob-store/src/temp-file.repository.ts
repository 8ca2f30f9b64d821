/**
 * Scratch files under `<dataDir>/blobs/tmp`: uniquely named so concurrent uploads of one hash
 * never share a file, fsynced before they are moved into place, and swept at start because any
 * left there belong to a process that died.
 *
 *   const temp = await temps.create('upload'); await temp.write(chunk); await temp.commit()
 *   await temp.discard() // on any failure: no partial file remains
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface TempFile {
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  /** fsync and close; the file is complete and durable. */
  commit(): Promise<void>;
  /** Close and delete; safe to call at any point, and more than once. */
  discard(): Promise<void>;
}

export interface TempFiles {
  readonly dir: string;
  create(label: string): Promise<TempFile>;
  /** A unique path to let a tool (ffmpeg) write; the caller removes it with remove(). */
  path(label: string, ext: string): string;
  remove(path: string): Promise<void>;
  /** Deletes everything in the directory: call only at start, before any upload begins. */
  sweep(): Promise<number>;
}

export const createTempFiles = async (dir: string): Promise<TempFiles> => {
  await mkdir(dir, { recursive: true });
  const path = (label: string, ext: string): string => join(dir, `${label}.${randomUUID()}${ext}`);
  return {
    dir,
    path,
    async create(label) {
      const file = path(label, '.part');
      let handle: FileHandle | undefined = await open(file, 'wx');
      return {
        path: file,
        async write(chunk) {
          if (!handle) throw new Error('temp file is closed');
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
            offset += bytesWritten;
          }
        },
        async commit() {
          if (!handle) throw new Error('temp file is closed');
          await handle.sync();
          await handle.close();
          handle = undefined;
        },
        async discard() {
          const h = handle;
          handle = undefined;
          await h?.close().catch(() => undefined);
          await rm(file, { force: true });
        },
      };
    },
    remove: (file) => rm(file, { force: true }),
    async sweep() {
      const names = await readdir(dir);
      await Promise.all(names.map((name) => rm(join(dir, name), { force: true, recursive: true })));
      return names.length;
    },
  };
};
