import { describe, expect, it } from 'vitest';
import { createFactsGenerator, factsOf } from '../../../../protocol/src/catalog-builders.js';
import type { AssetFacts } from '../../../../protocol/src/index.js';
import { localDay, onThisDay } from './on-this-day.js';

const asset = (n: number, takenAt: string, over: { trashedAt?: number | null; archived?: boolean } = {}) => ({
  ...factsOf(n, { takenAt, name: `${n}.jpg` }),
  trashedAt: over.trashedAt ?? null,
  archived: over.archived ?? false,
});

describe('on this day', () => {
  it('shows the photos of this month and day in earlier years, newest year first, oldest photo first', () => {
    const assets = [
      asset(1, '2019-06-12T14:00:00'),
      asset(2, '2019-06-12T09:00:00'),
      asset(3, '2021-06-12T23:59:59'),
      asset(4, '2021-06-13T00:00:00'),
      asset(5, '2026-06-12T08:00:00'), // today: not a memory
      asset(6, '2018-06-12T10:00:00', { trashedAt: 1 }),
      asset(7, '2017-06-12T10:00:00', { archived: true }),
      asset(8, '2020-05-12T10:00:00'),
    ];
    const memories = onThisDay(assets, { year: 2026, month: 6, day: 12 });
    expect(memories.map((m) => [m.year, m.yearsAgo, m.assets.map((a) => a.name)])).toEqual([
      [2021, 5, ['3.jpg']],
      [2019, 7, ['2.jpg', '1.jpg']],
    ]);
    expect(onThisDay(assets, { year: 2026, month: 6, day: 14 })).toEqual([]);
  });

  it('remembers 29 February on 28 February of a common year', () => {
    const assets = [asset(1, '2024-02-29T12:00:00'), asset(2, '2023-02-28T12:00:00')];
    expect(onThisDay(assets, { year: 2025, month: 2, day: 28 }).map((m) => m.year)).toEqual([2024, 2023]);
    expect(onThisDay(assets, { year: 2028, month: 2, day: 28 }).map((m) => m.year)).toEqual([2023]);
    expect(onThisDay(assets, { year: 2028, month: 2, day: 29 }).map((m) => m.year)).toEqual([2024]);
  });

  it('reads today from a fixed clock in local time', () => {
    expect(localDay(new Date(2026, 5, 12, 23, 30))).toEqual({ year: 2026, month: 6, day: 12 });
  });

  it('over a generated library of 30,000 photos finds exactly the photos of the day from past years', () => {
    const generator = createFactsGenerator(7, { assets: 30_000 });
    const assets: (AssetFacts & { trashedAt: null; archived: false })[] = [];
    for (let i = 0; i < 30_000; i++) assets.push({ ...generator.next(), trashedAt: null, archived: false });
    // A fixed clock: the generator's library runs back from June 2026.
    const today = { year: 2026, month: 6, day: 1 };
    const memories = onThisDay(assets, today);
    const shown = memories.flatMap((m) => m.assets);
    const expected = assets.filter((a) => a.takenAt.slice(5, 10) === '06-01' && a.takenAt < '2026');
    expect(new Set(expected.map((a) => a.takenAt.slice(0, 4))).size).toBeGreaterThan(1);
    expect(shown.length).toBe(expected.length);
    expect(new Set(shown)).toEqual(new Set(expected));
    expect(memories.every((m) => m.assets.every((a) => a.takenAt.startsWith(`${m.year}-06-01`)))).toBe(true);
    expect(memories.map((m) => m.year)).toEqual([...memories.map((m) => m.year)].sort((a, b) => b - a));
  });
});
