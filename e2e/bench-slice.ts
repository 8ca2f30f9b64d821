/**
 * Times the Foundation slice at a realistic size: 200 real photos imported on device A, until
 * device B shows every one of them with the server's thumbnail. Writes bench/results/slice.json.
 *
 *   npm run bench:slice            # SHOEBOX_BENCH_PHOTOS=200 by default
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { photoCorpus } from './corpus.js';
import { launchChromium, openDevice, repoRoot, screenshot, startServer } from './harness.js';

const count = Number(process.env.SHOEBOX_BENCH_PHOTOS ?? 200);
const owner = { name: 'Bench', email: 'bench@example.com', password: 'bench password 1' };

const until = async (check: () => Promise<boolean>, timeoutMs = 600_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
};

// The timeline is virtualized (only on-screen tiles exist), so count what it holds.
const tileCount = async (page: Page) => Number((await page.getByTestId('timeline').getAttribute('data-count', { timeout: 1000 }).catch(() => null)) ?? 0);

const main = async () => {
  const files = await photoCorpus(count, mkdtempSync(join(tmpdir(), 'shoebox-corpus-')));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const a = await openDevice(browser, server.url);
    await a.page.getByTestId('signup-name').fill(owner.name);
    await a.page.getByTestId('signup-email').fill(owner.email);
    await a.page.getByTestId('signup-password').fill(owner.password);
    await a.page.getByTestId('signup-submit').click();
    await a.page.getByTestId('empty-state').waitFor();
    const b = await openDevice(browser, server.url);
    await b.page.getByTestId('login-email').fill(owner.email);
    await b.page.getByTestId('login-password').fill(owner.password);
    await b.page.getByTestId('login-submit').click();
    await b.page.getByTestId('library').waitFor();

    const t0 = Date.now();
    await a.page.getByTestId('import-input').setInputFiles(files);
    let progressShot = false;
    await until(async () => {
      const n = await tileCount(a.page);
      if (!progressShot && n >= count / 3) {
        progressShot = true;
        await screenshot(a.page, 'bench-import-progress');
      }
      return n === count;
    });
    const allLocalOnA = Date.now() - t0;
    await until(async () => (await tileCount(b.page)) === count);
    const allTilesOnB = Date.now() - t0;
    // Every asset's server thumbnail, fetched by device B with its own session, as its grid does.
    // The timeline is virtualized, so the asset ids come from the files themselves (id = SHA-256).
    const ids = files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
    await until(async () => {
      const missing = await b.page.evaluate(async (hashes) => {
        const results = await Promise.all(hashes.map((h) => fetch(`/api/blobs/${h}/thumbnail`).then((r) => r.ok, () => false)));
        return results.filter((ok) => !ok).length;
      }, ids);
      return missing === 0;
    });
    const allServerThumbsOnB = Date.now() - t0;
    await until(async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true');
    const uploadsDoneOnA = Date.now() - t0;
    await screenshot(b.page, 'bench-device-b');

    const result = {
      date: new Date().toISOString(),
      machine: '2 cores, this repository’s CI kind',
      photos: count,
      megabytes: +(bytes / 1e6).toFixed(1),
      realPhotos: files.filter((f) => !f.includes('crop-')).length,
      msAllTilesOnA: allLocalOnA,
      msAllTilesOnB: allTilesOnB,
      msUploadsDoneOnA: uploadsDoneOnA,
      msAllServerThumbnailsOnB: allServerThumbsOnB,
    };
    mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench', 'results', 'slice.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(result);
  } finally {
    await browser.close();
    await server.stop();
  }
};

await main();
