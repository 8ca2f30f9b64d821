import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, EXIFTOOL_IMAGES, sha256, startTestStore, type TestStore } from './test-kit.js';

const JPEG = join(ASSETS, 'albums/nature/el_torcal_rocks.jpg');
const originalPath = (kit: TestStore, hash: string) => join(kit.dataDir, 'blobs/originals', hash.slice(0, 2), hash.slice(2, 4), hash);

describe('PUT /api/blobs/:hash', () => {
  let kit: TestStore;
  beforeAll(async () => {
    kit = await startTestStore({ maxBlobBytes: 4 * 1024 * 1024 });
  });
  afterAll(() => kit.close());

  it('stores a real JPEG at its sharded path, 201 then 200 created:false', async () => {
    const first = await kit.putFile('alice', JPEG);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ hash: first.hash, size: first.bytes.length, mime: 'image/jpeg', created: true });
    expect((await readFile(originalPath(kit, first.hash))).equals(first.bytes)).toBe(true);
    const again = await kit.putFile('alice', JPEG);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('answers 401 without a valid token and 400 for a malformed hash', async () => {
    const bytes = await readFile(JPEG);
    const noAuth = await fetch(`${kit.url}/api/blobs/${sha256(bytes)}`, { method: 'PUT', body: bytes });
    expect(noAuth.status).toBe(401);
    expect(((await noAuth.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const badToken = await fetch(`${kit.url}/api/blobs/${sha256(bytes)}`, { method: 'PUT', body: bytes, headers: { authorization: 'Bearer nope' } });
    expect(badToken.status).toBe(401);
    for (const hash of ['abc', sha256(bytes).toUpperCase(), `${sha256(bytes).slice(0, 63)}g`]) {
      const res = await kit.put('alice', bytes, hash);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalidHash' } });
    }
  });

  it('rejects a body that does not hash to the URL with 400 hashMismatch and no file left', async () => {
    const bytes = await readFile(JPEG);
    const wrong = sha256(Buffer.from('something else'));
    const res = await kit.put('alice', bytes, wrong);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'hashMismatch' } });
    expect(await kit.tempFiles()).toEqual([]);
    expect(existsSync(originalPath(kit, wrong))).toBe(false);
  });

  it.each(['EXE.exe', 'EXE.elf', 'PDF.pdf', 'MP3.mp3', 'ZIP.zip', 'Font.ttf', 'Text1.txt', 'JSON.json', 'OOXML.docx', 'FLAC.flac', 'ICC_Profile.icc'])(
    'rejects non-media %s with 415',
    async (name) => {
      const res = await kit.putFile('alice', join(EXIFTOOL_IMAGES, name));
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ error: { code: 'unsupportedMediaType' } });
      expect((res.body.error as { message: string }).message).toMatch(/not a (supported|recognised) photo or video/);
      expect(existsSync(originalPath(kit, res.hash))).toBe(false);
      expect(await kit.tempFiles()).toEqual([]);
    },
  );

  it('rejects a zero-byte body with 415', async () => {
    const res = await kit.put('alice', new Uint8Array(0));
    expect(res.status).toBe(415);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('rejects an oversize body with 413 whether or not Content-Length announces it', async () => {
    const big = Buffer.concat([await readFile(JPEG), randomBytes(5 * 1024 * 1024)]);
    const announced = await kit.put('alice', big).catch(() => ({ status: 413, body: {} }));
    expect(announced.status).toBe(413);
    // Chunked upload: the limit is enforced while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${kit.url}/api/blobs/${sha256(big)}`, { method: 'PUT', headers: { ...kit.auth('alice'), 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 256 * 1024) req.write(big.subarray(i, i + 256 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('leaves no partial file when the client aborts mid-upload', async () => {
    const bytes = Buffer.concat([await readFile(JPEG), randomBytes(1024 * 1024)]);
    await new Promise<void>((resolve) => {
      const req = request(`${kit.url}/api/blobs/${sha256(bytes)}`, { method: 'PUT', headers: { ...kit.auth('alice'), 'content-length': String(bytes.length) } });
      req.on('error', () => resolve());
      req.write(bytes.subarray(0, 300_000), () => setTimeout(() => req.destroy(), 50));
      req.on('close', () => resolve());
    });
    // The server notices the disconnect asynchronously: poll until it has cleaned up.
    for (let i = 0; i < 100 && (await kit.tempFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await kit.tempFiles()).toEqual([]);
    expect(existsSync(originalPath(kit, sha256(bytes)))).toBe(false);
  });

  it('stores concurrent uploads of one hash once, each user told once that it is new to them', async () => {
    const bytes = Buffer.concat([await readFile(JPEG), Buffer.from('concurrent')]);
    const results = await Promise.all([kit.put('alice', bytes), kit.put('alice', bytes), kit.put('bob', bytes)]);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(results.filter((r) => r.body.created === true)).toHaveLength(2);
    expect(results[2]?.body.created).toBe(true);
    expect((await readFile(originalPath(kit, sha256(bytes)))).equals(bytes)).toBe(true);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('fuzz: random and mutated bodies never crash the server and leave nothing behind', async () => {
    const seed = Date.now();
    const jpeg = await readFile(JPEG);
    let state = seed;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let i = 0; i < 25; i++) {
      let bytes: Buffer;
      if (i % 3 === 0) bytes = randomBytes(1 + rand(100_000));
      else {
        bytes = Buffer.from(jpeg.subarray(0, 1 + rand(jpeg.length)));
        for (let m = 0; m < 1 + rand(20); m++) bytes[rand(bytes.length)] = rand(256);
      }
      const useRightHash = rand(2) === 0;
      const res = await kit.put('alice', bytes, useRightHash ? sha256(bytes) : sha256(randomBytes(8)));
      expect([200, 201, 400, 415], `seed ${seed} case ${i}`).toContain(res.status);
      if (!useRightHash) expect(res.status, `seed ${seed} case ${i}`).not.toBe(201);
    }
    expect(await kit.tempFiles()).toEqual([]);
  });
});

describe('ownership and POST /api/blobs/exists', () => {
  let kit: TestStore;
  beforeAll(async () => {
    kit = await startTestStore();
  });
  afterAll(() => kit.close());

  it('lets only the uploader read, and tells exists only about readable blobs', async () => {
    const mine = await kit.putFile('alice', JPEG);
    expect((await kit.get('alice', `/api/blobs/${mine.hash}`)).status).toBe(200);
    const other = await kit.get('bob', `/api/blobs/${mine.hash}`);
    // 404, not 403: answering differently for "exists but not yours" would leak the hash.
    expect(other.status).toBe(404);
    expect((await kit.get('bob', `/api/blobs/${mine.hash}/thumbnail`)).status).toBe(404);
    expect((await kit.get(undefined, `/api/blobs/${mine.hash}`)).status).toBe(401);

    const unknown = sha256(Buffer.from('never uploaded'));
    const ask = (user: 'alice' | 'bob', hashes: unknown) =>
      fetch(`${kit.url}/api/blobs/exists`, { method: 'POST', headers: { ...kit.auth(user), 'content-type': 'application/json' }, body: JSON.stringify({ hashes }) });
    expect(await (await ask('alice', [mine.hash, unknown, mine.hash])).json()).toEqual({ exists: [mine.hash] });
    expect(await (await ask('bob', [mine.hash, unknown])).json()).toEqual({ exists: [] });
    expect((await ask('alice', ['nope'])).status).toBe(400);
    expect((await ask('alice', 'nope')).status).toBe(400);
    expect((await ask('alice', Array.from({ length: 10_001 }, () => unknown))).status).toBeGreaterThanOrEqual(400);

    // Bob proves possession by uploading the same bytes: his own reference without a second copy,
    // answered exactly as a first upload, so the answer tells nobody who else holds the bytes.
    const bobs = await kit.putFile('bob', JPEG);
    const fresh = await kit.putFile('bob', join(ASSETS, 'albums/nature/cyclamen_persicum.jpg'));
    expect([bobs.status, Object.keys(bobs.body).sort()]).toEqual([fresh.status, Object.keys(fresh.body).sort()]);
    expect(bobs.status).toBe(201);
    expect(bobs.body).toEqual({ hash: mine.hash, size: mine.bytes.length, mime: 'image/jpeg', created: true });
    expect(await (await ask('bob', [mine.hash])).json()).toEqual({ exists: [mine.hash] });
    expect((await kit.get('bob', `/api/blobs/${mine.hash}`)).status).toBe(200);
  });

  it('does not grant ownership for a claimed hash with other bytes', async () => {
    const { hash } = await kit.putFile('alice', join(ASSETS, 'albums/nature/silver_fir.jpg'));
    const forged = await kit.put('bob', Buffer.from('not the photo'), hash);
    expect(forged.status).toBe(400);
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(404);
  });
});
