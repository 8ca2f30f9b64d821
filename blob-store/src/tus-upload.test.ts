import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ASSETS, EXIFTOOL_IMAGES, sha256, startTestStore, type TestStore, type TestUser } from './test-kit.js';

const PHOTO = join(ASSETS, 'formats/heic/IMG_2682.heic');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const tus = (kit: TestStore, user: TestUser | undefined) => {
  const headers = (extra: Record<string, string> = {}) => ({ ...(user ? kit.auth(user) : {}), 'tus-resumable': '1.0.0', ...extra });
  return {
    create: (length: number, hash: string) =>
      fetch(`${kit.url}/api/uploads`, { method: 'POST', headers: headers({ 'upload-length': String(length), 'upload-metadata': `sha256 ${b64(hash)},filename ${b64('a.heic')}` }) }),
    head: (location: string) => fetch(`${kit.url}${location}`, { method: 'HEAD', headers: headers() }),
    /** Native PATCH, or (old clients) POST + X-HTTP-Method-Override: PATCH. */
    patch: (location: string, offset: number, body: Uint8Array | ReadableStream<Uint8Array>, via: 'PATCH' | 'override' = 'PATCH') =>
      fetch(`${kit.url}${location}`, {
        method: via === 'PATCH' ? 'PATCH' : 'POST',
        headers: headers({ ...(via === 'override' ? { 'x-http-method-override': 'PATCH' } : {}), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
        body: body as BodyInit,
        duplex: 'half',
      } as RequestInit),
    remove: (location: string) => fetch(`${kit.url}${location}`, { method: 'DELETE', headers: headers() }),
  };
};

const leftovers = async (kit: TestStore): Promise<string[]> => [...(await readdir(join(kit.dataDir, 'blobs', 'uploads'))), ...(await kit.tempFiles())];

describe('resumable uploads (tus 1.0)', () => {
  let kit: TestStore | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it('resumes an interrupted upload, survives a restart, and finishes into the store verified', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'blob-store-tus-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    kit = await startTestStore({}, dataDir);
    const bytes = await readFile(PHOTO);
    const hash = sha256(bytes);
    const alice = tus(kit, 'alice');
    const created = await alice.create(bytes.length, hash);
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    expect(location).toMatch(/^\/api\/uploads\/[\w-]+$/);

    const half = Math.floor(bytes.length / 2);
    const first = await alice.patch(location, 0, bytes.subarray(0, half));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(half));

    // The connection dies a quarter of the way into the next chunk.
    const quarter = Math.floor(bytes.length / 4);
    const dying = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(half, half + quarter));
        setTimeout(() => controller.error(new Error('network gone')), 150);
      },
    });
    await expect(alice.patch(location, half, dying)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));

    // The server restarts; the upload is still there, at whatever offset reached the disk.
    await kit.close();
    kit = await startTestStore({}, dataDir);
    const again = tus(kit, 'alice');
    const probe = await again.head(location);
    expect(probe.status).toBe(200);
    const offset = Number(probe.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(half);
    expect(offset).toBeLessThanOrEqual(half + quarter);
    expect(probe.headers.get('upload-length')).toBe(String(bytes.length));

    // A stale offset is refused without touching the upload.
    expect((await again.patch(location, 0, bytes.subarray(0, 10))).status).toBe(409);

    const last = await again.patch(location, offset, bytes.subarray(offset));
    expect(last.status).toBe(204);
    expect(last.headers.get('upload-offset')).toBe(String(bytes.length));
    expect(last.headers.get('shoebox-blob-hash')).toBe(hash);
    expect(last.headers.get('shoebox-blob-mime')).toBe('image/heic');

    const res = await kit.get('alice', `/api/blobs/${hash}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await again.head(location)).status).toBe(404);
    expect(await leftovers(kit)).toEqual([]);
  });

  it('still accepts POST + X-HTTP-Method-Override: PATCH from old clients, and answers OPTIONS without sign-in', async () => {
    kit = await startTestStore();
    const options = await fetch(`${kit.url}/api/uploads`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toContain('1.0.0');
    expect(options.headers.get('tus-extension')).toContain('creation');
    const bytes = await readFile(PHOTO);
    const hash = sha256(bytes);
    const alice = tus(kit, 'alice');
    const location = (await alice.create(bytes.length, hash)).headers.get('location') as string;
    const half = Math.floor(bytes.length / 2);
    expect((await alice.patch(location, 0, bytes.subarray(0, half), 'override')).status).toBe(204);
    const last = await alice.patch(location, half, bytes.subarray(half), 'PATCH');
    expect(last.status).toBe(204);
    expect(last.headers.get('shoebox-blob-hash')).toBe(hash);
    // POST on an upload without the override is not an append
    expect((await fetch(`${kit.url}${location}`, { method: 'POST', headers: { ...kit.auth('alice'), 'tus-resumable': '1.0.0' } })).status).toBe(405);
    expect(await leftovers(kit)).toEqual([]);
  });

  it('refuses a finished upload whose bytes do not hash to the declared sha256, keeping nothing', async () => {
    kit = await startTestStore();
    const bytes = await readFile(PHOTO);
    const wrong = sha256(Buffer.from('something else'));
    const alice = tus(kit, 'alice');
    const location = (await alice.create(bytes.length, wrong)).headers.get('location') as string;
    const res = await alice.patch(location, 0, bytes);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('hashMismatch');
    expect((await kit.get('alice', `/api/blobs/${wrong}`)).status).toBe(404);
    expect((await kit.get('alice', `/api/blobs/${sha256(bytes)}`)).status).toBe(404);
    expect(await leftovers(kit)).toEqual([]);
  });

  it('refuses non-media with 415 and bad requests with 4xx', async () => {
    kit = await startTestStore();
    const alice = tus(kit, 'alice');
    const text = await readFile(join(EXIFTOOL_IMAGES, 'Text1.txt'));
    const location = (await alice.create(text.length, sha256(text))).headers.get('location') as string;
    const res = await alice.patch(location, 0, text);
    expect(res.status).toBe(415);
    expect(await leftovers(kit)).toEqual([]);

    const noHash = await fetch(`${kit.url}/api/uploads`, { method: 'POST', headers: { ...kit.auth('alice'), 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    expect(noHash.status).toBe(400);
    expect((await tus(kit, undefined).create(10, sha256(text))).status).toBe(401);
    const noVersion = await fetch(`${kit.url}/api/uploads`, { method: 'POST', headers: { ...kit.auth('alice'), 'upload-length': '10' } });
    expect(noVersion.status).toBe(412);
    const tooBig = await alice.create(9 * 1024 ** 3, sha256(text));
    expect(tooBig.status).toBe(413);
    const plainPost = await fetch(`${kit.url}${location}`, { method: 'POST', headers: { ...kit.auth('alice'), 'tus-resumable': '1.0.0' } });
    expect(plainPost.status).toBe(405);
    // A zero-byte upload finishes at creation and is refused like any empty file.
    const empty = await alice.create(0, sha256(new Uint8Array(0)));
    expect(empty.status).toBe(415);
    // Path tricks in the upload id never reach the file store.
    for (const id of ['..%2F..%2Fblobs.sqlite', '%2Fetc%2Fpasswd', 'x.json']) {
      expect((await alice.head(`/api/uploads/${id}`)).status).toBe(404);
    }
    expect(await leftovers(kit)).toEqual([]);
  });

  it("keeps one user's uploads from another and lets the owner terminate them", async () => {
    kit = await startTestStore();
    const bytes = await readFile(PHOTO);
    const alice = tus(kit, 'alice');
    const location = (await alice.create(bytes.length, sha256(bytes))).headers.get('location') as string;
    const bob = tus(kit, 'bob');
    expect((await bob.head(location)).status).toBe(404);
    expect((await bob.patch(location, 0, bytes.subarray(0, 10))).status).toBe(404);
    expect((await bob.remove(location)).status).toBe(404);
    expect((await alice.remove(location)).status).toBe(204);
    expect((await alice.head(location)).status).toBe(404);
    expect(await leftovers(kit)).toEqual([]);
  });

  it('enforces the per-user quota on resumable and plain uploads, counting unfinished ones', async () => {
    const bytes = await readFile(PHOTO);
    kit = await startTestStore({ userQuotaBytes: bytes.length + 1000 });
    const alice = tus(kit, 'alice');
    const first = await alice.create(bytes.length, sha256(bytes));
    expect(first.status).toBe(201);
    // The unfinished upload already holds its declared length.
    const other = await readFile(join(ASSETS, 'formats/webp/denali.webp'));
    const over = await alice.create(other.length, sha256(other));
    expect(over.status).toBe(413);
    expect(await over.text()).toContain('quotaExceeded');
    expect((await kit.put('alice', other)).status).toBe(413);
    // Bob has his own quota.
    expect((await kit.put('bob', other)).status).toBe(201);
    // Finishing the upload keeps alice at the same use; terminating frees it.
    expect((await alice.patch(first.headers.get('location') as string, 0, bytes)).status).toBe(204);
    expect((await kit.put('alice', other)).status).toBe(413);
  });
});
