/**
 * The face pipeline's per-photo time in Chromium, through the real ML worker on /ml.html: WASM
 * (one thread: the page is not cross-origin isolated) and WebGPU (SwiftShader where there is no
 * GPU). Needs a built client (`vite build`). Prints one JSON line.
 *
 *   npx vite build --logLevel warn && npx tsx bench/ml-chromium.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dataRoot, launchChromium, openDevice, startServer } from '../e2e/harness.js';

type Run = { faces: unknown[]; ms: number };
type Status = { provider: string; threads: number; loadMs: number };

const analyze = (page: Page, photo: string): Promise<Run> =>
  page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return (window as unknown as { shoeboxMl: { analyzeFaces(b: Blob): Promise<Run> } }).shoeboxMl.analyzeFaces(new Blob([bytes], { type: 'image/jpeg' }));
  }, readFileSync(join(dataRoot, 'faces', photo)).toString('base64'));

const server = await startServer();
const browser = await launchChromium();
const result: Record<string, unknown> = {};
try {
  const device = await openDevice(browser, `${server.url}/ml.html`);
  for (const [provider, photos, rounds] of [['wasm', ['bbt1.jpg', 'bbt3.jpg', 'bbt5.jpg', 'happy.jpg'], 2], ['webgpu', ['happy.jpg', 'bbt5.jpg'], 1]] as const) {
    const status = await device.page.evaluate(async (p) => (window as unknown as { shoeboxMl: { init(p: string): Promise<Status> } }).shoeboxMl.init(p), provider);
    const warm = await analyze(device.page, photos[0]);
    const ms: number[] = [];
    for (let r = 0; r < rounds; r++) for (const photo of photos) ms.push((await analyze(device.page, photo)).ms);
    const sorted = [...ms].sort((a, b) => a - b);
    result[provider] = { status, firstRunMs: Math.round(warm.ms), photos, runs: ms.length, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] as number), meanMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) };
  }
  await device.context.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(`RESULT ${JSON.stringify(result)}`);
