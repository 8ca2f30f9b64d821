/**
 * Keeps "On this day" for a timeline view, computed off the render path: when the view changes
 * (the catalog loaded, a photo was added or trashed), the memories are recomputed in an idle
 * callback (at most one pending), and the host re-renders only if they differ. Materialized
 * views (painted from IndexedDB before the CRDT loads) are skipped: only their head has assets.
 *
 *   private readonly memories = new MemoriesController(this, () => this.view);   …   this.memories.value
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import { onThisDayInView, type ViewMemory } from '../domain/memories/memories-of-view.js';
import { localDay } from '../domain/memories/on-this-day.js';

const whenIdle = (run: () => void): (() => void) => {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: 2_000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 50);
  return () => clearTimeout(id);
};

const signature = (memories: readonly ViewMemory[]): string => memories.map((m) => `${m.year}:${m.count}:${m.assets.map((a) => a.id).join(',')}`).join('|');

export class MemoriesController implements ReactiveController {
  value: readonly ViewMemory[] = [];
  private seen: TimelineView | null = null;
  private day = '';
  private cancel: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => TimelineView | null | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const view = this.source() ?? null;
    const today = localDay(this.now());
    const day = `${today.year}-${today.month}-${today.day}`;
    if (view === this.seen && day === this.day) return;
    this.seen = view;
    this.day = day;
    this.cancel?.();
    this.cancel = whenIdle(() => {
      this.cancel = null;
      const next = view && !view.materialized && view.count > 0 ? onThisDayInView(view, localDay(this.now())) : [];
      if (signature(next) === signature(this.value)) return;
      this.value = next;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.cancel?.();
    this.cancel = null;
    this.seen = null;
  }
}
