/**
 * Search results: the filters (favourites, photos/videos, taken from/to, camera, and the person
 * when one was picked), people whose name matches the query (picking one searches their photos),
 * which kind of search ran (smart CLIP ranking or names and metadata) and any notice, then the
 * hits as tiles in rank order; a tile opens the viewer. The query itself is typed in the toolbar.
 * Test ids: `search-view`, `search-mode` (data-mode), `search-notice`, `search-count`, `search-result`
 * (data-asset-id, data-similarity), `search-filter-favorite`, `search-filter-kind`, `search-filter-from`,
 * `search-filter-to`, `search-filter-camera`, `search-filter-person` (data-person-id), `search-filter-person-clear`,
 * `search-person` (data-person-id, an offered person).
 *
 *   <sbx-search-view .result=${ml.searchResult} .filters=${filters} .personName=${name}
 *     @sbx-filters=${(e) => search(query, e.detail)} @sbx-search-person=${(e) => search('', { ...filters, person: e.detail })}></sbx-search-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { SearchFilters, SearchResult } from '../domain/ml/smart-search.js';
import './asset-tile.js';

export class SearchView extends LitElement {
  static override properties = { result: { attribute: false }, filters: { attribute: false }, error: { attribute: false }, personName: { attribute: false } };
  declare result: SearchResult | null;
  declare filters: SearchFilters;
  declare error: string | null;
  /** The name of the person in `filters.person` ('' when unnamed). */
  declare personName: string;

  static override styles = css`
    :host { display: block; padding: 16px 20px; }
    form { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 18px; margin-bottom: 12px; color: var(--sbx-text-dim); font-size: 14px; }
    label { display: inline-flex; align-items: center; gap: 6px; }
    input, select { font: inherit; background: var(--sbx-surface-2); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 6px; padding: 4px 8px; }
    .meta { display: flex; gap: 12px; align-items: baseline; margin: 8px 0 12px; color: var(--sbx-text-dim); font-size: 14px; }
    .notice { background: var(--sbx-surface-2); border-left: 3px solid var(--sbx-warn); padding: 8px 12px; border-radius: 4px; margin-bottom: 12px; color: var(--sbx-text); }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 4px; }
    sbx-asset-tile { aspect-ratio: 1; }
    .empty { color: var(--sbx-text-dim); padding: 32px 0; }
    .chip { all: unset; cursor: pointer; display: inline-flex; align-items: center; gap: 6px; padding: 4px 12px; border-radius: 16px; background: var(--sbx-accent-soft); color: var(--sbx-accent-text); border: 1px solid var(--sbx-accent); }
    .chip.offer { background: var(--sbx-surface-2); color: var(--sbx-text); border-color: var(--sbx-border); }
    .chip:hover { filter: brightness(1.1); }
    .chip:focus-visible { outline: 2px solid var(--sbx-accent); }
    .people { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 12px; color: var(--sbx-text-dim); font-size: 14px; }
  `;

  constructor() {
    super();
    this.result = null;
    this.filters = {};
    this.error = null;
    this.personName = '';
  }

  override render() {
    const f = this.filters;
    const r = this.result;
    return html`<section data-testid="search-view">
      <form @change=${this.changed} @submit=${(e: Event) => e.preventDefault()}>
        <label><input type="checkbox" data-testid="search-filter-favorite" name="favorite" .checked=${f.favorite === true} /> Favourites</label>
        <label>Type <select data-testid="search-filter-kind" name="kind">
          <option value="" ?selected=${f.kind === undefined}>All</option>
          <option value="image" ?selected=${f.kind === 'image'}>Photos</option>
          <option value="video" ?selected=${f.kind === 'video'}>Videos</option>
        </select></label>
        <label>From <input type="date" data-testid="search-filter-from" name="from" .value=${f.from ?? ''} /></label>
        <label>To <input type="date" data-testid="search-filter-to" name="to" .value=${f.to ?? ''} /></label>
        <label>Camera <input type="text" data-testid="search-filter-camera" name="camera" placeholder="make or model" .value=${f.camera ?? ''} /></label>
        ${f.person !== undefined
          ? html`<button type="button" class="chip" data-testid="search-filter-person" data-person-id=${f.person} title="Any person"
              @click=${() => this.emitFilters({ ...f, person: undefined })}>${this.personName || 'Unnamed person'} <span data-testid="search-filter-person-clear" aria-label="Remove">✕</span></button>`
          : nothing}
      </form>
      ${r && r.people.length > 0
        ? html`<div class="people">People:
            ${r.people.map((p) => html`<button class="chip offer" data-testid="search-person" data-person-id=${p.id}
              @click=${() => this.dispatchEvent(new CustomEvent('sbx-search-person', { detail: p.id, bubbles: true, composed: true }))}>${p.name} · ${p.photos} ${p.photos === 1 ? 'photo' : 'photos'}</button>`)}</div>`
        : nothing}
      ${this.error ? html`<div class="notice" data-testid="search-notice">${this.error}</div>` : nothing}
      ${r?.notice ? html`<div class="notice" data-testid="search-notice">${r.notice}</div>` : nothing}
      ${r
        ? html`<div class="meta"><span data-testid="search-count">${r.hits.length} ${r.hits.length === 1 ? 'result' : 'results'}</span>
              <span data-testid="search-mode" data-mode=${r.mode}>${r.mode === 'smart' ? 'Smart search (CLIP)' : 'Names and metadata'} · ${Math.round(r.ms)} ms</span></div>
            ${r.hits.length === 0
              ? html`<p class="empty">Nothing matches.</p>`
              : html`<div class="grid">${r.hits.map((hit) => html`<sbx-asset-tile data-testid="search-result" data-asset-id=${hit.asset.id} data-similarity=${hit.similarity ?? ''} data-matched-text=${hit.matchedText ?? nothing} title=${hit.matchedText === undefined ? nothing : `Matched text: “${hit.matchedText}”`} .asset=${hit.asset}></sbx-asset-tile>`)}</div>`}`
        : nothing}
    </section>`;
  }

  private readonly changed = (event: Event): void => {
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string): string | undefined => {
      const value = String(data.get(name) ?? '').trim();
      return value === '' ? undefined : value;
    };
    const kind = text('kind');
    const filters: SearchFilters = {
      ...(data.get('favorite') ? { favorite: true } : {}),
      ...(kind === 'image' || kind === 'video' ? { kind } : {}),
      ...(text('from') ? { from: text('from') } : {}),
      ...(text('to') ? { to: text('to') } : {}),
      ...(text('camera') ? { camera: text('camera') } : {}),
      ...(this.filters.person !== undefined ? { person: this.filters.person } : {}),
    };
    this.emitFilters(filters);
  };

  private emitFilters(filters: SearchFilters): void {
    const clean = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as SearchFilters;
    this.dispatchEvent(new CustomEvent('sbx-filters', { detail: clean, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-search-view')) customElements.define('sbx-search-view', SearchView);
