/**
 * The PWA's test build: the same app compiled with VITE_SHOEBOX_TEST_HOOKS=1, which enables
 * test hooks such as `#generate=N` (fake assets written into the catalog). Production builds
 * (`npm run build`, `npm start`) never contain them. Built into dist/client-test, only when a
 * client source is newer than the last test build; a server serves it via SHOEBOX_STATIC_DIR.
 *
 *   const server = await startServer({ env: testBuildEnv() })
 *   await page.goto(`${server.url}/#generate=1000,42`)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.js';

export const TEST_BUILD_DIR = join(repoRoot, 'dist', 'client-test');

/** Builds the test-hook PWA when it is missing or stale; returns the server env that serves it. */
export const testBuildEnv = (): Record<string, string> => {
  const built = join(TEST_BUILD_DIR, 'index.html');
  const stale =
    !existsSync(built) ||
    execFileSync('sh', ['-c', `find client protocol models/src vite.config.ts package.json -type f -newer '${built}' | head -1`], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
  if (stale) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', TEST_BUILD_DIR], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, VITE_SHOEBOX_TEST_HOOKS: '1' },
    });
  }
  return { SHOEBOX_STATIC_DIR: TEST_BUILD_DIR };
};
