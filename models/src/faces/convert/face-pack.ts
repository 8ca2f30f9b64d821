/**
 * Builds the `face-api` model pack: converts the TF.js weights that ship inside the
 * @vladmandic/face-api npm package into detection/, landmarks/ and recognition/ `model.onnx`
 * (plus detection-384/, an opt-in faster detector) and a manifest.json, in about a second, with no download. Deterministic: the same package
 * version gives the same bytes. `ensureFacePack` skips the work when an up-to-date pack is there.
 *
 *   const manifest = await ensureFacePack({ outDir: 'models/packs/face-api' });
 *   console.log(manifest.files.map((f) => `${f.path} ${f.bytes}`));
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FACE_PACK_FORMAT, FACE_TASKS, parseFacePackManifest, type FaceModelSpec, type FacePackFile, type FacePackManifest, type FaceTask } from '../pack-manifest.js';
import { buildDetectionGraph, DETECTION_INPUT_SIZE, DETECTION_WEIGHTS } from './detection.js';
import { buildLandmarksGraph, LANDMARKS_INPUT_SIZE, LANDMARKS_WEIGHTS } from './landmarks.js';
import { OPSET, type OnnxGraph } from './onnx-graph.js';
import { buildRecognitionGraph, RECOGNITION_INPUT_SIZE, RECOGNITION_WEIGHTS } from './recognition.js';
import { readTfjsWeights, type TfjsWeightMap } from './tfjs-weights.js';

export const FACE_PACK_ID = 'face-api';
const SOURCE_PACKAGE = '@vladmandic/face-api';

/** The pack's default home: models/packs/face-api (git-ignored, built on demand). */
export const DEFAULT_PACK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packs', FACE_PACK_ID);

const require = createRequire(import.meta.url);
const CONVERT_DIR = dirname(fileURLToPath(import.meta.url));

/** sha256 of the converter's own sources: any change to them makes an existing pack stale. */
export const converterDigest = (): string => {
  const hash = createHash('sha256');
  for (const name of readdirSync(CONVERT_DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) {
    hash.update(name).update(readFileSync(join(CONVERT_DIR, name)));
  }
  return hash.digest('hex');
};

/** The face-api package's folder and version, as npm installed it. */
export const faceApiPackage = (): { dir: string; version: string } => {
  const manifestPath = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  return { dir: dirname(manifestPath), version };
};

type Recipe = {
  weights: string;
  inputSize: number;
  padding: FaceModelSpec['padding'];
  build: (weights: TfjsWeightMap) => OnnxGraph;
  description: string;
};

const RECIPES: Record<FaceTask, Recipe> = {
  detection: {
    weights: DETECTION_WEIGHTS,
    inputSize: DETECTION_INPUT_SIZE,
    padding: 'end',
    build: buildDetectionGraph,
    description: 'SSD MobileNetV1 face detector. boxes: ymin, xmin, ymax, xmax relative to the padded square; scores: face probability. Run non-max suppression after (detectionsFromNetwork).',
  },
  landmarks: {
    weights: LANDMARKS_WEIGHTS,
    inputSize: LANDMARKS_INPUT_SIZE,
    padding: 'centred',
    build: buildLandmarksGraph,
    description: '68-point face landmarks: x0, y0, x1, y1, … relative to the padded square (landmarksFromNetwork maps them to the crop).',
  },
  recognition: {
    weights: RECOGNITION_WEIGHTS,
    inputSize: RECOGNITION_INPUT_SIZE,
    padding: 'centred',
    build: buildRecognitionGraph,
    description: '128-d face descriptor (not L2-normalised); same person when the euclidean distance is below about 0.6.',
  },
};

/** Smaller detector inputs shipped beside the faithful 512 one, for `FaceOptions.detectorSize`. */
export const FAST_DETECTOR_SIZES = [384] as const;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes through a temporary name so a concurrent reader never sees half a file. */
export const writeAtomically = async (path: string, bytes: Uint8Array | string): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
};

export type FacePackOptions = {
  /** Where to write the pack (default DEFAULT_PACK_DIR). */
  readonly outDir?: string;
  /** Folder with face-api's *-weights_manifest.json files (default: the installed package's model/). */
  readonly weightsDir?: string;
};

/** Converts all three nets and writes the pack; returns its manifest. */
export const buildFacePack = async (options: FacePackOptions = {}): Promise<FacePackManifest> => {
  const outDir = options.outDir ?? DEFAULT_PACK_DIR;
  const source = faceApiPackage();
  const weightsDir = options.weightsDir ?? join(source.dir, 'model');
  const files: FacePackFile[] = [];
  const models = {} as Record<FaceTask, FaceModelSpec>;
  for (const task of FACE_TASKS) {
    const recipe = RECIPES[task];
    const graph = recipe.build(await readTfjsWeights(weightsDir, recipe.weights));
    const bytes = graph.encode(`${recipe.description} Converted from ${SOURCE_PACKAGE}@${source.version} ${recipe.weights}.`);
    const file = `${task}/model.onnx`;
    await writeAtomically(join(outDir, file), bytes);
    files.push({ path: file, sha256: sha256(bytes), bytes: bytes.byteLength });
    const { inputs, outputs } = graph.signature;
    models[task] = { file, inputSize: recipe.inputSize, padding: recipe.padding, inputs, outputs, description: recipe.description };
  }
  const detectors: FaceModelSpec[] = [];
  const detectionWeights = await readTfjsWeights(weightsDir, DETECTION_WEIGHTS);
  for (const size of FAST_DETECTOR_SIZES) {
    const graph = buildDetectionGraph(detectionWeights, size);
    const description = `${RECIPES.detection.description} Input ${size}×${size} instead of face-api's 512 (faster, misses more small faces).`;
    const bytes = graph.encode(`${description} Converted from ${SOURCE_PACKAGE}@${source.version} ${DETECTION_WEIGHTS}.`);
    const file = `detection-${size}/model.onnx`;
    await writeAtomically(join(outDir, file), bytes);
    files.push({ path: file, sha256: sha256(bytes), bytes: bytes.byteLength });
    detectors.push({ file, inputSize: size, padding: 'end', ...graph.signature, description });
  }
  const manifest: FacePackManifest = {
    format: FACE_PACK_FORMAT,
    id: FACE_PACK_ID,
    licence: 'MIT',
    source: { package: SOURCE_PACKAGE, version: source.version, url: 'https://github.com/vladmandic/face-api' },
    converter: converterDigest(),
    opset: OPSET,
    models,
    detectors,
    files,
  };
  await writeAtomically(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
};

/** The pack's manifest when it is complete and current, else undefined. */
export const readFacePack = async (outDir: string = DEFAULT_PACK_DIR): Promise<FacePackManifest | undefined> => {
  try {
    const manifest = parseFacePackManifest(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')));
    if (manifest.converter !== converterDigest() || manifest.source.version !== faceApiPackage().version) return undefined;
    for (const file of manifest.files) {
      if (sha256(await readFile(join(outDir, file.path))) !== file.sha256) return undefined;
    }
    return manifest;
  } catch {
    return undefined;
  }
};

/** Builds the pack unless an up-to-date one is already in `outDir`. */
export const ensureFacePack = async (options: FacePackOptions = {}): Promise<FacePackManifest> =>
  (options.weightsDir === undefined ? await readFacePack(options.outDir) : undefined) ?? buildFacePack(options);
