/**
 * Incremental face clustering: DBSCAN kept up to date as faces arrive (Ester et al. 1998,
 * "Incremental Clustering for Mining in a Data Warehousing Environment"), with Immich's
 * parameters and its deferral (`PersonService.handleRecognizeFaces`). A face is *core* when at
 * least `minFaces` faces, itself included, lie within `maxDistance` (cosine distance of the
 * L2-normalised descriptors). Core faces within maxDistance of each other are one person: a new
 * core face joins its core neighbours' person, founds a person when it has none, and merges
 * persons it connects (the older person id survives). Non-core faces wait for the end of the
 * batch, then join the person of their nearest core face, or stay unassigned and are tried again
 * with every later batch. `recluster()` forgets every person and runs it all again.
 *
 *   const clusters = createFaceClusterer({ maxDistance: 0.075, minFaces: 3 });
 *   clusters.add('asset1#0', descriptor); clusters.run(); clusters.personOf('asset1#0'); // 'person-1' | undefined
 */

export type ClusterOptions = {
  /** Largest cosine distance (1 − cos) between two neighbouring faces of one person. */
  readonly maxDistance: number;
  /** Faces (the face itself included) within maxDistance that make a face a core point. */
  readonly minFaces: number;
};

/**
 * For the face-api pack. Measured on shared/data/faces (see face-clustering.test.ts): every
 * maxDistance from 0.06 to 0.08 with minFaces 2–3 clusters all 8 people perfectly in any order;
 * 0.085 already joins Bernadette and Penny (their closest crops are 0.083 apart). 0.07 is the
 * middle of that plateau. (face-api's own pairwise rule, euclidean 0.6 on raw descriptors of norm
 * ≈ 1.43, is ≈ 0.088 here: too loose once neighbours chain.) minFaces 3 is Immich's default.
 */
export const FACE_API_CLUSTERING: ClusterOptions = { maxDistance: 0.07, minFaces: 3 };

/** What one `run()` did, counted per face or per event. */
export type ClusterRun = { readonly cores: number; readonly founded: number; readonly merged: number; readonly attached: number; readonly unassigned: number };

export type FaceClusterer = {
  /** Stores a face for the next `run()`; throws on a duplicate key or a wrong-sized descriptor. */
  add(key: string, descriptor: ArrayLike<number>): void;
  /** Brings every face added since the last run into the clustering, then retries the waiting ones. */
  run(): ClusterRun;
  /** Clears all persons and clusters every face again, as one batch. */
  recluster(): ClusterRun;
  personOf(key: string): string | undefined;
  /** Whether the face has at least minFaces faces within maxDistance. */
  isCore(key: string): boolean;
  /** Person → face keys, persons by id. */
  persons(): Map<string, string[]>;
  readonly size: number;
};

const normaliseInto = (target: Float32Array, offset: number, v: ArrayLike<number>): void => {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  if (!(sum > 0) || !Number.isFinite(sum)) throw new Error('face descriptor is zero or not finite');
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) target[offset + i] = (v[i] as number) * inv;
};

export const createFaceClusterer = (options: ClusterOptions, dimensions = 128): FaceClusterer => {
  const { maxDistance, minFaces } = options;
  if (!(maxDistance > 0 && maxDistance < 2) || !Number.isInteger(minFaces) || minFaces < 1) throw new Error(`bad cluster options ${JSON.stringify(options)}`);
  const minSimilarity = 1 - maxDistance;
  let vectors = new Float32Array(256 * dimensions);
  let count = new Int32Array(256);
  let core = new Uint8Array(256);
  let label = new Int32Array(256).fill(-1);
  const keys: string[] = [];
  const index = new Map<string, number>();
  let fresh: number[] = [];
  let nextPerson = 0;

  const similarity = (i: number, j: number): number => {
    let dot = 0;
    const a = i * dimensions;
    const b = j * dimensions;
    for (let k = 0; k < dimensions; k++) dot += (vectors[a + k] as number) * (vectors[b + k] as number);
    return dot;
  };
  /** Other faces within maxDistance of face i among the first `upTo`, nearest first. */
  const neighbours = (i: number, upTo = keys.length): number[] => {
    const found: { face: number; s: number }[] = [];
    for (let j = 0; j < upTo; j++) {
      if (j === i) continue;
      const s = similarity(i, j);
      if (s >= minSimilarity) found.push({ face: j, s });
    }
    return found.sort((a, b) => b.s - a.s).map(({ face }) => face);
  };
  const relabel = (from: number, to: number): void => {
    for (let i = 0; i < keys.length; i++) if (label[i] === from) label[i] = to;
  };

  const runOver = (batch: readonly number[], known: number): ClusterRun => {
    const stats = { cores: 0, founded: 0, merged: 0, attached: 0, unassigned: 0 };
    // 1. Density: each new face counts its neighbours among the faces known before it, and is counted by them.
    const becameCore: number[] = [];
    let seen = known;
    for (const i of batch) {
      const near = neighbours(i, seen);
      count[i] = 1 + near.length;
      for (const j of near) count[j] = (count[j] as number) + 1;
      seen = Math.max(seen, i + 1);
    }
    for (let i = 0; i < keys.length; i++) {
      if (!core[i] && (count[i] as number) >= minFaces) {
        core[i] = 1;
        becameCore.push(i);
      }
    }
    // 2. New core faces join, found or merge persons through their core neighbours.
    for (const c of becameCore) {
      const persons = new Set<number>();
      if ((label[c] as number) >= 0) persons.add(label[c] as number);
      for (const j of neighbours(c)) if (core[j] && (label[j] as number) >= 0) persons.add(label[j] as number);
      if (persons.size === 0) {
        label[c] = nextPerson++;
        stats.founded++;
        continue;
      }
      const keep = Math.min(...persons);
      for (const p of persons) {
        if (p === keep) continue;
        relabel(p, keep);
        stats.merged++;
      }
      label[c] = keep;
    }
    stats.cores = becameCore.length;
    // 3. Deferred: faces that are not core take their nearest core neighbour's person, if any.
    for (let i = 0; i < keys.length; i++) {
      if (core[i] || (label[i] as number) >= 0) continue;
      const anchor = neighbours(i).find((j) => core[j] && (label[j] as number) >= 0);
      if (anchor === undefined) stats.unassigned++;
      else {
        label[i] = label[anchor] as number;
        stats.attached++;
      }
    }
    return stats;
  };

  const grow = (): void => {
    const size = count.length * 2;
    const v = new Float32Array(size * dimensions);
    v.set(vectors);
    vectors = v;
    const c = new Int32Array(size);
    c.set(count);
    count = c;
    const k = new Uint8Array(size);
    k.set(core);
    core = k;
    const l = new Int32Array(size).fill(-1);
    l.set(label);
    label = l;
  };

  const keyed = (key: string): number => index.get(key) ?? -1;
  return {
    add(key, descriptor) {
      if (descriptor.length !== dimensions) throw new Error(`face ${key}: descriptor has ${descriptor.length} values, expected ${dimensions}`);
      if (index.has(key)) throw new Error(`face ${key} was already added`);
      const i = keys.length;
      if (i >= count.length) grow();
      normaliseInto(vectors, i * dimensions, descriptor);
      keys.push(key);
      index.set(key, i);
      fresh.push(i);
    },
    run() {
      const batch = fresh;
      fresh = [];
      return runOver(batch, batch[0] ?? keys.length);
    },
    recluster() {
      count.fill(0);
      core.fill(0);
      label.fill(-1);
      nextPerson = 0;
      fresh = [];
      return runOver(keys.map((_, i) => i), 0);
    },
    personOf(key) {
      const i = keyed(key);
      const p = i < 0 ? -1 : (label[i] as number);
      return p >= 0 ? `person-${p + 1}` : undefined;
    },
    isCore: (key) => {
      const i = keyed(key);
      return i >= 0 && core[i] === 1;
    },
    persons() {
      const out = new Map<number, string[]>();
      keys.forEach((key, i) => {
        const p = label[i] as number;
        if (p >= 0) out.set(p, [...(out.get(p) ?? []), key]);
      });
      return new Map([...out.entries()].sort((a, b) => a[0] - b[0]).map(([p, faces]) => [`person-${p + 1}`, faces]));
    },
    get size() {
      return keys.length;
    },
  };
};
