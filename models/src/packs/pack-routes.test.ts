import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileBody, HttpRequest, HttpRoute } from '../../../protocol/src/http.js';
import { listHostedPacks, modelPackRoutes } from './pack-routes.js';

const pack = (root: string, id: string, kind: string, files: Record<string, string>): void => {
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(join(root, id, 'manifest.json'), JSON.stringify({ id, kind }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, id, path, '..'), { recursive: true });
    writeFileSync(join(root, id, path), text);
  }
};

const call = async (routes: HttpRoute[], path: string) => {
  const segments = path.split('/').slice(1);
  for (const route of routes) {
    const pattern = route.pattern.split('/').slice(1);
    if (pattern.length !== segments.length || pattern.some((p, i) => !p.startsWith(':') && p !== segments[i])) continue;
    const params = Object.fromEntries(pattern.flatMap((p, i) => (p.startsWith(':') ? [[p.slice(1), decodeURIComponent(segments[i] as string)]] : [])));
    return route.handle({ method: 'GET', path } as HttpRequest, params);
  }
  throw new Error(`no route for ${path}`);
};

describe('model pack routes', () => {
  const first = mkdtempSync(join(tmpdir(), 'packs-a-'));
  const second = mkdtempSync(join(tmpdir(), 'packs-b-'));
  pack(first, 'clip-test', 'clip', { 'visual/model.onnx': 'visual-a' });
  pack(second, 'clip-test', 'clip', { 'visual/model.onnx': 'visual-b' });
  pack(second, 'face-api', 'faces', { 'detection/model.onnx': 'det' });
  pack(second, 'PP-OCRv4_mobile', 'text', { 'detection/model.onnx': 'det' });
  mkdirSync(join(second, 'not-a-pack'));
  const routes = modelPackRoutes([first, second]);

  it('lists each pack once, the first root winning', async () => {
    const listed = [{ id: 'clip-test', kind: 'clip' }, { id: 'face-api', kind: 'faces' }, { id: 'PP-OCRv4_mobile', kind: 'text' }];
    expect(await listHostedPacks([first, second])).toEqual(listed);
    const index = await call(routes, '/models/index.json');
    expect(JSON.parse(index.body as string)).toEqual({ packs: listed });
  });

  it('serves files from the first root that has them, manifests uncached', async () => {
    const visual = await call(routes, '/models/clip-test/visual/model.onnx');
    expect(visual.status).toBe(200);
    expect((visual.body as FileBody).file).toBe(join(first, 'clip-test', 'visual', 'model.onnx'));
    expect((await call(routes, '/models/face-api/detection/model.onnx')).status).toBe(200);
    expect((await call(routes, '/models/face-api/manifest.json')).headers?.['cache-control']).toBe('no-cache');
  });

  it('answers 404 for missing files and anything outside a pack', async () => {
    for (const path of ['/models/clip-test/textual/model.onnx', '/models/../package.json', '/models/clip-test/..%2F..%2Fetc', '/models/%2E%2E/visual/model.onnx', '/models/.hidden/x', '/models/face-api/a%2Fb']) {
      expect((await call(routes, path)).status, path).toBe(404);
    }
  });
});
