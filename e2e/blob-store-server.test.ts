/**
 * The blob store in the real server: its job queue on Redis (SHOEBOX_BLOB_REDIS_URL), so
 * derivative jobs go through BullMQ on a real redis-server; tus 1.0 uploads with native PATCH and
 * OPTIONS over the uWS transport (and the X-HTTP-Method-Override form old clients send); and
 * blobs read by album members through the relay's room grants.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { freePort } from '../protocol/src/testing/ports.js';
import { startServer, type TestServer } from './harness.js';

let redis: ChildProcess | undefined;
let redisDir = '';
let server: TestServer;
let token = '';

const startRedis = async (): Promise<string> => {
  const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error('redis-server not found: install the Debian package redis-server (npm test installs it)');
  const port = await freePort();
  redisDir = mkdtempSync(join(tmpdir(), 'e2e-redis-'));
  redis = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
  const up = (): Promise<boolean> => new Promise((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
  for (let i = 0; !(await up()); i++) {
    if (i > 200) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 25));
  }
  return `redis://127.0.0.1:${port}`;
};

beforeAll(async () => {
  // SHOEBOX_BLOB_REDIS_URL: the job queue on Redis without the relay's scale-out (which also needs PostgreSQL)
  server = await startServer({ env: { SHOEBOX_BLOB_REDIS_URL: await startRedis() } });
  const res = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', body: JSON.stringify({ email: 'o@example.com', password: 'correct horse battery', name: 'O' }) });
  token = ((await res.json()) as { token: string }).token;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  redis?.kill('SIGKILL');
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

describe('blob store on Redis with native tus methods', () => {
  it('uploads with OPTIONS, PATCH and the override, then derives through BullMQ', async () => {
    const auth = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
    const options = await fetch(`${server.url}/api/uploads`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toContain('1.0.0');

    const bytes = readFileSync(realPhotos()[1] as string);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const created = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { ...auth, 'upload-length': String(bytes.length), 'upload-metadata': `sha256 ${Buffer.from(hash).toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    const half = Math.floor(bytes.length / 2);
    const append = (method: string, offset: number, body: Uint8Array, extra: Record<string, string> = {}) =>
      fetch(`${server.url}${location}`, { method, headers: { ...auth, ...extra, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: body as Uint8Array<ArrayBuffer> });
    expect((await append('PATCH', 0, bytes.subarray(0, half))).status).toBe(204);
    const last = await append('POST', half, bytes.subarray(half), { 'x-http-method-override': 'PATCH' });
    expect(last.status).toBe(204);
    expect(last.headers.get('shoebox-blob-hash')).toBe(hash);

    const thumb = await fetch(`${server.url}/api/blobs/${hash}/thumbnail`, { headers: auth });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    await expect
      .poll(async () => {
        const body = (await (await fetch(`${server.url}/api/admin/jobs`, { headers: auth })).json()) as { queues: { name: string; counts: { success: number; skipped: number } }[] };
        return Object.fromEntries(body.queues.map((q) => [q.name, q.counts.success + q.counts.skipped]));
      }, { timeout: 30_000, interval: 200 })
      .toEqual({ thumbnail: 1, preview: 1, thumbhash: 1, metadata: 1, video: 1 });
  }, 90_000);
});

describe('album members read blobs through the relay grants', () => {
  it('a blob registered in an album is readable by a member, and only then', async () => {
    const owner = { authorization: `Bearer ${token}` };
    const json = { ...owner, 'content-type': 'application/json' };
    const kid = { email: 'kid@example.com', password: 'another long one', name: 'Kid' };
    expect((await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify(kid) })).status).toBe(201);
    const kidToken = ((await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: JSON.stringify(kid) })).json()) as { token: string }).token;
    const asKid = { authorization: `Bearer ${kidToken}` };
    const me = (await (await fetch(`${server.url}/api/me`, { headers: owner })).json()) as { user: { id: string } };

    const bytes = readFileSync(realPhotos()[2] as string);
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect((await fetch(`${server.url}/api/blobs/${hash}`, { method: 'PUT', headers: owner, body: bytes })).status).toBe(201);
    expect((await fetch(`${server.url}/api/blobs/${hash}`, { headers: asKid })).status).toBe(404);

    // Nobody may add to an album they hold no grant for.
    expect((await fetch(`${server.url}/api/blobs/${hash}/rooms/album:holiday`, { method: 'PUT', headers: owner })).status).toBe(403);
    // The owner claims the album, shares it with the kid (read), and registers the photo.
    expect((await fetch(`${server.url}/api/rooms/album:holiday/grants`, { method: 'PUT', headers: json, body: JSON.stringify({ userId: me.user.id, access: 'admin' }) })).status).toBe(201);
    expect((await fetch(`${server.url}/api/rooms/album:holiday/grants`, { method: 'PUT', headers: json, body: JSON.stringify({ email: kid.email, access: 'read' }) })).status).toBe(201);
    expect((await fetch(`${server.url}/api/blobs/${hash}/rooms/album:holiday`, { method: 'PUT', headers: owner })).status).toBe(200);

    const read = await fetch(`${server.url}/api/blobs/${hash}`, { headers: asKid });
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`${server.url}/api/blobs/${hash}/thumbnail`, { headers: asKid })).status).toBe(200);

    // Revoking the kid's grant at the relay takes the blob away at once.
    const kidId = ((await (await fetch(`${server.url}/api/me`, { headers: asKid })).json()) as { user: { id: string } }).user.id;
    expect((await fetch(`${server.url}/api/rooms/album:holiday/grants/${kidId}`, { method: 'DELETE', headers: owner })).status).toBe(200);
    expect((await fetch(`${server.url}/api/blobs/${hash}`, { headers: asKid })).status).toBe(404);
  }, 60_000);
});
