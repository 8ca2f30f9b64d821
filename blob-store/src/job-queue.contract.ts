/**
 * The contract every JobQueue passes (embedded SQLite and BullMQ on Redis): idempotent enqueue
 * by key, per-queue concurrency, retries with backoff, failed jobs kept with their reason,
 * progress events, pause/resume, counts per state, and a worker process killed mid-job.
 *
 *   runJobQueueContractTests('embedded', async () => embeddedHarness())
 *   runJobQueueContractTests('bullmq', async () => bullHarness(redis.url))
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobHash } from '../../protocol/src/index.js';
import type { CrashChildSpec } from './job-queue.crash-child.js';
import { JobEventType, type JobContext, type JobEvent, type JobHandler, type JobQueue, type JobQueueOptions } from './job-queue.js';
import { DerivativeKind, JobStatus, type JobResult } from './job.repository.js';

export interface JobQueueHarness {
  /** A queue over this harness's shared state (one database file, or one Redis prefix). */
  open(options: JobQueueOptions): Promise<JobQueue>;
  /** Records stored blobs, which "run missing" and "re-run all" walk. */
  recordBlobs(hashes: readonly BlobHash[]): void;
  /** How job-queue.crash-child.ts opens the same state. */
  readonly child: CrashChildSpec;
  close(): Promise<void>;
}

export const hashN = (n: number): BlobHash => n.toString(16).padStart(64, 'a') as BlobHash;
const ok: JobResult = { status: JobStatus.success };

const nextEvent = (queue: JobQueue, match: (event: JobEvent) => boolean): Promise<JobEvent> =>
  new Promise((resolve) => {
    const off = queue.onEvent((event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
const finished = (queue: JobQueue, hash: BlobHash, kind: DerivativeKind): Promise<JobEvent> =>
  nextEvent(queue, (e) => e.hash === hash && e.kind === kind && (e.type === JobEventType.completed || (e.type === JobEventType.failed && e.willRetry === false)));

export const runJobQueueContractTests = (name: string, makeHarness: () => Promise<JobQueueHarness>): void => {
  describe(`JobQueue contract: ${name}`, () => {
    let harness: JobQueueHarness;
    const open: JobQueue[] = [];
    const openQueue = async (handler: JobHandler, options: Partial<JobQueueOptions> = {}): Promise<JobQueue> => {
      const queue = await harness.open({ handler, concurrency: 1, maxAttempts: 3, retryBaseMs: 10, log: () => {}, ...options });
      open.push(queue);
      return queue;
    };
    beforeEach(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      for (const queue of open.splice(0)) await queue.close();
      await harness.close();
    });

    it('enqueue is idempotent by (hash, kind): a key runs once, even queued again after it finished', async () => {
      const runs: string[] = [];
      const queue = await openQueue(async (hash, kind) => (runs.push(`${hash}/${kind}`), ok));
      await queue.enqueue(hashN(1), [DerivativeKind.thumbnail, DerivativeKind.preview]);
      await queue.enqueue(hashN(1), [DerivativeKind.thumbnail]);
      const done = finished(queue, hashN(1), DerivativeKind.preview);
      queue.start();
      await done;
      await queue.idle();
      await queue.enqueue(hashN(1), [DerivativeKind.thumbnail]);
      await queue.idle();
      expect(runs.sort()).toEqual([`${hashN(1)}/preview`, `${hashN(1)}/thumbnail`]);
      expect(await queue.get(hashN(1), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.success, attempts: 1, error: null });
    });

    it('runs each queue at its own concurrency (video transcodes in their own slot)', async () => {
      const active = { video: 0, thumbnail: 0 };
      const most = { video: 0, thumbnail: 0 };
      const handler: JobHandler = async (_hash, kind) => {
        const lane = kind === DerivativeKind.video ? 'video' : 'thumbnail';
        most[lane] = Math.max(most[lane], ++active[lane]);
        await new Promise((r) => setTimeout(r, 60));
        active[lane]--;
        return ok;
      };
      const queue = await openQueue(handler, { concurrency: 2, lanes: [{ kinds: [DerivativeKind.video], concurrency: 1 }] });
      for (let i = 1; i <= 3; i++) await queue.enqueue(hashN(i), [DerivativeKind.video]);
      for (let i = 11; i <= 14; i++) await queue.enqueue(hashN(i), [DerivativeKind.thumbnail]);
      const last = Promise.all([finished(queue, hashN(3), DerivativeKind.video), finished(queue, hashN(14), DerivativeKind.thumbnail)]);
      queue.start();
      await last;
      await queue.idle();
      expect(most).toEqual({ video: 1, thumbnail: 2 });
    });

    it('retries a retryable failure with growing backoff, then succeeds', async () => {
      const at: number[] = [];
      const queue = await openQueue(async () => (at.push(Date.now()), at.length < 3 ? { status: JobStatus.failed, error: 'EIO: disk hiccup', retryable: true } : ok), { retryBaseMs: 50 });
      await queue.enqueue(hashN(2), [DerivativeKind.preview]);
      const done = finished(queue, hashN(2), DerivativeKind.preview);
      queue.start();
      expect((await done).type).toBe(JobEventType.completed);
      expect(at).toHaveLength(3);
      expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(45); // 50 ms
      expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(190); // 50 × 4
      expect(await queue.get(hashN(2), DerivativeKind.preview)).toMatchObject({ status: JobStatus.success, attempts: 3 });
    });

    it('keeps failed jobs with their reason: bad content at once, I/O trouble after the last attempt', async () => {
      const calls = new Map<BlobHash, number>();
      const queue = await openQueue(async (hash) => (calls.set(hash, (calls.get(hash) ?? 0) + 1),
        hash === hashN(3) ? { status: JobStatus.failed, error: 'not a JPEG', retryable: false } : hash === hashN(4) ? { status: JobStatus.failed, error: 'EIO', retryable: true } : Promise.reject(new Error('boom'))),
      );
      await queue.enqueue(hashN(3), [DerivativeKind.thumbnail]);
      await queue.enqueue(hashN(4), [DerivativeKind.thumbnail]);
      await queue.enqueue(hashN(5), [DerivativeKind.thumbnail]);
      const done = Promise.all([3, 4, 5].map((n) => finished(queue, hashN(n), DerivativeKind.thumbnail)));
      queue.start();
      expect((await done).map((e) => e.error)).toEqual(['not a JPEG', 'EIO', 'boom']);
      expect(await queue.get(hashN(3), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.failed, error: 'not a JPEG' });
      expect(await queue.get(hashN(4), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.failed, attempts: 3, error: 'EIO' });
      expect(await queue.get(hashN(5), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.failed, attempts: 3, error: 'boom' });
      // ensure() does not run a job that failed for good
      expect(await queue.ensure(hashN(3), DerivativeKind.thumbnail, { rerun: true })).toMatchObject({ status: JobStatus.failed });
      expect([...calls.entries()].sort()).toEqual([[hashN(3), 1], [hashN(4), 3], [hashN(5), 3]]);
    });

    it('reports progress events in order: active, progress…, completed', async () => {
      const queue = await openQueue(async (_hash, _kind, context: JobContext) => {
        context.progress(50);
        context.progress(100);
        return ok;
      });
      const seen: string[] = [];
      queue.onEvent((e) => seen.push(e.type === JobEventType.progress ? `progress ${e.progress}` : e.type));
      await queue.enqueue(hashN(6), [DerivativeKind.video]);
      const done = finished(queue, hashN(6), DerivativeKind.video);
      queue.start();
      await done;
      // progress travels through Redis on BullMQ, so it may land after the job's own completion
      await expect.poll(() => seen.length).toBe(4);
      expect(seen[0]).toBe('active');
      expect(seen.filter((s) => s.startsWith('progress'))).toEqual(['progress 50', 'progress 100']);
      expect(seen).toContain('completed');
    });

    it('pauses and resumes one queue, and counts jobs per queue and state', async () => {
      const queue = await openQueue(async (hash) => (hash === hashN(9) ? { status: JobStatus.skipped } : hash === hashN(10) ? { status: JobStatus.failed, error: 'bad', retryable: false } : ok));
      await queue.setPaused(DerivativeKind.thumbnail, true);
      await queue.enqueue(hashN(7), [DerivativeKind.thumbnail, DerivativeKind.preview]);
      for (const n of [8, 9, 10]) await queue.enqueue(hashN(n), [DerivativeKind.preview]);
      const fence = Promise.all([7, 8, 9, 10].map((n) => finished(queue, hashN(n), DerivativeKind.preview)));
      queue.start();
      await fence;
      const status = await queue.status();
      expect(status.find((q) => q.name === DerivativeKind.thumbnail)).toMatchObject({ paused: true, counts: { pending: 1, running: 0, success: 0, failed: 0, skipped: 0 } });
      expect(status.find((q) => q.name === DerivativeKind.preview)).toMatchObject({ paused: false, counts: { pending: 0, running: 0, success: 2, failed: 1, skipped: 1 } });
      const resumed = finished(queue, hashN(7), DerivativeKind.thumbnail);
      await queue.setPaused(DerivativeKind.thumbnail, false);
      await resumed;
      expect((await queue.status()).find((q) => q.name === DerivativeKind.thumbnail)).toMatchObject({ paused: false, counts: { pending: 0, success: 1 } });
    });

    it('ensure runs a job ahead of the queue, returns a finished one, and reruns on request', async () => {
      let runs = 0;
      const queue = await openQueue(async () => (runs++, ok));
      queue.start();
      expect(await queue.ensure(hashN(11), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.success });
      expect(await queue.ensure(hashN(11), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.success });
      expect(runs).toBe(1);
      expect(await queue.ensure(hashN(11), DerivativeKind.thumbnail, { rerun: true })).toMatchObject({ status: JobStatus.success });
      expect(runs).toBe(2);
    });

    it('"run missing" queues blobs lacking the kind and failed ones; "re-run all" forces every blob', async () => {
      const forced: boolean[] = [];
      const queue = await openQueue(async (_hash, _kind, { force }) => (forced.push(force), ok));
      harness.recordBlobs([hashN(12), hashN(13), hashN(14)]);
      await queue.enqueue(hashN(12), [DerivativeKind.thumbhash]);
      queue.start();
      await queue.ensure(hashN(12), DerivativeKind.thumbhash);
      expect(await queue.runMissing(DerivativeKind.thumbhash)).toBe(2);
      await queue.idle();
      expect(await queue.rerunAll(DerivativeKind.thumbhash)).toBe(3);
      await queue.idle();
      expect(forced).toEqual([false, false, false, true, true, true]);
      expect((await queue.status()).find((q) => q.name === DerivativeKind.thumbhash)?.counts).toMatchObject({ success: 3, pending: 0 });
    });

    it('a worker process killed mid-job: the job is retried once, never duplicated or half-written', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'job-crash-'));
      try {
        const output = join(dir, 'thumbnail.webp');
        const runs: number[] = [];
        const producer = await openQueue(async () => ok);
        await producer.enqueue(hashN(15), [DerivativeKind.thumbnail]);
        const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'job-queue.crash-child.ts'), JSON.stringify(harness.child), dir], { stdio: 'inherit' });
        const exited = new Promise((r) => child.once('exit', r));
        await expect.poll(() => existsSync(join(dir, 'started')), { timeout: 30_000, interval: 25 }).toBe(true);
        child.kill('SIGKILL');
        await exited;
        expect(existsSync(output)).toBe(false); // the child wrote only its temp file
        expect(await producer.get(hashN(15), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.running, attempts: 1 });
        await producer.close();
        open.splice(open.indexOf(producer), 1);

        const queue = await openQueue(async (hash) => {
          runs.push(Date.now());
          writeFileSync(`${output}.tmp`, `thumbnail of ${hash}`);
          renameSync(`${output}.tmp`, output);
          return ok;
        });
        const done = finished(queue, hashN(15), DerivativeKind.thumbnail);
        queue.start();
        expect((await done).type).toBe(JobEventType.completed);
        await queue.idle();
        expect(runs).toHaveLength(1);
        expect(readFileSync(output, 'utf8')).toBe(`thumbnail of ${hashN(15)}`);
        expect(await queue.get(hashN(15), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.success, attempts: 2 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
};
