/**
 * PaddleOCR's text recognition around the network: each detected box is cut out upright (its
 * long side horizontal; a box at least 1.5× taller than wide is turned a quarter, as
 * get_rotate_crop_image does) and resampled straight to the recogniser's height, lines are batched
 * by aspect ratio and padded to at least 320 px (rec_image_shape 3, 48, 320), and the CTC output
 * is decoded: best class per step, repeats merged, blanks dropped, class n → dictionary line n.
 *
 *   const batch = recognitionBatch(image, quads, 48);                 // [{ data, width, order }, …]
 *   const { text, score } = ctcDecode(probs.subarray(...), steps, classes, characters);
 */
import type { RgbImage } from '../faces/preprocess.js';
import type { Point } from './geometry.js';
import type { Quad } from './detection.js';

/** PaddleOCR's rec_batch_num and its narrowest padded width (rec_image_shape 3, 48, 320). */
export const REC_BATCH = 6;
export const PADDLE_MIN_WIDTH = 320;
/** Widest line we feed (a longer box is squeezed): caps the cost of one pathological box. */
const MAX_WIDTH_RATIO = 40;

export type RecognitionBatch = {
  /** NCHW [n, 3, height, width] BGR in −1..1, zero (mid grey) padding on the right. */
  readonly data: Float32Array;
  readonly count: number;
  readonly width: number;
  /** Index into the quads for each line of the batch. */
  readonly order: readonly number[];
};

const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** The crop's upright frame: origin corner and the unit steps along its width and height. */
const cropFrame = (quad: Quad): { origin: Point; along: Point; across: Point; width: number; height: number } => {
  const [tl, tr, br, bl] = quad;
  const width = Math.max(dist(tl, tr), dist(bl, br));
  const height = Math.max(dist(tl, bl), dist(tr, br));
  const unit = (from: Point, to: Point, length: number): Point => [(to[0] - from[0]) / Math.max(length, 1e-6), (to[1] - from[1]) / Math.max(length, 1e-6)];
  const frame = { origin: tl, along: unit(tl, tr, dist(tl, tr)), across: unit(tl, bl, dist(tl, bl)), width, height };
  // Tall box: rotate the crop 90° counter-clockwise (np.rot90), so read from top-right downward.
  if (height / Math.max(width, 1e-6) >= 1.5) return { origin: tr, along: unit(tr, br, dist(tr, br)), across: unit(tr, tl, dist(tr, tl)), width: height, height: width };
  return frame;
};

/** Width (before padding) of a line's crop once scaled to `height`. */
const lineWidth = (quad: Quad, height: number): number => {
  const frame = cropFrame(quad);
  return Math.max(1, Math.min(Math.ceil((height * frame.width) / Math.max(frame.height, 1)), Math.round(height * MAX_WIDTH_RATIO)));
};

/** Samples one line into `out` at [index, 3, height, width] with bilinear interpolation, edges clamped. */
const sampleLine = (image: RgbImage, quad: Quad, out: Float32Array, index: number, height: number, width: number, lineW: number): void => {
  const frame = cropFrame(quad);
  const plane = height * width;
  const base = index * 3 * plane;
  const c = image.channels;
  const su = frame.width / lineW;
  const sv = frame.height / height;
  const src = image.data;
  for (let v = 0; v < height; v++) {
    const dv = (v + 0.5) * sv;
    for (let u = 0; u < lineW; u++) {
      const du = (u + 0.5) * su;
      const fx = Math.min(Math.max(frame.origin[0] + du * frame.along[0] + dv * frame.across[0] - 0.5, 0), image.width - 1);
      const fy = Math.min(Math.max(frame.origin[1] + du * frame.along[1] + dv * frame.across[1] - 0.5, 0), image.height - 1);
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const y1 = Math.min(y0 + 1, image.height - 1);
      const wx = fx - x0;
      const wy = fy - y0;
      const a = (y0 * image.width + x0) * c;
      const b = (y0 * image.width + x1) * c;
      const d = (y1 * image.width + x0) * c;
      const e = (y1 * image.width + x1) * c;
      for (let k = 0; k < 3; k++) {
        const rgb = 2 - k;
        const top = (src[a + rgb] as number) + ((src[b + rgb] as number) - (src[a + rgb] as number)) * wx;
        const bottom = (src[d + rgb] as number) + ((src[e + rgb] as number) - (src[d + rgb] as number)) * wx;
        out[base + k * plane + v * width + u] = (top + (bottom - top) * wy) / 127.5 - 1;
      }
    }
  }
};

/** The lines as recogniser batches of up to REC_BATCH, sorted by aspect ratio like PaddleOCR. */
export const recognitionBatches = (image: RgbImage, quads: readonly Quad[], height: number, minWidth = PADDLE_MIN_WIDTH, batchSize = REC_BATCH): RecognitionBatch[] => {
  const widths = quads.map((q) => lineWidth(q, height));
  const order = quads.map((_, i) => i).sort((a, b) => (widths[a] as number) - (widths[b] as number));
  const batches: RecognitionBatch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const members = order.slice(start, start + batchSize);
    const width = Math.max(Math.ceil((minWidth * height) / 48), ...members.map((i) => widths[i] as number));
    const data = new Float32Array(members.length * 3 * height * width);
    members.forEach((quadIndex, n) => sampleLine(image, quads[quadIndex] as Quad, data, n, height, width, widths[quadIndex] as number));
    batches.push({ data, count: members.length, width, order: members });
  }
  return batches;
};

/**
 * Greedy CTC decoding of one line's [steps, classes] probabilities. `characters[n − 1]` is class
 * n; class 0 is the blank. Score: mean probability of the kept characters (0 for none).
 */
export const ctcDecode = (probs: Float32Array, steps: number, classes: number, characters: readonly string[]): { text: string; score: number } => {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    const row = t * classes;
    for (let k = 0; k < classes; k++) {
      const p = probs[row + k] as number;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best - 1] ?? '';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept === 0 ? 0 : sum / kept };
};
