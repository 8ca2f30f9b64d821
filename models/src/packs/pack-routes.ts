/**
 * HTTP routes with which the server hosts installed model packs for its devices, with no rebuild:
 * `GET /models/<id>/<path>` streams a pack file from the first root that has it, and
 * `GET /models/index.json` lists every pack found ({ packs: [{ id, kind }] }), which is how a
 * device learns whether a CLIP pack is installed. Roots are searched in order (e.g. the
 * `npm run models -- install` folder, then the build's dist/client/models).
 *
 *   const routes = modelPackRoutes(['models/packs', 'dist/client/models']);
 *   await sync.listen({ port, extraRoutes: [...blobs.routes, ...routes], staticDir });
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { HttpResponse, HttpRoute } from '../../../protocol/src/http.js';

export type HostedPack = { readonly id: string; readonly kind: 'clip' | 'faces' | 'text' };

const PACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = { json: 'application/json', onnx: 'application/octet-stream', txt: 'text/plain; charset=utf-8' };

const notFound = (message: string): HttpResponse => ({ status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'notFound', message } }) });

/** The packs under `roots` (first root wins for an id), read from each folder's manifest.json. */
export const listHostedPacks = async (roots: readonly string[]): Promise<HostedPack[]> => {
  const found = new Map<string, HostedPack>();
  for (const root of roots) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || !PACK_ID.test(entry.name) || found.has(entry.name)) continue;
      try {
        const manifest = JSON.parse(await readFile(join(root, entry.name, 'manifest.json'), 'utf8')) as { kind?: unknown };
        found.set(entry.name, { id: entry.name, kind: manifest.kind === 'clip' || manifest.kind === 'text' ? manifest.kind : 'faces' });
      } catch {
        // No readable manifest: not a pack.
      }
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
};

export const modelPackRoutes = (roots: readonly string[]): HttpRoute[] => {
  const absolute = roots.map((r) => resolve(r));
  const serve = async (parts: readonly string[]): Promise<HttpResponse> => {
    const [id] = parts;
    if (id === undefined || !PACK_ID.test(id) || parts.slice(1).some((p) => !SEGMENT.test(p))) return notFound('no such model file');
    for (const root of absolute) {
      const file = join(root, ...parts);
      if (!file.startsWith(root + sep)) return notFound('no such model file');
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      const extension = file.slice(file.lastIndexOf('.') + 1);
      return {
        status: 200,
        // manifest.json must be re-read (a reinstalled pack changes it); the rest is checked against it by hash.
        headers: { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'cache-control': parts.at(-1) === 'manifest.json' ? 'no-cache' : 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
        body: info.size === 0 ? '' : { file, start: 0, end: info.size - 1 },
      };
    }
    return notFound(`no model file ${parts.join('/')}`);
  };
  return [
    {
      method: 'GET',
      pattern: '/models/index.json',
      maxBodyBytes: 0,
      handle: async () => ({ status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' }, body: JSON.stringify({ packs: await listHostedPacks(absolute) }) }),
    },
    { method: 'GET', pattern: '/models/:id/:file', maxBodyBytes: 0, handle: async (_req, p) => serve([p.id ?? '', p.file ?? '']) },
    { method: 'GET', pattern: '/models/:id/:dir/:file', maxBodyBytes: 0, handle: async (_req, p) => serve([p.id ?? '', p.dir ?? '', p.file ?? '']) },
  ];
};
