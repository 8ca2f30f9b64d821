/**
 * The indexer's orchestration over a real Dexie store (fake-indexeddb) and the real derivative
 * codec: download what the blob store has, compute the rest, keep results across restarts, share
 * results whose photo reaches the server later. The blob store side is an in-memory copy of its
 * rules (first write wins, 404 for a blob not uploaded); e2e/ml-people.test.ts runs the real one.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readMlDerivative, writeMlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import type { UserId } from '../../../../protocol/src/index.js';
import { PutOutcome, type MlDerivativesClient } from './ml-derivatives-client.js';
import { createMlIndexer, IndexStatus, type MlEngine, type MlIndexer } from './ml-indexer.js';
import { openMlStore } from './ml-store.js';

const hash = (n: number): string => n.toString(16).padStart(64, '0');

const blobStore = (uploaded: Set<string>) => {
  const stored = new Map<string, Uint8Array>();
  const client: MlDerivativesClient = {
    query: async (modelId, hashes) => new Set(hashes.filter((h) => stored.has(`${h}/${modelId}`))),
    get: async (h, modelId) => stored.get(`${h}/${modelId}`) ?? null,
    put: async (h, modelId, bytes) => {
      if (!uploaded.has(h)) return PutOutcome.notUploaded;
      const value = readMlDerivative(bytes);
      expect([value.assetHash, value.modelId]).toEqual([h, modelId]);
      if (stored.has(`${h}/${modelId}`)) return PutOutcome.existed;
      stored.set(`${h}/${modelId}`, bytes);
      return PutOutcome.created;
    },
  };
  return { client, stored };
};

const engine = (calls: string[]): MlEngine => ({
  faceModel: 'face-api',
  clipModel: 'clip-test',
  analyzeFaces: async (image) => {
    calls.push(`faces:${await image.text()}`);
    return { width: 10, height: 10, faces: [{ score: 0.9, box: { x: 0.1, y: 0.1, width: 0.5, height: 0.5 }, descriptor: Array.from({ length: 128 }, (_, i) => i + 1), landmarks: [0.2, 0.3] }] };
  },
  encodeImage: async (image) => {
    calls.push(`clip:${await image.text()}`);
    return { embedding: Float32Array.of(0.6, 0.8) };
  },
});

const settled = (indexer: MlIndexer): Promise<void> =>
  new Promise((resolve) => {
    const check = () => {
      if (indexer.progress.status === IndexStatus.done) resolve();
    };
    indexer.onChange(check);
    check();
  });

describe('ML indexer', () => {
  it('reads text in each photo once with the text pack, stores it per asset and shares it, and reuses a shared reading', async () => {
    const uploaded = new Set([hash(4), hash(5)]);
    const remote = blobStore(uploaded);
    const line = { text: 'MAIN STAY', score: 0.97, box: [0.1, 0.1, 0.5, 0.1, 0.5, 0.2, 0.1, 0.2] };
    remote.stored.set(`${hash(5)}/PP-OCRv4_mobile`, writeMlDerivative({ kind: 'text', assetHash: hash(5), modelId: 'PP-OCRv4_mobile', width: 8, height: 8, lines: [] }));
    const calls: string[] = [];
    const withText: MlEngine = {
      ...engine(calls),
      textModel: 'PP-OCRv4_mobile',
      readText: async (image) => {
        calls.push(`text:${await image.text()}`);
        return { width: 8, height: 8, lines: [line] };
      },
    };
    const results: string[] = [];
    const indexer = createMlIndexer({
      store: openMlStore('indexer-text' as UserId),
      remote: remote.client,
      models: async () => ({ faceModel: 'face-api', clipModel: null, textModel: 'PP-OCRv4_mobile' }),
      engine: async () => withText,
      locate: async (hs) => ({ server: new Set(hs), local: new Set<string>() }),
      loadImage: async (h) => new Blob([h.slice(-1)]),
      onResult: (r) => {
        const value = readMlDerivative(r.bytes);
        if (value.kind === 'text') results.push(`${r.origin}:${r.hash.slice(-1)}:${value.lines.map((l) => l.text).join('|')}`);
      },
      retryMs: 10,
    });
    indexer.setAssets([hash(4), hash(5)]);
    await settled(indexer);
    expect(indexer.progress).toMatchObject({ total: 4, done: 4, computed: 3, downloaded: 1, failed: 0 });
    expect(calls.sort()).toEqual(['faces:4', 'faces:5', 'text:4']);
    expect(results.sort()).toEqual(['computed:4:MAIN STAY', 'downloaded:5:']);
    const shared = readMlDerivative(remote.stored.get(`${hash(4)}/PP-OCRv4_mobile`) as Uint8Array);
    expect(shared).toMatchObject({ kind: 'text', assetHash: hash(4), lines: [{ text: 'MAIN STAY', box: Float32Array.from(line.box) }] });
    indexer.stop();
  });

  it('downloads what another device computed, computes the rest once, and keeps it across restarts', async () => {
    const user = 'indexer-1' as UserId;
    const uploaded = new Set([hash(1), hash(2), hash(3)]);
    const remote = blobStore(uploaded);
    remote.stored.set(`${hash(1)}/face-api`, writeMlDerivative({ kind: 'faces', assetHash: hash(1), modelId: 'face-api', width: 4, height: 4, faces: [] }));
    const calls: string[] = [];
    const results: string[] = [];
    let starts = 0;
    const make = () =>
      createMlIndexer({
        store: openMlStore(user),
        remote: remote.client,
        models: async () => ({ faceModel: 'face-api', clipModel: 'clip-test' }),
        engine: async () => {
          starts++;
          return engine(calls);
        },
        locate: async (hs) => ({ server: new Set(hs.filter((h) => uploaded.has(h))), local: new Set<string>() }),
        loadImage: async (h) => new Blob([h.slice(-1)]),
        onResult: (r) => results.push(`${r.origin}:${r.hash.slice(-1)}/${r.modelId}`),
        retryMs: 10,
      });
    const first = make();
    first.setAssets([hash(1), hash(2), hash(3)]);
    await settled(first);
    expect(first.progress).toMatchObject({ total: 6, done: 6, computed: 5, downloaded: 1, failed: 0 });
    expect(calls.sort()).toEqual(['clip:1', 'clip:2', 'clip:3', 'faces:2', 'faces:3']);
    expect([...remote.stored.keys()].sort()).toHaveLength(6);
    const startsBefore = starts;
    expect(startsBefore).toBeGreaterThan(0);
    first.stop();

    // A restart (reload) finds every result in IndexedDB and computes nothing.
    results.length = 0;
    calls.length = 0;
    const second = make();
    second.setAssets([hash(3), hash(2), hash(1)]);
    await settled(second);
    expect(second.progress).toMatchObject({ done: 6, computed: 0, downloaded: 0 });
    expect(calls).toEqual([]);
    expect(starts).toBe(startsBefore); // the restart never needed the worker
    expect(results.sort()).toEqual(['computed:1/clip-test', 'computed:2/clip-test', 'computed:2/face-api', 'computed:3/clip-test', 'computed:3/face-api', 'downloaded:1/face-api']);
    second.stop();
  });

  it('waits for a photo whose image is not there yet, then shares its results once the blob is uploaded', async () => {
    const uploaded = new Set<string>();
    const remote = blobStore(uploaded);
    let available = false;
    const calls: string[] = [];
    const indexer = createMlIndexer({
      store: openMlStore('indexer-2' as UserId),
      remote: remote.client,
      models: async () => engine(calls),
      engine: async () => engine(calls),
      locate: async (hs) => ({ server: new Set(hs.filter((h) => uploaded.has(h))), local: new Set(hs) }),
      // This device imported the photos: it has their thumbnails before the server has them.
      loadImage: async (h, { onServer, allowLocal }) => ((onServer && available) || allowLocal ? new Blob([h.slice(-1)]) : null),
      onResult: () => undefined,
      retryMs: 5,
    });
    indexer.setAssets([hash(7)]);
    await settled(indexer);
    expect(indexer.progress).toMatchObject({ done: 2, computed: 2 });
    // Computed from the local thumbnail after the retries, not shared: the blob is not on the server.
    expect(remote.stored.size).toBe(0);
    uploaded.add(hash(7));
    available = true;
    indexer.setAssets([hash(7), hash(8)]);
    uploaded.add(hash(8));
    await new Promise((r) => setTimeout(r, 50));
    await settled(indexer);
    expect([...remote.stored.keys()].sort()).toEqual([`${hash(7)}/clip-test`, `${hash(7)}/face-api`, `${hash(8)}/clip-test`, `${hash(8)}/face-api`]);
    indexer.stop();
  });

  it('records a photo the engine cannot read as failed instead of retrying it forever', async () => {
    const broken: MlEngine = { ...engine([]), analyzeFaces: async () => Promise.reject(new Error('cannot decode')) };
    const store = openMlStore('indexer-3' as UserId);
    const indexer = createMlIndexer({ store, remote: blobStore(new Set()).client, models: async () => broken, engine: async () => broken, locate: async (hs) => ({ server: new Set(hs), local: new Set<string>() }), loadImage: async () => new Blob(['x']), onResult: () => undefined });
    indexer.setAssets([hash(9)]);
    await settled(indexer);
    expect(indexer.progress).toMatchObject({ failed: 1, computed: 1 });
    expect(await store.failures.toArray()).toEqual([{ key: `${hash(9)}/face-api`, reason: 'cannot decode' }]);
    indexer.stop();
  });

  it('walks a big library in bounded steps and lets photos nobody has yet wait, without starting the worker', async () => {
    const queried: number[] = [];
    const client = blobStore(new Set()).client;
    let starts = 0;
    const indexer = createMlIndexer({
      store: openMlStore('indexer-4' as UserId),
      remote: { ...client, query: async (modelId, hashes) => (queried.push(hashes.length), client.query(modelId, hashes)) },
      models: async () => ({ faceModel: 'face-api', clipModel: null }),
      engine: async () => {
        starts++;
        return engine([]);
      },
      locate: async () => ({ server: new Set<string>(), local: new Set<string>() }),
      loadImage: async () => {
        throw new Error('nothing to load');
      },
      onResult: () => undefined,
      retryMs: 60_000,
    });
    indexer.setAssets(Array.from({ length: 1200 }, (_, i) => hash(1000 + i)));
    await new Promise<void>((resolve) => indexer.onChange(() => indexer.progress.message !== null && resolve()));
    expect(queried).toEqual([500, 500, 200]);
    expect(indexer.progress).toMatchObject({ status: IndexStatus.indexing, total: 1200, done: 0, message: '1200 photos wait for their upload' });
    expect(starts).toBe(0);
    indexer.stop();
  });
});
