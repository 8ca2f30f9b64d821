/**
 * Library management in Chromium against a real server (issue 11): device A imports real photos,
 * archives two from a selection (they leave the timeline and show in the Archive tab, on B too),
 * unarchives one there, rates and tags a selection, trashes three, and in the Trash grid selects
 * to restore one and delete one permanently; B follows through sync. Offline, A deletes a
 * trashed photo permanently while B restores it: the deletion wins on both (SPEC D2).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Libby Library', email: 'libby@example.com', password: 'a long enough password' };
const photos = realPhotos({ limit: 6 });

let server: TestServer;
let browser: Browser;
let a: Device;
let b: Device;

const tiles = (page: Page) => page.getByTestId('timeline').first().getByTestId('asset-tile');
const ids = (page: Page) => tiles(page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')!));
const tab = (page: Page, name: string) => page.getByTestId('toolbar').getByRole('link', { name, exact: true });
const bar = (page: Page) => page.getByTestId('selection-bar');
const select = async (page: Page, n: number) => {
  for (let i = 0; i < n; i++) await tiles(page).nth(i).getByTestId('tile-select').click();
  await until(`${n} selected`, async () => Number(await page.getByTestId('selection-bar').getAttribute('data-count')) === n);
};
const count = async (page: Page, name: string, n: number) => {
  await tab(page, name).click();
  await until(`${n} in ${name}`, async () => (await tiles(page).count()) === n, 30_000);
};
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
  await a.page.getByTestId('import-input').setInputFiles(photos);
  await until('6 tiles', async () => (await tiles(a.page).count()) === 6);
  await until('uploads done', async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 60_000);
  await a.page.getByTestId('import-panel-close').click();
  await until('6 tiles on B', async () => (await tiles(b.page).count()) === 6, 30_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Library management in Chromium (issue 11)', () => {
  it('[AR1] Archive from a selection: the photos leave the timeline and show in the Archive tab, on both devices; Unarchive there', async () => {
    const archived = (await ids(a.page)).slice(0, 2);
    await select(a.page, 2);
    await bar(a.page).getByRole('button', { name: 'Archive', exact: true }).click();
    await a.page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    await until('4 in the timeline', async () => (await tiles(a.page).count()) === 4);
    for (const device of [a, b]) await count(device.page, 'Archive', 2);
    expect((await ids(b.page)).sort()).toEqual([...archived].sort());
    await screenshot(a.page, 'library-01-archive');
    await select(a.page, 1);
    await bar(a.page).getByRole('button', { name: 'Unarchive' }).click();
    await count(a.page, 'Archive', 1);
    for (const device of [a, b]) await count(device.page, 'Photos', 5);
  });

  it('rates and tags a selection from the bar', async () => {
    await select(a.page, 2);
    await bar(a.page).getByRole('combobox', { name: 'Rate' }).selectOption('4');
    await a.page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    await select(a.page, 2);
    await bar(a.page).getByRole('button', { name: 'Add tag' }).click();
    await bar(a.page).getByRole('textbox', { name: 'Tag name' }).fill('Travel/Japan');
    await bar(a.page).getByRole('button', { name: 'Apply tag' }).click();
    await a.page.getByTestId('selection-bar').waitFor({ state: 'detached' });
  });

  it('[D4] the Trash grid selects: restore one, delete one permanently; B follows', async () => {
    await select(a.page, 3);
    await bar(a.page).getByRole('button', { name: 'Move to trash' }).click();
    for (const device of [a, b]) await count(device.page, 'Photos', 2);
    await count(a.page, 'Trash', 3);
    await select(a.page, 1);
    await bar(a.page).getByRole('button', { name: 'Restore' }).click();
    await until('2 in trash', async () => (await tiles(a.page).count()) === 2);
    await select(a.page, 1);
    await bar(a.page).getByRole('button', { name: 'Delete permanently' }).click();
    await until('1 in trash', async () => (await tiles(a.page).count()) === 1);
    await screenshot(a.page, 'library-02-trash');
    await count(b.page, 'Trash', 1);
    await count(b.page, 'Photos', 3);
  });

  it('[D2] offline: A deletes permanently while B restores the same photo; the deletion wins on both', async () => {
    await count(a.page, 'Trash', 1);
    await count(b.page, 'Trash', 1);
    await server.stop();
    await until('A offline', async () => (await status(a.page)) === 'offline');
    await until('B offline', async () => (await status(b.page)) === 'offline');
    await select(b.page, 1);
    await bar(b.page).getByRole('button', { name: 'Restore' }).click();
    await until('B restored', async () => (await tiles(b.page).count()) === 0);
    await a.page.getByRole('button', { name: 'Empty trash' }).click();
    await until('A emptied', async () => (await tiles(a.page).count()) === 0);
    await server.start();
    for (const device of [a, b]) {
      await until('back online', async () => (await status(device.page)) === 'online', 30_000);
      await count(device.page, 'Photos', 3);
      await count(device.page, 'Trash', 0);
    }
  });
});
