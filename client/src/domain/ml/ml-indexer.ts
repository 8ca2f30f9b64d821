/**
 * Background indexing of a library's photos on this device, "index once": for each photo and
 * model (the face pack; the CLIP pack when one is installed) it first asks the blob store whether
 * another device already did the work and downloads that, and only computes what nobody has, in
 * the ML worker, then uploads the result for the others. Results are kept in IndexedDB (ml-store)
 * so a reload recomputes nothing. Progress is a plain state object the UI shows.
 *
 *   const indexer = createMlIndexer({ store, remote, engine, loadImage, onResult });
 *   indexer.setAssets(imageHashes); indexer.onChange(() => render(indexer.progress));
 */
import { writeMlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import type { MlDerivativesClient } from './ml-derivatives-client.js';
import { PutOutcome } from './ml-derivatives-client.js';
import { mlKey, MlOrigin, type MlRecord, type MlStore } from './ml-store.js';

export const IndexStatus = { idle: 'idle', starting: 'starting', indexing: 'indexing', done: 'done', error: 'error' } as const;
export type IndexStatus = (typeof IndexStatus)[keyof typeof IndexStatus];

export interface IndexProgress {
  readonly status: IndexStatus;
  /** Photos × models to index, and how many of those are done (from any source). */
  readonly total: number;
  readonly done: number;
  /** Results computed on this device / downloaded from the blob store, since the page loaded. */
  readonly computed: number;
  readonly downloaded: number;
  readonly failed: number;
  readonly message: string | null;
}

/** Which models to index with: known without starting the worker (a device that only downloads never starts it). */
export interface MlModels {
  readonly faceModel: string;
  readonly clipModel: string | null;
}

/** The worker calls the indexer needs (a subset of MlWorkerApi). */
export interface MlEngine extends MlModels {
  analyzeFaces(image: Blob): Promise<{ faces: { score: number; box: { x: number; y: number; width: number; height: number }; descriptor: number[]; landmarks: number[] }[]; width: number; height: number }>;
  encodeImage(image: Blob): Promise<{ embedding: Float32Array }>;
}

export interface MlIndexerDeps {
  readonly store: MlStore;
  readonly remote: MlDerivativesClient;
  readonly models: () => Promise<MlModels>;
  /** Starts the ML worker on first need (its models must be the ones `models` named). */
  readonly engine: () => Promise<MlEngine>;
  /** The image to analyse: the server's preview, or (when `allowLocal`) this device's thumbnail; null = not yet available. */
  readonly loadImage: (hash: string, allowLocal: boolean) => Promise<Blob | null>;
  /** Every result, stored or new, once (at start for stored ones). */
  readonly onResult: (record: MlRecord) => void;
  /** Delay before another pass over photos whose image was not available yet. */
  readonly retryMs?: number;
}

export interface MlIndexer {
  readonly progress: IndexProgress;
  /** The photos to index (the catalog's non-trashed images); starts a pass when it changes. */
  setAssets(hashes: readonly string[]): void;
  onChange(listener: () => void): () => void;
  stop(): void;
}

/** After this many passes without a server preview, a photo is analysed from the local thumbnail. */
const LOCAL_AFTER_ATTEMPTS = 3;

export const createMlIndexer = (deps: MlIndexerDeps): MlIndexer => {
  const { store, remote, retryMs = 2000 } = deps;
  let progress: IndexProgress = { status: IndexStatus.idle, total: 0, done: 0, computed: 0, downloaded: 0, failed: 0, message: null };
  const listeners = new Set<() => void>();
  let hashes: string[] = [];
  let running = false;
  let again = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const attempts = new Map<string, number>();
  const have = new Set<string>();
  const failed = new Set<string>();

  const update = (change: Partial<IndexProgress>): void => {
    progress = { ...progress, ...change };
    for (const listener of listeners) listener();
  };

  const loaded = (async () => {
    const [records, failures] = await Promise.all([store.results.toArray(), store.failures.toArray()]);
    for (const record of records) {
      have.add(record.key);
      deps.onResult(record);
    }
    for (const failure of failures) failed.add(failure.key);
  })();

  const keep = async (record: MlRecord): Promise<void> => {
    await store.results.put(record);
    have.add(record.key);
    deps.onResult(record);
  };

  const share = async (record: MlRecord): Promise<void> => {
    const outcome = await remote.put(record.hash, record.modelId, record.bytes).catch(() => PutOutcome.notUploaded);
    if (outcome !== PutOutcome.notUploaded) await store.results.update(record.key, { shared: true });
  };

  const compute = async (engine: MlEngine, hash: string, models: readonly string[]): Promise<'done' | 'later'> => {
    const tries = (attempts.get(hash) ?? 0) + 1;
    attempts.set(hash, tries);
    const image = await deps.loadImage(hash, tries > LOCAL_AFTER_ATTEMPTS);
    if (image === null) return 'later';
    for (const modelId of models) {
      let bytes: Uint8Array;
      try {
        if (modelId === engine.faceModel) {
          const found = await engine.analyzeFaces(image);
          const faces = found.faces.map((f) => ({ score: f.score, box: f.box, landmarks: Float32Array.from(f.landmarks), descriptor: Float32Array.from(f.descriptor) }));
          bytes = writeMlDerivative({ kind: 'faces', assetHash: hash, modelId, width: found.width, height: found.height, faces });
        } else {
          bytes = writeMlDerivative({ kind: 'clip', assetHash: hash, modelId, embedding: (await engine.encodeImage(image)).embedding });
        }
      } catch (error) {
        const key = mlKey(hash, modelId);
        failed.add(key);
        await store.failures.put({ key, reason: error instanceof Error ? error.message : String(error) });
        update({ failed: progress.failed + 1 });
        continue;
      }
      const record: MlRecord = { key: mlKey(hash, modelId), hash, modelId, bytes, origin: MlOrigin.computed, shared: false };
      await keep(record);
      update({ computed: progress.computed + 1, done: progress.done + 1 });
      await share(record);
    }
    return 'done';
  };

  const pass = async (): Promise<void> => {
    await loaded;
    // The worker (and its models) start only once there is a photo to index.
    if (hashes.length === 0) return update({ status: IndexStatus.idle });
    const named = await deps.models();
    const models = [named.faceModel, ...(named.clipModel === null ? [] : [named.clipModel])];
    const wanted = hashes;
    const open = (modelId: string) => wanted.filter((h) => !have.has(mlKey(h, modelId)) && !failed.has(mlKey(h, modelId)));
    update({ status: IndexStatus.indexing, total: wanted.length * models.length, done: models.reduce((n, m) => n + wanted.length - open(m).length, 0), message: null });
    // 1. Download what other devices already computed.
    for (const modelId of models) {
      const missing = open(modelId);
      if (missing.length === 0) continue;
      for (const hash of await remote.query(modelId, missing)) {
        const bytes = await remote.get(hash, modelId).catch(() => null);
        if (bytes === null || stopped) continue;
        await keep({ key: mlKey(hash, modelId), hash, modelId, bytes, origin: MlOrigin.downloaded, shared: true });
        update({ downloaded: progress.downloaded + 1, done: progress.done + 1 });
      }
    }
    // 2. Compute the rest here, one photo at a time (all models from one decode of its image).
    const todo = new Map<string, string[]>();
    for (const modelId of models) for (const hash of open(modelId)) todo.set(hash, [...(todo.get(hash) ?? []), modelId]);
    let later = 0;
    const engine = todo.size > 0 ? await deps.engine() : null;
    for (const [hash, need] of todo) {
      if (stopped || again || engine === null) return;
      if ((await compute(engine, hash, need)) === 'later') later++;
    }
    // 3. Results computed before their photo reached the server are shared now.
    for (const record of await store.results.filter((r) => !r.shared).toArray()) await share(record);
    if (later > 0 && !stopped) retry = setTimeout(schedule, retryMs);
    update({ status: later > 0 ? IndexStatus.indexing : IndexStatus.done });
  };

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(retry);
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    if (progress.status === IndexStatus.idle) update({ status: IndexStatus.starting });
    void pass()
      .catch((error: unknown) => update({ status: IndexStatus.error, message: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        running = false;
        if (again) schedule();
      });
  };

  return {
    get progress() {
      return progress;
    },
    setAssets(next) {
      const sorted = [...next].sort();
      if (sorted.length === hashes.length && sorted.every((h, i) => h === hashes[i])) return;
      hashes = sorted;
      schedule();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
      listeners.clear();
    },
  };
};
