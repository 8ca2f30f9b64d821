/**
 * One measurement of `npm run bench:catalog`, run in its own process so heap figures are its
 * own: a catalog layout (`v2` = catalog schema v2, `naive` = one Yjs map entry per asset
 * holding a plain object, `automerge` = one Automerge map entry per asset) at a size, on the
 * same seeded generated library. Prints one JSON line.
 *
 *   node --expose-gc --import tsx bench/catalog-case.ts v2 100000
 *   node --expose-gc --import tsx bench/catalog-case.ts naive 1000000
 */
import * as A from '@automerge/automerge';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import {
  addAssets, addTag, catalogMaps, createAlbum, addToAlbum, factsIndex, observeAssets, readFactsChunk, setArchived, setDescription,
  setFavorite, setRating, trashAsset, compareTakenDesc, type AssetFacts, type AssetId,
} from '../protocol/src/index.js';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { createRandom } from '../protocol/src/random.js';
import { loopbackSync } from './catalog-loopback.js';

const [layout = 'v2', sizeArg = '100000'] = process.argv.slice(2);
const n = Number(sizeArg);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;
const heap = (): { heap: number; buffers: number; rss: number } => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
};
const median = (xs: number[]): number => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 1000) / 1000;

const generate = (): AssetFacts[] => {
  const gen = createFactsGenerator(20260101, { assets: n });
  const all = Array.from({ length: n }, () => gen.next());
  // Oldest first: the order compaction writes chunks in (SPEC F3).
  return all.sort((a, b) => -compareTakenDesc(a, b));
};

/** Realistic user state: 5 % favourites, 1 % trashed, 2 % archived, 3 % rated, 0.5 % described, 2 % tagged, 50 albums on 2 %. */
const userState = (i: number, rand: () => number) => ({
  favorite: rand() < 0.05,
  trashed: rand() < 0.01,
  archived: rand() < 0.02,
  rating: rand() < 0.03 ? 1 + Math.floor(rand() * 5) : 0,
  description: rand() < 0.005 ? `a note about photo ${i}` : '',
  tag: rand() < 0.02 ? `tag${Math.floor(rand() * 40)}` : null,
  album: rand() < 0.02 ? `album${Math.floor(rand() * 50)}` : null,
});

const tmp = mkdtempSync(join(tmpdir(), 'shoebox-bench-'));
const persistFile = join(tmp, 'updates.log');

const out: Record<string, unknown> = { layout, assets: n };

const runYjs = async (): Promise<void> => {
  const all = generate();
  const rand = createRandom(7);
  const source = new Y.Doc();
  const naive = source.getMap<Record<string, unknown>>('assets');
  if (layout === 'v2') {
    addAssets(source, all);
    for (let a = 0; a < 50; a++) createAlbum(source, `Album ${a}`, `album${a}`, 0);
  }
  source.transact(() => {
    all.forEach((f, i) => {
      const s = userState(i, rand);
      const id = f.hash as string as AssetId;
      if (layout === 'naive') {
        naive.set(id, { ...f, favorite: s.favorite, trashedAt: s.trashed ? 1 : null, archived: s.archived, rating: s.rating, description: s.description, tags: s.tag ? [s.tag] : [], albums: s.album ? [s.album] : [] });
        return;
      }
      if (s.favorite) setFavorite(source, id, true);
      if (s.trashed) trashAsset(source, id, 1);
      if (s.archived) setArchived(source, id, true);
      if (s.rating) setRating(source, id, s.rating);
      if (s.description) setDescription(source, id, s.description);
      if (s.tag) addTag(source, id, s.tag);
      if (s.album) addToAlbum(source, s.album, id);
    });
  });
  const encoded = Y.encodeStateAsUpdate(source);
  out.encodedMB = mb(encoded.length);
  out.bytesPerAsset = Math.round(encoded.length / n);
  const ids = all.map((f) => f.hash as string as AssetId);
  all.length = 0;

  // Cold load from the stored bytes: to the first timeline page, then to the whole catalog.
  const base = heap();
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, encoded);
  let firstPage: unknown[];
  if (layout === 'v2') {
    const { facts } = catalogMaps(doc);
    firstPage = readFactsChunk(facts.get(facts.length - 1)).sort(compareTakenDesc).slice(0, 200);
  } else {
    firstPage = [...doc.getMap<AssetFacts>('assets').values()].sort(compareTakenDesc).slice(0, 200);
  }
  out.firstPageMs = ms(t0);
  if (firstPage.length !== 200) throw new Error('first page short');
  let ready: number;
  if (layout === 'v2') ready = factsIndex(doc).size;
  else ready = new Map(doc.getMap<AssetFacts>('assets').entries()).size;
  out.fullLoadMs = ms(t0);
  // CPU time of the same span: what the load costs when the shared machine is not descheduling us.
  const cpu = process.cpuUsage(cpu0);
  out.fullLoadCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  if (ready !== n) throw new Error(`loaded ${ready} of ${n}`);
  const after = heap();
  out.heapMB = mb(after.heap - base.heap);
  out.arrayBuffersMB = mb(after.buffers - base.buffers);
  out.rssMB = mb(after.rss - base.rss);

  // A local edit applied and persisted (appended to a log file, as y-indexeddb appends an update).
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  const edits: number[] = [];
  for (let i = 0; i < 200; i++) {
    const id = ids[(i * 7919) % n]!;
    t0 = performance.now();
    if (layout === 'v2') setFavorite(doc, id, i % 2 === 0);
    else {
      const map = doc.getMap<Record<string, unknown>>('assets');
      map.set(id, { ...map.get(id), favorite: i % 2 === 0 });
    }
    appendFileSync(persistFile, update!);
    edits.push(performance.now() - t0);
  }
  out.localEditMs = median(edits);
  out.localEditUpdateBytes = (update as Uint8Array | null)?.length ?? 0;

  // 10,000 remote edits (favourite, rating, tag, album add), one update each, observed as the timeline would.
  const remote = new Y.Doc();
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
  const updates: Uint8Array[] = [];
  remote.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 10_000; i++) {
    const id = ids[(i * 104_729) % n]!;
    if (layout === 'v2') {
      if (i % 4 === 0) setFavorite(remote, id, true);
      else if (i % 4 === 1) setRating(remote, id, 1 + (i % 5));
      else if (i % 4 === 2) addTag(remote, id, 'remote');
      else addToAlbum(remote, `album${i % 50}`, id);
    } else {
      const map = remote.getMap<Record<string, unknown>>('assets');
      map.set(id, { ...map.get(id), favorite: true, rating: 1 + (i % 5) });
    }
  }
  remote.destroy();
  let touched = 0;
  if (layout === 'v2') observeAssets(doc, (changed) => (touched += changed.size));
  else doc.getMap('assets').observe((e) => (touched += e.keysChanged.size));
  t0 = performance.now();
  for (const u of updates) Y.applyUpdate(doc, u);
  out.remote10kMs = ms(t0);
  out.remote10kTouched = touched;

  // A fresh device's initial sync over loopback WebSocket (y-protocols sync step 1/2).
  const sync = await loopbackSync(doc, (fresh) => (layout === 'v2' ? factsIndex(fresh).size : fresh.getMap('assets').size));
  out.syncMB = mb(sync.bytes);
  out.syncMs = sync.ms;
  if (sync.assets !== n) throw new Error(`synced ${sync.assets} of ${n}`);
};

// Partial figures on stderr, so a case that runs past its time limit still says how far it got.
const stage = (name: string): void => console.error(JSON.stringify({ stage: name, ...out }));

const runAutomerge = (): void => {
  const all = generate();
  const rand = createRandom(7);
  type Doc = { assets: Record<string, Record<string, unknown>> };
  let t0 = performance.now();
  // Built in changes of 1,000 assets (one A.from of 100,000 objects panics in automerge 3.5).
  let built = A.from<Doc>({ assets: {} });
  for (let start = 0; start < all.length; start += 1000) {
    built = A.change(built, (d) => {
      all.slice(start, start + 1000).forEach((f, k) => {
        const s = userState(start + k, rand);
        d.assets[f.hash] = { ...f, lens: f.lens ?? null, thumbhash: f.thumbhash ?? null, favorite: s.favorite, trashedAt: s.trashed ? 1 : null, archived: s.archived, rating: s.rating, description: s.description, tags: s.tag ? [s.tag] : [], albums: s.album ? [s.album] : [] };
      });
    });
    if ((start + 1000) % 10_000 === 0) console.error(JSON.stringify({ stage: 'building', assets: start + 1000, ms: ms(t0) }));
  }
  const saved = A.save(built);
  out.buildMs = ms(t0);
  out.encodedMB = mb(saved.length);
  out.bytesPerAsset = Math.round(saved.length / n);
  stage('built');
  const ids = all.map((f) => f.hash);
  A.free(built);
  const base = heap();
  t0 = performance.now();
  let doc = A.load<Doc>(saved);
  const ready = Object.keys(doc.assets).length;
  out.fullLoadMs = ms(t0);
  out.firstPageMs = out.fullLoadMs;
  if (ready !== n) throw new Error(`loaded ${ready}`);
  const after = heap();
  out.heapMB = mb(after.heap - base.heap);
  out.arrayBuffersMB = mb(after.buffers - base.buffers);
  out.rssMB = mb(after.rss - base.rss);
  stage('loaded');
  const edits: number[] = [];
  for (let i = 0; i < 50; i++) {
    const id = ids[(i * 7919) % n]!;
    t0 = performance.now();
    doc = A.change(doc, (d) => {
      d.assets[id]!.favorite = i % 2 === 0;
    });
    appendFileSync(persistFile, A.saveIncremental(doc));
    edits.push(performance.now() - t0);
  }
  out.localEditMs = median(edits);
  stage('edited');
  let remote = A.clone(doc);
  const heads = A.getHeads(remote);
  for (let i = 0; i < 10_000; i++) {
    const id = ids[(i * 104_729) % n]!;
    remote = A.change(remote, (d) => {
      d.assets[id]!.favorite = true;
    });
  }
  const changes = A.getChanges(A.view(remote, heads), remote);
  t0 = performance.now();
  [doc] = A.applyChanges(doc, changes);
  out.remote10kMs = ms(t0);
  out.syncMB = out.encodedMB;
  out.syncMs = null;
};

try {
  if (layout === 'automerge') runAutomerge();
  else await runYjs();
  console.log(JSON.stringify(out));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
