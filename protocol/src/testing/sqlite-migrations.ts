/**
 * Test kit: a store's SQLite migration list upgrades from every version it ever shipped, and the
 * store refuses a file written by a newer build. Each store's test calls it with its own list.
 *
 *   runSqliteUpgradeTests({ store: 'blob-db', migrations: BLOB_DB_MIGRATIONS, fileName: 'blobs.sqlite',
 *     open: (dir) => openBlobDb(join(dir, 'blobs.sqlite')) })
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationErrorCode, migrateSqlite, openSqlite, type SqliteDatabase } from '../server/migrations.js';

export interface SqliteUpgradeTestOptions {
  readonly store: string;
  readonly migrations: readonly string[];
  /** The file the store opens inside its data directory. */
  readonly fileName: string;
  /** Opens the store the way the service does, over a data directory. */
  open(dir: string): SqliteDatabase;
}

export const runSqliteUpgradeTests = ({ store, migrations, fileName, open }: SqliteUpgradeTestOptions): void => {
  describe(`${store} migrations`, () => {
    const dirs: string[] = [];
    /** A new data directory holding the store's file at `migrations` applied. */
    const dirAt = (applied: readonly string[]): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shoebox-${store}-`));
      dirs.push(dir);
      openSqlite(path.join(dir, fileName), { store, migrations: applied }).close();
      return dir;
    };
    afterEach(() => {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('upgrades a database from every shipped version to the newest', () => {
      for (let version = 0; version < migrations.length; version++) {
        const db = open(dirAt(migrations.slice(0, version)));
        expect(db.pragma('user_version', { simple: true }), `from version ${version}`).toBe(migrations.length);
        expect(migrateSqlite(db, { store, migrations })).toBe(migrations.length);
        db.close();
      }
    });

    it('refuses a database written by a newer build', () => {
      const dir = dirAt([...migrations, 'CREATE TABLE from_the_future (x INTEGER);']);
      expect(() => open(dir)).toThrow(expect.objectContaining({ code: MigrationErrorCode.schemaTooNew, version: migrations.length + 1, target: migrations.length }));
    });
  });
};
