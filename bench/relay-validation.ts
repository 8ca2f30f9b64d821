/**
 * `npm run bench:relay-validation`: what the relay's update check (sync-server/src/update-check.ts)
 * costs per update, next to Y.applyUpdate itself, on a catalog room holding N assets (facts
 * chunks plus favourites): a typical edit (one favourite), a burst edit (100 favourites), a
 * relayed fan-out frame, and a `meta` write. Prints JSON and writes
 * bench/results/relay-validation.json.
 *
 *   npm run bench:relay-validation               # 10,000 assets
 *   BENCH_ASSETS=100000 npm run bench:relay-validation
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { CATALOG_SCHEMA_VERSION, addAssets, catalogMaps, catalogRoom, initCatalog, roomSchemaOf, type AssetId, type UserId } from '../protocol/src/index.js';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { checkUpdate } from '../sync-server/src/update-check.js';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 10_000);
const schema = roomSchemaOf(catalogRoom('bench' as UserId));

const room = new Y.Doc();
initCatalog(room);
const generator = createFactsGenerator(7, { assets: ASSETS });
const facts = Array.from({ length: ASSETS }, () => generator.next());
addAssets(room, facts);
const { favorite } = catalogMaps(room);
room.transact(() => facts.forEach((f, i) => i % 3 === 0 && favorite.set(f.hash, true)));

/** Updates a device would send next, made on a replica of the room. */
const updatesOf = (edit: (doc: Y.Doc, i: number) => void, count: number): Uint8Array[] => {
  const device = new Y.Doc();
  Y.applyUpdate(device, Y.encodeStateAsUpdate(room));
  const out: Uint8Array[] = [];
  device.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < count; i++) edit(device, i);
  device.destroy();
  return out;
};

const ids = facts.map((f) => f.hash as string as AssetId);
const cases: Record<string, Uint8Array[]> = {
  'one favourite': updatesOf((d, i) => catalogMaps(d).favorite.set(ids[i % ids.length]!, i % 2 === 0), 2000),
  '100 favourites in one transaction': updatesOf((d, i) => d.transact(() => { for (let k = 0; k < 100; k++) catalogMaps(d).favorite.set(ids[(i * 100 + k) % ids.length]!, true); }), 200),
  'meta.schemaVersion': updatesOf((d, i) => catalogMaps(d).meta.set('schemaVersion', i % 2 === 0 ? CATALOG_SCHEMA_VERSION - 1 : CATALOG_SCHEMA_VERSION), 20),
};

const perUpdate = (updates: Uint8Array[], work: (u: Uint8Array) => void): number => {
  const started = process.hrtime.bigint();
  for (const u of updates) work(u);
  return Number(process.hrtime.bigint() - started) / 1000 / updates.length;
};

const results: Record<string, { updates: number; bytesMean: number; checkUs: number; applyUs: number; checkOverApply: number }> = {};
for (const [name, updates] of Object.entries(cases)) {
  // Check against the room as it is before each update, then apply: the relay's write path.
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room));
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(room));
  perUpdate(updates.slice(0, 10), (u) => checkUpdate(doc, schema, u)); // warm-up
  let checkUs = 0;
  let applyUs = 0;
  for (const u of updates) {
    checkUs += perUpdate([u], (x) => checkUpdate(doc, schema, x));
    applyUs += perUpdate([u], (x) => Y.applyUpdate(doc, x));
  }
  checkUs /= updates.length;
  applyUs /= updates.length;
  const bytesMean = Math.round(updates.reduce((n, u) => n + u.byteLength, 0) / updates.length);
  results[name] = { updates: updates.length, bytesMean, checkUs: +checkUs.toFixed(1), applyUs: +applyUs.toFixed(1), checkOverApply: +(checkUs / applyUs).toFixed(2) };
}

const out = { assets: ASSETS, roomBytes: Y.encodeStateAsUpdate(room).byteLength, node: process.version, results };
console.log(JSON.stringify(out, null, 2));
const dir = path.resolve(import.meta.dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'relay-validation.json'), JSON.stringify(out, null, 2) + '\n');
