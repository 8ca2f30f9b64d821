/**
 * The opt-in faster detector (`FaceOptions.detectorSize: 384`): its anchors are face-api's own
 * anchor boxes laid on smaller grids (checked by regridding onto the 512 grids, which must give
 * face-api's anchors back), and on the real group photos every face it finds is a face the
 * faithful 512 detector finds too, with nearly the same descriptor; what it costs is recall.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDetectionGraph, DETECTION_WEIGHTS, regridAnchors } from './convert/detection.js';
import { DEFAULT_PACK_DIR, ensureFacePack, faceApiPackage, FAST_DETECTOR_SIZES } from './convert/face-pack.js';
import { floatWeight, readTfjsWeights } from './convert/tfjs-weights.js';
import { FACE_API_CLUSTERING } from './clustering.js';
import { createFaceAnalyzer, DEFAULT_FACE_OPTIONS, type FaceAnalyzer } from './face-analyzer.js';
import type { AnalyzedFace } from './face-pipeline.js';
import type { RelativeBox } from './postprocess.js';
import { loadRgb } from './testing/face-api-reference.js';
import { nodePackSource } from '../packs/node-pack-source.js';
import { ModelPackErrorReason } from '../packs/pack-files.js';
import { createOrtRuntime } from '../runtime/ort-runtime.js';
import { cosineDistance } from './testing/vectors.js';

const FACES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'faces');
const GROUPS = ['bbt1.jpg', 'bbt2.jpg', 'bbt3.jpg', 'bbt4.jpg', 'bbt5.jpg'];

const iou = (a: RelativeBox, b: RelativeBox): number => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
};


let analyzer: FaceAnalyzer;
const found: { photo: string; full: AnalyzedFace[]; fast: AnalyzedFace[] }[] = [];

beforeAll(async () => {
  await ensureFacePack();
  analyzer = await createFaceAnalyzer(nodePackSource(DEFAULT_PACK_DIR), await createOrtRuntime({ provider: 'wasm', threads: 1 }));
  for (const photo of GROUPS) {
    const image = await loadRgb(join(FACES, photo));
    found.push({ photo, full: await analyzer.analyze(image), fast: await analyzer.analyze(image, { ...DEFAULT_FACE_OPTIONS, detectorSize: 384 }) });
  }
}, 120_000);

describe('smaller detector input (opt-in)', () => {
  it('lays face-api anchor boxes on the grids: onto the 512 grids it gives face-api anchors back', async () => {
    const weights = await readTfjsWeights(join(faceApiPackage().dir, 'model'), DETECTION_WEIGHTS);
    const original = floatWeight(weights, 'Output/extra_dim', 3).data;
    const grids = [32, 16, 8, 4, 2, 1].map((cells, i) => ({ cells, perCell: i === 0 ? 3 : 6 }));
    const again = regridAnchors(original, grids, grids);
    expect(again.length).toBe(original.length);
    expect(Math.max(...again.map((v, i) => Math.abs(v - (original[i] as number))))).toBeLessThan(1e-6);
    // The 384 graph has 24·24·3 + (12² + 6² + 3² + 2² + 1)·6 anchors.
    expect(buildDetectionGraph(weights, 384).signature.outputs[0]?.shape).toEqual(['N', 24 * 24 * 3 + (12 ** 2 + 6 ** 2 + 3 ** 2 + 2 ** 2 + 1) * 6, 4]);
    expect(FAST_DETECTOR_SIZES).toContain(384);
  });

  it('finds only faces the 512 detector finds, with nearly the same descriptors, and most of them', () => {
    let matched = 0;
    let total = 0;
    const worst = { iou: 1, distance: 0 };
    for (const { full, fast } of found) {
      total += full.length;
      for (const face of fast) {
        const twin = full.reduce((best, other) => (iou(other.detection.box, face.detection.box) > iou(best.detection.box, face.detection.box) ? other : best));
        const overlap = iou(twin.detection.box, face.detection.box);
        worst.iou = Math.min(worst.iou, overlap);
        worst.distance = Math.max(worst.distance, cosineDistance(twin.descriptor, face.descriptor));
        if (overlap >= 0.5) matched++;
      }
    }
    const fastTotal = found.reduce((sum, f) => sum + f.fast.length, 0);
    console.log(`detector 384 vs 512 on ${GROUPS.join(', ')}: ${found.map((f) => `${f.fast.length}/${f.full.length}`).join(', ')} faces; recall ${(matched / total).toFixed(3)}, worst IoU ${worst.iou.toFixed(3)}, worst descriptor distance ${worst.distance.toFixed(4)}`);
    expect(matched).toBe(fastTotal); // precision 1 against the faithful detector
    expect(matched / total).toBeGreaterThanOrEqual(0.85);
    expect(worst.distance).toBeLessThan(FACE_API_CLUSTERING.maxDistance); // the clustering's same-person distance
  });

  it('refuses a detector size the pack does not ship, naming the sizes it has', async () => {
    const image = await loadRgb(join(FACES, 'fearful.jpg'));
    await expect(analyzer.analyze(image, { detectorSize: 320 })).rejects.toMatchObject({ reason: ModelPackErrorReason.badConfig, message: expect.stringContaining('512, 384') });
  });
});
