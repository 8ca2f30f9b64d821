// The migration runner on real SQLite files; the PostgreSQL half runs against a real server in
// sync-server/src/postgres-migrations.test.ts (the test PostgreSQL lives there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationError, MigrationErrorCode, migrateSqlite, openSqlite } from './migrations.js';

const dirs: string[] = [];
const dbFile = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-migrations-'));
  dirs.push(dir);
  return path.join(dir, 'test.sqlite');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

// Without IF NOT EXISTS: running an entry twice fails, so these plans also prove each runs once.
const V1 = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);';
const V2 = 'ALTER TABLE notes ADD COLUMN tag TEXT;';
const V3 = 'CREATE TABLE tags (name TEXT PRIMARY KEY);';

const versionOf = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

const catchError = (fn: () => unknown): MigrationError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    return err as MigrationError;
  }
  throw new Error('expected a MigrationError');
};

describe('migrateSqlite', () => {
  it('brings a new database to the newest version, with the durability settings', () => {
    const file = dbFile();
    const db = openSqlite(file, { store: 'test', migrations: [V1, V2] });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.prepare('INSERT INTO notes (body, tag) VALUES (?, ?)').run('hello', 'a');
    db.close();
    expect(versionOf(file)).toBe(2);
  });

  it('upgrades an older database step by step and keeps its rows; reopening runs nothing again', () => {
    const file = dbFile();
    const old = openSqlite(file, { store: 'test', migrations: [V1] });
    old.prepare('INSERT INTO notes (body) VALUES (?)').run('kept');
    old.close();
    const db = openSqlite(file, { store: 'test', migrations: [V1, V2, V3] });
    expect(db.prepare('SELECT body, tag FROM notes').all()).toEqual([{ body: 'kept', tag: null }]);
    db.close();
    const again = openSqlite(file, { store: 'test', migrations: [V1, V2, V3] });
    expect(migrateSqlite(again, { store: 'test', migrations: [V1, V2, V3] })).toBe(3);
    again.close();
    expect(versionOf(file)).toBe(3);
  });

  it('refuses a database written by a newer build, naming both versions, and leaves it untouched', () => {
    const file = dbFile();
    openSqlite(file, { store: 'notes-db', migrations: [V1, V2, V3] }).close();
    const err = catchError(() => openSqlite(file, { store: 'notes-db', migrations: [V1, V2] }));
    expect(err.code).toBe(MigrationErrorCode.schemaTooNew);
    expect([err.store, err.version, err.target]).toEqual(['notes-db', 3, 2]);
    expect(err.message).toMatch(/notes-db.*version 3.*newer build.*up to 2/);
    expect(versionOf(file)).toBe(3);
  });

  it('rolls a failing migration back entirely and leaves the previous version usable', () => {
    const file = dbFile();
    const db = openSqlite(file, { store: 'test', migrations: [V1] });
    db.prepare('INSERT INTO notes (body) VALUES (?)').run('before');
    // The first statement succeeds, the second fails: the whole entry must roll back.
    const broken = 'CREATE TABLE half (x INTEGER); INSERT INTO notes (missing_column) VALUES (1);';
    const err = catchError(() => migrateSqlite(db, { store: 'test', migrations: [V1, broken, V3] }));
    expect(err.code).toBe(MigrationErrorCode.migrationFailed);
    expect([err.version, err.target]).toEqual([1, 2]);
    expect(err.message).toMatch(/version 2 failed and was rolled back \(still at 1\).*missing_column/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('half', 'tags')").all()).toEqual([]);
    db.prepare('INSERT INTO notes (body) VALUES (?)').run('after');
    expect(db.prepare('SELECT body FROM notes ORDER BY id').pluck().all()).toEqual(['before', 'after']);
    // A fixed build migrates on from there.
    expect(migrateSqlite(db, { store: 'test', migrations: [V1, V2] })).toBe(2);
    db.close();
  });

  it('a second connection opened before the first migrated finds nothing left to do', () => {
    const file = dbFile();
    const plan = { store: 'test', migrations: [V1, V2, V3] };
    const a = new Database(file);
    const b = new Database(file);
    // b was opened on the empty file; it must read the version inside its write transaction.
    expect(migrateSqlite(a, plan)).toBe(3);
    expect(migrateSqlite(b, plan)).toBe(3);
    a.close();
    b.close();
  });
});
