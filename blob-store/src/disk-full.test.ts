import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ASSETS, sha256, startTestStore, type TestStore } from './test-kit.js';

const MiB = 1024 * 1024;
const JPEG = join(ASSETS, 'albums/nature/el_torcal_rocks.jpg');

/** A real small filesystem (tmpfs) to fill: mounting needs root, so without it the suite is skipped. */
const mountTmpfs = (size: string): { dir: string; error?: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-disk-full-'));
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return run.status === 0 ? { dir } : { dir, error: (run.stderr || run.error?.message || `mount exited ${run.status}`).trim() };
};
const unmount = (dir: string): void => {
  spawnSync('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
};

const probe = mountTmpfs('1m');
unmount(probe.dir);
if (probe.error) console.warn(`disk-full.test.ts skipped: cannot mount a tmpfs to fill (${probe.error}); run as root`);

/** A real JPEG of exactly `size` bytes (trailing bytes are ignored by decoders). */
const photo = async (size: number): Promise<Buffer> => {
  const jpeg = await readFile(JPEG);
  return Buffer.concat([jpeg, randomBytes(size - jpeg.length)]);
};

/**
 * A plain PUT that takes the server's answer even when it comes before the body is sent (the
 * server may refuse mid-stream and close, which fetch reports as a reset instead).
 */
const putEarly = (kit: TestStore, bytes: Buffer): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${kit.url}/api/blobs/${sha256(bytes)}`, { method: 'PUT', headers: { ...kit.auth('alice'), 'content-length': String(bytes.length) }, agent: false }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', (error) => !answered && reject(error));
    req.end(bytes);
  });

describe.skipIf(probe.error !== undefined)('[audit 7] a full disk answers 507 diskFull, and reads keep working', () => {
  const mounts: string[] = [];
  let kit: TestStore | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });
  afterAll(() => mounts.forEach(unmount));

  const storeOn = async (size: string, minFreeBytes: number): Promise<TestStore> => {
    const { dir, error } = mountTmpfs(size);
    if (error) throw new Error(error);
    mounts.push(dir);
    return startTestStore({ minFreeBytes, maxBlobBytes: 64 * MiB }, dir);
  };

  it('a write that hits ENOSPC is 507 with the message the app shows; nothing is left behind; reads go on', async () => {
    kit = await storeOn('24m', 0);
    const first = await photo(8 * MiB);
    expect((await kit.put('alice', first)).status).toBe(201);
    const big = await photo(20 * MiB); // does not fit beside the first
    const full = await putEarly(kit, big);
    expect(full).toEqual({ status: 507, body: { error: { code: 'diskFull', message: "the server's disk is full" } } });
    expect(await kit.tempFiles()).toEqual([]);
    const read = await kit.get('alice', `/api/blobs/${sha256(first)}`);
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(first)).toBe(true);
    expect((await kit.put('alice', await photo(2 * MiB))).status).toBe(201); // the failed upload's bytes were freed
  });

  it('the free-space reserve refuses plain and resumable uploads before their first byte', async () => {
    kit = await storeOn('24m', 16 * MiB);
    const big = await photo(10 * MiB);
    const refused = await putEarly(kit, big);
    expect(refused).toEqual({ status: 507, body: { error: { code: 'diskFull', message: "the server's disk is full" } } });
    const tus = await fetch(`${kit.url}/api/uploads`, {
      method: 'POST',
      headers: { ...kit.auth('alice'), 'tus-resumable': '1.0.0', 'upload-length': String(big.length), 'upload-metadata': `sha256 ${Buffer.from(sha256(big)).toString('base64')}` },
    });
    expect(tus.status).toBe(507);
    expect(await tus.json()).toEqual({ error: { code: 'diskFull', message: "the server's disk is full" } });
    expect(await kit.tempFiles()).toEqual([]);
    expect((await kit.put('alice', await photo(2 * MiB))).status).toBe(201); // what fits the reserve still goes in
  });
});
