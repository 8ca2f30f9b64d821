/**
 * The timeline, virtualized for any library size: only the day groups and rows that intersect
 * the viewport (plus a screen of overscan) exist in the DOM. The virtual height is mapped onto
 * a capped scroll height (scale ≥ 1) so a million photos scroll end to end below every
 * browser's element-height limit; wheel deltas are divided by the scale so scrolling keeps its
 * speed. A scrubber on the right jumps by year and month. Empty states as before.
 * The day at the top is reported (`sbx-at`, not bubbling, debounced) so the address can keep
 * it, and `scrollToDay` brings a day back to the top (a reload or Back to `/?at=…`).
 *
 *   <sbx-timeline-view .view=${catalog.view('all')} .loaded=${true}></sbx-timeline-view>
 *   timeline.addEventListener('sbx-open', (e) => openViewer(e.detail))
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AssetId } from '../../../protocol/src/index.js';
import { TimelineFilter, type TimelineView } from '../domain/catalog/timeline-index.js';
import { layoutTimeline, monthTicks, visibleSlice, type MonthTick, type TimelineLayout } from '../domain/catalog/timeline-layout.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './day-group.js';

/** Well below Chromium's ~16.7 M px and Firefox's ~17.9 M px element limits. */
const MAX_SCROLL_HEIGHT = 8_000_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const monthLabel = (month: string): string => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

export class TimelineViewElement extends LitElement {
  static override properties = {
    view: { attribute: false },
   
    selection: { attribute: false },
    loaded: { type: Boolean },
    hover: { state: true },
  };
  declare view: TimelineView | undefined;
  /** Multi-select: the selected ids, passed to the tiles (null: no selection here). */
  declare selection: ReadonlySet<AssetId> | null;
  declare loaded: boolean;
  declare hover: string | null;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 20px 72px 80px 24px; }
      @media (max-width: 700px) { :host { padding: 8px 36px 24px 8px; } .scrubber { width: 32px; top: 64px; bottom: 76px; } .scrubber .year { right: 4px; font-size: 10px; } }
      h1 { font-size: 13px; font-weight: 500; text-transform: uppercase; letter-spacing: 0.08em; color: var(--sbx-text-dim); margin: 4px 0 18px; }
      .virtual { position: relative; overflow: hidden; }
      .day { position: absolute; left: 0; right: 0; }
      .scrubber { position: fixed; right: 0; top: 80px; bottom: 12px; width: 56px; z-index: 5; cursor: ns-resize; touch-action: none; user-select: none; }
      .scrubber .year { position: absolute; right: 10px; font-size: 11px; color: var(--sbx-text-dim); transform: translateY(-50%); pointer-events: none; }
      .scrubber .tick { position: absolute; right: 4px; width: 4px; height: 1px; background: var(--sbx-border); pointer-events: none; }
      .scrubber .thumb { position: absolute; right: 0; width: 24px; height: 2px; background: var(--sbx-accent); pointer-events: none; }
      .scrubber .label { position: absolute; right: 30px; padding: 2px 8px; border-radius: 10px; background: var(--sbx-accent); color: var(--sbx-on-accent); font-size: 12px; white-space: nowrap; transform: translateY(-50%); pointer-events: none; }
      .empty { display: grid; place-items: center; text-align: center; min-height: 60vh; }
      .empty-inner { max-width: 420px; }
      .empty .art { width: 96px; height: 96px; margin: 0 auto 20px; border-radius: 28px; display: grid; place-items: center; background: var(--sbx-accent-soft); color: var(--sbx-accent); }
      .empty .art svg { width: 48px; height: 48px; }
      .empty h2 { font-size: 22px; font-weight: 500; margin: 0 0 8px; }
      .empty p { color: var(--sbx-text-dim); margin: 0 0 24px; line-height: 1.5; }
      .empty .btn.primary { height: 44px; padding: 0 24px; border-radius: 22px; font-size: 15px; }
    `,
  ];

  private width = 0;
  private layout: TimelineLayout | null = null;
  private layoutKey: { view: TimelineView | undefined; width: number } = { view: undefined, width: 0 };
  private ticks: MonthTick[] = [];
  private frame = 0;
  private readonly resize = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width !== this.width) {
      this.width = width;
      this.requestUpdate();
    }
  });

  constructor() {
    super();
    this.view = undefined;
    this.selection = null;
    this.loaded = false;
    this.hover = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onScroll, { passive: true });
    window.addEventListener('wheel', this.onWheel, { passive: false });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onScroll);
    window.removeEventListener('wheel', this.onWheel);
    this.resize.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    clearTimeout(this.reportTimer);
    super.disconnectedCallback();
  }

  /** Virtual px per scroll px. */
  get scale(): number {
    return this.layout ? Math.max(1, this.layout.height / MAX_SCROLL_HEIGHT) : 1;
  }

  private pendingDay: string | null = null;
  private reportedDay: string | null = null;
  private topDay: string | null = null;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;

  /** Scrolls so that `day` (`YYYY-MM-DD`, or the nearest older day) is at the top, now or once laid out. */
  scrollToDay(day: string): void {
    this.pendingDay = day;
    this.reportedDay = day;
    this.requestUpdate();
  }

  private applyPendingDay(): void {
    const day = this.pendingDay;
    const layout = this.layout;
    if (day === null || !layout || this.width === 0 || !this.virtualBox()) return;
    this.pendingDay = null;
    // Runs are newest first: the first run on or before `day`.
    let i = layout.runs.findIndex((r) => r.day <= day);
    if (i < 0) i = layout.runs.length - 1;
    if (i >= 0) this.scrollToFraction(layout.tops[i]! / layout.height);
  }

  /** Tells the host which day is at the top, once scrolling settles (null at the very top). */
  private reportTopDay(): void {
    if (this.pendingDay !== null || this.getClientRects().length === 0) return;
    const day = this.topDay;
    if (day === this.reportedDay) return;
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      if (this.topDay !== day || day === this.reportedDay) return;
      this.reportedDay = day;
      this.dispatchEvent(new CustomEvent('sbx-at', { detail: day }));
    }, 400);
  }

  /** Scrolls so that a fraction (0 = newest, 1 = oldest) of the timeline is at the top. */
  scrollToFraction(fraction: number): void {
    const box = this.virtualBox();
    if (!box || !this.layout) return;
    const spacer = this.layout.height / this.scale;
    // docTop is the virtual area's top in the document; the sticky toolbar covers 64 px.
    window.scrollTo({ top: box.docTop + Math.max(0, Math.min(1, fraction)) * spacer - 64, behavior: 'instant' });
  }

  private markedFirstTiles = false;

  /**
   * Marks the first render with tiles in the User Timing timeline (`shoebox:first-tiles`,
   * detail: where they came from), so a test can tell when the first page was ready even if
   * the CRDT load blocks the main thread right after.
   */
  protected override updated(): void {
    this.applyPendingDay();
    this.reportTopDay();
    if (this.markedFirstTiles || !this.view || this.view.count === 0 || !this.renderRoot.querySelector('sbx-day-group')) return;
    this.markedFirstTiles = true;
    performance.mark('shoebox:first-tiles', { detail: { source: this.view.materialized ? 'materialized' : 'crdt' } });
  }

  override render() {
    const view = this.view;
    if (!this.loaded) return html`<div class="empty" data-testid="timeline-loading"></div>`;
    if (!view || view.count === 0) return this.renderEmpty(view?.filter ?? TimelineFilter.all);
    const title = view.filter === TimelineFilter.favorites ? 'Favourites' : view.filter === TimelineFilter.trash ? 'Trash' : null;
    // Measure once synchronously so the first render already has tiles (the ResizeObserver
    // reports a frame later, and the CRDT load may block the main thread right after).
    if (this.width === 0) this.width = Math.floor(this.getBoundingClientRect().width - 96);
    const layout = this.ensureLayout(view);
    const scale = this.scale;
    const spacer = Math.ceil(layout.height / scale);
    // How far the virtual area's top is above the viewport's top, in scroll px.
    const box = this.virtualBox();
    const scrolled = box ? Math.max(0, Math.min(spacer, -box.viewTop)) : 0;
    const virtualTop = scrolled * scale;
    const overscan = innerHeight;
    const visible = this.width === 0 ? [] : visibleSlice(layout, virtualTop - overscan, virtualTop + innerHeight + overscan);
    const topDay = visibleSlice(layout, virtualTop + 1, virtualTop + 2)[0];
    this.topDay = scrolled > 0 && topDay ? layout.runs[topDay.run]!.day : null;
    return html`<div data-testid="timeline" data-filter=${view.filter} data-count=${view.count} data-virtual-height=${Math.round(layout.height)}
        data-scale=${scale.toFixed(3)} data-source=${view.materialized ? 'materialized' : 'crdt'} data-top-day=${topDay ? layout.runs[topDay.run]!.day : ''}>
        ${title ? html`<h1>${title} · ${view.count}</h1>` : null}
        <div class="virtual" style="height: ${spacer}px">
          ${repeat(
            visible,
            (v) => layout.runs[v.run]!.day,
            (v) => html`<sbx-day-group
              class="day"
              style="top: ${Math.round(v.top - virtualTop + scrolled)}px"
              .run=${layout.runs[v.run]}
              .view=${view}
              .layout=${layout}
              .fromRow=${v.fromRow}
              .toRow=${v.toRow}
              .selection=${this.selection}
            ></sbx-day-group>`,
          )}
        </div>
      </div>
      ${this.renderScrubber(layout, virtualTop)}`;
  }

  private renderScrubber(layout: TimelineLayout, virtualTop: number) {
    if (this.ticks.length < 2) return nothing;
    let lastYear = '';
    let lastAt = -1;
    const at = layout.height > 0 ? virtualTop / layout.height : 0;
    return html`<div class="scrubber" data-testid="scrubber" @pointerdown=${this.onScrub} @pointermove=${this.onScrub} @pointerleave=${() => (this.hover = null)}>
      ${this.ticks.map((t) => {
        const year = t.month.slice(0, 4);
        const showYear = year !== lastYear && t.at - lastAt > 0.03;
        if (year !== lastYear && showYear) lastAt = t.at;
        lastYear = year;
        return html`<div class="tick" style="top: ${t.at * 100}%"></div>${showYear ? html`<div class="year" data-testid="scrubber-year" data-year=${year} style="top: ${t.at * 100}%">${year}</div>` : nothing}`;
      })}
      <div class="thumb" style="top: ${at * 100}%"></div>
      ${this.hover ? html`<div class="label" data-testid="scrubber-label" style="top: ${this.hoverAt * 100}%">${monthLabel(this.hover)}</div>` : nothing}
    </div>`;
  }

  private hoverAt = 0;

  private readonly onScrub = (event: PointerEvent): void => {
    const bar = event.currentTarget as HTMLElement;
    const rect = bar.getBoundingClientRect();
    const fraction = Math.max(0, Math.min(1, (event.clientY - rect.top) / rect.height));
    let month = this.ticks[0]?.month ?? null;
    for (const t of this.ticks) if (t.at <= fraction) month = t.month;
    this.hover = month;
    this.hoverAt = fraction;
    if (event.type === 'pointerdown') bar.setPointerCapture(event.pointerId);
    if (event.buttons === 1) {
      // Jump to the month under the pointer, so the top day is that month's first day.
      const tick = this.ticks.filter((t) => t.at <= fraction).pop() ?? this.ticks[0];
      if (tick && this.layout) this.scrollToFraction(tick.y / this.layout.height);
    }
  };

  private virtualBox(): { viewTop: number; docTop: number } | null {
    const el = this.renderRoot.querySelector<HTMLElement>('.virtual');
    if (!el) return null;
    const top = el.getBoundingClientRect().top;
    // The sticky toolbar covers the first 64 px of the viewport.
    return { viewTop: top - 64, docTop: top + scrollY };
  }

  private ensureLayout(view: TimelineView): TimelineLayout {
    if (!this.layout || this.layoutKey.view !== view || this.layoutKey.width !== this.width) {
      this.layout = layoutTimeline(view.runs, Math.max(200, this.width));
      this.layoutKey = { view, width: this.width };
      this.ticks = monthTicks(this.layout);
    }
    return this.layout;
  }

  private readonly onScroll = (): void => {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.requestUpdate();
    });
  };

  private readonly onWheel = (event: WheelEvent): void => {
    const scale = this.scale;
    if (scale <= 1 || event.deltaMode !== 0 || event.ctrlKey) return;
    event.preventDefault();
    window.scrollBy({ top: event.deltaY / scale, behavior: 'instant' });
  };

  private renderEmpty(filter: TimelineFilter) {
    if (filter === TimelineFilter.favorites) {
      return html`<div class="empty" data-testid="empty-state" data-filter="favorites"><div class="empty-inner">
        <div class="art">${icons.heartOutline}</div><h2>No favourites yet</h2><p>Tap the heart on a photo to find it here.</p></div></div>`;
    }
    if (filter === TimelineFilter.trash) {
      return html`<div class="empty" data-testid="empty-state" data-filter="trash"><div class="empty-inner">
        <div class="art">${icons.trash}</div><h2>Trash is empty</h2><p>Photos you delete wait here until you restore them.</p></div></div>`;
    }
    return html`<div class="empty" data-testid="empty-state" data-filter="all"><div class="empty-inner">
      <div class="art">${icons.photos}</div>
      <h2>Your library is empty</h2>
      <p>Import photos and videos from this device, or drop them anywhere on this window. They stay available offline on every device you sign in to.</p>
      <button class="btn primary" data-testid="empty-import-button" @click=${() => this.dispatchEvent(new CustomEvent('sbx-import', { bubbles: true, composed: true }))}>
        ${icons.upload} Import photos
      </button>
    </div></div>`;
  }
}

if (!customElements.get('sbx-timeline-view')) customElements.define('sbx-timeline-view', TimelineViewElement);
