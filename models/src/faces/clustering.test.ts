/**
 * The clustering rules on generated descriptors: deferral of non-core faces, founding, border
 * attachment, merging, bad input, and a seeded simulation that checks the incremental result
 * against a full re-cluster for random blobs and random batchings.
 */
import { describe, expect, it } from 'vitest';
import { createFaceClusterer } from './clustering.js';

const DIMS = 8;
/** A unit vector at `angle` radians in the plane of axes 0 and 1: cosine distance 1 − cos(Δangle). */
const at = (angle: number): Float32Array => {
  const v = new Float32Array(DIMS);
  v[0] = Math.cos(angle);
  v[1] = Math.sin(angle);
  return v;
};
// maxDistance 0.02 ⇔ angles within acos(0.98) ≈ 0.2 rad.
const OPTIONS = { maxDistance: 0.02, minFaces: 3 };

describe('createFaceClusterer', () => {
  it('lets non-core faces wait until a core face appears, then founds one person', () => {
    const clusters = createFaceClusterer(OPTIONS, DIMS);
    clusters.add('a', at(0));
    clusters.add('b', at(0.1));
    expect(clusters.run()).toMatchObject({ cores: 0, founded: 0, unassigned: 2 });
    expect(clusters.personOf('a')).toBeUndefined();
    clusters.add('c', at(0.05));
    expect(clusters.run()).toMatchObject({ cores: 3, founded: 1, merged: 0 });
    expect(new Set(['a', 'b', 'c'].map((k) => clusters.personOf(k)))).toEqual(new Set(['person-1']));
  });

  it('attaches a border face to its nearest core face, and leaves noise alone', () => {
    const clusters = createFaceClusterer(OPTIONS, DIMS);
    for (const [k, a] of [['a', 0], ['b', 0.05], ['c', 0.1], ['border', 0.28], ['noise', 1.5]] as const) clusters.add(k, at(a));
    clusters.run();
    expect(clusters.isCore('c')).toBe(true);
    expect(clusters.isCore('border')).toBe(false);
    expect(clusters.personOf('border')).toBe(clusters.personOf('a'));
    expect(clusters.personOf('noise')).toBeUndefined();
  });

  it('merges two persons when a new face connects their core faces; the older id survives', () => {
    const clusters = createFaceClusterer(OPTIONS, DIMS);
    for (const [k, a] of [['l1', 0], ['l2', 0.05], ['l3', 0.1], ['r1', 0.5], ['r2', 0.55], ['r3', 0.6]] as const) clusters.add(k, at(a));
    clusters.run();
    expect(clusters.persons().size).toBe(2);
    clusters.add('m1', at(0.25));
    clusters.add('m2', at(0.38));
    const stats = clusters.run();
    expect(stats.merged).toBe(1);
    expect([...clusters.persons().keys()]).toEqual(['person-1']);
    expect(clusters.persons().get('person-1')).toHaveLength(8);
  });

  it('rejects a wrong-sized, duplicate or zero descriptor and bad options', () => {
    const clusters = createFaceClusterer(OPTIONS, DIMS);
    expect(() => clusters.add('x', new Float32Array(3))).toThrow(/3 values, expected 8/);
    clusters.add('x', at(0));
    expect(() => clusters.add('x', at(0))).toThrow(/already added/);
    expect(() => clusters.add('z', new Float32Array(DIMS))).toThrow(/zero or not finite/);
    expect(() => createFaceClusterer({ maxDistance: 0, minFaces: 3 })).toThrow(/bad cluster options/);
    expect(() => createFaceClusterer({ maxDistance: 0.1, minFaces: 0.5 })).toThrow(/bad cluster options/);
  });

  it('gives the same core partition incrementally as a full re-cluster (seeded simulation)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      let s = seed;
      const random = (): number => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 2 ** 32;
      };
      const clusters = createFaceClusterer(OPTIONS, DIMS);
      const keys: string[] = [];
      const centres = Array.from({ length: 4 }, () => random() * 6);
      for (let i = 0; i < 60; i++) {
        const key = `f${i}`;
        keys.push(key);
        clusters.add(key, at((centres[i % 4] as number) + (random() - 0.5) * 0.5));
        if (random() < 0.2) clusters.run();
      }
      clusters.run();
      const partition = (): string =>
        keys
          .filter((k) => clusters.isCore(k))
          .map((k) => keys.filter((o) => clusters.isCore(o) && clusters.personOf(o) === clusters.personOf(k)).join(','))
          .join('|');
      const incremental = partition();
      const cores = keys.filter((k) => clusters.isCore(k)).length;
      clusters.recluster();
      expect(partition(), `seed ${seed}`).toBe(incremental);
      expect(keys.filter((k) => clusters.isCore(k)).length).toBe(cores);
      for (const k of keys) if (clusters.isCore(k)) expect(clusters.personOf(k)).toBeDefined();
    }
  });
});
