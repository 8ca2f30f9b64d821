/**
 * Background indexing of a library's photos on this device, "index once": for each photo and
 * model (the face pack; the text pack; the CLIP pack when one is installed) it first asks the blob store whether
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
  /** The text (OCR) pack; absent or null: photos are not read for text. */
  readonly textModel?: string | null;
}

/** The worker calls the indexer needs (a subset of MlWorkerApi). */
export interface MlEngine extends MlModels {
  analyzeFaces(image: Blob): Promise<{ faces: { score: number; box: { x: number; y: number; width: number; height: number }; descriptor: number[]; landmarks: number[] }[]; width: number; height: number }>;
  encodeImage(image: Blob): Promise<{ embedding: Float32Array }>;
  readText?(image: Blob): Promise<{ lines: { text: string; score: number; box: number[] }[]; width: number; height: number }>;
}

export interface MlIndexerDeps {
  readonly store: MlStore;
  readonly remote: MlDerivativesClient;
  readonly models: () => Promise<MlModels>;
  /** Starts the ML worker on first need (its models must be the ones `models` named). */
  readonly engine: () => Promise<MlEngine>;
  /** Which of these photos the server holds (originals uploaded) and which this device has a thumbnail of. */
  readonly locate: (hashes: readonly string[]) => Promise<{ readonly server: Set<string>; readonly local: Set<string> }>;
  /**
   * The image to analyse: from the server when `onServer`, or (when `allowLocal`) this device's
   * thumbnail; null = not yet, try again next round.
   */
  readonly loadImage: (hash: string, where: { onServer: boolean; allowLocal: boolean }) => Promise<Blob | null>;
  /** Every result, stored or new, once (at start for stored ones). */
  readonly onResult: (record: MlRecord) => void;
  /** Delay before another round over photos whose image was not available yet (doubles while nothing changes). */
  readonly retryMs?: number;
}

/** The photos to index, read by position (a live view on the catalog; undefined = skip this position). */
export interface PhotoList {
  readonly length: number;
  at(position: number): string | undefined;
}

export interface MlIndexer {
  readonly progress: IndexProgress;
  /** The photos to index (the catalog's non-trashed images); call again when they change: indexing restarts from the top. */
  setAssets(photos: PhotoList | readonly string[]): void;
  onChange(listener: () => void): () => void;
  stop(): void;
}

/** After this many rounds without a server preview or original, a photo is analysed from the local thumbnail. */
const LOCAL_AFTER_ATTEMPTS = 3;
/** Photos looked at per step (the blob store answers queries of up to 1,000). */
const PASS_LIMIT = 500;
/** Rounds that leave photos waiting back off up to this. */
const MAX_ROUND_DELAY_MS = 5 * 60_000;

export const createMlIndexer = (deps: MlIndexerDeps): MlIndexer => {
  const { store, remote, retryMs = 2000 } = deps;
  let progress: IndexProgress = { status: IndexStatus.idle, total: 0, done: 0, computed: 0, downloaded: 0, failed: 0, message: null };
  const listeners = new Set<() => void>();
  let running = false;
  let again = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const attempts = new Map<string, number>();
  let cursor = 0;
  let waiting = 0;
  let counted: PhotoList | null = null;
  let photos: PhotoList = [];
  let roundDelay = retryMs;
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

  /** 'later': no pixels yet (retried next round); 'waiting': the photo is neither on the server nor on this device. */
  const compute = async (hash: string, models: readonly string[], onServer: boolean): Promise<'done' | 'later'> => {
    const tries = (attempts.get(hash) ?? 0) + 1;
    const image = await deps.loadImage(hash, { onServer, allowLocal: tries > LOCAL_AFTER_ATTEMPTS });
    if (image === null) {
      attempts.set(hash, tries);
      return 'later';
    }
    attempts.delete(hash);
    const engine = await deps.engine();
    for (const modelId of models) {
      let bytes: Uint8Array;
      try {
        if (modelId === engine.faceModel) {
          const found = await engine.analyzeFaces(image);
          const faces = found.faces.map((f) => ({ score: f.score, box: f.box, landmarks: Float32Array.from(f.landmarks), descriptor: Float32Array.from(f.descriptor) }));
          bytes = writeMlDerivative({ kind: 'faces', assetHash: hash, modelId, width: found.width, height: found.height, faces });
        } else if (modelId === engine.textModel && engine.readText !== undefined) {
          const read = await engine.readText(image);
          const lines = read.lines.map((l) => ({ text: l.text, score: l.score, box: Float32Array.from(l.box) }));
          bytes = writeMlDerivative({ kind: 'text', assetHash: hash, modelId, width: read.width, height: read.height, lines });
        } else {
          bytes = writeMlDerivative({ kind: 'clip', assetHash: hash, modelId, embedding: (await engine.encodeImage(image)).embedding });
        }
      } catch (error) {
        const key = mlKey(hash, modelId);
        failed.add(key);
        await store.failures.put({ key, reason: error instanceof Error ? error.message : String(error) });
        update({ failed: progress.failed + 1, done: progress.done + 1 });
        continue;
      }
      const record: MlRecord = { key: mlKey(hash, modelId), hash, modelId, bytes, origin: MlOrigin.computed, shared: false };
      await keep(record);
      update({ computed: progress.computed + 1, done: progress.done + 1 });
      await share(record);
    }
    return 'done';
  };

  const isOpen = (hash: string, modelId: string): boolean => !have.has(mlKey(hash, modelId)) && !failed.has(mlKey(hash, modelId));

  /**
   * One bounded step: the next PASS_LIMIT photos with work from the cursor on (so a library of a
   * million photos costs one scan in all, not one per step), downloaded where the blob store has
   * them, else computed. A full round over the library that leaves photos waiting is retried later.
   */
  const pass = async (): Promise<void> => {
    await loaded;
    // The worker (and its models) start only once there is a photo to index.
    if (photos.length === 0) return update({ status: IndexStatus.idle });
    const named = await deps.models();
    const models = [named.faceModel, ...(named.textModel == null ? [] : [named.textModel]), ...(named.clipModel === null ? [] : [named.clipModel])];
    const wanted = photos;
    if (counted !== wanted) {
      counted = wanted;
      let done = 0;
      let total = 0;
      for (let i = 0; i < wanted.length; i++) {
        const h = wanted.at(i);
        if (h === undefined) continue;
        total += models.length;
        for (const m of models) if (!isOpen(h, m)) done++;
      }
      update({ status: IndexStatus.indexing, total, done, message: null });
    } else update({ status: IndexStatus.indexing });
    const batch = new Map<string, string[]>();
    while (cursor < wanted.length && batch.size < PASS_LIMIT) {
      const hash = wanted.at(cursor++);
      const need = hash === undefined ? [] : models.filter((m) => isOpen(hash, m));
      if (need.length > 0) batch.set(hash as string, need);
    }
    // 1. Download what other devices already computed.
    for (const modelId of models) {
      const missing = [...batch].filter(([, need]) => need.includes(modelId)).map(([h]) => h);
      if (missing.length === 0) continue;
      for (const hash of await remote.query(modelId, missing)) {
        const bytes = await remote.get(hash, modelId).catch(() => null);
        if (bytes === null || stopped) continue;
        await keep({ key: mlKey(hash, modelId), hash, modelId, bytes, origin: MlOrigin.downloaded, shared: true });
        update({ downloaded: progress.downloaded + 1, done: progress.done + 1 });
        const need = (batch.get(hash) ?? []).filter((m) => m !== modelId);
        if (need.length > 0) batch.set(hash, need);
        else batch.delete(hash);
      }
    }
    // 2. Compute the rest here, one photo at a time (all models from one decode of its image).
    if (batch.size > 0) {
      const where = await deps.locate([...batch.keys()]);
      for (const [hash, need] of batch) {
        if (stopped || again) return;
        // Neither uploaded nor imported here: another device is still uploading it (or it never will).
        if (!where.server.has(hash) && !where.local.has(hash)) waiting++;
        else if ((await compute(hash, need, where.server.has(hash))) === 'later') waiting++;
      }
    }
    // 3. Results computed before their photo reached the server are shared now.
    for (const record of await store.results.filter((r) => !r.shared).toArray()) await share(record);
    if (stopped) return;
    if (cursor < wanted.length) {
      retry = setTimeout(schedule, 0);
      return;
    }
    // A round is over.
    cursor = 0;
    if (waiting === 0) return update({ status: IndexStatus.done, message: null });
    update({ status: IndexStatus.indexing, message: `${waiting} photos wait for their upload` });
    waiting = 0;
    retry = setTimeout(schedule, roundDelay);
    roundDelay = Math.min(roundDelay * 2, MAX_ROUND_DELAY_MS);
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
      photos = next;
      counted = null;
      cursor = 0;
      waiting = 0;
      roundDelay = retryMs;
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
