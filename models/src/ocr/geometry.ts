/**
 * Plane geometry for text boxes: convex hull (Andrew's monotone chain) and the minimum-area
 * rotated rectangle around a point set (rotating calipers over the hull's edges), standing in for
 * OpenCV's `convexHull` and `minAreaRect` that PaddleOCR's DB post-processing calls.
 *
 *   const rect = minAreaRect(points);            // { cx, cy, width, height, angle }
 *   const [tl, tr, br, bl] = rectCorners(rect);  // PaddleOCR's get_mini_boxes order
 */

export type Point = readonly [number, number];

/** A rotated rectangle: centre, side along `angle` (radians) and the side across it. */
export type RotatedRect = { readonly cx: number; readonly cy: number; readonly width: number; readonly height: number; readonly angle: number };

const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Counter-clockwise convex hull without collinear points. `points` is not modified. */
export const convexHull = (points: readonly Point[]): Point[] => {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i] as Point;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
};

/** Smallest-area rectangle containing all points (one of its sides lies on a hull edge). */
export const minAreaRect = (points: readonly Point[]): RotatedRect => {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  if (hull.length === 1) return { cx: (hull[0] as Point)[0], cy: (hull[0] as Point)[1], width: 0, height: 0, angle: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i] as Point;
    const b = hull[(i + 1) % hull.length] as Point;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const ux = (b[0] - a[0]) / length;
    const uy = (b[1] - a[1]) / length;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return best as RotatedRect;
};

/**
 * The rectangle's corners as PaddleOCR's get_mini_boxes orders them: top-left, top-right,
 * bottom-right, bottom-left (the two leftmost points by x, each pair split by y).
 */
export const rectCorners = (rect: RotatedRect): [Point, Point, Point, Point] => {
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const corners: Point[] = [
    [rect.cx - ux * hw + uy * hh, rect.cy - uy * hw - ux * hh] as const,
    [rect.cx + ux * hw + uy * hh, rect.cy + uy * hw - ux * hh] as const,
    [rect.cx + ux * hw - uy * hh, rect.cy + uy * hw + ux * hh] as const,
    [rect.cx - ux * hw - uy * hh, rect.cy - uy * hw + ux * hh] as const,
  ].sort((a, b) => a[0] - b[0]);
  const [l0, l1, r0, r1] = corners as [Point, Point, Point, Point];
  const [tl, bl] = l0[1] <= l1[1] ? [l0, l1] : [l1, l0];
  const [tr, br] = r0[1] <= r1[1] ? [r0, r1] : [r1, r0];
  return [tl, tr, br, bl];
};
