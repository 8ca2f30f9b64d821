import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueStatus } from './job-queue.js';
import { shardedPath } from './fs-blob.backend.js';
import { startRedis, type RedisServer } from './redis-server.test-kit.js';
import { ASSETS, startTestStore, type TestStore, type TestUser } from './test-kit.js';

// The same API, page and worker over either queue: embedded SQLite, and BullMQ on a real Redis.
describe.each(['embedded', 'redis'] as const)('admin Jobs API (%s queue)', (backend) => {
  let kit: TestStore;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = backend === 'redis' ? await startRedis() : undefined;
    kit = await startTestStore({ retryBaseMs: 0, maxAttempts: 1, redisUrl: redis?.url });
    kit.store.startWorker();
  });
  afterAll(async () => {
    await kit.close();
    await redis?.stop();
  });

  const queues = async (user: TestUser = 'alice'): Promise<Record<string, QueueStatus>> => {
    const res = await kit.get(user, '/api/admin/jobs');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: QueueStatus[] };
    return Object.fromEntries(body.queues.map((q) => [q.name, q]));
  };
  const command = (queue: string, body: unknown, user: TestUser = 'alice') =>
    fetch(`${kit.url}/api/admin/jobs/${queue}`, { method: 'PUT', headers: { ...kit.auth(user), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const drained = async (except: string[] = []): Promise<Record<string, QueueStatus>> => {
    for (let i = 0; i < 300; i++) {
      const all = await queues();
      if (Object.values(all).every((q) => except.includes(q.name) || q.counts.pending + q.counts.running === 0)) return all;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('queues never drained');
  };

  it('counts jobs per queue and state after uploads', async () => {
    await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg'));
    const all = await drained();
    expect(Object.keys(all).sort()).toEqual(['metadata', 'preview', 'thumbhash', 'thumbnail', 'video']);
    expect(all.thumbnail?.counts).toMatchObject({ success: 1, pending: 0, failed: 0 });
    expect(all.metadata?.counts.success).toBe(1);
    expect(all.video?.counts).toMatchObject({ skipped: 1 }); // a still has no video to make
  });

  it('only lets the owner in, and validates commands', async () => {
    expect((await kit.get('bob', '/api/admin/jobs')).status).toBe(403);
    expect((await kit.get(undefined, '/api/admin/jobs')).status).toBe(401);
    expect((await command('thumbnail', { command: 'pause' }, 'bob')).status).toBe(403);
    expect((await command('nope', { command: 'pause' })).status).toBe(404);
    expect((await command('thumbnail', { command: 'explode' })).status).toBe(400);
    expect((await command('thumbnail', { command: 'start', force: 'yes' })).status).toBe(400);
  });

  it('pauses and resumes a queue', async () => {
    expect(await (await command('thumbnail', { command: 'pause' })).json()).toMatchObject({ status: { name: 'thumbnail', paused: true } });
    await kit.putFile('alice', join(ASSETS, 'formats/webp/denali.webp'));
    const paused = await drained(['thumbnail']);
    expect(paused.thumbnail).toMatchObject({ paused: true, counts: { pending: 1, success: 1 } });
    expect(paused.preview?.counts.success).toBe(2);
    await command('thumbnail', { command: 'resume' });
    expect((await drained()).thumbnail).toMatchObject({ paused: false, counts: { pending: 0, success: 2 } });
  });

  it('re-runs all (regenerating existing outputs) and runs missing (retrying failures)', async () => {
    const { hash } = await kit.putFile('alice', join(ASSETS, 'formats/png/density_plot.png'));
    await drained();
    const file = shardedPath(join(kit.dataDir, 'blobs', 'derivatives'), hash as never, '-thumbnail-1.webp');
    const before = (await stat(file)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const res = await command('thumbnail', { command: 'start', force: true });
    expect(((await res.json()) as { queued: number }).queued).toBe(3);
    const after = await drained();
    expect(after.thumbnail?.counts).toMatchObject({ success: 3, failed: 0 });
    expect((await stat(file)).mtimeMs).toBeGreaterThan(before);

    // A truncated JPEG fails its thumbnail for good; "run missing" queues it again.
    const whole = await import('node:fs/promises').then((fs) => fs.readFile(join(ASSETS, 'albums/nature/silver_fir.jpg')));
    await kit.put('alice', whole.subarray(0, 2000));
    const failed = await drained();
    expect(failed.thumbnail?.counts.failed).toBe(1);
    const missing = await command('thumbnail', { command: 'start' });
    expect(((await missing.json()) as { queued: number }).queued).toBe(1);
    expect((await drained()).thumbnail?.counts).toMatchObject({ failed: 1, success: 3 });
  });
});
