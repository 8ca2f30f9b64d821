/**
 * One measurement of `npm run bench:ml`, in its own process (onnxruntime-web fixes its thread
 * count when it first starts). Prints one JSON line.
 *
 *   npx tsx bench/ml-part.ts faces 2          # face pipeline per photo, WASM with 2 threads
 *   npx tsx bench/ml-part.ts faces 2 384      # … with the opt-in 384 detector
 *   npx tsx bench/ml-part.ts vit 1 | search 100000 | faces-peer
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PACK_DIR, ensureFacePack } from '../models/src/faces/convert/face-pack.js';
import { createFaceAnalyzer, DEFAULT_FACE_OPTIONS } from '../models/src/faces/face-analyzer.js';
import { analyzeFaces, type RunGraph } from '../models/src/faces/face-pipeline.js';
import { loadFaceApiReference, loadRgb } from '../models/src/faces/testing/face-api-reference.js';
import type { ModelSession } from '../models/src/runtime/model-runtime.js';
import { nodePackSource } from '../models/src/packs/node-pack-source.js';
import { createOrtRuntime } from '../models/src/runtime/ort-runtime.js';
import { buildVisualGraph, seededRandom, VIT_B_32 } from '../models/src/clip/generate/clip-graphs.js';
import { clipImageInput, parsePreprocessConfig } from '../models/src/clip/preprocess.js';
import { OPENAI_MEAN, OPENAI_STD } from '../models/src/clip/generate/clip-pack-writer.js';
import { createVectorIndex } from '../models/src/search/vector-index.js';

const FACES = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const PHOTOS = [...readdirSync(FACES).filter((f) => f.endsWith('.jpg')).sort()];
const [part, arg] = [process.argv[2], Number(process.argv[3] ?? 1)];

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { runs: ms.length, medianMs: Number((sorted[Math.floor(sorted.length / 2)] as number).toFixed(1)), meanMs: Number((ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)), minMs: Number((sorted[0] as number).toFixed(1)) };
};

const faces = async (threads: number, detectorSize: number) => {
  await ensureFacePack();
  const runtime = await createOrtRuntime({ provider: 'wasm', threads });
  const analyzer = await createFaceAnalyzer(nodePackSource(DEFAULT_PACK_DIR), runtime);
  const images = await Promise.all(PHOTOS.map((p) => loadRgb(join(FACES, p))));
  const options = { ...DEFAULT_FACE_OPTIONS, detectorSize };
  await analyzer.analyze(images[0]!, options);
  const ms: number[] = [];
  let found = 0;
  // CPU time of the whole process (all ORT threads, spin-waiting included): on a loaded machine
  // the 1-thread figure is what the work costs when the core is ours.
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < 2; round++) {
    for (const image of images) {
      const t = performance.now();
      found += (await analyzer.analyze(image, options)).length;
      ms.push(performance.now() - t);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerPhoto = Number(((cpu.user + cpu.system) / 1000 / ms.length).toFixed(1));
  // Where the time goes: the same photos once more through analyzeFaces, each graph run timed.
  const manifest = await ensureFacePack();
  const sessions = new Map<string, ModelSession>();
  for (const spec of [manifest.models.detection, manifest.models.landmarks, manifest.models.recognition, ...(manifest.detectors ?? [])]) {
    sessions.set(`${spec.file.split('/')[0]?.startsWith('detection') ? 'detection' : spec.file.split('/')[0]}@${spec.inputSize}`, await runtime.createSession(readFileSync(join(DEFAULT_PACK_DIR, spec.file)), spec.file));
  }
  const stages: Record<string, number> = { detection: 0, landmarks: 0, recognition: 0, everythingElse: 0 };
  const timed: RunGraph = async (task, inputs, size) => {
    const session = sessions.get(`${task}@${size}`)!;
    const batch = new Float32Array(inputs.length * 3 * size * size);
    inputs.forEach((input, i) => batch.set(input, i * 3 * size * size));
    const t = performance.now();
    const out = await session.run({ input: { type: 'float32', data: batch, dims: [inputs.length, 3, size, size] } });
    stages[task]! += performance.now() - t;
    return Object.fromEntries(Object.entries(out).map(([name, v]) => [name, v.data]));
  };
  await analyzeFaces(images[0]!, timed, options); // warm-up
  for (const key of Object.keys(stages)) stages[key] = 0;
  for (const image of images) {
    const t = performance.now();
    await analyzeFaces(image, timed, options);
    stages.everythingElse! += performance.now() - t;
  }
  stages.everythingElse! -= stages.detection! + stages.landmarks! + stages.recognition!;
  const perPhoto = Object.fromEntries(Object.entries(stages).map(([k, v]) => [`${k}Ms`, Number((v / images.length).toFixed(1))]));
  return { photos: PHOTOS, threads: runtime.threads, detectorSize, facesPerPass: found / 2, ...stats(ms), cpuMsPerPhoto, stagesPerPhoto: perPhoto };
};

const facesPeer = async () => {
  const ref = await loadFaceApiReference();
  const images = await Promise.all(PHOTOS.map((p) => loadRgb(join(FACES, p))));
  await ref.analyze(images[0]!);
  const ms: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const image of images) {
      const t = performance.now();
      await ref.analyze(image);
      ms.push(performance.now() - t);
    }
  }
  return { peer: '@vladmandic/face-api on @tensorflow/tfjs-backend-wasm (same nets, face-api alignment)', backend: ref.backend, ...stats(ms) };
};

const vit = async (threads: number) => {
  const started = performance.now();
  const bytes = buildVisualGraph(VIT_B_32.vision, VIT_B_32.embedDim, seededRandom(1)).encode();
  const buildMs = performance.now() - started;
  const runtime = await createOrtRuntime({ provider: 'wasm', threads });
  const session = await runtime.createSession(bytes, 'ViT-B-32 visual (random weights)');
  const cfg = parsePreprocessConfig({ size: 224, mean: OPENAI_MEAN, std: OPENAI_STD, interpolation: 'bicubic', resize_mode: 'shortest' });
  const images = await Promise.all(PHOTOS.slice(0, 4).map((p) => loadRgb(join(FACES, p))));
  const once = async (i: number) => {
    const input = clipImageInput(images[i % images.length]!, cfg);
    const out = await session.run({ image: { type: 'float32', data: input, dims: [1, 3, 224, 224] } });
    if (out.embedding?.dims[1] !== 512) throw new Error('ViT-B/32 gave no [1, 512] embedding');
  };
  await once(0);
  const ms: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t = performance.now();
    await once(i);
    ms.push(performance.now() - t);
  }
  return { model: 'ViT-B/32 visual, open_clip shapes (width 768, 12 layers, 12 heads, patch 32), random weights, fp32', modelMB: Number((bytes.byteLength / 1e6).toFixed(1)), generateMs: Math.round(buildMs), threads: runtime.threads, includes: 'open_clip preprocessing + inference', ...stats(ms) };
};

const search = (count: number) => {
  let s = 12345;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const index = createVectorIndex(512);
  const floats = count <= 100_000 ? new Float32Array(count * 512) : undefined;
  const v = new Float32Array(512);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let d = 0; d < 512; d++) n += (v[d] = random()) ** 2;
    n = Math.sqrt(n);
    for (let d = 0; d < 512; d++) v[d]! /= n;
    floats?.set(v, i * 512);
    index.add(`asset-${i}`, v);
  }
  const addMs = performance.now() - t0;
  const queries = Array.from({ length: 12 }, () => Float32Array.from({ length: 512 }, random));
  const ms: number[] = [];
  const kernel: number[] = [];
  const filtered: number[] = [];
  index.search(queries[0]!, { k: 20 });
  for (const q of queries) {
    let t = performance.now();
    index.search(q, { k: 20 });
    ms.push(performance.now() - t);
    kernel.push(index.lastKernelMs);
    t = performance.now();
    index.search(q, { k: 20, filter: (id) => id.charCodeAt(id.length - 1) % 2 === 0 });
    filtered.push(performance.now() - t);
  }
  let peer: object | undefined;
  if (floats !== undefined) {
    // The named peer: plain float32 brute force in JS over the same vectors.
    const peerMs: number[] = [];
    for (const q of queries.slice(0, 6)) {
      const t = performance.now();
      const scores = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        let dot = 0;
        const o = i * 512;
        for (let d = 0; d < 512; d++) dot += q[d]! * floats[o + d]!;
        scores[i] = dot;
      }
      const top = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, 20);
      if (top.length !== 20) throw new Error('peer failed');
      peerMs.push(performance.now() - t);
    }
    peer = { peer: 'float32 brute force in plain JS', ...stats(peerMs) };
  }
  return { embeddings: count, dims: 512, quantisation: 'int8 per-vector scale', bytesPerVector: 516, addMs: Math.round(addMs), k: 20, ...stats(ms), kernelMedianMs: stats(kernel).medianMs, withFilterMedianMs: stats(filtered).medianMs, ...(peer === undefined ? {} : { jsFloatPeer: peer }) };
};

const result = part === 'faces' ? await faces(arg, Number(process.argv[4] ?? 512)) : part === 'faces-peer' ? await facesPeer() : part === 'vit' ? await vit(arg) : part === 'search' ? search(arg) : undefined;
if (result === undefined) throw new Error(`unknown part ${part}`);
console.log(`RESULT ${JSON.stringify(result)}`);
