/**
 * Face alignment from landmarks: a similarity transform (rotation, uniform scale, translation)
 * that puts the eyes level and frames the face exactly as face-api's dlib crop does (a square of
 * side eye-to-mouth ÷ 0.45 around the eyes' and mouth's centroid), then bilinear warping into the
 * recognition net's NCHW input. For an upright face it is face-api's crop up to sub-pixel
 * rounding; for a tilted one the net sees it upright, as it was trained (Immich warps too).
 *
 *   const transform = faceSimilarity(landmarksInPixels);            // output pixel → image pixel
 *   const input = warpToNetworkInput(image, transform, 150);         // [3, 150, 150], 0..255
 */
import type { RgbImage } from './preprocess.js';

/** Maps an output pixel (u, v) to the image point (a·u − b·v + tx, b·u + a·v + ty). */
export type Similarity = { readonly a: number; readonly b: number; readonly tx: number; readonly ty: number };

const centre = (points: ArrayLike<number>, from: number, to: number): [number, number] => {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += points[i * 2] as number;
    y += points[i * 2 + 1] as number;
  }
  return [x / (to - from), y / (to - from)];
};

/** Rotation of the eye line in radians (0 when level; positive when the right eye sits lower). */
export const eyeLineAngle = (points: ArrayLike<number>): number => {
  const [lx, ly] = centre(points, 36, 42);
  const [rx, ry] = centre(points, 42, 48);
  return Math.atan2(ry - ly, rx - lx);
};

/**
 * The transform from a `size`² aligned face to the image, from 68 landmarks in image pixels.
 * Scale and placement are face-api's alignDlib (side = mean eye-to-mouth distance ÷ 0.45, the
 * eyes-and-mouth centroid at (0.5, 0.43) of the side); the rotation levels the eyes.
 */
export const faceSimilarity = (points: ArrayLike<number>, size = 150): Similarity => {
  if (points.length !== 136) throw new Error(`expected 68 landmarks (136 numbers), got ${points.length}`);
  const leftEye = centre(points, 36, 42);
  const rightEye = centre(points, 42, 48);
  const mouth = centre(points, 48, 68);
  const toMouth = (p: readonly [number, number]): number => Math.hypot(mouth[0] - p[0], mouth[1] - p[1]);
  const side = (toMouth(leftEye) + toMouth(rightEye)) / 2 / 0.45;
  const refX = (leftEye[0] + rightEye[0] + mouth[0]) / 3;
  const refY = (leftEye[1] + rightEye[1] + mouth[1]) / 3;
  const angle = eyeLineAngle(points);
  const scale = side / size;
  const a = scale * Math.cos(angle);
  const b = scale * Math.sin(angle);
  // The output point (0.5·size, 0.43·size) lands on the centroid.
  const u0 = 0.5 * size;
  const v0 = 0.43 * size;
  return { a, b, tx: refX - (a * u0 - b * v0), ty: refY - (b * u0 + a * v0) };
};

/** Where output pixel (u, v) samples the image. */
export const applySimilarity = (t: Similarity, u: number, v: number): [number, number] => [t.a * u - t.b * v + t.tx, t.b * u + t.a * v + t.ty];

/**
 * NCHW [3, size, size] float32 (0..255) of the image warped by `t`, bilinear, zero outside the
 * image (as face-api zero-pads crops at the border).
 */
export const warpToNetworkInput = (image: RgbImage, t: Similarity, size: number): Float32Array => {
  const { width, height, channels, data } = image;
  if (data.length < width * height * channels) throw new Error(`image data has ${data.length} bytes for ${width}×${height}×${channels}`);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  const at = (x: number, y: number, c: number): number => (x < 0 || y < 0 || x >= width || y >= height ? 0 : (data[(y * width + x) * channels + c] as number));
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const x = t.a * u - t.b * v + t.tx;
      const y = t.b * u + t.a * v + t.ty;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx;
        const bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx;
        out[c * plane + v * size + u] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
};
