import { describe, expect, it } from 'vitest';
import { CatalogDecodeError, readFactsChunk, takenSeconds, takenString, writeFactsChunk } from './catalog-facts.js';
import { createFactsGenerator, factsOf } from './catalog-builders.js';
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
    const good = writeFactsChunk(Array.from({ length: 20 }, (_, i) => factsOf(i)));
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = i % 2 === 0 ? Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)) : good.slice(0, 1 + Math.floor(rand() * good.length));
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
