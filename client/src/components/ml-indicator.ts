/**
 * The toolbar's small ML indicator: "Indexing 3/15" while this device indexes photos (faces,
 * and CLIP when installed), "Indexed" when done, the error when it failed. Its data attributes
 * carry the counters (results computed here vs downloaded from the blob store) for tests.
 * Test ids: `ml-progress` (data-status, data-done, data-total, data-computed, data-downloaded).
 *
 *   <sbx-ml-indicator .progress=${ml.progress}></sbx-ml-indicator>
 */
import { LitElement, css, html, nothing } from 'lit';
import { IndexStatus, type IndexProgress } from '../domain/ml/ml-indexer.js';

export class MlIndicator extends LitElement {
  static override properties = { progress: { attribute: false } };
  declare progress: IndexProgress | null;

  static override styles = css`
    :host { display: inline-flex; }
    .pill { display: inline-flex; align-items: center; gap: 8px; height: 28px; padding: 0 12px; border-radius: 14px; font-size: 13px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); white-space: nowrap; }
    .bar { width: 48px; height: 4px; border-radius: 2px; background: var(--sbx-border); overflow: hidden; }
    .bar span { display: block; height: 100%; background: var(--sbx-accent); }
    .error { color: var(--sbx-danger, #f28b82); }
  `;

  constructor() {
    super();
    this.progress = null;
  }

  override render() {
    const p = this.progress;
    if (!p || p.status === IndexStatus.idle) return nothing;
    const label =
      p.status === IndexStatus.error ? 'Indexing failed' : p.status === IndexStatus.done ? 'Indexed' : p.status === IndexStatus.starting ? 'Starting ML…' : `Indexing ${p.done}/${p.total}`;
    const title = `${p.done} of ${p.total} done: ${p.computed} computed on this device, ${p.downloaded} downloaded${p.failed ? `, ${p.failed} failed` : ''}${p.message ? ` — ${p.message}` : ''}`;
    return html`<div class="pill ${p.status === IndexStatus.error ? 'error' : ''}" title=${title} data-testid="ml-progress"
        data-status=${p.status} data-done=${p.done} data-total=${p.total} data-computed=${p.computed} data-downloaded=${p.downloaded}>
      ${label}
      ${p.status === IndexStatus.indexing && p.total > 0 ? html`<span class="bar"><span style="width:${Math.round((100 * p.done) / p.total)}%"></span></span>` : nothing}
    </div>`;
  }
}

if (!customElements.get('sbx-ml-indicator')) customElements.define('sbx-ml-indicator', MlIndicator);
