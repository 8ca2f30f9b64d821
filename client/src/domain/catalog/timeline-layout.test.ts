import { describe, expect, it } from 'vitest';
import { layoutTimeline, monthTicks, runAt, visibleSlice } from './timeline-layout.js';

const runs = [
  { day: '2026-03-02', start: 0, count: 7 },
  { day: '2026-03-01', start: 7, count: 1 },
  { day: '2026-02-27', start: 8, count: 12 },
];

describe('timeline layout', () => {
  it('lays out square cells per day and finds what is on screen', () => {
    const l = layoutTimeline(runs, 3 * 100 + 2 * 4, { target: 100, gap: 4, header: 40, dayGap: 20 });
    expect([l.columns, l.cell]).toEqual([3, 100]);
    expect([...l.tops]).toEqual([0, 40 + 3 * 104 + 20, 372 + 40 + 104 + 20]);
    expect(l.height).toBe(536 + 40 + 4 * 104 + 20);
    expect(runAt(l, 371)).toBe(0);
    expect(runAt(l, 372)).toBe(1);
    expect(visibleSlice(l, 100, 400)).toEqual([
      { run: 0, top: 0, fromRow: 0, toRow: 3 },
      { run: 1, top: 372, fromRow: 0, toRow: 0 },
    ]);
    expect(visibleSlice(l, 600, 700)).toEqual([{ run: 2, top: 536, fromRow: 0, toRow: 2 }]);
  });

  it('gives the scrubber one tick per month, newest first, as fractions of the height', () => {
    const l = layoutTimeline(runs, 1000);
    const ticks = monthTicks(l);
    expect(ticks.map((t) => t.month)).toEqual(['2026-03', '2026-02']);
    expect(ticks[0]!.at).toBe(0);
    expect(ticks[1]!.at).toBeCloseTo(l.tops[2]! / l.height);
  });

  it('handles a million assets in one pass over the days', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ day: `d${i}`, start: i * 200, count: 200 }));
    const l = layoutTimeline(many, 1200);
    expect(l.height).toBeGreaterThan(16_700_000);
    const mid = visibleSlice(l, l.height / 2, l.height / 2 + 900);
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.length).toBeLessThan(4);
  });
});
