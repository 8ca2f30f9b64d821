import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobHash } from '../../protocol/src/index.js';
import { openBlobDb, type BlobDb } from './blob-db.js';
import { createDerivativeWorker } from './derivative.worker.js';
import { DerivativeKind, JobStatus, createJobRepository, type JobRepository, type JobResult } from './job.repository.js';

const hashN = (n: number) => n.toString(16).padStart(64, '0') as BlobHash;

describe('job repository and derivative worker', () => {
  let dir: string;
  let db: BlobDb;
  let jobs: JobRepository;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blob-jobs-'));
    db = openBlobDb(join(dir, 'blobs.sqlite'));
    jobs = createJobRepository(db);
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('enqueue is idempotent per (hash, kind) and the db is WAL + synchronous FULL', () => {
    jobs.enqueue(hashN(1), DerivativeKind.thumbnail);
    jobs.enqueue(hashN(1), DerivativeKind.thumbnail);
    jobs.enqueue(hashN(1), DerivativeKind.preview);
    expect(jobs.counts().pending).toBe(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('puts jobs left running by a killed process back to pending at start', async () => {
    jobs.enqueue(hashN(2), DerivativeKind.thumbnail);
    expect(jobs.claimNext(Date.now())?.status).toBe(JobStatus.running);
    const ran: string[] = [];
    const worker = createDerivativeWorker({ jobs, run: async (h) => (ran.push(h), { status: JobStatus.success }), concurrency: 1, maxAttempts: 3, retryBaseMs: 0, log: () => {} });
    worker.start();
    await worker.idle();
    expect(ran).toEqual([hashN(2)]);
    expect(jobs.get(hashN(2), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.success, attempts: 2 });
    await worker.close();
  });

  it('retries retryable failures with backoff up to maxAttempts, then stays failed', async () => {
    jobs.enqueue(hashN(3), DerivativeKind.preview);
    let calls = 0;
    const run = async (): Promise<JobResult> => (calls++, { status: JobStatus.failed, error: 'EIO: disk hiccup', retryable: true });
    const worker = createDerivativeWorker({ jobs, run, concurrency: 2, maxAttempts: 3, retryBaseMs: 1, log: () => {} });
    worker.start();
    while (jobs.get(hashN(3), DerivativeKind.preview)?.status !== JobStatus.failed) await worker.idle().then(() => new Promise((r) => setTimeout(r, 5)));
    expect(calls).toBe(3);
    expect(jobs.get(hashN(3), DerivativeKind.preview)).toMatchObject({ attempts: 3, error: 'EIO: disk hiccup' });
    // ensure() does not rerun a job that failed for good.
    expect((await worker.ensure(hashN(3), DerivativeKind.preview)).status).toBe(JobStatus.failed);
    expect(calls).toBe(3);
    await worker.close();
  });

  it('fails undecodable content at once, and ensure() runs a job ahead of the queue without start()', async () => {
    const order: string[] = [];
    const worker = createDerivativeWorker({
      jobs,
      run: async (h, k) => (order.push(`${h.slice(-1)}:${k}`), h === hashN(5) ? { status: JobStatus.failed, error: 'bad', retryable: false } : { status: JobStatus.success }),
      concurrency: 1,
      maxAttempts: 3,
      retryBaseMs: 0,
      log: () => {},
    });
    jobs.enqueue(hashN(4), DerivativeKind.thumbnail);
    expect((await worker.ensure(hashN(6), DerivativeKind.thumbnail)).status).toBe(JobStatus.success);
    expect(await worker.ensure(hashN(5), DerivativeKind.thumbnail)).toMatchObject({ status: JobStatus.failed, attempts: 3, error: 'bad' });
    expect(order).toEqual(['6:thumbnail', '5:thumbnail']);
    worker.start();
    await worker.idle();
    expect(order).toEqual(['6:thumbnail', '5:thumbnail', '4:thumbnail']);
    await worker.close();
  });

  it('never lets an exception escape the worker loop', async () => {
    jobs.enqueue(hashN(7), DerivativeKind.thumbhash);
    const worker = createDerivativeWorker({ jobs, run: async () => { throw new Error('boom'); }, concurrency: 1, maxAttempts: 1, retryBaseMs: 0, log: () => {} });
    worker.start();
    await worker.idle();
    expect(jobs.get(hashN(7), DerivativeKind.thumbhash)).toMatchObject({ status: JobStatus.failed, error: 'boom' });
    await worker.close();
  });

  it('runs video transcodes in their own lane: a long one never holds up thumbnails', async () => {
    let finishVideo: () => void = () => {};
    const videoDone = new Promise<void>((r) => (finishVideo = r));
    const ran: string[] = [];
    const run = async (hash: BlobHash, kind: DerivativeKind): Promise<JobResult> => {
      if (kind === DerivativeKind.video) await videoDone;
      ran.push(`${kind}:${hash.slice(-1)}`);
      return { status: JobStatus.success };
    };
    jobs.enqueue(hashN(1), DerivativeKind.video);
    jobs.enqueue(hashN(2), DerivativeKind.video);
    jobs.enqueue(hashN(3), DerivativeKind.thumbnail);
    const worker = createDerivativeWorker({ jobs, run, concurrency: 1, lanes: [{ kinds: [DerivativeKind.video], concurrency: 1 }], maxAttempts: 1, retryBaseMs: 0, log: () => {} });
    worker.start();
    expect((await worker.ensure(hashN(4), DerivativeKind.preview)).status).toBe(JobStatus.success); // on demand, while a video runs
    while (jobs.get(hashN(3), DerivativeKind.thumbnail)?.status !== JobStatus.success) await new Promise((r) => setTimeout(r, 5));
    expect(jobs.counts()).toMatchObject({ running: 1, pending: 1 }); // one video at a time, the other waits
    expect(ran).toEqual(expect.arrayContaining(['preview:4', 'thumbnail:3']));
    expect(ran.some((r) => r.startsWith('video'))).toBe(false);
    finishVideo();
    await worker.idle();
    expect(jobs.counts()).toMatchObject({ success: 4, running: 0, pending: 0 });
    await worker.close();
  });
});
