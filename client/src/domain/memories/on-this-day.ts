/**
 * "On this day" (Immich's memories at the top of the timeline), computed on the device from the
 * catalog: the photos taken on today's month and day in each earlier year, newest year first.
 * Dates are the local time of capture (`takenAt`), as the person remembers them; photos of
 * 29 February show on the 28th in years without one. One pass over the assets, no index.
 *
 *   const memories = onThisDay(listAssets(doc), localDay(new Date()));
 *   // [{ year: 2019, yearsAgo: 7, assets: [...] }, …]
 */
import type { CatalogAsset } from '../../../../protocol/src/index.js';

export interface LocalDay {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
}

export interface Memory {
  readonly year: number;
  readonly yearsAgo: number;
  /** Oldest first, as the day went. */
  readonly assets: readonly CatalogAsset[];
}

type MemoryAsset = Pick<CatalogAsset, 'takenAt' | 'trashedAt' | 'archived'>;

/** Today in the device's time zone, from a clock. */
export const localDay = (now: Date): LocalDay => ({ year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() });

const pad = (n: number): string => String(n).padStart(2, '0');
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const onThisDay = <A extends MemoryAsset>(assets: Iterable<A>, today: LocalDay): { year: number; yearsAgo: number; assets: A[] }[] => {
  const monthDay = `${pad(today.month)}-${pad(today.day)}`;
  // On 28 February of a common year, 29 February of leap years is remembered too.
  const alsoLeapDay = today.month === 2 && today.day === 28 && !isLeap(today.year);
  const byYear = new Map<number, A[]>();
  for (const asset of assets) {
    if (asset.trashedAt !== null || asset.archived) continue;
    const md = asset.takenAt.slice(5, 10);
    if (md !== monthDay && !(alsoLeapDay && md === '02-29')) continue;
    const year = Number(asset.takenAt.slice(0, 4));
    if (!(year < today.year)) continue;
    let list = byYear.get(year);
    if (list === undefined) byYear.set(year, (list = []));
    list.push(asset);
  }
  return [...byYear.entries()]
    .sort(([a], [b]) => b - a)
    .map(([year, list]) => ({ year, yearsAgo: today.year - year, assets: list.sort((a, b) => (a.takenAt < b.takenAt ? -1 : a.takenAt > b.takenAt ? 1 : 0)) }));
};
