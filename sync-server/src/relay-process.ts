/**
 * Runs `sync-server/src/main.ts` as a real child process for fault tests and benchmarks:
 * start on a fixed port and data dir, SIGKILL it mid-write, start it again. Test-only.
 *
 *   const relay = await startRelayProcess({ dataDir, env: { SHOEBOX_DATABASE_URL: url } })
 *   await relay.kill(); await relay.start()   // same port, so devices reconnect by themselves
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../protocol/src/testing/ports.js';
import { tempDir } from './testing.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface RelayProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly http: string;
  readonly ws: string;
  pid(): number | undefined;
  log(): string;
  start(): Promise<void>;
  /** SIGKILL: no shutdown code runs, as in a crash or power loss. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export const startRelayProcess = async (options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RelayProcess> => {
  const port = await freePort();
  const dataDir = options.dataDir ?? tempDir('shoebox-relay-');
  let child: ChildProcess | undefined;
  let output = '';
  const exit = async (signal: NodeJS.Signals) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  const relay: RelayProcess = {
    port,
    dataDir,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/sync`,
    pid: () => child?.pid,
    log: () => output,
    async start() {
      const c = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
        cwd: repoRoot,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SHOEBOX_DATA_DIR: dataDir, SHOEBOX_STATIC_DIR: path.join(dataDir, 'no-static'), ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      c.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 30_000;
      while (!(await fetch(`${relay.http}/api/health`).then((r) => r.ok, () => false))) {
        if (c.exitCode !== null) throw new Error(`relay exited with ${c.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`relay did not become healthy:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: () => exit('SIGKILL'),
    stop: () => exit('SIGTERM'),
  };
  await relay.start();
  return relay;
};
