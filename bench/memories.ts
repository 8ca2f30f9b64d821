/**
 * `npm run bench:memories`: "On this day" at the top of the timeline (ADR 0084) on a generated
 * library (`createFactsGenerator`) in a real TimelineIndex: `onThisDayInView` (day runs first, then
 * only matching days' assets) against `onThisDay` over every asset of the "all" view (which must
 * build every CatalogAsset first, as the app would), each on 30 different days of the year, first
 * call and best/median after. Writes bench/results/memories.json with the machine's load.
 *
 *   npm run bench:memories        # ≈ 1 minute on 2 busy cores at 100,000; BENCH_ASSETS=… for more
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { addAssets } from '../protocol/src/index.js';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { TimelineFilter, TimelineIndex } from '../client/src/domain/catalog/timeline-index.js';
import { onThisDayInView } from '../client/src/domain/memories/memories-of-view.js';
import { onThisDay, type LocalDay } from '../client/src/domain/memories/on-this-day.js';

const OUT = path.resolve(import.meta.dirname, 'results', 'memories.json');
const N = Number(process.env.BENCH_ASSETS ?? 100_000);
if (!(N > 0 && N <= 2_000_000)) throw new Error('BENCH_ASSETS must be 1…2,000,000');

const doc = new Y.Doc();
const generator = createFactsGenerator(3, { assets: N });
for (let done = 0; done < N; done += 50_000) addAssets(doc, Array.from({ length: Math.min(50_000, N - done) }, () => generator.next()));
let started = performance.now();
const view = new TimelineIndex(doc).view(TimelineFilter.all);
const indexMs = performance.now() - started;

// 30 days spread over the year, "today" in 2026 (the generated library runs back from June 2026).
const days: LocalDay[] = Array.from({ length: 30 }, (_, i) => {
  const d = new Date(2026, 0, 1 + i * 12);
  return { year: 2026, month: d.getMonth() + 1, day: d.getDate() };
});

const measure = (run: (day: LocalDay) => number) => {
  const times: number[] = [];
  let photos = 0;
  for (const day of days) {
    const t = performance.now();
    photos += run(day);
    times.push(performance.now() - t);
  }
  const first = times[0]!;
  const rest = times.slice(1).sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { firstMs: round(first), bestMs: round(rest[0]!), medianMs: round(rest[rest.length >> 1]!), maxMs: round(rest[rest.length - 1]!), photosFound: photos };
};

const count = (memories: { assets: readonly unknown[]; count?: number }[]) => memories.reduce((n, m) => n + (m.count ?? m.assets.length), 0);
const fromRuns = measure((day) => count(onThisDayInView(view, day)));
started = performance.now();
const all = [...view.order];
const buildAssetsMs = performance.now() - started;
const overEveryAsset = measure((day) => count(onThisDay(all, day)));
if (fromRuns.photosFound !== overEveryAsset.photosFound) throw new Error(`mismatch: ${fromRuns.photosFound} vs ${overEveryAsset.photosFound}`);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg(),
  assets: N,
  dayRuns: view.runs.length,
  timelineIndexMs: Math.round(indexMs),
  onThisDayInView: fromRuns,
  onThisDayOverEveryAsset: { buildAllAssetsOnceMs: Math.round(buildAssetsMs), ...overEveryAsset },
  loadavgAfter: os.loadavg(),
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
