/**
 * Starts real Shoebox servers and Debian Chromium for browser tests. Talks to the system only
 * through processes, HTTP and the browser.
 *
 *   const server = await startServer(); const browser = await launchChromium();
 *   const device = await openDevice(browser, server.url); await server.stop(); await server.start()
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../protocol/src/testing/ports.js';

export const repoRoot = resolve(import.meta.dirname, '..');
export const dataRoot = resolve(repoRoot, '..', 'shared', 'data');
export const screenshotDir = join(repoRoot, '.e2e', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // WebGPU for the ML worker's GPU path (SwiftShader where there is no GPU).
  '--enable-unsafe-webgpu',
];

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Output of the current process, for diagnosing failures. */
  log(): string;
  start(): Promise<void>;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or power loss would. */
  kill(): Promise<void>;
}

export const startServer = async (options: { dataDir?: string; env?: Readonly<Record<string, string>> } = {}): Promise<TestServer> => {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shoebox-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const waitHealthy = async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child?.exitCode !== null) throw new Error(`server exited with ${child?.exitCode}:\n${output}`);
      try {
        const res = await fetch(`${url}/api/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become healthy in 30 s:\n${output}`);
  };

  const exited = () =>
    new Promise<void>((done) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
    });

  const server: TestServer = {
    url,
    port,
    dataDir,
    log: () => output,
    async start() {
      output = '';
      child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
        cwd: repoRoot,
        env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', SHOEBOX_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitHealthy();
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited();
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited();
    },
  };
  await server.start();
  return server;
};

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

export interface Device {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
}

/** A device is a fresh browser profile (its own IndexedDB, service worker and cookies). */
export const openDevice = async (browser: Browser, url: string): Promise<Device> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { context, page, errors };
};

export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
};

/** Polls `check` every 50 ms until it holds (a throw counts as not yet); fails naming `what`. */
export const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

export interface Account {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

/** Signs up the server's first user (the owner) on a fresh device; resolves on the empty library. */
export const signUpOwner = async (page: Page, owner: Account): Promise<void> => {
  await page.getByTestId('signup-name').fill(owner.name);
  await page.getByTestId('signup-email').fill(owner.email);
  await page.getByTestId('signup-password').fill(owner.password);
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('empty-state').waitFor();
};

/** Logs a device in; resolves when the library shows. */
export const logIn = async (page: Page, account: Account): Promise<void> => {
  await page.getByTestId('login-email').fill(account.email);
  await page.getByTestId('login-password').fill(account.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('library').waitFor();
};
