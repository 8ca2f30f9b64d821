/**
 * One day of the virtualized timeline: its header ("Sat, 14 Mar 2026 · 12 photos") and only
 * the rows between `fromRow` and `toRow`, as square cells placed by the timeline layout.
 *
 *   <sbx-day-group .run=${run} .view=${view} .layout=${layout} .fromRow=${0} .toRow=${3}></sbx-day-group>
 *   group.addEventListener('sbx-open', (e) => openViewer(e.detail))
 */
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AssetId, CatalogAsset } from '../../../protocol/src/index.js';
import { formatDay } from '../domain/catalog/format.js';
import type { DayRun, TimelineView } from '../domain/catalog/timeline-index.js';
import type { TimelineLayout } from '../domain/catalog/timeline-layout.js';
import './asset-tile.js';

/** Days up to this size get a photos/videos label; bigger ones say "items" rather than read every asset. */
const LABEL_SCAN_LIMIT = 400;

export class DayGroup extends LitElement {
  static override properties = {
    run: { attribute: false },
    view: { attribute: false },
    layout: { attribute: false },
    fromRow: { type: Number },
    toRow: { type: Number },
    selection: { attribute: false },
  };
  /** Multi-select: the selected ids (a new Set on every change), or null when not selectable. */
  declare selection: ReadonlySet<AssetId> | null;
  declare run: DayRun | undefined;
  declare view: TimelineView | undefined;
  declare layout: TimelineLayout | undefined;
  declare fromRow: number;
  declare toRow: number;

  static override styles = css`
    :host { display: block; }
    h2 { display: flex; align-items: baseline; gap: 10px; margin: 0; height: 40px; font-size: 15px; font-weight: 500; color: var(--sbx-text); }
    .count { font-size: 13px; font-weight: 400; color: var(--sbx-text-dim); }
    sbx-asset-tile { position: absolute; }
  `;

  constructor() {
    super();
    this.run = undefined;
    this.view = undefined;
    this.layout = undefined;
    this.fromRow = 0;
    this.toRow = 0;
    this.selection = null;
  }

  override render() {
    const { run, view, layout } = this;
    if (!run || !view || !layout) return null;
    const cells: { asset: CatalogAsset; x: number; y: number }[] = [];
    const step = layout.cell + layout.gap;
    const first = run.start + this.fromRow * layout.columns;
    const last = Math.min(run.start + run.count, run.start + this.toRow * layout.columns);
    for (let i = first; i < last; i++) {
      const asset = view.at(i);
      if (!asset) continue;
      const k = i - run.start;
      cells.push({ asset, x: (k % layout.columns) * step, y: layout.header + Math.floor(k / layout.columns) * step });
    }
    return html`<section data-testid="day-group" data-day=${run.day} data-count=${run.count}>
      <h2 data-testid="day-header">${formatDay(run.day)} <span class="count" data-testid="day-count">${this.label(run, view)}</span></h2>
      ${repeat(
        cells,
        (c) => c.asset.id,
        (c) => html`<sbx-asset-tile
          data-testid="asset-tile"
          data-asset-id=${c.asset.id}
          data-name=${c.asset.name}
          data-favorite=${c.asset.favorite}
          style="left: ${c.x}px; top: ${c.y}px; width: ${layout.cell}px; height: ${layout.cell}px"
          .asset=${c.asset}
          .selected=${this.selection?.has(c.asset.id) ?? false}
          .selecting=${(this.selection?.size ?? 0) > 0}
          .selectable=${this.selection !== null}
        ></sbx-asset-tile>`,
      )}
    </section>`;
  }

  private label(run: DayRun, view: TimelineView): string {
    const n = run.count;
    if (n > LABEL_SCAN_LIMIT) return `${n.toLocaleString('en')} items`;
    let videos = 0;
    for (let i = run.start; i < run.start + n; i++) if (view.at(i)?.kind === 'video') videos++;
    return videos === 0 ? `${n} photo${n === 1 ? '' : 's'}` : videos === n ? `${n} video${n === 1 ? '' : 's'}` : `${n} items`;
  }
}

if (!customElements.get('sbx-day-group')) customElements.define('sbx-day-group', DayGroup);
