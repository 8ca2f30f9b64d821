/**
 * Turns the face pack's raw graph outputs into results, as face-api does after its networks:
 * landmark coordinates relative to the unpadded face crop, SSD detections after face-api's own
 * greedy non-max suppression (boxes relative to the original image), and the crop geometry
 * between the stages (detection crop, landmarks in the image, the aligned box for recognition).
 *
 *   const points = landmarksFromNetwork(out.landmarks.data, 112, crop.width, crop.height);
 *   const faces = detectionsFromNetwork(out.boxes.data, out.scores.data, image.width, image.height);
 */
import type { PixelBox } from './preprocess.js';

/** A box relative to its image: every field in 0..1. */
export type RelativeBox = { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
export type FaceDetection = { readonly score: number; readonly box: RelativeBox };

export type DetectionOptions = {
  /** Keep boxes scoring above this (face-api's SsdMobilenetv1Options default 0.5). */
  readonly minConfidence?: number;
  /** At most this many faces (default 100). */
  readonly maxResults?: number;
  /** Suppress a box overlapping a kept one by more than this IoU (face-api uses 0.5). */
  readonly iouThreshold?: number;
};

const f = Math.fround;

/**
 * 68 (x, y) pairs in 0..1 of the face crop, from the 136 raw outputs of one batch item. The net
 * sees the crop centred in a padded square; this removes the padding (face-api postProcess).
 */
export const landmarksFromNetwork = (raw: ArrayLike<number>, inputSize: number, width: number, height: number): Float32Array => {
  const scale = inputSize / Math.max(width, height);
  const scaledWidth = width * scale;
  const scaledHeight = height * scale;
  const padX = scaledWidth < scaledHeight ? Math.abs(scaledWidth - scaledHeight) / 2 : 0;
  const padY = scaledHeight < scaledWidth ? Math.abs(scaledWidth - scaledHeight) / 2 : 0;
  const out = new Float32Array(136);
  for (let i = 0; i < 136; i++) {
    const isX = i % 2 === 0;
    const scaled = f((raw[i] as number) * inputSize);
    out[i] = f(f(scaled - f(isX ? padX : padY)) / f(isX ? scaledWidth : scaledHeight));
  }
  return out;
};

type Corners = { ymin: number; xmin: number; ymax: number; xmax: number };

const cornersAt = (boxes: ArrayLike<number>, i: number): Corners => {
  const a = boxes[i * 4] as number;
  const b = boxes[i * 4 + 1] as number;
  const c = boxes[i * 4 + 2] as number;
  const d = boxes[i * 4 + 3] as number;
  return { ymin: Math.min(a, c), xmin: Math.min(b, d), ymax: Math.max(a, c), xmax: Math.max(b, d) };
};

const iou = (p: Corners, q: Corners): number => {
  const areaP = (p.ymax - p.ymin) * (p.xmax - p.xmin);
  const areaQ = (q.ymax - q.ymin) * (q.xmax - q.xmin);
  if (areaP <= 0 || areaQ <= 0) return 0;
  const h = Math.max(Math.min(p.ymax, q.ymax) - Math.max(p.ymin, q.ymin), 0);
  const w = Math.max(Math.min(p.xmax, q.xmax) - Math.max(p.xmin, q.xmin), 0);
  const intersection = h * w;
  return intersection / (areaP + areaQ - intersection);
};

/** face-api's ssdMobilenetv1 nonMaxSuppression: indices of the kept boxes, best first. */
export const nonMaxSuppression = (boxes: ArrayLike<number>, scores: ArrayLike<number>, maxResults: number, iouThreshold: number, minScore: number): number[] => {
  const outputSize = Math.min(maxResults, scores.length);
  const candidates = Array.from(scores, (score, index) => ({ score, index }))
    .filter((c) => c.score > minScore)
    .sort((a, b) => b.score - a.score);
  const selected: number[] = [];
  for (const candidate of candidates) {
    if (selected.length >= outputSize) break;
    const box = cornersAt(boxes, candidate.index);
    let suppressed = false;
    for (let j = selected.length - 1; j >= 0; j--) {
      const overlap = iou(box, cornersAt(boxes, selected[j] as number));
      if (overlap !== 0 && overlap > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) selected.push(candidate.index);
  }
  return selected;
};

/**
 * Faces in an image of `width`×`height` from the detector's `boxes` [n·4] and `scores` [n]
 * (batch item 0). The detector saw the image padded at the right or bottom to a square.
 */
export const detectionsFromNetwork = (
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  width: number,
  height: number,
  options: DetectionOptions = {},
  inputSize = 512,
): FaceDetection[] => {
  const { minConfidence = 0.5, maxResults = 100, iouThreshold = 0.5 } = options;
  const scale = inputSize / Math.max(width, height);
  const padX = inputSize / Math.round(width * scale);
  const padY = inputSize / Math.round(height * scale);
  return nonMaxSuppression(boxes, scores, maxResults, iouThreshold, minConfidence).map((i) => {
    const top = Math.max(0, boxes[i * 4] as number) * padY;
    const left = Math.max(0, boxes[i * 4 + 1] as number) * padX;
    const bottom = Math.min(1, boxes[i * 4 + 2] as number) * padY;
    const right = Math.min(1, boxes[i * 4 + 3] as number) * padX;
    return { score: scores[i] as number, box: { x: left, y: top, width: right - left, height: bottom - top } };
  });
};

/** face-api's Box.clipAtImageBorders: clip to the image, then floor each field. */
export const clipToImage = (box: RelativeBox, width: number, height: number): PixelBox => {
  const clippedX = Math.max(box.x, 0);
  const clippedY = Math.max(box.y, 0);
  return {
    x: Math.floor(clippedX),
    y: Math.floor(clippedY),
    width: Math.floor(Math.min(box.x + box.width - clippedX, width - clippedX)),
    height: Math.floor(Math.min(box.y + box.height - clippedY, height - clippedY)),
  };
};

/**
 * The whole-pixel crop face-api takes for a box it holds as relative (FaceDetection). The
 * × W ÷ W round trips are face-api's own (relativeBox ↔ box); repeating them keeps the crop
 * identical at pixel edges.
 */
export const pixelCropBox = (box: RelativeBox, width: number, height: number): PixelBox => {
  const absolute = (v: number, size: number): number => v * size * (1 / size) * size;
  return clipToImage({ x: absolute(box.x, width), y: absolute(box.y, height), width: absolute(box.width, width), height: absolute(box.height, height) }, width, height);
};

/**
 * Landmarks of a face in image pixels: `points` are landmarksFromNetwork's output for the crop
 * `crop`, shifted by the detection's unrounded corner exactly as face-api's shiftBy does.
 */
export const landmarksInImage = (points: ArrayLike<number>, crop: PixelBox, detection: RelativeBox, width: number, height: number): Float64Array => {
  const shiftX = detection.x * width;
  const shiftY = detection.y * height;
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = (((points[i] as number) * crop.width) / crop.width) * crop.width + shiftX;
    out[i + 1] = (((points[i + 1] as number) * crop.height) / crop.height) * crop.height + shiftY;
  }
  return out;
};

/** face-api's alignedRect: the landmarks' bounding box grown by 20 %, relative to the image. */
export const alignedFaceBox = (pixelPoints: ArrayLike<number>, width: number, height: number, padding = 0.2): RelativeBox => {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = 0;
  let maxY = 0;
  for (let i = 0; i < pixelPoints.length; i += 2) {
    const px = pixelPoints[i] as number;
    const py = pixelPoints[i + 1] as number;
    if (px < minX) minX = px;
    if (py < minY) minY = py;
    if (maxX < px) maxX = px;
    if (maxY < py) maxY = py;
  }
  const padX = (maxX - minX) * padding;
  const padY = (maxY - minY) * padding;
  return {
    x: (minX - padX / 2) * (1 / width),
    y: (minY - padY / 2) * (1 / height),
    width: (maxX - minX + padX) * (1 / width),
    height: (maxY - minY + padY) * (1 / height),
  };
};

const centre = (pixelPoints: ArrayLike<number>, from: number, to: number): [number, number] => {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += pixelPoints[i * 2] as number;
    y += pixelPoints[i * 2 + 1] as number;
  }
  return [x / (to - from), y / (to - from)];
};

/**
 * The box face-api crops for the descriptor (FaceLandmarks.alignDlib): a square scaled from the
 * eye-to-mouth distance around the eyes' and mouth's centre, in whole image pixels, clipped.
 */
export const descriptorCropBox = (pixelPoints: ArrayLike<number>, crop: PixelBox, width: number, height: number): PixelBox => {
  const centres = [centre(pixelPoints, 36, 42), centre(pixelPoints, 42, 48), centre(pixelPoints, 48, 68)] as const;
  const [leftEye, rightEye, mouth] = centres;
  const toMouth = (p: readonly [number, number]): number => Math.sqrt((mouth[0] - p[0]) ** 2 + (mouth[1] - p[1]) ** 2);
  const size = Math.floor((toMouth(leftEye) + toMouth(rightEye)) / 2 / 0.45);
  const refX = (leftEye[0] + rightEye[0] + mouth[0]) / 3;
  const refY = (leftEye[1] + rightEye[1] + mouth[1]) / 3;
  const x = Math.floor(Math.max(0, refX - 0.5 * size));
  const y = Math.floor(Math.max(0, refY - 0.43 * size));
  // face-api bounds the size by the landmarks' own (crop) dimensions; kept for identical crops.
  return clipToImage({ x, y, width: Math.min(size, crop.width + x), height: Math.min(size, crop.height + y) }, width, height);
};
