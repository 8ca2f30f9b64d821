/**
 * The viewer's own actions in Chromium against a real server (issues 10 and 11): Download saves
 * the original byte for byte under its file name, and offline says why it cannot; pressing 4 rates the photo, the info panel's
 * stars show it, and it survives a reload and reaches another device (also when rated offline); the stars control rates
 * by click and clears; Archive takes the photo out of the timeline into Archive, and Unarchive
 * there brings it back.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Vera Viewer', email: 'vera@example.com', password: 'a long enough password' };
const photos = realPhotos({ limit: 4 });

let server: TestServer;
let browser: Browser;
let a: Device;

const tiles = (page: Page) => page.getByTestId('timeline').first().getByTestId('asset-tile');
const ids = (page: Page) => tiles(page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')!));
const viewerId = (page: Page) => page.getByTestId('viewer').getAttribute('data-asset-id');
const shownRating = (page: Page) => page.getByTestId('info-rating').getAttribute('data-rating');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const open = async (page: Page, index: number): Promise<string> => {
  const id = (await tiles(page).nth(index).getAttribute('data-asset-id')) ?? '';
  await tiles(page).nth(index).getByTestId('asset-tile-open').click();
  await until('viewer', async () => (await viewerId(page)) === id);
  return id;
};

beforeAll(async () => {
  expect(photos.length).toBe(4);
  server = await startServer();
  browser = await launchChromium();
  a = await openDevice(browser, server.url);
  await signUpOwner(a.page, owner);
  await a.page.getByTestId('import-input').setInputFiles(photos);
  await until('uploads done', async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 120_000);
  await until('4 tiles', async () => (await tiles(a.page).count()) === 4);
  await a.page.getByTestId('import-panel-close').click();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('The viewer (issues 10 and 11)', () => {
  it('downloads the original: byte-identical to the file imported, under its file name', async () => {
    const { page } = a;
    await open(page, 1);
    const name = (await page.getByTestId('info-name').textContent())?.trim() ?? '';
    const file = photos.find((p) => basename(p) === name);
    expect(file, `an imported file named ${name}`).toBeDefined();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    expect(await download.failure()).toBeNull();
    const saved = await readFile((await download.path())!);
    const original = await readFile(file!);
    expect(saved.length).toBe(original.length);
    expect(sha256(saved)).toBe(sha256(original));
    expect(await page.getByTestId('viewer-notice').count()).toBe(0);
    // Offline: no broken download, a reason instead.
    const errorsBefore = a.errors.length;
    await a.context.setOffline(true);
    try {
      await page.getByRole('button', { name: 'Download' }).click();
      await page.getByRole('alert').filter({ hasText: 'Download failed' }).waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('viewer-notice').textContent()).toContain('offline');
    } finally {
      await a.context.setOffline(false);
      // What failed to load while deliberately offline (the ML runtime, say) is not this test's concern.
      a.errors.splice(errorsBefore);
    }
    await page.getByRole('button', { name: 'Close' }).click();
    await until('viewer closed', async () => (await page.getByTestId('viewer').count()) === 0);
  });

  it('rates with the 4 key: four stars in the info panel, after a reload and on another device; stars rate by click and clear', async () => {
    const { page } = a;
    const id = await open(page, 0);
    expect(await shownRating(page)).toBe('0');
    await page.keyboard.press('4');
    await until('4 stars', async () => (await shownRating(page)) === '4');
    expect(await page.getByRole('button', { name: 'Rate 4 stars' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('group', { name: 'Rating: 4 stars' }).count()).toBe(1);
    await screenshot(page, 'viewer-01-rated');
    await page.reload();
    await until('viewer after reload', async () => (await viewerId(page)) === id, 30_000);
    await until('4 stars after reload', async () => (await shownRating(page)) === '4', 30_000);

    const b = await openDevice(browser, server.url);
    try {
      await logIn(b.page, owner);
      await until('4 tiles on B', async () => (await tiles(b.page).count()) === 4, 30_000);
      await b.page.goto(`${server.url}/photos/${id}`);
      await until('viewer on B', async () => (await viewerId(b.page)) === id, 30_000);
      await until('4 stars on B', async () => (await shownRating(b.page)) === '4', 30_000);
    } finally {
      await b.context.close();
    }

    await page.getByRole('button', { name: 'Rate 2 stars' }).click();
    await until('2 stars', async () => (await shownRating(page)) === '2');
    await page.getByRole('button', { name: 'Rate 2 stars' }).click(); // the current rating again clears it
    await until('not rated', async () => (await shownRating(page)) === '0');
    await page.keyboard.press('5');
    await until('5 stars', async () => (await shownRating(page)) === '5');
    await page.keyboard.press('0');
    await until('cleared by 0', async () => (await shownRating(page)) === '0');
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('rates offline from the viewer, and the rating reaches the other device once back online', async () => {
    const { page } = a;
    const b = await openDevice(browser, server.url);
    try {
      await logIn(b.page, owner);
      await until('4 tiles on B', async () => (await tiles(b.page).count()) === 4, 30_000);
      const id = await open(page, 1);
      await b.page.goto(`${server.url}/photos/${id}`);
      await until('viewer on B', async () => (await viewerId(b.page)) === id, 30_000);
      expect(await shownRating(b.page)).toBe('0');
      const errorsBefore = a.errors.length;
      await a.context.setOffline(true);
      try {
        await page.keyboard.press('3');
        await until('3 stars offline', async () => (await shownRating(page)) === '3');
        await b.page.waitForTimeout(1000); // reason: proving a negative: nothing reaches B while A is offline
        expect(await shownRating(b.page)).toBe('0');
      } finally {
        await a.context.setOffline(false);
        a.errors.splice(errorsBefore);
      }
      await until('3 stars on B after A reconnects', async () => (await shownRating(b.page)) === '3', 60_000);
    } finally {
      await b.context.close();
    }
    await page.getByRole('button', { name: 'Close' }).click();
    await until('viewer closed', async () => (await page.getByTestId('viewer').count()) === 0);
  }, 120_000);

  it('archives from the viewer: the photo leaves the timeline for Archive; Unarchive there brings it back', async () => {
    const { page } = a;
    const id = await open(page, 2);
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    // Like trash, the viewer moves on to a neighbour in the timeline.
    await until('moved on', async () => (await viewerId(page)) !== id);
    await page.getByRole('button', { name: 'Close' }).click();
    await until('3 tiles', async () => (await tiles(page).count()) === 3);
    expect(await ids(page)).not.toContain(id);
    await page.goto(`${server.url}/archive`);
    await until('1 in Archive', async () => (await tiles(page).count()) === 1, 30_000);
    expect(await ids(page)).toEqual([id]);
    await open(page, 0);
    await page.getByRole('button', { name: 'Unarchive' }).click();
    await until('viewer closes: Archive is empty', async () => (await page.getByTestId('viewer').count()) === 0);
    await until('Archive empty', async () => (await tiles(page).count()) === 0);
    await page.goto(server.url);
    await until('4 tiles again', async () => (await tiles(page).count()) === 4, 30_000);
    expect(await ids(page)).toContain(id);
    expect(a.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  it('on a 360×740 phone the new actions are on screen and the stars rate by tap', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await logIn(page, owner);
      await until('4 tiles on the phone', async () => (await tiles(page).count()) === 4, 30_000);
      const id = (await tiles(page).nth(3).getAttribute('data-asset-id')) ?? '';
      await page.goto(`${server.url}/photos/${id}`);
      await until('viewer on the phone', async () => (await viewerId(page)) === id, 30_000);
      const viewer = page.locator('sbx-asset-viewer');
      for (const name of ['Close', 'Favourite', 'Add to album', 'Archive', 'Move to trash', 'Download', 'Info']) {
        const box = await viewer.getByRole('button', { name, exact: true }).boundingBox();
        expect(box, name).not.toBeNull();
        expect(box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= 360 && box!.y + box!.height <= 740, `${name} inside 360×740: ${JSON.stringify(box)}`).toBe(true);
      }
      await viewer.getByRole('button', { name: 'Info', exact: true }).tap();
      await page.getByRole('button', { name: 'Rate 3 stars' }).tap();
      await until('3 stars on the phone', async () => (await shownRating(page)) === '3');
      await screenshot(page, 'viewer-02-phone-rated');
    } finally {
      await context.close();
    }
  });
});
