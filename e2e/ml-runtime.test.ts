/**
 * The ML runtime's environment in Chromium: the server's pages are cross-origin isolated (COOP +
 * COEP), so the ML worker runs onnxruntime-web's WASM on 2 threads; the face pack is cached in
 * the Origin Private File System, read from there on the next start (no download), and a cached
 * file corrupted on disk is detected by its sha256, evicted and downloaded again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dataRoot, launchChromium, openDevice, startServer, type TestServer } from './harness.js';

type Status = { provider: string; threads: number; crossOriginIsolated: boolean; facePack: string };
type Run = { faces: { descriptor: number[] }[]; ms: number };
type CachedFile = { path: string; bytes: number; sha256: string };

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const init = (page: Page): Promise<Status> => page.evaluate(() => (window as unknown as { shoeboxMl: { init(p: string): Promise<Status> } }).shoeboxMl.init('wasm'));

const analyze = (page: Page, photo: string): Promise<Run> =>
  page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return (window as unknown as { shoeboxMl: { analyzeFaces(b: Blob): Promise<Run> } }).shoeboxMl.analyzeFaces(new Blob([bytes], { type: 'image/jpeg' }));
  }, readFileSync(join(dataRoot, 'faces', photo)).toString('base64'));

/** Every file under the OPFS folder `ml-models-v1`, with its size and sha256, read with the raw browser API. */
const opfsFiles = (page: Page): Promise<CachedFile[]> =>
  page.evaluate(async () => {
    type Dir = { entries(): AsyncIterable<[string, { kind: string }]>; getDirectoryHandle(n: string): Promise<Dir>; getFileHandle(n: string): Promise<{ getFile(): Promise<File> }> };
    const root = (await (navigator.storage as unknown as { getDirectory(): Promise<Dir> }).getDirectory()).getDirectoryHandle('ml-models-v1');
    const found: CachedFile[] = [];
    const walk = async (dir: Dir, prefix: string): Promise<void> => {
      for await (const [name, entry] of dir.entries()) {
        if (entry.kind === 'directory') await walk(await dir.getDirectoryHandle(name), `${prefix}${name}/`);
        else {
          const bytes = await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer();
          const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
          found.push({ path: `${prefix}${name}`, bytes: bytes.byteLength, sha256: digest });
        }
      }
    };
    await walk(await root, '');
    return found.sort((a, b) => a.path.localeCompare(b.path));
  });

/** Flips bytes in the middle of the cached file `path` (same size, so only the hash can tell). */
const corrupt = (page: Page, path: string): Promise<void> =>
  page.evaluate(async (parts) => {
    type Dir = { getDirectoryHandle(n: string): Promise<Dir>; getFileHandle(n: string): Promise<{ getFile(): Promise<File>; createWritable(o: object): Promise<{ write(o: object): Promise<void>; close(): Promise<void> }> }> };
    let dir = await (await (navigator.storage as unknown as { getDirectory(): Promise<Dir> }).getDirectory()).getDirectoryHandle('ml-models-v1');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    const handle = await dir.getFileHandle(parts.at(-1) as string);
    const size = (await handle.getFile()).size;
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.write({ type: 'write', position: Math.floor(size / 2), data: new Uint8Array(64).fill(0x5a) });
    await writable.close();
  }, path.split('/'));

describe('ML runtime in Chromium', () => {
  it('serves cross-origin isolated pages, so the worker runs WASM on 2 threads', async () => {
    const page = await fetch(`${server.url}/ml.html`);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const device = await openDevice(browser, `${server.url}/ml.html`);
    expect(await device.page.evaluate(() => crossOriginIsolated)).toBe(true);
    const status = await init(device.page);
    expect(status).toMatchObject({ provider: 'wasm', crossOriginIsolated: true, threads: 2, facePack: 'face-api' });
    const run = await analyze(device.page, 'bbt1.jpg');
    expect(run.faces).toHaveLength(4);
    console.log(`ml runtime e2e: ${JSON.stringify(status)}; bbt1.jpg ${run.faces.length} faces in ${Math.round(run.ms)} ms`);
    expect(device.errors, device.errors.join('\n')).toEqual([]);
    await device.context.close();
  });

  it('caches the pack in OPFS, reads it from there, and heals a corrupted cached file', async () => {
    const manifest = (await (await fetch(`${server.url}/models/face-api/manifest.json`)).json()) as { files: CachedFile[]; detectors?: { file: string }[] };
    // Opt-in detector sizes are fetched on first use only, so a default start leaves them out.
    const optional = new Set((manifest.detectors ?? []).map((d) => d.file));
    const device = await openDevice(browser, `${server.url}/ml.html`);
    const downloads: string[] = [];
    device.page.on('request', (request) => {
      if (request.url().includes('/models/face-api/') && !request.url().endsWith('manifest.json')) downloads.push(new URL(request.url()).pathname);
    });
    await init(device.page);
    expect(downloads.length).toBe(3);
    const cached = await opfsFiles(device.page);
    // One folder per pack origin; every model file a default start loads is there byte for byte.
    for (const file of manifest.files.filter((f) => f.path.endsWith('.onnx') && !optional.has(f.path))) {
      const hit = cached.find((c) => c.path.endsWith(`/${file.path}`));
      expect(hit, `${file.path} in ${cached.map((c) => c.path).join(', ')}`).toMatchObject({ bytes: file.bytes, sha256: file.sha256 });
    }

    downloads.length = 0;
    await init(device.page);
    expect(downloads, 'a second start reads the cache').toEqual([]);

    const victim = cached.find((c) => c.path.endsWith('/recognition/model.onnx')) as CachedFile;
    await corrupt(device.page, victim.path);
    expect((await opfsFiles(device.page)).find((c) => c.path === victim.path)?.sha256).not.toBe(victim.sha256);
    const status = await init(device.page);
    expect(status.facePack).toBe('face-api');
    expect(downloads).toEqual(['/models/face-api/recognition/model.onnx']);
    expect((await opfsFiles(device.page)).find((c) => c.path === victim.path)).toEqual(victim);
    expect((await analyze(device.page, 'fearful.jpg')).faces).toHaveLength(1);
    expect(device.errors, device.errors.join('\n')).toEqual([]);
    await device.context.close();
  });
});
