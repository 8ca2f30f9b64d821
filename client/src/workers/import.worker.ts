/**
 * Import worker: per file, a streaming SHA-256 (one chunk in memory at a time, so a 2 GB
 * video is fine), EXIF via exifr, and a ~250 px WebP thumbnail via createImageBitmap +
 * OffscreenCanvas. Exposed with comlink; `analyze` never throws for undecodable images.
 *
 *   const api = wrap<ImportWorkerApi>(new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' }));
 *   const result = await api.analyze(file, true, proxy((bytes) => progress(bytes)));
 */
import { expose } from 'comlink';
import exifr from 'exifr';
import { createSHA256 } from 'hash-wasm';
import { EXIF_OPTIONS, type RawExif } from '../domain/import/asset-facts.js';
import type { Analysis } from '../domain/import/analysis.js';
import { THUMB_SHORT_SIDE, thumbSize } from '../domain/import/thumb-size.js';


const hashFile = async (file: Blob, onProgress?: (bytes: number) => void): Promise<string> => {
  const sha = await createSHA256();
  sha.init();
  const reader = file.stream().getReader();
  let bytes = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    sha.update(value);
    bytes += value.byteLength;
    if (onProgress && bytes - lastReport > 8 * 1024 * 1024) {
      lastReport = bytes;
      onProgress(bytes);
    }
  }
  return sha.digest('hex');
};

const readExif = async (file: Blob): Promise<RawExif | null> => {
  try {
    const out = (await exifr.parse(file, { ...EXIF_OPTIONS, pick: [...EXIF_OPTIONS.pick] })) as RawExif | undefined;
    return out ?? null;
  } catch {
    // Formats exifr does not know (WebP, JXL, …) simply have no EXIF for us.
    return null;
  }
};

const makeThumb = async (file: Blob): Promise<{ decoded: Analysis['decoded']; thumb: Blob | null }> => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    // Chromium cannot decode HEIC (and others); the server thumbnail fills in later.
    return { decoded: null, thumb: null };
  }
  try {
    const decoded = { width: bitmap.width, height: bitmap.height };
    const size = thumbSize(bitmap.width, bitmap.height, THUMB_SHORT_SIDE);
    const canvas = new OffscreenCanvas(size.width, size.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return { decoded, thumb: null };
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const thumb = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
    return { decoded, thumb };
  } catch {
    return { decoded: { width: bitmap.width, height: bitmap.height }, thumb: null };
  } finally {
    bitmap.close();
  }
};

const api = {
  async analyze(file: File, isImage: boolean, onProgress?: (bytes: number) => void): Promise<Analysis> {
    const hash = await hashFile(file, onProgress);
    if (!isImage) return { hash, exif: null, decoded: null, thumb: null };
    const exif = await readExif(file);
    const { decoded, thumb } = await makeThumb(file);
    return { hash, exif, decoded, thumb };
  },
};

export type ImportWorkerApi = typeof api;

expose(api);
