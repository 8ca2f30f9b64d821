import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAsset, factsIndex, getAsset, observeAssets, setPlaceOverride, setRating, setTakenOverride, compactFacts, addAssets } from './catalog.js';
import { EXTRACTED_KEY, extractedIndex, readExtractedChunk, writeExtracted, writeExtractedChunk, type ExtractedMetadata } from './catalog-extracted.js';
import { createFactsGenerator, factsOf, replica, syncReplicas } from './catalog-builders.js';
import { CatalogDecodeError } from './catalog-facts.js';
import { assetIdOf } from './ids.js';

const id = (n: number) => assetIdOf(factsOf(n).hash);
const exif = (n: number, over: Partial<ExtractedMetadata> = {}): ExtractedMetadata => ({
  hash: factsOf(n).hash,
  takenAt: '2022-01-10T15:15:44',
  utcOffset: -240,
  latitude: 40.7128,
  longitude: -74.006,
  make: 'Canon',
  model: 'EOS 5D',
  lens: 'EF 24-70mm',
  width: 5472,
  height: 3648,
  rating: 4,
  keywords: ['beach', 'family'],
  fNumber: 2.8,
  exposureTime: 1 / 250,
  iso: 400,
  focalLength: 35,
  ...over,
});
const factsFor = (doc: Y.Doc) => (hash: string) => factsIndex(doc).get(assetIdOf(hash as never));

describe('catalog SPEC: server-extracted metadata', () => {
  it('[X1] extracted date, offset, place, camera and size replace the import-time facts as shown', () => {
    const d = replica(1);
    addAsset(d, factsOf(1));
    expect(writeExtracted(d, [exif(1)], factsFor(d))).toBe(1);
    const a = getAsset(d, id(1))!;
    expect([a.takenAt, a.utcOffset, a.latitude, a.longitude, a.make, a.model, a.lens, a.width, a.height, a.rating])
      .toEqual(['2022-01-10T15:15:44', -240, 40.7128, -74.006, 'Canon', 'EOS 5D', 'EF 24-70mm', 5472, 3648, 4]);
    expect(factsIndex(d).get(id(1))!.takenAt).toBe(factsOf(1).takenAt); // the facts stay
  });

  it('[X1] user overrides of date, place and rating still win over extracted values', () => {
    const d = replica(1);
    addAsset(d, factsOf(1));
    setTakenOverride(d, id(1), { takenAt: '1999-12-31T23:59:00', utcOffset: 60 });
    setPlaceOverride(d, id(1), { latitude: 1, longitude: 2 });
    setRating(d, id(1), 2);
    writeExtracted(d, [exif(1)], factsFor(d));
    const a = getAsset(d, id(1))!;
    expect([a.takenAt, a.utcOffset, a.latitude, a.longitude, a.rating, a.make]).toEqual(['1999-12-31T23:59:00', 60, 1, 2, 2, 'Canon']);
    setTakenOverride(d, id(1), null);
    expect(getAsset(d, id(1))!.takenAt).toBe('2022-01-10T15:15:44');
  });

  it('[X2] the same extraction written twice makes no new update; a changed one replaces it everywhere', () => {
    const d = replica(1);
    addAsset(d, factsOf(1));
    writeExtracted(d, [exif(1)], factsFor(d));
    let updates = 0;
    d.on('update', () => updates++);
    expect(writeExtracted(d, [exif(1)], factsFor(d))).toBe(0);
    expect(updates).toBe(0);
    expect(writeExtracted(d, [exif(1, { rating: 5, keywords: ['x'] })], factsFor(d))).toBe(1);
    const other = replica(2);
    syncReplicas(d, other);
    expect(extractedIndex(other).records.get(factsOf(1).hash)).toMatchObject({ rating: 5, keywords: ['x'] });
    expect(getAsset(other, id(1))).toEqual(getAsset(d, id(1)));
  });

  it('[X3] a record a device writes is read like the server\'s (the relay does not filter content) and still loses to overrides', () => {
    const device = replica(1);
    addAsset(device, factsOf(1));
    setTakenOverride(device, id(1), { takenAt: '2001-01-01T00:00:00', utcOffset: null });
    device.getArray<Uint8Array>(EXTRACTED_KEY).push([writeExtractedChunk([exif(1, { takenAt: '2030-01-01T00:00:00' })])]);
    expect(getAsset(device, id(1))!.takenAt).toBe('2001-01-01T00:00:00');
  });

  it('[X4] fields equal to the device facts are not stored; an extraction that agrees wholly writes nothing', () => {
    const d = replica(1);
    const f = factsOf(1, { make: 'Canon', model: 'EOS 5D', lens: null });
    addAsset(d, f);
    const same: ExtractedMetadata = { hash: f.hash, takenAt: f.takenAt, utcOffset: f.utcOffset ?? undefined, make: 'Canon', model: 'EOS 5D', width: f.width, height: f.height, ...(f.latitude !== null ? { latitude: f.latitude, longitude: f.longitude! } : {}) };
    expect(writeExtracted(d, [same], factsFor(d))).toBe(0);
    expect(d.getArray(EXTRACTED_KEY).length).toBe(0);
    writeExtracted(d, [{ ...same, lens: 'EF 50mm' }], factsFor(d));
    expect(extractedIndex(d).records.get(f.hash)).toEqual({ hash: f.hash, lens: 'EF 50mm' });
  });

  it('[X4] bytes per asset: a full record and a typical differing one, measured on 10,000 generated assets', () => {
    const gen = createFactsGenerator(7);
    const facts = Array.from({ length: 10_000 }, () => gen.next());
    const measure = (make: (f: (typeof facts)[number]) => ExtractedMetadata): number => {
      const d = replica(1);
      addAssets(d, facts);
      compactFacts(d);
      const before = Y.encodeStateAsUpdate(d).length;
      for (let i = 0; i < facts.length; i += 2048) writeExtracted(d, facts.slice(i, i + 2048).map(make), factsFor(d));
      return (Y.encodeStateAsUpdate(d).length - before) / facts.length;
    };
    // The device read another offset (exifr vs ExifTool) and no lens: the typical disagreement.
    const typical = measure((f) => ({ hash: f.hash, takenAt: f.takenAt, utcOffset: (f.utcOffset ?? 0) + 60, lens: 'EF 24-70mm f/2.8L II USM', make: f.make ?? undefined, model: f.model ?? undefined }));
    const full = measure((f) => exif(0, { hash: f.hash, takenAt: f.takenAt.replace(/:\d\d$/, ':07') }));
    console.log(`[X4] extracted bytes/asset: typical ${typical.toFixed(1)}, full ${full.toFixed(1)}`);
    expect(typical).toBeLessThan(48);
    expect(full).toBeLessThan(96);
  });

  it('[X5] a malformed chunk is skipped and counted; reading never throws', () => {
    const d = replica(1);
    addAsset(d, factsOf(1));
    writeExtracted(d, [exif(1)], factsFor(d));
    const good = writeExtractedChunk([exif(1, { make: 'Nikon' })]);
    d.getArray<unknown>(EXTRACTED_KEY).push([good.slice(0, good.length - 3), new Uint8Array([9, 9]), 'text', good.slice(0, 5)]);
    expect(extractedIndex(d).badChunks).toBe(4);
    expect(getAsset(d, id(1))!.make).toBe('Canon');
    expect(() => readExtractedChunk(new Uint8Array([1, 1, 0, ...new Uint8Array(32), 0x80, 0x80, 0x80, 0x80, 1]))).toThrow(CatalogDecodeError);
    expect(() => readExtractedChunk(Uint8Array.of(...good, 0))).toThrow(/trailing/);
  });

  it('[X5] invalid records are refused before they are written', () => {
    expect(() => writeExtractedChunk([exif(1, { latitude: 91 })])).toThrow(RangeError);
    expect(() => writeExtractedChunk([exif(1, { rating: 6 })])).toThrow(RangeError);
    expect(() => writeExtractedChunk([{ hash: 'x'.repeat(64) as never }])).toThrow(RangeError);
  });

  it('[X6] replicas that received the same extraction updates in any order show identical assets; observers see them', () => {
    const server = replica(9);
    const a = replica(1);
    const b = replica(2);
    for (let n = 1; n <= 5; n++) addAsset(a, factsOf(n));
    syncReplicas(a, server);
    const u1 = Y.encodeStateAsUpdate(server);
    writeExtracted(server, [exif(1), exif(2)], factsFor(server));
    const u2 = Y.encodeStateAsUpdate(server, Y.encodeStateVector(replica(3)));
    writeExtracted(server, [exif(2, { make: 'Sony' }), exif(3)], factsFor(server));
    const u3 = Y.encodeStateAsUpdate(server);
    const seen = new Set<string>();
    observeAssets(b, (ids) => ids.forEach((x) => seen.add(x)));
    for (const u of [u3, u2, u1, u3]) Y.applyUpdate(b, u);
    Y.applyUpdate(a, u2);
    Y.applyUpdate(a, u3);
    for (let n = 1; n <= 5; n++) expect(getAsset(b, id(n))).toEqual(getAsset(a, id(n)));
    expect(getAsset(b, id(2))!.make).toBe('Sony');
    expect(seen.has(id(3))).toBe(true);
  });
});
