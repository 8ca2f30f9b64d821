/**
 * What the ML worker offers over comlink (types only, so pages import no worker code).
 *
 *   const ml = wrap<MlWorkerApi>(new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' }));
 *   const status = await ml.init({ provider: 'auto', packsBase: '/models/', clipPack: 'ViT-B-32__openai' });
 */
export type MlProvider = 'auto' | 'wasm' | 'webgpu';

export type MlStatus = {
  readonly provider: 'wasm' | 'webgpu';
  readonly threads: number;
  readonly webgpuAdapter: boolean;
  readonly crossOriginIsolated: boolean;
  readonly facePack: string;
  /** The CLIP pack loaded for smart search, or null when none was asked for. */
  readonly clipPack: string | null;
  readonly clipDimensions: number;
  /** The text (OCR) pack loaded, or null when none was asked for. */
  readonly textPack: string | null;
  readonly loadMs: number;
};

export type WorkerTextLine = {
  readonly text: string;
  readonly score: number;
  /** Corners top-left, top-right, bottom-right, bottom-left: (x, y) pairs relative to the image. */
  readonly box: number[];
};

export type WorkerFace = {
  readonly score: number;
  /** Relative to the image (0..1). */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly descriptor: number[];
  /** 68 (x, y) pairs relative to the image. */
  readonly landmarks: number[];
};

export type MlWorkerApi = {
  /** `clipPack`: the id of an installed CLIP pack to load beside the face pack. */
  init(options: { provider: MlProvider; packsBase: string; threads?: number; clipPack?: string; textPack?: string }): Promise<MlStatus>;
  /** Decodes an encoded image (JPEG, PNG, WebP…) and finds, aligns and embeds its faces. */
  analyzeFaces(image: Blob): Promise<{ faces: WorkerFace[]; ms: number; width: number; height: number }>;
  /** Decodes an encoded image and reads the text in it (PaddleOCR detection + recognition). Needs a text pack. */
  readText(image: Blob): Promise<{ lines: WorkerTextLine[]; ms: number; width: number; height: number }>;
  /** The L2-normalised CLIP embedding of an encoded image (open_clip preprocessing). Needs a CLIP pack. */
  encodeImage(image: Blob): Promise<{ embedding: Float32Array; ms: number }>;
  /** The L2-normalised CLIP embedding of a text query. Needs a CLIP pack. */
  encodeText(text: string): Promise<Float32Array>;
};
