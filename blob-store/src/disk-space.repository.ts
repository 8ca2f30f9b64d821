/**
 * Free space on the filesystem that holds uploads (statfs), for refusing uploads that would
 * fill it before their first byte is written.
 *
 *   const space = createDiskSpace('/data/blobs/tmp')
 *   if ((await space.free()) - length < config.minFreeBytes) refuse()
 */
import { statfs } from 'node:fs/promises';

export interface DiskSpace {
  /** Bytes an unprivileged process may still write there. */
  free(): Promise<number>;
}

export const createDiskSpace = (dir: string): DiskSpace => ({
  async free() {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  },
});
