/**
 * Vector helpers for the face tests: how far apart two descriptors are.
 *
 *   expect(cosineDistance(onnx.descriptor, faceApi.descriptor)).toBeLessThan(1e-3);
 *   cosineDistance([1, 0], [0, 1]); // 1
 */

/** 1 − cosine similarity (0 = same direction, 2 = opposite). */
export const cosineDistance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb);
};
