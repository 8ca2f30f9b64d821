/**
 * /ml.html: a diagnostics page for on-device ML. It starts the ML worker on the provider named
 * in `?provider=` (auto, wasm or webgpu), shows what it got, and exposes `window.shoeboxMl` so
 * the e2e tests (and curious users) can run the face pipeline on an image of their own.
 *
 *   await window.shoeboxMl.init('webgpu');                 // → { provider: 'webgpu', … }
 *   await window.shoeboxMl.analyzeFaces(await (await fetch(url)).blob());
 *   await window.shoeboxMl.init('wasm', { textPack: 'PP-OCRv4_mobile' }); await window.shoeboxMl.readText(blob);
 */
import { wrap } from 'comlink';
import type { MlProvider, MlStatus, MlWorkerApi } from './ml-api.js';

const worker = wrap<MlWorkerApi>(new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' }));
const out = document.querySelector('#status') as HTMLElement;
const show = (value: unknown): void => {
  out.textContent = JSON.stringify(value, null, 2);
};

const shoeboxMl = {
  /** `threads` overrides the worker's choice (all cores when isolated); `clipPack` loads CLIP too, `textPack` the OCR pack. */
  init: async (provider: MlProvider, options: { threads?: number; clipPack?: string; textPack?: string } = {}): Promise<MlStatus> => {
    show({ loading: provider });
    const status = await worker.init({ provider, packsBase: '/models/', ...options });
    show(status);
    return status;
  },
  analyzeFaces: async (image: Blob) => {
    const result = await worker.analyzeFaces(image);
    show({ faces: result.faces.length, ms: Math.round(result.ms), size: `${result.width}×${result.height}` });
    return result;
  },
  readText: async (image: Blob) => {
    const result = await worker.readText(image);
    show({ lines: result.lines.map((l) => l.text), ms: Math.round(result.ms), size: `${result.width}×${result.height}` });
    return result;
  },
  encodeImage: async (image: Blob) => {
    const { embedding, ms } = await worker.encodeImage(image);
    show({ clipDimensions: embedding.length, ms: Math.round(ms) });
    return { dimensions: embedding.length, ms };
  },
};
(window as unknown as { shoeboxMl: typeof shoeboxMl }).shoeboxMl = shoeboxMl;

const requested = new URLSearchParams(location.search).get('provider');
if (requested === 'auto' || requested === 'wasm' || requested === 'webgpu') {
  shoeboxMl.init(requested).catch((error: unknown) => show({ error: String(error) }));
}
