/**
 * `npm start`'s server (scripts/serve.ts) as a real child process for tests: spawned with an
 * environment, its output collected, stopped (SIGTERM) by the returned `stop` or at cleanup.
 *
 *   const served = await spawnServe({ SHOEBOX_DATA_DIR: dir }, cleanups)
 *   await waitHealthy(served)   // or: expect(await served.exited).toBe(1)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../protocol/src/testing/ports.js';

const repoRoot = resolve(import.meta.dirname, '..');

export interface Served {
  readonly port: number;
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait, unless it already exited. */
  stop(): Promise<void>;
}

export const spawnServe = async (env: Readonly<Record<string, string>>, cleanups: (() => Promise<void> | void)[]): Promise<Served> => {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  cleanups.push(stop);
  return { port, output: () => output, exited, stop };
};

/** Resolves once `/api/health` answers; throws with the output when the start fails or takes over 60 s. */
export const waitHealthy = async (served: Served): Promise<void> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (/failed to start/.test(served.output())) throw new Error(served.output());
    if (await fetch(`http://127.0.0.1:${served.port}/api/health`).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`no /api/health in 60 s:\n${served.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
