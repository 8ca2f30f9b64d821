// `npm start`'s server (scripts/serve.ts) as a real process: every documented variable reaches
// the service it configures, and a bad value stops the start naming the variable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorReason, MessageType, catalogRoom, type UserId } from '../protocol/src/index.js';
import { openDevice, type Device } from '../sync-server/src/test-device.js';
import { waitFor } from '../sync-server/src/testing.js';
import { loadServeConfig } from './serve-config.js';
import { spawnServe, waitHealthy, type Served } from './serve-process.test-kit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const serve = async (env: Record<string, string>): Promise<Served> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shoebox-serve-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return spawnServe({ SHOEBOX_DATA_DIR: dataDir, ...env }, cleanups);
};
const healthy = waitHealthy;

describe('scripts/serve.ts configuration', () => {
  it('composes both services’ configs and names the variable of a bad value', () => {
    const config = loadServeConfig({ SHOEBOX_MAX_MESSAGES_PER_SECOND: '7', SHOEBOX_BLOB_WORKER_CONCURRENCY: '2', SHOEBOX_MODELS_DIR: 'packs' }, '/srv');
    expect(config.relay.maxMessagesPerSecond).toBe(7);
    expect(config.blobs.workerConcurrency).toBe(2);
    expect(config.modelsDir).toBe(resolve('/srv/packs'));
    for (const [name, value] of [
      ['PORT', 'abc'],
      ['SHOEBOX_MAX_MESSAGES_PER_SECOND', 'fast'],
      ['SHOEBOX_MAX_CONNECTIONS_PER_IP', '0'],
      ['SHOEBOX_BLOB_MAX_BYTES', 'lots'],
      ['SHOEBOX_BLOB_USER_QUOTA_BYTES', '-5'],
      ['SHOEBOX_TRANSCODE_POLICY', 'sometimes'],
      ['SHOEBOX_BLOB_REDIS_URL', 'http://nope'],
      ['SHOEBOX_LIBRARY_ID', 'a/b'],
      ['SHOEBOX_ADOPT_DATA_DIR', 'yes'],
    ] as const) {
      expect(() => loadServeConfig({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`^${name}\\b`));
    }
  });

  it('refuses to start on a bad value, naming the variable', async () => {
    const served = await serve({ SHOEBOX_MAX_MESSAGES_PER_SECOND: 'fast' });
    expect(await served.exited).toBe(1);
    expect(served.output()).toMatch(/failed to start: SHOEBOX_MAX_MESSAGES_PER_SECOND must be a positive integer, got "fast"/);
  });

  it('SHOEBOX_MAX_MESSAGES_PER_SECOND takes effect: a connection sending faster is closed with rateLimited (1013)', async () => {
    const served = await serve({ SHOEBOX_MAX_MESSAGES_PER_SECOND: '3' }); // bursts of 6: the handshake's 4 messages fit
    await healthy(served);
    const res = await fetch(`http://127.0.0.1:${served.port}/api/auth/signup`, {
      method: 'POST',
      body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse', name: 'Owner' }),
    });
    const { token, user } = (await res.json()) as { token: string; user: { id: string } };
    const device: Device = await openDevice({ url: `ws://127.0.0.1:${served.port}/sync`, token, room: catalogRoom(user.id as UserId), backoffMs: 5000 });
    cleanups.push(() => device.close());
    for (let i = 0; i < 12; i++) device.set(`k${i}`, i); // the default (500/s) lets these through
    await waitFor(() => device.closeCodes.length > 0, 10_000, 'the relay to close the flooding connection');
    expect(device.closeCodes[0]).toBe(1013);
    expect(device.errors).toContainEqual(expect.objectContaining({ type: MessageType.error, reason: ErrorReason.rateLimited }));
  });
});
