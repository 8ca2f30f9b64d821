/**
 * The embedded job queue: jobs persist in the blob store's SQLite database (job.repository) and
 * run in this process (derivative.worker). The default; one process, no Redis.
 *
 *   const queue = createEmbeddedJobQueue(openBlobDb(file), { handler, concurrency: 1, maxAttempts: 3, retryBaseMs: 2000 })
 *   queue.start(); await queue.enqueue(hash, [DerivativeKind.thumbnail])
 */
import type { BlobDb } from './blob-db.js';
import { createDerivativeWorker } from './derivative.worker.js';
import { createEventHub, type JobQueue, type JobQueueOptions } from './job-queue.js';
import { createJobRepository, derivativeKinds } from './job.repository.js';

export const createEmbeddedJobQueue = (db: BlobDb, options: JobQueueOptions): JobQueue => {
  const jobs = createJobRepository(db);
  const hub = createEventHub();
  const worker = createDerivativeWorker({ jobs, run: options.handler, concurrency: options.concurrency, lanes: options.lanes, maxAttempts: options.maxAttempts, retryBaseMs: options.retryBaseMs, log: options.log, onEvent: hub.emit });
  return {
    async enqueue(hash, kinds) {
      for (const kind of kinds) jobs.enqueue(hash, kind);
      worker.wake();
    },
    get: async (hash, kind) => jobs.get(hash, kind),
    ensure: (hash, kind, ensureOptions) => worker.ensure(hash, kind, ensureOptions),
    start: () => worker.start(),
    async status() {
      const counts = jobs.countsByKind();
      const paused = new Set(jobs.pausedKinds());
      return derivativeKinds.map((name) => ({ name, paused: paused.has(name), counts: counts[name] }));
    },
    async runMissing(kind) {
      const queued = jobs.enqueueMissing(kind);
      worker.wake();
      return queued;
    },
    async rerunAll(kind) {
      const queued = jobs.enqueueAll(kind);
      worker.wake();
      return queued;
    },
    async setPaused(kind, paused) {
      jobs.setPaused(kind, paused);
      worker.wake();
    },
    onEvent: (listener) => hub.on(listener),
    idle: () => worker.idle(),
    close: () => worker.close(),
  };
};
