/**
 * Worker thread that decodes HEIC (libheif-js) and JPEG XL (@jsquash/jxl) to 8-bit RGBA, so the
 * seconds of synchronous wasm work never block the server's event loop. Plain JS because worker
 * threads load files directly, without the TypeScript loader; its only caller is
 * wasm-decode.repository.ts, which types the messages.
 *
 *   worker.postMessage({ id: 1, format: 'heic', file: '/data/blobs/originals/ab/cd/abcd…', maxPixels: 2e8 })
 *   // → { id: 1, ok: true, width, height, data: ArrayBuffer (transferred) } | { id: 1, ok: false, error }
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import decodeHeic from 'heic-decode';
import decodeJxl, { init as initJxl } from '@jsquash/jxl/decode.js';

let jxlReady;
const ensureJxl = () => {
  // The package would fetch() its wasm by URL, which Node cannot do for file: URLs; compile it here.
  jxlReady ??= readFile(fileURLToPath(import.meta.resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm')))
    .then((bytes) => globalThis.WebAssembly.compile(bytes))
    .then((module) => initJxl(module));
  return jxlReady;
};

const decode = async ({ format, file, maxPixels }) => {
  const bytes = await readFile(file);
  if (format === 'heic') {
    const images = await decodeHeic.all({ buffer: bytes });
    try {
      const primary = images[0];
      if (!primary) throw new Error('HEIF file holds no image');
      if (primary.width * primary.height > maxPixels) throw new Error(`image is ${primary.width}×${primary.height}, over the ${maxPixels}-pixel limit`);
      return await primary.decode();
    } finally {
      images.dispose();
    }
  }
  if (format === 'jxl') {
    await ensureJxl();
    const image = await decodeJxl(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (image.width * image.height > maxPixels) throw new Error(`image is ${image.width}×${image.height}, over the ${maxPixels}-pixel limit`);
    return image;
  }
  throw new Error(`unknown format ${String(format)}`);
};

parentPort?.on('message', (request) => {
  decode(request).then(
    ({ width, height, data }) => {
      const buffer = data.buffer.byteLength === data.byteLength ? data.buffer : data.slice().buffer;
      parentPort?.postMessage({ id: request.id, ok: true, width, height, data: buffer }, [buffer]);
    },
    (error) => parentPort?.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
