/**
 * Per-address admission of WebSocket upgrades: at most `maxPerIp` open sockets per remote
 * address, and new sockets per address limited by a token bucket (`perSecond`, bursts up to
 * `burst`). A refused upgrade is answered 429 before any socket exists, so a reconnect storm or
 * a misbehaving client costs one HTTP response each. Memory is bounded: idle buckets are swept.
 *
 *   const admission = createConnectionAdmission({ maxPerIp: 1000, perSecond: 100 })
 *   const verdict = admission.admit(ip); if (verdict === Admission.ok) … later admission.release(ip)
 */

export const Admission = { ok: 'ok', tooManyOpen: 'tooManyOpen', tooFast: 'tooFast' } as const;
export type Admission = (typeof Admission)[keyof typeof Admission];

export interface ConnectionAdmissionOptions {
  /** Open sockets one address may hold; default 1000 (a household behind one NAT, a hosting proxy). */
  readonly maxPerIp?: number;
  /** Sustained new sockets per second per address; default 50. */
  readonly perSecond?: number;
  /** Burst of new sockets per address; default 4 × perSecond. */
  readonly burst?: number;
  /** Called for each refusal (metrics). */
  readonly onRefused?: (verdict: Exclude<Admission, 'ok'>) => void;
  readonly now?: () => number;
}

export interface ConnectionAdmission {
  /** Counts the socket as open when the verdict is `ok`; the caller must then release it once. */
  admit(ip: string): Admission;
  release(ip: string): void;
  /** Open sockets for the address (tests, metrics). */
  openOf(ip: string): number;
  /** Addresses currently tracked (bounded by sweeping). */
  tracked(): number;
}

interface PerIp {
  open: number;
  tokens: number;
  at: number;
}

const SWEEP_AT = 10_000;

export const createConnectionAdmission = (options: ConnectionAdmissionOptions = {}): ConnectionAdmission => {
  const maxPerIp = options.maxPerIp ?? 1000;
  const perSecond = options.perSecond ?? 50;
  const burst = options.burst ?? 4 * perSecond;
  const now = options.now ?? Date.now;
  if (!(maxPerIp > 0 && perSecond > 0 && burst >= 1)) throw new RangeError('admission limits must be positive');
  const table = new Map<string, PerIp>();

  const refill = (entry: PerIp, t: number): void => {
    entry.tokens = Math.min(burst, entry.tokens + ((t - entry.at) / 1000) * perSecond);
    entry.at = t;
  };
  /** Drops addresses with no open socket and a full bucket: they carry no state worth keeping. */
  const sweep = (t: number): void => {
    for (const [ip, entry] of table) {
      refill(entry, t);
      if (entry.open === 0 && entry.tokens >= burst) table.delete(ip);
    }
  };
  const refuse = (verdict: Exclude<Admission, 'ok'>): Admission => {
    options.onRefused?.(verdict);
    return verdict;
  };

  return {
    admit(ip) {
      const t = now();
      let entry = table.get(ip);
      if (!entry) {
        if (table.size >= SWEEP_AT) sweep(t);
        entry = { open: 0, tokens: burst, at: t };
        table.set(ip, entry);
      }
      refill(entry, t);
      if (entry.open >= maxPerIp) return refuse(Admission.tooManyOpen);
      if (entry.tokens < 1) return refuse(Admission.tooFast);
      entry.tokens--;
      entry.open++;
      return Admission.ok;
    },
    release(ip) {
      const entry = table.get(ip);
      if (entry && entry.open > 0) entry.open--;
    },
    openOf: (ip) => table.get(ip)?.open ?? 0,
    tracked: () => table.size,
  };
};
