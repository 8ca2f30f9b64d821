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

  it('bounds memory under a flood of distinct keys', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 1, windowMs: 10, now: () => now, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) {
      now = i;
      expect(limiter.hit(`k${i}`)).toBe(true);
    }
  });
});
