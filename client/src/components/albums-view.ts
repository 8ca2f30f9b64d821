/**
 * The Albums page: "Create album" and one card per album (cover thumbnail, name, number of
 * photos, date range), newest first, then "Shared with you": albums other users shared (with
 * whom they are from). A card opens the album. Emits events; the albums controllers own the albums.
 * Test ids: `albums-view`, `albums-create`, `albums-empty`, `album-card` (data-album-id, data-count, data-shared, data-access), `album-card-name`,
 * `album-card-count`, `albums-shared` (the section), `album-card-owner`.
 *
 *   <sbx-albums-view .albums=${albumSummaries(doc, get)}
 *     @sbx-album=${(e) => openAlbum(e.detail)} @sbx-create-album=${create}></sbx-albums-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { SharedAlbumCard } from '../controllers/shared-albums-controller.js';
import type { AlbumSummary } from '../domain/albums/album-summaries.js';
import { formatDay } from '../domain/catalog/format.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './asset-tile.js';

const range = (a: AlbumSummary): string => {
  if (a.from === null || a.to === null) return '';
  const from = formatDay(a.from).replace(/^\w+, /, '');
  const to = formatDay(a.to).replace(/^\w+, /, '');
  return from === to ? from : `${from} – ${to}`;
};

export class AlbumsView extends LitElement {
  static override properties = { albums: { attribute: false }, shared: { attribute: false }, sharedIds: { attribute: false } };
  declare albums: readonly AlbumSummary[];
  /** Albums shared with me. */
  declare shared: readonly SharedAlbumCard[];
  /** Ids of my albums that I share (marked on their cards). */
  declare sharedIds: ReadonlySet<string>;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 24px 20px; }
      .head { display: flex; align-items: center; justify-content: space-between; margin: 0 0 20px; }
      h1 { font-size: 22px; font-weight: 500; margin: 0; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 24px 18px; }
      .card { all: unset; cursor: pointer; display: flex; flex-direction: column; gap: 4px; border-radius: 14px; padding: 6px; }
      .card:hover { background: var(--sbx-hover); }
      .card:focus-visible { outline: 2px solid var(--sbx-accent); }
      .cover { aspect-ratio: 1; border-radius: 12px; overflow: hidden; background: var(--sbx-surface-2); display: grid; place-items: center; color: var(--sbx-text-faint); }
      .cover sbx-asset-tile { width: 100%; height: 100%; pointer-events: none; }
      .cover svg { width: 48px; height: 48px; fill: currentColor; }
      .name { font-weight: 500; margin-top: 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .meta { color: var(--sbx-text-dim); font-size: 13px; }
      .empty { color: var(--sbx-text-dim); padding: 48px 0; text-align: center; }
      h2 { font-size: 18px; font-weight: 500; margin: 36px 0 16px; }
      .badge { display: inline-flex; vertical-align: -3px; margin-right: 4px; color: var(--sbx-text-dim); }
      .badge svg { width: 16px; height: 16px; fill: currentColor; }
    `,
  ];

  constructor() {
    super();
    this.albums = [];
    this.shared = [];
    this.sharedIds = new Set();
  }

  override render() {
    return html`<section data-testid="albums-view">
      <div class="head"><h1>Albums</h1>
        <button class="btn primary" data-testid="albums-create" @click=${() => this.emit('sbx-create-album', null)}>${icons.album} Create album</button></div>
      ${this.albums.length === 0
        ? html`<p class="empty" data-testid="albums-empty">No albums yet. Select photos in the timeline and choose “Add to album”, or create one here.</p>`
        : html`<div class="grid">${this.albums.map((a) => this.card(a, this.sharedIds.has(a.id), null))}</div>`}
      ${this.shared.length === 0
        ? nothing
        : html`<section data-testid="albums-shared"><h2>Shared with you</h2>
            <div class="grid">${this.shared.map((a) => this.card(a, true, a.ownerName))}</div></section>`}
    </section>`;
  }

  private card(a: AlbumSummary | SharedAlbumCard, shared: boolean, owner: string | null) {
    return html`<button class="card" data-testid="album-card" data-album-id=${a.id} data-count=${a.count} data-shared=${shared}
      data-access=${'access' in a ? a.access : 'admin'} @click=${() => this.emit('sbx-album', a.id)}>
      <div class="cover">${a.cover ? html`<sbx-asset-tile .asset=${a.cover} data-testid="album-card-cover" data-asset-id=${a.cover.id}></sbx-asset-tile>` : icons.album}</div>
      <span class="name" data-testid="album-card-name">${shared ? html`<span class="badge" title="Shared">${icons.share}</span>` : nothing}${a.name || 'Untitled'}</span>
      <span class="meta"><span data-testid="album-card-count">${a.count} ${a.count === 1 ? 'item' : 'items'}</span>${a.from ? html` · ${range(a)}` : ''}</span>
      ${owner !== null ? html`<span class="meta" data-testid="album-card-owner">from ${owner || 'someone'}</span>` : nothing}
    </button>`;
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-albums-view')) customElements.define('sbx-albums-view', AlbumsView);
