/**
 * Slows password guessing without locking the real user out (issue 12 finding 8: a fixed limit
 * per address shut out everyone behind one home router). Failures back off exponentially per
 * (account, address); an address failing on many accounts (spraying) and an account failing from
 * many addresses (a distributed guess) back off too, except for a pair that signed in before:
 * the family member on the shared router, whose own pair is the only limit that applies to them.
 * In memory, like the rate limiter: a restart forgets, which a home server can afford.
 *
 *   const limiter = createLoginLimiter()
 *   limiter.check(email, ip)            // throws 429 rateLimited while backing off
 *   ok ? limiter.succeeded(email, ip) : limiter.failed(email, ip)
 */
import { HttpError } from '../../protocol/src/index.js';

export interface LoginLimiterOptions {
  /** Failures of one (account, address) before backoff starts; default 5. */
  readonly freeFailures: number;
  /** Failures of one address (all accounts) or one account (all addresses) before they back off; default 30. */
  readonly wideFailures: number;
  /** The first backoff; doubles with each further failure; default 1 s. */
  readonly baseDelayMs: number;
  /** Longest backoff; default 15 minutes. Failures older than this are forgotten. */
  readonly maxDelayMs: number;
  /** Keys kept (each kind) before the oldest are dropped, so a flood of addresses cannot grow memory; default 10,000. */
  readonly maxKeys: number;
  readonly now: () => number;
}

export const DEFAULT_LOGIN_LIMITER: LoginLimiterOptions = {
  freeFailures: 5,
  wideFailures: 30,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  maxKeys: 10_000,
  now: Date.now,
};

export interface LoginLimiter {
  /** Throws HttpError 429 `rateLimited` (saying how long to wait) while this attempt must wait. */
  check(email: string, address: string): void;
  failed(email: string, address: string): void;
  succeeded(email: string, address: string): void;
}

interface Failures {
  count: number;
  last: number;
}

/** Insertion-ordered map trimmed from the oldest entry. */
const boundedSet = <V>(map: Map<string, V>, key: string, value: V, max: number): void => {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
};

export const createLoginLimiter = (overrides: Partial<LoginLimiterOptions> = {}): LoginLimiter => {
  const o: LoginLimiterOptions = { ...DEFAULT_LOGIN_LIMITER, ...overrides };
  const pairs = new Map<string, Failures>();
  const addresses = new Map<string, Failures>();
  const accounts = new Map<string, Failures>();
  /** (account, address) pairs that signed in, with when. */
  const trusted = new Map<string, number>();

  const pairKey = (email: string, address: string): string => `${email.toLowerCase()}\n${address}`;
  /** Milliseconds still to wait for a failure record with `free` failures allowed. */
  const waitFor = (f: Failures | undefined, free: number, t: number): number => {
    if (!f || f.count < free) return 0;
    const delay = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(30, f.count - free));
    return Math.max(0, f.last + delay - t);
  };
  const live = (map: Map<string, Failures>, key: string, t: number): Failures | undefined => {
    const f = map.get(key);
    if (f && t - f.last > o.maxDelayMs) {
      map.delete(key);
      return undefined;
    }
    return f;
  };
  const bump = (map: Map<string, Failures>, key: string, t: number): void => {
    const f = live(map, key, t);
    boundedSet(map, key, { count: (f?.count ?? 0) + 1, last: t }, o.maxKeys);
  };

  return {
    check(email, address) {
      const t = o.now();
      const pair = pairKey(email, address);
      let wait = waitFor(live(pairs, pair, t), o.freeFailures, t);
      if (!trusted.has(pair)) {
        wait = Math.max(wait, waitFor(live(addresses, address, t), o.wideFailures, t), waitFor(live(accounts, email.toLowerCase(), t), o.wideFailures, t));
      }
      if (wait > 0) throw new HttpError(429, 'rateLimited', `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
    },
    failed(email, address) {
      const t = o.now();
      bump(pairs, pairKey(email, address), t);
      bump(addresses, address, t);
      bump(accounts, email.toLowerCase(), t);
    },
    succeeded(email, address) {
      const pair = pairKey(email, address);
      pairs.delete(pair);
      boundedSet(trusted, pair, o.now(), o.maxKeys);
    },
  };
};
