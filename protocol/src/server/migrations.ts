/**
 * The one versioned schema migration runner of the servers' stores, for SQLite and PostgreSQL.
 * A store's migrations are an append-only array of SQL: entry i moves the schema from version i
 * to i+1. Each migration runs in its own transaction, so a failing one rolls back and leaves the
 * store at the version before it; a database written by a newer build is refused by name.
 * Server-only (it imports better-sqlite3): not re-exported by protocol/src/index.ts, and the
 * client may not import it (eslint.config.js).
 *
 *   const db = openSqlite('/data/blobs.sqlite', { store: 'blob-db', migrations: BLOB_DB_MIGRATIONS })
 *   await migratePostgres(pool, { store: 'rooms', migrations: ROOM_MIGRATIONS, baselineTables: ['room_updates'] })
 */
import Database from 'better-sqlite3';
import type pg from 'pg';

export const MigrationErrorCode = {
  /** The database was written by a newer build (a higher schema version than this build knows). */
  schemaTooNew: 'schemaTooNew',
  /** A migration's SQL failed; its transaction rolled back, the previous version stands. */
  migrationFailed: 'migrationFailed',
  /** PostgreSQL: some but not all of an unversioned store's tables exist, so its version is unknown. */
  unknownSchema: 'unknownSchema',
} as const;
export type MigrationErrorCode = (typeof MigrationErrorCode)[keyof typeof MigrationErrorCode];

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    /** The store's name, e.g. 'blob-db'. */
    readonly store: string,
    /** The version the database is at. */
    readonly version: number,
    /** schemaTooNew: the newest version this build knows; migrationFailed: the version being migrated to. */
    readonly target: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export interface MigrationPlan {
  /** Names the store in errors and, on PostgreSQL, keys its rows in shoebox_schema_versions. */
  readonly store: string;
  /** Append-only: entry i upgrades version i to i+1. Never edit a shipped entry. */
  readonly migrations: readonly string[];
}

export type SqliteDatabase = Database.Database;

const tooNew = (plan: MigrationPlan, version: number): MigrationError =>
  new MigrationError(
    MigrationErrorCode.schemaTooNew,
    plan.store,
    version,
    plan.migrations.length,
    `${plan.store}: the database is at schema version ${version}, written by a newer build; this build knows versions up to ${plan.migrations.length}`,
  );

const failed = (plan: MigrationPlan, version: number, cause: unknown): MigrationError =>
  new MigrationError(
    MigrationErrorCode.migrationFailed,
    plan.store,
    version,
    version + 1,
    `${plan.store}: migration to schema version ${version + 1} failed and was rolled back (still at ${version}): ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );

/** Brings a SQLite database to the plan's newest version (PRAGMA user_version); returns it. */
export const migrateSqlite = (db: SqliteDatabase, plan: MigrationPlan): number => {
  const versionOf = (): number => db.pragma('user_version', { simple: true }) as number;
  const initial = versionOf();
  if (initial > plan.migrations.length) throw tooNew(plan, initial);
  for (;;) {
    // IMMEDIATE takes the write lock first, so two processes opening together apply each step once.
    const step = db.transaction((): number | undefined => {
      const version = versionOf();
      if (version > plan.migrations.length) throw tooNew(plan, version);
      if (version === plan.migrations.length) return undefined;
      try {
        db.exec(plan.migrations[version]!);
      } catch (err) {
        throw failed(plan, version, err);
      }
      db.pragma(`user_version = ${version + 1}`);
      return version + 1;
    });
    if (step.immediate() === undefined) return versionOf();
  }
};

/**
 * Opens a SQLite file with the durability settings the servers rely on (WAL, synchronous=FULL:
 * a committed write survives power loss; foreign keys on; 5 s busy timeout) and migrates it.
 */
export const openSqlite = (file: string, plan: MigrationPlan): SqliteDatabase => {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrateSqlite(db, plan);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
};

export interface PostgresMigrationPlan extends MigrationPlan {
  /**
   * The tables of version 1, for databases made before versions existed (by `CREATE TABLE IF NOT
   * EXISTS` code): when none of the store's versions is recorded and all these tables exist, the
   * database is recorded as being at version 1 (baseline) without running migration 1.
   */
  readonly baselineTables?: readonly string[];
}

/** One advisory lock for every store's migrations: relay processes starting together take turns. */
const MIGRATION_LOCK = 0x5b0e_0001;

const VERSIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS shoebox_schema_versions (
    store TEXT NOT NULL,
    version INTEGER NOT NULL,
    baseline BOOLEAN NOT NULL DEFAULT false,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (store, version)
  )`;

/**
 * Brings a PostgreSQL store to the plan's newest version; returns it. Applied versions are rows of
 * shoebox_schema_versions; each step holds pg_advisory_xact_lock so concurrent starts serialise.
 */
export const migratePostgres = async (pool: pg.Pool, plan: PostgresMigrationPlan): Promise<number> => {
  const client = await pool.connect();
  const ignore = (): void => undefined; // a dying connection also rejects the query in flight
  client.on('error', ignore);
  /** Runs one locked transaction; `undefined` from work means "nothing left to do". */
  const locked = async (work: (version: number) => Promise<number | undefined>): Promise<number | undefined> => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(VERSIONS_TABLE);
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM shoebox_schema_versions WHERE store = $1', [plan.store]);
      const result = await work(rows[0]?.v ?? 0);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(ignore);
      throw err;
    }
  };
  try {
    await locked(async (version) => {
      if (version > 0 || !plan.baselineTables?.length) return undefined;
      const { rows } = await client.query<{ name: string; present: boolean }>(
        'SELECT name, to_regclass(name) IS NOT NULL AS present FROM unnest($1::text[]) AS name',
        [plan.baselineTables],
      );
      const present = rows.filter((r) => r.present).map((r) => r.name);
      if (present.length === 0) return undefined;
      if (present.length < rows.length) {
        const missing = rows.filter((r) => !r.present).map((r) => r.name);
        throw new MigrationError(
          MigrationErrorCode.unknownSchema,
          plan.store,
          0,
          plan.migrations.length,
          `${plan.store}: the database has no recorded schema version and only some of its tables (${present.join(', ')}; missing ${missing.join(', ')})`,
        );
      }
      await client.query('INSERT INTO shoebox_schema_versions (store, version, baseline) VALUES ($1, 1, true)', [plan.store]);
      return 1;
    });
    let version: number | undefined = 0;
    while (version !== undefined) {
      version = await locked(async (current) => {
        if (current > plan.migrations.length) throw tooNew(plan, current);
        if (current === plan.migrations.length) return undefined;
        try {
          await client.query(plan.migrations[current]!);
        } catch (err) {
          throw failed(plan, current, err);
        }
        await client.query('INSERT INTO shoebox_schema_versions (store, version) VALUES ($1, $2)', [plan.store, current + 1]);
        return current + 1;
      });
    }
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM shoebox_schema_versions WHERE store = $1', [plan.store]);
    return rows[0]?.v ?? 0;
  } finally {
    client.off('error', ignore);
    client.release();
  }
};
