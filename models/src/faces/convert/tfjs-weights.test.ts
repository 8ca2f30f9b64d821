/**
 * readTfjsWeights decodes face-api's quantised manifests to exactly the float32 values that
 * TF.js's own `io.decodeWeights` produces, and rejects shards that do not fit their manifest.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faceApiPackage } from './face-pack.js';
import { readTfjsWeights, TfjsWeightsError } from './tfjs-weights.js';
import { tfPadding } from './tf-layers.js';

// Quiets TF.js's one-off "install tfjs-node" banner; the CPU backend is all this test needs.
tf.env().set('IS_TEST', true);
const modelDir = join(faceApiPackage().dir, 'model');
const NETS = ['face_recognition_model', 'face_landmark_68_model', 'ssd_mobilenetv1_model'];

describe('readTfjsWeights', () => {
  it.each(NETS)('decodes %s exactly like tf.io.decodeWeights', async (name) => {
    const manifest = JSON.parse(readFileSync(join(modelDir, `${name}-weights_manifest.json`), 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const group = manifest[0]!;
    const buffer = readFileSync(join(modelDir, group.paths[0]!));
    const expected = tf.io.decodeWeights(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength), group.weights);
    const ours = await readTfjsWeights(modelDir, name);
    expect([...ours.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [key, weight] of ours) {
      const reference = expected[key]!;
      expect(weight.shape).toEqual(reference.shape);
      expect(Buffer.from(weight.data.buffer).equals(Buffer.from((reference.dataSync() as Float32Array | Int32Array).buffer))).toBe(true);
    }
    tf.dispose(Object.values(expected));
  });

  it('rejects a truncated or oversized shard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-weights-'));
    try {
      const name = 'face_landmark_68_model';
      copyFileSync(join(modelDir, `${name}-weights_manifest.json`), join(dir, `${name}-weights_manifest.json`));
      const bin = readFileSync(join(modelDir, `${name}.bin`));
      writeFileSync(join(dir, `${name}.bin`), bin.subarray(0, bin.byteLength - 1));
      await expect(readTfjsWeights(dir, name)).rejects.toBeInstanceOf(TfjsWeightsError);
      writeFileSync(join(dir, `${name}.bin`), Buffer.concat([bin, Buffer.alloc(1)]));
      await expect(readTfjsWeights(dir, name)).rejects.toBeInstanceOf(TfjsWeightsError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tfPadding', () => {
  it('follows TF: same pads the extra pixel at the end, valid floors', () => {
    expect(tfPadding(512, 3, 2, 'same')).toEqual({ out: 256, pads: [0, 1] });
    expect(tfPadding(7, 3, 2, 'same')).toEqual({ out: 4, pads: [1, 1] });
    expect(tfPadding(112, 3, 1, 'same')).toEqual({ out: 112, pads: [1, 1] });
    expect(tfPadding(150, 7, 2, 'valid')).toEqual({ out: 72, pads: [0, 0] });
    expect(tfPadding(8, 3, 2, 'valid')).toEqual({ out: 3, pads: [0, 0] });
  });
});
