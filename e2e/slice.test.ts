/**
 * The Foundation vertical slice in real Chromium against a real server process: owner setup
 * and login, import by picker and by drag and drop, a second device, the viewer and its keys,
 * offline edits on two devices that merge, and an offline reload.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, openDevice, screenshot, startServer, type Device, type TestServer } from './harness.js';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'a long enough password' };
const photos = realPhotos();
const pickerFiles = photos.slice(0, 10);
const droppedFiles = photos.slice(10, 13);

let server: TestServer;
let browser: Browser;
let a: Device;
let b: Device;

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const tiles = (page: Page) => page.getByTestId('asset-tile');
const tileCount = (page: Page) => tiles(page).count();
const status = (page: Page) => page.getByTestId('status-pill').getAttribute('data-status');

/** Every tile on screen shows a loaded server thumbnail: no placeholders, no local ones. */
const serverThumbsLoaded = async (page: Page) =>
  (await page.getByTestId('asset-placeholder').count()) === 0 &&
  (await page.getByTestId('asset-thumb').evaluateAll((imgs) =>
    imgs.length > 0 && imgs.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0 && (img as HTMLImageElement).currentSrc.includes('/thumbnail')),
  ));

const login = async (device: Device) => {
  await device.page.getByTestId('login-email').fill(owner.email);
  await device.page.getByTestId('login-password').fill(owner.password);
  await device.page.getByTestId('login-submit').click();
  await device.page.getByTestId('library').waitFor();
};

const dropFiles = async (page: Page, files: string[]) => {
  const payload = files.map((path) => ({ name: basename(path), data: readFileSync(path).toString('base64') }));
  const transfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], item.name, { type: 'image/jpeg' }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
  await page.getByTestId('drop-overlay').waitFor();
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
};

beforeAll(async () => {
  expect(pickerFiles.length).toBe(10);
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Foundation slice in Chromium', () => {
  it('a fresh server offers to create the owner account; later visits log in', async () => {
    a = await openDevice(browser, server.url);
    await a.page.getByTestId('signup-form').waitFor();
    await a.page.getByTestId('signup-name').fill(owner.name);
    await a.page.getByTestId('signup-email').fill(owner.email);
    await a.page.getByTestId('signup-password').fill(owner.password);
    await a.page.getByTestId('signup-submit').click();
    await a.page.getByTestId('empty-state').waitFor();
    await screenshot(a.page, '01-empty-library');

    b = await openDevice(browser, server.url);
    await b.page.getByTestId('login-form').waitFor();
    await b.page.getByTestId('login-password').fill('not the password');
    await b.page.getByTestId('login-email').fill(owner.email);
    await b.page.getByTestId('login-submit').click();
    await b.page.getByTestId('auth-error').waitFor();
    await login(b);
  });

  it('imports many photos with the file picker: local thumbnails at once, days, upload progress', async () => {
    await a.page.getByTestId('import-input').setInputFiles(pickerFiles);
    await a.page.getByTestId('import-panel').waitFor();
    await until('10 tiles', async () => (await tileCount(a.page)) === 10);
    await screenshot(a.page, '02-import-progress');
    // Local thumbnails come from the device, before any server derivative exists.
    const localThumbs = await a.page.getByTestId('asset-thumb').evaluateAll((imgs) => imgs.filter((img) => (img as HTMLImageElement).currentSrc.startsWith('blob:')).length);
    expect(localThumbs).toBeGreaterThan(0);
    await until('uploads done', async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true');
    const states = await a.page.getByTestId('import-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-state')));
    expect(states).toEqual(Array(10).fill('done'));
    expect(await a.page.getByTestId('import-progress-text').textContent()).toMatch(/10 \/ 10/);
    const days = await a.page.getByTestId('day-group').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-day')));
    expect(days.length).toBeGreaterThan(1);
    expect([...days].sort().reverse()).toEqual(days); // newest day first
    await screenshot(a.page, '03-timeline');
  });

  it('imports by drag and drop, and recognises a photo already in the library', async () => {
    await dropFiles(a.page, [...droppedFiles, pickerFiles[0]!]);
    await until('13 tiles', async () => (await tileCount(a.page)) === 13);
    const duplicate = a.page.locator(`[data-testid="import-item"][data-name="${basename(pickerFiles[0]!)}"]`).last();
    await until('duplicate recognised', async () => (await duplicate.getAttribute('data-state')) === 'duplicate');
    await until('drop uploads done', async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true');
  });

  it('a second device shows the same timeline with the server thumbnails', async () => {
    await until('device B has 13 tiles', async () => (await tileCount(b.page)) === 13);
    await until('server thumbnails on B', () => serverThumbsLoaded(b.page));
    const namesA = await tiles(a.page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')));
    const namesB = await tiles(b.page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')));
    expect(namesB).toEqual(namesA);
    await screenshot(b.page, '04-device-b-timeline');
  });

  it('the viewer shows the preview, then the original, with metadata; arrows, f and Esc work', async () => {
    const page = a.page;
    const first = tiles(page).first();
    const firstId = await first.getAttribute('data-asset-id');
    await first.getByTestId('asset-tile-open').click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-asset-id')).toBe(firstId);
    await until('original loaded', async () => (await page.getByTestId('viewer-image').getAttribute('data-stage')) === 'original');
    await page.getByTestId('viewer-info').waitFor();
    expect(await page.getByTestId('info-name').textContent()).toBeTruthy();
    expect(await page.getByTestId('info-dimensions').textContent()).toMatch(/\d+ × \d+|\d+ x \d+/);
    await screenshot(page, '05-viewer');

    await page.keyboard.press('ArrowRight');
    await until('next photo', async () => (await viewer.getAttribute('data-asset-id')) !== firstId);
    const secondId = await viewer.getAttribute('data-asset-id');
    expect(secondId).toBe(await tiles(page).nth(1).getAttribute('data-asset-id'));
    await page.keyboard.press('ArrowLeft');
    await until('back to the first', async () => (await viewer.getAttribute('data-asset-id')) === firstId);

    await page.keyboard.press('f');
    await until('favourite on', async () => (await page.getByTestId('viewer-favorite').getAttribute('aria-pressed')) === 'true');
    await page.keyboard.press('f');
    await until('favourite off', async () => (await page.getByTestId('viewer-favorite').getAttribute('aria-pressed')) === 'false');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('offline: each device edits different photos; both sets of edits survive when the relay is back', async () => {
    const ids = await tiles(a.page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')!));
    const favouriteOnA = ids[2]!;
    const trashOnB = ids[5]!;
    await server.stop();
    await until('A offline', async () => (await status(a.page)) === 'offline');
    await until('B offline', async () => (await status(b.page)) === 'offline');

    await a.page.locator(`[data-testid="asset-tile"][data-asset-id="${favouriteOnA}"]`).getByTestId('asset-tile-open').click();
    await a.page.keyboard.press('f');
    await a.page.keyboard.press('Escape');
    await b.page.locator(`[data-testid="asset-tile"][data-asset-id="${trashOnB}"]`).getByTestId('asset-tile-open').click();
    await b.page.getByTestId('viewer-trash').click();
    await b.page.keyboard.press('Escape');
    await until('B hides the trashed photo', async () => (await tileCount(b.page)) === 12);
    expect(Number(await a.page.getByTestId('status-pill').getAttribute('data-pending'))).toBeGreaterThan(0);
    await screenshot(a.page, '06-offline-pending');

    await server.start();
    for (const device of [a, b]) {
      await until('back online', async () => (await status(device.page)) === 'online');
      await until('trash merged', async () => (await tileCount(device.page)) === 12);
      await until('favourite merged', async () => (await device.page.locator(`[data-testid="asset-tile"][data-asset-id="${favouriteOnA}"]`).getAttribute('data-favorite')) === 'true');
    }
  });

  it('reloading the app while the server is down still shows the whole timeline', async () => {
    await server.stop();
    await b.page.reload();
    await until('timeline from IndexedDB', async () => (await tileCount(b.page)) === 12);
    await until('cached thumbnails', () => serverThumbsLoaded(b.page));
    await screenshot(b.page, '07-offline-reload');
    await server.start();
    expect(a.errors.filter((e) => !/Failed to load resource|WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
