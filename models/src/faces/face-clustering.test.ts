/**
 * Faces end to end on the real face pack and real photos: detect → filter → align upright →
 * embed → incremental clustering, over shared/data/faces (8 people × 5 tight crops, plus the
 * group photos bbt1–5.jpg whose faces are unlabelled extra faces of the same cast). The crops
 * are tight 150×150 faces; SSD MobileNet needs some context around a face, so each crop is
 * shown as a photo would show it: in the middle of a 450×450 mid-grey canvas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PACK_DIR, ensureFacePack } from './convert/face-pack.js';
import { nodePackSource } from '../packs/node-pack-source.js';
import { createOrtRuntime } from '../runtime/ort-runtime.js';
import { createFaceAnalyzer, DEFAULT_FACE_OPTIONS, type FaceAnalyzer } from './face-analyzer.js';
import { createFaceClusterer, FACE_API_CLUSTERING } from './clustering.js';
import { FaceAlignment, type AnalyzedFace } from './face-pipeline.js';
import type { RgbImage } from './preprocess.js';
import { pairwiseQuality } from './testing/cluster-quality.js';
import { loadRgb } from './testing/face-api-reference.js';
import { cosineDistance } from './testing/vectors.js';

const FACES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'faces');
const OPTIONS = DEFAULT_FACE_OPTIONS;

const onCanvas = (image: RgbImage, margin: number): RgbImage => {
  const width = image.width + 2 * margin;
  const height = image.height + 2 * margin;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      for (let c = 0; c < 3; c++) data[((y + margin) * width + x + margin) * 3 + c] = image.data[(y * image.width + x) * image.channels + c] as number;
    }
  }
  return { width, height, channels: 3, data };
};

type Face = { key: string; label: string | undefined; face: AnalyzedFace };
const faces: Face[] = [];
let analyzer: FaceAnalyzer;
const missed: string[] = [];

const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

beforeAll(async () => {
  await ensureFacePack();
  analyzer = await createFaceAnalyzer(nodePackSource(DEFAULT_PACK_DIR), await createOrtRuntime({ provider: 'wasm', threads: 1 }));
  const people = readdirSync(FACES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const person of people) {
    for (const file of readdirSync(join(FACES, person)).sort()) {
      const found = await analyzer.analyze(onCanvas(await loadRgb(join(FACES, person, file)), 150), OPTIONS);
      if (found.length !== 1) missed.push(`${person}/${file}: ${found.length} faces`);
      found.forEach((face, i) => faces.push({ key: `${person}/${file}#${i}`, label: person, face }));
    }
  }
  for (const file of ['bbt1.jpg', 'bbt2.jpg', 'bbt3.jpg', 'bbt4.jpg', 'bbt5.jpg']) {
    const found = await analyzer.analyze(await loadRgb(join(FACES, file)), OPTIONS);
    found.forEach((face, i) => faces.push({ key: `${file}#${i}`, label: undefined, face }));
  }
}, 180_000);

const quality = (order: readonly Face[], batches: number) => {
  const clusters = createFaceClusterer(FACE_API_CLUSTERING);
  const size = Math.ceil(order.length / batches);
  for (let b = 0; b < order.length; b += size) {
    for (const { key, face } of order.slice(b, b + size)) clusters.add(key, face.descriptor);
    clusters.run();
  }
  const labelled = faces.filter((f): f is Face & { label: string } => f.label !== undefined);
  const assigned = labelled.map(({ key, label }) => ({ label, cluster: clusters.personOf(key) }));
  const perPerson = new Map<string, Set<string | undefined>>();
  for (const { label, cluster } of assigned) perPerson.set(label, (perPerson.get(label) ?? new Set()).add(cluster));
  return { clusters, ...pairwiseQuality(assigned), perPerson };
};


describe('similarity alignment', () => {
  it('levels a tilted face: its descriptor stays near the upright one, unlike the axis-aligned crop', async () => {
    const upright = onCanvas(await loadRgb(join(FACES, 'sheldon', 'sheldon2.png')), 150);
    const { data, info } = await sharp(upright.data, { raw: { width: upright.width, height: upright.height, channels: 3 } })
      .rotate(25, { background: { r: 128, g: 128, b: 128 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const tilted = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) } as const;
    const [reference] = await analyzer.analyze(upright, OPTIONS);
    const [aligned] = await analyzer.analyze(tilted, OPTIONS);
    const [cropped] = await analyzer.analyze(tilted, { ...OPTIONS, alignment: FaceAlignment.faceApi });
    if (reference === undefined || aligned === undefined || cropped === undefined) throw new Error('no face found');
    const levelled = cosineDistance(reference.descriptor, aligned.descriptor);
    const unlevelled = cosineDistance(reference.descriptor, cropped.descriptor);
    console.log(`tilted 25°: cosine distance to upright ${levelled.toFixed(4)} aligned, ${unlevelled.toFixed(4)} face-api crop`);
    expect(levelled).toBeLessThan(0.03);
    expect(levelled).toBeLessThan(unlevelled / 2);
  });

  it('drops faces below the minimum size', async () => {
    const group = await loadRgb(join(FACES, 'bbt3.jpg'));
    const all = await analyzer.analyze(group, { ...OPTIONS, minFaceSize: 0 });
    const big = await analyzer.analyze(group, { ...OPTIONS, minFaceSize: 55 });
    expect(big.length).toBeGreaterThan(0);
    expect(big.length).toBeLessThan(all.length);
    for (const face of big) expect(Math.min(face.detection.box.width * group.width, face.detection.box.height * group.height)).toBeGreaterThanOrEqual(54);
  });
});

describe('faces end to end on shared/data/faces', () => {
  it('finds exactly one face in each of the 40 crops and several in each group photo', () => {
    expect(missed).toEqual([]);
    expect(faces.filter((f) => f.label !== undefined)).toHaveLength(40);
    expect(faces.filter((f) => f.label === undefined).length).toBeGreaterThanOrEqual(15);
    for (const { face } of faces) expect(Math.min(face.descriptorBox.width, face.descriptorBox.height)).toBeGreaterThan(0);
  });

  it.each([
    ['insertion order, one batch', 0, 1],
    ['shuffled (seed 1), one batch', 1, 1],
    ['shuffled (seed 2), five batches', 2, 5],
    ['shuffled (seed 3), one face per batch', 3, 1000],
    ['shuffled (seed 4), three batches', 4, 3],
    ['shuffled (seed 5), one face per batch', 5, 1000],
  ])('clusters people: precision ≥ 0.98, recall ≥ 0.9, each person exactly one cluster (%s)', (_name, seed, batches) => {
    const order = seed === 0 ? faces : shuffled(faces, seed);
    const { precision, recall, perPerson, clusters } = quality(order, Math.min(batches, order.length));
    console.log(`clustering ${_name}: precision ${precision.toFixed(3)} recall ${recall.toFixed(3)}, ${clusters.persons().size} persons over ${faces.length} faces`);
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    const personClusters = [...perPerson.values()].map((set) => [...set]);
    for (const set of personClusters) {
      expect(set).toHaveLength(1);
      expect(set[0]).toBeDefined();
    }
    expect(new Set(personClusters.map((set) => set[0])).size).toBe(perPerson.size);
  });

  it('a full re-cluster gives the same people as the incremental runs', () => {
    const { clusters } = quality(shuffled(faces, 4), 7);
    const before = faces.map((f) => clusters.personOf(f.key));
    clusters.recluster();
    const after = faces.map((f) => clusters.personOf(f.key));
    const labelled = faces.flatMap((f, i) => (f.label === undefined ? [] : [{ label: f.label, cluster: after[i] }]));
    expect(pairwiseQuality(labelled).precision).toBeGreaterThanOrEqual(0.98);
    // Same partition of the labelled faces (person names may be numbered differently).
    const pairs = (assignment: (string | undefined)[]): string =>
      faces.flatMap((f, i) => faces.slice(i + 1).map((_, k) => (f.label !== undefined && assignment[i] !== undefined && assignment[i] === assignment[i + 1 + k] ? 1 : 0))).join('');
    expect(pairs(after)).toBe(pairs(before));
  });
});
