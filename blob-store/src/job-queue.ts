/**
 * The derivative job queue as the blob store sees it, whatever keeps the jobs: the embedded
 * SQLite queue (default) or BullMQ on Redis (scale-out, several worker processes). Both pass
 * runJobQueueContractTests. A job is keyed by (blob hash, kind); queueing a key twice is a no-op.
 *
 *   const queue = await openJobQueue({ db, handler: derivatives.run, config }); queue.start()
 *   await queue.enqueue(hash, derivativeKinds); const job = await queue.ensure(hash, DerivativeKind.thumbnail)
 */
import type { BlobHash } from '../../protocol/src/index.js';
import type { DerivativeKind, Job, JobCounts, JobResult } from './job.repository.js';

export interface JobContext {
  /** Set by "re-run all": make the output even though it exists. */
  readonly force: boolean;
  /** Reports progress (0–100) to the queue's event listeners (and, on Redis, to other processes). */
  progress(percent: number): void;
}

/** Runs one job; returns rather than throws (a throw counts as a retryable failure). */
export type JobHandler = (hash: BlobHash, kind: DerivativeKind, context: JobContext) => Promise<JobResult>;

export const JobEventType = {
  active: 'active',
  progress: 'progress',
  /** Finished: success or skipped. */
  completed: 'completed',
  /** Failed this attempt; `willRetry` says whether it goes back to the queue. */
  failed: 'failed',
} as const;
export type JobEventType = (typeof JobEventType)[keyof typeof JobEventType];

export interface JobEvent {
  readonly type: JobEventType;
  readonly hash: BlobHash;
  readonly kind: DerivativeKind;
  readonly progress?: number;
  readonly error?: string;
  readonly willRetry?: boolean;
}

export interface QueueStatus {
  readonly name: DerivativeKind;
  readonly paused: boolean;
  readonly counts: JobCounts;
}

/** Kinds with their own slots (video transcodes), so a long video never holds up thumbnails. */
export interface WorkerLane {
  readonly kinds: readonly DerivativeKind[];
  readonly concurrency: number;
}

export interface JobQueueOptions {
  readonly handler: JobHandler;
  /** Jobs of the kinds outside `lanes` run at once. */
  readonly concurrency: number;
  /** Kinds with their own slots (video transcodes, so an hour-long video never holds up thumbnails). */
  readonly lanes?: readonly WorkerLane[];
  /** Attempts per job before it stays failed. */
  readonly maxAttempts: number;
  /** Backoff before retry n is retryBaseMs * 4^(n-1). */
  readonly retryBaseMs: number;
  readonly log?: (message: string) => void;
}

export interface JobQueue {
  /** Queues each (hash, kind) that has no job yet; existing jobs, finished or not, are left alone. */
  enqueue(hash: BlobHash, kinds: readonly DerivativeKind[]): Promise<void>;
  get(hash: BlobHash, kind: DerivativeKind): Promise<Job | undefined>;
  /**
   * Runs the job ahead of the queue (or waits for it while it runs) unless it already finished or
   * failed for good; `rerun` when its output went missing. Resolves with the job afterwards
   * (still pending when a retryable failure put it back, or when no worker took it in time).
   */
  ensure(hash: BlobHash, kind: DerivativeKind, options?: { rerun?: boolean }): Promise<Job>;
  /** Begins processing, including jobs a killed process left running. */
  start(): void;
  /** Counts per queue (kind) and state, and whether it is paused. */
  status(): Promise<QueueStatus[]>;
  /** Queues the kind for every blob lacking it and retries its failed jobs; returns how many. */
  runMissing(kind: DerivativeKind): Promise<number>;
  /** Queues the kind again for every blob, forcing regeneration; returns how many. */
  rerunAll(kind: DerivativeKind): Promise<number>;
  setPaused(kind: DerivativeKind, paused: boolean): Promise<void>;
  /** Listens to this process's job events; returns the unsubscribe function. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  /** Resolves when this process has no job running and none due (tests, benchmarks). */
  idle(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  close(): Promise<void>;
}

/** Backoff shared by both queues so retries behave alike. */
export const retryDelayMs = (retryBaseMs: number, attemptsMade: number): number => retryBaseMs * 4 ** Math.max(0, attemptsMade - 1);

export const emptyCounts = (): Record<keyof JobCounts, number> => ({ pending: 0, running: 0, success: 0, failed: 0, skipped: 0 });

export const createEventHub = (): { emit(event: JobEvent): void; on(listener: (event: JobEvent) => void): () => void } => {
  const listeners = new Set<(event: JobEvent) => void>();
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          console.warn('[blob-store] job event listener failed', error);
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
};
