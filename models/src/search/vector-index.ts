/**
 * Brute-force vector search over int8-quantised, L2-normalised embeddings (CLIP images, faces):
 * each vector is scaled so its largest component is ±127 (its scale kept as a float), the query
 * likewise, and a WebAssembly SIMD kernel computes every int8 dot product; a JS pass applies the
 * caller's metadata filter and keeps the top k. Cosine distance = 1 − similarity, as in Immich;
 * `duplicatesOf` is its near-duplicate rule (distance ≤ 0.01). 512-d: 516 bytes a vector.
 *
 *   const index = createVectorIndex(512); index.add('asset-1', embedding);
 *   const hits = index.search(queryEmbedding, { k: 20, filter: (id) => inAlbum.has(id) });
 */
import { instantiateInt8Dot, type Int8DotKernel } from './int8-dot.wasm.js';

export type SearchHit = { readonly id: string; readonly similarity: number; readonly distance: number };
export type SearchOptions = {
  /** How many hits at most (default 20). */
  readonly k?: number;
  /** Keep only ids for which this returns true (metadata filters: album, date, owner, …). */
  readonly filter?: (id: string) => boolean;
  /** Drop hits farther than this cosine distance. */
  readonly maxDistance?: number;
};

export type VectorIndex = {
  readonly dimensions: number;
  readonly size: number;
  /** Milliseconds the SIMD kernel took in the last search (the rest is filtering and top-k). */
  readonly lastKernelMs: number;
  /** Adds or replaces the vector for `id`. */
  add(id: string, embedding: ArrayLike<number>): void;
  remove(id: string): boolean;
  has(id: string): boolean;
  search(query: ArrayLike<number>, options?: SearchOptions): SearchHit[];
  /** Near-duplicates of `query` (Immich: cosine distance ≤ 0.01). */
  duplicatesOf(query: ArrayLike<number>, options?: Omit<SearchOptions, 'maxDistance'> & { maxDistance?: number }): SearchHit[];
};

/** Immich's duplicate detection threshold. */
export const DUPLICATE_MAX_DISTANCE = 0.01;

const PAGE = 65536;
const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Writes `v` quantised to int8 into `target` at `offset`; returns the dequantisation scale. */
const quantise = (v: ArrayLike<number>, target: Int8Array, offset: number, stride: number): number => {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += (v[i] as number) ** 2;
  norm = Math.sqrt(norm);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new Error('embedding is zero or not finite');
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i] as number) / norm);
  const scale = 127 / max;
  for (let i = 0; i < v.length; i++) target[offset + i] = Math.max(-127, Math.min(127, Math.round(((v[i] as number) / norm) * scale)));
  target.fill(0, offset + v.length, offset + stride);
  return 1 / scale;
};

/** Keeps the k best (similarity, slot) pairs: a min-heap on similarity. */
const topK = (k: number) => {
  const sims = new Float64Array(k);
  const slots = new Int32Array(k);
  let size = 0;
  const swap = (a: number, b: number): void => {
    [sims[a], sims[b]] = [sims[b] as number, sims[a] as number];
    [slots[a], slots[b]] = [slots[b] as number, slots[a] as number];
  };
  return {
    get worst(): number {
      return size < k ? Number.NEGATIVE_INFINITY : (sims[0] as number);
    },
    push(similarity: number, slot: number): void {
      if (size < k) {
        sims[size] = similarity;
        slots[size] = slot;
        for (let i = size++; i > 0; ) {
          const parent = (i - 1) >> 1;
          if ((sims[parent] as number) <= (sims[i] as number)) break;
          swap(i, parent);
          i = parent;
        }
        return;
      }
      sims[0] = similarity;
      slots[0] = slot;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && (sims[l] as number) < (sims[m] as number)) m = l;
        if (r < size && (sims[r] as number) < (sims[m] as number)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    },
    sorted(): { similarity: number; slot: number }[] {
      return Array.from({ length: size }, (_, i) => ({ similarity: sims[i] as number, slot: slots[i] as number })).sort((a, b) => b.similarity - a.similarity);
    },
  };
};

export const createVectorIndex = (dimensions: number): VectorIndex => {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) throw new Error(`bad dimensions ${dimensions}`);
  const stride = align(dimensions, 64);
  const vectorsAt = align(stride, 64);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const kernel: Int8DotKernel = instantiateInt8Dot(memory);
  let bytes = new Int8Array(memory.buffer);
  let scales = new Float32Array(1024);
  let alive = new Uint8Array(1024);
  const ids: string[] = [];
  const slotOf = new Map<string, number>();
  let live = 0;
  let lastKernelMs = 0;

  const ensureBytes = (end: number): void => {
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    // Grow geometrically: every grow may copy the whole memory.
    const want = Math.max(end, Math.min(have * 2, have + 256 * 1024 * 1024));
    memory.grow(Math.ceil((want - have) / PAGE));
    bytes = new Int8Array(memory.buffer);
  };
  const checkLength = (v: ArrayLike<number>): void => {
    if (v.length !== dimensions) throw new Error(`embedding has ${v.length} values, the index holds ${dimensions}`);
  };

  const search = (query: ArrayLike<number>, options: SearchOptions = {}): SearchHit[] => {
    checkLength(query);
    const { k = 20, filter, maxDistance } = options;
    const count = ids.length;
    if (count === 0 || k < 1) return [];
    const scoresAt = align(vectorsAt + count * stride, 64);
    ensureBytes(scoresAt + count * 4);
    const queryScale = quantise(query, bytes, 0, stride);
    const started = performance.now();
    kernel.scores(0, vectorsAt, count, stride, scoresAt);
    lastKernelMs = performance.now() - started;
    const scores = new Int32Array(memory.buffer, scoresAt, count);
    const best = topK(k);
    const floor = maxDistance === undefined ? Number.NEGATIVE_INFINITY : 1 - maxDistance;
    // The hot loop: one multiply and compare per vector; the bar only rises.
    let bar = floor;
    const localScales = scales;
    for (let i = 0; i < count; i++) {
      const similarity = (scores[i] as number) * (localScales[i] as number) * queryScale;
      if (similarity < bar || alive[i] === 0) continue;
      if (filter !== undefined && !filter(ids[i] as string)) continue;
      best.push(similarity, i);
      bar = Math.max(floor, best.worst);
    }
    return best.sorted().map(({ similarity, slot }) => ({ id: ids[slot] as string, similarity, distance: 1 - similarity }));
  };

  return {
    dimensions,
    get size() {
      return live;
    },
    add(id, embedding) {
      checkLength(embedding);
      let slot = slotOf.get(id);
      if (slot === undefined) {
        slot = ids.length;
        if (slot >= scales.length) {
          const grownScales = new Float32Array(scales.length * 2);
          grownScales.set(scales);
          scales = grownScales;
          const grownAlive = new Uint8Array(alive.length * 2);
          grownAlive.set(alive);
          alive = grownAlive;
        }
        ensureBytes(vectorsAt + (slot + 1) * stride);
        ids.push(id);
        slotOf.set(id, slot);
      }
      scales[slot] = quantise(embedding, bytes, vectorsAt + slot * stride, stride);
      if (alive[slot] === 0) live++;
      alive[slot] = 1;
    },
    remove(id) {
      const slot = slotOf.get(id);
      if (slot === undefined || alive[slot] === 0) return false;
      alive[slot] = 0;
      live--;
      return true;
    },
    has: (id) => {
      const slot = slotOf.get(id);
      return slot !== undefined && alive[slot] === 1;
    },
    search,
    get lastKernelMs() {
      return lastKernelMs;
    },
    duplicatesOf: (query, options = {}) => search(query, { k: 100, ...options, maxDistance: options.maxDistance ?? DUPLICATE_MAX_DISTANCE }),
  };
};
