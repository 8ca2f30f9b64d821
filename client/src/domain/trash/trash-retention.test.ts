import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addAssets, catalogMaps, listAssets, trashAssets, type AssetId } from '../../../../protocol/src/index.js';
import { factsOf, replicaPair, syncReplicas } from '../../../../protocol/src/catalog-builders.js';
import { scheduleTrashPurge, TRASH_PURGE_EVERY_MS, TRASH_RETENTION_DAYS } from './trash-retention.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 5, 1, 12);

describe('trash retention job', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => vi.useRealTimers());

  it('deletes what was trashed more than 30 days ago once the catalog loads, then every few hours, on every device', async () => {
    expect(TRASH_RETENTION_DAYS).toBe(30);
    const [phone, laptop] = replicaPair([1, 2, 3, 4].map((n) => factsOf(n)), addAssets);
    const [a, b, c, d] = listAssets(phone).map((x) => x.id) as [AssetId, AssetId, AssetId, AssetId];
    trashAssets(phone, [a], START - 31 * DAY); // expired
    trashAssets(phone, [b], START - 30 * DAY + 3_600_000); // expires in an hour
    trashAssets(phone, [c], START - 2 * DAY); // expires in 28 days
    syncReplicas(phone, laptop);

    let load!: () => void;
    const loaded = new Promise<void>((resolve) => (load = resolve));
    const purged: number[] = [];
    const stop = scheduleTrashPurge(laptop, loaded, { onPurged: (n) => purged.push(n) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(purged).toEqual([]); // nothing before the catalog has loaded

    load();
    await vi.advanceTimersByTimeAsync(0);
    expect(purged).toEqual([1]);
    syncReplicas(phone, laptop);
    // The tombstone reached the other device: gone there too, the others still in its trash.
    expect([...catalogMaps(phone).deleted.keys()]).toEqual([a]);
    expect(new Set(listAssets(phone).map((x) => x.id))).toEqual(new Set([b, c, d]));

    await vi.advanceTimersByTimeAsync(TRASH_PURGE_EVERY_MS);
    syncReplicas(phone, laptop);
    expect(purged).toEqual([1, 1]);
    expect(new Set(catalogMaps(phone).deleted.keys())).toEqual(new Set([a, b]));

    stop();
    await vi.advanceTimersByTimeAsync(40 * DAY);
    expect(purged).toEqual([1, 1]); // stopped: c stays although it has expired by now
    expect(catalogMaps(laptop).deleted.has(c)).toBe(false);
    expect(catalogMaps(laptop).deleted.has(d)).toBe(false);
  });

  it('never starts when stopped before the catalog loads', async () => {
    const [doc] = replicaPair([factsOf(1)], addAssets);
    trashAssets(doc, listAssets(doc).map((x) => x.id), START - 90 * DAY);
    const purged: number[] = [];
    scheduleTrashPurge(doc, Promise.resolve(), { onPurged: (n) => purged.push(n) })();
    await vi.advanceTimersByTimeAsync(TRASH_PURGE_EVERY_MS);
    expect(purged).toEqual([]);
    expect(catalogMaps(doc).deleted.size).toBe(0);
  });
});
