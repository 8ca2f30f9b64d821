/**
 * Reconnect delays: exponential from 0.5 s to 30 s with "equal jitter", so a fleet of
 * devices coming back after a server restart does not reconnect in lockstep.
 *
 *   const delay = backoffDelay(attempt)          // attempt 0 → 250–500 ms
 *   setTimeout(reconnect, backoffDelay(attempt++, Math.random))
 */

export const BACKOFF = { baseMs: 500, maxMs: 30_000 } as const;

export const backoffDelay = (attempt: number, random: () => number = Math.random): number => {
  const ceiling = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};
