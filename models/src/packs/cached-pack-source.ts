/**
 * A PackSource that keeps pack files in the browser's Cache Storage, so a device downloads a
 * model once. Hashes are still checked on every load (readVerified); a cached file that fails
 * its check is evicted (readVerified calls `evict`) and fetched again once, so a corrupt cache
 * heals instead of sticking.
 *
 *   const source = cachedPackSource(fetchPackSource(new URL('/models/face-api/', location.href).href));
 *   const faces = await createFaceAnalyzer(source, runtime);
 */
import type { PackSource } from './pack-files.js';

// Not 'shoebox-…': the service worker deletes every shoebox-* cache it does not know on activation.
export const MODEL_CACHE = 'ml-models-v1';

export const cachedPackSource = (origin: PackSource, cacheName = MODEL_CACHE): PackSource => {
  const key = (path: string): string => new URL(path, `https://pack.invalid/${encodeURIComponent(origin.describe)}/`).href;
  return {
    describe: `${origin.describe} (cached)`,
    async read(path) {
      const cache = typeof caches === 'undefined' ? undefined : await caches.open(cacheName);
      const hit = await cache?.match(key(path));
      if (hit !== undefined) return new Uint8Array(await hit.arrayBuffer());
      const bytes = await origin.read(path);
      // manifest.json is never cached: it is how a changed pack is noticed.
      if (cache !== undefined && path !== 'manifest.json') await cache.put(key(path), new Response(bytes as Uint8Array<ArrayBuffer>));
      return bytes;
    },
    async evict(path) {
      if (typeof caches !== 'undefined') await (await caches.open(cacheName)).delete(key(path));
    },
  };
};
