import { join } from 'node:path';
import { runSqliteUpgradeTests } from '../../protocol/src/testing/sqlite-migrations.js';
import { BLOB_DB_MIGRATIONS, openBlobDb } from './blob-db.js';

runSqliteUpgradeTests({ store: 'blob-db', migrations: BLOB_DB_MIGRATIONS, fileName: 'blobs.sqlite', open: (dir) => openBlobDb(join(dir, 'blobs.sqlite')) });
