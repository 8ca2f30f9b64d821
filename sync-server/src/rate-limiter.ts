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
  /** Keys kept before old windows are swept, so a flood of distinct keys cannot grow memory. */
  readonly maxKeys?: number;
}

export interface RateLimiter {
  /** Counts one attempt; false when the key is over its limit in the current window. */
  hit(key: string): boolean;
  reset(key: string): void;
}

export const createRateLimiter = ({ limit, windowMs, now = Date.now, maxKeys = 10_000 }: RateLimiterOptions): RateLimiter => {
  const windows = new Map<string, { start: number; count: number }>();
  const sweep = (t: number): void => {
    for (const [key, w] of windows) if (t - w.start >= windowMs) windows.delete(key);
  };
  return {
    hit(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        if (windows.size >= maxKeys) sweep(t);
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count <= limit;
    },
    reset(key) {
      windows.delete(key);
    },
  };
};
