/**
 * On-device ML in Chromium, through the real ML worker on /ml.html (cross-origin isolated, so
 * WASM may use threads): the face pipeline per photo on WASM with 2 threads and with 1, and on
 * WebGPU (SwiftShader where there is no GPU); then a ViT-B/32-architecture CLIP pack with random
 * weights, generated into a temporary models folder the server hosts, encoding photos on WASM.
 * Needs a built client (`vite build`). Prints one JSON line.
 *
 *   npx vite build --logLevel warn && npx tsx bench/ml-chromium.ts
 *   SHOEBOX_BENCH_ML_SKIP=webgpu,vit npx tsx bench/ml-chromium.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dataRoot, launchChromium, openDevice, startServer, type TestServer } from '../e2e/harness.js';
import { VIT_B_32 } from '../models/src/clip/generate/clip-graphs.js';
import { writeGeneratedClipPack } from '../models/src/clip/generate/clip-pack-writer.js';

type Run = { faces: unknown[]; ms: number };
type Status = { provider: string; threads: number; crossOriginIsolated: boolean; loadMs: number };
type Ml = {
  init(p: string, o?: { threads?: number; clipPack?: string }): Promise<Status>;
  analyzeFaces(b: Blob): Promise<Run>;
  encodeImage(b: Blob): Promise<{ ms: number; dimensions: number }>;
};

const skip = new Set((process.env.SHOEBOX_BENCH_ML_SKIP ?? '').split(',').filter(Boolean));
const photo = (name: string): string => readFileSync(join(dataRoot, 'faces', name)).toString('base64');

const call = <T>(page: Page, method: 'analyzeFaces' | 'encodeImage', name: string): Promise<T> =>
  page.evaluate(
    async ([m, b64]) => {
      const bytes = Uint8Array.from(atob(b64 as string), (c) => c.charCodeAt(0));
      const ml = (window as unknown as { shoeboxMl: Ml }).shoeboxMl;
      return (m === 'analyzeFaces' ? ml.analyzeFaces : ml.encodeImage)(new Blob([bytes], { type: 'image/jpeg' })) as Promise<unknown>;
    },
    [method, photo(name)] as const,
  ) as Promise<T>;

const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { runs: ms.length, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] as number), meanMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length), minMs: Math.round(sorted[0] as number) };
};

/** One fresh page (one worker: onnxruntime fixes its thread count at start) per configuration. */
const measure = async (browser: Browser, server: TestServer, provider: 'wasm' | 'webgpu', init: { threads?: number; clipPack?: string }, method: 'analyzeFaces' | 'encodeImage', photos: readonly string[], rounds: number) => {
  const device = await openDevice(browser, `${server.url}/ml.html`);
  try {
    const status = await device.page.evaluate(([p, o]) => (window as unknown as { shoeboxMl: Ml }).shoeboxMl.init(p as string, o as object), [provider, init] as const);
    const warm = await call<{ ms: number }>(device.page, method, photos[0] as string);
    const ms: number[] = [];
    for (let r = 0; r < rounds; r++) for (const name of photos) ms.push((await call<{ ms: number }>(device.page, method, name)).ms);
    return { status, firstRunMs: Math.round(warm.ms), photos, ...summary(ms) };
  } finally {
    await device.context.close();
  }
};

const FACE_PHOTOS = ['bbt1.jpg', 'bbt3.jpg', 'bbt5.jpg', 'happy.jpg', 'angry.jpg', 'neutral.jpg'];
const result: Record<string, unknown> = {};
const server = await startServer();
const browser = await launchChromium();
try {
  result.wasm2Threads = await measure(browser, server, 'wasm', { threads: 2 }, 'analyzeFaces', FACE_PHOTOS, 2);
  result.wasm1Thread = await measure(browser, server, 'wasm', { threads: 1 }, 'analyzeFaces', FACE_PHOTOS, 2);
  if (!skip.has('webgpu')) result.webgpu = await measure(browser, server, 'webgpu', {}, 'analyzeFaces', ['happy.jpg'], 1);
} finally {
  await browser.close();
  await server.stop();
}

if (!skip.has('vit')) {
  // A second server whose models folder holds the generated ViT-B/32 pack (≈ 600 MB, both towers).
  const models = mkdtempSync(join(tmpdir(), 'shoebox-vit-'));
  const started = performance.now();
  await writeGeneratedClipPack({ outDir: join(models, 'vit-b-32-random'), id: 'vit-b-32-random', spec: VIT_B_32 });
  const generateMs = Math.round(performance.now() - started);
  const vitServer = await startServer({ env: { SHOEBOX_MODELS_DIR: models } });
  const vitBrowser = await launchChromium();
  try {
    for (const threads of [2, 1]) {
      const run = await measure(vitBrowser, vitServer, 'wasm', { threads, clipPack: 'vit-b-32-random' }, 'encodeImage', ['bbt1.jpg', 'happy.jpg', 'angry.jpg', 'neutral.jpg'], 2);
      result[`vitB32Wasm${threads}Thread${threads > 1 ? 's' : ''}`] = { model: 'ViT-B/32 architecture, random weights, fp32 (visual ≈ 351 MB)', generateMs, includes: 'open_clip preprocessing + inference in the worker (image decode excluded)', ...run };
    }
  } catch (error) {
    result.vitB32 = { error: String(error) };
  } finally {
    await vitBrowser.close();
    await vitServer.stop();
    rmSync(models, { recursive: true, force: true });
  }
}
console.log(`RESULT ${JSON.stringify(result)}`);
