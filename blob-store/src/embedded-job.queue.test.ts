import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBlobDb } from './blob-db.js';
import { createBlobRepository } from './blob.repository.js';
import { createEmbeddedJobQueue } from './embedded-job.queue.js';
import { runJobQueueContractTests } from './job-queue.contract.js';

runJobQueueContractTests('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-queue-'));
  const dbFile = join(dir, 'blobs.sqlite');
  const dbs = [openBlobDb(dbFile)];
  const blobs = createBlobRepository(dbs[0] as ReturnType<typeof openBlobDb>);
  return {
    async open(options) {
      const db = openBlobDb(dbFile); // one connection per queue, as separate processes would have
      dbs.push(db);
      return createEmbeddedJobQueue(db, options);
    },
    recordBlobs: (hashes) => hashes.forEach((hash) => blobs.record({ hash, mime: 'image/jpeg', size: 1 })),
    child: { backend: 'embedded', dbFile },
    async close() {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
