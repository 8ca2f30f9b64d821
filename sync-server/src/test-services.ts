/**
 * Real PostgreSQL and Redis servers for tests: each on 127.0.0.1, a free port and a temp
 * directory, started and stopped by the test. Missing binaries fail loudly with the Debian
 * package to install (`npm test` installs them); nothing is skipped silently. Test-only.
 *
 *   const pgServer = await startPostgres(); const url = await pgServer.createDatabase('t1')
 *   const redis = await startRedis(); await redis.restart(); await redis.stop()
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, waitForPort } from '../../protocol/src/testing/ports.js';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

const postgresBinDir = (): string => {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0]) return path.join(base, versions[0], 'bin');
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package postgresql (apt-get install postgresql); npm test installs it when run as root');
};

export interface PostgresServer {
  /** postgres://… of the server's `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Crash stop (`pg_ctl stop -m immediate`: no shutdown checkpoint), then start again on the same port. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export const startPostgres = async (): Promise<PostgresServer> => {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-pg-'));
  const data = path.join(dir, 'data');
  const asPostgres = (command: string, args: string[]) => {
    // initdb refuses to run as root; the Debian package creates the `postgres` user.
    const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
  };
  if (isRoot()) fs.chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'shoebox', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const start = async () => {
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c synchronous_commit=on -c max_connections=200`;
    asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', opts, '-w', '-t', '30', 'start']);
    await waitForPort(port, 20_000, 'postgres');
  };
  await start();
  const url = `postgres://shoebox@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://shoebox@127.0.0.1:${port}/${name}`;
    },
    async restart({ downMs = 0 } = {}) {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};

export { startRedis, type RedisServer } from '../../protocol/src/testing/redis-server.js';
