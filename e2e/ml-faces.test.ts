/**
 * On-device ML in Chromium: /ml.html starts the ML worker (comlink + onnxruntime-web), which
 * fetches the face pack the server hosts under /models/, checks its hashes, and runs the face
 * pipeline on real photos — once on WASM and once on WebGPU (SwiftShader here). Both paths must
 * find the same faces with the same descriptors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dataRoot, launchChromium, openDevice, screenshot, startServer, type TestServer } from './harness.js';

type Face = { score: number; box: { x: number; y: number; width: number; height: number }; descriptor: number[] };
type Status = { provider: string; threads: number; webgpuAdapter: boolean; facePack: string; loadMs: number };
type Run = { faces: Face[]; ms: number; width: number; height: number };

// SwiftShader emulates the GPU on the CPU (a group photo takes a minute there), so the GPU path
// gets a one-face photo and the WASM path a group photo as well.
const PHOTOS = { wasm: ['fearful.jpg', 'bbt1.jpg'], webgpu: ['fearful.jpg'] } as const;
let server: TestServer;
let browser: Browser;

const runOn = async (page: Page, provider: 'wasm' | 'webgpu'): Promise<{ status: Status; runs: Run[] }> => {
  const status = await page.evaluate(async (p) => (window as unknown as { shoeboxMl: { init(p: string): Promise<Status> } }).shoeboxMl.init(p), provider);
  const runs: Run[] = [];
  for (const photo of PHOTOS[provider]) {
    const base64 = readFileSync(join(dataRoot, 'faces', photo)).toString('base64');
    runs.push(
      await page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const api = (window as unknown as { shoeboxMl: { analyzeFaces(b: Blob): Promise<Run> } }).shoeboxMl;
        return api.analyzeFaces(new Blob([bytes], { type: 'image/jpeg' }));
      }, base64),
    );
  }
  return { status, runs };
};

const cosineDistance = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * (b[i] as number);
    na += x * x;
    nb += (b[i] as number) ** 2;
  });
  return 1 - dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('ML worker in Chromium', () => {
  it('serves the face pack with its manifest', async () => {
    const manifest = (await (await fetch(`${server.url}/models/face-api/manifest.json`)).json()) as { id: string; files: { path: string; bytes: number }[] };
    expect(manifest.id).toBe('face-api');
    const head = await fetch(`${server.url}/models/face-api/${manifest.files[0]?.path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('runs the face pipeline on WASM and on WebGPU (SwiftShader) with the same results', async () => {
    const device = await openDevice(browser, `${server.url}/ml.html`);
    const gpu = await device.page.evaluate(async () => {
      const adapter = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter();
      return adapter !== null && adapter !== undefined;
    });
    expect(gpu).toBe(true);

    const wasm = await runOn(device.page, 'wasm');
    const webgpu = await runOn(device.page, 'webgpu');
    await screenshot(device.page, 'ml-webgpu');
    console.log(`ml e2e: wasm ${JSON.stringify(wasm.status)} ${wasm.runs.map((r) => `${r.faces.length} faces ${r.ms.toFixed(0)} ms`).join(', ')}`);
    console.log(`ml e2e: webgpu ${JSON.stringify(webgpu.status)} ${webgpu.runs.map((r) => `${r.faces.length} faces ${r.ms.toFixed(0)} ms`).join(', ')}`);
    expect(wasm.status).toMatchObject({ provider: 'wasm', facePack: 'face-api', webgpuAdapter: true });
    expect(webgpu.status).toMatchObject({ provider: 'webgpu', facePack: 'face-api' });

    expect(wasm.runs[1]?.faces.length).toBe(4);
    for (const [i, other] of webgpu.runs.entries()) {
      const run = wasm.runs[i] as Run;
      expect(run.faces.length).toBe(1);
      expect(other.faces.length).toBe(run.faces.length);
      run.faces.forEach((face, k) => {
        const twin = other.faces[k] as Face;
        expect(face.descriptor).toHaveLength(128);
        expect(Math.abs(face.score - twin.score)).toBeLessThan(1e-2);
        expect(Math.abs(face.box.x - twin.box.x)).toBeLessThan(1e-2);
        expect(cosineDistance(face.descriptor, twin.descriptor)).toBeLessThan(1e-3);
      });
    }
    // Different people in one photo stay apart on both paths (the pipeline is not degenerate).
    const [first, second] = wasm.runs[1]?.faces ?? [];
    expect(cosineDistance((first as Face).descriptor, (second as Face).descriptor)).toBeGreaterThan(0.07);
    expect(device.errors, device.errors.join('\n')).toEqual([]);
    await device.context.close();
  });
});
