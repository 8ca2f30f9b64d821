/* global self, caches, fetch, URL, Response */
/**
 * Shoebox service worker: keeps the app usable with the server down.
 * - Navigations: network first, falling back to the cached shell (index.html), so every app
 *   route (/albums/<id>, /photos/<id>, …) opens offline; only extension-less app routes
 *   refresh the cached shell (a visit to /ml.html must not replace it).
 * - /assets/* (hashed build files): cache first. On install the shell is fetched and every
 *   /assets/ file it references is precached, so the first offline reload works.
 * - /api/blobs/<hash>/thumbnail and /preview: cache first (content-addressed, immutable).
 * - Every other /api request and /sync: never cached.
 *
 *   navigator.serviceWorker.register('/sw.js')
 *   caches.delete('shoebox-media-v1')   // on logout
 */
const VERSION = 'v1';
const SHELL_CACHE = `shoebox-shell-${VERSION}`;
const ASSET_CACHE = `shoebox-assets-${VERSION}`;
const MEDIA_CACHE = `shoebox-media-${VERSION}`;
const KEEP = new Set([SHELL_CACHE, ASSET_CACHE, MEDIA_CACHE]);
const SHELL_FILES = ['/', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png'];
const DERIVATIVE = /^\/api\/blobs\/[0-9a-f]{64}\/(thumbnail|preview)$/;

const precache = async () => {
  const shell = await caches.open(SHELL_CACHE);
  await shell.addAll(SHELL_FILES);
  const index = await shell.match('/');
  if (!index) return;
  const html = await index.clone().text();
  const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))];
  const cache = await caches.open(ASSET_CACHE);
  await Promise.all(assets.map((url) => cache.add(url).catch(() => undefined)));
  // Chunks the entry loads lazily (the import worker) are named only inside the JS.
  const nested = new Set();
  for (const url of assets.filter((u) => u.endsWith('.js'))) {
    const hit = await cache.match(url);
    const js = hit ? await hit.text() : '';
    for (const m of js.matchAll(/assets\/[\w.-]+\.js/g)) nested.add(`/${m[0]}`);
  }
  await Promise.all([...nested].filter((u) => !assets.includes(u)).map((url) => cache.add(url).catch(() => undefined)));
};

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('shoebox-') && !KEEP.has(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const cacheFirst = async (request, cacheName, key = request) => {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(key);
  if (hit) return hit;
  const response = await fetch(request);
  // Only whole, successful answers: no 404 while a thumbnail is still being made, no 206.
  if (response.status === 200) await cache.put(key, response.clone()).catch(() => undefined);
  return response;
};

const isAppRoute = (path) => !/\.[a-z0-9]+$/i.test(path);

const networkFirstShell = async (request) => {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.status === 200 && isAppRoute(new URL(request.url).pathname) && response.headers.get('content-type')?.includes('text/html')) {
      await cache.put('/', response.clone());
    }
    return response;
  } catch {
    const hit = (await cache.match('/')) ?? (await cache.match('/index.html'));
    return hit ?? new Response('Shoebox is offline and has not been cached yet.', { status: 503, headers: { 'content-type': 'text/plain' } });
  }
};

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (DERIVATIVE.test(path)) {
    // The retry query (?retry=n) of a tile must not create separate cache entries.
    event.respondWith(cacheFirst(request, MEDIA_CACHE, new URL(path, url.origin).href));
    return;
  }
  if (path.startsWith('/api/') || path === '/sync') return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirstShell(request));
    return;
  }
  if (path.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request, ASSET_CACHE));
    return;
  }
  if (SHELL_FILES.includes(path) || path.startsWith('/icons/')) {
    event.respondWith(
      caches.open(SHELL_CACHE).then(async (cache) => {
        const hit = await cache.match(request);
        const refresh = fetch(request)
          .then((response) => {
            if (response.status === 200) void cache.put(request, response.clone());
            return response;
          })
          .catch(() => hit ?? Response.error());
        return hit ?? refresh;
      }),
    );
  }
});
