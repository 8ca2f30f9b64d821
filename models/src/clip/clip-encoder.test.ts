/**
 * A generated CLIP-shaped pack (random weights; Immich's file layout, input and output names and
 * shapes) loads with its hashes verified and gives L2-normalised 512-d image and text
 * embeddings on onnxruntime-web (wasm) in Node; corrupt, mismatched and wrong-shaped packs fail
 * fast with a named reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRgb } from '../faces/testing/face-api-reference.js';
import { nodePackSource } from '../packs/node-pack-source.js';
import { ModelPackError } from '../packs/pack-files.js';
import { writeClipManifest } from '../packs/install-pack.js';
import { createOrtRuntime } from '../runtime/ort-runtime.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import { CLIP_FILES, loadClipPack } from './clip-pack.js';
import { createClipEncoder, type ClipEncoder } from './clip-encoder.js';
import { TINY_CLIP, writeGeneratedClipPack } from './generate/clip-pack-writer.js';

const FACES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'faces');
let dir: string;
let runtime: ModelRuntime;
let clip: ClipEncoder;

const norm = (v: Float32Array): number => Math.hypot(...v);
const copyPack = async (name: string): Promise<string> => {
  const copy = join(dir, name);
  await cp(join(dir, 'pack'), copy, { recursive: true });
  return copy;
};
const reason = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ModelPackError ? `${error.reason}: ${error.message}` : `other: ${String(error)}`),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clip-pack-'));
  await writeGeneratedClipPack({ outDir: join(dir, 'pack'), id: 'clip-test', spec: TINY_CLIP });
  runtime = await createOrtRuntime({ provider: 'wasm', threads: 1 });
  clip = await createClipEncoder(await loadClipPack(nodePackSource(join(dir, 'pack'))), runtime);
});
afterAll(async () => {
  await clip?.release();
  await rm(dir, { recursive: true, force: true });
});

describe('generated CLIP pack', () => {
  it('has Immich’s layout and CLIP’s input and output names and shapes in its manifest', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'pack', 'manifest.json'), 'utf8'));
    expect(manifest.models.visual.inputs).toEqual([{ name: 'image', shape: ['N', 3, 224, 224], dtype: 'float32' }]);
    expect(manifest.models.visual.outputs).toEqual([{ name: 'embedding', shape: ['N', 512], dtype: 'float32' }]);
    expect(manifest.models.textual.inputs).toEqual([{ name: 'text', shape: ['N', 77], dtype: 'int32' }]);
    expect(manifest.models.textual.outputs).toEqual([{ name: 'embedding', shape: ['N', 512], dtype: 'float32' }]);
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(Object.values(CLIP_FILES).sort());
  });

  it('embeds real photos: 512-d, unit length, batched = one by one, different photos differ', async () => {
    const images = await Promise.all(['bbt1.jpg', 'happy.jpg', 'amy/amy1.png'].map((p) => loadRgb(join(FACES, p))));
    const batch = await clip.encodeImages(images);
    expect(batch).toHaveLength(3);
    for (const [i, embedding] of batch.entries()) {
      expect(embedding).toHaveLength(512);
      expect(Math.abs(norm(embedding) - 1)).toBeLessThan(1e-5);
      const [single] = await clip.encodeImages([images[i] as (typeof images)[number]]);
      for (let k = 0; k < 512; k++) expect(Math.abs((single as Float32Array)[k]! - embedding[k]!)).toBeLessThan(1e-4);
    }
    const cos = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, k) => s + x * b[k]!, 0);
    expect(cos(batch[0]!, batch[1]!)).toBeLessThan(0.9999);
  });

  it('embeds text: 512-d, unit length, deterministic, different texts differ', async () => {
    const [a, again, b] = [await clip.encodeText('a photo of a cat'), await clip.encodeText('a photo of a cat'), await clip.encodeText('the beach at sunset')];
    expect(a).toHaveLength(512);
    expect(Math.abs(norm(a) - 1)).toBeLessThan(1e-5);
    expect(Array.from(again)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });
});

describe('bad packs fail fast with a reason', () => {
  it('a flipped byte in a model → hash-mismatch', async () => {
    const copy = await copyPack('flipped');
    const path = join(copy, CLIP_FILES.visual);
    const bytes = await readFile(path);
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] as number) ^ 0xff;
    await writeFile(path, bytes);
    expect(await reason(loadClipPack(nodePackSource(copy)))).toMatch(/^hash-mismatch: .*visual\/model\.onnx has sha256/);
  });

  it('a missing file → missing-file; a garbage manifest → bad-manifest', async () => {
    const copy = await copyPack('missing');
    await rm(join(copy, CLIP_FILES.tokenizer));
    expect(await reason(loadClipPack(nodePackSource(copy)))).toMatch(/^missing-file: .*tokenizer\.json/);
    await writeFile(join(copy, 'manifest.json'), '{"format":1,"kind":"clip"');
    expect(await reason(loadClipPack(nodePackSource(copy)))).toMatch(/^bad-config: manifest\.json is not JSON/);
  });

  it('garbage with a matching hash → load-failed from onnxruntime, not a hang', async () => {
    const copy = await copyPack('garbage');
    await writeFile(join(copy, CLIP_FILES.visual), new Uint8Array(4096).fill(7));
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
    const { hashFiles } = await import('../packs/install-pack.js');
    manifest.files = await hashFiles(copy);
    await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
    const started = performance.now();
    expect(await reason(loadClipPack(nodePackSource(copy)).then((pack) => createClipEncoder(pack, runtime)))).toMatch(/^load-failed: clip-test\/visual\/model\.onnx: onnxruntime cannot load it/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a model whose embedding size disagrees with config.json → wrong-shape', async () => {
    const copy = await copyPack('wrong-dim');
    const config = JSON.parse(await readFile(join(copy, CLIP_FILES.config), 'utf8'));
    await writeFile(join(copy, CLIP_FILES.config), JSON.stringify({ ...config, embed_dim: 768 }));
    await writeClipManifest(copy, { id: 'clip-test', licence: 'x', source: 'x' });
    expect(await reason(loadClipPack(nodePackSource(copy)).then((pack) => createClipEncoder(pack, runtime)))).toMatch(/^wrong-shape: clip-test\/visual: output embedding has shape \[N, 512\], expected \[N, 768\]/);
  });

  it('the text encoder in place of the image encoder → wrong-shape at install', async () => {
    const copy = await copyPack('swapped');
    await writeFile(join(copy, CLIP_FILES.visual), await readFile(join(dir, 'pack', CLIP_FILES.textual)));
    expect(await reason(writeClipManifest(copy, { id: 'x', licence: 'x', source: 'x' }))).toMatch(/^wrong-shape: visual\/model\.onnx: expected one input image of rank 4, found text\[N,77\]/);
  });
});
