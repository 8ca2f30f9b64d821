/**
 * Shared plumbing of the storage contract suites (rooms, users): a fixture opens store
 * instances over one backing storage, and every instance and fixture is closed after each test.
 *
 *   const setup = useStoreFixtures(factory);           // inside a describe()
 *   const { store, open } = await setup(); const sameData = await open();
 *   const database = useTestPostgres(); const url = await database('users');   // a fresh database per call
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from './test-services.js';

export interface StoreFixture<S> {
  /** A new store instance over the fixture's backing storage (the same data every time). */
  open(): Promise<S>;
  /** Removes the backing storage; every opened store is closed before. */
  dispose(): Promise<void>;
}

export const useStoreFixtures = <S extends { close(): Promise<void> }>(
  factory: () => Promise<StoreFixture<S>>,
): (() => Promise<{ store: S; open(): Promise<S>; close(store: S): Promise<void> }>) => {
  const opened: S[] = [];
  const fixtures: StoreFixture<S>[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const f of fixtures.splice(0)) await f.dispose();
  });
  return async () => {
    const fixture = await factory();
    fixtures.push(fixture);
    const open = async (): Promise<S> => {
      const store = await fixture.open();
      opened.push(store);
      return store;
    };
    /** Closes one instance before the test ends (and keeps afterEach from closing it twice). */
    const close = async (store: S): Promise<void> => {
      opened.splice(opened.indexOf(store), 1);
      await store.close();
    };
    return { store: await open(), open, close };
  };
};

/** A real PostgreSQL server for the calling test file (started before, stopped after it); each call makes a fresh database. */
export const useTestPostgres = (): ((prefix: string) => Promise<string>) => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  let n = 0;
  return (prefix) => {
    if (!server) throw new Error('useTestPostgres: the server starts in beforeAll');
    return server.createDatabase(`${prefix}_${++n}`);
  };
};
