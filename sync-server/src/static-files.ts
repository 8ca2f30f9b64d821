/**
 * Serves the built PWA from a directory: content types by extension, immutable caching for
 * hashed `/assets/`, no-cache for the shell (index.html, sw.js, manifest), index.html for
 * client-side navigations, and a hint page when nothing was built. Path traversal safe. Every
 * answer carries COOP/COEP/CORP so the app is cross-origin isolated (multi-threaded WASM).
 *
 *   const serveStatic = createStaticFiles('dist/client')
 *   const response = await serveStatic({ method: 'GET', path: '/assets/app-3f2a.js', acceptsHtml: false })
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS, errorResponse, type FileBody, type HttpResponse } from '../../protocol/src/index.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

export const contentTypeOf = (file: string): string => CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

const cacheControlOf = (urlPath: string): string => {
  if (urlPath.startsWith('/assets/')) return IMMUTABLE;
  return NO_CACHE;
};

const NOT_BUILT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Shoebox</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto"><h1>Shoebox server is running</h1>
<p>The web app has not been built. Run <code>npm run build</code>, then reload this page.</p></body></html>`;

export interface StaticRequest {
  readonly method: 'GET' | 'HEAD';
  /** The raw URL path, still percent-encoded. */
  readonly path: string;
  /** The client asked for HTML (a browser navigation). */
  readonly acceptsHtml: boolean;
}

export type StaticFiles = (req: StaticRequest) => Promise<HttpResponse>;

/** Resolves a URL path under `root`, or undefined when it is malformed or escapes the root. */
export const resolveUnder = (root: string, urlPath: string): string | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
};

const fileResponse = async (file: string, urlPath: string): Promise<HttpResponse | undefined> => {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) return undefined;
  const body: FileBody = { file, start: 0, end: stat.size - 1 };
  return {
    status: 200,
    headers: { 'content-type': contentTypeOf(file), 'cache-control': cacheControlOf(urlPath), 'x-content-type-options': 'nosniff', ...CROSS_ORIGIN_ISOLATION_HEADERS },
    body: stat.size === 0 ? '' : body,
  };
};

export const createStaticFiles = (staticDir: string): StaticFiles => {
  const root = path.resolve(staticDir);
  const index = path.join(root, 'index.html');
  return async ({ path: urlPath, acceptsHtml }) => {
    const file = urlPath === '/' ? index : resolveUnder(root, urlPath);
    if (!file) return errorResponse(404, 'notFound', 'no such file');
    const found = await fileResponse(file, urlPath);
    if (found) return found;
    // Client-side routes (`/album/x`) get the app shell; missing assets stay 404.
    const navigation = urlPath === '/' || acceptsHtml || path.posix.extname(urlPath) === '';
    if (!navigation || urlPath.startsWith('/assets/')) return errorResponse(404, 'notFound', 'no such file');
    const shell = await fileResponse(index, '/index.html');
    if (shell) return shell;
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_CACHE, ...CROSS_ORIGIN_ISOLATION_HEADERS }, body: NOT_BUILT_PAGE };
  };
};
