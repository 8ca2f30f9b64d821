/**
 * Test-only child process for the job queue contract's "killed mid-job" case: opens the queue
 * described by argv[2], takes a job, writes half an output into a temp file, says so by creating
 * `<dir>/started`, then hangs until the test SIGKILLs it.
 *
 *   node --import tsx job-queue.crash-child.ts '{"backend":"embedded","dbFile":"/tmp/x/blobs.sqlite"}' /tmp/x/out
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBlobDb } from './blob-db.js';
import { createBullJobQueue } from './bullmq-job.queue.js';
import { createEmbeddedJobQueue } from './embedded-job.queue.js';
import type { JobHandler, JobQueueOptions } from './job-queue.js';

export type CrashChildSpec =
  | { readonly backend: 'embedded'; readonly dbFile: string }
  | { readonly backend: 'bullmq'; readonly redisUrl: string; readonly prefix: string; readonly lockMs: number };

const [specJson, dir] = process.argv.slice(2);
if (!specJson || !dir) throw new Error('usage: job-queue.crash-child.ts <spec json> <dir>');
const spec = JSON.parse(specJson) as CrashChildSpec;
const handler: JobHandler = async (hash, kind) => {
  writeFileSync(join(dir, `${hash}.${kind}.partial`), 'half of a derivative');
  writeFileSync(join(dir, 'started'), '');
  return new Promise(() => {}); // killed before it ever finishes
};
const options: JobQueueOptions = { handler, concurrency: 1, maxAttempts: 3, retryBaseMs: 10, log: () => {} };
const queue =
  spec.backend === 'embedded'
    ? createEmbeddedJobQueue(openBlobDb(spec.dbFile), options)
    : await createBullJobQueue({ ...options, redisUrl: spec.redisUrl, prefix: spec.prefix, lockMs: spec.lockMs, listBlobs: () => [] });
queue.start();
