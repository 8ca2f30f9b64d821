/**
 * parseFacePackManifest accepts what the builder writes and rejects damaged manifests (the
 * client reads manifest.json over HTTP, so it is untrusted input).
 */
import { describe, expect, it } from 'vitest';
import { FACE_PACK_FORMAT, FacePackManifestError, parseFacePackManifest } from './pack-manifest.js';

const spec = (file: string) => ({ file, inputSize: 112, padding: 'centred', inputs: [], outputs: [], description: '' });
const valid = () => ({
  format: FACE_PACK_FORMAT,
  id: 'face-api',
  licence: 'MIT',
  source: { package: '@vladmandic/face-api', version: '1.7.15', url: 'https://github.com/vladmandic/face-api' },
  converter: 'abc',
  opset: 13,
  models: { detection: spec('detection/model.onnx'), landmarks: spec('landmarks/model.onnx'), recognition: spec('recognition/model.onnx') },
  files: ['detection', 'landmarks', 'recognition'].map((task) => ({ path: `${task}/model.onnx`, sha256: '00', bytes: 1 })),
});

/** Deterministic PRNG so a failing mutation can be replayed from its seed. */
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('parseFacePackManifest', () => {
  it('accepts a well-formed manifest', () => {
    expect(parseFacePackManifest(valid()).id).toBe('face-api');
  });

  it('rejects non-objects, other formats and models pointing outside files', () => {
    for (const bad of [null, 42, 'x', [], { ...valid(), format: 2 }, { ...valid(), files: [] }, { ...valid(), models: { detection: spec('d.onnx') } }]) {
      expect(() => parseFacePackManifest(bad)).toThrow(FacePackManifestError);
    }
  });

  it('accepts optional extra detectors only when each is well-formed and listed in files', () => {
    const files = [...valid().files, { path: 'detection-384/model.onnx', sha256: '00', bytes: 1 }];
    expect(parseFacePackManifest({ ...valid(), files, detectors: [spec('detection-384/model.onnx')] }).detectors?.[0]?.file).toBe('detection-384/model.onnx');
    for (const detectors of [{}, 'x', [null], [{ ...spec('detection-384/model.onnx'), inputSize: '384' }], [spec('detection-320/model.onnx')]]) {
      expect(() => parseFacePackManifest({ ...valid(), files, detectors })).toThrow(FacePackManifestError);
    }
  });

  it('never throws anything but FacePackManifestError on randomly damaged manifests', () => {
    const random = mulberry32(5);
    const junk = [null, 0, -1, 'x', [], {}, true];
    for (let round = 0; round < 500; round++) {
      const manifest = valid() as Record<string, any>;
      const path = [['format'], ['id'], ['files'], ['models'], ['models', 'landmarks'], ['models', 'recognition', 'file'], ['models', 'detection', 'inputSize']][Math.floor(random() * 7)]!;
      let target = manifest;
      for (const key of path.slice(0, -1)) target = target[key];
      target[path.at(-1)!] = junk[Math.floor(random() * junk.length)];
      try {
        parseFacePackManifest(manifest);
      } catch (err) {
        expect(err, `seed 5 round ${round}`).toBeInstanceOf(FacePackManifestError);
      }
    }
  });
});
