/**
 * What the ML worker offers over comlink (types only, so pages import no worker code).
 *
 *   const ml = wrap<MlWorkerApi>(new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' }));
 *   const status = await ml.init({ provider: 'auto', packsBase: '/models/' });
 */
export type MlProvider = 'auto' | 'wasm' | 'webgpu';

export type MlStatus = {
  readonly provider: 'wasm' | 'webgpu';
  readonly threads: number;
  readonly webgpuAdapter: boolean;
  readonly crossOriginIsolated: boolean;
  readonly facePack: string;
  readonly loadMs: number;
};

export type WorkerFace = {
  readonly score: number;
  /** Relative to the image (0..1). */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly descriptor: number[];
};

export type MlWorkerApi = {
  init(options: { provider: MlProvider; packsBase: string; threads?: number }): Promise<MlStatus>;
  /** Decodes an encoded image (JPEG, PNG, WebP…) and finds, aligns and embeds its faces. */
  analyzeFaces(image: Blob): Promise<{ faces: WorkerFace[]; ms: number; width: number; height: number }>;
};
