import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestStore, type TestStore } from './test-kit.js';

describe('GET/HEAD /api/blobs/:hash', () => {
  let kit: TestStore;
  let hash: string;
  let bytes: Buffer;
  beforeAll(async () => {
    kit = await startTestStore();
    ({ hash, bytes } = await kit.putFile('alice', join(ASSETS, 'formats/png/density_plot.png')));
  });
  afterAll(() => kit.close());

  it('serves the whole blob with caching headers', async () => {
    const res = await kit.get('alice', `/api/blobs/${hash}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('accepts the session cookie on GET', async () => {
    const res = await fetch(`${kit.url}/api/blobs/${hash}`, { headers: { cookie: 'theme=dark; shoebox_session=token-alice' } });
    expect(res.status).toBe(200);
  });

  it('HEAD sends headers only', async () => {
    const res = await kit.get('alice', `/api/blobs/${hash}`, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers If-None-Match with 304', async () => {
    for (const tag of [`"${hash}"`, `W/"${hash}"`, `"other", "${hash}"`, '*']) {
      const res = await kit.get('alice', `/api/blobs/${hash}`, { 'if-none-match': tag });
      expect(res.status).toBe(304);
    }
    expect((await kit.get('alice', `/api/blobs/${hash}`, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, -1],
    ['bytes=-50', -50, -1],
    ['bytes=10-999999999', 10, -1],
  ])('serves Range %s as 206', async (range, from, to) => {
    const start = from < 0 ? bytes.length + from : from;
    const end = to < 0 ? bytes.length - 1 : to;
    const res = await kit.get('alice', `/api/blobs/${hash}`, { range });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('answers an unsatisfiable range with 416', async () => {
    const res = await kit.get('alice', `/api/blobs/${hash}`, { range: `bytes=${bytes.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });

  it('answers 404 for unknown blobs and 400 for malformed hashes', async () => {
    expect((await kit.get('alice', `/api/blobs/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await kit.get('alice', '/api/blobs/xyz')).status).toBe(400);
  });

  it('keeps the stored bytes identical to the upload', async () => {
    const stored = await readFile(join(kit.dataDir, 'blobs/originals', hash.slice(0, 2), hash.slice(2, 4), hash));
    expect(stored.equals(bytes)).toBe(true);
  });
});
