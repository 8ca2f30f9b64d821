/**
 * Decodes HEIC and JPEG XL to RGBA in a worker thread (see wasm-decode.worker.mjs). One worker,
 * one decode at a time; a decode that hangs past the timeout or kills the worker is answered
 * with an error and the worker is replaced.
 *
 *   const wasm = createWasmDecoder({ timeoutMs: 120_000, maxPixels: 200e6 })
 *   const { width, height, data } = await wasm.decode('heic', file)
 */
import { Worker } from 'node:worker_threads';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, 8-bit RGBA, orientation already applied by the decoder. */
  readonly data: Uint8Array;
}

export type WasmFormat = 'heic' | 'jxl';

export interface WasmDecoder {
  decode(format: WasmFormat, file: string): Promise<RgbaImage>;
  close(): Promise<void>;
}

type Reply = { id: number; ok: true; width: number; height: number; data: ArrayBuffer } | { id: number; ok: false; error: string };

export const createWasmDecoder = (options: { timeoutMs: number; maxPixels: number }): WasmDecoder => {
  let worker: Worker | undefined;
  let nextId = 1;
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;

  const spawn = (): Worker => {
    // 4 GiB is the wasm32 ceiling anyway; the heap limit keeps a runaway decode inside the worker.
    const w = new Worker(new URL('./wasm-decode.worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    w.unref();
    return w;
  };

  const once = (format: WasmFormat, file: string): Promise<RgbaImage> =>
    new Promise<RgbaImage>((resolve, reject) => {
      if (closed) return reject(new Error('wasm decoder is closed'));
      const w = (worker ??= spawn());
      const id = nextId++;
      const cleanup = (): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      const kill = (reason: string): void => {
        cleanup();
        if (worker === w) worker = undefined;
        void w.terminate();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => kill(`${format} decode took longer than ${options.timeoutMs} ms`), options.timeoutMs);
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id) return;
        cleanup();
        if (reply.ok) resolve({ width: reply.width, height: reply.height, data: new Uint8Array(reply.data) });
        else reject(new Error(reply.error));
      };
      const onError = (error: Error): void => kill(`${format} decoder crashed: ${error.message}`);
      const onExit = (code: number): void => kill(`${format} decoder exited with code ${code}`);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, format, file, maxPixels: options.maxPixels });
    });

  return {
    decode(format, file) {
      const result = chain.then(() => once(format, file));
      chain = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
};
