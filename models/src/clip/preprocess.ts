/**
 * CLIP image preprocessing exactly as open_clip (and Immich) do it on a PIL image: resize so the
 * short side is the model's size with Pillow's antialiased bicubic filter (8-bit, fixed point,
 * horizontal pass then vertical — a port of Pillow's Resample.c), centre crop as torchvision
 * does (Python's round-half-even offsets), then to float, ÷ 255, minus mean, ÷ std, NCHW.
 *
 *   const cfg = parsePreprocessConfig(JSON.parse(preprocessCfgJson));
 *   const input = clipImageInput(rgb, cfg); // Float32Array [3, 224, 224]
 */
import type { RgbImage } from '../faces/preprocess.js';

export type ClipPreprocessConfig = {
  /** Output side (square crop). */
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly interpolation: 'bicubic' | 'bilinear';
  readonly resizeMode: 'shortest';
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const triple = (value: unknown, name: string): [number, number, number] => {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`preprocess_cfg.json: ${name} must be three numbers`);
  return value as [number, number, number];
};

/** Reads open_clip's preprocess_cfg.json (untrusted). Throws on anything it cannot honour exactly. */
export const parsePreprocessConfig = (value: unknown): ClipPreprocessConfig => {
  if (!isRecord(value)) throw new Error('preprocess_cfg.json is not an object');
  const raw = value.size;
  const size = Array.isArray(raw) && raw.length === 2 && raw[0] === raw[1] ? (raw[0] as unknown) : raw;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 4096) throw new Error(`preprocess_cfg.json: unsupported size ${JSON.stringify(raw)}`);
  const interpolation = value.interpolation ?? 'bicubic';
  if (interpolation !== 'bicubic' && interpolation !== 'bilinear') throw new Error(`preprocess_cfg.json: unsupported interpolation ${JSON.stringify(interpolation)}`);
  const resizeMode = value.resize_mode ?? 'shortest';
  if (resizeMode !== 'shortest') throw new Error(`preprocess_cfg.json: unsupported resize_mode ${JSON.stringify(resizeMode)}`);
  if (value.mode !== undefined && value.mode !== 'RGB') throw new Error(`preprocess_cfg.json: unsupported mode ${JSON.stringify(value.mode)}`);
  const std = triple(value.std, 'std');
  if (std.some((s) => s <= 0)) throw new Error('preprocess_cfg.json: std must be positive');
  return { size, mean: triple(value.mean, 'mean'), std, interpolation, resizeMode };
};

const FILTERS = {
  // Pillow's bicubic, a = −0.5, support 2.
  bicubic: {
    support: 2,
    weight: (x: number): number => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  bilinear: { support: 1, weight: (x: number): number => Math.max(0, 1 - Math.abs(x)) },
} as const;

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis. */
const coefficients = (inSize: number, outSize: number, filter: (typeof FILTERS)[keyof typeof FILTERS]) => {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const kSize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * kSize);
  const row = new Float64Array(kSize);
  for (let xx = 0; xx < outSize; xx++) {
    const centre = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(centre - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(centre + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      row[x] = filter.weight((x + xmin - centre + 0.5) / filterScale);
      total += row[x] as number;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (row[x] as number) / total : (row[x] as number);
      weights[xx * kSize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, kSize };
};

const clip8 = (sum: number): number => Math.min(255, Math.max(0, Math.floor(sum / ONE)));

/** Pillow's Image.resize(size, BICUBIC | BILINEAR) on an 8-bit RGB image (box = whole image). */
export const resizeLikePillow = (image: RgbImage, width: number, height: number, interpolation: ClipPreprocessConfig['interpolation'] = 'bicubic'): RgbImage => {
  const filter = FILTERS[interpolation];
  const { channels, data } = image;
  const horizontal = coefficients(image.width, width, filter);
  const vertical = coefficients(image.height, height, filter);
  const needH = width !== image.width;
  const needV = height !== image.height;
  // Horizontal pass over only the rows the vertical pass reads.
  const first = needV ? (vertical.bounds[0] as number) : 0;
  const last = needV ? (vertical.bounds[height * 2 - 2] as number) + (vertical.bounds[height * 2 - 1] as number) : image.height;
  let source: { width: number; rows: number; data: Uint8Array; stride: number } = { width: image.width, rows: image.height, data: Uint8Array.from(data), stride: channels };
  let rowOffset = 0;
  if (needH) {
    const rows = last - first;
    const out = new Uint8Array(width * rows * 3);
    for (let y = 0; y < rows; y++) {
      const inRow = (y + first) * image.width;
      for (let xx = 0; xx < width; xx++) {
        const xmin = horizontal.bounds[xx * 2] as number;
        const xmax = horizontal.bounds[xx * 2 + 1] as number;
        const k = xx * horizontal.kSize;
        for (let c = 0; c < 3; c++) {
          let sum = ONE / 2;
          for (let x = 0; x < xmax; x++) sum += (data[(inRow + xmin + x) * channels + c] as number) * (horizontal.weights[k + x] as number);
          out[(y * width + xx) * 3 + c] = clip8(sum);
        }
      }
    }
    source = { width, rows, data: out, stride: 3 };
    rowOffset = first;
  }
  if (!needV) return { width, height, channels: 3, data: source.stride === 3 ? source.data : Uint8Array.from({ length: width * height * 3 }, (_, i) => source.data[Math.floor(i / 3) * source.stride + (i % 3)] as number) };
  const out = new Uint8Array(width * height * 3);
  for (let yy = 0; yy < height; yy++) {
    const ymin = (vertical.bounds[yy * 2] as number) - rowOffset;
    const ymax = vertical.bounds[yy * 2 + 1] as number;
    const k = yy * vertical.kSize;
    for (let xx = 0; xx < width; xx++) {
      for (let c = 0; c < 3; c++) {
        let sum = ONE / 2;
        for (let y = 0; y < ymax; y++) sum += (source.data[((ymin + y) * source.width + xx) * source.stride + c] as number) * (vertical.weights[k + y] as number);
        out[(yy * width + xx) * 3 + c] = clip8(sum);
      }
    }
  }
  return { width, height, channels: 3, data: out };
};

/** Python's round(): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** torchvision Resize(size) on a PIL image: the short side becomes `size`, the long side int(size · long / short). */
export const shortSideSize = (width: number, height: number, size: number): { width: number; height: number } => {
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { width: Math.trunc((size * width) / height), height: size };
};

/** NCHW [3, size, size] float32 model input for `image`. */
export const clipImageInput = (image: RgbImage, cfg: ClipPreprocessConfig): Float32Array => {
  if (image.width < 1 || image.height < 1) throw new Error(`image is ${image.width}×${image.height}`);
  if (image.data.length < image.width * image.height * image.channels) throw new Error(`image data has ${image.data.length} bytes for ${image.width}×${image.height}×${image.channels}`);
  const target = shortSideSize(image.width, image.height, cfg.size);
  const resized = target.width === image.width && target.height === image.height && image.channels === 3 ? image : resizeLikePillow(image, target.width, target.height, cfg.interpolation);
  const top = roundHalfEven((resized.height - cfg.size) / 2);
  const left = roundHalfEven((resized.width - cfg.size) / 2);
  const plane = cfg.size * cfg.size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // torch does this in float32: ToTensor's ÷ 255, then Normalize's − mean and ÷ std.
    const mean = Math.fround(cfg.mean[c] as number);
    const std = Math.fround(cfg.std[c] as number);
    for (let y = 0; y < cfg.size; y++) {
      for (let x = 0; x < cfg.size; x++) {
        const v = resized.data[((y + top) * resized.width + x + left) * resized.channels + c] as number;
        out[c * plane + y * cfg.size + x] = Math.fround(Math.fround(v / 255) - mean) / std;
      }
    }
  }
  return out;
};
