import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { BlobHash } from '../../protocol/src/index.js';
import { createBullJobQueue } from './bullmq-job.queue.js';
import { runJobQueueContractTests } from './job-queue.contract.js';
import { startRedis, type RedisServer } from './redis-server.test-kit.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const LOCK_MS = 1000; // a killed worker's job comes back within about 1.5 s

runJobQueueContractTests('BullMQ on Redis', async () => {
  const prefix = `test-${randomUUID()}`; // each test its own keys on the shared server
  const hashes: BlobHash[] = [];
  return {
    open: (options) => createBullJobQueue({ ...options, redisUrl: redis.url, prefix, lockMs: LOCK_MS, listBlobs: () => hashes }),
    recordBlobs: (more) => void hashes.push(...more),
    get child() {
      return { backend: 'bullmq' as const, redisUrl: redis.url, prefix, lockMs: LOCK_MS };
    },
    close: async () => {},
  };
});
