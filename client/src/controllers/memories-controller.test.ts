import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CatalogAsset } from '../../../protocol/src/index.js';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import { MemoriesController } from './memories-controller.js';

const host = () => {
  const controllers: ReactiveController[] = [];
  let updates = 0;
  const h: ReactiveControllerHost = {
    addController: (c) => void controllers.push(c),
    removeController: () => undefined,
    requestUpdate: () => void updates++,
    updateComplete: Promise.resolve(true),
  };
  return { h, updated: () => controllers.forEach((c) => c.hostUpdated?.()), updates: () => updates };
};

const asset = (id: string, takenAt: string) => ({ id, takenAt, trashedAt: null, archived: false }) as unknown as CatalogAsset;
const viewOf = (assets: CatalogAsset[], materialized = false): TimelineView => ({
  filter: 'all', count: assets.length, materialized,
  runs: assets.map((a, i) => ({ day: a.takenAt.slice(0, 10), start: i, count: 1 })),
  at: (i) => assets[i], order: assets, position: { get: () => undefined },
});

describe('memories controller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('computes off the render path, once per view change, and follows the day', async () => {
    let now = new Date(2025, 8, 28, 12);
    const { h, updated, updates } = host();
    let view = viewOf([asset('a', '2016-09-28T18:18:05'), asset('b', '2023-10-06T22:53:51')]);
    const memories = new MemoriesController(h, () => view, () => now);
    updated();
    expect(memories.value).toEqual([]); // not during the update
    await vi.advanceTimersByTimeAsync(100);
    expect(memories.value.map((m) => [m.yearsAgo, m.assets.map((a) => a.id)])).toEqual([[9, ['a']]]);
    expect(updates()).toBe(1);
    updated(); // same view, same day: nothing to do
    await vi.advanceTimersByTimeAsync(100);
    expect(updates()).toBe(1);
    now = new Date(2025, 9, 6, 12); // midnight passed
    updated();
    await vi.advanceTimersByTimeAsync(100);
    expect(memories.value.map((m) => m.year)).toEqual([2023]);
    view = viewOf(view.order.slice(), true); // a materialized view has only its head: no memories from it
    updated();
    await vi.advanceTimersByTimeAsync(100);
    expect(memories.value).toEqual([]);
  });
});
