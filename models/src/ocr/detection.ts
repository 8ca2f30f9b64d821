/**
 * PaddleOCR's DB text detection around the network: the input (resize so the longer side is at
 * most `maxSide`, both sides multiples of 32, BGR, ImageNet mean/std) and the post-processing of
 * its probability map (binarise at 0.3, one box per connected region, minimum-area rectangle,
 * the region's mean probability ≥ 0.6, "unclip" by area × 1.5 / perimeter, back to image pixels), as in
 * PaddleOCR's DBPostProcess with its defaults.
 *
 *   const input = detectionInput(image, 960, manifest.detection);           // { data, width, height }
 *   const boxes = textBoxes(probabilityMap, input, image.width, image.height); // [[tl, tr, br, bl], …]
 */
import type { RgbImage } from '../faces/preprocess.js';
import { minAreaRect, rectCorners, type Point } from './geometry.js';

export type Quad = readonly [Point, Point, Point, Point];

export type DetectionInput = { readonly data: Float32Array; readonly width: number; readonly height: number };

export type DbOptions = {
  /** Probability above which a pixel is text (PaddleOCR det_db_thresh). */
  readonly threshold: number;
  /** Minimum mean probability inside a box (det_db_box_thresh). */
  readonly boxThreshold: number;
  /** Growth of each box by area × ratio / perimeter (det_db_unclip_ratio). */
  readonly unclipRatio: number;
  /** Regions kept at most (max_candidates). */
  readonly maxCandidates: number;
};

export const DEFAULT_DB_OPTIONS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, maxCandidates: 1000 };
const MIN_SIDE = 3;

/** Network input size for an image: longer side ≤ maxSide, each side rounded to a multiple of 32. */
export const detectionSize = (width: number, height: number, maxSide: number): { width: number; height: number } => {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const round32 = (v: number): number => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return { width: round32(width), height: round32(height) };
};

/** NCHW [3, H, W] BGR float32 input, bilinear resize with half-pixel centres (OpenCV INTER_LINEAR). */
export const detectionInput = (image: RgbImage, maxSide: number, norm: { readonly mean: readonly number[]; readonly std: readonly number[] }): DetectionInput => {
  const { width, height } = detectionSize(image.width, image.height, maxSide);
  const data = new Float32Array(3 * width * height);
  const plane = width * height;
  const sx = image.width / width;
  const sy = image.height / height;
  const c = image.channels;
  // Per BGR plane: v/255 → (v − mean)/std, folded into one multiply-add.
  const scale = [0, 1, 2].map((k) => 1 / (255 * (norm.std[k] as number)));
  const shift = [0, 1, 2].map((k) => -(norm.mean[k] as number) / (norm.std[k] as number));
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const a = (y0 * image.width + x0) * c;
      const b = (y0 * image.width + x1) * c;
      const d = (y1 * image.width + x0) * c;
      const e = (y1 * image.width + x1) * c;
      const o = y * width + x;
      for (let k = 0; k < 3; k++) {
        const rgb = 2 - k; // plane k is B, G, R
        const top = (src[a + rgb] as number) + ((src[b + rgb] as number) - (src[a + rgb] as number)) * wx;
        const bottom = (src[d + rgb] as number) + ((src[e + rgb] as number) - (src[d + rgb] as number)) * wx;
        data[k * plane + o] = (top + (bottom - top) * wy) * (scale[k] as number) + (shift[k] as number);
      }
    }
  }
  return { data, width, height };
};

/** A connected region (8-neighbour) of the binarised map: its boundary pixels' centres and mean probability. */
type Region = { readonly boundary: Point[]; readonly score: number };

const regions = (map: Float32Array, width: number, height: number, threshold: number, maxCandidates: number): Region[] => {
  const label = new Int32Array(width * height);
  const found: Region[] = [];
  const stack: number[] = [];
  const on = (i: number): boolean => (map[i] as number) > threshold;
  for (let start = 0; start < label.length && found.length < maxCandidates; start++) {
    if (label[start] !== 0 || !on(start)) continue;
    const id = found.length + 1;
    const boundary: Point[] = [];
    let sum = 0;
    let count = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop() as number;
      sum += map[i] as number;
      count++;
      const x = i % width;
      const y = (i - x) / width;
      let edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (!on(j)) edge = true;
          else if (label[j] === 0) {
            label[j] = id;
            stack.push(j);
          }
        }
      }
      if (edge) boundary.push([x, y]);
    }
    found.push({ boundary, score: sum / count });
  }
  return found;
};

/**
 * Text boxes in image pixels from the detector's [H, W] probability map, top to bottom then left
 * to right (PaddleOCR sorted_boxes: boxes within 10 px vertically count as one row).
 */
export const textBoxes = (map: Float32Array, input: { width: number; height: number }, imageWidth: number, imageHeight: number, options: DbOptions = DEFAULT_DB_OPTIONS): Quad[] => {
  const { width, height } = input;
  const boxes: Quad[] = [];
  for (const region of regions(map, width, height, options.threshold, options.maxCandidates)) {
    if (region.boundary.length < 4) continue;
    const rect = minAreaRect(region.boundary);
    if (Math.min(rect.width, rect.height) < MIN_SIDE) continue;
    // Scored over the region itself (PaddleOCR's score_mode "slow"), not its rectangle ("fast"):
    // the rectangle around a curved line on a bent page is mostly background, and "fast" dropped
    // 14 of 18 lines of the book photo.
    if (region.score < options.boxThreshold) continue;
    // Offsetting a rectangle by d (pyclipper, round joins) and taking the minimum rectangle again
    // grows each side by 2d.
    const w = rect.width;
    const h = rect.height;
    const d = (w * h * options.unclipRatio) / (2 * (w + h));
    const grown = { ...rect, width: w + 2 * d, height: h + 2 * d };
    if (Math.min(grown.width, grown.height) < MIN_SIDE + 2) continue;
    const sx = imageWidth / width;
    const sy = imageHeight / height;
    const clamp = (v: number, max: number): number => Math.min(Math.max(Math.round(v), 0), max);
    boxes.push(rectCorners(grown).map(([x, y]) => [clamp(x * sx, imageWidth), clamp(y * sy, imageHeight)] as Point) as unknown as Quad);
  }
  boxes.sort((a, b) => a[0][1] - b[0][1] || a[0][0] - b[0][0]);
  // PaddleOCR's sorted_boxes: neighbours less than 10 px apart vertically are ordered by x.
  for (let i = 0; i < boxes.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = boxes[j] as Quad;
      const b = boxes[j + 1] as Quad;
      if (Math.abs(b[0][1] - a[0][1]) < 10 && b[0][0] < a[0][0]) {
        boxes[j] = b;
        boxes[j + 1] = a;
      } else break;
    }
  }
  return boxes;
};
