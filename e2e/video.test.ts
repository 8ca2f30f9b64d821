/**
 * A video travels like a photo: imported in Chromium with its duration read locally, uploaded,
 * and shown with the server's poster-frame thumbnail; the viewer plays the original.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, openDevice, screenshot, startServer, type TestServer } from './harness.js';

let server: TestServer;
let browser: Browser;
let video: string;

beforeAll(async () => {
  video = join(mkdtempSync(join(tmpdir(), 'shoebox-video-')), 'clip.mp4');
  // 3 s of ffmpeg's test pattern with a tone: H.264/AAC, as a phone would record.
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=duration=3',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', video]);
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('imports a video: duration badge, server poster thumbnail, playable in the viewer', async () => {
  const { page } = await openDevice(browser, server.url);
  await page.getByTestId('signup-name').fill('Vera');
  await page.getByTestId('signup-email').fill('vera@example.com');
  await page.getByTestId('signup-password').fill('video person password');
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('empty-state').waitFor();

  await page.getByTestId('import-input').setInputFiles([video]);
  const tile = page.getByTestId('asset-tile');
  await tile.waitFor();
  expect(await tile.getByTestId('duration-badge').textContent()).toMatch(/0:03/);
  await page.locator('[data-testid="import-panel"][data-finished="true"]').waitFor({ timeout: 60_000 });

  const hash = await tile.getAttribute('data-asset-id');
  const thumb = await page.evaluate(async (h) => {
    const res = await fetch(`/api/blobs/${h}/thumbnail`);
    const bitmap = await createImageBitmap(await res.blob());
    return { status: res.status, type: res.headers.get('content-type'), width: bitmap.width, height: bitmap.height };
  }, hash);
  expect(thumb).toMatchObject({ status: 200, type: 'image/webp', height: 250 });
  expect(thumb.width).toBe(444); // 640×360 scaled to a 250 px short side

  await tile.getByTestId('asset-tile-open').click();
  const player = page.getByTestId('viewer-video');
  await player.waitFor();
  await page.waitForFunction(() => {
    const find = (root: Document | ShadowRoot): HTMLVideoElement | null => {
      const direct = root.querySelector<HTMLVideoElement>('[data-testid="viewer-video"]');
      if (direct) return direct;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { const v = find(el.shadowRoot); if (v) return v; }
      return null;
    };
    const v = find(document);
    return v !== null && v.currentSrc.endsWith('/video') && v.readyState >= 2 && Math.abs(v.duration - 3) < 0.2;
  });
  await screenshot(page, '08-video-viewer');
});
