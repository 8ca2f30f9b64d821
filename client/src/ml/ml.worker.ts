/**
 * The ML worker: onnxruntime-web with the WebGPU execution provider when the browser gives an
 * adapter, WASM (SIMD; threads only when the page is cross-origin isolated) otherwise; the face
 * pack fetched from the server's /models/, cached in Cache Storage and hash-checked on load.
 *
 *   const ml = wrap<MlWorkerApi>(new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' }));
 *   await ml.init({ provider: 'auto', packsBase: '/models/' }); const { faces } = await ml.analyzeFaces(blob);
 */
import { expose } from 'comlink';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../../models/src/faces/face-analyzer.js';
import { cachedPackSource } from '../../../models/src/packs/cached-pack-source.js';
import { fetchPackSource } from '../../../models/src/packs/pack-files.js';
import { createOrtRuntime, hasWebGpuAdapter } from '../../../models/src/runtime/ort-runtime.js';
import type { MlStatus, MlWorkerApi } from './ml-api.js';

let faces: FaceAnalyzer | undefined;

const decode = async (image: Blob): Promise<{ width: number; height: number; channels: 4; data: Uint8ClampedArray }> => {
  const bitmap = await createImageBitmap(image);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context in this worker');
    context.drawImage(bitmap, 0, 0);
    return { width: bitmap.width, height: bitmap.height, channels: 4, data: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
  } finally {
    bitmap.close();
  }
};

const api: MlWorkerApi = {
  async init({ provider, packsBase, threads }): Promise<MlStatus> {
    const started = performance.now();
    await faces?.release();
    faces = undefined;
    const runtime = await createOrtRuntime({ provider, threads: threads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1) });
    const base = new URL(packsBase, self.location.href);
    faces = await createFaceAnalyzer(cachedPackSource(fetchPackSource(new URL('face-api/', base).href)), runtime);
    return { provider: runtime.provider, threads: runtime.threads, webgpuAdapter: await hasWebGpuAdapter(), crossOriginIsolated: self.crossOriginIsolated, facePack: faces.id, loadMs: performance.now() - started };
  },
  async analyzeFaces(image) {
    if (faces === undefined) throw new Error('call init() first');
    const pixels = await decode(image);
    const started = performance.now();
    const found = await faces.analyze(pixels);
    return {
      ms: performance.now() - started,
      width: pixels.width,
      height: pixels.height,
      faces: found.map((f) => ({ score: f.detection.score, box: f.detection.box, descriptor: Array.from(f.descriptor) })),
    };
  },
};

expose(api);
