/**
 * Opens `<dataDir>/blobs.sqlite` (WAL, synchronous=FULL) and brings its schema up to date.
 *
 *   const db = openBlobDb('/data/blobs.sqlite')
 *   const blobs = createBlobRepository(db); const jobs = createJobRepository(db)
 */
import { openSqlite, type SqliteDatabase } from '../../protocol/src/server/migrations.js';

export type BlobDb = SqliteDatabase;

/** Append-only: each entry upgrades user_version n to n+1. */
export const BLOB_DB_MIGRATIONS: readonly string[] = [
  `CREATE TABLE blobs (
     hash TEXT PRIMARY KEY,
     mime TEXT NOT NULL,
     size INTEGER NOT NULL,
     width INTEGER,
     height INTEGER,
     thumbhash BLOB,
     created_at INTEGER NOT NULL
   ) STRICT;
   -- Who may read a blob. 'owner' grants come from uploads; album sharing adds rows with another
   -- via (e.g. 'album:<id>') so revoking a share deletes exactly its rows.
   CREATE TABLE blob_grants (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     via TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (hash, user_id, via)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX blob_grants_user ON blob_grants(user_id, hash);
   CREATE TABLE jobs (
     hash TEXT NOT NULL,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     run_after INTEGER NOT NULL DEFAULT 0,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (hash, kind)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX jobs_ready ON jobs(status, run_after);`,
  // ExifTool metadata per blob, XMP sidecars, and tus uploads in progress (for quotas).
  `CREATE TABLE blob_metadata (
     hash TEXT PRIMARY KEY REFERENCES blobs(hash) ON DELETE CASCADE,
     json TEXT NOT NULL,
     extracted_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE blob_sidecars (
     hash TEXT PRIMARY KEY REFERENCES blobs(hash) ON DELETE CASCADE,
     xmp BLOB NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE uploads (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     hash TEXT NOT NULL,
     length INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX uploads_user ON uploads(user_id);`,
  // Each video's transcode decision under the policy in force when it was made.
  `CREATE TABLE video_plans (
     hash TEXT PRIMARY KEY REFERENCES blobs(hash) ON DELETE CASCADE,
     policy TEXT NOT NULL,
     transcode INTEGER NOT NULL,
     reason TEXT NOT NULL,
     probe TEXT NOT NULL
   ) STRICT;`,
  // Admin controls: re-run a job even if its output exists; pause a queue (a job kind).
  `ALTER TABLE jobs ADD COLUMN force INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE queue_state (
     kind TEXT PRIMARY KEY,
     paused INTEGER NOT NULL
   ) STRICT;`,
  // "Index once": ML derivatives (faces, embeddings) a device uploaded, keyed by (blob, model);
  // the file lives under derivatives/ml/, and sha256 (of the derivative bytes) is its ETag.
  `CREATE TABLE ml_derivatives (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     model_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     size INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (hash, model_id)
   ) STRICT, WITHOUT ROWID;`,
  // Rooms (albums, catalogs) a blob was registered in: whoever may read the room may read the blob.
  `CREATE TABLE blob_rooms (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     room TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (hash, room)
   ) STRICT, WITHOUT ROWID;`,
  // Blobs belong to their uploaders, metadata to each user (ADR 0050): sidecars, the extraction
  // merged with them, and ML derivatives are keyed by user; blob_rooms says who registered a blob.
  // A legacy sidecar goes to the blob's only uploader (several: nobody can tell whose it was, so
  // it is dropped); a legacy room registration to every uploader (albums keep working); extractions made with a sidecar are dropped so the job re-reads the bytes
  // alone; legacy ML derivatives (first write wins across users) are dropped: devices recompute.
  `CREATE TABLE user_sidecars (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     xmp BLOB NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (hash, user_id)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE user_metadata (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     json TEXT NOT NULL,
     extracted_at INTEGER NOT NULL,
     PRIMARY KEY (hash, user_id)
   ) STRICT, WITHOUT ROWID;
   INSERT INTO user_sidecars (hash, user_id, xmp, updated_at)
     SELECT s.hash, g.user_id, s.xmp, s.updated_at FROM blob_sidecars s
       JOIN blob_grants g ON g.hash = s.hash AND g.via = 'owner'
      WHERE (SELECT COUNT(*) FROM blob_grants o WHERE o.hash = s.hash AND o.via = 'owner') = 1;
   DELETE FROM blob_metadata WHERE hash IN (SELECT hash FROM blob_sidecars);
   UPDATE jobs SET status = 'pending', attempts = 0, error = NULL, run_after = 0
    WHERE kind = 'metadata' AND hash IN (SELECT hash FROM blob_sidecars);
   DELETE FROM blob_sidecars;
   CREATE TABLE user_ml_derivatives (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     model_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     size INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (hash, user_id, model_id)
   ) STRICT, WITHOUT ROWID;
   DELETE FROM ml_derivatives;
   CREATE TABLE blob_room_adds (
     hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
     room TEXT NOT NULL,
     added_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (hash, room, added_by)
   ) STRICT, WITHOUT ROWID;
   INSERT INTO blob_room_adds (hash, room, added_by, created_at)
     SELECT r.hash, r.room, g.user_id, r.created_at FROM blob_rooms r
       JOIN blob_grants g ON g.hash = r.hash AND g.via = 'owner';
   DROP TABLE blob_rooms;
   ALTER TABLE blob_room_adds RENAME TO blob_rooms;
   CREATE INDEX blob_rooms_added_by ON blob_rooms(added_by, hash);
   -- Quota held by uploads in flight (plain PUTs), so parallel uploads cannot pass it together.
   CREATE TABLE quota_reservations (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX quota_reservations_user ON quota_reservations(user_id);`,
];

export const openBlobDb = (file: string): BlobDb => openSqlite(file, { store: 'blob-db', migrations: BLOB_DB_MIGRATIONS });
