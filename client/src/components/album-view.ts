/**
 * One album's page: back to Albums, the name (edit and press Enter, or leave the field, to
 * rename it on every device), the number of items, Delete album, and its photos in album order
 * in the timeline grid, selectable (the selection bar then offers Set as cover and Remove from
 * album). A photo opens the viewer, which steps through the album. Emits events; the albums
 * controller owns the album.
 * Share opens the Share dialog (`sbx-share`); an album shared with me (`sharedBy` set) shows its
 * owner instead of rename, Share and Delete.
 * Test ids: `album-view` (data-album-id, data-count, data-shared), `album-back`, `album-name-input`, `album-count`, `album-delete`,
 * `album-share`, `album-shared-by`, `album-gone`.
 *
 *   <sbx-album-view .album=${summary} .view=${orderedView(members)} .selection=${ids}
 *     @sbx-rename-album=${(e) => albums.rename(id, e.detail)} @sbx-delete-album=${del} @sbx-back=${back}></sbx-album-view>
 */
import { LitElement, css, html } from 'lit';
import type { AssetId } from '../../../protocol/src/index.js';
import type { AlbumSummary } from '../domain/albums/album-summaries.js';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './timeline-view.js';

export class AlbumView extends LitElement {
  static override properties = {
    album: { attribute: false }, view: { attribute: false }, selection: { attribute: false }, shared: { type: Boolean }, sharedBy: {},
  };
  /** Mine and shared with others. */
  declare shared: boolean;
  /** Shared with me by this person (null: my album). */
  declare sharedBy: string | null;
  declare album: AlbumSummary | undefined;
  declare view: TimelineView | undefined;
  declare selection: ReadonlySet<AssetId> | null;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 16px; padding: 20px 20px 8px; }
      input { font: inherit; font-size: 24px; font-weight: 500; background: transparent; color: var(--sbx-text); border: 1px solid transparent; border-radius: 8px; padding: 4px 10px; max-width: 70vw; }
      input:hover { border-color: var(--sbx-border); }
      input:focus { outline: 2px solid var(--sbx-accent); }
      .count { color: var(--sbx-text-dim); }
      .title { font-size: 24px; font-weight: 500; margin: 0; padding: 4px 10px; }
      .shared-by { margin-left: auto; display: inline-flex; align-items: center; gap: 6px; color: var(--sbx-text-dim); }
      .shared-by svg { width: 18px; height: 18px; fill: currentColor; }
      .actions { margin-left: auto; display: flex; gap: 8px; }
      .empty { color: var(--sbx-text-dim); padding: 48px 20px; text-align: center; }
    `,
  ];

  constructor() {
    super();
    this.album = undefined;
    this.view = undefined;
    this.selection = null;
    this.shared = false;
    this.sharedBy = null;
  }

  override render() {
    const a = this.album;
    const back = html`<button class="icon-btn" data-testid="album-back" title="Albums" @click=${() => this.emit('sbx-back', null)}>${icons.back}</button>`;
    if (!a) return html`<section data-testid="album-view"><header>${back} <span data-testid="album-gone">This album was deleted or is no longer shared with you.</span></header></section>`;
    const title = this.sharedBy !== null
      ? html`<h1 class="title" data-testid="album-name">${a.name || 'Untitled'}</h1>`
      : html`<input data-testid="album-name-input" aria-label="Album name" maxlength="256" .value=${a.name} placeholder="Untitled"
          style="width: ${Math.min(40, Math.max(8, a.name.length + 2))}ch"
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.currentTarget as HTMLInputElement).blur()} @change=${this.rename} />`;
    return html`<section data-testid="album-view" data-album-id=${a.id} data-count=${a.count} data-shared=${this.shared || this.sharedBy !== null}>
      <header>
        ${back} ${title}
        <span class="count" data-testid="album-count">${a.count} ${a.count === 1 ? 'item' : 'items'}</span>
        ${this.sharedBy !== null
          ? html`<span class="shared-by" data-testid="album-shared-by">${icons.share} Shared by ${this.sharedBy || 'someone'}</span>`
          : html`<span class="actions">
              <button class="btn ${this.shared ? '' : 'primary'}" data-testid="album-share" @click=${() => this.emit('sbx-share', a.id)}>${icons.share} ${this.shared ? 'Shared' : 'Share'}</button>
              <button class="btn" data-testid="album-delete" @click=${this.confirmDelete}>${icons.trash} Delete album</button></span>`}
      </header>
      ${a.count === 0
        ? html`<p class="empty">This album is empty.${this.sharedBy === null ? ' Select photos in Photos and choose “Add to album”.' : ''}</p>`
        : html`<sbx-timeline-view .view=${this.view} .loaded=${true} .selection=${this.selection}></sbx-timeline-view>`}
    </section>`;
  }

  private readonly rename = (event: Event): void => {
    const name = (event.currentTarget as HTMLInputElement).value.trim();
    if (name !== '' && name !== this.album?.name) this.emit('sbx-rename-album', name);
  };

  private readonly confirmDelete = (): void => {
    if (confirm(`Delete the album “${this.album?.name ?? ''}”? The photos stay in your library.`)) this.emit('sbx-delete-album', this.album?.id);
  };

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-album-view')) customElements.define('sbx-album-view', AlbumView);
