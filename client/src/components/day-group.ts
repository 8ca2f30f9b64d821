/**
 * One day of the timeline: header ("Sat, 14 Mar 2026 · 12 photos") and a justified grid
 * whose rows share one height (flex-grow and basis proportional to each aspect ratio).
 *
 *   <sbx-day-group .bucket=${{ day, assets }} .thumbs=${thumbStore}></sbx-day-group>
 *   <sbx-day-group .bucket=${bucket} .rowHeight=${180}></sbx-day-group>
 */
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { CatalogAsset } from '../../../protocol/src/index.js';
import { formatDay } from '../domain/catalog/format.js';
import type { DayBucket } from '../domain/catalog/timeline-index.js';
import type { ThumbStore } from '../domain/storage/thumb-store.js';
import './asset-tile.js';

const aspect = (asset: CatalogAsset): number => (asset.width > 0 && asset.height > 0 ? Math.min(2.5, Math.max(0.5, asset.width / asset.height)) : 1);

export class DayGroup extends LitElement {
  static override properties = {
    bucket: { attribute: false },
    thumbs: { attribute: false },
    rowHeight: { type: Number },
  };
  declare bucket: DayBucket | undefined;
  declare thumbs: ThumbStore | null;
  declare rowHeight: number;

  static override styles = css`
    :host { display: block; margin-bottom: 28px; }
    h2 { display: flex; align-items: baseline; gap: 10px; margin: 0 0 10px; font-size: 15px; font-weight: 500; color: var(--sbx-text); }
    .count { font-size: 13px; font-weight: 400; color: var(--sbx-text-dim); }
    .grid { display: flex; flex-wrap: wrap; gap: 4px; }
    .grid::after { content: ''; flex: 1000 1 0; }
  `;

  constructor() {
    super();
    this.bucket = undefined;
    this.thumbs = null;
    this.rowHeight = 200;
  }

  override render() {
    const bucket = this.bucket;
    if (!bucket) return null;
    const n = bucket.assets.length;
    const videos = bucket.assets.filter((a) => a.kind === 'video').length;
    const label = videos === 0 ? `${n} photo${n === 1 ? '' : 's'}` : videos === n ? `${n} video${n === 1 ? '' : 's'}` : `${n} items`;
    return html`<section data-testid="day-group" data-day=${bucket.day}>
      <h2 data-testid="day-header">${formatDay(bucket.day)} <span class="count" data-testid="day-count">${label}</span></h2>
      <div class="grid">
        ${repeat(
          bucket.assets,
          (a) => a.id,
          (a) => {
            const ar = aspect(a);
            return html`<sbx-asset-tile
              data-testid="asset-tile"
              data-asset-id=${a.id}
              data-name=${a.name}
              data-favorite=${a.favorite}
              style="flex: ${ar} 1 ${Math.round(ar * this.rowHeight)}px; aspect-ratio: ${ar}; max-height: ${this.rowHeight * 1.6}px"
              .asset=${a}
              .thumbs=${this.thumbs}
            ></sbx-asset-tile>`;
          },
        )}
      </div>
    </section>`;
  }
}

if (!customElements.get('sbx-day-group')) customElements.define('sbx-day-group', DayGroup);
