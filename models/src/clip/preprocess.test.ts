/**
 * open_clip preprocessing: Pillow's fixed-point bicubic resize (hand-computed cases), the
 * torchvision short-side size and half-even centre crop, and float32 normalisation.
 */
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../faces/preprocess.js';
import { clipImageInput, parsePreprocessConfig, resizeLikePillow, shortSideSize } from './preprocess.js';

const grey = (width: number, height: number, value: (x: number, y: number) => number): RgbImage => ({
  width,
  height,
  channels: 3,
  data: Uint8Array.from({ length: width * height * 3 }, (_, i) => value(Math.floor(i / 3) % width, Math.floor(i / 3 / width))),
});
const CFG = parsePreprocessConfig({ size: [224, 224], mode: 'RGB', mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711], interpolation: 'bicubic', resize_mode: 'shortest' });

describe('open_clip preprocessing', () => {
  it('downsamples like Pillow: antialiased bicubic, fixed point', () => {
    // [0, 255, 0, 255] → 2 wide: weights ∝ k(−0.25), k(0.25), k(0.75), k(1.25) with a = −0.5,
    // i.e. (0.8671875, 0.8671875, 0.2265625, −0.0703125) / 1.890625 → 255 · 0.42149 = 107.48 → 107.
    const out = resizeLikePillow(grey(4, 1, (x) => (x % 2) * 255), 2, 1);
    expect(out.data[0]).toBe(107);
    // Mirror image for the second output pixel: 255 · (0.45868 + 0.11983) = 147.52 → 148.
    expect(out.data[3]).toBe(148);
  });

  it('keeps a flat image flat and an already-sized image unchanged', () => {
    const flat = resizeLikePillow(grey(640, 480, () => 200), 298, 224);
    expect(flat.data.every((v) => v === 200)).toBe(true);
    const same = grey(224, 224, (x, y) => (x * 7 + y * 3) % 256);
    const input = clipImageInput(same, CFG);
    expect(input[0]).toBeCloseTo((0 / 255 - 0.48145466) / 0.26862954, 6);
    expect(input[5]).toBeCloseTo(((5 * 7) / 255 - 0.48145466) / 0.26862954, 6);
    expect(input[224 * 224 + 224]).toBeCloseTo((3 / 255 - 0.4578275) / 0.26130258, 6);
  });

  it('resizes the short side to 224 and crops the centre with half-even offsets', () => {
    expect(shortSideSize(640, 480, 224)).toEqual({ width: 298, height: 224 });
    expect(shortSideSize(480, 641, 224)).toEqual({ width: 224, height: 299 });
    // 299 wide → offset round(37.5) = 38 (half-even); a vertical stripe at source column 38 lands at 0.
    const striped = grey(299, 224, (x) => (x === 38 ? 255 : 0));
    const input = clipImageInput(striped, CFG);
    expect(input[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 5);
    expect(input[1]).toBeCloseTo((0 - 0.48145466) / 0.26862954, 5);
  });

  it('refuses preprocessing configs it cannot honour', () => {
    expect(() => parsePreprocessConfig({ size: 224, mean: [0, 0, 0], std: [1, 1, 1], resize_mode: 'squash' })).toThrow(/resize_mode/);
    expect(() => parsePreprocessConfig({ size: [224, 256], mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/size/);
    expect(() => parsePreprocessConfig({ size: 224, mean: [0, 0], std: [1, 1, 1] })).toThrow(/mean/);
    expect(() => parsePreprocessConfig({ size: 224, mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/std/);
  });
});
