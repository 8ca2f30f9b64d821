/**
 * The scale-out job queue: BullMQ on Redis, one BullMQ queue per derivative kind (so each has
 * its own concurrency and pause), jobs keyed by blob hash, kept after they finish or fail. Any
 * number of blob-store processes may share it; a process killed mid-job loses its lock and the
 * job goes back to the queue (BullMQ's stalled-job check). See docs/decisions/0013-job-queue-bullmq.md.
 *
 *   const queue = await createBullJobQueue({ redisUrl: 'redis://127.0.0.1:6379', listBlobs, handler, concurrency: 1, maxAttempts: 3, retryBaseMs: 2000 })
 *   queue.start(); await queue.enqueue(hash, derivativeKinds)
 */
import { Queue, UnrecoverableError, Worker, type Job as BullJob, type JobState } from 'bullmq';
import { Redis } from 'ioredis';
import type { BlobHash } from '../../protocol/src/index.js';
import { JobEventType, createEventHub, emptyCounts, retryDelayMs, type JobQueue, type JobQueueOptions, type QueueStatus } from './job-queue.js';
import { JobStatus, derivativeKinds, type DerivativeKind, type Job, type JobResult } from './job.repository.js';

export interface BullJobQueueOptions extends JobQueueOptions {
  readonly redisUrl: string;
  /** Redis key prefix, so several stores (or tests) can share one Redis. Default 'shoebox-blobs'. */
  readonly prefix?: string;
  /** Every blob hash, for "run missing" and "re-run all". */
  readonly listBlobs: () => Iterable<BlobHash>;
  /** A job whose worker stops renewing its lock (a killed process) is retried after this long. Default 30,000 ms. */
  readonly lockMs?: number;
  /** How long `ensure` waits for a worker (in any process) to finish the job. Default 120,000 ms. */
  readonly ensureWaitMs?: number;
}

interface JobData {
  readonly hash: BlobHash;
  readonly force: boolean;
}

const PENDING_STATES: readonly string[] = ['waiting', 'prioritized', 'delayed', 'paused', 'waiting-children'];
const jobIdOf = (hash: BlobHash): string => `sha256-${hash}`; // BullMQ refuses all-digit custom ids

export const createBullJobQueue = async (options: BullJobQueueOptions): Promise<JobQueue> => {
  const { handler, maxAttempts, retryBaseMs } = options;
  const prefix = options.prefix ?? 'shoebox-blobs';
  const lockMs = options.lockMs ?? 30_000;
  const ensureWaitMs = options.ensureWaitMs ?? 120_000;
  const log = options.log ?? ((message: string) => console.warn(`[blob-store] ${message}`));
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  connection.on('error', (error: Error) => log(`redis: ${error.message}`));
  await connection.connect();
  const hub = createEventHub();
  const skippedKey = (kind: DerivativeKind): string => `${prefix}:skipped:${kind}`;
  const concurrencyOf = (kind: DerivativeKind): number => options.lanes?.find((lane) => lane.kinds.includes(kind))?.concurrency ?? options.concurrency;
  const queues = Object.fromEntries(derivativeKinds.map((kind) => [kind, new Queue<JobData>(kind, { connection, prefix })])) as Record<DerivativeKind, Queue<JobData>>;
  const addOptions = { attempts: maxAttempts, backoff: { type: 'custom' }, removeOnComplete: false, removeOnFail: false } as const;
  const add = (kind: DerivativeKind, hash: BlobHash, force: boolean, lifo = false): Promise<BullJob<JobData>> =>
    queues[kind].add(kind, { hash, force }, { ...addOptions, jobId: jobIdOf(hash), lifo });

  const runJob = async (kind: DerivativeKind, job: BullJob<JobData>): Promise<string> => {
    const { hash, force } = job.data;
    let result: JobResult;
    try {
      result = await handler(hash, kind, { force, progress: (percent) => void job.updateProgress(percent).catch(() => {}) });
    } catch (error) {
      result = { status: JobStatus.failed, error: error instanceof Error ? error.message : String(error), retryable: true };
    }
    if (result.status === JobStatus.failed) {
      log(`job ${kind} ${hash} failed (attempt ${job.attemptsStarted}): ${result.error}`);
      throw result.retryable ? new Error(result.error) : new UnrecoverableError(result.error);
    }
    if (result.status === JobStatus.skipped) await connection.sadd(skippedKey(kind), hash);
    else await connection.srem(skippedKey(kind), hash);
    return result.status;
  };

  const workers = derivativeKinds.map((kind) => {
    const worker = new Worker<JobData>(kind, (job) => runJob(kind, job), {
      connection,
      prefix,
      autorun: false,
      concurrency: concurrencyOf(kind),
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      maxStalledCount: maxAttempts,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(retryBaseMs, attemptsMade) },
    });
    worker.on('error', (error) => log(`${kind} worker: ${error.message}`));
    worker.on('active', (job) => hub.emit({ type: JobEventType.active, hash: job.data.hash, kind }));
    worker.on('progress', (job, progress) => hub.emit({ type: JobEventType.progress, hash: job.data.hash, kind, progress: typeof progress === 'number' ? progress : Number(progress) }));
    worker.on('completed', (job) => hub.emit({ type: JobEventType.completed, hash: job.data.hash, kind }));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < maxAttempts;
      hub.emit({ type: JobEventType.failed, hash: job.data.hash, kind, error: error.message, willRetry });
    });
    return worker;
  });

  const toJob = (job: BullJob<JobData>, kind: DerivativeKind, state: JobState | 'unknown'): Job => {
    let status: JobStatus = JobStatus.pending;
    if (state === 'active') status = JobStatus.running;
    else if (state === 'completed') status = job.returnvalue === JobStatus.skipped ? JobStatus.skipped : JobStatus.success;
    else if (state === 'failed') status = JobStatus.failed;
    return {
      hash: job.data.hash,
      kind,
      status,
      attempts: job.attemptsStarted,
      error: state === 'completed' ? null : job.failedReason || null,
      runAfter: state === 'delayed' ? job.timestamp + (job.delay ?? 0) : 0,
      updatedAt: job.finishedOn ?? job.processedOn ?? job.timestamp,
      force: job.data.force,
    };
  };

  const fetch = async (hash: BlobHash, kind: DerivativeKind): Promise<{ job: BullJob<JobData>; state: JobState | 'unknown' } | undefined> => {
    const job = await queues[kind].getJob(jobIdOf(hash));
    return job ? { job, state: await job.getState() } : undefined;
  };

  /** Waits until a worker finished this attempt (or put it back for a retry). */
  const settle = async (hash: BlobHash, kind: DerivativeKind, attemptsBefore: number): Promise<Job | undefined> => {
    const deadline = Date.now() + ensureWaitMs;
    for (let pause = 5; ; pause = Math.min(100, pause * 2)) {
      const found = await fetch(hash, kind);
      if (!found) return undefined;
      const { job, state } = found;
      const retried = state === 'delayed' && job.attemptsMade > attemptsBefore;
      if (state === 'completed' || state === 'failed' || retried || Date.now() > deadline) return toJob(job, kind, state);
      await new Promise((r) => setTimeout(r, pause));
    }
  };

  const forEachBlob = async (kind: DerivativeKind, visit: (hash: BlobHash, found: Awaited<ReturnType<typeof fetch>>) => Promise<boolean>): Promise<number> => {
    let queued = 0;
    for (const hash of options.listBlobs()) if (await visit(hash, await fetch(hash, kind))) queued++;
    return queued;
  };

  return {
    async enqueue(hash, kinds) {
      await Promise.all(kinds.map((kind) => add(kind, hash, false)));
    },
    async get(hash, kind) {
      const found = await fetch(hash, kind);
      return found ? toJob(found.job, kind, found.state) : undefined;
    },
    async ensure(hash, kind, { rerun = false } = {}) {
      let found = await fetch(hash, kind);
      if (found?.state === 'failed') return toJob(found.job, kind, found.state); // failed for good
      if (found?.state === 'completed') {
        if (!rerun) return toJob(found.job, kind, found.state);
        await found.job.remove().catch(() => {}); // another request may have re-queued it first
        found = undefined;
      }
      if (!found) await add(kind, hash, false, true);
      else if (found.state === 'delayed') await found.job.promote().catch(() => {});
      else if (found.state === 'waiting' || found.state === 'prioritized') await found.job.changePriority({ lifo: true }).catch(() => {});
      const settled = await settle(hash, kind, found?.job.attemptsMade ?? 0);
      if (!settled) throw new Error(`job ${kind} ${hash} vanished from the queue`);
      return settled;
    },
    start() {
      for (const worker of workers) void worker.run().catch((error: unknown) => log(`worker stopped: ${error instanceof Error ? error.message : String(error)}`));
    },
    async status() {
      return Promise.all(
        derivativeKinds.map(async (name): Promise<QueueStatus> => {
          const queue = queues[name];
          const raw = await queue.getJobCounts('active', 'completed', 'failed', ...(PENDING_STATES as JobState[]));
          const skipped = await connection.scard(skippedKey(name));
          const counts = emptyCounts();
          counts.pending = PENDING_STATES.reduce((n, state) => n + (raw[state] ?? 0), 0);
          counts.running = raw.active ?? 0;
          counts.failed = raw.failed ?? 0;
          counts.skipped = skipped;
          counts.success = Math.max(0, (raw.completed ?? 0) - skipped);
          return { name, paused: await queue.isPaused(), counts };
        }),
      );
    },
    runMissing: (kind) =>
      forEachBlob(kind, async (hash, found) => {
        if (!found) return (await add(kind, hash, false), true);
        if (found.state !== 'failed') return false;
        await found.job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      }),
    rerunAll: (kind) =>
      forEachBlob(kind, async (hash, found) => {
        if (found?.state === 'active') return false;
        if (found) await found.job.remove();
        await connection.srem(skippedKey(kind), hash);
        await add(kind, hash, true);
        return true;
      }),
    async setPaused(kind, paused) {
      await (paused ? queues[kind].pause() : queues[kind].resume());
    },
    onEvent: (listener) => hub.on(listener),
    async idle() {
      for (let pause = 5; ; pause = Math.min(100, pause * 2)) {
        const busy = await Promise.all(
          derivativeKinds.map(async (kind) => {
            if (await queues[kind].isPaused()) return 0;
            const counts = await queues[kind].getJobCounts('active', 'waiting', 'prioritized');
            const due = (await queues[kind].getDelayed()).filter((job) => job.timestamp + (job.delay ?? 0) <= Date.now()).length;
            return (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0) + due;
          }),
        );
        if (busy.every((n) => n === 0)) return;
        await new Promise((r) => setTimeout(r, pause));
      }
    },
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
};
