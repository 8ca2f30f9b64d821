/**
 * Test support: face-api itself on TF.js (wasm backend, in Node) as the reference the ONNX pack
 * is checked against, plus image loading with sharp and ONNX sessions on onnxruntime-web (wasm).
 * Never imported by shipping code.
 *
 *   const ref = await loadFaceApiReference(); const image = await loadRgb('/path/face.png');
 *   const descriptor = await ref.descriptor(image);
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type * as Tfjs from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import sharp from 'sharp';
import { join } from 'node:path';
import { faceApiPackage } from '../convert/face-pack.js';
import type { FacePackManifest, FaceTask } from '../pack-manifest.js';
import { cropImage, type RgbImage } from '../preprocess.js';
import { pixelCropBox, type RelativeBox } from '../postprocess.js';

// reason: face-api's bundled d.ts declares only a sliver of tf; the runtime object is full tfjs.
const tf = faceapi.tf as unknown as typeof Tfjs;
type FaceApiInput = Parameters<typeof faceapi.nets.faceRecognitionNet.forward>[0];
const asInput = (tensor: Tfjs.Tensor): FaceApiInput => tensor as unknown as FaceApiInput;

/** Decodes any image sharp reads into 8-bit RGB (grey is expanded, alpha dropped). */
export const loadRgb = async (path: string): Promise<RgbImage> => {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: expected 3 channels after conversion, got ${info.channels}`);
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
};

/** The pixels inside `box` (relative to `image`), cropped the way face-api crops detections. */
export const cropRgb = (image: RgbImage, box: RelativeBox): RgbImage => cropImage(image, pixelCropBox(box, image.width, image.height));

const imageTensor = (image: RgbImage): Tfjs.Tensor4D => tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3]);

/** NCHW [3, s, s] → NHWC [1, s, s, 3] tensor, so face-api sees exactly the ONNX input. */
const nchwTensor = (input: Float32Array, size: number): Tfjs.Tensor4D =>
  tf.tidy(() => tf.transpose(tf.tensor4d(input, [1, 3, size, size]), [0, 2, 3, 1]));

const dataOf = async (tensor: Tfjs.Tensor): Promise<Float32Array> => {
  const data = (await tensor.data()) as Float32Array;
  tensor.dispose();
  return data;
};

export type FaceApiReference = Awaited<ReturnType<typeof loadFaceApiReference>>;

/** face-api with its three nets loaded from the installed package, on the tfjs wasm backend. */
export const loadFaceApiReference = async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const modelDir = join(faceApiPackage().dir, 'model');
  const { ssdMobilenetv1, faceLandmark68Net, faceRecognitionNet } = faceapi.nets;
  await Promise.all([ssdMobilenetv1.loadFromDisk(modelDir), faceLandmark68Net.loadFromDisk(modelDir), faceRecognitionNet.loadFromDisk(modelDir)]);
  const withTensor = async <T>(tensor: Tfjs.Tensor4D, run: (input: FaceApiInput) => Promise<T>): Promise<T> => {
    try {
      return await run(asInput(tensor));
    } finally {
      tensor.dispose();
    }
  };
  return {
    backend: tf.getBackend(),
    /** face-api's own padding + resizing (NetInput.toBatchTensor), as NCHW. */
    batchTensor: (image: RgbImage, size: number, centred: boolean): Promise<Float32Array> =>
      withTensor(imageTensor(image), async (input) => {
        const batch = (await faceapi.toNetInput(input)).toBatchTensor(size, centred) as unknown as Tfjs.Tensor4D;
        return dataOf(tf.tidy(() => tf.transpose(batch, [0, 3, 1, 2])));
      }),
    /** Raw descriptor for an already prepared NCHW input. */
    recognitionRaw: (input: Float32Array, size: number): Promise<Float32Array> =>
      withTensor(nchwTensor(input, size), async (x) => dataOf((await faceRecognitionNet.forward(x)) as unknown as Tfjs.Tensor)),
    /** Raw 136 landmark outputs (before postProcess) for an already prepared NCHW input. */
    landmarksRaw: (input: Float32Array, size: number): Promise<Float32Array> =>
      withTensor(nchwTensor(input, size), async (x) => dataOf(faceLandmark68Net.runNet(await faceapi.toNetInput(x)) as unknown as Tfjs.Tensor)),
    /** Decoded boxes [n·4] and scores [n] for an already prepared NCHW input. */
    detectionRaw: (input: Float32Array, size: number): Promise<{ boxes: Float32Array; scores: Float32Array }> =>
      withTensor(nchwTensor(input, size), async (x) => {
        const { boxes, scores } = await ssdMobilenetv1.forward(x);
        return { boxes: await dataOf(boxes[0] as unknown as Tfjs.Tensor), scores: await dataOf(scores[0] as unknown as Tfjs.Tensor) };
      }),
    /** face-api end to end from pixels. */
    descriptor: (image: RgbImage): Promise<Float32Array> =>
      withTensor(imageTensor(image), async (x) => (await faceRecognitionNet.computeFaceDescriptor(x)) as Float32Array),
    landmarks: (image: RgbImage): Promise<Float32Array> =>
      withTensor(imageTensor(image), async (x) => {
        const result = (await faceLandmark68Net.detectLandmarks(x)) as faceapi.FaceLandmarks68;
        return Float32Array.from(result.relativePositions.flatMap((p) => [p.x, p.y]));
      }),
    /** detectAllFaces().withFaceLandmarks().withFaceDescriptors(), landmarks relative to the image. */
    analyze: (image: RgbImage) =>
      withTensor(imageTensor(image), async (x) => {
        const results = await faceapi.detectAllFaces(x, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })).withFaceLandmarks().withFaceDescriptors();
        const rect = (b: faceapi.Box): RelativeBox => ({ x: b.x, y: b.y, width: b.width, height: b.height });
        return results.map((r) => ({
          score: r.detection.score,
          box: rect(r.detection.relativeBox),
          landmarks: Float64Array.from(r.landmarks.positions.flatMap((p) => [p.x / image.width, p.y / image.height])),
          alignedBox: rect(r.alignedRect.relativeBox),
          descriptor: r.descriptor,
        }));
      }),
    detections: (image: RgbImage, minConfidence = 0.5): Promise<{ score: number; box: RelativeBox }[]> =>
      withTensor(imageTensor(image), async (x) =>
        (await ssdMobilenetv1.locateFaces(x, { minConfidence })).map((d) => ({
          score: d.score,
          box: { x: d.relativeBox.x, y: d.relativeBox.y, width: d.relativeBox.width, height: d.relativeBox.height },
        })),
      ),
  };
};

/** onnxruntime-web (wasm, one thread) sessions for the pack's three graphs. */
export const loadPackSessions = async (packDir: string, manifest: FacePackManifest): Promise<Record<FaceTask, ort.InferenceSession>> => {
  ort.env.wasm.numThreads = 1;
  const open = (task: FaceTask): Promise<ort.InferenceSession> => ort.InferenceSession.create(join(packDir, manifest.models[task].file), { executionProviders: ['wasm'] });
  const [detection, landmarks, recognition] = await Promise.all([open('detection'), open('landmarks'), open('recognition')]);
  return { detection, landmarks, recognition };
};

/** Runs one graph on a batch of NCHW inputs; returns each named output's data. */
export const runPack = async (session: ort.InferenceSession, inputs: readonly Float32Array[], size: number): Promise<Record<string, Float32Array>> => {
  const batch = new Float32Array(inputs.length * 3 * size * size);
  inputs.forEach((input, i) => batch.set(input, i * input.length));
  const out = await session.run({ input: new ort.Tensor('float32', batch, [inputs.length, 3, size, size]) });
  return Object.fromEntries(Object.entries(out).map(([name, tensor]) => [name, tensor.data as Float32Array]));
};

/** Largest |a[i] − b[i]|; throws when lengths differ. */
export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};
