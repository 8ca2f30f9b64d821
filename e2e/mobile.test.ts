/**
 * The app on a phone and a tablet, in Chromium with mobile emulation (touch events, isMobile):
 * at 390×844, 360×740 and 768×1024 every view's controls — found by role and name — lie inside
 * the viewport (bounding boxes), no control sticks out sideways, the account menu, search and
 * Import are reachable, the selection bar fits, and the viewer fills the screen with the photo
 * centred; swipe left/right steps and swipe down closes. Screenshots at phone, tablet and laptop
 * size go to docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPhotos } from './corpus.js';
import { launchChromium, logIn, openDevice, repoRoot, signUpOwner, startServer, until, type TestServer } from './harness.js';

const owner = { name: 'Mia Mobile', email: 'mia@example.com', password: 'a long enough password' };
const photos = realPhotos({ limit: 10 });
const shots = join(repoRoot, 'docs', 'screenshots');

let server: TestServer;
let browser: Browser;
let album = '';

interface Size {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly phone: boolean;
}
const SIZES: readonly Size[] = [
  { name: 'phone', width: 390, height: 844, phone: true },
  { name: 'phone-small', width: 360, height: 740, phone: true },
  { name: 'tablet', width: 768, height: 1024, phone: false },
];

const path = (page: Page): string => {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
};
const viewerId = (page: Page) => page.getByTestId('viewer').getAttribute('data-asset-id');

/** Fails unless the control is visible and wholly inside the viewport. */
const expectInside = async (page: Page, control: Locator, what: string): Promise<void> => {
  await control.waitFor({ state: 'visible', timeout: 10_000 });
  const box = await control.boundingBox();
  const { width, height } = page.viewportSize()!;
  expect(box, what).not.toBeNull();
  const b = box!;
  expect({ what, left: b.x >= -0.5, top: b.y >= -0.5, right: b.x + b.width <= width + 0.5, bottom: b.y + b.height <= height + 0.5 }).toEqual({ what, left: true, top: true, right: true, bottom: true });
};

/** Every visible button and link lies within the viewport's width (nothing cut off at the side). */
const expectNoneSticksOut = async (page: Page, what: string): Promise<void> => {
  const { width } = page.viewportSize()!;
  const outside = await page.evaluate((w) => {
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (!el.matches('button, a[href], input, select')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        if (r.left < -0.5 || r.right > w + 0.5) found.push(`${el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? el.textContent?.trim()} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    };
    walk(document);
    return found;
  }, width);
  expect(outside, what).toEqual([]);
};

const snap = async (page: Page, name: string): Promise<void> => {
  mkdirSync(shots, { recursive: true });
  await page.waitForTimeout(300); // let thumbnails decode
  await page.screenshot({ path: join(shots, `${name}.png`), scale: 'css' });
};

/** A one-finger swipe through the DevTools protocol (real touch events, as a phone sends). */
const swipe = async (page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
  for (let i = 1; i <= 10; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: from.x + ((to.x - from.x) * i) / 10, y: from.y + ((to.y - from.y) * i) / 10 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
};

const sectionLinks = ['Photos', 'Favourites', 'Albums', 'People', 'Trash'];

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  const laptop = await openDevice(browser, server.url);
  await signUpOwner(laptop.page, owner);
  const page = laptop.page;
  await page.getByTestId('import-input').setInputFiles(photos);
  await until('uploads done', async () => (await page.getByTestId('import-panel').getAttribute('data-finished')) === 'true', 180_000);
  await page.getByTestId('import-panel-close').click();
  await page.getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('button', { name: 'Create album' }).click();
  await page.getByTestId('album-name-input').fill('Summer at the lake');
  await page.getByTestId('album-name-input').press('Enter');
  album = (await page.getByTestId('album-view').getAttribute('data-album-id')) ?? '';
  await page.getByRole('link', { name: 'Photos' }).click();
  await page.getByTestId('timeline').first().getByTestId('asset-tile').first().waitFor();
  await page.waitForTimeout(1500); // thumbnails for the laptop screenshot
  await snap(page, 'laptop-timeline');
  await page.getByTestId('asset-tile-open').first().click();
  await page.getByTestId('viewer-image').waitFor();
  await snap(page, 'laptop-viewer');
  await laptop.context.close();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.each(SIZES)('at $name size ($width×$height, touch)', (size) => {
  let page: Page;

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await context.newPage();
    await page.goto(server.url);
    await logIn(page, owner);
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await page?.context().close();
  });

  it('keeps every section link, search, Import and the account menu on screen', async () => {
    await page.getByTestId('timeline').first().getByTestId('asset-tile').first().waitFor();
    for (const name of sectionLinks) await expectInside(page, page.getByRole('link', { name }), `link ${name}`);
    await expectInside(page, page.getByRole('button', { name: 'Import' }), 'Import');
    await expectInside(page, page.getByRole('button', { name: 'Account' }), 'Account');
    if (size.phone) {
      expect(await page.getByTestId('bottom-nav').isVisible()).toBe(true);
      await expectInside(page, page.getByRole('button', { name: 'Search', exact: true }), 'Search icon');
    } else {
      await expectInside(page, page.getByRole('searchbox', { name: 'Search photos' }), 'search field');
    }
    await expectNoneSticksOut(page, 'timeline');
    await page.waitForTimeout(1000);
    await snap(page, `${size.name}-timeline`);
    await page.getByRole('button', { name: 'Account' }).tap();
    await expectInside(page, page.getByRole('menuitem', { name: 'Log out' }), 'Log out');
    await page.getByRole('button', { name: 'Account' }).tap();
  });

  it('searches from the compact bar', async () => {
    if (size.phone) await page.getByRole('button', { name: 'Search', exact: true }).tap();
    const field = page.getByRole('searchbox', { name: 'Search photos' });
    await expectInside(page, field, 'search field');
    if (size.phone) await snap(page, `${size.name}-search-open`);
    await field.fill('Canon');
    await field.press('Enter');
    await until('search view', async () => path(page).startsWith('/search?q=Canon'));
    await page.getByTestId('search-view').waitFor();
    await expectNoneSticksOut(page, 'search');
  });

  it('shows albums, an album, people, favourites and trash within the screen', async () => {
    for (const [name, view] of [['Albums', 'albums'], ['People', 'people'], ['Favourites', 'favorites'], ['Trash', 'trash']] as const) {
      await page.getByRole('link', { name }).tap();
      await until(`${name} shows`, async () => (await page.getByTestId('library').getAttribute('data-route')) === view);
      await expectNoneSticksOut(page, name);
      if (name === 'Albums') await snap(page, `${size.name}-albums`);
    }
    await page.goto(`${server.url}/albums/${album}`);
    await page.getByTestId('album-view').waitFor();
    await expectInside(page, page.getByRole('textbox', { name: 'Album name' }), 'album name');
    await expectNoneSticksOut(page, 'album');
    await page.getByRole('link', { name: 'Photos' }).tap();
    await until('timeline', async () => (await page.getByTestId('library').getAttribute('data-route')) === 'timeline');
  });

  it('fits the selection bar', async () => {
    const tiles = page.getByTestId('timeline').first().getByTestId('asset-tile');
    await tiles.first().waitFor();
    await tiles.nth(0).getByTestId('tile-select').tap();
    const bar = page.getByTestId('selection-bar');
    await bar.waitFor();
    for (const name of ['Clear selection', 'Add to album', 'Favourite', 'Move to trash']) await expectInside(page, bar.getByRole('button', { name, exact: true }), `selection ${name}`);
    await expectNoneSticksOut(page, 'selection bar');
    await snap(page, `${size.name}-selection`);
    await page.getByTestId('selection-clear').tap();
    await bar.waitFor({ state: 'detached' });
  });

  it('fills the screen with the photo centred; swipe steps and closes', async () => {
    const tiles = page.getByTestId('timeline').first().getByTestId('asset-tile');
    const first = (await tiles.nth(1).getAttribute('data-asset-id')) ?? '';
    const second = (await tiles.nth(2).getAttribute('data-asset-id')) ?? '';
    await tiles.nth(1).getByTestId('asset-tile-open').tap();
    await until('viewer', async () => (await viewerId(page)) === first);
    const image = page.getByTestId('viewer-image');
    await image.waitFor();
    await until('photo decoded', () => image.evaluate((img) => (img as HTMLImageElement).naturalWidth > 0));
    const box = (await image.boundingBox())!;
    const { width, height } = page.viewportSize()!;
    expect(Math.abs(box.x + box.width / 2 - width / 2)).toBeLessThan(2);
    // Centred in the area the info panel leaves (the panel starts closed on a phone and tablet).
    expect(Math.abs(box.y + box.height / 2 - height / 2)).toBeLessThan(2);
    expect(box.width >= width - 1 || box.height >= height - 1).toBe(true);
    const viewer = page.locator('sbx-asset-viewer');
    for (const name of ['Close', 'Favourite', 'Add to album', 'Move to trash', 'Info', 'Previous', 'Next']) await expectInside(page, viewer.getByRole('button', { name, exact: true }), `viewer ${name}`);
    await snap(page, `${size.name}-viewer`);
    await viewer.getByRole('button', { name: 'Info', exact: true }).tap();
    await expectInside(page, page.getByTestId('viewer-info'), 'info panel');
    await snap(page, `${size.name}-viewer-info`);
    await viewer.getByRole('button', { name: 'Info', exact: true }).tap();
    const mid = { x: width / 2, y: height / 2 };
    await swipe(page, mid, { x: mid.x - width * 0.4, y: mid.y });
    await until('swipe left shows the next photo', async () => (await viewerId(page)) === second);
    expect(path(page)).toBe(`/photos/${second}`);
    await swipe(page, mid, { x: mid.x + width * 0.4, y: mid.y });
    await until('swipe right shows the previous photo', async () => (await viewerId(page)) === first);
    await swipe(page, { x: mid.x, y: height * 0.3 }, { x: mid.x, y: height * 0.75 });
    await until('swipe down closes', async () => (await page.getByTestId('viewer').count()) === 0);
    expect(path(page)).toBe('/');
  });
});
