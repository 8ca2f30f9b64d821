/**
 * A small seeded PRNG (mulberry32) for simulations, fuzzers and generators: the same seed gives
 * the same run, so a failing seed can be printed, replayed and pinned.
 *
 *   const random = createRandom(42);
 *   const byte = Math.floor(random() * 256);
 */
export const createRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
