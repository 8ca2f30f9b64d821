/**
 * The whole face pass over one image with the face pack, step for step as face-api's
 * `detectAllFaces(img).withFaceLandmarks().withFaceDescriptors()`: detect, crop each face,
 * 68 landmarks, crop the eye-and-mouth aligned square, 128-d descriptor. The graphs are run through an
 * injected `RunGraph`, so this core knows nothing of onnxruntime (browser worker or Node alike).
 * Options add what face-api lacks: a minimum face size, and upright (similarity) alignment.
 *
 *   const run: RunGraph = (task, inputs, size) => runOnnx(sessions[task], inputs, size);
 *   const faces = await analyzeFaces(image, run); // [{ detection, landmarks, alignedBox, descriptor }]
 */
import { faceSimilarity, warpToNetworkInput } from './align.js';
import type { FaceTask } from './pack-manifest.js';
import { alignedFaceBox, descriptorCropBox, detectionsFromNetwork, landmarksFromNetwork, landmarksInImage, pixelCropBox, type DetectionOptions, type FaceDetection, type RelativeBox } from './postprocess.js';
import { cropImage, toNetworkInput, type PixelBox, type RgbImage } from './preprocess.js';

/** Runs one pack graph on a batch of NCHW [3, size, size] inputs; returns outputs by name. */
export type RunGraph = (task: FaceTask, inputs: readonly Float32Array[], size: number) => Promise<Readonly<Record<string, Float32Array>>>;

export type AnalyzedFace = {
  readonly detection: FaceDetection;
  /** 68 (x, y) pairs relative to the image (0..1). */
  readonly landmarks: Float64Array;
  /** face-api's `alignedRect`: the landmarks' box grown by 20 %, relative to the image. */
  readonly alignedBox: RelativeBox;
  /** The eye-and-mouth aligned square the descriptor was computed on (face-api's dlib alignment). */
  readonly descriptorBox: PixelBox;
  readonly descriptor: Float32Array;
};

/** How the recognition input is cut: face-api's axis-aligned crop, or rotated upright (align.ts). */
export const FaceAlignment = { faceApi: 'face-api', similarity: 'similarity' } as const;
export type FaceAlignment = (typeof FaceAlignment)[keyof typeof FaceAlignment];

export type FaceOptions = DetectionOptions & {
  /** Drop faces whose detected box is narrower or shorter than this many image pixels (default 0). */
  readonly minFaceSize?: number;
  /** Default `face-api` (bit-faithful to face-api); `similarity` levels the eyes first. */
  readonly alignment?: FaceAlignment;
  /**
   * The detector's square input side. Default 512, face-api's own; a smaller one the pack ships
   * (`manifest.detectors`, e.g. 384) runs about (size / 512)² of the detector's work and finds
   * fewer small faces in group photos — an explicit speed setting, never a silent default.
   */
  readonly detectorSize?: number;
};

const SIZES = { detection: 512, landmarks: 112, recognition: 150 } as const;

const output = (outputs: Readonly<Record<string, Float32Array>>, name: string): Float32Array => {
  const data = outputs[name];
  if (data === undefined) throw new Error(`face pack graph gave no output ${name}`);
  return data;
};

export const analyzeFaces = async (image: RgbImage, run: RunGraph, options: FaceOptions = {}): Promise<AnalyzedFace[]> => {
  const { width, height } = image;
  const { minFaceSize = 0, alignment = FaceAlignment.faceApi, detectorSize = SIZES.detection } = options;
  const detected = await run('detection', [toNetworkInput(image, detectorSize, false)], detectorSize);
  const detections = detectionsFromNetwork(output(detected, 'boxes'), output(detected, 'scores'), width, height, options, detectorSize)
    .map((detection) => ({ detection, crop: pixelCropBox(detection.box, width, height) }))
    .filter(({ crop }) => crop.width > 0 && crop.height > 0 && Math.min(crop.width, crop.height) >= minFaceSize);
  if (detections.length === 0) return [];

  const marked = output(await run('landmarks', detections.map(({ crop }) => toNetworkInput(cropImage(image, crop), SIZES.landmarks, true)), SIZES.landmarks), 'landmarks');
  const aligned = detections.map(({ detection, crop }, i) => {
    const points = landmarksFromNetwork(marked.subarray(i * 136, (i + 1) * 136), SIZES.landmarks, crop.width, crop.height);
    const pixels = landmarksInImage(points, crop, detection.box, width, height);
    return { detection, pixels, alignedBox: alignedFaceBox(pixels, width, height), crop: descriptorCropBox(pixels, crop, width, height) };
  });

  const faces = aligned.filter(({ crop }) => crop.width > 0 && crop.height > 0);
  if (faces.length === 0) return [];
  const recognitionInput = ({ crop, pixels }: (typeof faces)[number]): Float32Array =>
    alignment === FaceAlignment.similarity
      ? warpToNetworkInput(image, faceSimilarity(pixels, SIZES.recognition), SIZES.recognition)
      : toNetworkInput(cropImage(image, crop), SIZES.recognition, true);
  const described = output(await run('recognition', faces.map(recognitionInput), SIZES.recognition), 'descriptor');
  return faces.map(({ detection, pixels, alignedBox, crop }, i) => ({
    detection,
    descriptorBox: crop,
    landmarks: pixels.map((v, k) => (k % 2 === 0 ? v / width : v / height)),
    alignedBox,
    descriptor: described.slice(i * 128, (i + 1) * 128),
  }));
};
