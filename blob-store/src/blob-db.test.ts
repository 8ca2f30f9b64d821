import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openBlobDb } from './blob-db.js';

/** Turns a fresh database back into version 6 (before per-user metadata), as an old store left it. */
const LEGACY = `
  DROP TABLE user_sidecars; DROP TABLE user_metadata; DROP TABLE user_ml_derivatives; DROP TABLE quota_reservations; DROP TABLE blob_rooms;
  CREATE TABLE blob_rooms (hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE, room TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (hash, room)) STRICT, WITHOUT ROWID;
  PRAGMA user_version = 6;`;

const h = (c: string): string => c.repeat(64);

describe('migration 7: blobs to their uploaders, metadata to each user (ADR 0050)', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('gives a sidecar to its only uploader, drops one whose owner is unknown, keeps albums readable, drops legacy ML results', async () => {
    dir = await mkdtemp(join(tmpdir(), 'blob-db-'));
    const file = join(dir, 'blobs.sqlite');
    openBlobDb(file).close();
    const raw = new Database(file);
    raw.exec(LEGACY);
    const blob = raw.prepare("INSERT INTO blobs (hash, mime, size, created_at) VALUES (?, 'image/jpeg', 1, 0)");
    const owner = raw.prepare("INSERT INTO blob_grants (hash, user_id, via, created_at) VALUES (?, ?, 'owner', 0)");
    for (const c of ['a', 'b']) blob.run(h(c));
    owner.run(h('a'), 'alice'); // alone
    owner.run(h('b'), 'alice'); // shared bytes: whose sidecar is it?
    owner.run(h('b'), 'bob');
    for (const c of ['a', 'b']) {
      raw.prepare("INSERT INTO blob_sidecars (hash, xmp, updated_at) VALUES (?, x'3c3f', 0)").run(h(c));
      raw.prepare("INSERT INTO blob_metadata (hash, json, extracted_at) VALUES (?, '{}', 0)").run(h(c));
      raw.prepare("INSERT INTO blob_rooms (hash, room, created_at) VALUES (?, 'album:trip', 5)").run(h(c));
    }
    raw.prepare("INSERT INTO jobs (hash, kind, status, updated_at) VALUES (?, 'metadata', 'success', 0)").run(h('a'));
    raw.prepare("INSERT INTO ml_derivatives (hash, model_id, kind, size, sha256, created_at) VALUES (?, 'clip', 'clip', 1, 'x', 0)").run(h('a'));
    raw.close();

    const db = openBlobDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(7);
      expect(db.prepare("SELECT hash, status FROM jobs WHERE kind = 'metadata'").all()).toEqual([{ hash: h('a'), status: 'pending' }]); // runs again
      expect(db.prepare('SELECT hash, user_id FROM user_sidecars').all()).toEqual([{ hash: h('a'), user_id: 'alice' }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM blob_sidecars').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM blob_metadata').get()).toEqual({ n: 0 }); // re-read from the bytes alone
      expect(db.prepare('SELECT hash, room, added_by FROM blob_rooms ORDER BY hash, added_by').all()).toEqual([
        { hash: h('a'), room: 'album:trip', added_by: 'alice' },
        { hash: h('b'), room: 'album:trip', added_by: 'alice' },
        { hash: h('b'), room: 'album:trip', added_by: 'bob' },
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM ml_derivatives').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
