import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('allows `limit` hits per window per key, then refuses until the window passes', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.hit('a'))).toEqual([true, true, true, false]);
    expect(limiter.hit('b')).toBe(true);
    now = 1000;
    expect(limiter.hit('a')).toBe(true);
    limiter.reset('a');
    expect([1, 2, 3].map(() => limiter.hit('a'))).toEqual([true, true, true]);
  });

  it('bounds memory under a flood of distinct keys in one window, forgetting the oldest first', () => {
    const now = 0; // one window: nothing expires, so only eviction can hold the bound
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, now: () => now, maxKeys: 100 });
    let allowed = 0;
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      if (limiter.hit(`k${i}`)) allowed++;
      largest = Math.max(largest, limiter.size);
    }
    expect(allowed).toBe(100_000);
    expect(largest).toBe(100);
    expect(limiter.hit('k99999')).toBe(false); // the newest keys are still counted
    expect(limiter.hit('k99901')).toBe(false);
    expect(limiter.hit('k0')).toBe(true); // the oldest was forgotten
  });

  it('drops expired windows before live ones', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 1, windowMs: 10, now: () => now, maxKeys: 3 });
    limiter.hit('old');
    now = 5;
    limiter.hit('live1');
    limiter.hit('live2');
    now = 12; // 'old' expired, live1 and live2 have not
    limiter.hit('new');
    expect(limiter.size).toBe(3);
    expect(limiter.hit('live1')).toBe(false);
    expect(limiter.hit('live2')).toBe(false);
  });
});
