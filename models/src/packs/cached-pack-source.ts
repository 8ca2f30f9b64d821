/**
 * A PackSource that keeps pack files on the device, so a device downloads a model once: in the
 * Origin Private File System when the browser has it, else in Cache Storage (pack-cache.ts).
 * Hashes are still checked on every load (readVerified); a cached file that fails its check is
 * evicted (readVerified calls `evict`) and fetched again once, so a corrupt cache heals instead
 * of sticking. Storage that refuses a write (quota, private mode) only costs the caching.
 *
 *   const source = cachedPackSource(fetchPackSource(new URL('/models/face-api/', location.href).href));
 *   const faces = await createFaceAnalyzer(source, runtime);
 */
import { openPackCache, type PackCacheStore } from './pack-cache.js';
import type { PackSource } from './pack-files.js';

// Not 'shoebox-…': the service worker deletes every shoebox-* cache it does not know on activation.
export const MODEL_CACHE = 'ml-models-v1';

/** The cache key of `path` in the pack served as `describe`: one folder per pack origin. */
export const packCacheKey = (describe: string, path: string): string => `${encodeURIComponent(describe)}/${path}`;

/** `store` defaults to OPFS with a Cache Storage fallback, opened once on first use. */
export const cachedPackSource = (origin: PackSource, cacheName = MODEL_CACHE, store?: Promise<PackCacheStore | undefined>): PackSource => {
  let opened = store;
  const cache = (): Promise<PackCacheStore | undefined> => (opened ??= openPackCache(cacheName).catch(() => undefined));
  const key = (path: string): string => packCacheKey(origin.describe, path);
  return {
    describe: `${origin.describe} (cached)`,
    async read(path) {
      // manifest.json is never cached: it is how a changed pack is noticed.
      if (path === 'manifest.json') return origin.read(path);
      const store = await cache();
      const hit = await store?.get(key(path)).catch(() => undefined);
      if (hit !== undefined) return hit;
      const bytes = await origin.read(path);
      await store?.put(key(path), bytes).catch(() => undefined);
      return bytes;
    },
    async evict(path) {
      await (await cache())?.delete(key(path));
    },
  };
};
