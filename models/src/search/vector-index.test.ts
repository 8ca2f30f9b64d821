/**
 * Vector search: the hand-assembled SIMD kernel equals a plain dot product (extremes included),
 * int8 top-k agrees with exact float search, filters, removal and replacement work, and the
 * near-duplicate rule (cosine distance ≤ 0.01) separates 0.005 from 0.02.
 */
import { describe, expect, it } from 'vitest';
import { instantiateInt8Dot } from './int8-dot.wasm.js';
import { createVectorIndex, DUPLICATE_MAX_DISTANCE } from './vector-index.js';

const seeded = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
};
const unit = (v: Float32Array): Float32Array => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const randomUnit = (random: () => number, dims: number): Float32Array => unit(Float32Array.from({ length: dims }, random));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
/** A unit vector at cosine distance `d` from unit `v`. */
const atDistance = (v: Float32Array, d: number, random: () => number): Float32Array => {
  const r = randomUnit(random, v.length);
  const ortho = unit(r.map((x, i) => x - dot(r, v) * (v[i] as number)));
  const c = 1 - d;
  return v.map((x, i) => c * x + Math.sqrt(1 - c * c) * (ortho[i] as number));
};

describe('int8 dot kernel', () => {
  it('equals a plain integer dot product, extremes included', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const kernel = instantiateInt8Dot(memory);
    const dims = 128;
    const count = 50;
    const bytes = new Int8Array(memory.buffer);
    const random = seeded(3);
    for (let i = 0; i < dims * (count + 1); i++) bytes[i] = i < dims * 3 ? (i % 2 === 0 ? 127 : -127) : Math.round(random() * 254);
    kernel.scores(0, dims, count, dims, dims * (count + 1));
    const out = new Int32Array(memory.buffer, dims * (count + 1), count);
    for (let v = 0; v < count; v++) {
      let expected = 0;
      for (let d = 0; d < dims; d++) expected += (bytes[d] as number) * (bytes[dims * (v + 1) + d] as number);
      expect(out[v]).toBe(expected);
    }
    expect(out[0]).toBe(127 * 127 * dims);
  });
});

describe('createVectorIndex', () => {
  const random = seeded(7);
  const dims = 512;
  const vectors = Array.from({ length: 3000 }, () => randomUnit(random, dims));
  const index = createVectorIndex(dims);
  vectors.forEach((v, i) => index.add(`v${i}`, v));

  it('finds the same top 10 as exact float search, with similarities within 0.005', () => {
    let overlap = 0;
    for (let q = 0; q < 20; q++) {
      const query = atDistance(vectors[q * 7] as Float32Array, 0.6, random);
      const exact = vectors.map((v, i) => ({ id: `v${i}`, s: dot(query, v) })).sort((a, b) => b.s - a.s).slice(0, 10);
      const hits = index.search(query, { k: 10 });
      expect(hits).toHaveLength(10);
      expect(hits[0]?.id).toBe(exact[0]?.id);
      overlap += hits.filter((h) => exact.some((e) => e.id === h.id)).length;
      for (const hit of hits) expect(Math.abs(hit.similarity - dot(query, vectors[Number(hit.id.slice(1))] as Float32Array))).toBeLessThan(0.005);
    }
    expect(overlap / 200).toBeGreaterThanOrEqual(0.9);
  });

  it('applies metadata filters, removal and replacement', () => {
    const query = vectors[42] as Float32Array;
    expect(index.search(query, { k: 1 })[0]?.id).toBe('v42');
    const evens = index.search(query, { k: 5, filter: (id) => Number(id.slice(1)) % 2 === 1 });
    expect(evens).toHaveLength(5);
    expect(evens.every((h) => Number(h.id.slice(1)) % 2 === 1)).toBe(true);
    expect(index.remove('v42')).toBe(true);
    expect(index.search(query, { k: 1 })[0]?.id).not.toBe('v42');
    index.add('v42', vectors[42] as Float32Array);
    index.add('v43', vectors[42] as Float32Array);
    const both = index.search(query, { k: 2 }).map((h) => h.id).sort();
    expect(both).toEqual(['v42', 'v43']);
    index.add('v43', vectors[43] as Float32Array);
    expect(index.size).toBe(3000);
  });

  it('finds near-duplicates within cosine distance 0.01 and not beyond', () => {
    const base = vectors[100] as Float32Array;
    const small = createVectorIndex(dims);
    small.add('original', base);
    small.add('re-encoded', atDistance(base, 0.004, random));
    small.add('cropped', atDistance(base, 0.025, random));
    for (let i = 0; i < 200; i++) small.add(`other${i}`, vectors[i + 1000] as Float32Array);
    const duplicates = small.duplicatesOf(base).map((h) => h.id);
    expect(duplicates.sort()).toEqual(['original', 're-encoded']);
    expect(DUPLICATE_MAX_DISTANCE).toBe(0.01);
  });

  it('rejects wrong-sized or zero embeddings and bad dimensions', () => {
    expect(() => index.add('x', new Float32Array(3))).toThrow(/3 values, the index holds 512/);
    expect(() => index.add('x', new Float32Array(dims))).toThrow(/zero or not finite/);
    expect(() => index.search(new Float32Array(5))).toThrow(/5 values/);
    expect(() => createVectorIndex(0)).toThrow(/bad dimensions/);
    expect(createVectorIndex(8).search(new Float32Array(8).fill(1))).toEqual([]);
  });
});
