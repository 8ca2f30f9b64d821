/**
 * "Add to album" dialog: a new album by name, or one of the existing albums. Emits
 * `sbx-album-pick` with `{ album: id }` or `{ name }` for a new one, and `sbx-close`.
 * Test ids: `album-picker`, `album-picker-name`, `album-picker-create`, `album-picker-item` (data-album-id), `album-picker-cancel`.
 *
 *   <sbx-album-picker .albums=${summaries} .count=${3} @sbx-album-pick=${(e) => add(e.detail)} @sbx-close=${close}></sbx-album-picker>
 */
import { LitElement, css, html } from 'lit';
import type { AlbumSummary } from '../domain/albums/album-summaries.js';
import type { AlbumPick } from '../domain/albums/selection.js';
import { buttonStyles, dialogStyles } from './theme.js';


export class AlbumPicker extends LitElement {
  static override properties = { albums: { attribute: false }, count: { type: Number } };
  declare albums: readonly AlbumSummary[];
  declare count: number;

  static override styles = [
    buttonStyles,
    dialogStyles,
    css`
      .dialog { width: min(420px, 92vw); }
      h2 { margin: 0 0 14px; font-size: 18px; font-weight: 500; }
      form { display: flex; gap: 8px; margin-bottom: 16px; }
      input { flex: 1; font: inherit; background: transparent; color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 8px 10px; }
      input:focus { outline: 2px solid var(--sbx-accent); }
      ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 2px; }
      .item { all: unset; box-sizing: border-box; width: 100%; cursor: pointer; display: flex; justify-content: space-between; padding: 10px 12px; border-radius: 8px; }
      .item:hover, .item:focus-visible { background: var(--sbx-hover); }
      .dim { color: var(--sbx-text-dim); font-size: 13px; }
      .end { display: flex; justify-content: flex-end; }
    `,
  ];

  constructor() {
    super();
    this.albums = [];
    this.count = 0;
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector('input')?.focus();
  }

  override render() {
    return html`<div class="dialog" role="dialog" aria-label="Add to album" data-testid="album-picker" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.close(e)}>
      <h2>Add ${this.count} ${this.count === 1 ? 'item' : 'items'} to</h2>
      <form @submit=${this.create}>
        <input data-testid="album-picker-name" placeholder="New album name" maxlength="256" />
        <button class="btn primary" data-testid="album-picker-create" type="submit">New album</button>
      </form>
      <ul>
        ${this.albums.map((a) => html`<li><button class="item" data-testid="album-picker-item" data-album-id=${a.id} @click=${() => this.pick({ album: a.id })}>
          <span>${a.name || 'Untitled'}</span><span class="dim">${a.count}</span></button></li>`)}
      </ul>
      <div class="end"><button class="btn" data-testid="album-picker-cancel" @click=${this.close}>Cancel</button></div>
    </div>`;
  }

  private readonly create = (event: Event): void => {
    event.preventDefault();
    const name = this.renderRoot.querySelector('input')?.value.trim() ?? '';
    this.pick({ name: name || 'Untitled' });
  };

  private readonly close = (event?: Event): void => {
    event?.stopPropagation();
    this.dispatchEvent(new CustomEvent('sbx-close', { bubbles: true, composed: true }));
  };

  private pick(detail: AlbumPick): void {
    this.dispatchEvent(new CustomEvent('sbx-album-pick', { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-album-picker')) customElements.define('sbx-album-picker', AlbumPicker);
