/**
 * Test kit: a real redis-server on 127.0.0.1, a free port and a temp directory, no persistence;
 * started, crash-restarted and stopped by the test. A missing binary fails loudly with the Debian
 * package to install (`npm test` installs it); nothing is skipped silently. Used by the relay's
 * scale-out tests and the blob store's BullMQ queue tests.
 *
 *   const redis = await startRedis(); await redis.restart({ downMs: 500 }); await redis.stop()
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGKILL, optionally wait, start again on the same port (empty: no persistence). */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export const startRedis = async (): Promise<RedisServer> => {
  const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error('redis-server not found: install the Debian package redis-server (apt-get install redis-server); npm test installs it when run as root');
  const dir = mkdtempSync(join(tmpdir(), 'shoebox-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'], { stdio: 'ignore' });
    await waitForPort(port, 10_000, 'redis-server');
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart({ downMs = 0 } = {}) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
