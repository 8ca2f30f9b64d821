/**
 * The ML worker: onnxruntime-web with the WebGPU execution provider when the browser gives an
 * adapter, WASM (SIMD; threads only when the page is cross-origin isolated) otherwise; the face
 * pack (and a CLIP pack and the text pack when named) fetched from the server's /models/, cached in Cache
 * Storage and hash-checked on load.
 *
 *   const ml = wrap<MlWorkerApi>(new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' }));
 *   await ml.init({ provider: 'auto', packsBase: '/models/' }); const { faces } = await ml.analyzeFaces(blob);
 */
import { expose, transfer } from 'comlink';
import { createClipEncoder, type ClipEncoder } from '../../../models/src/clip/clip-encoder.js';
import { loadClipPack } from '../../../models/src/clip/clip-pack.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../../models/src/faces/face-analyzer.js';
import { createTextReader, type TextReader } from '../../../models/src/ocr/text-reader.js';
import { cachedPackSource } from '../../../models/src/packs/cached-pack-source.js';
import { fetchPackSource } from '../../../models/src/packs/pack-files.js';
import { createOrtRuntime, hasWebGpuAdapter } from '../../../models/src/runtime/ort-runtime.js';
import type { MlStatus, MlWorkerApi } from './ml-api.js';

let faces: FaceAnalyzer | undefined;
let clip: ClipEncoder | undefined;
let text: TextReader | undefined;

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
  async init({ provider, packsBase, threads, clipPack, textPack }): Promise<MlStatus> {
    const started = performance.now();
    await Promise.all([faces?.release(), clip?.release(), text?.release()]);
    faces = undefined;
    clip = undefined;
    text = undefined;
    const runtime = await createOrtRuntime({ provider, threads: threads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1) });
    const base = new URL(packsBase, self.location.href);
    const source = (id: string) => cachedPackSource(fetchPackSource(new URL(`${encodeURIComponent(id)}/`, base).href));
    faces = await createFaceAnalyzer(source('face-api'), runtime);
    if (clipPack !== undefined) clip = await createClipEncoder(await loadClipPack(source(clipPack)), runtime);
    if (textPack !== undefined) text = await createTextReader(source(textPack), runtime);
    return {
      provider: runtime.provider,
      threads: runtime.threads,
      webgpuAdapter: await hasWebGpuAdapter(),
      crossOriginIsolated: self.crossOriginIsolated,
      facePack: faces.id,
      clipPack: clip?.id ?? null,
      clipDimensions: clip?.dimensions ?? 0,
      textPack: text?.id ?? null,
      loadMs: performance.now() - started,
    };
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
      faces: found.map((f) => ({ score: f.detection.score, box: f.detection.box, descriptor: Array.from(f.descriptor), landmarks: Array.from(f.landmarks) })),
    };
  },
  async readText(image) {
    if (text === undefined) throw new Error('no text pack is loaded');
    const pixels = await decode(image);
    const started = performance.now();
    const { lines } = await text.read(pixels);
    return { ms: performance.now() - started, width: pixels.width, height: pixels.height, lines: lines.map((l) => ({ text: l.text, score: l.score, box: l.box.flat() })) };
  },
  async encodeImage(image) {
    if (clip === undefined) throw new Error('no CLIP pack is loaded');
    const pixels = await decode(image);
    const started = performance.now();
    const [embedding] = await clip.encodeImages([pixels]);
    const result = { embedding: embedding as Float32Array, ms: performance.now() - started };
    return transfer(result, [result.embedding.buffer]);
  },
  async encodeText(text) {
    if (clip === undefined) throw new Error('no CLIP pack is loaded');
    const embedding = await clip.encodeText(text);
    return transfer(embedding, [embedding.buffer]);
  },
};

expose(api);
