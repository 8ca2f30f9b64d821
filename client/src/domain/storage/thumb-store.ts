/**
 * Resolves the image URL for a tile: the thumbnail made on this device at import (an object
 * URL of the Dexie blob) or else the server's `/api/blobs/<hash>/thumbnail`, which the
 * service worker caches for offline use.
 *
 *   const thumbs = new ThumbStore(db); await thumbs.put(hash, blob);
 *   img.src = await thumbs.urlFor(hash)
 */
import type { LocalDb } from './local-db.js';

export const serverThumbnailUrl = (hash: string): string => `/api/blobs/${hash}/thumbnail`;
export const serverPreviewUrl = (hash: string): string => `/api/blobs/${hash}/preview`;
export const originalUrl = (hash: string): string => `/api/blobs/${hash}`;
/** The playable rendition of a video: the server's H.264 transcode, or the original when it needs none. */
export const playableVideoUrl = (hash: string): string => `/api/blobs/${hash}/video`;

export class ThumbStore {
  private readonly urls = new Map<string, Promise<string | null>>();

  constructor(private readonly db: LocalDb) {}

  async put(hash: string, blob: Blob): Promise<void> {
    await this.db.thumbs.put({ hash, blob });
    this.urls.set(hash, Promise.resolve(URL.createObjectURL(blob)));
  }

  /** The local thumbnail's object URL, or null when this device has none. */
  localUrl(hash: string): Promise<string | null> {
    let url = this.urls.get(hash);
    if (!url) {
      url = this.db.thumbs
        .get(hash)
        .then((record) => (record ? URL.createObjectURL(record.blob) : null))
        .catch(() => null);
      this.urls.set(hash, url);
    }
    return url;
  }

  async urlFor(hash: string): Promise<string> {
    return (await this.localUrl(hash)) ?? serverThumbnailUrl(hash);
  }

  dispose(): void {
    for (const url of this.urls.values()) void url.then((u) => u && URL.revokeObjectURL(u));
    this.urls.clear();
  }
}
