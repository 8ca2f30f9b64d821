/**
 * Shared albums in Chromium against a real server (SPEC SH*): the owner imports real photos,
 * makes an album and shares it with a second user (an account the owner created) as
 * Contributor. The second user, in another browser profile, finds it under "Shared with you",
 * sees its thumbnails (read through the room grant) and opens one; adds a photo of their own,
 * which the owner then sees in the album. Downgraded to Viewer, they can no longer add. The owner revokes: the album leaves the recipient's
 * screen at once and its photos answer 404 to them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Olga Owner', email: 'olga@example.com', password: 'a long enough password' };
const kid = { name: 'Kim Kid', email: 'kim@example.com', password: 'another long password' };
const photos = realPhotos({ limit: 4 });

let server: TestServer;
let browser: Browser;
let a: Device;
let b: Device;
let album = '';
let albumPhotos: string[] = [];

const timelineTiles = (page: Page) => page.getByTestId('timeline').first().getByTestId('asset-tile');
const albumTiles = (page: Page) => page.getByTestId('album-view').getByTestId('asset-tile');
const ids = (page: Page) => albumTiles(page).evaluateAll((t) => t.map((x) => x.getAttribute('data-asset-id')!));
const loadedThumbs = (page: Page) =>
  page.getByTestId('album-view').getByTestId('asset-thumb').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
const sharedCard = (page: Page) => page.getByTestId('albums-shared').locator(`[data-testid="album-card"][data-album-id="${album}"]`);
/** Status of a blob read with the device's session cookie, straight to the server (not through the service worker's cache). */
const status = async (device: Device, path: string): Promise<number> => {
  const cookie = (await device.context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(server.url + path, { headers: { cookie } });
  await res.body?.cancel();
  return res.status;
};

const importAndWait = async (page: Page, files: string[], tiles: number): Promise<void> => {
  await page.getByTestId('import-input').setInputFiles(files);
  await until(`${tiles} tiles`, async () => (await timelineTiles(page).count()) === tiles);
  await until('uploads done', async () => (await page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 30_000);
  await page.getByTestId('import-panel-close').click();
};

beforeAll(async () => {
  expect(photos.length).toBe(4);
  server = await startServer();
  browser = await launchChromium();
  a = await openDevice(browser, server.url);
  await signUpOwner(a.page, owner);
  // The owner creates the second account (only an owner may).
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: owner.email, password: owner.password }) });
  const { token } = (await login.json()) as { token: string };
  const signup = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(kid) });
  expect(signup.status).toBe(201);
  b = await openDevice(browser, server.url);
  await logIn(b.page, kid);
  for (const device of [a, b]) device.page.on('dialog', (dialog) => void dialog.accept());
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Shared albums in Chromium', () => {
  it('the owner shares an album with a second user as Contributor', async () => {
    const page = a.page;
    await importAndWait(page, photos.slice(0, 3), 3);
    await timelineTiles(page).nth(0).getByTestId('tile-select').click();
    await timelineTiles(page).nth(2).getByTestId('tile-select').click({ modifiers: ['Shift'] });
    await page.getByTestId('selection-add-to-album').click();
    await page.getByTestId('album-picker-name').fill('Family weekend');
    await page.getByTestId('album-picker-create').click();
    await page.getByTestId('nav-albums').click();
    await page.getByTestId('album-card').first().click();
    await until('album of 3', async () => (await albumTiles(page).count()) === 3);
    album = (await page.getByTestId('album-view').getAttribute('data-album-id'))!;
    albumPhotos = await ids(page);

    await page.getByTestId('album-share').click();
    await page.getByTestId('share-email').fill(kid.email);
    await page.getByTestId('share-role').selectOption('write');
    await page.getByTestId('share-invite').click();
    const member = page.getByTestId('share-member');
    await until('member listed', async () => (await member.count()) === 1);
    expect(await member.getAttribute('data-access')).toBe('write');
    expect(await member.textContent()).toContain(kid.email);
    // A wrong address is answered in the dialog, which stays usable.
    await page.getByTestId('share-email').fill('nobody@example.com');
    await page.getByTestId('share-invite').click();
    await until('error shown', async () => (await page.getByTestId('share-error').count()) === 1);
    expect(await page.getByTestId('share-error').textContent()).toContain('No account with this email');
    await screenshot(page, 'shared-albums-01-share-dialog');
    await page.getByTestId('share-close').click();
    expect(await page.getByTestId('album-view').getAttribute('data-shared')).toBe('true');
  });

  it('the recipient sees it under Shared with you, with thumbnails, and opens a photo', async () => {
    const page = b.page;
    await page.getByTestId('nav-albums').click();
    await until('shared card', async () => Number(await sharedCard(page).getAttribute('data-count')) === 3);
    expect(await sharedCard(page).getByTestId('album-card-owner').textContent()).toContain(owner.name);
    await until('card cover', async () => (await sharedCard(page).getByTestId('asset-thumb').count()) === 1);
    await screenshot(page, 'shared-albums-02-shared-with-you');
    await sharedCard(page).click();
    await until('3 photos', async () => (await albumTiles(page).count()) === 3);
    expect(new Set(await ids(page))).toEqual(new Set(albumPhotos));
    await until('thumbnails load', async () => (await loadedThumbs(page)) === 3);
    expect(await status(b, `/api/blobs/${albumPhotos[0]}/thumbnail`)).toBe(200);
    expect(await page.getByTestId('album-shared-by').textContent()).toContain(owner.name);
    await screenshot(page, 'shared-albums-03-recipient-album');
    await albumTiles(page).nth(1).getByTestId('asset-tile-open').click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-asset-id')).toBe((await ids(page))[1]);
    await until('viewer image', async () => page.getByTestId('viewer-image').evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    expect(await page.getByTestId('viewer-shared').count()).toBe(1); // not mine: no favourite, album or trash actions
    expect(await page.getByTestId('viewer-trash').count()).toBe(0);
    await screenshot(page, 'shared-albums-04-recipient-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('the contributor adds a photo of their own; the owner sees it in the album', async () => {
    const page = b.page;
    await page.getByTestId('nav-photos').click();
    await importAndWait(page, [photos[3]!], 1);
    const mine = (await timelineTiles(page).first().getAttribute('data-asset-id'))!;
    await timelineTiles(page).first().getByTestId('tile-select').click();
    await page.getByTestId('selection-add-to-album').click();
    await page.locator(`[data-testid="album-picker-item"][data-album-id="${album}"]`).click();
    await page.getByTestId('nav-albums').click();
    await until('4 in the shared card', async () => Number(await sharedCard(page).getAttribute('data-count')) === 4);

    await until('owner sees 4', async () => (await a.page.getByTestId('album-view').getAttribute('data-count')) === '4');
    expect(await ids(a.page)).toContain(mine);
    expect(await a.page.getByTestId('album-view').getAttribute('data-shared')).toBe('true');
    await until('owner loads the contributed thumbnail', async () => (await loadedThumbs(a.page)) === 4);
    expect(await status(a, `/api/blobs/${mine}/thumbnail`)).toBe(200);
    await albumTiles(a.page).last().scrollIntoViewIfNeeded();
    await screenshot(a.page, 'shared-albums-05-owner-sees-contribution');
  });

  it('downgraded to Viewer, the recipient no longer gets the album in "Add to album"', async () => {
    const page = a.page;
    await page.getByTestId('album-share').click();
    await page.getByTestId('share-email').fill(kid.email);
    await page.getByTestId('share-role').selectOption('read');
    await page.getByTestId('share-invite').click();
    await until('now a Viewer', async () => (await page.getByTestId('share-member').getAttribute('data-access')) === 'read');
    await page.getByTestId('share-close').click();

    await b.page.getByTestId('nav-albums').click(); // lists the rooms again
    await until('card says read', async () => (await sharedCard(b.page).getAttribute('data-access')) === 'read');
    await b.page.getByTestId('nav-photos').click();
    await timelineTiles(b.page).first().getByTestId('tile-select').click();
    await b.page.getByTestId('selection-add-to-album').click();
    await b.page.getByTestId('album-picker').waitFor();
    expect(await b.page.locator(`[data-testid="album-picker-item"][data-album-id="${album}"]`).count()).toBe(0);
    await b.page.getByTestId('album-picker-cancel').click();
    await b.page.keyboard.press('Escape');
  });

  it('the owner revokes: the album leaves the recipient at once and its photos answer 404', async () => {
    await b.page.getByTestId('nav-albums').click();
    await sharedCard(b.page).click();
    await until('recipient album open', async () => (await albumTiles(b.page).count()) === 4);

    const page = a.page;
    await page.getByTestId('album-share').click();
    await until('member listed', async () => (await page.getByTestId('share-member').count()) === 1);
    await page.getByTestId('share-member-remove').click();
    await until('member gone', async () => (await page.getByTestId('share-member').count()) === 0);
    await page.getByTestId('share-close').click();

    await until('recipient loses the album', async () => (await b.page.getByTestId('album-gone').count()) === 1, 10_000);
    expect(await status(b, `/api/blobs/${albumPhotos[0]}/thumbnail`)).toBe(404);
    expect(await status(b, `/api/blobs/${albumPhotos[0]}`)).toBe(404);
    await b.page.getByTestId('album-back').click();
    expect(await b.page.getByTestId('albums-shared').count()).toBe(0);
    await screenshot(b.page, 'shared-albums-06-recipient-after-revoke');
    expect(a.errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
