/**
 * The face-api pack is faithful: each ONNX graph on onnxruntime-web gives what face-api gives on
 * TF.js, on real photos from shared/data/faces, both for the raw network outputs (same input
 * tensor) and after pre/post-processing (same pixels in, results out). Builds the pack if missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession } from 'onnxruntime-web';
import { buildFacePack, DEFAULT_PACK_DIR, ensureFacePack } from './convert/face-pack.js';
import type { FacePackManifest, FaceTask } from './pack-manifest.js';
import { toNetworkInput, type RgbImage } from './preprocess.js';
import { detectionsFromNetwork, landmarksFromNetwork } from './postprocess.js';
import { analyzeFaces, type RunGraph } from './face-pipeline.js';
import { cropRgb, loadFaceApiReference, loadPackSessions, loadRgb, maxAbsDiff, runPack, type FaceApiReference } from './testing/face-api-reference.js';

const FACES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'faces');
const TOLERANCE = 1e-3;
const CROPS = ['amy/amy1.png', 'sheldon/sheldon1.png', 'raj/raj3.png', 'penny/penny1.png'];
const GROUPS = ['bbt1.jpg', 'bbt3.jpg'];

let manifest: FacePackManifest;
let sessions: Record<FaceTask, InferenceSession>;
let ref: FaceApiReference;
let crops: RgbImage[];
let groups: RgbImage[];
const measured: Record<string, number> = {};
const record = (name: string, diff: number): number => {
  measured[name] = Math.max(measured[name] ?? 0, diff);
  return diff;
};

beforeAll(async () => {
  manifest = await ensureFacePack();
  [sessions, ref, crops, groups] = await Promise.all([
    loadPackSessions(DEFAULT_PACK_DIR, manifest),
    loadFaceApiReference(),
    Promise.all(CROPS.map((path) => loadRgb(join(FACES, path)))),
    Promise.all(GROUPS.map((path) => loadRgb(join(FACES, path)))),
  ]);
});

afterAll(() => {
  console.log(`face pack vs face-api (${ref?.backend}), max abs diff:`, measured);
});

describe('face-api pack', () => {
  it('has a manifest whose files exist with the recorded sha256 and size', async () => {
    expect(manifest).toMatchObject({ id: 'face-api', licence: 'MIT', source: { package: '@vladmandic/face-api' } });
    expect(manifest.models.recognition.outputs).toEqual([{ name: 'descriptor', shape: ['N', 128], dtype: 'float32' }]);
    expect(manifest.models.detection.outputs.map((o) => o.name)).toEqual(['boxes', 'scores']);
    for (const file of manifest.files) {
      const bytes = await readFile(join(DEFAULT_PACK_DIR, file.path));
      expect(bytes.byteLength).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
  });

  it('builds byte-identical graphs every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'face-pack-'));
    try {
      const again = await buildFacePack({ outDir: dir });
      expect(again.files).toEqual(manifest.files);
      expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pads and resizes like face-api (toBatchTensor)', async () => {
    const face = cropRgb(groups[0] as RgbImage, { x: 0.3, y: 0.1, width: 0.07, height: 0.2 });
    for (const [image, size, centred] of [[face, 150, true], [face, 112, true], [groups[0], 512, false], [crops[0], 112, true]] as const) {
      const ours = toNetworkInput(image as RgbImage, size, centred);
      // 0..255 pixel scale; 1e-3 of a grey level.
      expect(record('preprocess (0..255)', maxAbsDiff(ours, await ref.batchTensor(image as RgbImage, size, centred)))).toBeLessThan(TOLERANCE);
    }
  });
});

describe('recognition/model.onnx', () => {
  it('gives face-api descriptors for the same input tensor (batched)', async () => {
    const inputs = crops.map((crop) => toNetworkInput(crop, 150, true));
    const { descriptor } = await runPack(sessions.recognition, inputs, 150);
    for (const [i, input] of inputs.entries()) {
      const expected = await ref.recognitionRaw(input, 150);
      expect(record('recognition raw', maxAbsDiff((descriptor as Float32Array).subarray(i * 128, (i + 1) * 128), expected))).toBeLessThan(TOLERANCE);
    }
  });

  it('gives face-api descriptors from pixels, for square and detected non-square crops', async () => {
    const faces = [crops[1] as RgbImage, cropRgb(groups[1] as RgbImage, { x: 0.2, y: 0.15, width: 0.12, height: 0.3 })];
    for (const face of faces) {
      const { descriptor } = await runPack(sessions.recognition, [toNetworkInput(face, 150, true)], 150);
      expect(record('recognition descriptor', maxAbsDiff(descriptor as Float32Array, await ref.descriptor(face)))).toBeLessThan(TOLERANCE);
    }
  });

  it('tells people apart: two photos of Amy are closer than Amy and Sheldon', async () => {
    const amy2 = await loadRgb(join(FACES, 'amy/amy2.png'));
    const { descriptor } = await runPack(sessions.recognition, [crops[0], amy2, crops[1]].map((c) => toNetworkInput(c as RgbImage, 150, true)), 150);
    const d = descriptor as Float32Array;
    const distance = (a: number, b: number): number => Math.hypot(...Array.from({ length: 128 }, (_, k) => (d[a * 128 + k] as number) - (d[b * 128 + k] as number)));
    expect(distance(0, 1)).toBeLessThan(0.6);
    expect(distance(0, 2)).toBeGreaterThan(distance(0, 1));
  });
});

describe('landmarks/model.onnx', () => {
  it('gives face-api raw outputs and normalised landmarks', async () => {
    const faces = [...crops.slice(0, 2), cropRgb(groups[1] as RgbImage, { x: 0.2, y: 0.15, width: 0.12, height: 0.3 })];
    for (const face of faces) {
      const input = toNetworkInput(face, 112, true);
      const { landmarks } = await runPack(sessions.landmarks, [input], 112);
      expect(record('landmarks raw', maxAbsDiff(landmarks as Float32Array, await ref.landmarksRaw(input, 112)))).toBeLessThan(TOLERANCE);
      const points = landmarksFromNetwork(landmarks as Float32Array, 112, face.width, face.height);
      expect(record('landmarks normalised', maxAbsDiff(points, await ref.landmarks(face)))).toBeLessThan(TOLERANCE);
    }
  });
});

describe('detection/model.onnx', () => {
  it('gives face-api decoded boxes and scores, then the same faces after NMS', async () => {
    for (const image of groups) {
      const input = toNetworkInput(image, 512, false);
      const out = await runPack(sessions.detection, [input], 512);
      const expected = await ref.detectionRaw(input, 512);
      expect(record('detection boxes raw', maxAbsDiff(out.boxes as Float32Array, expected.boxes))).toBeLessThan(TOLERANCE);
      expect(record('detection scores raw', maxAbsDiff(out.scores as Float32Array, expected.scores))).toBeLessThan(TOLERANCE);
      const ours = detectionsFromNetwork(out.boxes as Float32Array, out.scores as Float32Array, image.width, image.height);
      const theirs = await ref.detections(image);
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours.length).toBe(theirs.length);
      ours.forEach((face, i) => {
        const other = theirs[i] as (typeof theirs)[number];
        record('detection score', Math.abs(face.score - other.score));
        const boxDiff = maxAbsDiff([face.box.x, face.box.y, face.box.width, face.box.height], [other.box.x, other.box.y, other.box.width, other.box.height]);
        expect(record('detection box (relative)', boxDiff)).toBeLessThan(TOLERANCE);
        expect(Math.abs(face.score - other.score)).toBeLessThan(TOLERANCE);
      });
    }
  });
});

describe('analyzeFaces (whole pipeline)', () => {
  it('finds the same faces, landmarks, aligned boxes and descriptors as face-api end to end', async () => {
    const run: RunGraph = (task, inputs, size) => runPack(sessions[task], inputs, size);
    for (const image of groups) {
      const [ours, theirs] = [await analyzeFaces(image, run), await ref.analyze(image)];
      expect(theirs.length).toBeGreaterThan(1);
      expect(ours.length).toBe(theirs.length);
      ours.forEach((face, i) => {
        const other = theirs[i] as (typeof theirs)[number];
        const box = (b: typeof face.alignedBox): number[] => [b.x, b.y, b.width, b.height];
        expect(record('pipeline detection box', maxAbsDiff(box(face.detection.box), box(other.box)))).toBeLessThan(TOLERANCE);
        expect(record('pipeline landmarks (image-relative)', maxAbsDiff(face.landmarks, other.landmarks))).toBeLessThan(TOLERANCE);
        expect(record('pipeline aligned box', maxAbsDiff(box(face.alignedBox), box(other.alignedBox)))).toBeLessThan(TOLERANCE);
        expect(record('pipeline descriptor', maxAbsDiff(face.descriptor, other.descriptor))).toBeLessThan(TOLERANCE);
      });
    }
  });
});
