/**
 * The image repository's working copy: an embedded ICC profile still lands in sRGB although it
 * is applied after the shrink, and opaque images stay 3-channel (no alpha plane in the WebP).
 *
 *   npx vitest run --project unit blob-store/src/image.repository.test.ts
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createImageRepository } from './image.repository.js';

const images = createImageRepository({ maxInputPixels: 50_000_000 });
const colour = { r: 40, g: 200, b: 90 };

/** A 1200×800 photo-like gradient with `profile` embedded, so the decode must convert it to sRGB. */
const photo = async (profile: 'p3' | 'srgb', alpha = false): Promise<Buffer> => {
  const base = sharp({ create: { width: 1200, height: 800, channels: alpha ? 4 : 3, background: alpha ? { ...colour, alpha: 0.5 } : colour } });
  const image = base.withIccProfile(profile);
  return alpha ? image.png().toBuffer() : image.jpeg({ quality: 95 }).toBuffer();
};

const centre = async (input: Buffer | { data: Uint8Array; width: number; height: number; channels: 3 | 4 }): Promise<number[]> => {
  const pipeline = Buffer.isBuffer(input) ? sharp(input).toColourspace('srgb') : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return [...data.subarray(at, at + 3)];
};

describe('image repository working copy', () => {
  it('converts a Display P3 profile to sRGB like a full-size decode does', async () => {
    const input = await photo('p3');
    const expected = await centre(input); // sharp's own full-size conversion
    const prepared = await images.prepare({ kind: 'encoded', input }, 250);
    if (prepared.kind !== 'rgba') throw new Error('prepare returned an encoded source');
    expect(prepared.channels).toBe(3);
    expect({ width: prepared.image.width, height: prepared.image.height }).toEqual({ width: 375, height: 250 });
    expect(prepared.full).toEqual({ width: 1200, height: 800 });
    const got = await centre({ ...prepared.image, channels: 3 });
    got.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)), `channel ${i}: ${got} vs ${expected}`).toBeLessThanOrEqual(2));
    // withIccProfile stored the sRGB colour as P3 values; back in sRGB it is the colour again,
    // while the stored values differ enough that a skipped conversion fails the check above.
    expect(Math.max(...got.map((v, i) => Math.abs(v - [colour.r, colour.g, colour.b][i]!)))).toBeLessThanOrEqual(3);
    const stored = await sharp(input, { ignoreIcc: true }).raw().toBuffer();
    expect(Math.abs(stored[0]! - colour.r) + Math.abs(stored[1]! - colour.g) + Math.abs(stored[2]! - colour.b)).toBeGreaterThan(10);
  });

  it('keeps opaque images without alpha and images with alpha with it', async () => {
    for (const [alpha, channels] of [[false, 3], [true, 4]] as const) {
      const prepared = await images.prepare({ kind: 'encoded', input: await photo('srgb', alpha) }, 400);
      expect(prepared.kind === 'rgba' && prepared.channels).toBe(channels);
      const webp = await images.render(prepared, { format: 'webp', shortSide: 100, quality: 80 });
      expect(await sharp(webp.data).metadata()).toMatchObject({ format: 'webp', width: 150, height: 100, hasAlpha: alpha });
      const jpeg = await images.render(prepared, { format: 'jpeg', shortSide: 400, quality: 80 });
      expect(await sharp(jpeg.data).metadata()).toMatchObject({ format: 'jpeg', width: 600, height: 400, channels: 3 });
      const small = await images.small(prepared, 100);
      expect(small.rgba.length).toBe(small.width * small.height * 4);
    }
  });
});
