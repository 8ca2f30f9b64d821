/**
 * What the import worker reports for one file, and the pool that spreads files over
 * workers (comlink proxies; File objects cross by reference, not by copy).
 *
 *   const pool = createAnalyzerPool(2);
 *   const { hash, exif, thumb } = await pool.analyze(file, true, (bytes) => progress(bytes))
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { RawExif } from './asset-facts.js';

export interface Analysis {
  readonly hash: string;
  readonly exif: RawExif | null;
  /** Decoded size with EXIF orientation applied; null when the browser cannot decode it. */
  readonly decoded: { readonly width: number; readonly height: number } | null;
  readonly thumb: Blob | null;
}

interface AnalyzerApi {
  analyze(file: File, isImage: boolean, onProgress?: (bytes: number) => void): Promise<Analysis>;
}

export interface AnalyzerPool {
  analyze(file: File, isImage: boolean, onProgress: (bytes: number) => void): Promise<Analysis>;
  terminate(): void;
}

export const createAnalyzerPool = (size: number): AnalyzerPool => {
  const workers: Worker[] = [];
  const remotes: Remote<AnalyzerApi>[] = [];
  const busy: number[] = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: `import-${i}` });
    workers.push(worker);
    remotes.push(wrap<AnalyzerApi>(worker));
    busy.push(0);
  }
  return {
    async analyze(file, isImage, onProgress) {
      const index = busy.indexOf(Math.min(...busy));
      busy[index] = (busy[index] ?? 0) + 1;
      try {
        return await (remotes[index] as Remote<AnalyzerApi>).analyze(file, isImage, proxy(onProgress));
      } finally {
        busy[index] = (busy[index] ?? 1) - 1;
      }
    },
    terminate() {
      for (const remote of remotes) remote[releaseProxy]();
      for (const worker of workers) worker.terminate();
    },
  };
};
