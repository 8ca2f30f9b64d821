/**
 * Pure layout of a virtualized timeline: day runs → rows of square cells, each day's top in a
 * Float64Array, and what intersects a window of the (virtual) height. Any library size lays out
 * in O(days); the view maps the virtual height onto a capped scroll height (no browser limit).
 *
 *   const layout = layoutTimeline(view.runs, 1200); const slice = visibleSlice(layout, top, top + 900)
 *   const ticks = monthTicks(layout)   // scrubber: years and months with their fraction of the height
 */
import type { DayRun } from './timeline-index.js';

export interface TimelineLayout {
  readonly runs: readonly DayRun[];
  readonly columns: number;
  /** Cell edge in px (cells are square; `gap` between them). */
  readonly cell: number;
  readonly gap: number;
  readonly header: number;
  readonly dayGap: number;
  /** Top of each run's header, and the total height, in virtual px. */
  readonly tops: Float64Array;
  readonly height: number;
}

export interface LayoutOptions {
  readonly target?: number;
  readonly gap?: number;
  readonly header?: number;
  readonly dayGap?: number;
}

export const layoutTimeline = (runs: readonly DayRun[], width: number, options: LayoutOptions = {}): TimelineLayout => {
  const target = options.target ?? 180;
  const gap = options.gap ?? 4;
  const header = options.header ?? 40;
  const dayGap = options.dayGap ?? 24;
  const columns = Math.max(2, Math.round((width + gap) / (target + gap)));
  const cell = Math.max(40, Math.floor((width - gap * (columns - 1)) / columns));
  const tops = new Float64Array(runs.length);
  let y = 0;
  for (let i = 0; i < runs.length; i++) {
    tops[i] = y;
    y += header + Math.ceil(runs[i]!.count / columns) * (cell + gap) + dayGap;
  }
  return { runs, columns, cell, gap, header, dayGap, tops, height: y };
};

/** Index of the run whose block contains virtual y (clamped). */
export const runAt = (layout: TimelineLayout, y: number): number => {
  let lo = 0;
  let hi = layout.tops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.tops[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
};

export interface VisibleRun {
  readonly run: number;
  readonly top: number;
  /** First and one-past-last visible row of the run. */
  readonly fromRow: number;
  readonly toRow: number;
}

/** The runs and rows that intersect [top, bottom) of the virtual height. */
export const visibleSlice = (layout: TimelineLayout, top: number, bottom: number): VisibleRun[] => {
  const out: VisibleRun[] = [];
  if (layout.runs.length === 0) return out;
  const row = layout.cell + layout.gap;
  for (let r = runAt(layout, top); r < layout.runs.length && layout.tops[r]! < bottom; r++) {
    const rowsTop = layout.tops[r]! + layout.header;
    const rows = Math.ceil(layout.runs[r]!.count / layout.columns);
    const fromRow = Math.max(0, Math.min(rows, Math.floor((top - rowsTop) / row)));
    const toRow = Math.max(0, Math.min(rows, Math.ceil((bottom - rowsTop) / row)));
    out.push({ run: r, top: layout.tops[r]!, fromRow, toRow });
  }
  return out;
};

export interface MonthTick {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Position of its first day in the layout, 0–1. */
  readonly at: number;
  readonly y: number;
}

/** The first day of every month in the layout, newest first, for the scrubber. */
export const monthTicks = (layout: TimelineLayout): MonthTick[] => {
  const out: MonthTick[] = [];
  let last = '';
  layout.runs.forEach((run, i) => {
    const month = run.day.slice(0, 7);
    if (month === last) return;
    last = month;
    out.push({ month, y: layout.tops[i]!, at: layout.height > 0 ? layout.tops[i]! / layout.height : 0 });
  });
  return out;
};
