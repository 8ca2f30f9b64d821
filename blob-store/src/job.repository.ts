/**
 * Persistent derivative jobs in SQLite, one row per (hash, kind): enqueueing twice is a no-op,
 * and a row left 'running' by a killed process goes back to 'pending' at start.
 *
 *   jobs.enqueue(hash, DerivativeKind.thumbnail); const job = jobs.claimNext(Date.now())
 *   jobs.finish(job, { status: JobStatus.success })
 */
import type { BlobHash } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';

export const JobStatus = {
  pending: 'pending',
  running: 'running',
  success: 'success',
  failed: 'failed',
  skipped: 'skipped',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export const DerivativeKind = {
  thumbnail: 'thumbnail',
  preview: 'preview',
  /** Oriented width/height and a thumbhash, stored on the blob row. */
  thumbhash: 'thumbhash',
  /** ExifTool metadata (with the XMP sidecar, when one was uploaded), stored as JSON. */
  metadata: 'metadata',
  /** Video only: the transcode decision, and the H.264/AAC MP4 when the policy asks for one. */
  video: 'video',
} as const;
export type DerivativeKind = (typeof DerivativeKind)[keyof typeof DerivativeKind];
export const derivativeKinds: readonly DerivativeKind[] = Object.values(DerivativeKind);

export interface Job {
  readonly hash: BlobHash;
  readonly kind: DerivativeKind;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly error: string | null;
  readonly runAfter: number;
  readonly updatedAt: number;
  /** Set by "re-run all": run even though the output exists. */
  readonly force: boolean;
}

export type JobCounts = Readonly<Record<JobStatus, number>>;

/** What running a job produced; `retryable` failures are tried again after a backoff. */
export type JobResult =
  | { readonly status: typeof JobStatus.success | typeof JobStatus.skipped }
  | { readonly status: typeof JobStatus.failed; readonly error: string; readonly retryable: boolean };

export interface JobRepository {
  enqueue(hash: BlobHash, kind: DerivativeKind): void;
  get(hash: BlobHash, kind: DerivativeKind): Job | undefined;
  /** Marks the oldest due pending job of a blob with no running job, and returns it (attempts already counted). */
  claimNext(now: number, kinds?: readonly DerivativeKind[]): Job | undefined;
  /** Claims one specific job whatever its state or backoff, unless it is running. */
  claim(hash: BlobHash, kind: DerivativeKind, now: number): Job | undefined;
  /** Records the outcome; a retryable failure under maxAttempts goes back to pending at retryAt. */
  finish(job: Job, result: JobResult, options: { maxAttempts: number; retryAt: number }): Job;
  /** Running jobs of a previous process go back to pending; returns how many. */
  recoverInterrupted(): number;
  /** Earliest run_after among pending jobs, for the worker's timer. */
  nextDueAt(): number | undefined;
  counts(): JobCounts;
  /** Counts per queue (job kind) and state. */
  countsByKind(): Readonly<Record<DerivativeKind, JobCounts>>;
  /** Queues every blob lacking a job of this kind and re-queues its failed ones; returns how many. */
  enqueueMissing(kind: DerivativeKind): number;
  /** Queues this kind again for every blob, forcing regeneration; returns how many. */
  enqueueAll(kind: DerivativeKind): number;
  setPaused(kind: DerivativeKind, paused: boolean): void;
  pausedKinds(): DerivativeKind[];
}

interface JobRow {
  hash: string;
  kind: string;
  status: string;
  attempts: number;
  error: string | null;
  run_after: number;
  updated_at: number;
  force: number;
}

const toJob = (row: JobRow): Job => ({
  hash: row.hash as BlobHash,
  kind: row.kind as DerivativeKind,
  status: row.status as JobStatus,
  attempts: row.attempts,
  error: row.error,
  runAfter: row.run_after,
  updatedAt: row.updated_at,
  force: row.force === 1,
});

export const createJobRepository = (db: BlobDb): JobRepository => {
  const insert = db.prepare(`INSERT OR IGNORE INTO jobs (hash, kind, status, updated_at) VALUES (?, ?, 'pending', ?)`);
  const get = db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE hash = ? AND kind = ?');
  const next = db.prepare<[number, string], JobRow>(
    `SELECT * FROM jobs WHERE status = 'pending' AND run_after <= ?
       AND kind IN (SELECT value FROM json_each(?))
       AND kind NOT IN (SELECT kind FROM queue_state WHERE paused = 1)
       -- one job per blob at a time: its kinds share one decode, so parallel slots take other blobs
       AND hash NOT IN (SELECT hash FROM jobs WHERE status = 'running')
     ORDER BY run_after, updated_at LIMIT 1`,
  );
  const missing = db.prepare(`INSERT OR IGNORE INTO jobs (hash, kind, status, updated_at) SELECT hash, ?, 'pending', ? FROM blobs`);
  const retryFailed = db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, error = NULL, run_after = 0, updated_at = ? WHERE kind = ? AND status = 'failed'`);
  const rerunAll = db.prepare(
    `UPDATE jobs SET status = 'pending', attempts = 0, error = NULL, run_after = 0, force = 1, updated_at = ? WHERE kind = ? AND status <> 'running'`,
  );
  const setPaused = db.prepare('INSERT OR REPLACE INTO queue_state (kind, paused) VALUES (?, ?)');
  const paused = db.prepare<[], { kind: string }>('SELECT kind FROM queue_state WHERE paused = 1');
  const byKind = db.prepare<[], { kind: string; status: string; n: number }>('SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status');
  const enqueueMissing = db.transaction((kind: string): number => {
    const now = Date.now();
    return missing.run(kind, now).changes + retryFailed.run(now, kind).changes;
  });
  const enqueueAll = db.transaction((kind: string): number => {
    const now = Date.now();
    missing.run(kind, now);
    return rerunAll.run(now, kind).changes;
  });
  const markRunning = db.prepare<[number, string, string], JobRow>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE hash = ? AND kind = ? RETURNING *`,
  );
  const finish = db.prepare<[string, number, string | null, number, number, string, string], JobRow>(
    `UPDATE jobs SET status = ?, attempts = ?, error = ?, run_after = ?, updated_at = ?, force = 0 WHERE hash = ? AND kind = ? RETURNING *`,
  );
  const recover = db.prepare(`UPDATE jobs SET status = 'pending', run_after = 0 WHERE status = 'running'`);
  const nextDue = db.prepare<[], { at: number | null }>(`SELECT MIN(run_after) AS at FROM jobs WHERE status = 'pending'`);
  const counts = db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');

  const allKinds = JSON.stringify(Object.values(DerivativeKind));
  const claimNext = db.transaction((now: number, kinds?: readonly DerivativeKind[]): Job | undefined => {
    const row = next.get(now, kinds ? JSON.stringify(kinds) : allKinds);
    if (!row) return undefined;
    const claimed = markRunning.get(now, row.hash, row.kind);
    return claimed ? toJob(claimed) : undefined;
  });
  const claim = db.transaction((hash: string, kind: string, now: number): Job | undefined => {
    insert.run(hash, kind, now);
    const row = get.get(hash, kind);
    if (!row || row.status === JobStatus.running) return undefined;
    const claimed = markRunning.get(now, hash, kind);
    return claimed ? toJob(claimed) : undefined;
  });

  return {
    enqueue: (hash, kind) => void insert.run(hash, kind, Date.now()),
    get: (hash, kind) => {
      const row = get.get(hash, kind);
      return row ? toJob(row) : undefined;
    },
    claimNext: (now, kinds) => claimNext(now, kinds),
    claim: (hash, kind, now) => claim(hash, kind, now),
    finish: (job, result, { maxAttempts, retryAt }) => {
      const now = Date.now();
      let status: JobStatus = result.status;
      let runAfter = 0;
      let attempts = job.attempts;
      if (result.status === JobStatus.failed) {
        if (result.retryable && job.attempts < maxAttempts) {
          status = JobStatus.pending;
          runAfter = retryAt;
        } else {
          attempts = Math.max(attempts, maxAttempts); // permanent: on-demand requests stop retrying
        }
      }
      const error = result.status === JobStatus.failed ? result.error.slice(0, 2000) : null;
      const row = finish.get(status, attempts, error, runAfter, now, job.hash, job.kind);
      if (!row) throw new Error(`job ${job.hash}/${job.kind} vanished while running`);
      return toJob(row);
    },
    recoverInterrupted: () => recover.run().changes,
    nextDueAt: () => nextDue.get()?.at ?? undefined,
    counts: () => {
      const out: Record<JobStatus, number> = { pending: 0, running: 0, success: 0, failed: 0, skipped: 0 };
      for (const { status, n } of counts.all()) out[status as JobStatus] = n;
      return out;
    },
    countsByKind: () => {
      const out = Object.fromEntries(derivativeKinds.map((k) => [k, { pending: 0, running: 0, success: 0, failed: 0, skipped: 0 }])) as Record<DerivativeKind, Record<JobStatus, number>>;
      for (const { kind, status, n } of byKind.all()) {
        const row = out[kind as DerivativeKind];
        if (row) row[status as JobStatus] = n;
      }
      return out;
    },
    enqueueMissing: (kind) => enqueueMissing(kind),
    enqueueAll: (kind) => enqueueAll(kind),
    setPaused: (kind, value) => void setPaused.run(kind, value ? 1 : 0),
    pausedKinds: () => paused.all().map((r) => r.kind as DerivativeKind),
  };
};
