/**
 * Albums in Chromium against a real server: device A imports real photos, multi-selects in the
 * timeline (click, shift-click range, Esc clears), creates an album from the selection, renames
 * it, sets a cover, removes a photo, steps through it in the viewer and adds a photo from the
 * viewer; device B sees the same album through sync. Offline, A adds a photo while B renames the
 * album; both edits survive when the relay is back (SPEC A1, A5). Deleting an album on B removes
 * it on A while the photos stay in the library.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Alba Albums', email: 'alba@example.com', password: 'a long enough password' };
const photos = realPhotos({ limit: 6 });

let server: TestServer;
let browser: Browser;
let a: Device;
let b: Device;

const timelineTiles = (page: Page) => page.getByTestId('timeline').first().getByTestId('asset-tile');
const albumTiles = (page: Page) => page.getByTestId('album-view').getByTestId('asset-tile');
const ids = (tiles: Locator) => tiles.evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')!));
const selected = async (page: Page) => Number((await page.getByTestId('selection-bar').getAttribute('data-count').catch(() => null)) ?? 0);
const cards = (page: Page) =>
  page.getByTestId('album-card').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-album-id'), count: Number(e.getAttribute('data-count')), name: e.querySelector('[data-testid="album-card-name"]')?.textContent ?? '' })));
const status = (page: Page) => page.getByTestId('status-pill').getAttribute('data-status');

beforeAll(async () => {
  expect(photos.length).toBe(6);
  server = await startServer();
  browser = await launchChromium();
  a = await openDevice(browser, server.url);
  await signUpOwner(a.page, owner);
  b = await openDevice(browser, server.url);
  await logIn(b.page, owner);
  for (const device of [a, b]) device.page.on('dialog', (dialog) => void dialog.accept());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Albums in Chromium', () => {
  let album = '';
  let order: string[] = [];

  it('multi-selects in the timeline: click, shift-click range, click while selecting, Esc clears', async () => {
    const page = a.page;
    await page.getByTestId('import-input').setInputFiles(photos);
    await until('6 tiles', async () => (await timelineTiles(page).count()) === 6);
    await until('uploads done', async () => (await page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 30_000);
    await page.getByTestId('import-panel-close').click();
    order = await ids(timelineTiles(page));
    await timelineTiles(page).nth(0).getByTestId('tile-select').click();
    expect(await selected(page)).toBe(1);
    await timelineTiles(page).nth(3).getByTestId('tile-select').click({ modifiers: ['Shift'] });
    await until('range of 4', async () => (await selected(page)) === 4);
    expect(await page.locator('sbx-asset-tile[selected]').evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')))).toEqual(order.slice(0, 4));
    await timelineTiles(page).nth(5).getByTestId('asset-tile-open').click(); // selects instead of opening
    await until('5 selected', async () => (await selected(page)) === 5);
    expect(await page.getByTestId('viewer').count()).toBe(0);
    await screenshot(page, 'albums-01-timeline-selection');
    await page.keyboard.press('Escape');
    await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    expect(await page.locator('sbx-asset-tile[selected]').count()).toBe(0);
  });

  it('creates an album from a selection; the Albums tab shows its card', async () => {
    const page = a.page;
    await timelineTiles(page).nth(0).getByTestId('tile-select').click();
    await timelineTiles(page).nth(3).getByTestId('tile-select').click({ modifiers: ['Shift'] });
    await page.getByTestId('selection-add-to-album').click();
    await page.getByTestId('album-picker-name').fill('Holiday');
    await page.getByTestId('album-picker-create').click();
    await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    await page.getByTestId('nav-albums').click();
    await until('one album card', async () => (await cards(page)).length === 1);
    const [card] = await cards(page);
    expect(card).toMatchObject({ name: 'Holiday', count: 4 });
    album = card!.id!;
    await until('cover thumbnail', async () => (await page.getByTestId('album-card-cover').getByTestId('asset-thumb').count()) === 1);
    await screenshot(page, 'albums-02-albums-grid');
  });

  it('album page: order, rename, set cover, remove a photo, viewer steps inside the album, add from the viewer', async () => {
    const page = a.page;
    await page.locator(`[data-testid="album-card"][data-album-id="${album}"]`).click();
    await until('album page', async () => (await albumTiles(page).count()) === 4);
    expect(await ids(albumTiles(page))).toEqual(order.slice(0, 4)); // added in timeline order
    const name = page.getByTestId('album-name-input');
    await name.fill('Summer trip');
    await name.press('Enter');
    await albumTiles(page).nth(2).getByTestId('tile-select').click();
    await page.getByTestId('selection-set-cover').click();
    await albumTiles(page).nth(1).getByTestId('tile-select').click();
    await page.getByTestId('selection-remove-from-album').click();
    await until('3 left', async () => (await page.getByTestId('album-view').getAttribute('data-count')) === '3');
    expect(await ids(albumTiles(page))).toEqual([order[0], order[2], order[3]]);
    expect(await timelineTiles(page).count()).toBeGreaterThan(0); // still in the library
    await screenshot(page, 'albums-03-album-page');

    await albumTiles(page).nth(0).getByTestId('asset-tile-open').click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-asset-id')).toBe(order[0]);
    await page.keyboard.press('ArrowRight');
    await until('next in album', async () => (await viewer.getAttribute('data-asset-id')) === order[2]);
    await page.keyboard.press('ArrowRight');
    await until('last in album', async () => (await viewer.getAttribute('data-asset-id')) === order[3]);
    expect(await page.getByTestId('viewer-next').count()).toBe(0);
    await page.keyboard.press('Escape');

    await page.getByTestId('nav-photos').click();
    await timelineTiles(page).nth(4).getByTestId('asset-tile-open').click();
    await page.getByTestId('viewer-add-to-album').click();
    await page.locator(`[data-testid="album-picker-item"][data-album-id="${album}"]`).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-albums').click();
    await until('4 in album', async () => (await cards(page))[0]?.count === 4);
    expect((await cards(page))[0]?.name).toBe('Summer trip');
    expect(await page.getByTestId('album-card-cover').getAttribute('data-asset-id')).toBe(order[2]);
  });

  it('a second device sees the album, its name, cover and order after sync', async () => {
    const page = b.page;
    await page.getByTestId('nav-albums').click();
    await until('album on B', async () => JSON.stringify(await cards(page)) === JSON.stringify([{ id: album, count: 4, name: 'Summer trip' }]));
    expect(await page.getByTestId('album-card-cover').getAttribute('data-asset-id')).toBe(order[2]);
    await page.locator(`[data-testid="album-card"][data-album-id="${album}"]`).click();
    await until('album page on B', async () => (await albumTiles(page).count()) === 4);
    expect(await ids(albumTiles(page))).toEqual([order[0], order[2], order[3], order[4]]);
  });

  it('offline: A adds a photo while B renames the album; both survive when the relay is back', async () => {
    await server.stop();
    await until('A offline', async () => (await status(a.page)) === 'offline');
    await until('B offline', async () => (await status(b.page)) === 'offline');
    await a.page.getByTestId('nav-photos').click();
    await timelineTiles(a.page).nth(1).getByTestId('tile-select').click();
    await a.page.getByTestId('selection-add-to-album').click();
    await a.page.locator(`[data-testid="album-picker-item"][data-album-id="${album}"]`).click();
    const rename = b.page.getByTestId('album-name-input');
    await rename.fill('Beach');
    await rename.press('Enter');
    await server.start();
    for (const device of [a, b]) {
      await device.page.getByTestId('nav-albums').click();
      await until('merged album', async () => JSON.stringify(await cards(device.page)) === JSON.stringify([{ id: album, count: 5, name: 'Beach' }]), 30_000);
    }
  });

  it('deleting the album on B removes it on A; the photos stay in the library', async () => {
    await b.page.locator(`[data-testid="album-card"][data-album-id="${album}"]`).click();
    await b.page.getByTestId('album-delete').click();
    await b.page.getByTestId('albums-empty').waitFor();
    await a.page.getByTestId('albums-empty').waitFor();
    await a.page.getByTestId('nav-photos').click();
    await until('photos kept', async () => (await timelineTiles(a.page).count()) === 6);
  });

  it('bulk Favourite and Move to trash act on the whole selection; Create album opens an empty album', async () => {
    const page = a.page;
    const all = await ids(timelineTiles(page));
    await timelineTiles(page).nth(0).getByTestId('tile-select').click();
    await timelineTiles(page).nth(1).getByTestId('tile-select').click();
    await page.getByTestId('selection-favorite').click();
    for (const id of all.slice(0, 2)) await until('favourited', async () => (await page.locator(`[data-testid="asset-tile"][data-asset-id="${id}"]`).getAttribute('data-favorite')) === 'true');
    expect(await page.locator('[data-testid="asset-tile"][data-favorite="true"]').count()).toBe(2);
    await timelineTiles(page).nth(5).getByTestId('tile-select').click();
    await page.getByTestId('selection-trash').click();
    await until('5 left', async () => (await timelineTiles(page).count()) === 5);
    expect(await ids(timelineTiles(page))).not.toContain(all[5]);
    await b.page.getByTestId('nav-photos').click();
    await until('trash on B', async () => (await timelineTiles(b.page).count()) === 5);
    await page.getByTestId('nav-albums').click();
    await page.getByTestId('albums-create').click();
    await page.getByTestId('album-view').waitFor();
    expect(await page.getByTestId('album-name-input').inputValue()).toBe('Untitled');
    expect(await page.getByTestId('album-count').textContent()).toBe('0 items');
    expect(a.errors.filter((e) => !/Failed to load resource|WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
