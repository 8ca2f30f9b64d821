/**
 * Runs derivative jobs in-process: background jobs from the queue in `concurrency` slots, and
 * on-demand requests (a thumbnail asked for before its job ran) ahead of them through the same
 * slots and the same job rows. Failed jobs are retried with backoff; nothing throws out of it.
 *
 *   const worker = createDerivativeWorker({ jobs, run: derivatives.run, concurrency: 1, maxAttempts: 3, retryBaseMs: 2000 })
 *   worker.start(); const job = await worker.ensure(hash, DerivativeKind.thumbnail)
 */
import type { BlobHash } from '../../protocol/src/index.js';
import { JobEventType, retryDelayMs, type JobEvent, type JobHandler, type JobQueueOptions, type WorkerLane } from './job-queue.js';
import { JobStatus, derivativeKinds, type DerivativeKind, type Job, type JobRepository, type JobResult } from './job.repository.js';

/** The embedded queue's worker: the queue's settings, over the SQLite job table. */
export interface DerivativeWorkerOptions extends Omit<JobQueueOptions, 'handler'> {
  readonly jobs: JobRepository;
  readonly run: JobHandler;
  readonly onEvent?: (event: JobEvent) => void;
}

export interface DerivativeWorker {
  /** Begins draining the queue (on-demand `ensure` works without it). */
  start(): void;
  /** New jobs were enqueued. */
  wake(): void;
  /**
   * Runs the job now, ahead of the queue, unless it already succeeded or failed for good; set
   * `rerun` when its output went missing. Resolves with the job's row afterwards.
   */
  ensure(hash: BlobHash, kind: DerivativeKind, options?: { rerun?: boolean }): Promise<Job>;
  /** Resolves when no job is running and none is due (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Urgent {
  readonly hash: BlobHash;
  readonly kind: DerivativeKind;
  readonly resolve: (job: Job) => void;
}

export const createDerivativeWorker = (options: DerivativeWorkerOptions): DerivativeWorker => {
  const { jobs, concurrency, maxAttempts, retryBaseMs } = options;
  const own = new Set((options.lanes ?? []).flatMap((lane) => lane.kinds));
  const lanes: WorkerLane[] = [...(options.lanes ?? []), { kinds: derivativeKinds.filter((k) => !own.has(k)), concurrency }];
  const laneOf = (kind: DerivativeKind): WorkerLane => lanes.find((lane) => lane.kinds.includes(kind)) as WorkerLane;
  const busy = new Map<WorkerLane, number>();
  const log = options.log ?? ((message: string) => console.warn(`[blob-store] ${message}`));
  const inflight = new Map<string, Promise<Job>>();
  const urgent: Urgent[] = [];
  let idleWaiters: (() => void)[] = [];
  let started = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const emit = (event: JobEvent): void => options.onEvent?.(event);
  const keyOf = (hash: BlobHash, kind: DerivativeKind): string => `${hash}:${kind}`;

  const execute = (job: Job): Promise<Job> => {
    const key = keyOf(job.hash, job.kind);
    const done = (async () => {
      let result: JobResult;
      const { hash, kind } = job;
      emit({ type: JobEventType.active, hash, kind });
      try {
        const progress = (percent: number): void => emit({ type: JobEventType.progress, hash, kind, progress: percent });
        result = await options.run(hash, kind, { force: job.force, progress });
      } catch (error) {
        result = { status: JobStatus.failed, error: error instanceof Error ? error.message : String(error), retryable: true };
      }
      const retryAt = Date.now() + retryDelayMs(retryBaseMs, job.attempts);
      const finished = jobs.finish(job, result, { maxAttempts, retryAt });
      if (result.status === JobStatus.failed) {
        log(`job ${kind} ${hash} failed (attempt ${job.attempts}): ${result.error}`);
        emit({ type: JobEventType.failed, hash, kind, error: result.error, willRetry: finished.status === JobStatus.pending });
      } else emit({ type: JobEventType.completed, hash, kind });
      return finished;
    })();
    const lane = laneOf(job.kind);
    inflight.set(key, done);
    busy.set(lane, (busy.get(lane) ?? 0) + 1);
    void done.finally(() => {
      inflight.delete(key);
      busy.set(lane, (busy.get(lane) ?? 1) - 1);
      pump();
    });
    return done;
  };

  const pump = (): void => {
    if (closed) return;
    for (const lane of lanes) {
      while ((busy.get(lane) ?? 0) < lane.concurrency) {
        const at = urgent.findIndex((u) => lane.kinds.includes(u.kind));
        const next = at >= 0 ? urgent.splice(at, 1)[0] : undefined;
        if (next) {
          const running = inflight.get(keyOf(next.hash, next.kind));
          if (running) {
            void running.then(next.resolve);
            continue;
          }
          const job = jobs.claim(next.hash, next.kind, Date.now());
          if (job) void execute(job).then(next.resolve);
          else next.resolve(jobs.get(next.hash, next.kind) as Job);
          continue;
        }
        if (!started) break;
        const job = jobs.claimNext(Date.now(), lane.kinds);
        if (!job) break;
        void execute(job);
      }
    }
    scheduleRetry();
    if (inflight.size === 0 && urgent.length === 0 && !dueNow()) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const dueNow = (): boolean => started && (jobs.nextDueAt() ?? Infinity) <= Date.now();

  const scheduleRetry = (): void => {
    if (!started || closed) return;
    const at = jobs.nextDueAt();
    clearTimeout(timer);
    timer = undefined;
    if (at === undefined || lanes.every((lane) => (busy.get(lane) ?? 0) >= lane.concurrency)) return;
    // A due job held back because its blob has a job running is claimed when that job ends.
    if (at <= Date.now() && inflight.size > 0) return;
    timer = setTimeout(pump, Math.max(0, at - Date.now()) + 5);
    timer.unref();
  };

  return {
    start() {
      if (started || closed) return;
      started = true;
      const recovered = jobs.recoverInterrupted();
      if (recovered > 0) log(`${recovered} interrupted job(s) back to pending`);
      pump();
    },
    wake: () => pump(),
    ensure(hash, kind, { rerun = false } = {}) {
      const running = inflight.get(keyOf(hash, kind));
      if (running) return running;
      const job = jobs.get(hash, kind);
      const finished = job?.status === JobStatus.success || job?.status === JobStatus.skipped;
      const failedForGood = job?.status === JobStatus.failed && job.attempts >= maxAttempts;
      if (job && ((finished && !rerun) || failedForGood)) return Promise.resolve(job);
      if (closed) return Promise.reject(new Error('derivative worker is closed'));
      return new Promise<Job>((resolve) => {
        urgent.push({ hash, kind, resolve });
        pump();
      });
    },
    idle() {
      if (inflight.size === 0 && urgent.length === 0 && !dueNow()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const next of urgent.splice(0)) next.resolve(jobs.get(next.hash, next.kind) as Job);
      await Promise.allSettled([...inflight.values()]);
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
};
