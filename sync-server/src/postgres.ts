/**
 * What the PostgreSQL repositories share: a pool that survives server restarts, and a
 * transaction helper that always releases its connection.
 *
 *   const pool = createPool(url, 4, onError)
 *   await inTransaction(pool, (c) => c.query('INSERT …'))
 */
import pg from 'pg';

export const createPool = (url: string, max: number, onError: (err: Error) => void): pg.Pool => {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  pool.on('error', onError); // an idle client lost its server; the pool replaces it
  return pool;
};

export const inTransaction = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> => {
  const client = await pool.connect();
  // A server restart kills checked-out connections too; without a listener that is a crash.
  // The query in flight rejects on its own, so the event itself needs no handling.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', ignore);
    client.release();
  }
};
