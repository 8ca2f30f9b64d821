import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpError, json, readJson, type HttpRoute } from '../../protocol/src/index.js';
import { createSyncServer, type SyncServer } from './index.js';
import { resolveUnder } from './static-files.js';
import { tempDir } from './testing.js';

const BIG_FILE_BYTES = 300 * 1024 * 1024;
let sync: SyncServer;
let base: string;
let port: number;
let bigFile: string;
let staticDir: string;

const bodyDigest = async (req: Parameters<HttpRoute['handle']>[0], slow: boolean) => {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of req.body()) {
    hash.update(chunk);
    bytes += chunk.byteLength;
    // A lagging consumer: the transport must pause the socket rather than buffer everything.
    if (slow) await new Promise((resolve) => setImmediate(resolve));
  }
  return { bytes, sha256: hash.digest('hex') };
};

const testRoutes: HttpRoute[] = [
  { method: 'POST', pattern: '/api/test/echo', maxBodyBytes: 1024, handle: async (req) => json(200, await readJson(req)) },
  { method: 'PUT', pattern: '/api/test/upload/:name', maxBodyBytes: 64 * 1024 * 1024, handle: async (req, p) => json(200, { name: p.name, ...(await bodyDigest(req, true)) }) },
  { method: 'GET', pattern: '/api/test/throw', maxBodyBytes: 0, handle: async () => { throw new Error('boom'); } },
  { method: 'GET', pattern: '/api/test/teapot', maxBodyBytes: 0, handle: async () => { throw new HttpError(418, 'teapot', 'short and stout'); } },
  { method: 'GET', pattern: '/api/test/big', maxBodyBytes: 0, handle: async () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: { file: bigFile, start: 0, end: BIG_FILE_BYTES - 1 } }) },
  { method: 'GET', pattern: '/api/test/range', maxBodyBytes: 0, handle: async () => ({ status: 206, body: { file: bigFile, start: 1000, end: 1009 } }) },
];

beforeAll(async () => {
  const dir = tempDir();
  bigFile = path.join(dir, 'big.bin');
  // Sparse, with markers: cheap to create, still proves every byte arrives in order.
  const fd = fs.openSync(bigFile, 'w');
  fs.ftruncateSync(fd, BIG_FILE_BYTES);
  for (const at of [0, 1000, 123_456_789, BIG_FILE_BYTES - 4]) fs.writeSync(fd, Buffer.from('MARK'), 0, 4, at);
  fs.closeSync(fd);
  staticDir = path.join(dir, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(staticDir, 'sw.js'), 'self.x = 1');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  sync = await createSyncServer({ dataDir: path.join(dir, 'data') });
  const server = await sync.listen({ port: 0, host: '127.0.0.1', extraRoutes: testRoutes, staticDir });
  port = server.port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await sync?.close();
});

const rawGet = (urlPath: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });

describe('HTTP transport', () => {
  it('answers unknown API routes with 404 JSON and wrong methods with 405', async () => {
    const res = await fetch(`${base}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'notFound', message: expect.any(String) } });
    const wrong = await fetch(`${base}/api/health`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', body: '{"email": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('malformedJson');
  });

  it('answers an oversized body with 413, declared or streamed', async () => {
    const declared = await fetch(`${base}/api/test/echo`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as any).error.code).toBe('tooLarge');
    const chunks = [new TextEncoder().encode('{"pad":"'), new Uint8Array(4000).fill(120), new TextEncoder().encode('"}')];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${base}/api/test/echo`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    // The server is still fine afterwards.
    expect((await fetch(`${base}/api/test/echo`, { method: 'POST', body: '{"a":1}' })).status).toBe(200);
  });

  it('streams a large request body to a slow consumer intact', async () => {
    const body = new Uint8Array(8 * 1024 * 1024).map((_, i) => i * 7);
    const res = await fetch(`${base}/api/test/upload/photo%20one.jpg`, { method: 'PUT', body });
    expect(await res.json()).toEqual({ name: 'photo one.jpg', bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('turns handler exceptions into 500 internal (logged) and HttpErrors into their status', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await fetch(`${base}/api/test/throw`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(log).toHaveBeenCalled();
    log.mockRestore();
    const teapot = await fetch(`${base}/api/test/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ error: { code: 'teapot', message: 'short and stout' } });
  });

  it(`streams a ${BIG_FILE_BYTES >> 20} MiB file from disk, in order`, async () => {
    const expected = createHash('sha256');
    const stream = fs.createReadStream(bigFile, { highWaterMark: 1 << 20 });
    for await (const chunk of stream) expected.update(chunk as Buffer);
    const res = await fetch(`${base}/api/test/big`);
    expect(res.headers.get('content-length')).toBe(String(BIG_FILE_BYTES));
    const actual = createHash('sha256');
    let received = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      actual.update(chunk);
      received += chunk.byteLength;
    }
    expect(received).toBe(BIG_FILE_BYTES);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
  });

  it('serves file ranges and HEAD without a body', async () => {
    const range = await fetch(`${base}/api/test/range`);
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(Buffer.concat([Buffer.from('MARK'), Buffer.alloc(6)]));
    const head = await fetch(`${base}/api/test/big`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(BIG_FILE_BYTES));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('does not let an upload cut off mid-body hurt the server', async () => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/test/upload/cut', headers: { 'content-length': String(4 << 20) } });
    req.on('error', () => {});
    req.write(Buffer.alloc(1 << 20));
    await new Promise((resolve) => req.once('socket', (s) => (s.connecting ? s.once('connect', resolve) : resolve(null))));
    req.destroy();
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('does not let an aborted download hurt the server', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/test/big`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});

describe('static files', () => {
  it('serves assets as immutable and the shell as no-cache, with content types', async () => {
    const asset = await fetch(`${base}/assets/app-abc123.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for navigations but not for missing assets or /api', async () => {
    const nav = await fetch(`${base}/albums/summer`, { headers: { accept: 'text/html' } });
    expect(nav.status).toBe(200);
    expect(await nav.text()).toContain('<title>app</title>');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/api/albums/summer`, { headers: { accept: 'text/html' } })).status).toBe(404);
  });

  it('never serves files outside the static directory', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await rawGet(p);
      expect(res.body, p).not.toContain('secret');
    }
    expect(resolveUnder('/srv/app', '/../../etc/passwd')).toBe('/srv/app/etc/passwd');
    expect(resolveUnder('/srv/app', '/%E0%A4%A')).toBeUndefined();
    expect(resolveUnder('/srv/app', '/a%00b')).toBeUndefined();
  });

  it('shows a build hint when there is no built app', async () => {
    const bare = await createSyncServer({ dataDir: tempDir() });
    const server = await bare.listen({ port: 0, host: '127.0.0.1', staticDir: tempDir() });
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(await res.text()).toContain('npm run build');
    await bare.close();
  });
});
