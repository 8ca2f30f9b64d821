/** The index-once derivative codec: round trips for both kinds, and fuzzed input fails cleanly. */
import { describe, expect, it } from 'vitest';
import { MlDerivativeError, mlDerivativeName, readMlDerivative, writeMlDerivative, type MlDerivative } from './ml-derivative.js';

const hash = 'a'.repeat(64);
const faces: MlDerivative = {
  kind: 'faces',
  assetHash: hash,
  modelId: 'face-api',
  width: 1366,
  height: 768,
  // float32 values, as stored.
  faces: [0.9, 0.7].map((score, i) => ({ score: Math.fround(score), box: { x: Math.fround(0.1 * i), y: Math.fround(0.2), width: Math.fround(0.05), height: Math.fround(0.1) }, landmarks: Float32Array.from({ length: 136 }, (_, k) => k / 136), descriptor: Float32Array.from({ length: 128 }, (_, k) => Math.sin(k + i)) })),
};
const text: MlDerivative = {
  kind: 'text',
  assetHash: hash,
  modelId: 'PP-OCRv4_mobile',
  width: 1440,
  height: 960,
  lines: ['MAIN STAY', 'Mother-in-Lager', '一番搾'].map((line, i) => ({ text: line, score: Math.fround(0.9 - i / 10), box: Float32Array.from({ length: 8 }, (_, k) => (k + i) / 16) })),
};
const clip: MlDerivative = { kind: 'clip', assetHash: hash, modelId: 'ViT-B-32__openai', embedding: Float32Array.from({ length: 512 }, (_, k) => Math.cos(k) / 16) };

describe('ML derivatives', () => {
  it('round-trip faces, text lines and CLIP embeddings exactly (float32)', () => {
    for (const value of [faces, text, clip, { ...text, lines: [] }]) expect(readMlDerivative(writeMlDerivative(value))).toEqual(value);
    expect(writeMlDerivative(clip).byteLength).toBeLessThan(512 * 4 + 100);
  });

  it('names derivatives by model id and refuses unsafe ids', () => {
    expect(mlDerivativeName('ViT-B-32__openai')).toBe('ml/ViT-B-32__openai');
    expect(() => mlDerivativeName('../etc')).toThrow(MlDerivativeError);
    expect(() => writeMlDerivative({ ...clip, modelId: 'a/b' })).toThrow(/bad model id/);
  });

  it('rejects truncated, mutated and random bytes with MlDerivativeError, never anything else', () => {
    for (const good of [writeMlDerivative(faces), writeMlDerivative(text)]) fuzz(good);
  });

  it('refuses to write text beyond its caps', () => {
    expect(() => writeMlDerivative({ ...text, lines: [{ text: 'x'.repeat(1001), score: 1, box: new Float32Array(8) }] } as MlDerivative)).toThrow(MlDerivativeError);
  });
});

const fuzz = (good: Uint8Array): void => {
  {
    let s = 99;
    const random = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    for (let i = 0; i < 300; i++) {
      const variant = i % 3;
      const bytes = variant === 0 ? good.slice(0, Math.floor(random() * good.length)) : variant === 1 ? Uint8Array.from(good) : Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      if (variant === 1) for (let k = 0; k < 3; k++) bytes[Math.floor(random() * 12)] = Math.floor(random() * 256);
      try {
        readMlDerivative(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(MlDerivativeError);
      }
    }
    expect(() => readMlDerivative(good.slice(0, good.length - 1))).toThrow(MlDerivativeError);
    expect(() => readMlDerivative(Uint8Array.from([...good, 0]))).toThrow(/trailing bytes/);
  }
};
