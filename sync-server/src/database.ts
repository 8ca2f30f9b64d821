/**
 * Opens `<dataDir>/shoebox.sqlite` with the durability settings the relay relies on (WAL,
 * synchronous=FULL: a committed update survives power loss) and applies schema migrations.
 *
 *   const db = openDatabase(dataDir)
 *   const users = createUserRepository(db); const rooms = createRoomRepository(db)
 */
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite, type SqliteDatabase } from '../../protocol/src/server/migrations.js';

export type { SqliteDatabase };

export const DATABASE_FILE = 'shoebox.sqlite';

/** Each entry moves the schema from version i to i+1; never edit a shipped entry, append. */
export const RELAY_DB_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_owner INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX tokens_user ON tokens(user_id);
  CREATE TABLE grants (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'admin')),
    PRIMARY KEY (user_id, room)
  );
  CREATE TABLE room_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX room_updates_room ON room_updates(room, id);
  CREATE TABLE room_snapshots (
    room TEXT PRIMARY KEY,
    data BLOB NOT NULL
  );
  `,
  // The snapshot covers the log through `through`, so compaction can run beside new appends.
  `ALTER TABLE room_snapshots ADD COLUMN through INTEGER NOT NULL DEFAULT 0;`,
  // Administration (issue 13): disabled accounts, per-user quotas; sessions' last use, browser and address.
  `
  ALTER TABLE users ADD COLUMN disabled_at INTEGER;
  ALTER TABLE users ADD COLUMN quota_bytes INTEGER;
  ALTER TABLE tokens ADD COLUMN last_seen_at INTEGER;
  ALTER TABLE tokens ADD COLUMN user_agent TEXT;
  ALTER TABLE tokens ADD COLUMN address TEXT;
  `,
];

export const openDatabase = (dataDir: string): SqliteDatabase => {
  fs.mkdirSync(dataDir, { recursive: true });
  return openSqlite(path.join(dataDir, DATABASE_FILE), { store: 'relay-db', migrations: RELAY_DB_MIGRATIONS });
};
