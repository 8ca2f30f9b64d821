import { readFileSync } from 'node:fs';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import type { BlobHash } from '../../../../protocol/src/index.js';
import { EXIF_OPTIONS, buildAssetFacts, parseExifDate, parseOffset, type RawExif } from './asset-facts.js';
import { detectMedia, sniffMedia } from './file-kind.js';

const ASSETS = new URL('../../../../../shared/data/immich-test-assets/', import.meta.url);
const HASH = 'a'.repeat(64) as BlobHash;

const factsOf = async (path: string, decoded: { width: number; height: number } | null = null) => {
  const bytes = readFileSync(new URL(path, ASSETS));
  const media = sniffMedia(bytes.subarray(0, 64));
  if (!media) throw new Error(`not media: ${path}`);
  let exif: RawExif | null = null;
  try {
    exif = ((await exifr.parse(bytes, { ...EXIF_OPTIONS, pick: [...EXIF_OPTIONS.pick] })) as RawExif | undefined) ?? null;
  } catch {
    exif = null;
  }
  return buildAssetFacts({ hash: HASH, file: { name: path.split('/').pop() ?? path, size: bytes.length, lastModified: Date.UTC(2020, 0, 2, 3, 4, 5) }, media, exif, decoded, duration: null, importedAt: 1 });
};

describe('asset facts from real photos', () => {
  it('reads date, camera and size from a Canon JPEG', async () => {
    const f = await factsOf('metadata/tags/picasa.jpg');
    expect(f).toMatchObject({ kind: 'image', mime: 'image/jpeg', takenAt: '2010-02-13T14:55:31', utcOffset: null, make: 'Canon', model: 'Canon PowerShot SD1100 IS', width: 2592, height: 1944, orientation: 1 });
  });

  it('reads OffsetTimeOriginal and swaps EXIF size for orientation 6 (HEIC)', async () => {
    const f = await factsOf('formats/motionphoto/samsung-one-ui-6.heic');
    expect(f).toMatchObject({ mime: 'image/heic', takenAt: '2024-01-12T21:38:53', utcOffset: -480, orientation: 6, width: 3000, height: 4000, make: 'samsung' });
  });

  it('reads GPS coordinates', async () => {
    const f = await factsOf('formats/heic/IMG_2682.heic');
    expect(f.latitude).toBeCloseTo(41.2203, 4);
    expect(f.longitude).toBeCloseTo(-96.071625, 5);
    expect(f.model).toBe('iPhone 7');
  });

  it('ignores empty GPS and prefers DateTimeOriginal over CreateDate', async () => {
    expect(await factsOf('metadata/gps-position/empty_gps.jpg')).toMatchObject({ latitude: null, longitude: null });
    expect((await factsOf('metadata/dates/date-priority-test.jpg')).takenAt).toBe('2023-02-02T02:00:00');
  });

  it('falls back to the file time and decoded size without EXIF (WebP)', async () => {
    const f = await factsOf('formats/webp/denali.webp', { width: 800, height: 600 });
    expect(f.mime).toBe('image/webp');
    expect(f.width).toBe(800);
    expect(f.takenAt).toMatch(/^2020-01-0[12]T\d\d:04:05$/);
    expect(f.utcOffset).not.toBeNull();
  });

  it('prefers the decoded (oriented) size over EXIF', async () => {
    const f = await factsOf('metadata/rating/mongolels.jpg', { width: 950, height: 634 });
    expect([f.width, f.height]).toEqual([950, 634]);
  });
});

describe('parsers', () => {
  it('parses EXIF dates and offsets', () => {
    expect(parseExifDate('2009:08:29 13:18:08')).toBe('2009-08-29T13:18:08');
    expect(parseExifDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseExifDate(42)).toBeNull();
    expect(parseOffset('+05:30')).toBe(330);
    expect(parseOffset('-08:00')).toBe(-480);
    expect(parseOffset('Z')).toBeNull();
  });

  it('sniffs media types and rejects other files', () => {
    const bytes = (path: string) => readFileSync(new URL(path, ASSETS)).subarray(0, 64);
    expect(sniffMedia(bytes('formats/avif/8bit-sRGB.avif'))?.mime).toBe('image/avif');
    expect(sniffMedia(bytes('formats/jxl/8bit-sRGB.jxl'))?.mime).toBe('image/jxl');
    expect(sniffMedia(bytes('formats/png/density_plot.png'))?.mime).toBe('image/png');
    const text = new TextEncoder().encode('hello, this is not a photo');
    expect(detectMedia(text, 'text/plain')).toBeNull();
    expect(detectMedia(text, '')).toBeNull();
    expect(detectMedia(text, 'video/mp4')).toEqual({ kind: 'video', mime: 'video/mp4' });
    const mp4 = new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypisom')]);
    expect(sniffMedia(mp4)).toEqual({ kind: 'video', mime: 'video/mp4' });
  });
});
