/**
 * `npm run bench:places`: offline reverse geocoding (ADR 0060) — time and memory to build the
 * index from the bundled GeoNames file, and throughput (assets per second) of `resolvePlaces`,
 * the worker's batch call, on (a) positions of a generated library (`createFactsGenerator`: six
 * cities, ±0.1°) and (b) uniformly random positions on Earth (70 % sea: the slower
 * country-borders path). Also "On this day" (memories/on-this-day.ts) over the same generated
 * library. Writes bench/results/places.json with the machine's load.
 *
 *   npm run bench:places          # ≈ 1 minute on 2 busy cores; BENCH_ASSETS=1000000 for a million
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { resolvePlaces } from '../client/src/domain/places/place-batch.js';
import { createReverseGeocoder } from '../client/src/domain/places/reverse-geocoder.js';
import { onThisDay } from '../client/src/domain/memories/on-this-day.js';

const TSV = path.resolve(import.meta.dirname, '..', 'client', 'src', 'domain', 'places', 'geodata', 'cities.tsv');
const OUT = path.resolve(import.meta.dirname, 'results', 'places.json');
const N = Number(process.env.BENCH_ASSETS ?? 200_000);
const ROUNDS = 2;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:places does)');
const memory = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const text = readFileSync(TSV, 'utf8');
const before = memory();
let started = performance.now();
const geocoder = createReverseGeocoder(text);
const buildMs = performance.now() - started;
geocoder.lookup(50.87, 4.7); // country-coder builds its own index on first use
const indexMemory = memory() - before;

const library = new Float64Array(2 * N);
const generator = createFactsGenerator(15, { assets: N });
const taken: { takenAt: string; trashedAt: null; archived: false }[] = [];
for (let i = 0; i < N; ) {
  const f = generator.next();
  taken.push({ takenAt: f.takenAt, trashedAt: null, archived: false });
  if (f.latitude === null || f.longitude === null) continue;
  library[2 * i] = f.latitude;
  library[2 * i + 1] = f.longitude;
  i++;
}
const RANDOM_N = Math.min(N, 20_000);
const random = new Float64Array(2 * RANDOM_N);
for (let i = 0; i < RANDOM_N; i++) {
  random[2 * i] = (Math.asin(2 * Math.random() - 1) * 180) / Math.PI;
  random[2 * i + 1] = Math.random() * 360 - 180;
}

const measure = (latLon: Float64Array) => {
  let best = Infinity;
  let batch = resolvePlaces(geocoder, latLon);
  for (let r = 0; r < ROUNDS; r++) {
    started = performance.now();
    batch = resolvePlaces(geocoder, latLon);
    best = Math.min(best, performance.now() - started);
  }
  const count = latLon.length / 2;
  const named = batch.index.reduce((n, i) => n + (i >= 0 && batch.places[i]!.city !== null ? 1 : 0), 0);
  return { assets: count, bestMs: Math.round(best), assetsPerSecond: Math.round((count / best) * 1000), withCity: named / count, distinctPlaces: batch.places.length };
};

const memories = (() => {
  let best = Infinity;
  let found = 0;
  for (let r = 0; r < ROUNDS; r++) {
    started = performance.now();
    found = onThisDay(taken, { year: 2026, month: 6, day: 1 }).reduce((n, m) => n + m.assets.length, 0);
    best = Math.min(best, performance.now() - started);
  }
  return { assets: taken.length, bestMs: Math.round(best), photosFound: found };
})();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg(),
  data: { file: 'client/src/domain/places/geodata/cities.tsv', bytes: Buffer.byteLength(text), cities: geocoder.cities },
  index: { buildMs: Math.round(buildMs), kdbushAndTablesBytes: geocoder.indexBytes, heapAndBuffersBytes: indexMemory },
  generatedLibrary: measure(library),
  randomWorld: measure(random),
  onThisDay: memories,
  loadavgAfter: os.loadavg(),
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
