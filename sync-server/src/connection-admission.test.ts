import { describe, expect, it } from 'vitest';
import { Admission, createConnectionAdmission } from './connection-admission.js';

describe('connection admission per address', () => {
  it('refuses more open sockets than allowed until one is released', () => {
    const admission = createConnectionAdmission({ maxPerIp: 3, perSecond: 1000 });
    expect([1, 2, 3, 4].map(() => admission.admit('10.0.0.1'))).toEqual(['ok', 'ok', 'ok', Admission.tooManyOpen]);
    expect(admission.admit('10.0.0.2')).toBe('ok'); // other addresses are unaffected
    admission.release('10.0.0.1');
    expect(admission.openOf('10.0.0.1')).toBe(2);
    expect(admission.admit('10.0.0.1')).toBe('ok');
  });

  it('limits the connection rate with bursts, refilling over time', () => {
    let t = 0;
    const refused: string[] = [];
    const admission = createConnectionAdmission({ maxPerIp: 1000, perSecond: 10, burst: 5, now: () => t, onRefused: (v) => refused.push(v) });
    const verdicts = Array.from({ length: 7 }, () => admission.admit('ip'));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(5);
    expect(refused).toEqual([Admission.tooFast, Admission.tooFast]);
    t += 100; // one token back
    expect(admission.admit('ip')).toBe('ok');
    expect(admission.admit('ip')).toBe(Admission.tooFast);
    t += 10_000; // never more than the burst
    expect(Array.from({ length: 6 }, () => admission.admit('ip')).filter((v) => v === 'ok')).toHaveLength(5);
  });

  it('keeps memory bounded under a flood of distinct addresses', () => {
    let t = 0;
    const admission = createConnectionAdmission({ maxPerIp: 10, perSecond: 10, burst: 1, now: () => t });
    for (let i = 0; i < 50_000; i++) {
      admission.admit(`ip${i}`);
      admission.release(`ip${i}`);
      t += 1;
    }
    expect(admission.tracked()).toBeLessThanOrEqual(10_000);
    // Swept addresses start from a full bucket again; a still-open one keeps its count.
    expect(admission.admit('held')).toBe('ok');
    expect(admission.openOf('held')).toBe(1);
    expect(() => createConnectionAdmission({ maxPerIp: 0 })).toThrow(RangeError);
  });
});
