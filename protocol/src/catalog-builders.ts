/**
 * Test and benchmark builders for catalog facts: deterministic from a number, or from a
 * seeded generator with realistic distributions (phones and cameras, bursts per day, GPS
 * on most phone photos, a few videos). Shared by protocol tests, the simulation and bench.
 *
 *   const f = factsOf(7);                        // one deterministic asset
 *   const gen = createFactsGenerator(42); gen.next()   // realistic, seeded
 */
import * as Y from 'yjs';
import type { AssetFacts } from './catalog-facts.js';
import type { BlobHash } from './ids.js';

import { createRandom } from './random.js';

/** A Y.Doc with a fixed client id, so tests that merge replicas are deterministic. */
export const replica = (clientID: number): Y.Doc => {
  const d = new Y.Doc();
  d.clientID = clientID;
  return d;
};

/** Exchanges every replica's missing updates with every other (full sync of all pairs). */
export const syncReplicas = (...docs: Y.Doc[]): void => {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
};

/**
 * Two synced replicas (client ids 1 and 2) that both hold the given facts, imported on the first:
 * the start of most two-device SPEC tests. `addAll` is the catalog's addAssets (the builders
 * import nothing of the catalog so that the catalog's own modules can use them).
 */
export const replicaPair = (facts: readonly AssetFacts[], addAll: (doc: Y.Doc, facts: readonly AssetFacts[]) => unknown): [Y.Doc, Y.Doc] => {
  const a = replica(1);
  const b = replica(2);
  addAll(a, facts);
  syncReplicas(a, b);
  return [a, b];
};

const hex64 = (rand: () => number): BlobHash => {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s as BlobHash;
};

/** A deterministic asset for tests: hash from n, taken on day n. */
export const factsOf = (n: number, over: Partial<AssetFacts> = {}): AssetFacts => ({
  hash: n.toString(16).padStart(64, '0') as BlobHash,
  kind: 'image',
  mime: 'image/jpeg',
  name: `IMG_${n}.jpg`,
  size: 1000 + n,
  width: 4000,
  height: 3000,
  orientation: 1,
  takenAt: new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 19),
  utcOffset: 60,
  importedAt: 1_700_000_000_000,
  latitude: null,
  longitude: null,
  make: 'Canon',
  model: 'EOS R6',
  duration: null,
  ...over,
});

const CAMERAS = [
  ['Apple', 'iPhone 15 Pro', 'iPhone 15 Pro back triple camera 6.86mm f/1.78', 4032, 3024, 'image/heic'],
  ['Apple', 'iPhone 12', 'iPhone 12 back dual wide camera 4.2mm f/1.6', 4032, 3024, 'image/heic'],
  ['Google', 'Pixel 8', null, 4080, 3072, 'image/jpeg'],
  ['samsung', 'SM-S918B', null, 4000, 3000, 'image/jpeg'],
  ['Canon', 'Canon EOS R6', 'RF24-105mm F4 L IS USM', 6000, 4000, 'image/jpeg'],
  ['SONY', 'ILCE-7M3', 'FE 24-70mm F2.8 GM', 6000, 4000, 'image/jpeg'],
  ['FUJIFILM', 'X-T4', 'XF23mmF1.4 R', 6240, 4160, 'image/jpeg'],
] as const;
const PLACES = [[52.52, 13.405], [48.8566, 2.3522], [40.7128, -74.006], [35.6762, 139.6503], [-33.8688, 151.2093], [51.5074, -0.1278]] as const;

export interface FactsGenerator {
  next(): AssetFacts;
}

/**
 * Realistic library: back from 2026 (about 15 years when `assets` says how many will be drawn), photos come in day bursts (a few to a few
 * hundred per active day), 70 % phones (GPS on 85 % of those), 8 % videos, 30 % with thumbhash.
 */
export const createFactsGenerator = (seed: number, options: { thumbhash?: number; assets?: number } = {}): FactsGenerator => {
  const rand = createRandom(seed);
  const thumbRate = options.thumbhash ?? 0.3;
  // Mean photos per active day so that `assets` photos span about 15 years (≥ 25 a day).
  const perDay = Math.max(25, (options.assets ?? 0) / 2200);
  let day = Date.UTC(2026, 5, 1) / 1000;
  let leftToday = 0;
  let clock = 0;
  let counter = 0;
  let camera: (typeof CAMERAS)[number] = CAMERAS[0];
  let place: readonly [number, number] = PLACES[0];
  return {
    next() {
      if (leftToday === 0) {
        day -= 86_400 * (1 + Math.floor(-Math.log(1 - rand()) * 1.5));
        leftToday = 1 + Math.floor(-Math.log(1 - rand()) * perDay);
        clock = day + 7 * 3600 + Math.floor(rand() * 4 * 3600);
        camera = rand() < 0.7 ? CAMERAS[Math.floor(rand() * 4)]! : CAMERAS[4 + Math.floor(rand() * 3)]!;
        place = PLACES[Math.floor(rand() * PLACES.length)]!;
      }
      leftToday--;
      clock += 1 + Math.floor(rand() * 600);
      counter++;
      const video = rand() < 0.08;
      const phone = camera[0] === 'Apple' || camera[0] === 'Google' || camera[0] === 'samsung';
      const gps = phone && rand() < 0.85;
      const portrait = rand() < 0.35;
      const th = rand() < thumbRate;
      return {
        hash: hex64(rand),
        kind: video ? 'video' : 'image',
        mime: video ? 'video/mp4' : camera[5],
        name: video ? `VID_${String(counter).padStart(4, '0')}.MP4` : `IMG_${String(counter % 10000).padStart(4, '0')}.${camera[5] === 'image/heic' ? 'HEIC' : 'JPG'}`,
        size: video ? 5_000_000 + Math.floor(rand() * 200_000_000) : 1_500_000 + Math.floor(rand() * 6_000_000),
        width: video ? (portrait ? 1080 : 1920) : portrait ? camera[4] : camera[3],
        height: video ? (portrait ? 1920 : 1080) : portrait ? camera[3] : camera[4],
        orientation: portrait ? 6 : 1,
        takenAt: new Date(clock * 1000).toISOString().slice(0, 19),
        utcOffset: phone ? 60 * Math.round((place[1] / 15)) : null,
        importedAt: 1_750_000_000_000 + Math.floor(counter / 500) * 60_000,
        latitude: gps ? Math.round((place[0] + (rand() - 0.5) * 0.2) * 1e6) / 1e6 : null,
        longitude: gps ? Math.round((place[1] + (rand() - 0.5) * 0.2) * 1e6) / 1e6 : null,
        make: camera[0],
        model: camera[1],
        lens: video ? null : camera[2],
        duration: video ? Math.round(rand() * 120_000) / 1000 : null,
        thumbhash: th ? btoa(String.fromCharCode(...Array.from({ length: 24 }, () => Math.floor(rand() * 256)))) : null,
      };
    },
  };
};
