import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserId } from '../../protocol/src/index.js';
import { ASSETS, sha256, startTestStore, type TestStore } from './test-kit.js';

const MiB = 1024 * 1024;
const JPEG = join(ASSETS, 'albums/nature/el_torcal_rocks.jpg');

/** Distinct real JPEGs of exactly `size` bytes: a photo with trailing bytes (decoders ignore them). */
const photos = async (n: number, size: number): Promise<Buffer[]> => {
  const jpeg = await readFile(JPEG);
  return Array.from({ length: n }, () => Buffer.concat([jpeg, randomBytes(size - jpeg.length)]));
};

/**
 * A plain PUT over node:http, with Content-Length or chunked (no length announced). A server that
 * refuses mid-stream may close before the client reads its answer: that reads as status 0.
 */
const put = (kit: TestStore, bytes: Buffer, chunked: boolean): Promise<{ status: number; code?: string }> =>
  new Promise((resolve) => {
    const headers = { ...kit.auth('alice'), ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(bytes.length) }) };
    // A fresh connection each time: a socket the server closed after refusing is never reused.
    const req = request(`${kit.url}/api/blobs/${sha256(bytes)}`, { method: 'PUT', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: body.includes('"error"') ? (JSON.parse(body) as { error: { code: string } }).error.code : undefined }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, code: error.code })); // no-op once answered
    for (let at = 0; at < bytes.length; at += 256 * 1024) req.write(bytes.subarray(at, at + 256 * 1024));
    req.end();
  });

describe('[audit 4] quota held atomically before the bytes stream', () => {
  let kit: TestStore | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it.each([
    ['with Content-Length', false],
    ['chunked, without a length', true],
  ])('six parallel 6 MiB uploads under a 25 MiB quota never pass it together; the refused give their holds back (%s)', async (_name, chunked) => {
    kit = await startTestStore({ userQuotaBytes: 25 * MiB, maxBlobBytes: 32 * MiB });
    const bytes = await photos(6, 6 * MiB);
    const results = await Promise.all(bytes.map((b) => put(kit!, b, chunked)));
    const passed = results.filter((r) => r.status === 201);
    // Never past the quota. Declared lengths are held whole, so exactly four fit; chunked holds
    // grow ahead of the bytes, and uploads growing in step can refuse each other (at least one passes).
    expect(passed.length).toBeLessThanOrEqual(4);
    expect(passed.length).toBeGreaterThanOrEqual(chunked ? 1 : 4);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.every((r) => (r.status === 413 && r.code === 'quotaExceeded') || (chunked && r.status === 0)), JSON.stringify(results)).toBe(true);
    // The refused uploads gave their holds back: what is left of the quota can still be used.
    const left = 25 * MiB - passed.length * 6 * MiB;
    const [last] = await photos(1, left - 64 * 1024);
    const lastResult = await put(kit, last!, false);
    expect(lastResult.status, JSON.stringify({ results, lastResult })).toBe(201);
    const [more] = await photos(1, 128 * 1024);
    expect((await put(kit, more!, false)).code).toBe('quotaExceeded');
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('six parallel tus creations of 6 MiB under a 25 MiB quota: four are accepted', async () => {
    kit = await startTestStore({ userQuotaBytes: 25 * MiB, maxBlobBytes: 8 * MiB });
    const bytes = await photos(6, 6 * MiB);
    const created = await Promise.all(
      bytes.map((b) =>
        fetch(`${kit!.url}/api/uploads`, {
          method: 'POST',
          headers: { ...kit!.auth('alice'), 'tus-resumable': '1.0.0', 'upload-length': String(b.length), 'upload-metadata': `sha256 ${Buffer.from(sha256(b)).toString('base64')}` },
        }),
      ),
    );
    expect(created.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 413, 413]);
  });

  it('an upload aborted mid-stream gives its hold back', async () => {
    kit = await startTestStore({ userQuotaBytes: 10 * MiB, maxBlobBytes: 10 * MiB });
    const [big] = await photos(1, 8 * MiB);
    await new Promise<void>((resolve) => {
      const req = request(`${kit!.url}/api/blobs/${sha256(big!)}`, { method: 'PUT', headers: { ...kit!.auth('alice'), 'content-length': String(big!.length) } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(big!.subarray(0, MiB), () => setTimeout(() => req.destroy(), 50));
    });
    // The server notices the disconnect asynchronously: retry until the hold is gone.
    let status = 0;
    for (let i = 0; i < 100 && status !== 201; i++) {
      status = (await put(kit, big!, false)).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(201);
  });

  it("a user's own quota (set by an administrator, reported with the session) replaces the server default", async () => {
    kit = await startTestStore({ userQuotaBytes: 25 * MiB, maxBlobBytes: 32 * MiB }, undefined, undefined, undefined, { bob: 8 * MiB });
    const [a, b, c] = await photos(3, 6 * MiB);
    expect((await kit.put('bob', a!)).status).toBe(201);
    const refused = await kit.put('bob', b!);
    expect([refused.status, (refused.body.error as { code: string }).code]).toEqual([413, 'quotaExceeded']);
    // Alice keeps the server's default.
    expect((await kit.put('alice', b!)).status).toBe(201);
    expect((await kit.put('alice', c!)).status).toBe(201);
    // What the administrators' list shows: originals each user owns (the refused upload left nothing).
    const usage = await kit.store.usageOf(['bob' as UserId, 'alice' as UserId]);
    expect(usage.get('bob' as UserId)).toMatchObject({ originalsBytes: 6 * MiB, assets: 1 });
    expect(usage.get('alice' as UserId)).toMatchObject({ originalsBytes: 12 * MiB, assets: 2 });
  });
});
