/**
 * `npm run bench:library`: bulk library actions at 100,000 assets (issue 11) in Node, on the
 * catalog with a live timeline index (its observer runs inside every transaction, as in the
 * app): select all of a 100,000-photo album, toggle one photo with all selected, and favourite,
 * archive, tag and trash all 100,000 through the chunked applyBulk. Writes
 * bench/results/library.json with the machine load (os.loadavg) before and after.
 *
 *   npm run bench:library
 *   SHOEBOX_BENCH_ASSETS=20000 npm run bench:library
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { addAssets, addAssetsToAlbum, createAlbum, readAlbum, type AssetId } from '../protocol/src/index.js';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { observeCatalog } from '../client/src/domain/catalog/catalog-store.js';
import { TimelineFilter, TimelineIndex } from '../client/src/domain/catalog/timeline-index.js';
import { selectAll, selectClick } from '../client/src/domain/albums/selection.js';
import { applyBulk, LibraryAction, type LibraryEdit } from '../client/src/domain/catalog/bulk-actions.js';

const here = dirname(fileURLToPath(import.meta.url));
const n = Number(process.env.SHOEBOX_BENCH_ASSETS ?? 100_000);
const round = (x: number): number => Math.round(x * 10) / 10;
const loadBefore = loadavg();

const doc = new Y.Doc();
const gen = createFactsGenerator(11);
addAssets(doc, Array.from({ length: n }, () => gen.next()));
const index = new TimelineIndex(doc);
observeCatalog(doc, (ids) => index.refresh(ids));
const all = index.view(TimelineFilter.all);
const ids: AssetId[] = Array.from({ length: all.count }, (_, i) => all.idAt!(i)!);
const album = createAlbum(doc, 'Everything', 'everything');
addAssetsToAlbum(doc, album, ids);
let updateBytes = 0;
doc.on('update', (u: Uint8Array) => (updateBytes += u.byteLength));

// Select all of the album, then toggle one photo many times with everything selected.
let t0 = performance.now();
const members = readAlbum(doc, album)!.assets;
const albumReadMs = performance.now() - t0;
t0 = performance.now();
let selection = selectAll(members.length, (i) => members[i]);
const selectAllMs = performance.now() - t0;
const order = { position: { get: (id: AssetId) => members.indexOf(id) }, at: (i: number) => members[i] };
const toggles: number[] = [];
for (let i = 0; i < 1000; i++) {
  t0 = performance.now();
  selection = selectClick(selection, members[i % 10]!, { ...order, range: false });
  toggles.push(performance.now() - t0);
}
toggles.sort((a, b) => a - b);

// Each action on all selected, chunked; between chunks the "paint" rebuilds the timeline view.
// Chunks are sized and reported by this process's CPU time: on a shared machine the wall clock
// also counts the time the OS ran other engineers' jobs; the wall figures are kept beside it.
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let maxPaintMs = 0;
let wallStart = 0;
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(() => {
  const p0 = cpuNow();
  index.view(TimelineFilter.all);
  maxPaintMs = Math.max(maxPaintMs, cpuNow() - p0);
  wallStart = performance.now();
  resolve();
}, 0));
const actions: Record<string, unknown> = {};
const selected = [...selection.ids];
const edits: [string, LibraryEdit][] = [
  ['favorite', { kind: LibraryAction.favorite }],
  ['archive', { kind: LibraryAction.archive }],
  ['tag', { kind: LibraryAction.tag, tag: 'Bulk/Everything' }],
  ['trash', { kind: LibraryAction.trash }],
];
for (const [name, edit] of edits) {
  maxPaintMs = 0;
  const bytes0 = updateBytes;
  const chunkMs: number[] = [];
  const wallMs: number[] = [];
  wallStart = performance.now();
  const w0 = performance.now();
  const report = await applyBulk(doc, selected, edit, { pause, now: cpuNow, progress: (_d, _t, ms) => {
    chunkMs.push(round(ms));
    wallMs.push(round(performance.now() - wallStart));
  } });
  const wallTotal = performance.now() - w0;
  if (process.env.SHOEBOX_BENCH_VERBOSE) console.log(name, chunkMs.join(' '), '| wall', wallMs.join(' '));
  wallMs.sort((a, b) => a - b);
  actions[name] = {
    count: report.count, chunks: report.chunks, maxChunkCpuMs: round(report.maxChunkMs), totalCpuMs: round(report.totalMs), maxPaintCpuMs: round(maxPaintMs),
    totalWallMs: round(wallTotal), chunkWallMs: { median: wallMs[wallMs.length >> 1], max: wallMs[wallMs.length - 1] }, updateKB: round((updateBytes - bytes0) / 1024),
  };
  console.log(name, JSON.stringify(actions[name]));
}
const checks = {
  favourites: index.view(TimelineFilter.favorites).count,
  archive: index.view(TimelineFilter.archive).count,
  trash: index.view(TimelineFilter.trash).count,
};

const out = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  loadavg: { before: loadBefore.map(round), after: loadavg().map(round) },
  note: 'Shared machine: the load average shows how many others ran. Node, no IndexedDB: "updateKB" is what the transactions emit for y-indexeddb to store. Each action is chunked into transactions sized to half a 30 ms budget of CPU time; maxPaintCpuMs is the timeline view rebuilt between chunks (a repaint).',
  assets: n,
  albumReadMs: round(albumReadMs),
  selectAllMs: round(selectAllMs),
  toggleMs: { median: round(toggles[500]! * 1000) / 1000, p99: round(toggles[990]! * 1000) / 1000, max: round(toggles[999]! * 1000) / 1000 },
  actions,
  checks,
  targets: {
    'toggle ≤ 16 ms (p99)': toggles[990]! <= 16,
    'action on all ≤ 2000 ms (CPU)': Object.values(actions).every((a) => (a as { totalCpuMs: number }).totalCpuMs <= 2000),
    'no task > 50 ms (CPU)': Object.values(actions).every((a) => (a as { maxChunkCpuMs: number }).maxChunkCpuMs <= 50 && (a as { maxPaintCpuMs: number }).maxPaintCpuMs <= 50),
  },
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'library.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
