/**
 * Fixed-window counters per key, for throttling login attempts. In memory: a restart resets
 * them, which is fine for a home server and keeps the hot path free of disk writes.
 *
 *   const limiter = createRateLimiter({ limit: 10, windowMs: 60_000 })
 *   if (!limiter.hit(`${ip} ${email}`)) throw new HttpError(429, 'rateLimited', 'slow down')
 */

export interface RateLimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly now?: () => number;
  /**
   * Most keys kept (default 10,000), so a flood of distinct keys cannot grow memory: past it the
   * oldest windows are dropped first, and a dropped key starts afresh (bounded memory wins over
   * exact counts under such a flood).
   */
  readonly maxKeys?: number;
}

export interface RateLimiter {
  /** Counts one attempt; false when the key is over its limit in the current window. */
  hit(key: string): boolean;
  reset(key: string): void;
  /** Keys currently tracked (at most maxKeys). */
  readonly size: number;
}

export const createRateLimiter = ({ limit, windowMs, now = Date.now, maxKeys = 10_000 }: RateLimiterOptions): RateLimiter => {
  // Insertion order is start order (a renewed window is re-inserted), so the oldest come first.
  const windows = new Map<string, { start: number; count: number }>();
  /** Drops expired windows, then the oldest live ones while full: amortised O(1) per hit. */
  const makeRoom = (t: number): void => {
    for (const [key, w] of windows) {
      if (windows.size < maxKeys && t - w.start < windowMs) return;
      windows.delete(key);
    }
  };
  return {
    hit(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        windows.delete(key);
        makeRoom(t);
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count <= limit;
    },
    reset(key) {
      windows.delete(key);
    },
    get size() {
      return windows.size;
    },
  };
};
