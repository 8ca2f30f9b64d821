/**
 * "On this day" in Chromium with a fixed clock: real photos from ../shared/data whose capture
 * dates ExifTool reads (Apple.jpg on 28 September 2016, Google.jpg on 6 October 2023), plus a
 * real photo ExifTool retags to 28 September 2021, are imported; on 28 September 2025 the strip
 * above the timeline shows a card for 2021 and one for 2016 (not 2023), each with its thumbnail,
 * and a card opens the viewer on its photo; on 6 October 2025 it shows 2023 only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRoot, launchChromium, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Mona Memories', email: 'mona@example.com', password: 'a long enough password' };

let server: TestServer;
let browser: Browser;
let device: Device;
const work = mkdtempSync(join(tmpdir(), 'shoebox-memories-'));
const apple = join(dataRoot, 'exiftool-images/Apple.jpg');
const google = join(dataRoot, 'exiftool-images/Google.jpg');
const retagged = join(work, 'canon-2021.jpg');
const taken = (file: string): string => execFileSync('exiftool', ['-s3', '-DateTimeOriginal', file], { encoding: 'utf8' }).trim();

const cardNames = (page: Page): Promise<string[]> =>
  page.getByTestId('memory-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label') ?? ''));

beforeAll(async () => {
  expect(taken(apple)).toBe('2016:09:28 18:18:05');
  expect(taken(google)).toBe('2023:10:06 22:53:51');
  execFileSync('exiftool', ['-q', '-o', retagged, '-AllDates=2021:09:28 10:00:00', join(dataRoot, 'exiftool-images/Canon.jpg')]);
  expect(taken(retagged)).toBe('2021:09:28 10:00:00');
  server = await startServer();
  browser = await launchChromium();
  device = await openDevice(browser, server.url);
  await signUpOwner(device.page, owner);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('On this day in Chromium', () => {
  it('shows photos from past years on the matching date, with thumbnails, and opens them', async () => {
    const page = device.page;
    // Noon local time, so the device's time zone cannot move the day.
    await page.clock.setFixedTime(new Date(2025, 8, 28, 12, 0, 0));
    await page.getByTestId('import-input').setInputFiles([apple, google, retagged]);
    await until('3 tiles', async () => (await page.getByTestId('timeline').first().getByTestId('asset-tile').count()) === 3);
    await until('two memories', async () => JSON.stringify(await cardNames(page)) === JSON.stringify(['On this day, 4 years ago, 1 photo', 'On this day, 9 years ago, 1 photo']), 30_000);
    const strip = page.getByRole('region', { name: 'On this day' });
    expect(await strip.getByRole('button').count()).toBe(2);
    const card = strip.getByRole('button', { name: 'On this day, 9 years ago, 1 photo' });
    await until('cover thumbnail shown', async () => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 30_000);
    await screenshot(page, 'memories-strip');
    await card.click();
    await until('viewer on Apple.jpg', async () => (await page.getByTestId('viewer').locator('.title').textContent()) === 'Apple.jpg');
    await page.getByTestId('viewer-close').first().click();
    await page.getByTestId('viewer').waitFor({ state: 'detached' });

    // Another day: only 2023's photo (the catalog comes back from IndexedDB after the reload).
    await page.clock.setFixedTime(new Date(2025, 9, 6, 12, 0, 0));
    await page.reload();
    await until('one memory', async () => JSON.stringify(await cardNames(page)) === JSON.stringify(['On this day, 2 years ago, 1 photo']), 30_000);
    await page.getByRole('button', { name: 'On this day, 2 years ago, 1 photo' }).click();
    await until('viewer on Google.jpg', async () => (await page.getByTestId('viewer').locator('.title').textContent()) === 'Google.jpg');
    expect(device.errors).toEqual([]);
  }, 180_000);
});
