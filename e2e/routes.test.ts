/**
 * Addresses in Chromium against a real server: every view has a URL; Back and Forward move
 * between views and in and out of the viewer; a reload restores the view, the open photo and
 * the timeline's date position (`/?at=`); a deep link opens on another device of the same user,
 * and tells another user clearly that the album or photo is not theirs; unknown addresses say
 * "not found"; with the server down the service worker serves the app shell for a deep link.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const owner = { name: 'Rita Routes', email: 'rita@example.com', password: 'a long enough password' };
const other = { name: 'Otto Other', email: 'otto@example.com', password: 'another long password' };
const photos = realPhotos();

let server: TestServer;
let browser: Browser;
let a: Device;

const path = (page: Page): string => {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
};
const routeView = (page: Page) => page.getByTestId('library').getAttribute('data-route');
const tiles = (page: Page) => page.getByTestId('timeline').first().getByTestId('asset-tile');
const topDay = (page: Page) => page.getByTestId('timeline').first().getAttribute('data-top-day');
const viewerId = (page: Page) => page.getByTestId('viewer').getAttribute('data-asset-id');

beforeAll(async () => {
  expect(photos.length).toBeGreaterThan(12);
  server = await startServer();
  browser = await launchChromium();
  a = await openDevice(browser, server.url);
  await signUpOwner(a.page, owner);
  a.page.on('dialog', (dialog) => void dialog.accept());
  await a.page.getByTestId('import-input').setInputFiles(photos);
  await until('uploads done', async () => (await a.page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 180_000);
  // Some files are the same photo under two names: one asset each.
  await until('a dozen tiles', async () => Number(await a.page.getByTestId('timeline').first().getAttribute('data-count')) > 12);
  await a.page.getByTestId('import-panel-close').click();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Addresses', () => {
  let album = '';
  let photo = '';

  it('gives every section an address, and Back/Forward move between them', async () => {
    const { page } = a;
    expect(path(page)).toBe('/');
    for (const [name, url, view] of [['Favourites', '/favorites', 'favorites'], ['Trash', '/trash', 'trash'], ['People', '/people', 'people'], ['Albums', '/albums', 'albums']] as const) {
      await page.getByRole('link', { name }).click();
      await until(`${name} view`, async () => (await routeView(page)) === view);
      expect(path(page)).toBe(url);
      expect(await page.title()).toContain(name);
      expect(await page.getByRole('link', { name }).getAttribute('aria-current')).toBe('page');
    }
    await page.getByRole('button', { name: 'Create album' }).click();
    await until('album page', async () => (await routeView(page)) === 'album');
    album = (await page.getByTestId('album-view').getAttribute('data-album-id')) ?? '';
    expect(album).not.toBe('');
    expect(path(page)).toBe(`/albums/${album}`);
    await page.goBack();
    await until('back to albums', async () => (await routeView(page)) === 'albums');
    expect(path(page)).toBe('/albums');
    await page.goBack();
    await until('back to people', async () => (await routeView(page)) === 'people');
    await page.goForward();
    await page.goForward();
    await until('forward to the album', async () => (await routeView(page)) === 'album');
    expect(path(page)).toBe(`/albums/${album}`);
    await page.getByTestId('album-name-input').fill('Road trip');
    await page.getByTestId('album-name-input').press('Enter');
    await page.getByRole('link', { name: 'Photos' }).click();
    await until('timeline', async () => (await routeView(page)) === 'timeline');
    expect(path(page)).toBe('/');
  });

  it('opens the viewer at /photos/<id>; reload keeps it; Back closes it; Forward reopens it', async () => {
    const { page } = a;
    photo = (await tiles(page).nth(2).getAttribute('data-asset-id')) ?? '';
    await tiles(page).nth(2).getByTestId('asset-tile-open').click();
    await until('viewer', async () => (await viewerId(page)) === photo);
    expect(path(page)).toBe(`/photos/${photo}`);
    await page.getByRole('button', { name: 'Next' }).click();
    const next = (await tiles(page).nth(3).getAttribute('data-asset-id')) ?? '';
    await until('next photo', async () => (await viewerId(page)) === next);
    expect(path(page)).toBe(`/photos/${next}`); // stepping replaces the entry: Back leaves the viewer
    await page.reload();
    await until('viewer after reload', async () => (await viewerId(page)) === next);
    await page.goBack();
    await until('viewer closed', async () => (await page.getByTestId('viewer').count()) === 0);
    expect(path(page)).toBe('/');
    await page.goForward();
    await until('viewer again', async () => (await viewerId(page)) === next);
    await page.getByRole('button', { name: 'Close' }).click();
    await until('viewer closed again', async () => (await page.getByTestId('viewer').count()) === 0);
    expect(path(page)).toBe('/');
  });

  it('keeps the timeline date in the address and restores it on reload and on Back', async () => {
    const { page } = a;
    const height = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
    expect(height).toBeGreaterThan(800);
    await page.mouse.wheel(0, 1200);
    await until('?at= in the address', async () => /^\/\?at=\d{4}-\d\d-\d\d$/.test(path(page)));
    const at = new URL(page.url()).searchParams.get('at');
    await until('top day settles', async () => (await topDay(page)) === at);
    await page.reload();
    await until('same day on top after reload', async () => (await topDay(page)) === at && path(page) === `/?at=${at}`, 30_000);
    await page.getByRole('link', { name: 'Albums' }).click();
    await until('albums', async () => (await routeView(page)) === 'albums');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.goBack();
    await until('same day on top after Back', async () => (await routeView(page)) === 'timeline' && (await topDay(page)) === at);
    await screenshot(page, 'routes-01-timeline-at');
  });

  it('opens deep links on a second device of the same user', async () => {
    const b = await openDevice(browser, server.url);
    await logIn(b.page, owner);
    await b.page.goto(`${server.url}/albums/${album}/photos/${photo}`);
    await until('album under the viewer', async () => (await routeView(b.page)) === 'album' && (await viewerId(b.page)) === photo, 30_000);
    expect(await b.page.getByTestId('album-view').getAttribute('data-album-id')).toBe(album);
    await b.page.goto(`${server.url}/search?q=${encodeURIComponent('Canon')}&kind=image`);
    await until('search view', async () => (await routeView(b.page)) === 'search');
    expect(await b.page.getByTestId('search-input').inputValue()).toBe('Canon');
    await b.context.close();
  });

  it('says "not found" for unknown addresses and for another user’s album or photo', async () => {
    const { page } = a;
    for (const [url, testid] of [['/no/such/page', 'not-found'], ['/albums/no-such-album', 'album-gone'], ['/photos/no-such-photo', 'viewer-not-found'], ['/people/nobody', 'person-view']] as const) {
      await page.goto(`${server.url}${url}`);
      await page.getByTestId(testid).waitFor();
      if (testid !== 'album-gone' && testid !== 'person-view') expect(await page.getByRole('alert').textContent()).toMatch(/not found/i);
    }
    // The owner creates the second account (only an owner may).
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: owner.email, password: owner.password }) });
    const { token } = (await login.json()) as { token: string };
    const signup = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(other) });
    expect(signup.status).toBe(201);
    const c = await openDevice(browser, server.url);
    await logIn(c.page, other);
    await c.page.goto(`${server.url}/albums/${album}`);
    await c.page.getByTestId('album-gone').waitFor();
    await c.page.goto(`${server.url}/photos/${photo}`);
    await c.page.getByTestId('viewer-not-found').waitFor();
    expect(await c.page.getByRole('alert').textContent()).toContain('not shared with you');
    await screenshot(c.page, 'routes-02-no-access');
    await c.context.close();
  });

  it('ignores the #generate= test hook in the production build', async () => {
    const { page } = a;
    await page.goto(`${server.url}/`);
    const before = await page.getByTestId('timeline').first().getAttribute('data-count');
    expect(Number(before)).toBeGreaterThan(12);
    await page.goto(`${server.url}/#generate=500,7`);
    await page.reload(); // the catalog reads the hash when it opens
    await until('catalog loaded from IndexedDB', async () => (await page.getByTestId('timeline').first().getAttribute('data-source')) === 'crdt', 30_000);
    expect(await page.getByTestId('timeline').first().getAttribute('data-count')).toBe(before);
  });

  it('serves the app shell for a deep link with the server down (service worker)', async () => {
    const { page } = a;
    await page.goto(`${server.url}/`);
    await until('service worker controls the page', () => page.evaluate(async () => (await navigator.serviceWorker.ready, navigator.serviceWorker.controller !== null)), 30_000);
    await server.stop();
    try {
      await page.goto(`${server.url}/albums/${album}/photos/${photo}`);
      await until('album and viewer offline', async () => (await routeView(page)) === 'album' && (await viewerId(page)) === photo, 30_000);
      await page.goto(`${server.url}/favorites`);
      await until('favourites offline', async () => (await routeView(page)) === 'favorites');
      await page.goBack();
      await until('Back offline', async () => (await viewerId(page)) === photo);
    } finally {
      await server.start();
    }
    // The relay answers app routes with the shell too (a first visit, no service worker).
    const res = await fetch(`${server.url}/albums/${album}/photos/${photo}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<shoebox-app>');
  });
});
