import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from './auth-login-limiter.js';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

const blocked = (f: () => void): boolean => {
  try {
    f();
    return false;
  } catch (err) {
    expect(err).toMatchObject({ status: 429, code: 'rateLimited' });
    return true;
  }
};

describe('login limiter', () => {
  it('backs off one (account, address) exponentially after the free failures, and a success resets it', () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now });
    for (let i = 0; i < 5; i++) {
      expect(blocked(() => limiter.check('kid@example.com', '10.0.0.2'))).toBe(false);
      limiter.failed('kid@example.com', '10.0.0.2');
    }
    expect(blocked(() => limiter.check('KID@example.com', '10.0.0.2'))).toBe(true);
    c.advance(1000);
    expect(blocked(() => limiter.check('kid@example.com', '10.0.0.2'))).toBe(false);
    limiter.failed('kid@example.com', '10.0.0.2'); // sixth: now 2 s
    c.advance(1500);
    expect(blocked(() => limiter.check('kid@example.com', '10.0.0.2'))).toBe(true);
    c.advance(500);
    expect(blocked(() => limiter.check('kid@example.com', '10.0.0.2'))).toBe(false);
    limiter.succeeded('kid@example.com', '10.0.0.2');
    limiter.failed('kid@example.com', '10.0.0.2');
    expect(blocked(() => limiter.check('kid@example.com', '10.0.0.2'))).toBe(false);
  });

  it('caps the backoff, and forgets failures older than the cap', () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now, maxDelayMs: 60_000 });
    for (let i = 0; i < 40; i++) {
      c.advance(60_000);
      limiter.check('a@example.com', '10.0.0.9');
      limiter.failed('a@example.com', '10.0.0.9');
    }
    c.advance(59_000);
    expect(blocked(() => limiter.check('a@example.com', '10.0.0.9'))).toBe(true);
    c.advance(1_001);
    expect(blocked(() => limiter.check('a@example.com', '10.0.0.9'))).toBe(false);
  });

  it('an attacker on the shared address does not lock out the user who signed in from it before', () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now });
    limiter.check('mum@example.com', '192.0.2.1');
    limiter.succeeded('mum@example.com', '192.0.2.1');
    // Someone behind the same router sprays guesses at mum's and many other accounts.
    for (let i = 0; i < 40; i++) {
      if (!blocked(() => limiter.check(`user${i}@example.com`, '192.0.2.1'))) limiter.failed(`user${i}@example.com`, '192.0.2.1');
    }
    for (let i = 0; i < 5; i++) limiter.failed('mum@example.com', '203.0.113.66');
    expect(blocked(() => limiter.check('user99@example.com', '192.0.2.1'))).toBe(true); // the spraying address waits
    expect(blocked(() => limiter.check('mum@example.com', '203.0.113.66'))).toBe(true); // the guessing pair waits
    expect(blocked(() => limiter.check('mum@example.com', '192.0.2.1'))).toBe(false); // mum at home does not
  });

  it('slows a guess at one account spread over many addresses', () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now });
    for (let i = 0; i < 30; i++) limiter.failed('dad@example.com', `198.51.100.${i}`);
    expect(blocked(() => limiter.check('dad@example.com', '198.51.100.200'))).toBe(true);
    c.advance(1000);
    expect(blocked(() => limiter.check('dad@example.com', '198.51.100.200'))).toBe(false);
  });

  it('keeps memory bounded under a flood of addresses', () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now, maxKeys: 100, freeFailures: 1, wideFailures: 1 });
    for (let i = 0; i < 10_000; i++) limiter.failed(`x${i}@example.com`, `a${i}`);
    // The oldest records were dropped (no longer slowed); the newest are kept.
    expect(blocked(() => limiter.check('y@example.com', 'a0'))).toBe(false);
    expect(blocked(() => limiter.check('x0@example.com', 'b'))).toBe(false);
    expect(blocked(() => limiter.check('y@example.com', 'a9999'))).toBe(true);
    expect(blocked(() => limiter.check('x9999@example.com', 'b'))).toBe(true);
  });
});
