import { describe, expect, it } from 'vitest';
import { readFactsChunk, writeFactsChunk } from './catalog-chunk.js';
import { CatalogDecodeError, takenSeconds, takenString } from './catalog-facts.js';
import { createFactsGenerator, factsOf } from './catalog-builders.js';
import { writeFactsChunkV1 } from './catalog-chunk-v1.js';
import { createRandom } from './random.js';

describe('facts chunk codec', () => {
  it('round-trips generated facts, names with and without a number pattern, nulls and extremes', () => {
    const gen = createFactsGenerator(3);
    const all = [
      ...Array.from({ length: 500 }, () => gen.next()),
      factsOf(1, { name: 'holiday photo (1).jpg', utcOffset: null, make: null, model: null, lens: null, thumbhash: null }),
      factsOf(2, { name: '0007.png', takenAt: '0001-01-01T00:00:00', latitude: -90, longitude: 180, kind: 'video', duration: 3600.5 }),
      factsOf(3, { name: 'IMG_0000000000000001.JPG', takenAt: '9999-12-31T23:59:59', utcOffset: -720, size: Number.MAX_SAFE_INTEGER }),
      factsOf(4, { name: 'ünïcødé 🌅.heic' }),
    ];
    const back = readFactsChunk(writeFactsChunk(all));
    expect(back).toEqual(all.map((f) => ({ lens: null, thumbhash: null, ...f })));
  });

  it('reads format-1 chunks (schema v2) and writes format 2 at least a fifth smaller on a realistic library', () => {
    const gen = createFactsGenerator(5, { assets: 100_000 });
    const all = Array.from({ length: 2048 }, () => gen.next());
    const v1 = writeFactsChunkV1(all);
    const v2 = writeFactsChunk(all);
    expect(v1[0]).toBe(1);
    expect(v2[0]).toBe(2);
    expect(readFactsChunk(v1)).toEqual(readFactsChunk(v2));
    expect(readFactsChunk(v2)).toEqual(all.map((f) => ({ lens: null, thumbhash: null, ...f })));
    expect(v2.length).toBeLessThan(v1.length * 0.8);
  });

  it('keeps thumbhashes that are not canonical base64, odd offsets and GPS at every anchor edge exactly', () => {
    const all = [
      factsOf(1, { thumbhash: 'not base64!', utcOffset: 7 }),
      factsOf(2, { thumbhash: 'YWJj', utcOffset: -345, latitude: 0.05, longitude: -0.05 }),
      factsOf(3, { thumbhash: '', latitude: -89.9999999, longitude: 179.9999999 }),
      factsOf(4, { thumbhash: 'YQ', latitude: 12.3456789, longitude: -123.4567891 }),
    ];
    expect(readFactsChunk(writeFactsChunk(all))).toEqual(all.map((f) => ({ lens: null, ...f })));
  });

  it('converts wall-clock times both ways without a Date', () => {
    for (const t of ['1970-01-01T00:00:00', '2024-02-29T12:34:56', '1900-03-01T00:00:01', '2100-12-31T23:59:59']) expect(takenString(takenSeconds(t))).toBe(t);
    expect(() => takenSeconds('2024-02-29 12:34')).toThrow(RangeError);
  });

  it('refuses facts it cannot store exactly', () => {
    expect(() => writeFactsChunk([factsOf(1, { size: -1 })])).toThrow(RangeError);
    expect(() => writeFactsChunk([factsOf(1, { takenAt: 'yesterday' })])).toThrow(RangeError);
    expect(() => writeFactsChunk([factsOf(1, { latitude: 1 })])).toThrow(/together/);
  });

  it('rejects random and mutated bytes with CatalogDecodeError only (fuzz)', () => {
    const rand = createRandom(11);
    const gen = createFactsGenerator(12);
    const goods = [writeFactsChunk(Array.from({ length: 20 }, () => gen.next())), writeFactsChunkV1(Array.from({ length: 20 }, (_, i) => factsOf(i)))];
    const truncated = (good: Uint8Array): Uint8Array => good.slice(0, 1 + Math.floor(rand() * good.length));
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = i % 2 === 0 ? Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)) : truncated(goods[(i >> 1) % 2]!);
      if (i % 3 === 0) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        const out = readFactsChunk(bytes);
        expect(Array.isArray(out)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(CatalogDecodeError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(2000);
  });
});
