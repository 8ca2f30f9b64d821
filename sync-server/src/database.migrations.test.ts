import { runSqliteUpgradeTests } from '../../protocol/src/testing/sqlite-migrations.js';
import { DATABASE_FILE, RELAY_DB_MIGRATIONS, openDatabase } from './database.js';

runSqliteUpgradeTests({ store: 'relay-db', migrations: RELAY_DB_MIGRATIONS, fileName: DATABASE_FILE, open: openDatabase });
