/**
 * `npm run bench:ml-search-app`: what an in-app search costs the page's main thread, over a real
 * Yjs catalog with 100,000 photos (1 % favourites) and their int8 CLIP embeddings — the app's own
 * `createSmartSearch` (models' WASM SIMD index, filter facts read from the catalog once per asset) — against the
 * peer: the same index in a worker thread with the metadata filters as compact columns, the main
 * thread only posting the query and receiving ids. Writes bench/results/ml-search-app.json.
 *
 *   npm run bench:ml-search-app          # SHOEBOX_BENCH_N=20000 for a quicker run
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { createVectorIndex } from '../models/src/search/vector-index.js';
import { factsOf } from '../protocol/src/catalog-builders.js';
import { createRandom } from '../protocol/src/random.js';
import { addAssets, getAsset, listAssets, setFavorite, type AssetId } from '../protocol/src/index.js';
import { createSmartSearch, type SearchFilters } from '../client/src/domain/ml/smart-search.js';

const DIM = 512;
const N = Number(process.env.SHOEBOX_BENCH_N ?? 100_000);
const RUNS = 15;

const vector = (random: () => number): Float32Array => {
  const v = Float32Array.from({ length: DIM }, () => random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

type Columns = { ids: string[]; favorite: Uint8Array; video: Uint8Array; day: string[] };
type Query = { seq: number; query: Float32Array; favorite: boolean; kind: 'image' | 'video' | null; person: Set<string> | null };

if (!isMainThread) {
  // The peer: index and filter columns live here; the page only posts queries.
  let index: ReturnType<typeof createVectorIndex> | null = null;
  let columns: Columns | null = null;
  let slot = new Map<string, number>();
  parentPort!.on('message', (message: { type: 'load'; columns: Columns; vectors: Float32Array } | ({ type: 'search' } & Query)) => {
    if (message.type === 'load') {
      columns = message.columns;
      slot = new Map(columns.ids.map((id, i) => [id, i]));
      index = createVectorIndex(DIM);
      for (let i = 0; i < columns.ids.length; i++) index.add(columns.ids[i]!, message.vectors.subarray(i * DIM, (i + 1) * DIM));
      parentPort!.postMessage({ type: 'loaded' });
      return;
    }
    const c = columns!;
    const hits = index!.search(message.query, {
      k: 200,
      filter: (id) => {
        const i = slot.get(id)!;
        if (message.favorite && c.favorite[i] === 0) return false;
        if (message.kind !== null && (c.video[i] === 1) !== (message.kind === 'video')) return false;
        return message.person === null || message.person.has(id);
      },
    });
    parentPort!.postMessage({ type: 'result', seq: message.seq, ids: hits.map((h) => h.id) });
  });
} else {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round = (x: number): number => Math.round(x * 100) / 100;
  const load = loadavg();
  const random = createRandom(7);
  const doc = new Y.Doc();
  let started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < N; i += 5000) ids.push(...addAssets(doc, Array.from({ length: Math.min(5000, N - i) }, (_, j) => factsOf(i + j + 1, i + j === 3 ? { kind: 'video', mime: 'video/mp4', duration: 3 } : {}))));
  for (let i = 0; i < N; i += 100) setFavorite(doc, ids[i] as AssetId, true);
  const catalogMs = performance.now() - started;
  const vectors = new Float32Array(N * DIM);
  for (let i = 0; i < N; i++) vectors.set(vector(random), i * DIM);
  const query = vector(random);
  const person = new Set(ids.filter((_, i) => i % 200 === 7));

  // The app: createSmartSearch on the main thread, filters through the catalog.
  const search = createSmartSearch({
    assets: () => listAssets(doc),
    get: (id) => getAsset(doc, id as AssetId),
    encodeText: () => async () => query,
    personAssets: () => person,
  });
  started = performance.now();
  for (let i = 0; i < N; i++) search.addEmbedding(ids[i]!, vectors.subarray(i * DIM, (i + 1) * DIM));
  const addMs = performance.now() - started;
  const cases: Record<string, SearchFilters> = { none: {}, favourites1pct: { favorite: true }, videosNone: { kind: 'video' }, person0_5pct: { person: 'p' } };
  const app: Record<string, number> = {};
  // The first search reads each candidate's filter facts from the catalog; later ones reuse them.
  started = performance.now();
  await search.run('query', { favorite: true });
  const firstSearchMs = performance.now() - started;
  for (const [name, filters] of Object.entries(cases)) {
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await search.run('query', filters);
      times.push(performance.now() - t);
    }
    app[name] = round(median(times));
  }

  // The peer: a worker with the index and the filter columns.
  const columns: Columns = { ids, favorite: new Uint8Array(N), video: new Uint8Array(N), day: [] };
  ids.forEach((id, i) => {
    const a = getAsset(doc, id as AssetId)!;
    columns.favorite[i] = a.favorite ? 1 : 0;
    columns.video[i] = a.kind === 'video' ? 1 : 0;
  });
  // This same file, run as a worker through tsx's loader.
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`, { eval: true });
  const reply = (type: string) => new Promise<{ type: string; ids?: string[] }>((resolve) => {
    const on = (m: { type: string; ids?: string[] }) => {
      if (m.type !== type) return;
      worker.off('message', on);
      resolve(m);
    };
    worker.on('message', on);
  });
  started = performance.now();
  const loaded = reply('loaded');
  worker.postMessage({ type: 'load', columns, vectors });
  await loaded;
  const workerLoadMs = performance.now() - started;
  const peerCases: Record<string, Omit<Query, 'seq' | 'query'>> = {
    none: { favorite: false, kind: null, person: null },
    favourites1pct: { favorite: true, kind: null, person: null },
    videosNone: { favorite: false, kind: 'video', person: null },
    person0_5pct: { favorite: false, kind: null, person },
  };
  const peerRoundTrip: Record<string, number> = {};
  const peerMainThread: Record<string, number> = {};
  for (const [name, q] of Object.entries(peerCases)) {
    const trips: number[] = [];
    const posts: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const done = reply('result');
      worker.postMessage({ type: 'search', seq: r, query, ...q });
      posts.push(performance.now() - t);
      await done;
      trips.push(performance.now() - t);
    }
    peerRoundTrip[name] = round(median(trips));
    peerMainThread[name] = round(median(posts));
  }
  await worker.terminate();

  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    underLoad: `taken on a shared machine while other engineers ran builds and tests: load average ${load.map((l) => l.toFixed(1)).join(' / ')}; upper bounds`,
    photos: N,
    dimensions: DIM,
    medianOf: RUNS,
    catalogBuildMs: round(catalogMs),
    app: { where: 'page main thread (createSmartSearch: WASM SIMD int8 kernel, filter facts read from the Yjs catalog once per asset and kept)', addAllEmbeddingsMs: round(addMs), firstSearchMs: round(firstSearchMs), searchMs: app },
    peer: { where: 'worker thread holding the index and filter columns', loadMs: round(workerLoadMs), roundTripMs: peerRoundTrip, mainThreadPostMs: peerMainThread },
    note: 'searchMs is time the main thread is blocked; the peer blocks it only for the post (structured clone of the query and, for the person filter, its id set).',
  };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'ml-search-app.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
